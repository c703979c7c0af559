//! The split as one step: from today these people hold these roles and these managers' clients
//! go to these client managers, in one transaction (docs/plans.md, "The split"). A preview runs
//! the same step and rolls it back, showing each person's portfolio and this month's and next
//! month's pay before and after, and replays the last three months under the new roles
//! (split_history.rs). Presets (universal, mixed, conveyor) are in split_presets.rs.

use super::people::NewRole;
use super::portfolios::{MoveContext, PortfolioChange, Reassignment, revenue_by_company};
use super::split_history::PersonHistory;
use crate::error::{AppError, AppResult};
use crate::payroll::period_of;
use crate::rights::{Action, require};
use crate::{Actor, App};
use baton_catalog::Text;
use baton_domain::Role;
use baton_store::records::Company;
use baton_store::{Filter, Tx};
use chrono::Months;
use serde::{Deserialize, Serialize};

/// One person's role from the split's day.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SplitRole {
    #[schema(max_length = 64)]
    pub employee_id: String,
    /// caller, sales_manager, client_manager or universal_manager.
    #[schema(max_length = 64)]
    pub role: String,
}

/// Every client of `from_id` goes to `to_id`, or to the managers of `to_ids` in turn: the
/// clients dealt one by one, largest last-twelve-months revenue first, so the books come out
/// even in count and close in revenue.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SplitMove {
    #[schema(max_length = 64)]
    pub from_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 64)]
    pub to_id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schema(max_items = 500)]
    pub to_ids: Vec<String>,
}

impl SplitMove {
    /// Who takes the clients, in turn (one name for a whole book).
    fn takers(&self, i: usize) -> AppResult<Vec<String>> {
        let mut to: Vec<String> = self.to_id.iter().cloned().collect();
        to.extend(self.to_ids.iter().cloned());
        if to.is_empty() || (self.to_id.is_some() && !self.to_ids.is_empty()) {
            return Err(AppError::invalid(
                &format!("moves[{i}].to_id"),
                Text::new("err-move-to-required"),
            ));
        }
        if to.len() > baton_domain::input::LIST_MAX {
            return Err(AppError::invalid(
                &format!("moves[{i}].to_ids"),
                Text::new("err-move-too-many-managers"),
            ));
        }
        Ok(to)
    }
}

/// The split: roles from today, and whose clients go to whom.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Split {
    #[serde(default)]
    #[schema(max_items = 500)]
    pub roles: Vec<SplitRole>,
    #[serde(default)]
    #[schema(max_items = 500)]
    pub moves: Vec<SplitMove>,
}

/// What the split did (or, previewed, would do).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SplitOutcome {
    pub preview: bool,
    /// The day the new roles start (today).
    #[schema(value_type = String)]
    pub on: chrono::NaiveDate,
    pub roles_changed: i64,
    pub clients_moved: i64,
    pub this_month: String,
    pub next_month: String,
    /// Everyone the split concerns: clients, revenue moved, and pay before and after.
    pub people: Vec<PortfolioChange>,
    /// Previews only: the three months before this one, replayed under the new roles.
    pub history_months: Vec<String>,
    pub history: Vec<PersonHistory>,
}

impl App {
    /// Carries out the split in one transaction.
    pub fn split(&self, actor: &Actor, req: Split) -> AppResult<SplitOutcome> {
        self.run_split(actor, req, false)
    }

    /// The same split, computed and rolled back.
    pub fn preview_split(&self, actor: &Actor, req: Split) -> AppResult<SplitOutcome> {
        self.run_split(actor, req, true)
    }

    fn run_split(&self, actor: &Actor, req: Split, preview: bool) -> AppResult<SplitOutcome> {
        require(actor, Action::ManagePeople)?;
        require(actor, Action::MoveClients)?;
        let limit = baton_domain::input::LIST_MAX;
        if req.roles.len() > limit || req.moves.len() > limit {
            return Err(AppError::invalid(
                "roles",
                Text::new("err-split-too-big").num("limit", limit as i64),
            ));
        }
        if req.roles.is_empty() && req.moves.is_empty() {
            return Err(AppError::invalid("roles", Text::new("err-split-empty")));
        }
        for (i, m) in req.moves.iter().enumerate() {
            m.takers(i)?;
        }
        let cfg = self.config()?;
        let today = self.today(&cfg);
        let this_month = period_of(today);
        let next_month = period_of(today.checked_add_months(Months::new(1)).unwrap_or(today));
        let roles = self.split_roles(actor, &req, today)?;
        let mut people: Vec<String> = req
            .roles
            .iter()
            .map(|r| r.employee_id.clone())
            .chain(req.moves.iter().flat_map(|m| {
                std::iter::once(m.from_id.clone())
                    .chain(m.to_id.iter().cloned())
                    .chain(m.to_ids.iter().cloned())
            }))
            .collect();
        people.sort();
        people.dedup();
        let ctx = MoveContext {
            cfg: &cfg,
            today,
            this_month: &this_month,
            next_month: &next_month,
        };
        let run = |tx: &mut Tx<'_>| -> AppResult<SplitOutcome> {
            let mut rows = self.portfolios_before(tx, &people, preview, &ctx)?;
            for r in &roles {
                self.assign_role_in(tx, Some(actor), &r.employee_id, &r.grant, r.checked)?;
            }
            // Moves after the roles: a manager who becomes a client manager today can take a book.
            let mut moved = 0;
            for m in dealt(tx, actor, &req.moves, today)? {
                let out = self.move_in(tx, actor, &m, false, &ctx)?;
                moved += out.moved;
                for p in out.people {
                    if let Some(row) = rows.get_mut(&p.employee_id) {
                        row.gained += p.gained;
                        row.lost += p.lost;
                        row.revenue_gained += p.revenue_gained;
                        row.revenue_lost += p.revenue_lost;
                    }
                }
            }
            self.portfolios_after(tx, &mut rows, preview, &ctx)?;
            let mut regions = Vec::new();
            for p in &people {
                let e: baton_store::records::Employee = tx.must(p)?;
                regions.extend(e.region_id);
            }
            regions.sort();
            regions.dedup();
            let id = self.new_id();
            self.audit(
                tx,
                Some(actor),
                "department",
                &id,
                "department.split",
                None::<&()>,
                Some(&Recorded {
                    on: today,
                    regions,
                    roles_changed: roles.len() as i64,
                    clients_moved: moved,
                    split: &req,
                }),
            )?;
            Ok(SplitOutcome {
                preview,
                on: today,
                roles_changed: roles.len() as i64,
                clients_moved: moved,
                this_month: this_month.clone(),
                next_month: next_month.clone(),
                people: rows.into_values().collect(),
                history_months: vec![],
                history: vec![],
            })
        };
        if preview {
            let mut out = self.db.rehearse(run)?;
            let (months, history) = self.split_history(actor, &roles, &req.moves, &people, &ctx)?;
            out.history_months = months;
            out.history = history;
            Ok(out)
        } else {
            self.db.tx(run)
        }
    }

    /// Each role change checked as its own grant would be (rights, dates), before writing.
    fn split_roles(
        &self,
        actor: &Actor,
        req: &Split,
        today: chrono::NaiveDate,
    ) -> AppResult<Vec<Checked>> {
        let mut roles = Vec::with_capacity(req.roles.len());
        for (i, r) in req.roles.iter().enumerate() {
            let grant = NewRole {
                role: r.role.clone(),
                region_id: self
                    .employee(&r.employee_id)
                    .map_err(|_| {
                        AppError::invalid(
                            &format!("roles[{i}].employee_id"),
                            Text::new("err-no-such-person"),
                        )
                    })?
                    .region_id,
                valid_from: today.to_string(),
                valid_to: None,
                replace: true,
            };
            let checked = self.role_checked(Some(actor), &r.employee_id, &grant)?;
            if !SPLIT_ROLES.contains(&checked.0) {
                return Err(AppError::invalid(
                    &format!("roles[{i}].role"),
                    Text::new("err-split-role"),
                ));
            }
            roles.push(Checked {
                employee_id: r.employee_id.clone(),
                grant,
                checked,
            });
        }
        Ok(roles)
    }
}

/// A role change of the split, checked.
pub(crate) struct Checked {
    pub employee_id: String,
    pub grant: NewRole,
    pub checked: (Role, chrono::NaiveDate, Option<chrono::NaiveDate>),
}

/// What the audit trail keeps of a split: its day, the regions of the people concerned, its
/// size and the request.
#[derive(Serialize)]
struct Recorded<'a> {
    on: chrono::NaiveDate,
    regions: Vec<String>,
    roles_changed: i64,
    clients_moved: i64,
    #[serde(flatten)]
    split: &'a Split,
}

/// A split carried out, as the audit trail recorded it (the dashboard and the replay show it).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct DepartmentChange {
    #[schema(value_type = String)]
    pub on: chrono::NaiveDate,
    /// Who carried it out.
    pub by: String,
    /// The codes of the regions whose people it concerned.
    pub regions: Vec<String>,
    pub roles_changed: i64,
    pub clients_moved: i64,
}

impl App {
    /// The splits carried out, oldest first, that concern the actor's regions (every one for
    /// a reader of all regions); `region` (a code) narrows them to one region.
    pub fn department_changes(
        &self,
        actor: &Actor,
        region: Option<&str>,
    ) -> AppResult<Vec<DepartmentChange>> {
        require(actor, Action::ReadReports)?;
        Ok(self
            .splits_recorded()?
            .into_iter()
            .filter(|(_, ids)| {
                actor.sees_all()
                    || ids
                        .iter()
                        .any(|g| actor.region_id.as_deref() == Some(g.as_str()))
            })
            .map(|(c, _)| c)
            .filter(|c| region.is_none_or(|r| c.regions.iter().any(|g| g == r)))
            .collect())
    }

    /// Every split in the audit trail, oldest first, with the ids of the regions it concerned.
    pub(crate) fn splits_recorded(&self) -> AppResult<Vec<(DepartmentChange, Vec<String>)>> {
        #[derive(serde::Deserialize)]
        struct Stored {
            on: chrono::NaiveDate,
            #[serde(default)]
            regions: Vec<String>,
            #[serde(default)]
            roles_changed: i64,
            #[serde(default)]
            clients_moved: i64,
        }
        self.db.read(|tx| {
            let codes: std::collections::HashMap<String, String> = tx
                .query("SELECT id, code FROM regions", &[])?
                .into_iter()
                .map(|r| (r.text(0), r.text(1)))
                .collect();
            let rows = tx.query(
                "SELECT a.after_json, e.name FROM audit_events a LEFT JOIN employees e ON e.id = a.actor_id \
                 WHERE a.action = 'department.split' ORDER BY a.at, a.id",
                &[],
            )?;
            let mut out = Vec::new();
            for r in rows {
                let Some(s) = r
                    .opt_text(0)
                    .and_then(|t| serde_json::from_str::<Stored>(&t).ok())
                else {
                    continue;
                };
                let regions = s
                    .regions
                    .iter()
                    .filter_map(|g| codes.get(g).cloned())
                    .collect();
                out.push((
                    DepartmentChange {
                        on: s.on,
                        by: r.opt_text(1).unwrap_or_default(),
                        regions,
                        roles_changed: s.roles_changed,
                        clients_moved: s.clients_moved,
                    },
                    s.regions,
                ));
            }
            Ok(out)
        })
    }
}

/// The moves as lists of clients: a whole book to one manager, or dealt in turn (largest
/// revenue first, then by id, so the same data always deals the same way).
pub(crate) fn dealt(
    tx: &mut Tx<'_>,
    actor: &Actor,
    moves: &[SplitMove],
    today: chrono::NaiveDate,
) -> AppResult<Vec<Reassignment>> {
    let scope = crate::rights::company_scope(actor);
    let mut out = Vec::new();
    for (i, m) in moves.iter().enumerate() {
        let takers = m.takers(i)?;
        let (cond, vals) = scope.sql();
        let book = tx.list::<Company>(
            &Filter::new()
                .eq("client_manager_id", m.from_id.as_str())
                .raw(cond, vals)
                .order("id", false),
        )?;
        let refs: Vec<&Company> = book.iter().collect();
        let revenue = revenue_by_company(tx, &refs, today)?;
        let mut ids: Vec<(rust_decimal::Decimal, String)> = book
            .iter()
            .map(|c| {
                (
                    revenue.get(&c.id).copied().unwrap_or_default(),
                    c.id.clone(),
                )
            })
            .collect();
        ids.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        let mut lists: Vec<Vec<String>> = vec![Vec::new(); takers.len()];
        for (k, (_, id)) in ids.into_iter().enumerate() {
            lists[k % takers.len()].push(id);
        }
        for (to, company_ids) in takers.into_iter().zip(lists) {
            if company_ids.is_empty() {
                continue;
            }
            out.push(Reassignment {
                company_ids,
                from_id: Some(m.from_id.clone()),
                to_id: to,
            });
        }
    }
    Ok(out)
}

/// The roles a split may give (the conveyor's and the universal one).
pub const SPLIT_ROLES: [Role; 4] = [
    Role::Caller,
    Role::SalesManager,
    Role::ClientManager,
    Role::UniversalManager,
];
