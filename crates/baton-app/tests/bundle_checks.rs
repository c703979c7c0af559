//! The import checks every value with the API's parsers and lists every problem of every row
//! with the file's own line (header = 1): corrupt copies of a valid bundle are refused whole,
//! on SQLite and PostgreSQL, and the database is left as it was.

mod common;

use baton_app::AppError;
use baton_store::records::BUNDLE_TABLES;
use baton_store::scratch::ScratchDb;
use common::{World, october};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "baton-checks-{name}-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
    ));
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .expect("dir")
        .map(|e| e.expect("entry").path())
        .map(|p| {
            (
                p.file_name().expect("name").to_string_lossy().to_string(),
                std::fs::read(&p).expect("file"),
            )
        })
        .collect()
}

fn counts(w: &World) -> Vec<(String, i64)> {
    BUNDLE_TABLES
        .iter()
        .map(|t| {
            let n = w
                .scratch
                .db
                .tx(|tx| {
                    Ok::<_, baton_store::StoreError>(
                        tx.query_one(&format!("SELECT CAST(COUNT(*) AS BIGINT) FROM {t}"), &[])?
                            .map_or(0, |r| r.int(0)),
                    )
                })
                .expect("count");
            (t.to_string(), n)
        })
        .collect()
}

/// A copy of `base` with `(file, line, column, value)` changed; `line` is the file's own line
/// (the header is line 1, the first row line 2; no field of these files spans lines).
fn corrupt(base: &Path, name: &str, edits: &[(&str, u64, &str, &str)]) -> PathBuf {
    let dir = tmp(name);
    std::fs::create_dir_all(&dir).expect("dir");
    for (f, bytes) in files(base) {
        std::fs::write(dir.join(&f), bytes).expect("copy");
    }
    for (file, line, column, value) in edits {
        let path = dir.join(file);
        let mut rd = csv::Reader::from_path(&path).expect("read");
        let header = rd.headers().expect("header").clone();
        let mut rows: Vec<Vec<String>> = rd
            .records()
            .map(|r| r.expect("row").iter().map(String::from).collect())
            .collect();
        let ci = header
            .iter()
            .position(|h| h == *column)
            .expect("column exists");
        let ri = usize::try_from(*line).expect("line") - 2;
        assert!(ri < rows.len(), "{file} has no line {line}");
        rows[ri][ci] = value.to_string();
        let mut wr = csv::Writer::from_path(&path).expect("write");
        wr.write_record(&header).expect("header");
        for r in rows {
            wr.write_record(&r).expect("row");
        }
        wr.flush().expect("flush");
    }
    dir
}

/// A column's value on a line of the base bundle.
fn cell(base: &Path, file: &str, line: u64, column: &str) -> String {
    let mut rd = csv::Reader::from_path(base.join(file)).expect("read");
    let ci = rd
        .headers()
        .expect("header")
        .iter()
        .position(|h| h == column)
        .expect("column");
    let row = rd
        .records()
        .nth(usize::try_from(line).expect("line") - 2)
        .expect("line exists")
        .expect("row");
    row[ci].to_string()
}

/// (file, line, column, the value written there).
type Edit = (&'static str, u64, &'static str, String);

/// (file, line, column, a stable part of the reason).
type Want = Vec<(&'static str, u64, &'static str, &'static str)>;

fn cases(base: &Path) -> Vec<(&'static str, Vec<Edit>, Want)> {
    let login2 = cell(base, "employees.csv", 2, "login");
    let from3 = cell(base, "role_assignments.csv", 3, "valid_from");
    let before3: chrono::NaiveDate = from3.parse().expect("valid_from");
    let before3 = (before3 - chrono::Duration::days(1)).to_string();
    let s = |v: &str| v.to_string();
    vec![
        (
            "created_at=garbage",
            vec![("companies.csv", 2, "created_at", s("garbage"))],
            vec![("companies.csv", 2, "created_at", "is not an instant")],
        ),
        (
            "valid_from=2026-13-01",
            vec![("role_assignments.csv", 2, "valid_from", s("2026-13-01"))],
            vec![("role_assignments.csv", 2, "valid_from", "is not a date")],
        ),
        (
            "valid_to before valid_from",
            vec![("role_assignments.csv", 3, "valid_to", before3)],
            vec![(
                "role_assignments.csv",
                3,
                "valid_to",
                "is not after valid_from",
            )],
        ),
        (
            "status=vip",
            vec![("companies.csv", 2, "status", s("vip"))],
            vec![(
                "companies.csv",
                2,
                "status",
                "not one of prospect, client, merged",
            )],
        ),
        (
            "dangling client_manager_id",
            vec![("companies.csv", 2, "client_manager_id", s("nobody"))],
            vec![(
                "companies.csv",
                2,
                "client_manager_id",
                "«nobody» is not in employees.csv nor in the database",
            )],
        ),
        (
            "duplicate login",
            vec![("employees.csv", 4, "login", login2)],
            vec![("employees.csv", 4, "login", "is already on line 2")],
        ),
        (
            "all-zero ИНН",
            vec![("companies.csv", 2, "inn", s("0000000000"))],
            vec![("companies.csv", 2, "inn", "wrong check digit")],
        ),
        (
            "NUL in a name",
            vec![("employees.csv", 3, "name", s("Иван\u{0}Петров"))],
            vec![("employees.csv", 3, "name", "control character (code 0)")],
        ),
        (
            "negative invoice amount",
            vec![("invoices.csv", 2, "amount", s("-100.00"))],
            vec![("invoices.csv", 2, "amount", "must be positive")],
        ),
        (
            "date 9999-12-31",
            vec![("invoices.csv", 3, "due_on", s("9999-12-31"))],
            vec![(
                "invoices.csv",
                3,
                "due_on",
                "business dates lie within 10 years",
            )],
        ),
        (
            "three problems in one row",
            vec![
                ("companies.csv", 2, "status", s("vip")),
                ("companies.csv", 2, "created_at", s("garbage")),
                ("companies.csv", 2, "client_manager_id", s("nobody")),
            ],
            // Sorted by file, line and column.
            vec![
                (
                    "companies.csv",
                    2,
                    "client_manager_id",
                    "is not in employees.csv",
                ),
                ("companies.csv", 2, "created_at", "is not an instant"),
                ("companies.csv", 2, "status", "not one of"),
            ],
        ),
    ]
}

fn refused_whole(scratch: ScratchDb) {
    let w = World::on(scratch, "2026-10-01T07:00:00Z", 3);
    october(&w);
    let label = format!("{:?}", w.scratch.db.dialect());
    let base = tmp("base");
    w.app.export(None, &base).expect("export");
    // The valid bundle imports cleanly, into its own database and into an empty one.
    w.app
        .import(None, &base, false)
        .expect("the valid bundle imports");
    let before = counts(&w);
    assert!(before.iter().any(|(_, n)| *n > 0));
    for (name, edits, want) in cases(&base) {
        let edits: Vec<(&str, u64, &str, &str)> = edits
            .iter()
            .map(|(f, l, c, v)| (*f, *l, *c, v.as_str()))
            .collect();
        let dir = corrupt(&base, "bad", &edits);
        for dry_run in [true, false] {
            let err = w.app.import(None, &dir, dry_run).expect_err(name);
            let AppError::Import(got) = err else {
                panic!("{label} {name}: expected an import report, got {err}")
            };
            let shape: Vec<(&str, u64, &str)> = got
                .iter()
                .map(|p| (p.file.as_str(), p.line, p.column.as_str()))
                .collect();
            let expected: Vec<(&str, u64, &str)> =
                want.iter().map(|(f, l, c, _)| (*f, *l, *c)).collect();
            assert_eq!(
                shape, expected,
                "{label} {name} (dry run {dry_run}): {got:#?}"
            );
            for (p, (_, _, _, part)) in got.iter().zip(&want) {
                assert!(
                    p.reason.contains(part),
                    "{label} {name}: «{}» lacks «{part}»",
                    p.reason
                );
            }
        }
        assert_eq!(counts(&w), before, "{label} {name}: nothing written");
        let after = tmp("after");
        w.app.export(None, &after).expect("export");
        assert_eq!(
            files(&after),
            files(&base),
            "{label} {name}: the database is as it was"
        );
        let _ = std::fs::remove_dir_all(&after);
        let _ = std::fs::remove_dir_all(&dir);
    }
    let _ = std::fs::remove_dir_all(&base);
}

#[test]
fn every_problem_is_listed_and_nothing_is_written_sqlite() {
    refused_whole(ScratchDb::sqlite().expect("sqlite"));
}

#[test]
fn every_problem_is_listed_and_nothing_is_written_postgres() {
    let Some(pg) = ScratchDb::postgres() else {
        eprintln!("BATON_TEST_PG_URL is not set: skipped");
        return;
    };
    refused_whole(pg.expect("PostgreSQL"));
}

/// Into an empty database a bundle with a problem in its last file leaves every table empty.
#[test]
fn a_late_problem_leaves_an_empty_database_empty() {
    let src = World::new("2026-10-01T07:00:00Z", 4);
    october(&src);
    let base = tmp("late");
    src.app.export(None, &base).expect("export");
    let dir = corrupt(&base, "late-bad", &[("invoices.csv", 2, "amount", "-1.00")]);
    let mut dbs = vec![ScratchDb::sqlite().expect("sqlite")];
    if let Some(pg) = ScratchDb::postgres() {
        dbs.push(pg.expect("PostgreSQL"));
    }
    for db in dbs {
        let app = baton_app::App::with(
            db.db.clone(),
            std::sync::Arc::new(baton_app::clock::SimClock::new(
                "2026-10-30T07:00:00Z".parse().expect("instant"),
            )),
            std::sync::Arc::new(baton_app::clock::RandomIds),
        );
        assert!(matches!(
            app.import(None, &dir, false),
            Err(AppError::Import(_))
        ));
        for t in BUNDLE_TABLES {
            let n = db
                .db
                .tx(|tx| {
                    Ok::<_, baton_store::StoreError>(
                        tx.query_one(&format!("SELECT CAST(COUNT(*) AS BIGINT) FROM {t}"), &[])?
                            .map_or(0, |r| r.int(0)),
                    )
                })
                .expect("count");
            assert_eq!(n, 0, "{t} is empty");
        }
        app.import(None, &base, false)
            .expect("the valid bundle imports into an empty database");
    }
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&base);
}
