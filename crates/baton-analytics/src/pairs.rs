//! The caller × sales-manager matrix: what happened to the leads each caller handed to each
//! sales manager in a window (handed, accepted, rejected by reason, converted, collections), the
//! conversion with its 95 % Wilson interval, and the weak-link diagnosis on the same counts.
//!
//! When every accepted handoff comes with its age at the window end, the diagnosis uses the
//! censoring model (`diagnosis::censoring`): a recent lead that has not paid yet counts as "not
//! yet", weighed by the department's own lag from acceptance to the first payment.
//!
//! Pure: the facts are plain rows, one per handoff; people are text ids.

use std::collections::{BTreeMap, BTreeSet};

use baton_domain::Money;
use serde::Serialize;

use crate::diagnosis::censoring::{LagCdf, LeadTiming, TimedLead, exposed_pairs};
use crate::diagnosis::{self, Diagnosis, DiagnosisError, PairCounts, RateInterval, Role};

/// What became of one handoff of a warm lead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HandoffOutcome {
    Pending,
    Accepted,
    Rejected,
    /// Taken back from the receiver (acceptance SLA passed, or the head moved it).
    Reassigned,
}

/// One handoff of a warm lead from a caller to a sales manager.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandoffFact {
    pub caller: String,
    pub sales_manager: String,
    pub outcome: HandoffOutcome,
    /// The rejection reason code, for rejected handoffs.
    pub reason: Option<String>,
    /// Accepted handoffs only: the lead became a client (its contract was won by a first payment).
    pub converted: bool,
    /// Accepted and converted handoffs only: the won company's collections counted for the pair.
    pub collections: Money,
    /// Accepted handoffs: days from acceptance to the day the window is seen at (its end, or
    /// today while it is still running). `None` leaves the pair's leads all counted in full.
    pub age_days: Option<u32>,
    /// Converted handoffs: days from acceptance to the first payment (at most `age_days`).
    pub paid_after_days: Option<u32>,
}

/// One cell of the matrix.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PairRow {
    pub caller: String,
    pub sales_manager: String,
    pub handed: u64,
    pub accepted: u64,
    pub rejected: u64,
    /// Rejections by reason code (`other` when none was given).
    pub rejected_by_reason: BTreeMap<String, u64>,
    pub pending: u64,
    pub reassigned: u64,
    /// Accepted leads that became clients.
    pub converted: u64,
    pub collections: Money,
    /// converted / accepted with its 95 % Wilson interval; none without accepted leads.
    pub conversion: Option<RateInterval>,
    /// Accepted leads not paid yet but younger than the lag by which nine in ten of the
    /// department's clients pay: "not yet", not lost. Zero without the leads' ages.
    pub open: u64,
}

/// The matrix, its totals per person, and the diagnosis.
#[derive(Debug, Clone, Serialize)]
pub struct PairMatrix {
    pub pairs: Vec<PairRow>,
    pub callers: Vec<PairRow>,
    pub sales_managers: Vec<PairRow>,
    pub total: PairRow,
    /// The diagnosis on the pairs' accepted and converted counts; people are indexed by their
    /// position in `caller_ids` and `sales_manager_ids`.
    pub diagnosis: Diagnosis,
    pub caller_ids: Vec<String>,
    pub sales_manager_ids: Vec<String>,
    /// The department's lag from acceptance to the first payment, as the diagnosis weighed it
    /// (none without the leads' ages or without a payment).
    pub lag: Option<LagSummary>,
}

/// The lag distribution in three numbers, in days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LagSummary {
    pub median_days: u32,
    pub p90_days: u32,
    /// Leads older than this count in full.
    pub horizon_days: u32,
}

impl PairMatrix {
    /// The text id of a person of the diagnosis.
    pub fn person_id(&self, role: Role, index: i64) -> Option<&str> {
        let ids = match role {
            Role::Caller => &self.caller_ids,
            Role::SalesManager => &self.sales_manager_ids,
        };
        usize::try_from(index)
            .ok()
            .and_then(|i| ids.get(i))
            .map(String::as_str)
    }
}

fn empty(caller: &str, sales_manager: &str) -> PairRow {
    PairRow {
        caller: caller.into(),
        sales_manager: sales_manager.into(),
        handed: 0,
        accepted: 0,
        rejected: 0,
        rejected_by_reason: BTreeMap::new(),
        pending: 0,
        reassigned: 0,
        converted: 0,
        collections: Money::ZERO,
        conversion: None,
        open: 0,
    }
}

fn add(row: &mut PairRow, f: &HandoffFact) {
    row.handed += 1;
    match f.outcome {
        HandoffOutcome::Pending => row.pending += 1,
        HandoffOutcome::Reassigned => row.reassigned += 1,
        HandoffOutcome::Rejected => {
            row.rejected += 1;
            let reason = f.reason.clone().unwrap_or_else(|| "other".into());
            *row.rejected_by_reason.entry(reason).or_default() += 1;
        }
        HandoffOutcome::Accepted => {
            row.accepted += 1;
            if f.converted {
                row.converted += 1;
                row.collections += f.collections;
            }
        }
    }
}

fn merge(into: &mut PairRow, r: &PairRow) {
    into.handed += r.handed;
    into.accepted += r.accepted;
    into.rejected += r.rejected;
    into.pending += r.pending;
    into.reassigned += r.reassigned;
    into.converted += r.converted;
    into.collections += r.collections;
    into.open += r.open;
    for (k, v) in &r.rejected_by_reason {
        *into.rejected_by_reason.entry(k.clone()).or_default() += v;
    }
}

fn rate(row: &mut PairRow) -> Result<(), DiagnosisError> {
    row.conversion = if row.accepted == 0 {
        None
    } else {
        Some(diagnosis::wilson(row.accepted, row.converted)?)
    };
    Ok(())
}

/// The id at a diagnosis index.
fn id_at(ids: &[String], index: i64) -> Option<&String> {
    usize::try_from(index).ok().and_then(|i| ids.get(i))
}

/// Builds the matrix from the handoffs of a window and runs the diagnosis on it. Deterministic:
/// people and pairs are sorted by id.
pub fn pair_matrix(facts: &[HandoffFact]) -> Result<PairMatrix, DiagnosisError> {
    let mut cells: BTreeMap<(String, String), PairRow> = BTreeMap::new();
    for f in facts {
        let row = cells
            .entry((f.caller.clone(), f.sales_manager.clone()))
            .or_insert_with(|| empty(&f.caller, &f.sales_manager));
        add(row, f);
    }
    let callers: BTreeSet<&str> = cells.keys().map(|k| k.0.as_str()).collect();
    let sms: BTreeSet<&str> = cells.keys().map(|k| k.1.as_str()).collect();
    let caller_ids: Vec<String> = callers.iter().map(|s| s.to_string()).collect();
    let sales_manager_ids: Vec<String> = sms.iter().map(|s| s.to_string()).collect();
    let index = |ids: &[String], id: &str| ids.iter().position(|x| x == id).unwrap_or(0) as i64;

    // The censoring model, when every accepted lead has its age: the department's lag
    // distribution from its own payments, each pair's exposure and open leads under it.
    let accepted: Vec<&HandoffFact> = facts
        .iter()
        .filter(|f| f.outcome == HandoffOutcome::Accepted)
        .collect();
    let timed: Option<Vec<TimedLead>> = accepted
        .iter()
        .map(|f| {
            Some(TimedLead {
                caller: index(&caller_ids, &f.caller),
                sales_manager: index(&sales_manager_ids, &f.sales_manager),
                timing: LeadTiming {
                    age_days: f.age_days?,
                    paid_after_days: if f.converted {
                        f.paid_after_days.or(f.age_days)
                    } else {
                        None
                    },
                },
            })
        })
        .collect();
    let censored = match timed {
        Some(leads) if !leads.is_empty() => {
            let timings: Vec<LeadTiming> = leads.iter().map(|l| l.timing).collect();
            LagCdf::estimate(&timings)?.map(|lag| (exposed_pairs(&leads, &lag), lag))
        }
        _ => None,
    };
    if let Some((exposed, _)) = &censored {
        for p in exposed {
            if let (Some(c), Some(s)) = (
                id_at(&caller_ids, p.caller),
                id_at(&sales_manager_ids, p.sales_manager),
            ) && let Some(row) = cells.get_mut(&(c.clone(), s.clone()))
            {
                row.open = u64::from(p.open);
            }
        }
    }

    let mut by_caller: BTreeMap<String, PairRow> = BTreeMap::new();
    let mut by_sm: BTreeMap<String, PairRow> = BTreeMap::new();
    let mut total = empty("", "");
    let mut counts = Vec::new();
    for row in cells.values_mut() {
        rate(row)?;
        merge(
            by_caller
                .entry(row.caller.clone())
                .or_insert_with(|| empty(&row.caller, "")),
            row,
        );
        merge(
            by_sm
                .entry(row.sales_manager.clone())
                .or_insert_with(|| empty("", &row.sales_manager)),
            row,
        );
        merge(&mut total, row);
        if row.accepted > 0 {
            counts.push(PairCounts {
                caller: index(&caller_ids, &row.caller),
                sales_manager: index(&sales_manager_ids, &row.sales_manager),
                accepted: u32::try_from(row.accepted).unwrap_or(u32::MAX),
                converted: u32::try_from(row.converted).unwrap_or(u32::MAX),
            });
        }
    }
    for r in by_caller.values_mut().chain(by_sm.values_mut()) {
        rate(r)?;
    }
    rate(&mut total)?;
    let diagnosis = match &censored {
        Some((exposed, _)) => diagnosis::diagnose_exposed(exposed)?,
        None => diagnosis::diagnose(&counts)?,
    };
    let lag = censored.as_ref().map(|(_, lag)| LagSummary {
        median_days: lag.quantile(0.5),
        p90_days: lag.quantile(0.9),
        horizon_days: lag.horizon(),
    });
    Ok(PairMatrix {
        pairs: cells.into_values().collect(),
        callers: by_caller.into_values().collect(),
        sales_managers: by_sm.into_values().collect(),
        total,
        diagnosis,
        caller_ids,
        sales_manager_ids,
        lag,
    })
}
