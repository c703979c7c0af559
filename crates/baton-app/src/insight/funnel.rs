//! The funnel across the three roles (docs/reports.md): read from the running tallies the
//! conveyor keeps as events arrive (`conveyor::journeys`) — each company's journey, the first
//! date it reached each step, and the events per day, region, person, source and step.
//!
//! Steps: first call; first call that reached the decision maker (outcome `dm_…`); first warm-lead
//! handoff; first accepted handoff; first meeting (an activity of kind `meeting` other than the
//! client manager's kickoff, or the lead moved to the `meeting` stage, whichever is first); first
//! contract signed; first payment; second order (the first payment of a second invoice).

use super::{Span, months, report_region};
use crate::clock::stamp;
use crate::conveyor::journeys::{self, COLUMNS, EVENT_STEPS};
use crate::error::{AppError, AppResult};
use crate::{Actor, App};
use baton_analytics::funnel::{Funnel, Journey, activity, cohort};
use baton_catalog::Text;
use baton_store::Value;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::HashSet;

/// Which companies a funnel counts.
#[derive(Debug, Clone, Default)]
pub struct FunnelSlice {
    /// Region code.
    pub region: Option<String>,
    /// A person's login. By cohort, and for the once-only steps: companies where they were the
    /// caller, the sales manager or the client manager. The events of the activity view: the
    /// ones they did (their calls, handoffs, acceptances, meetings).
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
    /// What happened in the period: events of the repeating steps, companies reaching the
    /// once-only ones.
    pub by_activity: Funnel,
    /// Every call dated in the period and those that reached the decision maker (the activity
    /// view's first two counts).
    pub calls_in_period: i64,
    pub dm_calls_in_period: i64,
}

impl App {
    /// Rebuilds the funnel's tallies from the records (after an import; once for a database
    /// from before them).
    pub fn rebuild_funnel(&self) -> AppResult<()> {
        let tz = self.config()?.tz();
        let now = stamp(self.now());
        self.db.tx(|tx| journeys::rebuild(tx, &tz, &now))
    }

    /// The funnel of the months `from..=to` in both views.
    pub fn funnel(
        &self,
        actor: Option<&Actor>,
        from: &str,
        to: &str,
        slice: &FunnelSlice,
    ) -> AppResult<FunnelReport> {
        let span = months(from, to)?;
        // The cohort is followed to today: its young companies count as "not yet".
        let today = self.today(&self.config()?);
        if !self.db.read(journeys::built)? {
            self.rebuild_funnel()?;
        }
        self.reports.read(|tx| {
            let region = report_region(tx, actor, slice.region.as_deref())?;
            let person = match slice.person.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
                Some(login) => Some(
                    tx.query_one("SELECT id FROM employees WHERE login = ?", &[login.into()])?
                        .map(|r| r.text(0))
                        .ok_or_else(|| {
                            AppError::invalid(
                                "person",
                                Text::new("err-no-login").arg("login", login),
                            )
                        })?,
                ),
                None => None,
            };
            let source = slice.source.as_deref().map(str::trim).filter(|s| !s.is_empty());
            let Span { from, to } = span;
            // The companies of a person: served, or on a lead as its caller or sales manager.
            let theirs: Option<HashSet<String>> = match &person {
                Some(p) => Some(
                    tx.query(
                        "SELECT id FROM companies WHERE client_manager_id = ? \
                         UNION SELECT company_id FROM leads WHERE caller_id = ? \
                         UNION SELECT company_id FROM leads WHERE seller_id = ?",
                        &[p.clone().into(), p.clone().into(), p.clone().into()],
                    )?
                    .into_iter()
                    .map(|r| r.text(0))
                    .collect(),
                ),
                None => None,
            };
            // Journeys with a step on or after the first day: the cohort (followed to today)
            // and everyone reaching a step in the period.
            let mut sql = format!(
                "SELECT id, {} FROM journeys WHERE ({})",
                COLUMNS.join(", "),
                COLUMNS.map(|c| format!("{c} >= ?")).join(" OR ")
            );
            let mut params: Vec<Value> = COLUMNS.iter().map(|_| from.to_string().into()).collect();
            let mut slice_sql = String::new();
            let mut slice_params: Vec<Value> = Vec::new();
            if let Some(r) = &region {
                slice_sql.push_str(" AND region_id = ?");
                slice_params.push(r.id.clone().into());
            }
            if let Some(s) = source {
                slice_sql.push_str(" AND COALESCE(lead_source, source) = ?");
                slice_params.push(s.into());
            }
            sql.push_str(&slice_sql);
            params.extend(slice_params.iter().cloned());
            let mut rows = tx.query(&sql, &params)?;
            if let Some(theirs) = &theirs {
                rows.retain(|r| theirs.contains(&r.text(0)));
            }
            rows.sort_by_key(|r| r.text(0));
            let journeys: Vec<Journey> = rows
                .iter()
                .map(|r| {
                    let mut j = Journey::default();
                    for (i, d) in j.steps.iter_mut().enumerate() {
                        *d = r.opt_text(i + 1).and_then(|d| super::day(&d));
                    }
                    j
                })
                .collect();

            let mut sql = "SELECT step, CAST(SUM(events) AS BIGINT) FROM funnel_events WHERE day >= ? AND day <= ?".to_string();
            let mut params: Vec<Value> = vec![from.to_string().into(), to.to_string().into()];
            // The tallies' source column is the company's funnel source already.
            sql.push_str(&slice_sql.replace("COALESCE(lead_source, source)", "source"));
            params.extend(slice_params);
            if let Some(p) = &person {
                sql.push_str(" AND person_id = ?");
                params.push(p.clone().into());
            }
            sql.push_str(" GROUP BY step");
            let mut events: [Option<u64>; 8] = [None; 8];
            for (i, _) in EVENT_STEPS.iter().enumerate() {
                events[i] = Some(0);
            }
            for r in tx.query(&sql, &params)? {
                if let Some(i) = EVENT_STEPS.iter().position(|s| *s == r.text(0)) {
                    events[i] = Some(u64::try_from(r.int(1)).unwrap_or(0));
                }
            }
            let count = |i: usize| events[i].map_or(0, |n| i64::try_from(n).unwrap_or(i64::MAX));
            Ok(FunnelReport {
                from,
                to,
                region: region.map(|r| r.code),
                person: slice.person.clone(),
                source: source.map(str::to_string),
                by_cohort: cohort(&journeys, from, to, today)
                    .map_err(|e| AppError::invalid("funnel", e.to_string()))?,
                by_activity: activity(&journeys, &events, from, to),
                calls_in_period: count(0),
                dm_calls_in_period: count(1),
            })
        })
    }
}
