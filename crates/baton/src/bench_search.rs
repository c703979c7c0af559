//! `baton bench search`: the top bar's search (issue 16 §6: ≤ 50 ms) on the demo at a scale,
//! from SQLite and (with `--pg`) PostgreSQL, as the director (every record) and as a caller
//! (their own), for each kind of query a person types.
//!
//! `--people N` grows the searchable records to what a department of N people holds: the
//! demo's companies (with their contacts and invoices) are copied under new ids, ИНН, phones
//! and invoice numbers until there are as many per person as the demo has, times N. The
//! copies keep their names (the demo's names repeat, as real ones do) and belong to no one, so
//! a caller's own records stay what they were. (Generating 1 000 people through the use cases
//! takes over an hour, issue 19; the search reads only these tables.)

use crate::bench::{count, median};
use anyhow::{Context, Result};
use baton_app::App;
use std::time::Instant;

fn text(app: &App, sql: &str) -> Result<String> {
    app.db
        .read(|tx| {
            Ok::<_, baton_app::AppError>(
                tx.query_one(sql, &[])?
                    .map(|r| r.text(0))
                    .unwrap_or_default(),
            )
        })
        .map_err(crate::fail)
}

fn p95(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v.get(((v.len() as f64) * 0.95).ceil() as usize - 1)
        .copied()
        .unwrap_or(0.0)
}

/// Copies the demo's companies, contacts and invoices until the records match `people`.
fn grow(app: &App, people: u32) -> Result<()> {
    let staff = count(app, "SELECT COUNT(*) FROM employees")?.max(1);
    let copies = (i64::from(people) + staff - 1) / staff - 1;
    let owner = text(app, "SELECT id FROM employees WHERE login = 'director'")?;
    let t = Instant::now();
    for k in 1..=copies {
        let k = k.to_string();
        app.db
            .tx(|tx| {
                tx.exec(
                    "INSERT INTO companies (id, inn, kpp, name, name_norm, region_id, industry, source, status, \
                     version, created_at, created_by) \
                     SELECT id || '~' || ?, substr(inn, 1, 2) || ? || substr(inn, 3), kpp, name, name_norm, region_id, \
                     industry, source, 'prospect', 1, created_at, ? FROM companies WHERE id NOT LIKE '%~%'",
                    &[k.clone().into(), k.clone().into(), owner.clone().into()],
                )?;
                tx.exec(
                    "INSERT INTO contacts (id, company_id, name, position, is_dm, phone, email, created_at) \
                     SELECT id || '~' || ?, company_id || '~' || ?, name, position, is_dm, \
                     CASE WHEN phone IS NULL THEN NULL ELSE '+7' || ? || substr(phone, 4) END, email, created_at \
                     FROM contacts WHERE id NOT LIKE '%~%'",
                    &[k.clone().into(), k.clone().into(), k.clone().into()],
                )?;
                tx.exec(
                    "INSERT INTO invoices (id, number, company_id, contract_id, order_id, issued_on, due_on, amount, \
                     created_by, created_at) \
                     SELECT id || '~' || ?, number || '/' || ?, company_id || '~' || ?, NULL, NULL, issued_on, due_on, \
                     amount, created_by, created_at FROM invoices WHERE id NOT LIKE '%~%'",
                    &[k.clone().into(), k.clone().into(), k.clone().into()],
                )?;
                Ok::<_, baton_app::AppError>(())
            })
            .map_err(crate::fail)?;
    }
    println!(
        "grown to {people} people's records ({copies} copies) in {:.1} s: {} companies, {} contacts, {} invoices",
        t.elapsed().as_secs_f64(),
        count(app, "SELECT COUNT(*) FROM companies")?,
        count(app, "SELECT COUNT(*) FROM contacts")?,
        count(app, "SELECT COUNT(*) FROM invoices")?,
    );
    Ok(())
}

/// Copies every bundle table from `from` into the freshly migrated `to` (PostgreSQL).
fn copy_all(from: &App, to: &App) -> Result<()> {
    let t = Instant::now();
    let mut rows_in_all = 0;
    for table in baton_store::records::BUNDLE_TABLES {
        let columns: Vec<String> = from
            .db
            .read(|tx| {
                Ok::<_, baton_app::AppError>(
                    tx.query(
                        &format!("SELECT name FROM pragma_table_info('{table}')"),
                        &[],
                    )?
                    .iter()
                    .map(|r| r.text(0))
                    .collect(),
                )
            })
            .map_err(crate::fail)?;
        let rows: Vec<Vec<baton_store::Value>> = from
            .db
            .read(|tx| {
                Ok::<_, baton_app::AppError>(
                    tx.query(&format!("SELECT {} FROM {table}", columns.join(", ")), &[])?
                        .into_iter()
                        .map(|r| r.0)
                        .collect(),
                )
            })
            .map_err(crate::fail)?;
        rows_in_all += rows.len();
        let cols: Vec<&str> = columns.iter().map(String::as_str).collect();
        to.db
            .tx(|tx| tx.load(table, &cols, &rows).map(|_| ()))
            .map_err(crate::fail)?;
    }
    to.db
        .tx(|tx| tx.exec("ANALYZE", &[]).map(|_| ()))
        .map_err(crate::fail)?;
    println!(
        "copied {rows_in_all} rows into PostgreSQL in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    Ok(())
}

pub fn search(scale: u32, people: Option<u32>, runs: u32, pg: Option<String>) -> Result<()> {
    let dir = std::env::temp_dir().join(format!("baton-bench-search-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 27).context("date")?;
    // The generated demo is kept between runs (scale 10 takes minutes); each run works on a copy.
    let t = Instant::now();
    let kept =
        crate::bench::department(std::path::Path::new("target/bench-search"), scale, 1, today)?;
    let work = dir.join("demo.db");
    std::fs::copy(kept.trim_start_matches("sqlite://"), &work)?;
    let app = App::open(&format!("sqlite://{}", work.display())).map_err(crate::fail)?;
    println!(
        "demo at scale {scale}: {} people, {} companies, {} contacts, {} invoices; ready in {:.1} s",
        count(&app, "SELECT COUNT(*) FROM employees")?,
        count(&app, "SELECT COUNT(*) FROM companies")?,
        count(&app, "SELECT COUNT(*) FROM contacts")?,
        count(&app, "SELECT COUNT(*) FROM invoices")?,
        t.elapsed().as_secs_f64()
    );
    // One record of each kind, typed as a person would.
    let phone = text(
        &app,
        "SELECT phone FROM contacts WHERE phone IS NOT NULL ORDER BY id LIMIT 1",
    )?;
    let digits = phone.trim_start_matches("+7").to_string();
    let typed_phone = format!(
        "8 ({}) {}-{}-{}",
        &digits[..3],
        &digits[3..6],
        &digits[6..8],
        &digits[8..10]
    );
    let inn = text(&app, "SELECT inn FROM companies ORDER BY id LIMIT 1")?;
    let name = text(&app, "SELECT name FROM companies ORDER BY id LIMIT 1")?;
    let fragment: String = name
        .split_whitespace()
        .find(|w| w.chars().count() >= 5)
        .unwrap_or(&name)
        .chars()
        .filter(|c| c.is_alphanumeric())
        .take(6)
        .collect();
    let contact = text(&app, "SELECT name FROM contacts ORDER BY id LIMIT 1")?;
    let surname = contact
        .split_whitespace()
        .last()
        .unwrap_or(&contact)
        .to_lowercase();
    let invoice = text(&app, "SELECT number FROM invoices ORDER BY id LIMIT 1")?;
    let queries = [
        ("phone", typed_phone),
        ("ИНН", inn),
        ("name", fragment),
        ("surname", surname),
        ("invoice", invoice),
    ];
    if let Some(people) = people {
        grow(&app, people)?;
    }
    app.db
        .tx(|tx| tx.exec("ANALYZE", &[]).map(|_| ()))
        .map_err(crate::fail)?;
    let pg_db = match &pg {
        Some(url) => {
            let scratch = baton_store::scratch::ScratchDb::postgres_at(url).map_err(crate::fail)?;
            let to = App::with(
                scratch.db.clone(),
                std::sync::Arc::new(baton_app::clock::SystemClock),
                std::sync::Arc::new(baton_app::clock::RandomIds),
            );
            copy_all(&app, &to)?;
            Some((scratch, to))
        }
        None => None,
    };
    let mut targets = vec![("sqlite", &app)];
    if let Some((_, to)) = &pg_db {
        targets.push(("postgres", to));
    }
    for (db_name, app) in targets {
        measure(db_name, app, &queries, runs)?;
    }
    drop(pg_db);
    drop(app);
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

fn measure(db_name: &str, app: &App, queries: &[(&str, String)], runs: u32) -> Result<()> {
    let director = app.actor_by_login("director").map_err(crate::fail)?;
    let caller = app.actor_by_login("caller1.msk").map_err(crate::fail)?;
    println!(
        "{db_name}: query kind   query                      reader        hits  median ms  p95 ms  (runs {runs})"
    );
    for (kind, q) in queries {
        for (who, actor) in [("director", &director), ("caller1.msk", &caller)] {
            let mut times = Vec::new();
            let mut hits = 0;
            for _ in 0..runs.max(1) {
                let t = Instant::now();
                let r = app.search(actor, q).map_err(crate::fail)?;
                times.push(t.elapsed().as_secs_f64() * 1000.0);
                hits = r.companies.len()
                    + r.contacts.len()
                    + r.leads.len()
                    + r.invoices.len()
                    + r.people.len();
            }
            println!(
                "{kind:<12} {q:<26} {who:<12} {hits:>5}  {:>9.2}  {:>6.2}",
                median(times.clone()),
                p95(times)
            );
        }
    }
    Ok(())
}
