//! The audit trail's hash chain (migration 0008, docs/operations.md).
//!
//! Every audit event gets a place `seq` (1, 2, 3 …), the hash of the event before it
//! (`prev_hash`, [`GENESIS`] for the first) and its own `hash`: the SHA-256, in lowercase hex,
//! of its [`canonical`] text. Editing a stored field changes that text, deleting an event
//! leaves the next one pointing at a hash that is gone, and moving one puts it after an event
//! its `prev_hash` does not name.
//!
//! Events are written unlinked (`seq` NULL) by the use case and linked by [`link_pending`] just
//! before their transaction commits. Taking the head's row lock last means it is never held
//! while waiting for another lock (no deadlock with the use case's own row locks), and only
//! for the moment of the commit.

use crate::StoreError;
use crate::db::Tx;
use crate::value::{Row, Value};
use sha2::{Digest, Sha256};

/// The `prev_hash` of the first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The stored columns an event's hash covers, in canonical order, then the chain's own.
/// `seq` is not hashed: it is the position, which the links themselves protect.
pub const HASHED: [&str; 8] = [
    "id",
    "at",
    "actor_id",
    "entity",
    "entity_id",
    "action",
    "before_json",
    "after_json",
];

const SELECT: &str = "SELECT id, at, actor_id, entity, entity_id, action, before_json, after_json, seq, prev_hash, hash FROM audit_events";

/// How many events one statement links or reads (bounded memory on large trails).
const CHUNK: i64 = 5000;

/// One stored audit event, every column as the database holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainEvent {
    /// `id … after_json`, in [`HASHED`] order; `None` is SQL NULL.
    pub fields: [Option<String>; 8],
    pub seq: Option<i64>,
    pub prev_hash: Option<String>,
    pub hash: Option<String>,
}

impl ChainEvent {
    fn from_row(r: &Row) -> ChainEvent {
        ChainEvent {
            fields: std::array::from_fn(|i| r.opt_text(i)),
            seq: match r.get(8) {
                Value::Null => None,
                _ => Some(r.int(8)),
            },
            prev_hash: r.opt_text(9),
            hash: r.opt_text(10),
        }
    }

    pub fn id(&self) -> &str {
        self.fields[0].as_deref().unwrap_or("")
    }

    /// The hash this event must have if it follows an event whose hash is `prev_hash`.
    pub fn hash_after(&self, prev_hash: &str) -> String {
        hex::encode(Sha256::digest(canonical(&self.fields, prev_hash)))
    }
}

/// The canonical text of an event, version 1: the line `baton-audit-v1`, then one line per
/// field of [`HASHED`] and finally `prev_hash`: the name, a space, and `-` for NULL or
/// `<length in UTF-8 bytes>:<text>`. Each line ends with `\n`. The length prefix keeps the
/// form unambiguous whatever the text holds (newlines, `-`).
pub fn canonical(fields: &[Option<String>; 8], prev_hash: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(256);
    out.extend_from_slice(b"baton-audit-v1\n");
    let mut line = |name: &str, v: Option<&str>| {
        out.extend_from_slice(name.as_bytes());
        out.push(b' ');
        match v {
            None => out.push(b'-'),
            Some(s) => {
                out.extend_from_slice(s.len().to_string().as_bytes());
                out.push(b':');
                out.extend_from_slice(s.as_bytes());
            }
        }
        out.push(b'\n');
    };
    for (name, v) in HASHED.iter().zip(fields) {
        line(name, v.as_deref());
    }
    line("prev_hash", Some(prev_hash));
    out
}

/// The chain's head: the last linked event's place and hash (`0` and [`GENESIS`] when empty).
pub fn head(tx: &mut Tx<'_>) -> Result<(i64, String), StoreError> {
    let r = tx
        .query_one("SELECT seq, hash FROM audit_chain WHERE id = 'head'", &[])?
        .ok_or_else(|| StoreError::Decode("audit_chain has no head row".into()))?;
    Ok((r.int(0), r.text(1)))
}

/// Links every unlinked event, in (at, id) order, after the head. Called by the store just
/// before a writing transaction commits (so a rolled-back write leaves no link) and by
/// `migrate` for events written before the chain existed. Returns how many were linked.
pub fn link_pending(tx: &mut Tx<'_>) -> Result<u64, StoreError> {
    if tx
        .query_one("SELECT id FROM audit_events WHERE seq IS NULL LIMIT 1", &[])?
        .is_none()
    {
        return Ok(0);
    }
    // The row lock: on PostgreSQL a second writer waits here until the first commits, then
    // reads the head that writer left.
    tx.exec("UPDATE audit_chain SET seq = seq WHERE id = 'head'", &[])?;
    let (mut seq, mut prev) = head(tx)?;
    let mut linked = 0;
    loop {
        let rows = tx.query(
            &format!("{SELECT} WHERE seq IS NULL ORDER BY at, id LIMIT {CHUNK}"),
            &[],
        )?;
        if rows.is_empty() {
            break;
        }
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let ev = ChainEvent::from_row(r);
            seq += 1;
            let hash = ev.hash_after(&prev);
            out.push((ev, seq, std::mem::replace(&mut prev, hash.clone()), hash));
        }
        linked += out.len() as u64;
        write_links(tx, out)?;
    }
    tx.exec(
        "UPDATE audit_chain SET seq = ?, hash = ? WHERE id = 'head'",
        &[seq.into(), prev.into()],
    )?;
    Ok(linked)
}

/// Stores the links: one UPDATE per event for a use case's few, one bulk upsert (COPY on
/// PostgreSQL) for a migration's or an import's many.
fn write_links(
    tx: &mut Tx<'_>,
    links: Vec<(ChainEvent, i64, String, String)>,
) -> Result<(), StoreError> {
    if links.len() <= 16 {
        for (ev, seq, prev, hash) in links {
            tx.exec(
                "UPDATE audit_events SET seq = ?, prev_hash = ?, hash = ? WHERE id = ?",
                &[seq.into(), prev.into(), hash.into(), ev.id().into()],
            )?;
        }
        return Ok(());
    }
    let mut cols: Vec<&str> = HASHED.to_vec();
    cols.extend(["seq", "prev_hash", "hash"]);
    let rows: Vec<Vec<Value>> = links
        .into_iter()
        .map(|(ev, seq, prev, hash)| {
            let mut v: Vec<Value> = ev.fields.into_iter().map(Value::from).collect();
            v.extend([seq.into(), prev.into(), hash.into()]);
            v
        })
        .collect();
    tx.upsert_many("audit_events", &cols, &rows)?;
    Ok(())
}

/// After an import: a bundle's linked events may reach past the head (a database moved by
/// export and import); the head then moves to the last of them, so new events follow it.
pub fn adopt_head(tx: &mut Tx<'_>) -> Result<(), StoreError> {
    let (seq, _) = head(tx)?;
    if let Some(r) = tx.query_one(
        "SELECT seq, hash FROM audit_events WHERE seq = (SELECT MAX(seq) FROM audit_events) AND seq > ?",
        &[seq.into()],
    )? {
        tx.exec(
            "UPDATE audit_chain SET seq = ?, hash = ? WHERE id = 'head'",
            &[r.int(0).into(), r.text(1).into()],
        )?;
    }
    Ok(())
}

/// Up to [`CHUNK`] linked events from place `from` on, in chain order (for verification).
pub fn linked_from(tx: &mut Tx<'_>, from: i64) -> Result<Vec<ChainEvent>, StoreError> {
    let rows = tx.query(
        &format!("{SELECT} WHERE seq >= ? ORDER BY seq LIMIT {CHUNK}"),
        &[from.into()],
    )?;
    Ok(rows.iter().map(ChainEvent::from_row).collect())
}

/// The linked event whose hash is `hash`, if any: `(seq, id)`.
pub fn find_hash(tx: &mut Tx<'_>, hash: &str) -> Result<Option<(i64, String)>, StoreError> {
    Ok(tx
        .query_one(
            "SELECT seq, id FROM audit_events WHERE hash = ? AND seq IS NOT NULL ORDER BY seq LIMIT 1",
            &[hash.into()],
        )?
        .map(|r| (r.int(0), r.text(1))))
}

/// The first event (in (at, id) order) that is not linked, if any.
pub fn first_unlinked(tx: &mut Tx<'_>) -> Result<Option<String>, StoreError> {
    Ok(tx
        .query_one(
            "SELECT id FROM audit_events WHERE seq IS NULL ORDER BY at, id LIMIT 1",
            &[],
        )?
        .map(|r| r.text(0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev() -> [Option<String>; 8] {
        [
            Some("e1".into()),
            Some("2026-01-01T00:00:00.000000Z".into()),
            None,
            Some("company".into()),
            Some("c1".into()),
            Some("company.created".into()),
            None,
            Some("{\"a\":\"два\"}".into()),
        ]
    }

    #[test]
    fn the_canonical_text_is_as_documented() {
        let text = String::from_utf8(canonical(&ev(), GENESIS)).unwrap();
        assert_eq!(
            text,
            format!(
                "baton-audit-v1\nid 2:e1\nat 27:2026-01-01T00:00:00.000000Z\nactor_id -\nentity 7:company\n\
                 entity_id 2:c1\naction 15:company.created\nbefore_json -\nafter_json 14:{{\"a\":\"два\"}}\n\
                 prev_hash 64:{GENESIS}\n"
            )
        );
    }

    #[test]
    fn null_and_empty_text_differ_and_the_hash_is_sha256_hex() {
        let mut empty = ev();
        empty[2] = Some(String::new());
        assert_ne!(canonical(&ev(), GENESIS), canonical(&empty, GENESIS));
        let e = ChainEvent {
            fields: ev(),
            seq: None,
            prev_hash: None,
            hash: None,
        };
        // printf 'baton-audit-v1\nid 2:e1\n…' | sha256sum, computed outside Rust.
        assert_eq!(
            e.hash_after(GENESIS),
            "a89fc12d3cdc150ff9b1812e78ddca7f0f5fa1f613c65c84c51227f634f63d67"
        );
    }
}
