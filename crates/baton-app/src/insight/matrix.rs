//! The caller × sales-manager matrix and the weak-link diagnosis (docs/reports.md, docs/diagnosis.md).
//!
//! The window holds the warm-lead handoffs created in it (local date). For each handoff: the
//! caller is the lead's caller (the sender when the lead has none), the sales manager the
//! receiver. An accepted handoff is converted when the lead's contract was won (a first payment)
//! by the end of the window. Collections: the payments of the company won from that lead, from
//! the day it was won through the hunter window (`hunter_window_days`), up to the end of the
//! window.
//!
//! Each accepted handoff also carries its age at the window end (or today, while the window is
//! still running) and, when won, the days from acceptance (`decided_at`) to the win, so that the
//! diagnosis weighs a recent lead that has not paid yet as "not yet" with the department's own
//! lag (docs/diagnosis.md, "Recent leads are still open").

use super::{Person, Span, day, label, local_day, months, people, report_region, stamp_bounds};
use crate::error::{AppError, AppResult};
use crate::{Actor, App};
use baton_analytics::diagnosis::{Lang, Role};
use baton_analytics::pairs::{HandoffFact, HandoffOutcome, PairMatrix, pair_matrix};
use baton_catalog::Text;
use baton_domain::Money;
use baton_store::Value;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

#[derive(Debug, Clone, Serialize)]
pub struct MatrixReport {
    pub from: chrono::NaiveDate,
    pub to: chrono::NaiveDate,
    /// The region's code; none for every region.
    pub region: Option<String>,
    pub hunter_window_days: i64,
    pub matrix: PairMatrix,
    /// The conclusion in words.
    pub conclusion_ru: String,
    pub conclusion_en: String,
    /// Everyone named in the matrix.
    pub people: Vec<Person>,
}

impl MatrixReport {
    pub fn conclusion(&self, lang: Lang) -> &str {
        match lang {
            Lang::Ru => &self.conclusion_ru,
            Lang::En => &self.conclusion_en,
        }
    }
    /// "Name (login)" of an id.
    pub fn name(&self, id: &str) -> String {
        self.people
            .iter()
            .find(|p| p.id == id)
            .map(|p| format!("{} ({})", p.name, p.login))
            .unwrap_or_else(|| id.to_string())
    }
}

fn outcome(status: &str) -> HandoffOutcome {
    match status {
        "accepted" => HandoffOutcome::Accepted,
        "rejected" => HandoffOutcome::Rejected,
        "reassigned" => HandoffOutcome::Reassigned,
        _ => HandoffOutcome::Pending,
    }
}

impl App {
    /// The matrix's facts alone (no counts, no diagnosis): for timing the counts apart.
    pub fn matrix_facts(
        &self,
        actor: Option<&Actor>,
        from: &str,
        to: &str,
        region: Option<&str>,
    ) -> AppResult<Vec<HandoffFact>> {
        let span = months(from, to)?;
        let cfg = self.config()?;
        self.reports.read(|tx| {
            let region = report_region(tx, actor, region)?;
            handoff_facts(
                tx,
                &cfg,
                region.as_ref().map(|r| r.id.as_str()),
                span.from,
                span.to,
                self.today(&cfg),
            )
        })
    }

    /// The caller × sales-manager matrix of the months `from..=to` (YYYY-MM) with the diagnosis.
    pub fn matrix(
        &self,
        actor: Option<&Actor>,
        from: &str,
        to: &str,
        region: Option<&str>,
    ) -> AppResult<MatrixReport> {
        let span = months(from, to)?;
        let cfg = self.config()?;
        self.reports.read(|tx| {
            let region = report_region(tx, actor, region)?;
            let names = people(tx)?;
            let Span { from, to } = span;
            let facts = handoff_facts(
                tx,
                &cfg,
                region.as_ref().map(|r| r.id.as_str()),
                from,
                to,
                self.today(&cfg),
            )?;
            let matrix = pair_matrix(&facts).map_err(|e| {
                AppError::invalid(
                    "matrix",
                    Text::new("err-matrix").arg("error", e.to_string()),
                )
            })?;
            let name_of = |role: Role, i: i64| -> String {
                matrix
                    .person_id(role, i)
                    .map(|id| label(&names, id))
                    .unwrap_or_else(|| i.to_string())
            };
            let conclusion_ru = matrix.diagnosis.explain(Lang::Ru, &name_of);
            let conclusion_en = matrix.diagnosis.explain(Lang::En, &name_of);
            let mut named: BTreeMap<String, Person> = BTreeMap::new();
            for id in matrix.caller_ids.iter().chain(&matrix.sales_manager_ids) {
                let p = names.get(id).cloned().unwrap_or_else(|| Person {
                    id: id.clone(),
                    login: id.clone(),
                    name: id.clone(),
                });
                named.insert(id.clone(), p);
            }
            Ok(MatrixReport {
                from,
                to,
                region: region.map(|r| r.code),
                hunter_window_days: cfg.hunter_window_days,
                matrix,
                conclusion_ru,
                conclusion_en,
                people: named.into_values().collect(),
            })
        })
    }
}

/// The warm-lead handoffs created in the months `from..=to` (local dates) as the matrix's facts:
/// who handed to whom, what became of each, and the collections of the companies won. `today`
/// bounds the day the window is seen at, for the leads' ages.
pub(crate) fn handoff_facts(
    tx: &mut baton_store::Tx<'_>,
    cfg: &baton_domain::ConveyorConfig,
    region: Option<&str>,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
    today: chrono::NaiveDate,
) -> AppResult<Vec<HandoffFact>> {
    let tz = cfg.tz();
    let (lo, hi) = stamp_bounds(from, to);
    let mut sql = "SELECT COALESCE(l.caller_id, h.sender_id), h.receiver_id, h.status, h.reason, h.created_at, h.lead_id, \
             (SELECT MIN(c.won_on) FROM contracts c WHERE c.lead_id = h.lead_id AND c.won_on IS NOT NULL), \
             COALESCE(h.decided_at, h.created_at) \
             FROM handoffs h JOIN leads l ON l.id = h.lead_id \
             WHERE h.kind = 'lead' AND h.created_at >= ? AND h.created_at < ?"
            .to_string();
    let mut params: Vec<Value> = vec![lo.clone().into(), hi.clone().into()];
    if let Some(r) = region {
        sql.push_str(" AND l.region_id = ?");
        params.push(r.into());
    }
    let mut rows = tx.query(&sql, &params)?;
    // A universal manager's own lead is found and won by the same person: it counts as handed
    // by them to themselves and accepted when opened, so the matrix and the diagnosis see the
    // universal months too (docs/reports.md). A sales manager's own lead earns no caller
    // credit (PRODUCT.md §2) and stays out.
    let mut sql = format!(
        "SELECT l.owner_id, l.owner_id, 'accepted', NULL, l.created_at, l.id, \
         (SELECT MIN(c.won_on) FROM contracts c WHERE c.lead_id = l.id AND c.won_on IS NOT NULL), \
         l.created_at \
         FROM leads l WHERE l.created_at >= ? AND l.created_at < ? AND {}",
        crate::conveyor::journeys::UNIVERSAL_OWN
    );
    let mut params: Vec<Value> = vec![lo.into(), hi.into()];
    if let Some(r) = region {
        sql.push_str(" AND l.region_id = ?");
        params.push(r.into());
    }
    rows.extend(tx.query(&sql, &params)?);

    // Collections of the companies won from these leads: (lead → won_on, payments).
    // Only the won leads' companies are read (through their contracts), by index: the
    // whole payments table was a half-minute scan at 1 000 people.
    let won_leads: Vec<String> = rows
        .iter()
        .filter(|r| r.opt_text(6).is_some())
        .map(|r| r.text(5))
        .collect::<std::collections::BTreeSet<String>>()
        .into_iter()
        .collect();
    let mut collected: HashMap<String, Money> = HashMap::new();
    for chunk in won_leads.chunks(500) {
        let mut sql = format!(
            "SELECT co.att_lead_id, co.att_won_on, p.paid_on, p.amount FROM companies co \
                 JOIN payments p ON p.company_id = co.id \
                 WHERE co.id IN (SELECT c.company_id FROM contracts c WHERE c.lead_id IN ({})) \
                 AND co.att_lead_id IS NOT NULL AND co.att_won_on IS NOT NULL AND p.paid_on >= co.att_won_on AND p.paid_on <= ?",
            vec!["?"; chunk.len()].join(", ")
        );
        let mut params: Vec<Value> = chunk.iter().map(|l| Value::from(l.clone())).collect();
        params.push(to.to_string().into());
        if let Some(r) = region {
            sql.push_str(" AND co.region_id = ?");
            params.push(r.into());
        }
        for r in tx.query(&sql, &params)? {
            let (Some(won), Some(paid)) = (day(&r.text(1)), day(&r.text(2))) else {
                continue;
            };
            if (paid - won).num_days() <= cfg.hunter_window_days {
                *collected.entry(r.text(0)).or_default() += Money::from_kopecks(r.int(3));
            }
        }
    }

    // The day the window is seen at: its end, or today while it is still running.
    let observed = to.min(today);
    let days = |from: chrono::NaiveDate, to: chrono::NaiveDate| {
        u32::try_from((to - from).num_days().max(0)).unwrap_or(u32::MAX)
    };
    let mut facts = Vec::new();
    for r in rows {
        let Some(created) = local_day(&r.text(4), &tz) else {
            continue;
        };
        if created < from || created > to {
            continue;
        }
        let outcome = outcome(&r.text(2));
        let lead = r.text(5);
        let won = r.opt_text(6).and_then(|w| day(&w));
        let converted = outcome == HandoffOutcome::Accepted && won.is_some_and(|w| w <= to);
        // Accepted on the decision's local day (the handoff's own when it has none).
        let accepted_on = local_day(&r.text(7), &tz).unwrap_or(created);
        let age_days = (outcome == HandoffOutcome::Accepted).then(|| days(accepted_on, observed));
        let paid_after_days = match (converted, won, age_days) {
            (true, Some(w), Some(age)) => Some(days(accepted_on, w).min(age)),
            _ => None,
        };
        facts.push(HandoffFact {
            caller: r.text(0),
            sales_manager: r.text(1),
            outcome,
            reason: r.opt_text(3),
            converted,
            collections: if converted {
                collected.get(&lead).copied().unwrap_or_default()
            } else {
                Money::ZERO
            },
            age_days,
            paid_after_days,
        });
    }
    Ok(facts)
}
