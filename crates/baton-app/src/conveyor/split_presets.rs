//! The three shapes of a department as presets of the split (PRODUCT.md §1): all universal,
//! mixed (callers feeding universal managers) and the full conveyor. A preset is only a first
//! draft of the split for a region's people as they are today; the head edits it, previews it
//! and applies it like any other split.

use super::split::{Split, SplitMove, SplitRole};
use crate::error::{AppError, AppResult};
use crate::payroll::PAID_ROLES;
use crate::rights::{Action, require, require_region};
use crate::{Actor, App};
use baton_catalog::Text;
use baton_domain::Role;
use baton_domain::role::roles_on;
use baton_store::Filter;
use baton_store::records::{Employee, RoleAssignmentRow};
use serde::{Deserialize, Serialize};

/// The department's shape a preset aims at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Preset {
    /// Everyone finds, wins and serves their own clients.
    Universal,
    /// Callers find warm leads for universal managers, who win and serve.
    Mixed,
    /// Callers, sales managers and client managers.
    Conveyor,
}

impl Preset {
    pub fn parse(s: &str) -> Option<Preset> {
        match s {
            "universal" => Some(Preset::Universal),
            "mixed" => Some(Preset::Mixed),
            "conveyor" => Some(Preset::Conveyor),
            _ => None,
        }
    }
}

/// A person of the region who holds a paid role today, with their book.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Staff {
    pub employee_id: String,
    pub name: String,
    #[schema(value_type = String)]
    pub role: Role,
    pub clients: i64,
}

/// The preset's split for these people. Universal: everyone becomes a universal manager and
/// keeps their clients. Mixed: callers stay callers, everyone else becomes a universal manager.
/// Conveyor: callers, sales managers and client managers stay; of the universal managers, the
/// half with the largest books (at least one when there is no client manager) become client
/// managers and keep their clients, the others become sales managers and their clients are
/// dealt in turn to all the client managers.
pub fn preset(kind: Preset, staff: &[Staff]) -> Split {
    let role = |s: &Staff, r: Role| SplitRole {
        employee_id: s.employee_id.clone(),
        role: r.as_str().to_string(),
    };
    let mut out = Split::default();
    match kind {
        Preset::Universal | Preset::Mixed => {
            for s in staff {
                let keep = s.role == Role::UniversalManager
                    || (kind == Preset::Mixed && s.role == Role::Caller);
                if !keep {
                    out.roles.push(role(s, Role::UniversalManager));
                }
            }
        }
        Preset::Conveyor => {
            let mut ums: Vec<&Staff> = staff
                .iter()
                .filter(|s| s.role == Role::UniversalManager)
                .collect();
            ums.sort_by(|a, b| {
                b.clients
                    .cmp(&a.clients)
                    .then_with(|| a.name.cmp(&b.name))
                    .then_with(|| a.employee_id.cmp(&b.employee_id))
            });
            let cms_now = staff
                .iter()
                .filter(|s| s.role == Role::ClientManager)
                .count();
            let mut keepers = ums.len() / 2;
            if keepers == 0 && cms_now == 0 && !ums.is_empty() {
                keepers = 1;
            }
            let (new_cms, new_sms) = ums.split_at(keepers);
            let mut takers: Vec<String> = staff
                .iter()
                .filter(|s| s.role == Role::ClientManager)
                .map(|s| s.employee_id.clone())
                .collect();
            takers.extend(new_cms.iter().map(|s| s.employee_id.clone()));
            for s in new_cms {
                out.roles.push(role(s, Role::ClientManager));
            }
            for s in new_sms {
                out.roles.push(role(s, Role::SalesManager));
                if s.clients > 0 && !takers.is_empty() {
                    out.moves.push(SplitMove {
                        from_id: s.employee_id.clone(),
                        to_id: None,
                        to_ids: takers.clone(),
                    });
                }
            }
        }
    }
    out
}

impl App {
    /// The region's people who hold a paid role today, with the number of clients each has.
    pub fn split_staff(&self, actor: &Actor, region_id: &str) -> AppResult<Vec<Staff>> {
        require(actor, Action::ManagePeople)?;
        require_region(actor, Action::ManagePeople, Some(region_id))?;
        let cfg = self.config()?;
        let today = self.today(&cfg);
        self.db.read(|tx| {
            let people = tx.list::<Employee>(
                &Filter::new()
                    .eq("region_id", region_id)
                    .order("name", false),
            )?;
            let mut out = Vec::new();
            for e in people.into_iter().filter(|e| e.active) {
                let ras =
                    tx.list::<RoleAssignmentRow>(&Filter::new().eq("employee_id", e.id.as_str()))?;
                let ras = super::people::assignments_of(&ras, &e.id);
                let Some(role) = roles_on(&ras, today)
                    .into_iter()
                    .find(|r| PAID_ROLES.contains(r))
                else {
                    continue;
                };
                let clients = tx.count::<baton_store::records::Company>(
                    &Filter::new().eq("client_manager_id", e.id.as_str()),
                )?;
                out.push(Staff {
                    employee_id: e.id,
                    name: e.name,
                    role,
                    clients,
                });
            }
            Ok(out)
        })
    }

    /// The preset's split for a region's people today (a draft to edit, preview and apply).
    pub fn split_preset(&self, actor: &Actor, region_id: &str, kind: &str) -> AppResult<Split> {
        require(actor, Action::ManagePeople)?;
        let kind = Preset::parse(kind)
            .ok_or_else(|| AppError::invalid("preset", Text::new("err-split-preset")))?;
        Ok(preset(kind, &self.split_staff(actor, region_id)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(id: &str, role: Role, clients: i64) -> Staff {
        Staff {
            employee_id: id.into(),
            name: id.into(),
            role,
            clients,
        }
    }

    fn roles(split: &Split) -> Vec<(String, String)> {
        split
            .roles
            .iter()
            .map(|r| (r.employee_id.clone(), r.role.clone()))
            .collect()
    }

    #[test]
    fn the_conveyor_keeps_the_largest_books_with_client_managers() {
        let staff = [
            s("a", Role::UniversalManager, 3),
            s("b", Role::UniversalManager, 9),
            s("c", Role::UniversalManager, 0),
            s("d", Role::UniversalManager, 5),
            s("k", Role::Caller, 0),
        ];
        let split = preset(Preset::Conveyor, &staff);
        let p = |a: &str, b: &str| (a.to_string(), b.to_string());
        assert_eq!(
            roles(&split),
            vec![
                p("b", "client_manager"),
                p("d", "client_manager"),
                p("a", "sales_manager"),
                p("c", "sales_manager"),
            ]
        );
        // c has no clients: only a's book moves, dealt between b and d.
        assert_eq!(split.moves.len(), 1);
        assert_eq!(split.moves[0].from_id, "a");
        assert_eq!(
            split.moves[0].to_ids,
            vec!["b".to_string(), "d".to_string()]
        );
    }

    #[test]
    fn a_lone_universal_manager_becomes_the_client_manager() {
        let split = preset(Preset::Conveyor, &[s("a", Role::UniversalManager, 4)]);
        assert_eq!(
            roles(&split),
            vec![("a".to_string(), "client_manager".to_string())]
        );
        assert!(split.moves.is_empty());
    }

    #[test]
    fn mixed_keeps_the_callers_and_universal_keeps_nobody_apart() {
        let staff = [
            s("k", Role::Caller, 0),
            s("m", Role::SalesManager, 0),
            s("c", Role::ClientManager, 7),
            s("u", Role::UniversalManager, 2),
        ];
        let um = |id: &str| (id.to_string(), "universal_manager".to_string());
        assert_eq!(
            roles(&preset(Preset::Mixed, &staff)),
            vec![um("m"), um("c")]
        );
        assert_eq!(
            roles(&preset(Preset::Universal, &staff)),
            vec![um("k"), um("m"), um("c")]
        );
        assert!(preset(Preset::Universal, &staff).moves.is_empty());
    }
}
