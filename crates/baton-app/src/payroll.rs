//! Statements for a period: the period's facts are loaded in a few set-based queries, the
//! metrics of PRODUCT.md §4.1 are computed per person in one pass, and the shipped plan of the
//! person's role (plans/*.toml) turns them into explained lines.
//!
//! Scope of this first version (issue 3 continues it): one statement per person for the role
//! held on the last day of the period; plans are the shipped defaults, not yet versioned in the
//! database; no deferred-accrual ledger or period approval yet.

use crate::App;
use crate::error::{AppError, AppResult};
use crate::rights::{Actor, Scope};
use baton_comp::{Inputs, Plan, Statement, evaluate, parse_plan};
use baton_domain::Role;
use baton_domain::role::{Absence, RoleAssignment, absent_on, roles_on};
use baton_store::records::{
    AbsenceRow, Company, Contract, Employee, Handoff, Invoice, Payment, Region, RoleAssignmentRow,
    Target,
};
use baton_store::{Filter, Value};
use chrono::{Datelike, Duration, Months, NaiveDate};
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::BTreeMap;
use std::str::FromStr;

pub const SHIPPED_PLANS: [(&str, &str); 4] = [
    ("caller", include_str!("../../../plans/caller.toml")),
    (
        "sales_manager",
        include_str!("../../../plans/sales_manager.toml"),
    ),
    (
        "client_manager",
        include_str!("../../../plans/client_manager.toml"),
    ),
    (
        "universal_manager",
        include_str!("../../../plans/universal_manager.toml"),
    ),
];

#[derive(Debug, Clone, Serialize)]
pub struct PersonStatement {
    pub employee_id: String,
    pub login: String,
    pub name: String,
    pub role: String,
    pub region: String,
    pub period: String,
    pub statement: Statement,
}

/// A period `YYYY-MM`: its first and last day.
pub fn period_bounds(period: &str) -> AppResult<(NaiveDate, NaiveDate)> {
    let bad = || {
        AppError::invalid(
            "period",
            format!("«{period}» is not a period: write YYYY-MM"),
        )
    };
    let start = NaiveDate::parse_from_str(&format!("{}-01", period.trim()), "%Y-%m-%d")
        .map_err(|_| bad())?;
    let end = start.checked_add_months(Months::new(1)).ok_or_else(bad)? - Duration::days(1);
    Ok((start, end))
}

fn shipped_plan(role: Role) -> AppResult<Option<Plan>> {
    let Some((_, text)) = SHIPPED_PLANS.iter().find(|(r, _)| *r == role.as_str()) else {
        return Ok(None);
    };
    parse_plan(text).map(Some).map_err(|e| {
        AppError::invalid(
            "plan",
            format!(
                "shipped plan for {}: {}",
                role.as_str(),
                e.first().map(|x| x.to_string()).unwrap_or_default()
            ),
        )
    })
}

fn d(k: i64) -> Decimal {
    Decimal::new(k, 2)
}

fn ratio(a: Decimal, b: Decimal) -> Decimal {
    if b.is_zero() { Decimal::ZERO } else { a / b }
}

impl App {
    /// Every person's statement for `period` under the shipped plans.
    pub fn payroll(&self, actor: Option<&Actor>, period: &str) -> AppResult<Vec<PersonStatement>> {
        if let Some(a) = actor
            && !a.any(&[Role::Head, Role::Director, Role::Admin, Role::Accountant])
        {
            return Err(AppError::Forbidden("read payroll".into()));
        }
        self.statements(actor, period, None)
    }

    /// "My money": the person's own statement for a period (default: the current month, live
    /// from the data as it is now). None when the person's role has no plan.
    pub fn my_statement(
        &self,
        actor: &Actor,
        period: Option<&str>,
    ) -> AppResult<Option<PersonStatement>> {
        let period = match period {
            Some(p) => p.to_string(),
            None => self.today(&self.config()?).format("%Y-%m").to_string(),
        };
        Ok(self
            .statements(None, &period, Some(&actor.id))?
            .into_iter()
            .next())
    }

    fn statements(
        &self,
        actor: Option<&Actor>,
        period: &str,
        only: Option<&str>,
    ) -> AppResult<Vec<PersonStatement>> {
        let (start, end) = period_bounds(period)?;
        let cfg = self.config()?;
        let tz = cfg.tz();
        let window = cfg.hunter_window_days;
        let local = |stamp: &str| {
            crate::clock::parse_stamp(stamp).map(|t| t.with_timezone(&tz).date_naive())
        };
        let in_p = |day: NaiveDate| start <= day && day <= end;
        let s = |day: NaiveDate| day.to_string();
        let region_scope = match actor {
            Some(a)
                if a.has(Role::Head)
                    && !a.any(&[Role::Director, Role::Admin, Role::Accountant]) =>
            {
                Scope::Where(
                    "region_id = ?".into(),
                    vec![Value::from(a.region_id.clone())],
                )
            }
            _ => Scope::All,
        };
        self.db.read(|tx| {
            let (cond, vals) = region_scope.sql();
            let employees = tx.list::<Employee>(&Filter::new().raw(cond, vals).order("name", false))?;
            let regions: BTreeMap<String, String> = tx.list::<Region>(&Filter::new())?.into_iter().map(|r| (r.id, r.name)).collect();
            let roles = tx.list::<RoleAssignmentRow>(&Filter::new())?;
            let absences = tx.list::<AbsenceRow>(&Filter::new())?;
            let targets = tx.list::<Target>(&Filter::new().eq("period", period))?;
            // Calls per person in the period (local dates are stored with each activity).
            let mut calls: BTreeMap<String, (i64, i64)> = BTreeMap::new();
            for r in tx.query(
                "SELECT actor_id, CAST(COUNT(*) AS BIGINT), CAST(SUM(CASE WHEN outcome LIKE 'dm_%' THEN 1 ELSE 0 END) AS BIGINT) FROM activities WHERE kind = 'call' AND local_date >= ? AND local_date <= ? GROUP BY actor_id",
                &[s(start).into(), s(end).into()],
            )? {
                calls.insert(r.text(0), (r.int(1), r.int(2)));
            }
            let handoffs = tx.list::<Handoff>(&Filter::new().eq("kind", "lead"))?;
            let won = tx.list::<Contract>(&Filter::new().raw("won_on IS NOT NULL AND won_on <= ?", vec![s(end).into()]))?;
            let companies: BTreeMap<String, Company> = tx.list::<Company>(&Filter::new().raw("att_seller_id IS NOT NULL OR client_manager_id IS NOT NULL", vec![]))?.into_iter().map(|c| (c.id.clone(), c)).collect();
            let payments = tx.list::<Payment>(&Filter::new().raw("paid_on <= ?", vec![s(end).into()]))?;
            let invoices = tx.list::<Invoice>(&Filter::new().raw("issued_on <= ?", vec![s(end).into()]))?;
            let mut credited: BTreeMap<String, i64> = BTreeMap::new();
            for r in tx.query("SELECT invoice_id, CAST(SUM(amount) AS BIGINT) FROM credit_notes WHERE issued_on <= ? GROUP BY invoice_id", &[s(end).into()])? {
                credited.insert(r.text(0), r.int(1));
            }
            let mut paid_on_invoice: BTreeMap<&str, i64> = BTreeMap::new();
            for p in &payments {
                *paid_on_invoice.entry(p.invoice_id.as_str()).or_default() += p.amount.kopecks();
            }
            // The accepted handoff of each lead: who handed it and when it was accepted.
            let accepted: BTreeMap<&str, (&str, NaiveDate)> = handoffs
                .iter()
                .filter(|h| h.status == "accepted")
                .filter_map(|h| Some((h.lead_id.as_deref()?, (h.sender_id.as_str(), local(h.decided_at.as_deref()?)?))))
                .collect();
            let won_by_lead: BTreeMap<&str, NaiveDate> = won.iter().filter_map(|c| Some((c.lead_id.as_deref()?, c.won_on.as_deref()?.parse().ok()?))).collect();
            let window_end = |c: &Company| c.att_won_on.as_deref().and_then(|w| w.parse::<NaiveDate>().ok()).map(|w| w + Duration::days(window));
            let in_window = |c: &Company, day: NaiveDate| window_end(c).is_some_and(|e| day <= e);
            let conv_from = start.checked_sub_months(Months::new(3)).unwrap_or(start);

            let mut out = Vec::new();
            for e in employees.iter().filter(|e| only.is_none_or(|o| o == e.id)) {
                let ras: Vec<RoleAssignment> = roles
                    .iter()
                    .filter(|r| r.employee_id == e.id)
                    .filter_map(|r| Some(RoleAssignment { role: Role::parse(&r.role)?, region_id: r.region_id.clone(), from: r.valid_from.parse().ok()?, to: r.valid_to.as_deref().and_then(|t| t.parse().ok()) }))
                    .collect();
                let Some(role) = roles_on(&ras, end).into_iter().find(|r| matches!(r, Role::Caller | Role::SalesManager | Role::ClientManager | Role::UniversalManager)) else { continue };
                let Some(plan) = shipped_plan(role)? else { continue };
                let abs: Vec<Absence> = absences.iter().filter(|a| a.employee_id == e.id).filter_map(|a| Some(Absence { from: a.from_date.parse().ok()?, to: a.to_date.parse().ok()?, kind: a.kind.clone() })).collect();
                let work_days: Vec<NaiveDate> = start.iter_days().take_while(|x| *x <= end).filter(|x| cfg.calendar.is_working_day(*x)).collect();
                let held = work_days.iter().filter(|x| roles_on(&ras, **x).contains(&role) && !absent_on(&abs, **x)).count() as i64;

                let me = e.id.as_str();
                let mut m: BTreeMap<String, Decimal> = BTreeMap::new();
                let (n_calls, dm) = calls.get(me).copied().unwrap_or((0, 0));
                m.insert("calls".into(), n_calls.into());
                m.insert("dm_conversations".into(), dm.into());
                let mine = |h: &&Handoff| if role == Role::Caller { h.sender_id == me } else { h.receiver_id == me };
                let decided_in_p = |h: &&Handoff, status: &str| h.status == status && h.decided_at.as_deref().and_then(local).is_some_and(in_p);
                let handed = handoffs.iter().filter(|h| h.sender_id == me).filter(|h| local(&h.created_at).is_some_and(in_p)).count();
                let acc = handoffs.iter().filter(mine).filter(|h| decided_in_p(h, "accepted")).count();
                let rej = handoffs.iter().filter(mine).filter(|h| decided_in_p(h, "rejected")).count();
                m.insert("leads_handed".into(), (handed as i64).into());
                m.insert("leads_accepted".into(), (acc as i64).into());
                m.insert("leads_rejected".into(), (rej as i64).into());
                m.insert("acceptance_rate".into(), ratio((acc as i64).into(), ((acc + rej) as i64).into()));
                // Won in P from a lead this caller handed, within 90 days of acceptance.
                let converted: Vec<i64> = won_by_lead
                    .iter()
                    .filter(|(_, w)| in_p(**w))
                    .filter_map(|(lead, w)| accepted.get(lead).filter(|(sender, _)| *sender == me).map(|(_, a)| (*w - *a).num_days()))
                    .collect();
                m.insert("leads_converted".into(), (converted.len() as i64).into());
                m.insert("leads_converted{within_days=90}".into(), (converted.iter().filter(|d| **d <= 90).count() as i64).into());
                // Clients this person won and their collections inside the hunter window.
                let won_mine: Vec<&Company> = companies.values().filter(|c| c.att_seller_id.as_deref() == Some(me) && c.att_kind.as_deref() == Some("new_client")).collect();
                m.insert("new_clients".into(), (won_mine.iter().filter(|c| c.att_won_on.as_deref().and_then(|w| w.parse().ok()).is_some_and(in_p)).count() as i64).into());
                let mut ncc = 0i64;
                let mut qualified = 0i64;
                for c in &won_mine {
                    let (mut before, mut upto) = (0i64, 0i64);
                    for p in payments.iter().filter(|p| p.company_id == c.id) {
                        let Ok(day) = p.paid_on.parse::<NaiveDate>() else { continue };
                        if !in_window(c, day) {
                            continue;
                        }
                        upto += p.amount.kopecks();
                        if day < start {
                            before += p.amount.kopecks();
                        } else {
                            ncc += p.amount.kopecks();
                        }
                    }
                    // The bonus accrues in the period the window collections reach the minimum.
                    if before < 5_000_000 && upto >= 5_000_000 {
                        qualified += 1;
                    }
                }
                m.insert("new_client_collections".into(), d(ncc));
                m.insert("qualified_new_clients{min=50000}".into(), qualified.into());
                let mine_paid_in_p = payments.iter().filter(|p| p.client_manager_id.as_deref() == Some(me)).filter(|p| p.paid_on.parse::<NaiveDate>().is_ok_and(in_p));
                let mut portfolio = 0i64;
                let mut own = 0i64;
                for p in mine_paid_in_p {
                    own += p.amount.kopecks();
                    let day = p.paid_on.parse::<NaiveDate>().unwrap_or(start);
                    let hunted = companies.get(&p.company_id).is_some_and(|c| in_window(c, day) && c.att_seller_id.as_deref() != Some(me));
                    if !hunted {
                        portfolio += p.amount.kopecks();
                    }
                }
                m.insert("portfolio_collections".into(), d(portfolio));
                m.insert("own_collections".into(), d(own));
                // Conversion of the leads accepted in the three months before P, won by its end.
                let accepted_before: Vec<&Handoff> = handoffs.iter().filter(|h| h.receiver_id == me && h.status == "accepted").filter(|h| h.decided_at.as_deref().and_then(local).is_some_and(|x| conv_from <= x && x < start)).collect();
                let converted_sm = accepted_before.iter().filter(|h| h.lead_id.as_deref().and_then(|l| won_by_lead.get(l)).is_some()).count();
                m.insert("lead_conversion".into(), ratio((converted_sm as i64).into(), (accepted_before.len() as i64).into()));
                // Receivables of the person's clients at the end of P.
                let (mut recv, mut overdue) = (0i64, 0i64);
                for inv in invoices.iter().filter(|i| companies.get(&i.company_id).is_some_and(|c| c.client_manager_id.as_deref() == Some(me))) {
                    let open = (inv.amount.kopecks() - credited.get(&inv.id).copied().unwrap_or(0) - paid_on_invoice.get(inv.id.as_str()).copied().unwrap_or(0)).max(0);
                    recv += open;
                    if inv.due_on.as_str() < s(end).as_str() {
                        overdue += open;
                    }
                }
                m.insert("receivables".into(), d(recv));
                m.insert("overdue_receivables".into(), d(overdue));
                m.insert("overdue_share".into(), ratio(d(overdue), d(recv)));
                // Attainment against the person's targets; no target, no attainment.
                for t in targets.iter().filter(|t| t.employee_id == e.id) {
                    if let (Some(v), Ok(target)) = (m.get(&t.metric).copied(), Decimal::from_str(&t.value))
                        && !target.is_zero()
                    {
                        m.insert(format!("attainment({})", t.metric), v / target);
                    }
                }
                let inputs = Inputs { metrics: m, days_worked: Some((held, work_days.len() as i64)) };
                out.push(PersonStatement {
                    employee_id: e.id.clone(),
                    login: e.login.clone(),
                    name: e.name.clone(),
                    role: role.as_str().into(),
                    region: e.region_id.as_ref().and_then(|r| regions.get(r)).cloned().unwrap_or_default(),
                    period: format!("{}-{:02}", start.year(), start.month()),
                    statement: evaluate(&plan, &inputs),
                });
            }
            Ok(out)
        })
    }
}
