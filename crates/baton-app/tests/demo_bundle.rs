//! The demo and the CSV bundle: the planted facts are there, export → import into an empty
//! database → export gives identical files (SQLite and PostgreSQL), and a bad bundle writes
//! nothing while the dry run lists every bad row.

use baton_app::clock::{RandomIds, SystemClock};
use baton_app::demo::{DemoOptions, generate};
use baton_app::{App, AppError, PasswordCost};
use baton_store::scratch::ScratchDb;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

fn app(db: &ScratchDb) -> App {
    App::with(db.db.clone(), Arc::new(SystemClock), Arc::new(RandomIds))
}

fn read_dir(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .expect("dir")
        .map(|e| e.expect("entry").path())
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().to_string(),
                std::fs::read(&p).expect("file"),
            )
        })
        .collect()
}

fn tmp(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("baton-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn int(db: &ScratchDb, sql: &str) -> i64 {
    db.db
        .tx(|tx| Ok::<_, baton_store::StoreError>(tx.query_one(sql, &[])?.map_or(0, |r| r.int(0))))
        .expect("query")
}

#[test]
fn demo_story_and_bundle_round_trip() {
    let src = ScratchDb::sqlite().expect("sqlite");
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
    let summary = generate(
        src.db.clone(),
        DemoOptions {
            seed: 7,
            scale: 1,
            today,
            password_cost: PasswordCost::Fast,
            intensity: 1,
        },
    )
    .expect("demo");
    assert_eq!(summary.from.to_string(), "2025-12-01");
    assert_eq!(summary.split_on.to_string(), "2026-06-01");

    // After the split every region has 2 callers, 2 sales managers and 2 client managers.
    for (role, n) in [
        ("caller", 6),
        ("sales_manager", 6),
        ("client_manager", 6),
        ("universal_manager", 12),
        ("head", 3),
        ("director", 1),
        ("accountant", 1),
    ] {
        let got = int(
            &src,
            &format!(
                "SELECT CAST(COUNT(DISTINCT employee_id) AS BIGINT) FROM role_assignments WHERE role = '{role}'"
            ),
        );
        assert_eq!(got, n, "{role}");
    }
    let open_um = int(
        &src,
        "SELECT CAST(COUNT(*) AS BIGINT) FROM role_assignments WHERE role = 'universal_manager' AND valid_to IS NULL",
    );
    assert_eq!(open_um, 0, "no universal manager is left after the split");

    // ~70 calls per caller per working day after the split.
    let per_day = int(
        &src,
        "SELECT CAST(COUNT(*) AS BIGINT) / COUNT(DISTINCT a.actor_id || a.local_date) FROM activities a JOIN role_assignments r ON r.employee_id = a.actor_id AND r.role = 'caller' WHERE a.kind = 'call'",
    );
    assert!(
        (62..=78).contains(&per_day),
        "calls per caller-day: {per_day}"
    );

    // Accepted leads per caller per month: 12–15 on average (full months after the split).
    let accepted = int(
        &src,
        "SELECT CAST(COUNT(*) AS BIGINT) FROM handoffs WHERE kind = 'lead' AND status = 'accepted' AND created_at >= '2026-06-01' AND created_at < '2026-11-01'",
    );
    let per_caller_month = accepted as f64 / 6.0 / 5.0;
    assert!(
        (11.5..=15.5).contains(&per_caller_month),
        "accepted leads per caller-month: {per_caller_month}"
    );

    // Rejections with reasons, refunds and overdue invoices exist.
    assert!(
        int(
            &src,
            "SELECT CAST(COUNT(*) AS BIGINT) FROM handoffs WHERE status = 'rejected' AND reason IS NOT NULL"
        ) > 20
    );
    assert!(
        int(
            &src,
            "SELECT CAST(COUNT(*) AS BIGINT) FROM payments WHERE amount < 0 AND credit_note_id IS NOT NULL"
        ) > 0
    );
    assert!(
        int(
            &src,
            "SELECT CAST(COUNT(*) AS BIGINT) FROM invoices i WHERE due_on < '2026-11-27' AND amount > (SELECT COALESCE(SUM(p.amount),0) FROM payments p WHERE p.invoice_id = i.id) + (SELECT COALESCE(SUM(n.amount),0) FROM credit_notes n WHERE n.invoice_id = i.id)"
        ) > 5
    );

    // Planted: the weak caller converts accepted leads at about a third of the others' rate.
    let conv = |cond: &str| -> f64 {
        let acc = int(
            &src,
            &format!(
                "SELECT CAST(COUNT(*) AS BIGINT) FROM leads l JOIN employees e ON e.id = l.caller_id WHERE {cond} AND l.id IN (SELECT lead_id FROM handoffs WHERE status = 'accepted')"
            ),
        );
        let won = int(
            &src,
            &format!(
                "SELECT CAST(COUNT(*) AS BIGINT) FROM leads l JOIN employees e ON e.id = l.caller_id WHERE {cond} AND l.stage = 'won'"
            ),
        );
        won as f64 / acc.max(1) as f64
    };
    let weak = conv(&format!("e.login = '{}'", summary.weak_caller));
    let others = conv(&format!("e.login <> '{}'", summary.weak_caller));
    assert!(
        weak < others / 2.0 && others > 0.15,
        "weak caller {weak:.2} vs others {others:.2}"
    );

    // Planted: one sales manager has won no new client in the last 3 months; the others have.
    let won_recent = |login: &str| {
        int(
            &src,
            &format!(
                "SELECT CAST(COUNT(*) AS BIGINT) FROM companies c JOIN employees e ON e.id = c.att_seller_id WHERE e.login = '{login}' AND c.att_won_on >= '2026-08-27'"
            ),
        )
    };
    assert_eq!(won_recent(&summary.idle_sales_manager), 0);
    let active = ["um3.msk", "um4.msk", "um4.spb", "um3.ekb", "um4.ekb"]
        .iter()
        .filter(|l| won_recent(l) > 0)
        .count();
    assert!(
        active >= 4,
        "the other sales managers keep winning ({active} of 5)"
    );

    // Attribution: every new client has a seller, and cold-call wins name their caller.
    assert_eq!(
        int(
            &src,
            "SELECT CAST(COUNT(*) AS BIGINT) FROM companies WHERE att_kind = 'new_client' AND att_seller_id IS NULL"
        ),
        0
    );
    assert!(
        int(
            &src,
            "SELECT CAST(COUNT(*) AS BIGINT) FROM companies WHERE att_caller_id IS NOT NULL"
        ) > 20
    );

    // The demo's year, written in batches, is one intact audit chain.
    let chain = app(&src).verify_audit(None).expect("verify");
    assert!(chain.ok, "{chain:?}");
    assert_eq!(
        chain.events as i64,
        int(&src, "SELECT CAST(COUNT(*) AS BIGINT) FROM audit_events")
    );

    // Export → import into an empty database → export: identical files, on both backends.
    let a = tmp("a");
    app(&src).export(None, &a).expect("export");
    let first = read_dir(&a);
    assert_eq!(first.len(), 29);
    for target in ScratchDb::all() {
        let label = format!("{:?}", target.db.dialect());
        let report = app(&target).import(None, &a, false).expect("import");
        assert_eq!(
            report.rows,
            // Records, not lines: a plan's text spans several lines inside one field.
            first
                .values()
                .map(|f| csv::Reader::from_reader(f.as_slice()).records().count() as u64)
                .sum::<u64>(),
            "{label}"
        );
        // The imported trail keeps its chain: the same verdict, the same head.
        assert_eq!(
            app(&target).verify_audit(None).expect("verify"),
            chain,
            "{label}"
        );
        // Importing again is idempotent.
        app(&target).import(None, &a, false).expect("re-import");
        let b = tmp(&format!("b-{label}"));
        app(&target).export(None, &b).expect("export again");
        let second = read_dir(&b);
        for (name, bytes) in &first {
            assert!(
                second.get(name) == Some(bytes),
                "{label}: {name} differs after the round trip"
            );
        }
        let _ = std::fs::remove_dir_all(&b);
        // The same data gives the same statements on either database: October as calculated,
        // and every month computed live, to the byte.
        for period in ["2026-10", "2026-06", "2026-11"] {
            assert_eq!(
                app(&target).payroll_json(None, period).expect("payroll"),
                app(&src).payroll_json(None, period).expect("payroll"),
                "{label}: payroll {period}"
            );
        }
    }
    // The same seed on the same day gives the same company, byte for byte.
    let again = ScratchDb::sqlite().expect("sqlite");
    generate(
        again.db.clone(),
        DemoOptions {
            seed: 7,
            scale: 1,
            today,
            password_cost: PasswordCost::Fast,
            intensity: 1,
        },
    )
    .expect("demo again");
    let c = tmp("c");
    app(&again).export(None, &c).expect("export");
    for (name, bytes) in &read_dir(&c) {
        assert!(
            first.get(name) == Some(bytes),
            "{name} differs between two runs with one seed"
        );
    }
    let _ = std::fs::remove_dir_all(&c);
    let _ = std::fs::remove_dir_all(&a);
}

#[test]
fn a_bad_bundle_writes_nothing_and_the_dry_run_names_every_bad_row() {
    let dir = tmp("bad");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("regions.csv"), "id,code,name\nr1,msk,Москва\n").unwrap();
    std::fs::write(
        dir.join("employees.csv"),
        "id,login,name,region_id,password_hash,open_lead_limit,active,created_at\nx,x,X,r1,h,,1,2026-01-01T00:00:00.000000Z\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("companies.csv"),
        "id,inn,kpp,name,name_norm,region_id,industry,source,status,claim_holder_id,claim_until,client_manager_id,att_caller_id,att_seller_id,att_won_on,att_kind,att_lead_id,first_paid_on,last_paid_on,version,created_at,created_by\n\
         c1,7707083893,,Ромашка,ромашка,r1,,import,prospect,,,,,,,,,,,0,2026-01-01T00:00:00.000000Z,x\n\
         c2,7707083894,,Лютик,лютик,r1,,import,prospect,,,,,,,,,,,0,2026-01-01T00:00:00.000000Z,x\n\
         c3,500100732259,,Мак,мак,r9,,import,prospect,,,,,,,,,,,zero,2026-01-01T00:00:00.000000Z,x\n",
    )
    .unwrap();
    std::fs::write(dir.join("contacts.csv"), "id,company_id,name,position,is_dm,phone,email,created_at\nk1,c1,Иван,,1,8 912 345-67-89,,2026-01-01T00:00:00.000000Z\nk2,c1,Пётр,,2,,,2026-01-01T00:00:00.000000Z\n").unwrap();
    for db in ScratchDb::all() {
        let label = format!("{:?}", db.db.dialect());
        let err = app(&db).import(None, &dir, true).unwrap_err();
        let AppError::Import(rows) = err else {
            panic!("{label}: expected an import report")
        };
        let got: Vec<(String, u64, String)> = rows
            .iter()
            .map(|p| (p.file.clone(), p.line, p.column.clone()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("companies.csv".to_string(), 3, "inn".to_string()),
                // A row's every problem: its region is unknown and its version no number.
                ("companies.csv".to_string(), 4, "region_id".to_string()),
                ("companies.csv".to_string(), 4, "version".to_string()),
                ("contacts.csv".to_string(), 2, "phone".to_string()),
                ("contacts.csv".to_string(), 3, "is_dm".to_string()),
            ],
            "{label}: {rows:#?}"
        );
        assert!(rows[0].reason.contains("check digit"), "{}", rows[0].reason);
        assert!(
            rows[3].reason.contains("+79123456789"),
            "{}",
            rows[3].reason
        );
        // Without --dry-run the same bundle writes nothing at all.
        assert!(app(&db).import(None, &dir, false).is_err());
        let n = db
            .db
            .tx(|tx| tx.count::<baton_store::records::Region>(&baton_store::Filter::new()))
            .unwrap();
        assert_eq!(n, 0, "{label}: nothing half-written");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
