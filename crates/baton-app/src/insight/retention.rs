//! Portfolio retention (docs/reports.md, domain brief §5.6): collections of the current window of
//! `months` months ending with the month `to` against the window before it, per client manager
//! (the company's client manager today) and overall.

use super::{Person, months as span_of, people, report_region};
use crate::error::{AppError, AppResult};
use crate::{Actor, App};
use baton_analytics::retention::{ClientRevenue, RetentionReport, retention};
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
    pub retention: RetentionReport,
    pub people: Vec<Person>,
}

impl App {
    /// Retention over the `months` months (default 12) ending with the month `to` (YYYY-MM).
    pub fn retention(
        &self,
        actor: Option<&Actor>,
        to: &str,
        months: Option<u32>,
        region: Option<&str>,
    ) -> AppResult<RetentionView> {
        let n = months.unwrap_or(12);
        if !(1..=60).contains(&n) {
            return Err(AppError::invalid(
                "months",
                format!("{n} is not a number of months between 1 and 60"),
            ));
        }
        let span = span_of(to, to)?;
        let current_to = span.to;
        let start = |k: u32| {
            span.from
                .checked_sub_months(Months::new(k))
                .ok_or_else(|| AppError::invalid("to", "the month is out of range"))
        };
        let current_from = start(n - 1)?;
        let base_from = start(2 * n - 1)?;
        let base_to = current_from
            .pred_opt()
            .ok_or_else(|| AppError::invalid("to", "the month is out of range"))?;
        self.db.read(|tx| {
            let region = report_region(tx, actor, region)?;
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
                retention: report,
                people: named.into_values().collect(),
            })
        })
    }
}
