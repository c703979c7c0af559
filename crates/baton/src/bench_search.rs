//! `baton bench search`: the top bar's search (issue 16 §6: ≤ 50 ms) on the demo at a scale,
//! from SQLite, as the director (every record) and as a caller (their own), for each kind of
//! query a person types. Beside it, the same lookups as bare indexed queries (the floor).

use crate::bench::{bench_demo, count, median};
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

pub fn search(scale: u32, runs: u32) -> Result<()> {
    let dir = std::env::temp_dir().join(format!("baton-bench-search-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let url = format!("sqlite://{}", dir.join("demo.db").display());
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 27).context("date")?;
    let app = App::open(&url).map_err(crate::fail)?;
    let t = Instant::now();
    bench_demo(app.db.clone(), scale, 1, today)?;
    println!(
        "demo at scale {scale}: {} people, {} companies, {} contacts, {} invoices; generated in {:.1} s",
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
    let director = app.actor_by_login("director").map_err(crate::fail)?;
    let caller = app.actor_by_login("caller1.msk").map_err(crate::fail)?;
    println!(
        "query kind   query                      reader        hits  median ms  p95 ms  (runs {runs})"
    );
    for (kind, q) in &queries {
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
    drop(app);
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
