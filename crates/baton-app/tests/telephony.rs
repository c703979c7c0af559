//! Call logs from the PBX (issue 17 §4): the files of tests/data/telephony (README there)
//! are logged as calls, matched to companies by the last 10 digits of the client's number and
//! to employees by extension, each call once; numbers nobody has are listed for a person. The
//! expected calls are read off the files by hand. On SQLite and PostgreSQL alike.

mod common;

use baton_app::conveyor::companies::{NewCompany, NewContact};
use baton_app::telephony::CallImport;
use baton_app::telephony::cdr::Provider;
use baton_store::Filter;
use baton_store::records::Activity;
use baton_store::scratch::ScratchDb;
use common::World;
use std::collections::BTreeMap;

fn sample(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/../../tests/data/telephony/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

struct Setup {
    w: World,
    romashka: String,
    lutik: String,
    users: BTreeMap<String, String>,
}

/// Ромашка (reception +7 495 111-22-33, Котова +7 916 100-00-01), Лютик (Сидоров
/// +7 916 100-00-02); callers c1 (extension 101, UIS employee 7) and c2 (102, UIS 8).
fn setup(scratch: ScratchDb) -> Setup {
    let w = World::on(scratch, "2026-03-20T09:00:00Z", 9);
    w.person("c1", "caller");
    w.person("c2", "caller");
    let company = |inn: &str, name: &str| {
        w.app
            .create_company(
                &w.admin,
                NewCompany {
                    inn: inn.into(),
                    name: name.into(),
                    region_id: Some(w.region.clone()),
                    ..Default::default()
                },
            )
            .expect("company")
            .company
            .id
    };
    let romashka = company("7707083893", "Ромашка");
    let lutik = company("7736207543", "Лютик");
    for (co, name, phone) in [
        (&romashka, "Приёмная", "+7 (495) 111-22-33"),
        (&romashka, "Ирина Котова", "8 916 100-00-01"),
        (&lutik, "Пётр Сидоров", "+79161000002"),
    ] {
        w.app
            .add_contact(
                &w.admin,
                co,
                NewContact {
                    name: name.into(),
                    phone: Some(phone.into()),
                    ..Default::default()
                },
            )
            .expect("contact");
    }
    let users = [("101", "c1"), ("102", "c2"), ("7", "c1"), ("8", "c2")]
        .into_iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    Setup {
        w,
        romashka,
        lutik,
        users,
    }
}

/// (company, caller login, outcome, seconds, when) of every call logged, in time order.
fn calls(s: &Setup) -> Vec<(String, String, String, i64, String)> {
    let mut v: Vec<Activity> =
        s.w.app
            .db
            .read(|tx| tx.list::<Activity>(&Filter::new().eq("kind", "call")))
            .expect("calls");
    v.sort_by(|a, b| (&a.occurred_at, a.duration_sec).cmp(&(&b.occurred_at, b.duration_sec)));
    v.into_iter()
        .map(|a| {
            let who = s.w.app.employee(&a.actor_id).expect("who").login;
            let co = if a.company_id == s.romashka {
                "Ромашка"
            } else if a.company_id == s.lutik {
                "Лютик"
            } else {
                "?"
            };
            (
                co.to_string(),
                who,
                a.outcome.unwrap_or_default(),
                a.duration_sec,
                a.occurred_at[..19].to_string(),
            )
        })
        .collect()
}

fn row(
    co: &str,
    who: &str,
    outcome: &str,
    sec: i64,
    at: &str,
) -> (String, String, String, i64, String) {
    (co.into(), who.into(), outcome.into(), sec, at.into())
}

/// Imports a call log as the admin with the extensions of `setup`.
fn log(
    s: &Setup,
    provider: Provider,
    name: &str,
    bytes: &[u8],
    dry_run: bool,
    skip_problems: bool,
) -> baton_app::telephony::CallsReport {
    let opts = CallImport {
        provider,
        users: s.users.clone(),
        dry_run,
        skip_problems,
    };
    s.w.app
        .import_calls(&s.w.admin, name, bytes, &opts)
        .expect("import_calls")
}

#[test]
fn a_mango_log_is_matched_by_number_and_extension_once() {
    for scratch in ScratchDb::all() {
        let label = format!("{:?}", scratch.db.dialect());
        let s = setup(scratch);
        let file = sample("mango_stats.csv");
        let dry = log(&s, Provider::Mango, "mango_stats.csv", &file, true, false);
        assert_eq!(
            (dry.read, dry.logged, dry.written),
            (5, 3, false),
            "{label}"
        );
        assert!(calls(&s).is_empty(), "{label}: a dry run wrote");

        let r = log(&s, Provider::Mango, "mango_stats.csv", &file, false, false);
        assert!(r.problems.is_empty(), "{label}: {:?}", r.problems);
        assert!(r.written);
        // MGO-1 out 101 → reception, talked 200 − 20 = 180 s; MGO-2 out 101 → Котова, not
        // answered; MGO-3 in to 102 from Сидоров, 1000 − 910 = 90 s. MGO-4's number is
        // nobody's; MGO-5's extension 109 is nobody's.
        assert_eq!((r.logged, r.answered, r.talk_sec), (3, 2, 270), "{label}");
        assert_eq!(r.unmatched.len(), 1);
        assert_eq!(
            (r.unmatched[0].phone.as_str(), r.unmatched[0].calls),
            ("+7 999 000-00-00", 1)
        );
        assert_eq!(r.unknown_employees.get("109"), Some(&1));
        assert_eq!(
            calls(&s),
            [
                row("Ромашка", "c1", "connected", 180, "2026-03-10T07:00:00"),
                row("Ромашка", "c1", "no_answer", 0, "2026-03-10T07:10:00"),
                row("Лютик", "c2", "connected", 90, "2026-03-10T07:15:00"),
            ],
            "{label}"
        );
        // Again: every call is known by its entry_id.
        let again = log(&s, Provider::Mango, "mango_stats.csv", &file, false, false);
        assert_eq!((again.logged, again.existing), (0, 3), "{label}");
        assert_eq!(calls(&s).len(), 3);
    }
}

#[test]
fn zadarma_json_and_uis_csv() {
    for scratch in ScratchDb::all() {
        let label = format!("{:?}", scratch.db.dialect());
        let s = setup(scratch);
        let r = log(
            &s,
            Provider::Zadarma,
            "zadarma_pbx.json",
            &sample("zadarma_pbx.json"),
            false,
            false,
        );
        assert!(r.problems.is_empty(), "{label}: {:?}", r.problems);
        assert_eq!((r.logged, r.answered, r.talk_sec), (2, 1, 180), "{label}");
        let r = log(
            &s,
            Provider::Uis,
            "uis_calls_report.csv",
            &sample("uis_calls_report.csv"),
            false,
            false,
        );
        assert!(r.problems.is_empty(), "{label}: {:?}", r.problems);
        assert_eq!((r.logged, r.answered, r.talk_sec), (2, 1, 150), "{label}");
        // Local times of the PBX account are Moscow's: 10:00 MSK is 07:00 UTC.
        assert_eq!(
            calls(&s),
            [
                row("Ромашка", "c1", "connected", 150, "2026-03-10T07:00:00"),
                row("Ромашка", "c1", "connected", 180, "2026-03-10T07:00:00"),
                row("Лютик", "c2", "no_answer", 0, "2026-03-10T07:10:00"),
                row("Лютик", "c2", "no_answer", 0, "2026-03-10T08:00:00"),
            ],
            "{label}"
        );
    }
}

#[test]
fn a_bad_record_stops_the_log_with_its_line() {
    let s = setup(ScratchDb::sqlite().expect("sqlite"));
    let file = b"entry_id;start;finish;answer;from_extension;to_number\nOK1;1773126000;1773126100;1773126010;101;+74951112233\nX1;yesterday;;;101;+74951112233\n";
    let r = log(&s, Provider::Mango, "m.csv", file, false, false);
    assert!(!r.written);
    assert_eq!(r.problems.len(), 1);
    assert_eq!(
        (r.problems[0].line, r.problems[0].column.as_str()),
        (3, "start")
    );
    assert!(calls(&s).is_empty());
    let r = log(&s, Provider::Mango, "m.csv", file, false, true);
    assert!(r.written);
    assert_eq!(calls(&s).len(), 1);
}
