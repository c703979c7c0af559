//! `baton bench replay`: how long the replay of a draft plan on 12 months of the demo takes
//! (issue 6: ≤ 1 s), in process and as a cold `baton simulate replay` command.

use crate::bench::{bench_demo, median};
use anyhow::{Context, Result};
use baton_app::App;
use std::time::Instant;

fn rounded(v: &[f64]) -> Vec<f64> {
    v.iter().map(|x| (x * 10.0).round() / 10.0).collect()
}

/// The shipped caller plan with one rate changed (3 000 → 2 000 ₽ per converted lead).
fn draft() -> Result<String> {
    let (_, text) = baton_app::payroll::SHIPPED_PLANS
        .iter()
        .find(|(r, _)| *r == "caller")
        .context("the shipped caller plan")?;
    let changed = text.replace("rate = \"3000\"", "rate = \"2000\"");
    anyhow::ensure!(
        changed != *text,
        "the caller plan no longer has a 3 000 ₽ rate"
    );
    Ok(changed)
}

pub fn replay(scale: u32, runs: u32) -> Result<()> {
    let dir = std::env::temp_dir().join(format!("baton-bench-replay-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let file = dir.join("demo.db");
    let url = format!("sqlite://{}", file.display());
    // The demo as `baton demo --today 2026-11-27` makes it: December 2025 … November 2026,
    // September and earlier approved, October calculated, November open.
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 27).context("date")?;
    let app = App::open(&url).map_err(crate::fail)?;
    let t = Instant::now();
    let s = bench_demo(app.db.clone(), scale, 1, today)?;
    println!(
        "demo at scale {scale}: {} to {}, {} calls, {} payments, generated in {:.1} s",
        s.from,
        s.to,
        s.calls,
        s.payments,
        t.elapsed().as_secs_f64()
    );
    let text = draft()?;
    let (from, to) = ("2025-12", "2026-11");

    // (a) In process: App::replay, the database already open.
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..runs.max(1) {
        let t = Instant::now();
        let r = app.replay(None, &text, from, to).map_err(crate::fail)?;
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        last = Some(r);
    }
    let r = last.context("no run")?;
    let statements: usize = r.months.iter().map(|m| m.people.len()).sum();
    println!(
        "replay {from} … {to} ({} months, {} people, {statements} statements × 2; {} would lose, difference {}): in process median {:.1} ms over {} runs {:?}",
        r.months.len(),
        r.people.len(),
        r.totals.losers,
        r.totals.difference,
        median(times.clone()),
        times.len(),
        rounded(&times)
    );

    // (b) A cold process: `baton simulate replay --format json`, opening the database.
    let plan = dir.join("draft.toml");
    std::fs::write(&plan, &text)?;
    let exe = std::env::current_exe()?;
    let mut cold = Vec::new();
    for _ in 0..runs.max(1) {
        let t = Instant::now();
        let out = std::process::Command::new(&exe)
            .args([
                "simulate", "replay", "--format", "json", "--from", from, "--to", to,
            ])
            .arg("--plan")
            .arg(&plan)
            .args(["--db", &url])
            .stdout(std::process::Stdio::null())
            .status()?;
        anyhow::ensure!(out.success(), "baton simulate replay failed");
        cold.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    println!(
        "replay {from} … {to}: cold process (baton simulate replay) median {:.1} ms over {} runs {:?}",
        median(cold.clone()),
        cold.len(),
        rounded(&cold)
    );
    drop(app);
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
