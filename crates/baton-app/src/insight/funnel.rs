//! The funnel across the three roles (docs/reports.md): a company's journey is the first date it
//! reached each step, loaded in a few grouped queries.
//!
//! Steps: first call; first call that reached the decision maker (outcome `dm_…`); first warm-lead
//! handoff; first accepted handoff; first meeting (an activity of kind `meeting` other than the
//! client manager's kickoff, or the lead moved to the `meeting` stage, whichever is first); first
//! contract signed; first payment; second order (the first payment of a second invoice).

use super::{Span, day, local_day, months, report_region};
use crate::error::{AppError, AppResult};
use crate::{Actor, App};
use baton_analytics::funnel::{Funnel, Journey, View, funnel};
use baton_store::Value;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Which companies a funnel counts.
#[derive(Debug, Clone, Default)]
pub struct FunnelSlice {
    /// Region code.
    pub region: Option<String>,
    /// A person's login: companies where they were the caller, the sales manager or the client
    /// manager.
    pub person: Option<String>,
    /// Lead source (the first lead's; the company's when it has no lead).
    pub source: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FunnelReport {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub region: Option<String>,
    pub person: Option<String>,
    pub source: Option<String>,
    /// Companies whose first call is in the period, followed to today.
    pub by_cohort: Funnel,
    /// Companies reaching each step for the first time in the period.
    pub by_activity: Funnel,
    /// Every call dated in the period (not only first calls) and those that reached the decision
    /// maker, by region and person (the caller who made them); the source slice does not apply.
    pub calls_in_period: i64,
    pub dm_calls_in_period: i64,
}

#[derive(Default)]
struct Company {
    region: String,
    source: String,
    people: BTreeSet<String>,
    journey: Journey,
}

fn earliest(slot: &mut Option<NaiveDate>, d: Option<NaiveDate>) {
    if let Some(d) = d
        && slot.is_none_or(|s| d < s)
    {
        *slot = Some(d);
    }
}

impl App {
    /// The funnel of the months `from..=to` in both views.
    pub fn funnel(
        &self,
        actor: Option<&Actor>,
        from: &str,
        to: &str,
        slice: &FunnelSlice,
    ) -> AppResult<FunnelReport> {
        let span = months(from, to)?;
        let tz = self.config()?.tz();
        self.db.read(|tx| {
            let region = report_region(tx, actor, slice.region.as_deref())?;
            let person = match slice.person.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
                Some(login) => Some(
                    tx.query_one("SELECT id FROM employees WHERE login = ?", &[login.into()])?
                        .map(|r| r.text(0))
                        .ok_or_else(|| {
                            AppError::invalid("person", format!("there is nobody with the login «{login}»"))
                        })?,
                ),
                None => None,
            };
            let Span { from, to } = span;
            let mut companies: HashMap<String, Company> = HashMap::new();
            let (rsql, rparams): (&str, Vec<Value>) = match &region {
                Some(r) => (" WHERE region_id = ?", vec![r.id.clone().into()]),
                None => ("", vec![]),
            };
            for r in tx.query(
                &format!("SELECT id, region_id, source, client_manager_id, att_caller_id, att_seller_id, first_paid_on FROM companies{rsql}"),
                &rparams,
            )? {
                let mut c = Company {
                    region: r.text(1),
                    source: r.text(2),
                    ..Company::default()
                };
                c.people.extend([r.opt_text(3), r.opt_text(4), r.opt_text(5)].into_iter().flatten());
                c.journey.steps[6] = r.opt_text(6).and_then(|d| day(&d));
                companies.insert(r.text(0), c);
            }
            let mut first_lead: HashMap<String, String> = HashMap::new();
            for r in tx.query(
                "SELECT company_id, caller_id, seller_id, source, created_at FROM leads ORDER BY created_at, id",
                &[],
            )? {
                if let Some(c) = companies.get_mut(&r.text(0)) {
                    c.people.extend([r.opt_text(1), r.opt_text(2)].into_iter().flatten());
                    first_lead.entry(r.text(0)).or_insert_with(|| r.text(3));
                }
            }
            for (id, source) in first_lead {
                if let Some(c) = companies.get_mut(&id) {
                    c.source = source;
                }
            }
            for r in tx.query(
                "SELECT company_id, MIN(local_date), MIN(CASE WHEN outcome LIKE 'dm_%' THEN local_date END) FROM activities WHERE kind = 'call' GROUP BY company_id",
                &[],
            )? {
                if let Some(c) = companies.get_mut(&r.text(0)) {
                    c.journey.steps[0] = r.opt_text(1).and_then(|d| day(&d));
                    c.journey.steps[1] = r.opt_text(2).and_then(|d| day(&d));
                }
            }
            for r in tx.query(
                "SELECT company_id, MIN(created_at), MIN(CASE WHEN status = 'accepted' THEN decided_at END) FROM handoffs WHERE kind = 'lead' GROUP BY company_id",
                &[],
            )? {
                if let Some(c) = companies.get_mut(&r.text(0)) {
                    c.journey.steps[2] = r.opt_text(1).and_then(|d| local_day(&d, &tz));
                    c.journey.steps[3] = r.opt_text(2).and_then(|d| local_day(&d, &tz));
                }
            }
            for r in tx.query(
                "SELECT company_id, MIN(local_date) FROM activities WHERE kind = 'meeting' AND (outcome IS NULL OR outcome <> 'kickoff') GROUP BY company_id",
                &[],
            )? {
                if let Some(c) = companies.get_mut(&r.text(0)) {
                    earliest(&mut c.journey.steps[4], r.opt_text(1).and_then(|d| day(&d)));
                }
            }
            for r in tx.query(
                "SELECT l.company_id, MIN(a.at) FROM audit_events a JOIN leads l ON l.id = a.entity_id \
                 WHERE a.entity = 'lead' AND a.action = 'lead.stage_changed' AND a.after_json LIKE '%\"stage\":\"meeting\"%' GROUP BY l.company_id",
                &[],
            )? {
                if let Some(c) = companies.get_mut(&r.text(0)) {
                    earliest(&mut c.journey.steps[4], r.opt_text(1).and_then(|d| local_day(&d, &tz)));
                }
            }
            for r in tx.query("SELECT company_id, MIN(signed_on) FROM contracts GROUP BY company_id", &[])? {
                if let Some(c) = companies.get_mut(&r.text(0)) {
                    c.journey.steps[5] = r.opt_text(1).and_then(|d| day(&d));
                }
            }
            // The second order: the first payment of the company's second paid invoice.
            let mut invoices: BTreeMap<String, Vec<NaiveDate>> = BTreeMap::new();
            for r in tx.query(
                "SELECT company_id, invoice_id, MIN(paid_on) FROM payments WHERE amount > 0 GROUP BY company_id, invoice_id",
                &[],
            )? {
                if let Some(d) = day(&r.text(2)) {
                    invoices.entry(r.text(0)).or_default().push(d);
                }
            }
            for (id, mut dates) in invoices {
                if let Some(c) = companies.get_mut(&id) {
                    dates.sort_unstable();
                    c.journey.steps[7] = dates.get(1).copied();
                    earliest(&mut c.journey.steps[6], dates.first().copied());
                }
            }

            let source = slice.source.as_deref().map(str::trim).filter(|s| !s.is_empty());
            let mut ids: Vec<&String> = companies.keys().collect();
            ids.sort();
            let journeys: Vec<Journey> = ids
                .into_iter()
                .filter_map(|id| companies.get(id))
                .filter(|c| region.as_ref().is_none_or(|r| r.id == c.region))
                .filter(|c| person.as_ref().is_none_or(|p| c.people.contains(p)))
                .filter(|c| source.is_none_or(|s| c.source == s))
                .map(|c| c.journey.clone())
                .collect();

            let mut sql = "SELECT CAST(COUNT(*) AS BIGINT), CAST(SUM(CASE WHEN a.outcome LIKE 'dm_%' THEN 1 ELSE 0 END) AS BIGINT) \
                 FROM activities a JOIN companies co ON co.id = a.company_id \
                 WHERE a.kind = 'call' AND a.local_date >= ? AND a.local_date <= ?"
                .to_string();
            let mut params: Vec<Value> = vec![from.to_string().into(), to.to_string().into()];
            if let Some(r) = &region {
                sql.push_str(" AND co.region_id = ?");
                params.push(r.id.clone().into());
            }
            if let Some(p) = &person {
                sql.push_str(" AND a.actor_id = ?");
                params.push(p.clone().into());
            }
            let (calls, dm) = tx
                .query_one(&sql, &params)?
                .map(|r| (r.int(0), r.int(1)))
                .unwrap_or((0, 0));
            Ok(FunnelReport {
                from,
                to,
                region: region.map(|r| r.code),
                person: slice.person.clone(),
                source: source.map(str::to_string),
                by_cohort: funnel(&journeys, View::Cohort, from, to),
                by_activity: funnel(&journeys, View::Activity, from, to),
                calls_in_period: calls,
                dm_calls_in_period: dm,
            })
        })
    }
}
