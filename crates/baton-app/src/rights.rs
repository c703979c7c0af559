//! Who may do what, in one place. Every right is a row of one table: role × action → the
//! widest records the role reaches (own records, own region, all). Three questions are answered
//! here and nowhere else: may this person's roles perform an action at all (`may`, `reach`),
//! does their reach cover a given person or region (`require_person`, `require_region`), and
//! which records they see (`company_scope`, `lead_scope`, SQL conditions applied to every read).
//! `docs/security.md` prints the table (`markdown`), and the web tests walk it.

use crate::error::{AppError, AppResult};
use baton_catalog::Text;
use baton_domain::Role;
use baton_store::Value;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
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

/// How far a right reaches. Ordered: a wider reach covers a narrower one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reach {
    /// The person's own records: their own people record, leads they called or sell, companies
    /// they claim, created, sell or serve (see `company_scope`).
    Own,
    /// Every record of the person's region.
    Region,
    /// Every record.
    All,
}

macro_rules! actions {
    ($($name:ident => $id:literal, $words:literal,)*) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Action { $($name,)* }
        impl Action {
            pub const ALL: &'static [Action] = &[$(Action::$name,)*];
            /// What the action is, as a refusal says it ("your role may not …").
            pub fn words(self) -> &'static str {
                match self { $(Action::$name => $words,)* }
            }
            /// The action's catalog id (`act-edit-config`), for refusals.
            pub fn id(self) -> &'static str {
                match self { $(Action::$name => $id,)* }
            }
        }
    };
}

actions! {
    EditConfig => "act-edit-config", "change the conveyor settings",
    ManageRegions => "act-manage-regions", "create regions",
    ManagePeople => "act-manage-people", "add people and grant roles",
    RecordAbsence => "act-record-absence", "record absences",
    ReadPeople => "act-read-people", "see people's role history",
    CreateCompany => "act-create-company", "create companies",
    EditContacts => "act-edit-contacts", "add contacts to companies",
    LogCall => "act-log-call", "log calls and activities",
    ManageTasks => "act-manage-tasks", "set tasks and reminders",
    ReadActivities => "act-read-activities", "read calls and activities",
    ManageCallLists => "act-manage-call-lists", "manage call lists",
    OpenLead => "act-open-lead", "open leads",
    HandOff => "act-hand-off", "hand leads over",
    OverrideChecklist => "act-override-checklist", "hand a lead over with the checklist incomplete",
    DecideLead => "act-decide-lead", "accept or reject warm leads",
    ReassignLead => "act-reassign-lead", "reassign warm leads",
    WorkDeal => "act-work-deal", "work deals",
    LoseLead => "act-lose-lead", "close leads as lost",
    Invoice => "act-invoice", "issue invoices",
    Payment => "act-payment", "record payments",
    Refund => "act-refund", "record refunds",
    Handover => "act-handover", "hand clients to a client manager",
    MoveClients => "act-move-clients", "move clients between client managers",
    Kickoff => "act-kickoff", "hold client kickoffs",
    Order => "act-order", "record orders",
    ManageProducts => "act-manage-products", "edit products and prices",
    SetTargets => "act-set-targets", "set targets",
    ReadTargets => "act-read-targets", "see targets",
    ReadAudit => "act-read-audit", "read the audit log",
    VerifyAudit => "act-verify-audit", "verify the audit chain",
    ReadFinance => "act-read-finance", "see invoices and payments",
    ReadPayroll => "act-read-payroll", "read payroll",
    CalculatePeriod => "act-calculate-period", "calculate payroll",
    ApprovePeriod => "act-approve-period", "approve payroll",
    PayPeriod => "act-pay-period", "mark payroll paid",
    ReadPlans => "act-read-plans", "read compensation plans",
    EditPlans => "act-edit-plans", "edit compensation plans",
    ReadReports => "act-read-reports", "see the department's reports",
    ManageCosts => "act-manage-costs", "record acquisition costs",
    AckAlerts => "act-ack-alerts", "acknowledge alerts",
    SetAlertRules => "act-set-alert-rules", "change the alert rules",
    Replay => "act-replay", "replay pay plans",
    Simulate => "act-simulate", "simulate the department's structure",
    ExportImport => "act-export-import", "export or import data",
    ManageWebhooks => "act-manage-webhooks", "manage webhooks and see the delivery log",
    ReadNotifications => "act-read-notifications", "read and set up one's notifications",
}

const N: Option<Reach> = None;
const O: Option<Reach> = Some(Reach::Own);
const R: Option<Reach> = Some(Reach::Region);
const A: Option<Reach> = Some(Reach::All);

/// The rights table. Columns in `Role::ALL` order:
/// caller, sales manager, client manager, universal manager, head, director, accountant, admin.
#[rustfmt::skip]
pub const TABLE: &[(Action, [Option<Reach>; 8])] = {
    use Action::*;
    &[
        //                     call sm  cm  um  head dir acc adm
        (EditConfig,          [N,   N,  N,  N,  N,   A,  N,  A]),
        (ManageRegions,       [N,   N,  N,  N,  N,   A,  N,  A]),
        (ManagePeople,        [N,   N,  N,  N,  R,   A,  N,  A]),
        (RecordAbsence,       [O,   O,  O,  O,  R,   A,  O,  A]),
        (ReadPeople,          [O,   O,  O,  O,  R,   A,  A,  A]),
        (CreateCompany,       [O,   O,  N,  O,  R,   A,  N,  A]),
        (EditContacts,        [O,   O,  O,  O,  R,   A,  N,  A]),
        (LogCall,             [O,   O,  O,  O,  R,   A,  N,  A]),
        (ManageTasks,         [O,   O,  O,  O,  R,   A,  N,  A]),
        (ReadActivities,      [O,   O,  O,  O,  R,   A,  N,  A]),
        (ManageCallLists,     [O,   N,  N,  N,  R,   A,  N,  A]),
        (OpenLead,            [O,   O,  N,  O,  R,   A,  N,  A]),
        (HandOff,             [O,   N,  N,  N,  R,   A,  N,  A]),
        (OverrideChecklist,   [N,   N,  N,  N,  R,   A,  N,  A]),
        (DecideLead,          [N,   O,  N,  O,  R,   A,  N,  A]),
        (ReassignLead,        [N,   N,  N,  N,  R,   A,  N,  A]),
        (WorkDeal,            [N,   O,  N,  O,  R,   A,  N,  A]),
        (LoseLead,            [O,   O,  N,  O,  R,   A,  N,  A]),
        (Invoice,             [N,   O,  O,  O,  R,   A,  N,  A]),
        (Payment,             [N,   O,  O,  O,  R,   A,  N,  A]),
        (Refund,              [N,   N,  O,  O,  R,   A,  N,  A]),
        (Handover,            [N,   O,  N,  N,  R,   A,  N,  A]),
        (MoveClients,         [N,   N,  N,  N,  R,   A,  N,  A]),
        (Kickoff,             [N,   N,  O,  O,  R,   A,  N,  A]),
        (Order,               [N,   N,  O,  O,  R,   A,  N,  A]),
        (ManageProducts,      [N,   N,  N,  N,  R,   A,  N,  A]),
        (SetTargets,          [N,   N,  N,  N,  R,   A,  N,  A]),
        (ReadTargets,         [O,   O,  O,  O,  R,   A,  A,  A]),
        (ReadAudit,           [N,   N,  N,  N,  R,   A,  N,  A]),
        (VerifyAudit,         [N,   N,  N,  N,  N,   A,  N,  A]),
        (ReadFinance,         [N,   O,  O,  O,  R,   A,  A,  A]),
        (ReadPayroll,         [N,   N,  N,  N,  R,   A,  A,  A]),
        (CalculatePeriod,     [N,   N,  N,  N,  R,   A,  A,  A]),
        (ApprovePeriod,       [N,   N,  N,  N,  R,   A,  N,  N]),
        (PayPeriod,           [N,   N,  N,  N,  N,   A,  A,  A]),
        (ReadPlans,           [N,   N,  N,  N,  R,   A,  A,  A]),
        (EditPlans,           [N,   N,  N,  N,  R,   A,  N,  A]),
        (ReadReports,         [N,   N,  N,  N,  R,   A,  N,  A]),
        (ManageCosts,         [N,   N,  N,  N,  R,   A,  N,  A]),
        (AckAlerts,           [N,   N,  N,  N,  R,   A,  N,  A]),
        (SetAlertRules,       [N,   N,  N,  N,  N,   A,  N,  A]),
        (Replay,              [N,   N,  N,  N,  R,   A,  A,  A]),
        (Simulate,            [N,   N,  N,  N,  R,   A,  N,  A]),
        (ExportImport,        [N,   N,  N,  N,  N,   A,  N,  A]),
        (ManageWebhooks,      [N,   N,  N,  N,  N,   A,  N,  A]),
        (ReadNotifications,   [O,   O,  O,  O,  O,   O,  O,  O]),
    ]
};

fn column(role: Role) -> usize {
    Role::ALL.iter().position(|r| *r == role).unwrap_or(0)
}

/// The table's cell for one role and action.
pub fn role_reach(role: Role, action: Action) -> Option<Reach> {
    TABLE
        .iter()
        .find(|(a, _)| *a == action)
        .and_then(|(_, row)| row[column(role)])
}

/// The widest reach any of the person's roles gives for an action.
pub fn reach(actor: &Actor, action: Action) -> Option<Reach> {
    actor
        .roles
        .iter()
        .filter_map(|r| role_reach(*r, action))
        .max()
}

pub fn may(actor: &Actor, action: Action) -> bool {
    reach(actor, action).is_some()
}

pub fn require(actor: &Actor, action: Action) -> AppResult<Reach> {
    reach(actor, action).ok_or_else(|| {
        AppError::Forbidden(Text::new("err-forbidden").text("action", Text::new(action.id())))
    })
}

/// The refusal for a record outside a reach that the person may know exists.
fn out_of_reach(action: Action, whose: &str) -> AppError {
    AppError::Forbidden(
        Text::new("err-forbidden-reach")
            .text("action", Text::new(action.id()))
            .text("whose", Text::new(whose)),
    )
}

/// Does the reach cover a record of this person (`owner`) in this region? A region-less record
/// (the director, the admin) is covered only by `All`.
pub fn covers(actor: &Actor, reach: Reach, owner: Option<&str>, region: Option<&str>) -> bool {
    match reach {
        Reach::All => true,
        Reach::Region => {
            region.is_some() && region == actor.region_id.as_deref()
                || owner == Some(actor.id.as_str())
        }
        Reach::Own => owner == Some(actor.id.as_str()),
    }
}

/// The action on a person's record (their roles, absences, targets, plan): refused with 403
/// when the person is outside the actor's reach.
pub fn require_person(
    actor: &Actor,
    action: Action,
    person_id: &str,
    person_region: Option<&str>,
) -> AppResult<Reach> {
    let r = require(actor, action)?;
    if covers(actor, r, Some(person_id), person_region) {
        Ok(r)
    } else {
        Err(out_of_reach(
            action,
            match r {
                Reach::Own => "reach-other-people",
                _ => "reach-outside-region",
            },
        ))
    }
}

/// The action on something that belongs to a region (or, with `None`, to the whole company).
pub fn require_region(actor: &Actor, action: Action, region: Option<&str>) -> AppResult<Reach> {
    let r = require(actor, action)?;
    let ok = match r {
        Reach::All => true,
        Reach::Region => region.is_some() && region == actor.region_id.as_deref(),
        Reach::Own => false,
    };
    if ok {
        Ok(r)
    } else {
        Err(out_of_reach(
            action,
            match region {
                None => "reach-whole-company",
                Some(_) => "reach-outside-region",
            },
        ))
    }
}

/// The region a regional reach limits a report or list to (`None`: everything).
pub fn region_limit(actor: &Actor, action: Action) -> AppResult<Option<String>> {
    match require(actor, action)? {
        Reach::All => Ok(None),
        Reach::Region | Reach::Own => Ok(Some(actor.region_id.clone().unwrap_or_default())),
    }
}

/// A role's standing when granting roles: nobody grants a role at or above their own, except
/// an admin, who may create admins and directors.
fn rank(r: Role) -> u8 {
    match r {
        Role::Caller | Role::SalesManager | Role::ClientManager | Role::UniversalManager => 1,
        Role::Head | Role::Accountant => 2,
        Role::Director => 3,
        Role::Admin => 4,
    }
}

/// May the actor grant `role` to a person of `person_region`, in `role_region`?
pub fn require_grant(
    actor: &Actor,
    role: Role,
    person_id: &str,
    person_region: Option<&str>,
    role_region: Option<&str>,
) -> AppResult<()> {
    let r = require_person(actor, Action::ManagePeople, person_id, person_region)?;
    if person_id == actor.id && !actor.has(Role::Admin) {
        return Err(AppError::Forbidden(Text::new("err-grant-self")));
    }
    let top = actor.roles.iter().map(|r| rank(*r)).max().unwrap_or(0);
    let allowed = actor.has(Role::Admin) || rank(role) < top;
    if !allowed {
        return Err(AppError::Forbidden(
            Text::new(if rank(role) >= 3 {
                "err-grant-role-admin-only"
            } else {
                "err-grant-role-director-only"
            })
            .term("role", "role", role.as_str())
            .arg("role_code", role.as_str()),
        ));
    }
    if r == Reach::Region && (role_region.is_none() || role_region != actor.region_id.as_deref()) {
        return Err(AppError::Forbidden(Text::new("err-grant-outside-region")));
    }
    Ok(())
}

/// The table as Markdown, for `docs/security.md` (a test keeps the two equal).
pub fn markdown() -> String {
    let cell = |r: Option<Reach>| match r {
        None => "—",
        Some(Reach::Own) => "own",
        Some(Reach::Region) => "region",
        Some(Reach::All) => "all",
    };
    let mut s = String::from("| action |");
    for r in Role::ALL {
        s.push_str(&format!(" {} |", r.as_str()));
    }
    s.push_str("\n|---|");
    for _ in Role::ALL {
        s.push_str("---|");
    }
    s.push('\n');
    for (a, row) in TABLE {
        s.push_str(&format!("| {} |", a.words()));
        for c in row {
            s.push_str(&format!(" {} |", cell(*c)));
        }
        s.push('\n');
    }
    s
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

/// One way a person sees a company: a column of `companies` holding their id (or region), or
/// a query selecting company ids.
enum Seen {
    Column(&'static str, Value),
    Ids(&'static str, Value),
}

/// The ways a person sees companies; `None` for every company.
fn company_ways(a: &Actor) -> Option<Vec<Seen>> {
    use Seen::{Column, Ids};
    if a.sees_all() || a.has(Role::Accountant) {
        return None;
    }
    let mut ways = Vec::new();
    if a.has(Role::Head) {
        ways.push(Column("region_id", Value::from(a.region_id.clone())));
    }
    if a.has(Role::Caller) {
        ways.push(Column("claim_holder_id", me(a)));
        ways.push(Column("created_by", me(a)));
        ways.push(Ids(
            "SELECT company_id FROM leads WHERE caller_id = ?",
            me(a),
        ));
    }
    // Whoever calls sees the companies of the call lists they own (a head gives a universal
    // manager a list, too).
    if may(a, Action::LogCall) {
        ways.push(Ids(
            "SELECT i.company_id FROM call_list_items i JOIN call_lists l ON l.id = i.call_list_id WHERE l.owner_id = ?",
            me(a),
        ));
    }
    if a.any(&[Role::SalesManager, Role::UniversalManager]) {
        ways.push(Column("claim_holder_id", me(a)));
        ways.push(Column("created_by", me(a)));
        ways.push(Column("att_seller_id", me(a)));
        ways.push(Ids(
            "SELECT company_id FROM leads WHERE seller_id = ?",
            me(a),
        ));
        ways.push(Ids(
            "SELECT company_id FROM leads WHERE owner_id = ?",
            me(a),
        ));
    }
    if a.any(&[Role::ClientManager, Role::UniversalManager]) {
        ways.push(Column("client_manager_id", me(a)));
    }
    Some(ways)
}

/// Companies a person sees (columns of `companies`).
pub fn company_scope(a: &Actor) -> Scope {
    match company_ways(a) {
        None => Scope::All,
        Some(ways) => Scope::or(
            ways.into_iter()
                .map(|w| match w {
                    Seen::Column(c, v) => (format!("{c} = ?"), vec![v]),
                    Seen::Ids(q, v) => (format!("id IN ({q})"), vec![v]),
                })
                .collect(),
        ),
    }
}

/// The ids of the companies a person sees as one `UNION` of indexed lookups, for a query that
/// should start from them (a planner cannot use indexes for an `OR` of `IN (subquery)`s on
/// PostgreSQL, and scans every company); `None` for a reader of every company.
pub fn company_ids(a: &Actor) -> Option<(String, Vec<Value>)> {
    let ways = company_ways(a)?;
    if ways.is_empty() {
        return Some(("SELECT id FROM companies WHERE 1 = 0".into(), vec![]));
    }
    let (sql, vals): (Vec<String>, Vec<Value>) = ways
        .into_iter()
        .map(|w| match w {
            Seen::Column(c, v) => (format!("SELECT id FROM companies WHERE {c} = ?"), v),
            Seen::Ids(q, v) => (q.to_string(), v),
        })
        .unzip();
    Some((sql.join(" UNION "), vals))
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
        assert_eq!(
            role_reach(Role::Accountant, Action::ReadFinance),
            Some(Reach::All)
        );
        assert_eq!(role_reach(Role::Accountant, Action::HandOff), None);
        assert_eq!(role_reach(Role::Accountant, Action::ReadActivities), None);
        assert_eq!(role_reach(Role::Caller, Action::DecideLead), None);
        assert_eq!(
            role_reach(Role::SalesManager, Action::DecideLead),
            Some(Reach::Own)
        );
        assert_eq!(role_reach(Role::Head, Action::EditConfig), None);
        assert_eq!(
            role_reach(Role::Head, Action::ManagePeople),
            Some(Reach::Region)
        );
    }

    #[test]
    fn the_documented_table_is_the_code() {
        let doc = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../docs/security.md"
        ))
        .unwrap_or_default();
        let printed = doc
            .split("<!-- rights-table:start -->\n")
            .nth(1)
            .and_then(|s| s.split("<!-- rights-table:end -->").next())
            .unwrap_or_default();
        assert_eq!(
            printed,
            markdown(),
            "docs/security.md's table differs from TABLE"
        );
    }

    #[test]
    fn every_action_has_exactly_one_row() {
        for a in Action::ALL {
            assert_eq!(TABLE.iter().filter(|(b, _)| b == a).count(), 1, "{a:?}");
        }
        assert_eq!(TABLE.len(), Action::ALL.len());
    }

    fn person(id: &str, region: Option<&str>, roles: &[Role]) -> Actor {
        Actor {
            id: id.into(),
            login: id.into(),
            name: id.into(),
            region_id: region.map(str::to_string),
            roles: roles.to_vec(),
        }
    }

    #[test]
    fn nobody_grants_a_role_at_or_above_their_own() {
        let head = person("h", Some("msk"), &[Role::Head]);
        let msk = Some("msk");
        // A head: conveyor roles in their region, to others.
        assert!(require_grant(&head, Role::Caller, "x", msk, msk).is_ok());
        assert!(require_grant(&head, Role::Director, "x", msk, msk).is_err());
        assert!(require_grant(&head, Role::Head, "x", msk, msk).is_err());
        assert!(require_grant(&head, Role::Admin, "x", msk, msk).is_err());
        assert!(require_grant(&head, Role::Director, "h", msk, msk).is_err());
        assert!(require_grant(&head, Role::Caller, "x", Some("spb"), Some("spb")).is_err());
        assert!(require_grant(&head, Role::Caller, "x", msk, Some("spb")).is_err());
        assert!(require_grant(&head, Role::Caller, "x", msk, None).is_err());
        // A director: heads and accountants, not directors or admins.
        let dir = person("d", None, &[Role::Director]);
        assert!(require_grant(&dir, Role::Head, "x", Some("spb"), Some("spb")).is_ok());
        assert!(require_grant(&dir, Role::Accountant, "x", None, None).is_ok());
        assert!(require_grant(&dir, Role::Director, "x", None, None).is_err());
        assert!(require_grant(&dir, Role::Admin, "x", None, None).is_err());
        // Only an admin creates admins and directors.
        let adm = person("a", None, &[Role::Admin]);
        assert!(require_grant(&adm, Role::Admin, "x", None, None).is_ok());
        assert!(require_grant(&adm, Role::Director, "x", None, None).is_ok());
        // A caller grants nothing.
        let c = person("c", msk, &[Role::Caller]);
        assert!(require_grant(&c, Role::Caller, "x", msk, msk).is_err());
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
