//! The storage conformance story: every generic repository operation, run on SQLite always and
//! on PostgreSQL when `BATON_TEST_PG_URL` is set (CI sets it and `BATON_REQUIRE_PG=1`).

use baton_domain::Money;
use baton_store::records::{AuditEvent, Company, Payment, Region};
use baton_store::scratch::ScratchDb;
use baton_store::{Filter, Json, StoreError, Value};

fn region(id: &str, code: &str) -> Region {
    Region {
        id: id.into(),
        code: code.into(),
        name: format!("Регион «{code}»\tс табом\nи строкой"),
    }
}

fn company(id: &str, inn: &str) -> Company {
    Company {
        id: id.into(),
        inn: inn.into(),
        kpp: String::new(),
        name: "ООО \"Ромашка\"".into(),
        name_norm: "ромашка".into(),
        region_id: "r1".into(),
        industry: None,
        source: "cold_call".into(),
        status: "prospect".into(),
        claim_holder_id: None,
        claim_until: None,
        client_manager_id: None,
        att_caller_id: None,
        att_seller_id: None,
        att_won_on: None,
        att_kind: None,
        att_lead_id: None,
        first_paid_on: None,
        last_paid_on: None,
        version: 0,
        created_at: "2026-01-01T00:00:00.000000Z".into(),
        created_by: "x".into(),
    }
}

#[test]
fn storage_story() {
    for scratch in ScratchDb::all() {
        let db = &scratch.db;
        let label = format!("{:?}", db.dialect());
        // Insert, get, list with filter and paging, count.
        db.tx(|tx| {
            tx.insert(&region("r1", "msk"))?;
            tx.insert(&region("r2", "spb"))?;
            tx.insert(&company("c1", "7707083893"))?;
            Ok::<_, StoreError>(())
        })
        .unwrap();
        db.tx(|tx| {
            let r: Region = tx.must("r1")?;
            assert_eq!(
                r,
                region("r1", "msk"),
                "{label}: text with tab and newline survives"
            );
            let page: Vec<Region> = tx.list(&Filter::new().order("code", true).page(1, 1))?;
            assert_eq!(page.len(), 1);
            assert_eq!(page[0].code, "msk", "{label}: order desc, second page");
            assert_eq!(tx.count::<Region>(&Filter::new().eq("code", "spb"))?, 1);
            assert_eq!(
                tx.count::<Company>(&Filter::new().eq("industry", Value::Null))?,
                1
            );
            Ok::<_, StoreError>(())
        })
        .unwrap();

        // A unique violation is reported as such, and the failed transaction leaves nothing.
        let err = db
            .tx(|tx| {
                tx.insert(&region("r3", "ekb"))?;
                tx.insert(&company("c2", "7707083893"))
            })
            .unwrap_err();
        assert!(err.unique_violation().is_some(), "{label}: {err}");
        db.tx(|tx| {
            assert!(tx.get::<Region>("r3")?.is_none(), "{label}: rolled back");
            Ok::<_, StoreError>(())
        })
        .unwrap();

        // Optimistic update: the stale version loses with Conflict.
        db.tx(|tx| {
            let mut c: Company = tx.must("c1")?;
            c.status = "client".into();
            c.version = 1;
            tx.update(&c, Some(0))?;
            c.version = 2;
            let e = tx.update(&c, Some(0)).unwrap_err();
            assert!(matches!(e, StoreError::Conflict { .. }), "{label}");
            Ok::<_, StoreError>(())
        })
        .unwrap();

        // Upsert is idempotent; bulk insert (COPY on PostgreSQL) and money round-trip.
        db.tx(|tx| {
            tx.upsert(&region("r1", "msk"))?;
            tx.upsert(&region("r1", "msk"))?;
            assert_eq!(tx.count::<Region>(&Filter::new())?, 2);
            tx.exec("INSERT INTO invoices (id, number, company_id, issued_on, due_on, amount, created_by, created_at) VALUES (?,?,?,?,?,?,?,?)",
                &["i1".into(), "СЧ-1".into(), "c1".into(), "2026-01-01".into(), "2026-01-11".into(), Value::Int(10_000_000), "x".into(), "t".into()])?;
            let pays: Vec<Payment> = (0..300)
                .map(|i| Payment {
                    id: format!("p{i:04}"), invoice_id: "i1".into(), company_id: "c1".into(), paid_on: "2026-01-05".into(),
                    amount: Money::from_kopecks(if i % 2 == 0 { 123_456 } else { -1 }), credit_note_id: None,
                    client_manager_id: Some("cm\\back".into()), created_by: "x".into(), created_at: "t".into(),
                })
                .collect();
            assert_eq!(tx.insert_records(&pays)?, 300);
            let sum = tx.query_one("SELECT CAST(SUM(amount) AS BIGINT), CAST(COUNT(*) AS BIGINT) FROM payments WHERE company_id = ?", &["c1".into()])?.unwrap();
            assert_eq!(sum.int(0), 150 * 123_456 - 150, "{label}");
            assert_eq!(sum.int(1), 300);
            let p: Payment = tx.must("p0001")?;
            assert_eq!(p.client_manager_id.as_deref(), Some("cm\\back"), "{label}: COPY escaping");
            assert_eq!(tx.delete_ids::<Payment>(&["p0000".into(), "p0001".into()])?, 2);
            let ev = AuditEvent {
                id: "e1".into(), at: "2026-01-01T00:00:00.000000Z".into(), actor_id: Some("x".into()), entity: "company".into(),
                entity_id: "c1".into(), action: "company.created".into(), before_json: None,
                after_json: Some(Json::from_value(&serde_json::json!({"b": [1, "два"], "a": 1}))),
                seq: None, prev_hash: None, hash: None,
            };
            tx.insert(&ev)?;
            assert_eq!(tx.must::<AuditEvent>("e1")?, ev);
            let text = tx.query_one("SELECT after_json FROM audit_events WHERE id = ?", &["e1".into()])?.unwrap().text(0);
            assert_eq!(text, "{\"a\":1,\"b\":[1,\"два\"]}", "{label}: canonical key order");
            Ok::<_, StoreError>(())
        })
        .unwrap();

        // The event was linked into the audit chain as its transaction committed; a
        // transaction that rolls back leaves neither its event nor a link.
        let linked = db.read(|tx| tx.must::<AuditEvent>("e1")).unwrap();
        assert_eq!(linked.seq, Some(1), "{label}");
        assert_eq!(
            linked.prev_hash.as_deref(),
            Some(baton_store::chain::GENESIS),
            "{label}"
        );
        let hash = linked.hash.clone().unwrap();
        assert_eq!(hash.len(), 64, "{label}");
        assert_eq!(
            db.read(baton_store::chain::head).unwrap(),
            (1, hash.clone()),
            "{label}"
        );
        let failed: Result<(), StoreError> = db.tx(|tx| {
            tx.insert(&AuditEvent {
                id: "e2".into(),
                seq: None,
                prev_hash: None,
                hash: None,
                ..linked.clone()
            })?;
            Err(StoreError::Decode("rolled back".into()))
        });
        assert!(failed.is_err());
        assert_eq!(
            db.read(baton_store::chain::head).unwrap(),
            (1, hash),
            "{label}"
        );
        assert!(
            db.read(|tx| tx.get::<AuditEvent>("e2")).unwrap().is_none(),
            "{label}"
        );

        // Migrations are idempotent.
        assert!(baton_store::migrate(db).unwrap().is_empty(), "{label}");
    }
}
