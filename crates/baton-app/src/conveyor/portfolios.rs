//! Moving clients between client managers: one client or a whole book, at the split, when a
//! manager leaves, or to rebalance. A preview runs the very same move in a transaction that is
//! rolled back, so what it shows is what the move does, pay included (the pay engine reads
//! the moved portfolios as the statements would after it).
//!
//! History stays where it was: each payment keeps the client manager it was stored with, and
//! the receivables of a closed period are held by whoever had the client at its end (read
//! back from the audit trail), so approved periods never change.

use super::visible;
use crate::error::{AppError, AppResult};
use crate::payroll::facts::Who;
use crate::payroll::{Job, Plans, period_of};
use crate::rights::{Action, company_scope, require, require_person};
use crate::{Actor, App};
use baton_catalog::Text;
use baton_domain::Role;
use baton_store::records::{Company, Employee, Handoff};
use baton_store::{Filter, Tx, Value};
use chrono::{Duration, Months, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub use baton_domain::input::MOVE_MAX;

/// Which clients go to whom: the listed companies, or (with no list) every client of `from_id`.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Reassignment {
    /// The companies to move (ids), at most 20 000.
    #[serde(default)]
    #[schema(max_items = 20000)] // MOVE_MAX
    pub company_ids: Vec<String>,
    /// Without a list: every client this client manager has now.
    #[schema(max_length = 64)]
    pub from_id: Option<String>,
    /// The client manager (or universal manager) who takes them.
    #[schema(max_length = 64)]
    pub to_id: String,
}

/// One person whose portfolio the move changes.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PortfolioChange {
    pub employee_id: String,
    pub name: String,
    pub clients_before: i64,
    pub clients_after: i64,
    /// Clients gained and lost, and what they paid in the last twelve months (₽).
    pub gained: i64,
    pub lost: i64,
    #[schema(value_type = String)]
    #[serde(serialize_with = "baton_comp::number::money_text")]
    pub revenue_gained: Decimal,
    #[schema(value_type = String)]
    #[serde(serialize_with = "baton_comp::number::money_text")]
    pub revenue_lost: Decimal,
    /// This month's and next month's statement totals before and after (previews only).
    #[schema(value_type = Option<String>)]
    #[serde(serialize_with = "baton_comp::number::money_text_opt")]
    pub pay_this_month_before: Option<Decimal>,
    #[schema(value_type = Option<String>)]
    #[serde(serialize_with = "baton_comp::number::money_text_opt")]
    pub pay_this_month_after: Option<Decimal>,
    #[schema(value_type = Option<String>)]
    #[serde(serialize_with = "baton_comp::number::money_text_opt")]
    pub pay_next_month_before: Option<Decimal>,
    #[schema(value_type = Option<String>)]
    #[serde(serialize_with = "baton_comp::number::money_text_opt")]
    pub pay_next_month_after: Option<Decimal>,
}

/// What a move did (or, previewed, would do).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct MoveOutcome {
    pub preview: bool,
    /// Clients whose manager changes (a client already with `to_id` is left alone).
    pub moved: i64,
    /// Handed-over clients still waiting for their kickoff: the kickoff goes with the client.
    pub kickoffs_moved: i64,
    pub this_month: String,
    pub next_month: String,
    pub people: Vec<PortfolioChange>,
}

impl App {
    /// Moves clients to another client manager in one transaction (see the module's notes).
    pub fn reassign_clients(&self, actor: &Actor, req: Reassignment) -> AppResult<MoveOutcome> {
        self.move_clients(actor, req, false)
    }

    /// The same move, computed and rolled back: portfolios, revenue and pay before and after.
    pub fn preview_reassignment(&self, actor: &Actor, req: Reassignment) -> AppResult<MoveOutcome> {
        self.move_clients(actor, req, true)
    }

    fn move_clients(
        &self,
        actor: &Actor,
        req: Reassignment,
        preview: bool,
    ) -> AppResult<MoveOutcome> {
        require(actor, Action::MoveClients)?;
        if req.company_ids.len() > MOVE_MAX {
            return Err(AppError::invalid(
                "company_ids",
                Text::new("err-move-too-many-clients").num("max", MOVE_MAX as i64),
            ));
        }
        for (i, id) in req.company_ids.iter().enumerate() {
            crate::input::name(
                &format!("company_ids[{i}]"),
                id,
                baton_domain::input::CODE_MAX,
            )?;
        }
        if req.company_ids.is_empty() && req.from_id.is_none() {
            return Err(AppError::invalid(
                "company_ids",
                Text::new("err-move-nothing"),
            ));
        }
        let cfg = self.config()?;
        let today = self.today(&cfg);
        let this_month = period_of(today);
        let next_month = period_of(today.checked_add_months(Months::new(1)).unwrap_or(today));
        let ctx = MoveContext {
            cfg: &cfg,
            today,
            this_month: &this_month,
            next_month: &next_month,
        };
        let run = |tx: &mut Tx<'_>| self.move_in(tx, actor, &req, preview, &ctx);
        if preview {
            self.db.rehearse(run)
        } else {
            self.db.tx(run)
        }
    }

    /// The move inside a transaction; with `preview`, each person's pay before and after.
    pub(crate) fn move_in(
        &self,
        tx: &mut Tx<'_>,
        actor: &Actor,
        req: &Reassignment,
        preview: bool,
        ctx: &MoveContext<'_>,
    ) -> AppResult<MoveOutcome> {
        let today = ctx.today;
        let (this_month, next_month) = (ctx.this_month.to_string(), ctx.next_month.to_string());
        let to: Employee = tx
            .get(&req.to_id)?
            .ok_or_else(|| AppError::invalid("to_id", Text::new("err-no-such-person")))?;
        require_person(actor, Action::MoveClients, &to.id, to.region_id.as_deref())?;
        let to_actor = self.actor_in(tx, &to.id)?;
        if !to_actor.any(&[Role::ClientManager, Role::UniversalManager]) {
            return Err(AppError::invalid(
                "to_id",
                Text::new("err-not-client-manager-today").arg("name", &to.name),
            ));
        }
        let scope = company_scope(actor);
        let companies: Vec<Company> = if req.company_ids.is_empty() {
            let from = req.from_id.as_deref().unwrap_or_default();
            let (cond, vals) = scope.sql();
            tx.list::<Company>(
                &Filter::new()
                    .eq("client_manager_id", from)
                    .raw(cond, vals)
                    .order("id", false),
            )?
        } else {
            let mut out = Vec::with_capacity(req.company_ids.len());
            for id in &req.company_ids {
                out.push(visible::<Company>(tx, &scope, id, "company")?);
            }
            out
        };
        // A head moves only their region's clients.
        for c in &companies {
            crate::rights::require_region(actor, Action::MoveClients, Some(&c.region_id))?;
        }
        let moving: Vec<&Company> = companies
            .iter()
            .filter(|c| c.client_manager_id.as_deref() != Some(to.id.as_str()))
            .collect();
        let mut people: Vec<String> = moving
            .iter()
            .filter_map(|c| c.client_manager_id.clone())
            .collect();
        people.push(to.id.clone());
        people.sort();
        people.dedup();

        let mut rows = self.portfolios_before(tx, &people, preview, ctx)?;
        let revenue = revenue_by_company(tx, &moving, today)?;
        let mut kickoffs = 0;
        for c in &moving {
            let r = revenue.get(c.id.as_str()).copied().unwrap_or_default();
            if let Some(from) = c.client_manager_id.as_deref()
                && let Some(row) = rows.get_mut(from)
            {
                row.lost += 1;
                row.revenue_lost += r;
            }
            if let Some(row) = rows.get_mut(&to.id) {
                row.gained += 1;
                row.revenue_gained += r;
            }
            let mut after = (*c).clone();
            after.client_manager_id = Some(to.id.clone());
            after.version += 1;
            tx.update(&after, Some(c.version))?;
            self.audit(
                tx,
                Some(actor),
                "company",
                &after.id,
                "company.client_manager_changed",
                Some(*c),
                Some(&after),
            )?;
            // A kickoff still due goes with the client.
            for h in tx.list::<Handoff>(
                &Filter::new()
                    .eq("company_id", c.id.as_str())
                    .eq("kind", "client")
                    .eq("status", "pending"),
            )? {
                if h.receiver_id == to.id {
                    continue;
                }
                let mut moved = h.clone();
                moved.receiver_id = to.id.clone();
                tx.update(&moved, None)?;
                self.audit(
                    tx,
                    Some(actor),
                    "handoff",
                    &h.id,
                    "handoff.receiver_changed",
                    Some(&h),
                    Some(&moved),
                )?;
                kickoffs += 1;
            }
        }
        self.portfolios_after(tx, &mut rows, preview, ctx)?;
        Ok(MoveOutcome {
            preview,
            moved: moving.len() as i64,
            kickoffs_moved: kickoffs,
            this_month: this_month.clone(),
            next_month: next_month.clone(),
            people: rows.into_values().collect(),
        })
    }
}

impl App {
    /// Each person's portfolio before a change and, with `pay`, this and next month's
    /// statement totals (the move's and the split's preview).
    pub(crate) fn portfolios_before(
        &self,
        tx: &mut Tx<'_>,
        people: &[String],
        pay: bool,
        ctx: &MoveContext<'_>,
    ) -> AppResult<BTreeMap<String, PortfolioChange>> {
        let mut rows = BTreeMap::new();
        for id in people {
            let e: Employee = tx.must(id)?;
            let before = clients_of(tx, id)?;
            let (this, next) = if pay {
                (
                    self.statement_total(tx, ctx, id, ctx.this_month)?,
                    self.statement_total(tx, ctx, id, ctx.next_month)?,
                )
            } else {
                (None, None)
            };
            rows.insert(
                id.clone(),
                PortfolioChange {
                    employee_id: id.clone(),
                    name: e.name,
                    clients_before: before,
                    clients_after: before,
                    gained: 0,
                    lost: 0,
                    revenue_gained: Decimal::ZERO,
                    revenue_lost: Decimal::ZERO,
                    pay_this_month_before: this,
                    pay_this_month_after: None,
                    pay_next_month_before: next,
                    pay_next_month_after: None,
                },
            );
        }
        Ok(rows)
    }

    /// The same after the change: clients now and, with `pay`, the totals again.
    pub(crate) fn portfolios_after(
        &self,
        tx: &mut Tx<'_>,
        rows: &mut BTreeMap<String, PortfolioChange>,
        pay: bool,
        ctx: &MoveContext<'_>,
    ) -> AppResult<()> {
        for (id, row) in rows.iter_mut() {
            row.clients_after = clients_of(tx, id)?;
            if pay {
                row.pay_this_month_after = self.statement_total(tx, ctx, id, ctx.this_month)?;
                row.pay_next_month_after = self.statement_total(tx, ctx, id, ctx.next_month)?;
            }
        }
        Ok(())
    }

    /// One person's statement total for a month, from the data as the transaction sees it.
    fn statement_total(
        &self,
        tx: &mut Tx<'_>,
        ctx: &MoveContext<'_>,
        id: &str,
        period: &str,
    ) -> AppResult<Option<Decimal>> {
        let job = Job {
            period,
            who: Who::Person(id),
            region: None,
            plans: Plans::InForce,
            adjust: true,
            thresholds: false,
        };
        Ok(self
            .compute_in(tx, ctx.cfg, &job, 0)?
            .first()
            .map(|s| s.total))
    }
}

fn clients_of(tx: &mut Tx<'_>, id: &str) -> AppResult<i64> {
    Ok(tx.count::<Company>(&Filter::new().eq("client_manager_id", id))?)
}

/// What a move needs besides its request: the configuration, today and the two months whose
/// pay a preview shows.
pub(crate) struct MoveContext<'a> {
    pub cfg: &'a baton_domain::ConveyorConfig,
    pub today: NaiveDate,
    pub this_month: &'a str,
    pub next_month: &'a str,
}

/// What each company paid in the twelve months up to `today` (refunds netted), in rubles.
pub(crate) fn revenue_by_company(
    tx: &mut Tx<'_>,
    companies: &[&Company],
    today: NaiveDate,
) -> AppResult<BTreeMap<String, Decimal>> {
    let mut out = BTreeMap::new();
    if companies.is_empty() {
        return Ok(out);
    }
    let from = today.checked_sub_months(Months::new(12)).unwrap_or(today) + Duration::days(1);
    for chunk in companies.chunks(500) {
        let marks = vec!["?"; chunk.len()].join(", ");
        let mut params: Vec<Value> = chunk.iter().map(|c| Value::from(c.id.clone())).collect();
        params.push(from.to_string().into());
        params.push(today.to_string().into());
        for r in tx.query(
            &format!(
                "SELECT company_id, CAST(SUM(amount) AS BIGINT) FROM payments \
                 WHERE company_id IN ({marks}) AND paid_on >= ? AND paid_on <= ? GROUP BY company_id"
            ),
            &params,
        )? {
            out.insert(r.text(0), Decimal::new(r.int(1), 2));
        }
    }
    Ok(out)
}
