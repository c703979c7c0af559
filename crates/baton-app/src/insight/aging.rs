//! Receivables aging and DSO (docs/reports.md). An invoice belongs to its company's client
//! manager (none before the handover: the sales manager's first deals).

use super::{Person, parse_day, people, report_region};
use crate::error::{AppError, AppResult};
use crate::{Actor, App};
use baton_analytics::aging::{Aging, InvoiceFact, aging};
use baton_catalog::Text;
use baton_domain::Money;
use baton_store::Value;
use chrono::{Duration, NaiveDate};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Serialize)]
pub struct AgingReport {
    pub region: Option<String>,
    pub aging: Aging,
    /// The client managers named in the rows.
    pub people: Vec<Person>,
}

impl App {
    /// Receivables on `as_of` (YYYY-MM-DD; default today) by bucket per client manager and
    /// overall, with DSO over the `dso_days` days (default 90) ending on it.
    pub fn aging(
        &self,
        actor: Option<&Actor>,
        as_of: Option<&str>,
        dso_days: Option<i64>,
        region: Option<&str>,
    ) -> AppResult<AgingReport> {
        let cfg = self.config()?;
        let as_of: NaiveDate = match as_of {
            Some(d) => parse_day("as_of", d)?,
            None => self.today(&cfg),
        };
        let days = dso_days.unwrap_or(90);
        if !(1..=3660).contains(&days) {
            return Err(AppError::invalid(
                "dso_days",
                Text::new("err-dso-days").num("days", days),
            ));
        }
        let window_start = as_of - Duration::days(days - 1);
        self.reports.read(|tx| {
            let region = report_region(tx, actor, region)?;
            let (a, w) = (as_of.to_string(), window_start.to_string());
            let mut sql = "SELECT co.client_manager_id, i.issued_on, i.due_on, i.amount, \
                 (SELECT CAST(SUM(p.amount) AS BIGINT) FROM payments p WHERE p.invoice_id = i.id AND p.paid_on <= ?), \
                 (SELECT CAST(SUM(n.amount) AS BIGINT) FROM credit_notes n WHERE n.invoice_id = i.id AND n.issued_on <= ?), \
                 (SELECT CAST(SUM(n.amount) AS BIGINT) FROM credit_notes n WHERE n.invoice_id = i.id AND n.issued_on >= ? AND n.issued_on <= ?) \
                 FROM invoices i JOIN companies co ON co.id = i.company_id \
                 WHERE i.issued_on <= ? AND (i.settled_on IS NULL OR i.settled_on > ? OR i.issued_on >= ? \
                   OR i.id IN (SELECT n.invoice_id FROM credit_notes n WHERE n.issued_on >= ?))"
                .to_string();
            let mut params: Vec<Value> = vec![
                a.clone().into(),
                a.clone().into(),
                w.clone().into(),
                a.clone().into(),
                a.clone().into(),
                a.clone().into(),
                w.clone().into(),
                w.clone().into(),
            ];
            if let Some(r) = &region {
                sql.push_str(" AND co.region_id = ?");
                params.push(r.id.clone().into());
            }
            let mut facts = Vec::new();
            for r in tx.query(&sql, &params)? {
                let (Some(issued_on), Some(due_on)) = (super::day(&r.text(1)), super::day(&r.text(2))) else {
                    continue;
                };
                facts.push(InvoiceFact {
                    owner: r.opt_text(0),
                    issued_on,
                    due_on,
                    amount: Money::from_kopecks(r.int(3)),
                    paid: Money::from_kopecks(r.int(4)),
                    credited: Money::from_kopecks(r.int(5)),
                    credited_in_window: Money::from_kopecks(r.int(6)),
                });
            }
            let report = aging(&facts, as_of, days);
            let names = people(tx)?;
            let named: BTreeMap<String, Person> = report
                .rows
                .iter()
                .filter_map(|r| r.owner.as_ref())
                .filter_map(|id| names.get(id).map(|p| (id.clone(), p.clone())))
                .collect();
            Ok(AgingReport {
                region: region.map(|r| r.code),
                aging: report,
                people: named.into_values().collect(),
            })
        })
    }
}
