//! Who may do what, in one place. Two questions are answered here and nowhere else:
//! may this person's roles perform an action at all (`may`), and which records they see
//! (`company_scope`, `lead_scope`, as SQL conditions the store applies to every read).

use crate::error::{AppError, AppResult};
use baton_domain::Role;
use baton_store::Value;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Actor {
    pub id: String,
    pub login: String,
    pub name: String,
    pub region_id: Option<String>,
    /// Roles held today.
    pub roles: Vec<Role>,
}

impl Actor {
    pub fn has(&self, r: Role) -> bool {
        self.roles.contains(&r)
    }
    pub fn any(&self, rs: &[Role]) -> bool {
        rs.iter().any(|r| self.has(*r))
    }
    pub fn sees_all(&self) -> bool {
        self.any(&[Role::Director, Role::Admin])
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    EditConfig,
    ManagePeople,
    ReadPeople,
    CreateCompany,
    LogCall,
    ManageCallLists,
    OpenLead,
    HandOff,
    DecideLead,
    WorkDeal,
    Invoice,
    Payment,
    Refund,
    Handover,
    Kickoff,
    Order,
    ManageProducts,
    SetTargets,
    ReadTargets,
    ReadAudit,
    ReadFinance,
    ExportImport,
}

impl Action {
    fn words(self) -> &'static str {
        match self {
            Action::EditConfig => "change the conveyor settings",
            Action::ManagePeople => "manage people and roles",
            Action::ReadPeople => "see the staff list",
            Action::CreateCompany => "create companies",
            Action::LogCall => "log calls",
            Action::ManageCallLists => "manage call lists",
            Action::OpenLead => "open leads",
            Action::HandOff => "hand leads over",
            Action::DecideLead => "accept or reject warm leads",
            Action::WorkDeal => "work deals",
            Action::Invoice => "issue invoices",
            Action::Payment => "record payments",
            Action::Refund => "record refunds",
            Action::Handover => "hand clients to a client manager",
            Action::Kickoff => "hold client kickoffs",
            Action::Order => "record orders",
            Action::ManageProducts => "edit products and prices",
            Action::SetTargets => "set targets",
            Action::ReadTargets => "see targets",
            Action::ReadAudit => "read the audit log",
            Action::ReadFinance => "see invoices and payments",
            Action::ExportImport => "export or import data",
        }
    }
}

/// The role table. Head, director and admin may do everything the conveyor roles may, within
/// their scope; the accountant reads money.
pub fn role_may(role: Role, action: Action) -> bool {
    use Action::*;
    match role {
        Role::Director | Role::Admin => true,
        Role::Head => !matches!(action, EditConfig | ExportImport),
        Role::Accountant => matches!(action, ReadFinance | ReadPeople | ReadTargets),
        Role::Caller => matches!(
            action,
            CreateCompany | LogCall | ManageCallLists | OpenLead | HandOff | ReadTargets
        ),
        Role::SalesManager => matches!(
            action,
            CreateCompany
                | LogCall
                | OpenLead
                | DecideLead
                | WorkDeal
                | Invoice
                | Payment
                | Handover
                | ReadFinance
                | ReadTargets
        ),
        Role::ClientManager => matches!(
            action,
            LogCall | Invoice | Payment | Refund | Kickoff | Order | ReadFinance | ReadTargets
        ),
        Role::UniversalManager => matches!(
            action,
            CreateCompany
                | LogCall
                | OpenLead
                | DecideLead
                | WorkDeal
                | Invoice
                | Payment
                | Refund
                | Order
                | ReadFinance
                | ReadTargets
                | Kickoff
        ),
    }
}

pub fn may(actor: &Actor, action: Action) -> bool {
    actor.roles.iter().any(|r| role_may(*r, action))
}

pub fn require(actor: &Actor, action: Action) -> AppResult<()> {
    if may(actor, action) {
        Ok(())
    } else {
        Err(AppError::Forbidden(action.words().into()))
    }
}

/// Which rows of a table a person sees.
#[derive(Clone, Debug, PartialEq)]
pub enum Scope {
    All,
    Nothing,
    Where(String, Vec<Value>),
}

impl Scope {
    fn or(parts: Vec<(String, Vec<Value>)>) -> Scope {
        if parts.is_empty() {
            return Scope::Nothing;
        }
        let sql = parts
            .iter()
            .map(|(s, _)| format!("({s})"))
            .collect::<Vec<_>>()
            .join(" OR ");
        Scope::Where(sql, parts.into_iter().flat_map(|(_, v)| v).collect())
    }
    /// The condition and its values, `1 = 0` for nothing.
    pub fn sql(&self) -> (String, Vec<Value>) {
        match self {
            Scope::All => ("1 = 1".into(), vec![]),
            Scope::Nothing => ("1 = 0".into(), vec![]),
            Scope::Where(s, v) => (s.clone(), v.clone()),
        }
    }
}

fn me(a: &Actor) -> Value {
    Value::Text(a.id.clone())
}

/// Companies a person sees (columns of `companies`).
pub fn company_scope(a: &Actor) -> Scope {
    if a.sees_all() || a.has(Role::Accountant) {
        return Scope::All;
    }
    let mut parts = Vec::new();
    if a.has(Role::Head) {
        parts.push((
            "region_id = ?".to_string(),
            vec![Value::from(a.region_id.clone())],
        ));
    }
    if a.has(Role::Caller) {
        parts.push((
            "claim_holder_id = ? OR created_by = ? OR id IN (SELECT company_id FROM leads WHERE caller_id = ?) \
             OR id IN (SELECT i.company_id FROM call_list_items i JOIN call_lists l ON l.id = i.call_list_id WHERE l.owner_id = ?)"
                .to_string(),
            vec![me(a), me(a), me(a), me(a)],
        ));
    }
    if a.any(&[Role::SalesManager, Role::UniversalManager]) {
        parts.push((
            "claim_holder_id = ? OR created_by = ? OR att_seller_id = ? \
             OR id IN (SELECT company_id FROM leads WHERE seller_id = ? OR owner_id = ?)"
                .to_string(),
            vec![me(a), me(a), me(a), me(a), me(a)],
        ));
    }
    if a.any(&[Role::ClientManager, Role::UniversalManager]) {
        parts.push(("client_manager_id = ?".to_string(), vec![me(a)]));
    }
    Scope::or(parts)
}

/// Leads a person sees (columns of `leads`).
pub fn lead_scope(a: &Actor) -> Scope {
    if a.sees_all() {
        return Scope::All;
    }
    let mut parts = Vec::new();
    if a.has(Role::Head) {
        parts.push((
            "region_id = ?".to_string(),
            vec![Value::from(a.region_id.clone())],
        ));
    }
    if a.has(Role::Caller) {
        parts.push(("caller_id = ?".to_string(), vec![me(a)]));
    }
    if a.any(&[Role::SalesManager, Role::UniversalManager]) {
        parts.push((
            "seller_id = ? OR owner_id = ?".to_string(),
            vec![me(a), me(a)],
        ));
    }
    if a.any(&[Role::ClientManager, Role::UniversalManager]) {
        parts.push((
            "company_id IN (SELECT id FROM companies WHERE client_manager_id = ?)".to_string(),
            vec![me(a)],
        ));
    }
    Scope::or(parts)
}

/// Rows that belong to a company (invoices, payments, contracts): visible to people who may
/// see money and who see the company.
pub fn money_scope(a: &Actor) -> Scope {
    if !may(a, Action::ReadFinance) {
        return Scope::Nothing;
    }
    match company_scope(a) {
        Scope::All => Scope::All,
        Scope::Nothing => Scope::Nothing,
        Scope::Where(s, v) => Scope::Where(
            format!("company_id IN (SELECT id FROM companies WHERE {s})"),
            v,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accountant_reads_money_only() {
        assert!(role_may(Role::Accountant, Action::ReadFinance));
        assert!(!role_may(Role::Accountant, Action::HandOff));
        assert!(!role_may(Role::Caller, Action::DecideLead));
        assert!(role_may(Role::SalesManager, Action::DecideLead));
        assert!(!role_may(Role::Head, Action::EditConfig));
    }

    #[test]
    fn a_caller_sees_own_leads_only() {
        let a = Actor {
            id: "c1".into(),
            login: "c1".into(),
            name: "C".into(),
            region_id: Some("r".into()),
            roles: vec![Role::Caller],
        };
        assert_eq!(
            lead_scope(&a),
            Scope::Where("(caller_id = ?)".into(), vec![Value::Text("c1".into())])
        );
        let nobody = Actor { roles: vec![], ..a };
        assert_eq!(lead_scope(&nobody), Scope::Nothing);
    }
}
