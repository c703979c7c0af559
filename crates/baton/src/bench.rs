//! `baton bench import`: bundle import speed, SQLite and PostgreSQL side by side in one run.

use anyhow::{Context, Result};
use baton_app::demo::{DemoOptions, generate};
use baton_app::{App, PasswordCost};
use baton_store::scratch::ScratchDb;
use std::time::Instant;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    if n == 0 {
        0.0
    } else if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

pub fn import(scale: u32, runs: u32, pg: Option<String>) -> Result<()> {
    let dir = std::env::temp_dir().join(format!("baton-bench-bundle-{}", std::process::id()));
    let src = ScratchDb::sqlite().map_err(anyhow::Error::msg)?;
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 27).context("date")?;
    let t = Instant::now();
    let summary = generate(
        src.db.clone(),
        DemoOptions {
            seed: 42,
            scale,
            today,
            password_cost: PasswordCost::Fast,
        },
    )
    .map_err(anyhow::Error::msg)?;
    println!(
        "demo at scale {scale}: {} calls, generated in {:.1} s",
        summary.calls,
        t.elapsed().as_secs_f64()
    );
    let app = App::with(
        src.db.clone(),
        std::sync::Arc::new(baton_app::clock::SystemClock),
        std::sync::Arc::new(baton_app::clock::RandomIds),
    );
    let files = app.export(None, &dir).map_err(anyhow::Error::msg)?;
    let rows: u64 = files.iter().map(|f| f.1).sum();
    println!("bundle: {rows} rows in {} files", files.len());
    type MakeDb = Box<dyn Fn() -> Result<ScratchDb>>;
    let mut targets: Vec<(&str, MakeDb)> = vec![(
        "sqlite",
        Box::new(|| ScratchDb::sqlite().map_err(anyhow::Error::msg)),
    )];
    if let Some(url) = pg.clone() {
        targets.push((
            "postgres",
            Box::new(move || ScratchDb::postgres_at(&url).map_err(anyhow::Error::msg)),
        ));
    }
    let mut medians = Vec::new();
    for (name, make) in &targets {
        let mut rates = Vec::new();
        for run in 1..=runs {
            let db = make()?;
            let app = App::with(
                db.db.clone(),
                std::sync::Arc::new(baton_app::clock::SystemClock),
                std::sync::Arc::new(baton_app::clock::RandomIds),
            );
            let t = Instant::now();
            let r = app.import(None, &dir, false).map_err(anyhow::Error::msg)?;
            let secs = t.elapsed().as_secs_f64();
            let rate = r.rows as f64 / secs;
            println!(
                "  {name} run {run}: {} rows in {secs:.2} s = {rate:.0} rows/s",
                r.rows
            );
            rates.push(rate);
        }
        let m = median(rates);
        println!("{name}: median {m:.0} rows/s over {runs} runs");
        medians.push((name.to_string(), m));
    }
    if medians.len() == 2 {
        println!("ratio sqlite/postgres: {:.2}", medians[0].1 / medians[1].1);
    }
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
