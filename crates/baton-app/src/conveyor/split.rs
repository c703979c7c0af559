//! The split as one step: from today these people hold these roles and these managers' clients
//! go to these client managers, in one transaction (docs/plans.md, "The split"). A preview runs
//! the same step and rolls it back, showing each person's portfolio and this month's and next
//! month's pay before and after.

use super::people::NewRole;
use super::portfolios::{MoveContext, PortfolioChange, Reassignment};
use crate::error::{AppError, AppResult};
use crate::payroll::period_of;
use crate::rights::{Action, require};
use crate::{Actor, App};
use baton_domain::Role;
use baton_store::Tx;
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

/// Every client of `from_id` goes to `to_id`.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SplitMove {
    #[schema(max_length = 64)]
    pub from_id: String,
    #[schema(max_length = 64)]
    pub to_id: String,
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
                format!("at most {limit} role changes and {limit} moves in one split"),
            ));
        }
        if req.roles.is_empty() && req.moves.is_empty() {
            return Err(AppError::invalid(
                "roles",
                "say who takes which role from today, or whose clients go to whom",
            ));
        }
        let cfg = self.config()?;
        let today = self.today(&cfg);
        let this_month = period_of(today);
        let next_month = period_of(today.checked_add_months(Months::new(1)).unwrap_or(today));
        // Each role change is checked as its own grant would be (rights, dates), before writing.
        let mut roles = Vec::with_capacity(req.roles.len());
        for (i, r) in req.roles.iter().enumerate() {
            let one = NewRole {
                role: r.role.clone(),
                region_id: self
                    .employee(&r.employee_id)
                    .map_err(|_| {
                        AppError::invalid(&format!("roles[{i}].employee_id"), "no such person")
                    })?
                    .region_id,
                valid_from: today.to_string(),
                valid_to: None,
                replace: true,
            };
            let (role, from, to) = self.role_checked(Some(actor), &r.employee_id, &one)?;
            if !SPLIT_ROLES.contains(&role) {
                return Err(AppError::invalid(
                    &format!("roles[{i}].role"),
                    "a split gives caller, sales_manager, client_manager or universal_manager",
                ));
            }
            roles.push((r.employee_id.clone(), role, one, from, to));
        }
        let mut people: Vec<String> = req
            .roles
            .iter()
            .map(|r| r.employee_id.clone())
            .chain(
                req.moves
                    .iter()
                    .flat_map(|m| [m.from_id.clone(), m.to_id.clone()]),
            )
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
            for (id, role, one, from, to) in &roles {
                self.assign_role_in(tx, Some(actor), id, one, (*role, *from, *to))?;
            }
            // Moves after the roles: a manager who becomes a client manager today can take a book.
            let mut moved = 0;
            for m in &req.moves {
                let out = self.move_in(
                    tx,
                    actor,
                    &Reassignment {
                        company_ids: vec![],
                        from_id: Some(m.from_id.clone()),
                        to_id: m.to_id.clone(),
                    },
                    false,
                    &ctx,
                )?;
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
            let id = self.new_id();
            self.audit(
                tx,
                Some(actor),
                "department",
                &id,
                "department.split",
                None::<&()>,
                Some(&req),
            )?;
            Ok(SplitOutcome {
                preview,
                on: today,
                roles_changed: roles.len() as i64,
                clients_moved: moved,
                this_month: this_month.clone(),
                next_month: next_month.clone(),
                people: rows.into_values().collect(),
            })
        };
        if preview {
            self.db.rehearse(run)
        } else {
            self.db.tx(run)
        }
    }
}

/// The roles a split may give (the conveyor's and the universal one).
pub const SPLIT_ROLES: [Role; 4] = [
    Role::Caller,
    Role::SalesManager,
    Role::ClientManager,
    Role::UniversalManager,
];
