//! Cost per client by month and region (docs/reports.md): the pay of callers and sales managers
//! from the payroll statements (frozen for closed periods, live otherwise), plus the other
//! acquisition costs entered per month and region (`acquisition_costs`), over new clients.

use super::{day, local_day, months, parse_month, report_region, stamp_bounds};
use crate::error::{AppError, AppResult};
use crate::{Actor, App};
use baton_analytics::costs::{CostInputs, CostRow, cost_row};
use baton_catalog::Text;
use baton_domain::Money;
use baton_store::Value;
use baton_store::records::{AcquisitionCost, Region};
use chrono::{Months, NaiveDate};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashSet};

/// The longest range of the cost report, in years.
pub const COSTS_MAX_YEARS: i64 = 3;

/// An acquisition cost to enter.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCost {
    /// `YYYY-MM`.
    #[schema(value_type = baton_domain::schema::Month)]
    pub month: String,
    /// Region code.
    #[schema(min_length = 1, max_length = 64)]
    pub region: String,
    /// What it is: telephony, lists, ads, software, other …
    #[schema(min_length = 1, max_length = 64)]
    pub kind: String,
    #[schema(value_type = baton_domain::schema::Amount)]
    pub amount: Money,
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CostReport {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub region: Option<String>,
    /// N of "revenue per new client in its first N months".
    pub revenue_months: u32,
    /// Per month and region, then per month for every region (`region` none), then the whole
    /// period (`month` = "total").
    pub rows: Vec<CostRow>,
    /// The other acquisition costs entered, one by one.
    pub entered: Vec<AcquisitionCost>,
}

fn kopecks(d: Decimal) -> Money {
    Money::from_kopecks((d * Decimal::ONE_HUNDRED).round().to_i64().unwrap_or(0))
}

fn month_of(d: NaiveDate) -> String {
    d.format("%Y-%m").to_string()
}

impl App {
    /// Enters an acquisition cost for a month and region (head of that region, director, admin).
    pub fn add_cost(&self, actor: Option<&Actor>, c: NewCost) -> AppResult<AcquisitionCost> {
        if let Some(a) = actor {
            crate::rights::require(a, crate::rights::Action::ManageCosts)?;
        }
        self.checked(&c)?;
        parse_month("month", &c.month)?;
        let kind = c.kind.trim().to_string();
        if kind.is_empty() {
            return Err(AppError::invalid(
                "kind",
                Text::new("err-cost-kind-required"),
            ));
        }
        if c.amount == Money::ZERO {
            return Err(AppError::invalid("amount", Text::new("err-amount-zero")));
        }
        self.db.tx(|tx| {
            let region = report_region(tx, actor, Some(&c.region))?.ok_or_else(|| {
                AppError::invalid("region", Text::new("err-region-code-required"))
            })?;
            let row = AcquisitionCost {
                id: self.new_id(),
                month: c.month.trim().to_string(),
                region_id: region.id,
                kind: kind.clone(),
                amount: c.amount,
                note: c.note.clone().filter(|n| !n.trim().is_empty()),
                created_by: actor.map(|a| a.id.clone()),
                created_at: crate::clock::stamp(self.now()),
            };
            tx.insert(&row)?;
            self.audit(
                tx,
                actor,
                "acquisition_cost",
                &row.id,
                "cost.added",
                None::<&()>,
                Some(&row),
            )?;
            Ok(row)
        })
    }

    /// Cost per client for the months `from..=to` (YYYY-MM), with revenue per new client over its
    /// first `revenue_months` months (default 3).
    pub fn costs(
        &self,
        actor: Option<&Actor>,
        from: &str,
        to: &str,
        region: Option<&str>,
        revenue_months: Option<u32>,
    ) -> AppResult<CostReport> {
        let span = months(from, to)?;
        // Every month of the range computes its callers' and sales managers' pay: a range of
        // decades was minutes of work for one request.
        if (span.to - span.from).num_days() > 366 * COSTS_MAX_YEARS {
            return Err(AppError::invalid(
                "to",
                Text::new("err-costs-too-long").num("years", COSTS_MAX_YEARS),
            ));
        }
        let n = revenue_months.unwrap_or(3);
        if !(1..=36).contains(&n) {
            return Err(AppError::invalid(
                "revenue_months",
                Text::new("err-revenue-months").num("n", n as i64),
            ));
        }
        if let Some(a) = actor {
            crate::rights::require(a, crate::rights::Action::ReadReports)?;
        }
        let cfg = self.config()?;
        let tz = cfg.tz();
        let (region, regions) = self.reports.read(|tx| {
            let region = report_region(tx, actor, region)?;
            let regions: BTreeMap<String, String> = tx
                .list::<Region>(&baton_store::Filter::new())?
                .into_iter()
                .map(|r| (r.id, r.code))
                .collect();
            Ok::<_, AppError>((region, regions))
        })?;
        let wanted = |rid: &str| region.as_ref().is_none_or(|r| r.id == rid);
        let mut cells: BTreeMap<(String, String), CostInputs> = BTreeMap::new();
        let mut month_list = Vec::new();
        let mut m = span.from;
        while m <= span.to {
            month_list.push(month_of(m));
            m = m
                .checked_add_months(Months::new(1))
                .ok_or_else(|| AppError::invalid("to", Text::new("err-month-out-of-range")))?;
        }
        for month in &month_list {
            for rid in regions.keys().filter(|r| wanted(r)) {
                cells.entry((month.clone(), rid.clone())).or_default();
            }
            // Pay from the statements; a person's part in each role goes to that role, and the
            // adjustments to the role held at the end of the month, so the sum is the total paid.
            for s in self.payroll(actor, month)? {
                let Some(rid) = s.region_id.clone().filter(|r| wanted(r)) else {
                    continue;
                };
                let cell = cells.entry((month.clone(), rid)).or_default();
                let mut by_role: BTreeMap<String, Decimal> = BTreeMap::new();
                let mut parts = Decimal::ZERO;
                for p in &s.parts {
                    *by_role.entry(p.role.clone()).or_default() += p.statement.total;
                    parts += p.statement.total;
                }
                *by_role.entry(s.role.clone()).or_default() += s.total - parts;
                for (role, amount) in by_role {
                    let amount = kopecks(amount);
                    match role.as_str() {
                        "caller" => cell.caller_pay += amount,
                        "sales_manager" | "universal_manager" => cell.sales_pay += amount,
                        "client_manager" => cell.client_manager_pay += amount,
                        _ => {}
                    }
                }
            }
        }
        let (from_m, to_m) = (month_of(span.from), month_of(span.to));
        let entered = self.reports.read(|tx| {
            let d = |x: NaiveDate| Value::from(x.to_string());
            let mut entered = Vec::new();
            for c in tx.list::<AcquisitionCost>(
                &baton_store::Filter::new()
                    .raw("month >= ? AND month <= ?", vec![from_m.clone().into(), to_m.clone().into()])
                    .order("id", false),
            )? {
                if wanted(&c.region_id) {
                    cells.entry((c.month.clone(), c.region_id.clone())).or_default().other_costs += c.amount;
                    entered.push(c);
                }
            }
            // New clients of the month (first payment of a company won as new) and their
            // collections in their first N months.
            for r in tx.query(
                "SELECT id, region_id, att_won_on FROM companies WHERE att_kind = 'new_client' AND att_won_on >= ? AND att_won_on <= ?",
                &[d(span.from), d(span.to)],
            )? {
                if let Some(won) = day(&r.text(2)).filter(|_| wanted(&r.text(1))) {
                    cells.entry((month_of(won), r.text(1))).or_default().new_clients += 1;
                }
            }
            for r in tx.query(
                "SELECT co.region_id, co.att_won_on, p.paid_on, p.amount FROM payments p JOIN companies co ON co.id = p.company_id \
                 WHERE co.att_kind = 'new_client' AND co.att_won_on >= ? AND co.att_won_on <= ? AND p.paid_on >= co.att_won_on",
                &[d(span.from), d(span.to)],
            )? {
                let (Some(won), Some(paid)) = (day(&r.text(1)), day(&r.text(2))) else {
                    continue;
                };
                if wanted(&r.text(0)) && won.checked_add_months(Months::new(n)).is_some_and(|end| paid < end) {
                    cells.entry((month_of(won), r.text(0))).or_default().new_client_revenue +=
                        Money::from_kopecks(r.int(3));
                }
            }
            let (lo, hi) = stamp_bounds(span.from, span.to);
            for r in tx.query(
                "SELECT h.decided_at, l.region_id FROM handoffs h JOIN leads l ON l.id = h.lead_id \
                 WHERE h.kind = 'lead' AND h.status = 'accepted' AND h.decided_at >= ? AND h.decided_at < ?",
                &[lo.into(), hi.into()],
            )? {
                if let Some(dd) = local_day(&r.text(0), &tz).filter(|x| *x >= span.from && *x <= span.to)
                    && wanted(&r.text(1))
                {
                    cells.entry((month_of(dd), r.text(1))).or_default().accepted_leads += 1;
                }
            }
            let mut active: HashSet<(String, String, String)> = HashSet::new();
            for r in tx.query(
                "SELECT DISTINCT p.company_id, co.region_id, p.paid_on FROM payments p JOIN companies co ON co.id = p.company_id \
                 WHERE p.amount > 0 AND p.paid_on >= ? AND p.paid_on <= ?",
                &[d(span.from), d(span.to)],
            )? {
                if let Some(paid) = day(&r.text(2)).filter(|_| wanted(&r.text(1))) {
                    active.insert((month_of(paid), r.text(1), r.text(0)));
                }
            }
            for (month, rid, _) in active {
                cells.entry((month, rid)).or_default().active_clients += 1;
            }
            Ok::<_, AppError>(entered)
        })?;
        let mut rows = Vec::new();
        let mut per_month: BTreeMap<String, CostInputs> = BTreeMap::new();
        let mut total = CostInputs::default();
        let months_seen: BTreeSet<String> = cells.keys().map(|k| k.0.clone()).collect();
        for ((month, rid), inputs) in &cells {
            per_month.entry(month.clone()).or_default().add(inputs);
            total.add(inputs);
            rows.push(cost_row(
                month,
                regions.get(rid).cloned(),
                inputs.clone(),
                n,
            ));
        }
        for month in months_seen {
            if let Some(inputs) = per_month.remove(&month) {
                rows.push(cost_row(&month, None, inputs, n));
            }
        }
        rows.push(cost_row("total", None, total, n));
        Ok(CostReport {
            from: span.from,
            to: span.to,
            region: region.map(|r| r.code),
            revenue_months: n,
            rows,
            entered,
        })
    }
}
