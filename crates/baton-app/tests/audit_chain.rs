//! The tamper-evident audit trail (issue 14, part 5), on SQLite and on PostgreSQL: real use
//! cases write a chain that verifies; an edit, a deletion, a reordering, a truncation or an
//! event written around the application made directly in the database is found and named;
//! concurrent writers do not fork the chain; events from before the chain are linked by
//! `migrate`; a bundle keeps its links, and an old bundle without them is linked on import.

mod common;

use baton_app::App;
use baton_app::audit::{AuditVerdict, Break};
use baton_app::conveyor::calls::NewCall;
use baton_app::conveyor::companies::NewCompany;
use baton_domain::Inn;
use baton_store::records::AuditEvent;
use baton_store::scratch::ScratchDb;
use baton_store::{Filter, StoreError};
use common::World;
use sha2::{Digest, Sha256};

const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// A small company's first writes: the admin, the region, two people, a company, calls.
fn world(scratch: ScratchDb) -> World {
    let w = World::on(scratch, "2026-11-02T07:00:00Z", 5);
    let caller = w.person("c1", "caller");
    w.person("h1", "head");
    let company = w
        .app
        .create_company(
            &caller,
            NewCompany {
                inn: Inn::legal_from_body(77_070_838).as_str().into(),
                name: "Ромашка".into(),
                ..Default::default()
            },
        )
        .unwrap()
        .company
        .id;
    for outcome in ["no_answer", "dm_interested"] {
        w.clock.advance(chrono::Duration::minutes(5));
        w.app.log_call(&caller, call(&company, outcome)).unwrap();
    }
    w
}

fn call(company: &str, outcome: &str) -> NewCall {
    NewCall {
        company_id: company.into(),
        outcome: outcome.into(),
        duration_sec: 60,
        note: None,
        lead_id: None,
        callback_at: None,
    }
}

fn events(app: &App) -> Vec<AuditEvent> {
    app.db
        .read(|tx| tx.list::<AuditEvent>(&Filter::new().order("seq", false)))
        .unwrap()
}

fn sql(app: &App, sql: &str) {
    app.db.execute_batch(sql).unwrap();
}

fn verify(app: &App) -> AuditVerdict {
    app.verify_audit(None).unwrap()
}

/// The documented canonical text (docs/operations.md), written out here independently.
fn expected_hash(e: &AuditEvent, prev: &str) -> String {
    let mut text = String::from("baton-audit-v1\n");
    let fields = [
        ("id", Some(e.id.clone())),
        ("at", Some(e.at.clone())),
        ("actor_id", e.actor_id.clone()),
        ("entity", Some(e.entity.clone())),
        ("entity_id", Some(e.entity_id.clone())),
        ("action", Some(e.action.clone())),
        (
            "before_json",
            e.before_json.as_ref().map(|j| j.text().to_string()),
        ),
        (
            "after_json",
            e.after_json.as_ref().map(|j| j.text().to_string()),
        ),
        ("prev_hash", Some(prev.to_string())),
    ];
    for (name, v) in fields {
        match v {
            None => text.push_str(&format!("{name} -\n")),
            Some(v) => text.push_str(&format!("{name} {}:{v}\n", v.len())),
        }
    }
    hex::encode(Sha256::digest(text.as_bytes()))
}

fn broken(v: &AuditVerdict) -> (Option<String>, Break) {
    let b = v.first_broken.as_ref().expect("a broken event");
    assert!(!v.ok);
    (b.id.clone(), b.reason)
}

#[test]
fn use_cases_write_a_chain_that_verifies() {
    for scratch in ScratchDb::all() {
        let label = format!("{:?}", scratch.db.dialect());
        let w = world(scratch);
        let evs = events(&w.app);
        assert!(evs.len() >= 6, "{label}: {} events", evs.len());
        let mut prev = GENESIS.to_string();
        for (i, e) in evs.iter().enumerate() {
            assert_eq!(e.seq, Some(i as i64 + 1), "{label}");
            assert_eq!(e.prev_hash.as_deref(), Some(prev.as_str()), "{label}");
            let h = expected_hash(e, &prev);
            assert_eq!(e.hash.as_deref(), Some(h.as_str()), "{label}: {}", e.id);
            prev = h;
        }
        let v = verify(&w.app);
        assert_eq!(
            v,
            AuditVerdict {
                ok: true,
                events: evs.len() as u64,
                head_seq: evs.len() as i64,
                head_hash: prev,
                first_broken: None,
            },
            "{label}"
        );
    }
}

#[test]
fn an_edit_made_in_the_database_is_found_and_named() {
    for scratch in ScratchDb::all() {
        let label = format!("{:?}", scratch.db.dialect());
        let w = world(scratch);
        let third = events(&w.app)[2].clone();
        sql(
            &w.app,
            &format!(
                "UPDATE audit_events SET actor_id = 'someone-else' WHERE id = '{}'",
                third.id
            ),
        );
        assert_eq!(
            broken(&verify(&w.app)),
            (Some(third.id.clone()), Break::Edited),
            "{label}"
        );
        // Put back, the chain holds again: it was the edit that broke it.
        let actor = third
            .actor_id
            .clone()
            .map_or("NULL".into(), |a| format!("'{a}'"));
        sql(
            &w.app,
            &format!(
                "UPDATE audit_events SET actor_id = {actor} WHERE id = '{}'",
                third.id
            ),
        );
        assert!(verify(&w.app).ok, "{label}");
        // An edit of the JSON states, of the link itself, of the hash: each one is found.
        for set in [
            "after_json = '{\"outcome\":\"dm_callback\"}'",
            &format!("prev_hash = '{GENESIS}'"),
            &format!("hash = '{GENESIS}'"),
        ] {
            let last = events(&w.app).last().unwrap().clone();
            sql(
                &w.app,
                &format!("UPDATE audit_events SET {set} WHERE id = '{}'", last.id),
            );
            let (id, reason) = broken(&verify(&w.app));
            assert_eq!(id.as_deref(), Some(last.id.as_str()), "{label}: {set}");
            assert_eq!(reason, Break::Edited, "{label}: {set}");
            let (after, prev, hash) = (
                last.after_json
                    .as_ref()
                    .map_or("NULL".into(), |j| format!("'{}'", j.text())),
                last.prev_hash.unwrap(),
                last.hash.unwrap(),
            );
            sql(
                &w.app,
                &format!(
                    "UPDATE audit_events SET after_json = {after}, prev_hash = '{prev}', hash = '{hash}' WHERE id = '{}'",
                    last.id
                ),
            );
            assert!(verify(&w.app).ok, "{label}: restored after {set}");
        }
    }
}

#[test]
fn a_deleted_event_is_found_at_the_event_after_it() {
    for scratch in ScratchDb::all() {
        let label = format!("{:?}", scratch.db.dialect());
        let w = world(scratch);
        let evs = events(&w.app);
        sql(
            &w.app,
            &format!("DELETE FROM audit_events WHERE id = '{}'", evs[2].id),
        );
        let v = verify(&w.app);
        assert_eq!(v.events, evs.len() as u64 - 1, "{label}");
        assert_eq!(
            broken(&v),
            (Some(evs[3].id.clone()), Break::Deleted),
            "{label}"
        );
    }
}

#[test]
fn the_last_events_deleted_are_found_by_the_head() {
    for scratch in ScratchDb::all() {
        let label = format!("{:?}", scratch.db.dialect());
        let w = world(scratch);
        let evs = events(&w.app);
        let n = evs.len();
        sql(
            &w.app,
            &format!("DELETE FROM audit_events WHERE seq >= {}", n - 1),
        );
        let v = verify(&w.app);
        assert_eq!(v.head_seq, n as i64, "{label}");
        assert_eq!(
            broken(&v),
            (Some(evs[n - 3].id.clone()), Break::Truncated),
            "{label}"
        );
        // Every event deleted: the head still tells.
        sql(&w.app, "DELETE FROM audit_events");
        assert_eq!(broken(&verify(&w.app)), (None, Break::Truncated), "{label}");
    }
}

#[test]
fn reordered_events_are_found() {
    for scratch in ScratchDb::all() {
        let label = format!("{:?}", scratch.db.dialect());
        let w = world(scratch);
        let evs = events(&w.app);
        // Swap the places of the 3rd and 4th events (through a free place: seq is unique).
        sql(&w.app, "UPDATE audit_events SET seq = -1 WHERE seq = 3");
        sql(&w.app, "UPDATE audit_events SET seq = 3 WHERE seq = 4");
        sql(&w.app, "UPDATE audit_events SET seq = 4 WHERE seq = -1");
        assert_eq!(
            broken(&verify(&w.app)),
            (Some(evs[3].id.clone()), Break::Reordered),
            "{label}"
        );
        sql(&w.app, "UPDATE audit_events SET seq = -1 WHERE seq = 3");
        sql(&w.app, "UPDATE audit_events SET seq = 3 WHERE seq = 4");
        sql(&w.app, "UPDATE audit_events SET seq = 4 WHERE seq = -1");
        assert!(verify(&w.app).ok, "{label}: swapped back");
        // Renumbered without a change of order: a gap in the places.
        let last = evs.last().unwrap();
        sql(
            &w.app,
            &format!(
                "UPDATE audit_events SET seq = 1000 WHERE id = '{}'",
                last.id
            ),
        );
        assert_eq!(
            broken(&verify(&w.app)),
            (Some(last.id.clone()), Break::Reordered),
            "{label}"
        );
        sql(
            &w.app,
            &format!(
                "UPDATE audit_events SET seq = {} WHERE id = '{}'",
                evs.len(),
                last.id
            ),
        );
        // The content of two events swapped, their places and links left: both edited, the
        // first of them is named.
        let (a, b) = (&evs[1], &evs[4]);
        for (into, from) in [(a, b), (b, a)] {
            sql(
                &w.app,
                &format!(
                    "UPDATE audit_events SET entity = '{}', entity_id = '{}', action = '{}' WHERE id = '{}'",
                    from.entity, from.entity_id, from.action, into.id
                ),
            );
        }
        assert_eq!(
            broken(&verify(&w.app)),
            (Some(a.id.clone()), Break::Edited),
            "{label}"
        );
    }
}

#[test]
fn an_event_written_around_the_application_is_found() {
    for scratch in ScratchDb::all() {
        let label = format!("{:?}", scratch.db.dialect());
        let w = world(scratch);
        sql(
            &w.app,
            "INSERT INTO audit_events (id, at, actor_id, entity, entity_id, action) \
             VALUES ('forged', '2026-11-02T08:00:00.000000Z', NULL, 'company', 'x', 'company.deleted')",
        );
        assert_eq!(
            broken(&verify(&w.app)),
            (Some("forged".into()), Break::Unlinked),
            "{label}"
        );
    }
}

#[test]
fn concurrent_writers_do_not_fork_the_chain() {
    for scratch in ScratchDb::all() {
        let label = format!("{:?}", scratch.db.dialect());
        let w = world(scratch);
        let callers: Vec<_> = (0..4)
            .map(|i| w.person(&format!("cc{i}"), "caller"))
            .collect();
        std::thread::scope(|s| {
            for (i, caller) in callers.iter().enumerate() {
                let app = w.app.clone();
                s.spawn(move || {
                    let company = app
                        .create_company(
                            caller,
                            NewCompany {
                                inn: Inn::legal_from_body(50_000_000 + i as u32).as_str().into(),
                                name: format!("Фирма {i}"),
                                ..Default::default()
                            },
                        )
                        .unwrap()
                        .company
                        .id;
                    for _ in 0..15 {
                        app.log_call(caller, call(&company, "no_answer")).unwrap();
                    }
                });
            }
        });
        let total = w
            .app
            .db
            .read(|tx| tx.count::<AuditEvent>(&Filter::new()))
            .unwrap();
        let v = verify(&w.app);
        assert!(v.ok, "{label}: {v:?}");
        assert_eq!((v.events, v.head_seq), (total as u64, total), "{label}");
    }
}

#[test]
fn events_from_before_the_chain_are_linked_by_migrate_in_time_order() {
    for scratch in ScratchDb::all() {
        let label = format!("{:?}", scratch.db.dialect());
        let w = world(scratch);
        // More events than one statement links one by one (the bulk path).
        let caller = w.person("c2", "caller");
        let company = w
            .app
            .create_company(
                &caller,
                NewCompany {
                    inn: Inn::legal_from_body(60_000_001).as_str().into(),
                    name: "Лютик".into(),
                    ..Default::default()
                },
            )
            .unwrap()
            .company
            .id;
        for _ in 0..40 {
            w.app
                .log_call(&caller, call(&company, "no_answer"))
                .unwrap();
        }
        let before = events(&w.app).len();
        // As a database from before migration 0008 looks once the columns are added.
        sql(
            &w.app,
            &format!(
                "UPDATE audit_events SET seq = NULL, prev_hash = NULL, hash = NULL; \
                 UPDATE audit_chain SET seq = 0, hash = '{GENESIS}'"
            ),
        );
        assert_eq!(broken(&verify(&w.app)).1, Break::Unlinked, "{label}");
        baton_store::migrate(&w.app.db).unwrap();
        let evs = events(&w.app);
        assert_eq!(evs.len(), before, "{label}");
        let mut by_time = evs.clone();
        by_time.sort_by(|a, b| (&a.at, &a.id).cmp(&(&b.at, &b.id)));
        assert_eq!(evs, by_time, "{label}: chain order is (at, id)");
        assert!(verify(&w.app).ok, "{label}");
    }
}

#[test]
fn a_bundle_keeps_its_chain_and_an_old_bundle_is_linked_on_import() {
    for scratch in ScratchDb::all() {
        let label = format!("{:?}", scratch.db.dialect());
        let w = world(scratch);
        let source = verify(&w.app);
        assert!(source.ok);
        let dir = std::env::temp_dir().join(format!("baton-chain-{label}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        w.app.export(None, &dir).unwrap();

        // Into an empty database of the same kind: the same links, the same head.
        let target = if label == "Sqlite" {
            ScratchDb::sqlite().unwrap()
        } else {
            ScratchDb::postgres().unwrap().unwrap()
        };
        let app = App::with(target.db.clone(), w.clock.clone(), w.app.ids.clone());
        app.import(None, &dir, false).unwrap();
        assert_eq!(verify(&app), source, "{label}");
        assert_eq!(events(&app), events(&w.app), "{label}");
        app.import(None, &dir, false).unwrap();
        assert_eq!(verify(&app), source, "{label}: re-import changes nothing");
        // A write after the import follows the imported head.
        let admin = app.actor(&w.admin.id).unwrap();
        app.create_region(&admin, "spb", "Санкт-Петербург").unwrap();
        let after = verify(&app);
        assert!(after.ok, "{label}: {after:?}");
        assert_eq!(after.head_seq, source.head_seq + 1, "{label}");
        assert_eq!(
            events(&app).last().unwrap().prev_hash.as_deref(),
            Some(source.head_hash.as_str()),
            "{label}"
        );

        // Into a database with a chain of its own: the places are taken, nothing is written.
        let other = if label == "Sqlite" {
            ScratchDb::sqlite().unwrap()
        } else {
            ScratchDb::postgres().unwrap().unwrap()
        };
        let mine = AuditEvent {
            id: "mine".into(),
            seq: None,
            prev_hash: None,
            hash: None,
            ..events(&w.app)[0].clone()
        };
        other.db.tx(|tx| tx.insert(&mine)).unwrap();
        let app = App::with(other.db.clone(), w.clock.clone(), w.app.ids.clone());
        let before = verify(&app);
        match app.import(None, &dir, false) {
            Err(baton_app::AppError::Import(rows)) => {
                assert_eq!(rows[0].file, "audit_events.csv", "{label}: {rows:?}");
                assert!(rows[0].reason.contains("audit chain"), "{label}: {rows:?}");
            }
            other => panic!("{label}: expected a refused import, got {other:?}"),
        }
        assert_eq!(verify(&app), before, "{label}");
        assert_eq!(events(&app).len(), 1, "{label}");

        // A bundle from before the chain: no seq, prev_hash, hash columns.
        let path = dir.join("audit_events.csv");
        let mut rd = csv::Reader::from_path(&path).unwrap();
        let headers = rd.headers().unwrap().clone();
        let keep: Vec<usize> = (0..headers.len())
            .filter(|i| !["seq", "prev_hash", "hash"].contains(&&headers[*i]))
            .collect();
        let rows: Vec<csv::StringRecord> = rd.records().map(Result::unwrap).collect();
        let mut wr = csv::Writer::from_path(&path).unwrap();
        wr.write_record(keep.iter().map(|i| &headers[*i])).unwrap();
        for r in &rows {
            wr.write_record(keep.iter().map(|i| &r[*i])).unwrap();
        }
        wr.flush().unwrap();
        drop(wr);
        let old = if label == "Sqlite" {
            ScratchDb::sqlite().unwrap()
        } else {
            ScratchDb::postgres().unwrap().unwrap()
        };
        let app = App::with(old.db.clone(), w.clock.clone(), w.app.ids.clone());
        app.import(None, &dir, false).unwrap();
        let v = verify(&app);
        assert!(v.ok, "{label}: {v:?}");
        assert_eq!(v.events, source.events, "{label}");
        // Linked in (at, id) order, so the links match the source's where its order was that.
        let evs = events(&app);
        let mut by_time = evs.clone();
        by_time.sort_by(|a, b| (&a.at, &a.id).cmp(&(&b.at, &b.id)));
        assert_eq!(evs, by_time, "{label}");
        // Importing the old bundle again keeps the links it got.
        app.import(None, &dir, false).unwrap();
        assert_eq!(verify(&app), v, "{label}: re-import of an old bundle");
        let _ = std::fs::remove_dir_all(&dir);
    }
}

/// A rolled-back use case leaves no link: the chain's head is where it was.
#[test]
fn a_refused_write_leaves_no_link() {
    for scratch in ScratchDb::all() {
        let label = format!("{:?}", scratch.db.dialect());
        let w = world(scratch);
        let before = verify(&w.app);
        let failed: Result<(), StoreError> = w.app.db.tx(|tx| {
            tx.exec(
                "INSERT INTO audit_events (id, at, entity, entity_id, action) VALUES ('x', 'y', 'e', 'i', 'a')",
                &[],
            )?;
            Err(StoreError::Decode("refused".into()))
        });
        assert!(failed.is_err());
        assert_eq!(verify(&w.app), before, "{label}");
    }
}
