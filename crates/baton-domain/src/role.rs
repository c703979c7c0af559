//! Roles a person can hold, effective-dated. A person may hold two roles during a transition.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Caller,
    SalesManager,
    ClientManager,
    UniversalManager,
    Head,
    Director,
    Accountant,
    Admin,
}

impl Role {
    pub const ALL: [Role; 8] = [
        Role::Caller,
        Role::SalesManager,
        Role::ClientManager,
        Role::UniversalManager,
        Role::Head,
        Role::Director,
        Role::Accountant,
        Role::Admin,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Caller => "caller",
            Role::SalesManager => "sales_manager",
            Role::ClientManager => "client_manager",
            Role::UniversalManager => "universal_manager",
            Role::Head => "head",
            Role::Director => "director",
            Role::Accountant => "accountant",
            Role::Admin => "admin",
        }
    }
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }
    /// Roles that win new clients (receive warm leads or open their own).
    pub fn sells(self) -> bool {
        matches!(self, Role::SalesManager | Role::UniversalManager)
    }
    /// Roles that serve and collect from a portfolio.
    pub fn serves(self) -> bool {
        matches!(self, Role::ClientManager | Role::UniversalManager)
    }
}

/// One effective-dated role assignment. `to` is exclusive; `None` means open-ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleAssignment {
    pub role: Role,
    pub region_id: Option<String>,
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
}

impl RoleAssignment {
    pub fn active_on(&self, day: NaiveDate) -> bool {
        self.from <= day && self.to.is_none_or(|t| day < t)
    }
}

/// Roles held on a day, in a stable order.
pub fn roles_on(assignments: &[RoleAssignment], day: NaiveDate) -> Vec<Role> {
    let mut r: Vec<Role> = assignments
        .iter()
        .filter(|a| a.active_on(day))
        .map(|a| a.role)
        .collect();
    r.sort();
    r.dedup();
    r
}

/// An absence (vacation, sick leave), inclusive on both ends.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Absence {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub kind: String,
}

pub fn absent_on(absences: &[Absence], day: NaiveDate) -> bool {
    absences.iter().any(|a| a.from <= day && day <= a.to)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn assignments_are_effective_dated() {
        let a = vec![
            RoleAssignment {
                role: Role::UniversalManager,
                region_id: None,
                from: d("2026-01-01"),
                to: Some(d("2026-06-15")),
            },
            RoleAssignment {
                role: Role::ClientManager,
                region_id: None,
                from: d("2026-06-01"),
                to: None,
            },
        ];
        assert_eq!(roles_on(&a, d("2026-05-31")), vec![Role::UniversalManager]);
        assert_eq!(
            roles_on(&a, d("2026-06-10")),
            vec![Role::ClientManager, Role::UniversalManager]
        );
        assert_eq!(roles_on(&a, d("2026-06-15")), vec![Role::ClientManager]);
        assert_eq!(roles_on(&a, d("2025-12-31")), Vec::<Role>::new());
    }

    #[test]
    fn role_names_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
    }
}
