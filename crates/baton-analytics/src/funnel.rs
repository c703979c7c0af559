//! The funnel across the three roles, over companies: each company's journey is the first date it
//! reached each step. Two views, never mixed:
//!
//! - **by cohort**: the companies that entered the first step (first call) in the period, and how
//!   many of them reached each later step by the end of the data; conversion between steps is a
//!   true conversion of the same companies.
//! - **by activity**: for each step, what happened in the period, whenever the company started:
//!   the events dated in it for the steps that repeat (calls, conversations with the decision
//!   maker, warm leads, acceptances, meetings — [`activity`] takes their counts), and the
//!   companies reaching the once-only steps (first contract, first payment, second order). It is
//!   throughput: counts of different companies and events, so it gives no ratio between steps
//!   (a "128 % of first payments" read as a conversion misled heads; issue 16).
//!
//! Median days between steps are taken over the companies that reached both steps (in the
//! cohort view: of the cohort; in the activity view: those that reached the later step for the
//! first time in the period).
//!
//! A cohort followed to today has companies that reached a step recently and have not had time
//! for the next ([`cohort`], issue 16 item 3): for each step it also gives the companies still
//! **open** at the previous step and the **eventual** share, the Kaplan–Meier estimate that
//! counts them as "not yet" instead of as lost (`diagnosis::censoring`).

use chrono::NaiveDate;
use serde::Serialize;

use crate::diagnosis::DiagnosisError;
use crate::diagnosis::censoring::{LagCdf, LeadTiming, OPEN_BELOW};

/// The steps, in order.
pub const STEPS: [&str; 8] = [
    "calls",
    "dm_conversations",
    "warm_leads",
    "accepted",
    "meetings",
    "first_contracts",
    "first_payments",
    "second_orders",
];

/// One company's first date at each step (`STEPS` order); a step never reached is `None`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Journey {
    pub steps: [Option<NaiveDate>; 8],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum View {
    Cohort,
    Activity,
}

/// One step of a funnel.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Step {
    pub step: &'static str,
    /// Companies at this step (see the view).
    pub count: u64,
    /// By cohort: the share of the companies at the previous step that reached this one (never
    /// above 1). None for the first step, after a zero, and always in the activity view.
    pub from_previous: Option<f64>,
    /// Median days from the previous step's date to this one, over the companies that have both.
    pub median_days_from_previous: Option<f64>,
    /// By cohort seen on a day ([`cohort`]): companies at the previous step that have not
    /// reached this one but are younger there than the lag by which nine in ten of those that
    /// reach it do ("not yet"). None as for `eventual_from_previous`.
    pub open: Option<u64>,
    /// By cohort seen on a day: the share of the companies at the previous step expected to reach
    /// this one eventually, the young ones counted as "not yet" (Kaplan–Meier). None where
    /// `from_previous` is none or no company has reached this step yet.
    pub eventual_from_previous: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Funnel {
    pub view: View,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub steps: Vec<Step>,
}

/// The median of whole days: the middle value, or the mean of the two middle values.
pub fn median(mut days: Vec<i64>) -> Option<f64> {
    if days.is_empty() {
        return None;
    }
    days.sort_unstable();
    let n = days.len();
    Some(if n % 2 == 1 {
        days[n / 2] as f64
    } else {
        (days[n / 2 - 1] + days[n / 2]) as f64 / 2.0
    })
}

/// The activity view with the events of the period: `events[i]`, when given, is the number of
/// events of step `i` dated in the period and replaces the count of companies reaching it for
/// the first time; the ratios follow the counts.
pub fn activity(
    journeys: &[Journey],
    events: &[Option<u64>; 8],
    from: NaiveDate,
    to: NaiveDate,
) -> Funnel {
    let mut f = funnel(journeys, View::Activity, from, to);
    for (step, n) in f.steps.iter_mut().zip(events) {
        if let Some(n) = n {
            step.count = *n;
        }
    }
    f
}

fn within(d: Option<NaiveDate>, from: NaiveDate, to: NaiveDate) -> bool {
    d.is_some_and(|d| d >= from && d <= to)
}

/// The funnel of `journeys` for the period `from..=to` in one view.
pub fn funnel(journeys: &[Journey], view: View, from: NaiveDate, to: NaiveDate) -> Funnel {
    let chosen: Vec<&Journey> = match view {
        View::Cohort => journeys
            .iter()
            .filter(|j| within(j.steps[0], from, to))
            .collect(),
        View::Activity => journeys.iter().collect(),
    };
    let mut steps: Vec<Step> = Vec::with_capacity(STEPS.len());
    for (i, name) in STEPS.iter().enumerate() {
        let at_step = |j: &&&Journey| match view {
            View::Cohort => j.steps[i].is_some(),
            View::Activity => within(j.steps[i], from, to),
        };
        let count = chosen.iter().filter(at_step).count() as u64;
        let (from_previous, median_days_from_previous) = if i == 0 {
            (None, None)
        } else {
            let prev = steps[i - 1].count;
            // By cohort: of the companies that reached the previous step, the share that reached
            // this one (a company can skip a step, e.g. a lead moved to a meeting without a
            // handoff). By activity: none (throughput, not a conversion).
            let ratio = match view {
                View::Cohort => {
                    let reached = chosen
                        .iter()
                        .filter(|j| j.steps[i - 1].is_some() && j.steps[i].is_some())
                        .count() as u64;
                    (prev > 0).then(|| reached as f64 / prev as f64)
                }
                View::Activity => None,
            };
            let days: Vec<i64> = chosen
                .iter()
                .filter(at_step)
                .filter_map(|j| Some((j.steps[i]? - j.steps[i - 1]?).num_days()))
                .filter(|d| *d >= 0)
                .collect();
            (ratio, median(days))
        };
        steps.push(Step {
            step: name,
            count,
            from_previous,
            median_days_from_previous,
            open: None,
            eventual_from_previous: None,
        });
    }
    Funnel {
        view,
        from,
        to,
        steps,
    }
}

/// The cohort view with the data seen on `as_of` (today, as a rule): besides the counts, each
/// step's open companies and eventual share from the previous step.
pub fn cohort(
    journeys: &[Journey],
    from: NaiveDate,
    to: NaiveDate,
    as_of: NaiveDate,
) -> Result<Funnel, DiagnosisError> {
    let mut f = funnel(journeys, View::Cohort, from, to);
    let chosen: Vec<&Journey> = journeys
        .iter()
        .filter(|j| within(j.steps[0], from, to))
        .collect();
    let days = |a: NaiveDate, b: NaiveDate| u32::try_from((b - a).num_days().max(0)).unwrap_or(0);
    for (i, step) in f.steps.iter_mut().enumerate().skip(1) {
        if step.from_previous.is_none() {
            continue;
        }
        // Every company at the previous step, followed up from it to `as_of`.
        let timings: Vec<LeadTiming> = chosen
            .iter()
            .filter_map(|j| {
                let start = j.steps[i - 1]?;
                let age_days = days(start, as_of);
                Some(LeadTiming {
                    age_days,
                    paid_after_days: j.steps[i].map(|d| days(start, d).min(age_days)),
                })
            })
            .collect();
        // No company has reached this step yet: no lag to tell "not yet" from "lost".
        let Some(lag) = LagCdf::estimate(&timings)? else {
            continue;
        };
        step.open = Some(
            timings
                .iter()
                .filter(|t| t.paid_after_days.is_none() && lag.at(t.age_days) < OPEN_BELOW)
                .count() as u64,
        );
        step.eventual_from_previous = Some(lag.eventual());
    }
    Ok(f)
}
