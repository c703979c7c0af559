//! `baton bench reports`: the funnel, the caller × sales-manager matrix and the weak-link
//! diagnosis of one month at the 1 000-person scale, from SQLite, beside DuckDB computing the
//! same counts from the same data (bench/reports_baseline.py).

use crate::bench::{Generated, count, median, people_calls_leads};
use anyhow::{Context, Result};
use baton_analytics::diagnosis::{PairCounts, diagnose};
use baton_analytics::pairs::HandoffOutcome;
use baton_app::App;
use baton_app::insight::funnel::FunnelSlice;
use std::time::Instant;

/// Options of `baton bench reports`.
pub struct ReportsBench {
    pub d: Generated,
    pub period: String,
    /// Run bench/reports_baseline.py (DuckDB) on the same data.
    pub baseline: bool,
}

fn timed<T>(runs: u32, mut f: impl FnMut() -> Result<T>) -> Result<(Vec<f64>, T)> {
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..runs.max(1) {
        let t = Instant::now();
        last = Some(f()?);
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    Ok((times, last.context("no run")?))
}

fn show(what: &str, times: &[f64]) -> f64 {
    let m = median(times.to_vec());
    println!(
        "{what}: median {m:.1} ms over {} runs {:?}",
        times.len(),
        times
            .iter()
            .map(|x| (x * 10.0).round() / 10.0)
            .collect::<Vec<_>>()
    );
    m
}

pub fn reports(o: ReportsBench) -> Result<()> {
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 30).context("date")?;
    let url = o.d.url(today)?;
    let app = App::open(&url).map_err(crate::fail)?;
    let period = o.period.as_str();
    let count = |sql: &str| count(&app, sql);
    println!(
        "department: {}, {} handoffs",
        people_calls_leads(&app)?,
        count("SELECT CAST(COUNT(*) AS BIGINT) FROM handoffs")?,
    );
    // A database generated before the funnel's tallies existed gets them once.
    let built = count("SELECT CAST(COUNT(*) AS BIGINT) FROM journey_builds")? > 0;
    if !built {
        let t = Instant::now();
        app.rebuild_funnel().map_err(crate::fail)?;
        println!(
            "funnel tallies rebuilt from the records once, in {:.1} s ({} journeys, {} event rows)",
            t.elapsed().as_secs_f64(),
            count("SELECT CAST(COUNT(*) AS BIGINT) FROM journeys")?,
            count("SELECT CAST(COUNT(*) AS BIGINT) FROM funnel_events")?,
        );
    }

    let slice = FunnelSlice::default();
    let (t_funnel, funnel) = timed(o.d.runs, || {
        app.funnel(None, period, period, &slice)
            .map_err(crate::fail)
    })?;
    let funnel_ms = show(&format!("funnel {period}, both views, SQLite"), &t_funnel);
    let (t_matrix, matrix) = timed(o.d.runs, || {
        app.matrix(None, period, period, None).map_err(crate::fail)
    })?;
    let matrix_ms = show(
        &format!(
            "matrix {period} with the diagnosis and its words, SQLite ({} pairs)",
            matrix.matrix.pairs.len()
        ),
        &t_matrix,
    );
    // The same pair counts DuckDB computes (handed, accepted, rejected, converted), apart from
    // the collections' money and the model: the month's facts read from SQLite, then counted.
    let (t_counts, counted) = timed(o.d.runs, || {
        let facts = app
            .matrix_facts(None, period, period, None)
            .map_err(crate::fail)?;
        let mut by_pair: std::collections::BTreeMap<(String, String), [u64; 4]> =
            std::collections::BTreeMap::new();
        for f in &facts {
            let c = by_pair
                .entry((f.caller.clone(), f.sales_manager.clone()))
                .or_default();
            c[0] += 1;
            c[1] += u64::from(f.outcome == HandoffOutcome::Accepted);
            c[2] += u64::from(f.outcome == HandoffOutcome::Rejected);
            c[3] += u64::from(f.converted);
        }
        Ok(by_pair)
    })?;
    let counts_ms = show(
        &format!(
            "matrix pair counts alone (the facts from SQLite, counted; {} pairs)",
            counted.len()
        ),
        &t_counts,
    );
    let same = counted.len() == matrix.matrix.pairs.len()
        && matrix.matrix.pairs.iter().all(|p| {
            counted.get(&(p.caller.clone(), p.sales_manager.clone()))
                == Some(&[p.handed, p.accepted, p.rejected, p.converted])
        });
    anyhow::ensure!(same, "the pair counts alone differ from the matrix's");
    let pairs: Vec<PairCounts> = matrix
        .matrix
        .pairs
        .iter()
        .filter_map(|p| {
            let caller = matrix
                .matrix
                .caller_ids
                .iter()
                .position(|c| *c == p.caller)?;
            let seller = matrix
                .matrix
                .sales_manager_ids
                .iter()
                .position(|s| *s == p.sales_manager)?;
            Some(PairCounts {
                caller: caller as i64,
                sales_manager: seller as i64,
                accepted: u32::try_from(p.accepted).ok()?,
                converted: u32::try_from(p.converted).ok()?,
            })
        })
        .collect();
    let (t_diag, diagnosis) = timed(o.d.runs, || {
        diagnose(&pairs).map_err(|e| anyhow::anyhow!("{e}"))
    })?;
    let diag_ms = show(
        &format!(
            "diagnosis alone ({} callers × {} sales managers, {} people judged)",
            matrix.matrix.caller_ids.len(),
            matrix.matrix.sales_manager_ids.len(),
            diagnosis.people.len()
        ),
        &t_diag,
    );
    println!(
        "conclusion: {}",
        matrix.conclusion_en.lines().next().unwrap_or("")
    );

    // Baton's counts, for the baseline to check its own against.
    let counts = |f: &baton_analytics::funnel::Funnel| -> Vec<u64> {
        f.steps.iter().map(|s| s.count).collect()
    };
    let rows: Vec<serde_json::Value> = matrix
        .matrix
        .pairs
        .iter()
        .map(|p| {
            serde_json::json!([
                p.caller,
                p.sales_manager,
                p.handed,
                p.accepted,
                p.rejected,
                p.converted
            ])
        })
        .collect();
    println!(
        "funnel by cohort {:?}; by activity {:?}",
        counts(&funnel.by_cohort),
        counts(&funnel.by_activity)
    );
    let json = o.d.dir.join(format!("reports-{period}.json"));
    std::fs::write(
        &json,
        serde_json::to_string_pretty(&serde_json::json!({
            "period": period,
            "cohort": counts(&funnel.by_cohort),
            "activity": counts(&funnel.by_activity),
            "pairs": rows,
            "baton_ms": { "funnel": funnel_ms, "matrix": matrix_ms, "diagnosis": diag_ms, "matrix_counts": counts_ms },
        }))?,
    )?;
    if o.baseline {
        let bundle = o.d.bundle();
        if !bundle.join("audit_events.csv").exists() {
            let t = Instant::now();
            let _ = std::fs::remove_dir_all(&bundle);
            app.export(None, &bundle).map_err(crate::fail)?;
            println!("(bundle exported in {:.0} s)", t.elapsed().as_secs_f64());
        }
        let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../bench/reports_baseline.py");
        let python = std::env::var("BATON_BENCH_PYTHON").unwrap_or_else(|_| "python3".into());
        let status = std::process::Command::new(python)
            .arg(script)
            .arg("--bundle")
            .arg(&bundle)
            .arg("--baton-json")
            .arg(&json)
            .args(["--runs", &o.d.runs.to_string()])
            .status()?;
        anyhow::ensure!(
            status.success(),
            "the baseline disagrees with Baton or failed"
        );
    }
    Ok(())
}
