//! `baton import` refuses a bad bundle with exit status 2, prints every problem with the file's
//! own line (header = 1), and leaves the database empty; `--dry-run` prints the same list.

use std::path::{Path, PathBuf};
use std::process::Command;

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("baton-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("dir");
    d
}

const STAMP: &str = "2026-01-01T00:00:00.000000Z";

fn write_bundle(dir: &Path, bad: bool) {
    let regions = if bad {
        "id,code,name\nr1,msk,Москва\nr2,msk,Питер\n"
    } else {
        "id,code,name\nr1,msk,Москва\nr2,spb,Питер\n"
    };
    std::fs::write(dir.join("regions.csv"), regions).expect("regions");
    let second = if bad {
        "e2,anna,Борис,r9,x,,1,garbage".to_string()
    } else {
        format!("e2,boris,Борис,r2,x,,1,{STAMP}")
    };
    std::fs::write(
        dir.join("employees.csv"),
        format!(
            "id,login,name,region_id,password_hash,open_lead_limit,active,created_at\n\
             e1,anna,Анна,r1,x,,1,{STAMP}\n{second}\n"
        ),
    )
    .expect("employees");
    let role = if bad {
        "ra1,e1,vip,r1,2026-13-01,"
    } else {
        "ra1,e1,head,r1,2026-01-01,"
    };
    std::fs::write(
        dir.join("role_assignments.csv"),
        format!("id,employee_id,role,region_id,valid_from,valid_to\n{role}\n"),
    )
    .expect("roles");
}

fn run(dir: &Path, db: &str, dry_run: bool) -> (i32, String) {
    run_in(dir, db, dry_run, "en")
}

fn run_in(dir: &Path, db: &str, dry_run: bool, lang: &str) -> (i32, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_baton"));
    cmd.arg("import")
        .arg(dir)
        .arg("--db")
        .arg(db)
        .arg("--lang")
        .arg(lang);
    if dry_run {
        cmd.arg("--dry-run");
    }
    let out = cmd.env_remove("BATON_AS").output().expect("baton runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

fn count(db: &str, table: &str) -> i64 {
    let db = baton_store::Db::open(db).expect("open");
    db.tx(|tx| {
        Ok::<_, baton_store::StoreError>(
            tx.query_one(
                &format!("SELECT CAST(COUNT(*) AS BIGINT) FROM {table}"),
                &[],
            )?
            .map_or(0, |r| r.int(0)),
        )
    })
    .expect("count")
}

#[test]
fn a_bad_bundle_exits_2_lists_every_problem_and_writes_nothing() {
    let dir = tmp("bundle");
    let db = format!("sqlite://{}", dir.join("baton.db").display());
    let bundle = dir.join("bad");
    std::fs::create_dir_all(&bundle).expect("dir");
    write_bundle(&bundle, true);
    let want = [
        "employees.csv:3 column «created_at»: «garbage» is not an instant",
        "employees.csv:3 column «login»: login «anna» is already on line 2",
        "employees.csv:3 column «region_id»: «r9» is not in regions.csv nor in the database",
        "regions.csv:3 column «code»: region code «msk» is already on line 2",
        "role_assignments.csv:2 column «role»: «vip» is not one of caller, sales_manager",
        "role_assignments.csv:2 column «valid_from»: «2026-13-01» is not a date",
    ];
    for dry_run in [true, false] {
        let (code, stderr) = run(&bundle, &db, dry_run);
        assert_eq!(code, 2, "dry run {dry_run}: {stderr}");
        assert!(
            stderr.contains("The bundle has 6 problems; nothing was written"),
            "{stderr}"
        );
        let lines: Vec<&str> = stderr
            .lines()
            .filter(|l| l.starts_with("  "))
            .map(str::trim)
            .collect();
        assert_eq!(lines.len(), want.len(), "{stderr}");
        for (l, w) in lines.iter().zip(want) {
            assert!(l.starts_with(w), "«{l}» should start with «{w}»");
        }
        for t in ["regions", "employees", "role_assignments"] {
            assert_eq!(count(&db, t), 0, "{t}: nothing written");
        }
    }
    // The same problems in Russian, the CLI's language unless --lang says otherwise.
    let (code, stderr) = run_in(&bundle, &db, true, "ru");
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("В наборе 6 ошибок; ничего не записано:"),
        "{stderr}"
    );
    assert!(
        stderr.contains("  employees.csv:3, колонка «created_at»: "),
        "{stderr}"
    );
    // Corrected, the same bundle imports into the empty database without naming anyone.
    let good = dir.join("good");
    std::fs::create_dir_all(&good).expect("dir");
    write_bundle(&good, false);
    let (code, stderr) = run(&good, &db, false);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(count(&db, "employees"), 2);
    let _ = std::fs::remove_dir_all(&dir);
}
