//! Verifying the audit chain (baton_store::chain): every event, in chain order, must give its
//! own hash and name the one before it; the chain's head must name the last one. The answer
//! is the first event that does not, and why.

use crate::error::AppResult;
use crate::{Actor, App};
use baton_store::Tx;
use baton_store::chain::{self, GENESIS};
use serde::Serialize;

/// Why an event breaks the chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Break {
    /// Its stored fields no longer give its hash.
    Edited,
    /// Its `prev_hash` is no stored event's hash: the event before it was deleted.
    Deleted,
    /// Its `prev_hash` names another stored event than the one before it, or its place number
    /// was changed.
    Reordered,
    /// The head records later events than the last one stored: they were deleted.
    Truncated,
    /// The head records another last event than the one stored at its place.
    HeadMismatch,
    /// It was never linked: written around the application.
    Unlinked,
}

impl Break {
    pub fn explain(self) -> &'static str {
        match self {
            Break::Edited => {
                "its stored fields do not give its hash: it was changed after it was written"
            }
            Break::Deleted => {
                "it names a previous event that is not stored: the event before it was deleted"
            }
            Break::Reordered => {
                "it names another event than the one before it in the chain: events were moved or renumbered"
            }
            Break::Truncated => {
                "the chain's head records events after it that are not stored: they were deleted"
            }
            Break::HeadMismatch => {
                "the chain's head records another last event: the head or the last events were changed"
            }
            Break::Unlinked => {
                "it is not linked into the chain: it was written around the application"
            }
        }
    }
}

/// The first event that breaks the chain. `id` and `seq` are the stored event's (for
/// `truncated` and `head_mismatch`, the last event stored; none when no event is left).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct BrokenEvent {
    pub id: Option<String>,
    pub seq: Option<i64>,
    pub reason: Break,
    pub message: String,
}

/// The verdict on the whole audit trail.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct AuditVerdict {
    pub ok: bool,
    /// Events stored.
    pub events: u64,
    /// The head: the last event's place and hash. Noted outside the database, it shows a
    /// later rewrite of the whole chain (which no check inside the database can).
    pub head_seq: i64,
    pub head_hash: String,
    pub first_broken: Option<BrokenEvent>,
}

impl App {
    /// Walks the audit chain. Directors and admins only; `None` is the local command line.
    pub fn verify_audit(&self, actor: Option<&Actor>) -> AppResult<AuditVerdict> {
        if let Some(a) = actor {
            crate::rights::require(a, crate::rights::Action::VerifyAudit)?;
        }
        // One snapshot: a write committed halfway through the walk would look like a break.
        self.db.snapshot(walk)
    }
}

fn walk(tx: &mut Tx<'_>) -> AppResult<AuditVerdict> {
    let (head_seq, head_hash) = chain::head(tx)?;
    let events = tx
        .query_one("SELECT CAST(COUNT(*) AS BIGINT) FROM audit_events", &[])?
        .map_or(0, |r| r.int(0));
    let mut verdict = AuditVerdict {
        ok: true,
        events: u64::try_from(events).unwrap_or(0),
        head_seq,
        head_hash: head_hash.clone(),
        first_broken: None,
    };
    let broken = |id: Option<String>, seq: Option<i64>, reason: Break| BrokenEvent {
        id,
        seq,
        reason,
        message: reason.explain().to_string(),
    };
    let (mut place, mut prev) = (0i64, GENESIS.to_string());
    let mut last: Option<(String, i64)> = None;
    let mut from = i64::MIN;
    loop {
        let chunk = chain::linked_from(tx, from)?;
        let Some(end) = chunk.last() else { break };
        from = end.seq.unwrap_or(i64::MAX).saturating_add(1);
        for ev in chunk {
            let seq = ev.seq.unwrap_or(0);
            let prev_hash = ev.prev_hash.clone().unwrap_or_default();
            let reason = if ev.hash.as_deref() != Some(ev.hash_after(&prev_hash).as_str()) {
                Some(Break::Edited)
            } else if prev_hash != prev {
                Some(match chain::find_hash(tx, &prev_hash)? {
                    Some(_) => Break::Reordered,
                    None => Break::Deleted,
                })
            } else if seq != place + 1 {
                Some(Break::Reordered)
            } else {
                None
            };
            if let Some(r) = reason {
                verdict.ok = false;
                verdict.first_broken = Some(broken(Some(ev.id().to_string()), Some(seq), r));
                return Ok(verdict);
            }
            place = seq;
            prev = ev.hash.unwrap_or_default();
            last = Some((ev.fields[0].clone().unwrap_or_default(), seq));
        }
    }
    let tail = if place < head_seq {
        Some(Break::Truncated)
    } else if place != head_seq || prev != head_hash {
        Some(Break::HeadMismatch)
    } else {
        None
    };
    if let Some(r) = tail {
        let (id, seq) = last.unzip();
        verdict.ok = false;
        verdict.first_broken = Some(broken(id, seq, r));
    } else if let Some(id) = chain::first_unlinked(tx)? {
        verdict.ok = false;
        verdict.first_broken = Some(broken(Some(id), None, Break::Unlinked));
    }
    Ok(verdict)
}
