//! The live "my statement". Each person's open-month statement is kept in memory with the
//! facts it was computed from. A payment recorded by this process is added to the facts of
//! the statements it counts for, and those are recomputed from memory (no query); any other
//! write empties the cache, and the next read loads only that person's rows again. Nobody
//! else's statement is computed either way. Writes made by another process (a CLI import
//! next to a running server) are picked up after at most [`MAX_AGE`].

use super::{Line, PersonStatement, Prepared, settle_totals};
use baton_comp::metrics::PaymentFact;
use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
use std::time::{Duration, Instant};

const MAX_AGE: Duration = Duration::from_secs(30);
/// A bound on memory: a company's people, many times over.
const MAX_ENTRIES: usize = 20_000;

/// A period's loaded facts and adjustments: everything its statements need, in memory.
pub(crate) struct Live {
    pub prepared: Prepared,
    pub adjustments: Option<BTreeMap<String, Vec<Line>>>,
}

impl Live {
    pub fn statements(&self) -> Vec<PersonStatement> {
        let mut out = self.prepared.finish();
        if let Some(adjustments) = &self.adjustments {
            for (person, lines) in adjustments {
                if let Some(p) = out.iter_mut().find(|p| &p.employee_id == person) {
                    p.adjustments = lines.clone();
                }
            }
            settle_totals(&mut out);
        }
        out
    }
}

struct Entry {
    /// The database handle's commit count when the facts were read (`Db::writes`).
    seen: u64,
    loaded: Instant,
    live: Live,
}

/// Live statements by (employee id, period).
#[derive(Default)]
pub struct LiveStatements {
    entries: Mutex<HashMap<(String, String), Entry>>,
    stats: Mutex<LiveStats>,
}

/// How the live statements were served since the process started.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct LiveStats {
    /// Served from memory, with no query.
    pub from_memory: u64,
    /// Loaded from the database (first read, or after a write other than a payment).
    pub loaded: u64,
    /// Payments taken into a statement in memory.
    pub payments_applied: u64,
}

impl LiveStatements {
    /// The statements of `key`, if nothing was written since they were loaded (`writes` is
    /// the database handle's commit count now).
    pub(crate) fn get(&self, key: &(String, String), writes: u64) -> Option<Vec<PersonStatement>> {
        let entries = self.entries.lock().ok()?;
        let e = entries.get(key)?;
        let out = (e.seen == writes && e.loaded.elapsed() < MAX_AGE).then(|| e.live.statements());
        if out.is_some() {
            self.count(|s| s.from_memory += 1);
        }
        out
    }

    pub fn stats(&self) -> LiveStats {
        self.stats.lock().map(|s| *s).unwrap_or_default()
    }

    fn count(&self, f: impl FnOnce(&mut LiveStats)) {
        if let Ok(mut s) = self.stats.lock() {
            f(&mut s);
        }
    }

    /// Keeps `live`, loaded after commit number `seen`.
    pub(crate) fn put(&self, key: (String, String), seen: u64, live: Live) {
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        self.count(|s| s.loaded += 1);
        if entries.len() >= MAX_ENTRIES {
            entries.clear();
        }
        entries.insert(
            key,
            Entry {
                seen,
                loaded: Instant::now(),
                live,
            },
        );
    }

    /// Commit number `commit` recorded `payment` (and changed nothing else a statement reads:
    /// no win, no new invoice). Statements current up to the commit before take it in; the
    /// rest are dropped.
    pub(crate) fn payment(&self, commit: u64, payment: &PaymentFact) {
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        let mut applied = 0;
        entries.retain(|(person, _), e| {
            if e.seen + 1 != commit {
                return false;
            }
            let facts = &e.live.prepared.facts;
            if payment.paid_on < facts.start || payment.paid_on > facts.end {
                // Dated in another period: a closed one gives an adjustment; reload.
                return false;
            }
            // The rows the person's load selects (facts.rs): as client manager on the payment
            // date, or as the seller of a client won in the hunter window.
            let as_holder = payment.client_manager.as_deref() == Some(person.as_str());
            let as_seller = facts
                .wins
                .iter()
                .any(|w| &w.seller == person && w.company_id == payment.company_id);
            if as_holder || as_seller {
                let known_invoice = facts.invoices.iter().any(|i| i.id == payment.invoice_id);
                if !facts.mix.is_empty()
                    || e.live.prepared.needs_mix()
                    || (as_holder && !known_invoice)
                {
                    return false;
                }
                // The entry may have been read after the commit and before it was counted.
                if !facts.payments.iter().any(|p| p.id == payment.id) {
                    e.live.prepared.facts.payments.push(payment.clone());
                    applied += 1;
                }
            }
            e.seen = commit;
            true
        });
        self.count(|s| s.payments_applied += applied);
    }
}
