//! Portfolio retention (docs/reports.md, domain brief §5.6): collections of the current window of
//! `months` months ending with the month `to` against the window before it, per client manager
//! (the company's client manager today) and overall.
//!
//! The base window must lie inside the recorded history, or the clients' base revenue is only
//! the little the history holds and NRR comes out at hundreds of per cent (the demo's 12 months
//! gave 499 %). The history is the run of consecutive months with a payment that ends with `to`;
//! without `months`, the windows are the longest that fit in it (at most 12 months each), and
//! `base_covered` says whether the windows asked for fit.

use super::{Person, months as span_of, people, report_region};
use crate::error::{AppError, AppResult};
use crate::{Actor, App};
use baton_analytics::retention::{ClientRevenue, RetentionReport, retention};
use baton_catalog::Text;
use baton_domain::Money;
use baton_store::Value;
use chrono::{Months, NaiveDate};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Serialize)]
pub struct RetentionView {
    pub region: Option<String>,
    pub months: u32,
    pub base_from: NaiveDate,
    pub base_to: NaiveDate,
    pub current_from: NaiveDate,
    pub current_to: NaiveDate,
    /// Consecutive months with a payment, ending with `to`.
    pub history_months: u32,
    /// Whether the base window lies inside that history (otherwise NRR overstates).
    pub base_covered: bool,
    pub retention: RetentionReport,
    pub people: Vec<Person>,
}

impl App {
    /// Retention over the `months` months ending with the month `to` (YYYY-MM); without
    /// `months`, the longest windows the history holds, at most 12 (see the module's notes).
    pub fn retention(
        &self,
        actor: Option<&Actor>,
        to: &str,
        months: Option<u32>,
        region: Option<&str>,
    ) -> AppResult<RetentionView> {
        if let Some(n) = months
            && !(1..=60).contains(&n)
        {
            return Err(AppError::invalid(
                "months",
                Text::new("err-retention-months").num("n", n as i64),
            ));
        }
        let span = span_of(to, to)?;
        let current_to = span.to;
        self.reports.read(|tx| {
            let region = report_region(tx, actor, region)?;
            let history_months = history(tx, region.as_ref().map(|r| r.id.as_str()), span.from)?;
            let n = months.unwrap_or((history_months / 2).clamp(1, 12));
            let start = |k: u32| {
                span.from
                    .checked_sub_months(Months::new(k))
                    .ok_or_else(|| AppError::invalid("to", Text::new("err-month-out-of-range")))
            };
            let current_from = start(n - 1)?;
            let base_from = start(2 * n - 1)?;
            let base_to = current_from
                .pred_opt()
                .ok_or_else(|| AppError::invalid("to", Text::new("err-month-out-of-range")))?;
            let d = |x: NaiveDate| Value::from(x.to_string());
            let mut sql = "SELECT p.company_id, co.client_manager_id, \
                 CAST(SUM(CASE WHEN p.paid_on <= ? THEN p.amount ELSE 0 END) AS BIGINT), \
                 CAST(SUM(CASE WHEN p.paid_on >= ? THEN p.amount ELSE 0 END) AS BIGINT) \
                 FROM payments p JOIN companies co ON co.id = p.company_id \
                 WHERE p.paid_on >= ? AND p.paid_on <= ?"
                .to_string();
            let mut params = vec![d(base_to), d(current_from), d(base_from), d(current_to)];
            if let Some(r) = &region {
                sql.push_str(" AND co.region_id = ?");
                params.push(r.id.clone().into());
            }
            sql.push_str(" GROUP BY p.company_id, co.client_manager_id ORDER BY p.company_id");
            let clients: Vec<ClientRevenue> = tx
                .query(&sql, &params)?
                .into_iter()
                .map(|r| ClientRevenue {
                    owner: r.opt_text(1),
                    base: Money::from_kopecks(r.int(2)),
                    current: Money::from_kopecks(r.int(3)),
                })
                .collect();
            let report = retention(&clients);
            let names = people(tx)?;
            let named: BTreeMap<String, Person> = report
                .rows
                .iter()
                .filter_map(|r| r.owner.as_ref())
                .filter_map(|id| names.get(id).map(|p| (id.clone(), p.clone())))
                .collect();
            Ok(RetentionView {
                region: region.map(|r| r.code),
                months: n,
                base_from,
                base_to,
                current_from,
                current_to,
                history_months,
                base_covered: history_months >= 2 * n,
                retention: report,
                people: named.into_values().collect(),
            })
        })
    }
}

/// Consecutive months with at least one payment (in the region), counted back from the month
/// that starts on `last` (inclusive).
fn history(tx: &mut baton_store::Tx<'_>, region: Option<&str>, last: NaiveDate) -> AppResult<u32> {
    let end = last
        .checked_add_months(Months::new(1))
        .and_then(|d| d.pred_opt())
        .unwrap_or(last);
    let mut sql = "SELECT DISTINCT substr(p.paid_on, 1, 7) FROM payments p JOIN companies co ON co.id = p.company_id \
                   WHERE p.paid_on <= ?"
        .to_string();
    let mut params = vec![Value::from(end.to_string())];
    if let Some(r) = region {
        sql.push_str(" AND co.region_id = ?");
        params.push(r.into());
    }
    let months: std::collections::BTreeSet<String> = tx
        .query(&sql, &params)?
        .into_iter()
        .map(|r| r.text(0))
        .collect();
    let mut n = 0;
    let mut m = last;
    while months.contains(&crate::payroll::period_of(m)) {
        n += 1;
        match m.checked_sub_months(Months::new(1)) {
            Some(prev) => m = prev,
            None => break,
        }
    }
    Ok(n)
}
