//! `baton bench import`: bundle import speed, SQLite and PostgreSQL side by side in one run.

use anyhow::{Context, Result};
use baton_app::demo::{DemoOptions, DemoSummary, generate};
use baton_app::{App, PasswordCost};
use baton_store::scratch::ScratchDb;
use std::time::Instant;

pub(crate) fn median(mut v: Vec<f64>) -> f64 {
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

/// The demo a benchmark measures: seed 42, fast password hashing, history ending `today`.
pub(crate) fn bench_demo(
    db: baton_store::Db,
    scale: u32,
    intensity: u32,
    today: chrono::NaiveDate,
) -> Result<DemoSummary> {
    generate(
        db,
        DemoOptions {
            seed: 42,
            scale,
            today,
            password_cost: PasswordCost::Fast,
            intensity,
        },
    )
    .map_err(crate::fail)
}

pub fn import(scale: u32, runs: u32, pg: Option<String>) -> Result<()> {
    let dir = std::env::temp_dir().join(format!("baton-bench-bundle-{}", std::process::id()));
    let src = ScratchDb::sqlite().map_err(crate::fail)?;
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 27).context("date")?;
    let t = Instant::now();
    let summary = bench_demo(src.db.clone(), scale, 1, today)?;
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
    let files = app.export(None, &dir).map_err(crate::fail)?;
    let rows: u64 = files.iter().map(|f| f.1).sum();
    println!("bundle: {rows} rows in {} files", files.len());
    type MakeDb = Box<dyn Fn() -> Result<ScratchDb>>;
    let mut targets: Vec<(&str, MakeDb)> = vec![(
        "sqlite",
        Box::new(|| ScratchDb::sqlite().map_err(crate::fail)),
    )];
    if let Some(url) = pg.clone() {
        targets.push((
            "postgres",
            Box::new(move || ScratchDb::postgres_at(&url).map_err(crate::fail)),
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
            let r = app.import(None, &dir, false).map_err(crate::fail)?;
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

/// The generated department a benchmark measures, kept in `dir` between runs (generating it
/// takes up to an hour at 1 000 people): its SQLite URL.
pub(crate) fn department(
    dir: &std::path::Path,
    scale: u32,
    intensity: u32,
    today: chrono::NaiveDate,
) -> Result<String> {
    std::fs::create_dir_all(dir)?;
    let file = dir.join(format!("payroll-s{scale}-i{intensity}.db"));
    let url = format!("sqlite://{}", file.display());
    if !file.exists() {
        let tmp = dir.join("generating.db");
        let _ = std::fs::remove_file(&tmp);
        let db =
            baton_store::Db::open(&format!("sqlite://{}", tmp.display())).map_err(crate::fail)?;
        baton_store::migrate(&db).map_err(crate::fail)?;
        let t = Instant::now();
        let s = bench_demo(db, scale, intensity, today)?;
        println!(
            "generated scale {scale} × intensity {intensity} in {:.0} s: {} calls, {} leads, {} payments",
            t.elapsed().as_secs_f64(),
            s.calls,
            s.leads,
            s.payments
        );
        std::fs::rename(&tmp, &file)?;
    }
    Ok(url)
}

/// The generated department `bench payroll` and `bench reports` measure, and how often.
#[derive(clap::Args, Debug, Clone)]
pub struct Generated {
    /// Demo scale: 18 paid people per unit (56 ≈ 1 000 people).
    #[arg(long, default_value_t = 56)]
    pub scale: u32,
    /// Orders per client per month.
    #[arg(long, default_value_t = 16)]
    pub intensity: u32,
    #[arg(long, default_value_t = 5)]
    pub runs: u32,
    /// Keeps the generated department between runs (it takes up to an hour to build).
    #[arg(long, default_value = "target/bench-payroll")]
    pub dir: std::path::PathBuf,
}

impl Generated {
    /// The department's SQLite URL, generated on the first run.
    pub(crate) fn url(&self, today: chrono::NaiveDate) -> Result<String> {
        department(&self.dir, self.scale, self.intensity, today)
    }

    /// The CSV bundle of the department, for the baselines.
    pub(crate) fn bundle(&self) -> std::path::PathBuf {
        self.dir
            .join(format!("bundle-s{}-i{}", self.scale, self.intensity))
    }
}

/// One number read from the measured database.
pub(crate) fn count(app: &App, sql: &str) -> Result<i64> {
    app.db
        .read(|tx| Ok::<_, baton_app::AppError>(tx.query_one(sql, &[])?.map_or(0, |r| r.int(0))))
        .map_err(crate::fail)
}

/// "N people with a paid role, N calls, N leads": the first line both benchmarks print.
pub(crate) fn people_calls_leads(app: &App) -> Result<String> {
    Ok(format!(
        "{} people with a paid role, {} calls, {} leads",
        count(
            app,
            "SELECT CAST(COUNT(DISTINCT employee_id) AS BIGINT) FROM role_assignments WHERE role IN ('caller', 'sales_manager', 'client_manager', 'universal_manager')"
        )?,
        count(
            app,
            "SELECT CAST(COUNT(*) AS BIGINT) FROM activities WHERE kind = 'call'"
        )?,
        count(app, "SELECT CAST(COUNT(*) AS BIGINT) FROM leads")?,
    ))
}

/// Options of `baton bench payroll`.
pub struct PayrollBench {
    pub d: Generated,
    pub pg: Option<String>,
    /// Run bench/payroll_baseline.py (DuckDB and pandas) on the same data.
    pub baseline: bool,
    /// The month measured (an open one: closed months are served as stored).
    pub period: String,
}

/// `baton bench payroll`: (a) a month's payroll for everyone in a cold process, from SQLite
/// and PostgreSQL; (b) the pure computation with the facts in memory; (c) the live statement
/// of one person after one new payment; then the DuckDB and pandas baselines on the same data.
pub fn payroll(o: PayrollBench) -> Result<()> {
    use baton_app::conveyor::deals::NewPayment;
    use baton_domain::Money;
    // The history ends on the last day of November, so November is a complete open month
    // (October is calculated on 2 November by the generator, as a company would).
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 30).context("date")?;
    let period = o.period.as_str();
    let first = chrono::NaiveDate::parse_from_str(&format!("{period}-01"), "%Y-%m-%d")
        .with_context(|| format!("--period {period}: write YYYY-MM"))?;
    let last = first
        .checked_add_months(chrono::Months::new(1))
        .and_then(|d| d.pred_opt())
        .context("--period")?;
    let url = o.d.url(today)?;
    let app = App::open(&url).map_err(crate::fail)?;
    println!(
        "department: {}, {} payments over 12 months",
        people_calls_leads(&app)?,
        count(&app, "SELECT CAST(COUNT(*) AS BIGINT) FROM payments")?,
    );
    let exe = std::env::current_exe()?;
    let cold = |db_url: &str| -> Result<Vec<f64>> {
        let mut times = Vec::new();
        for _ in 0..o.d.runs {
            let t = Instant::now();
            let out = std::process::Command::new(&exe)
                .args([
                    "payroll", "--period", period, "--format", "json", "--db", db_url,
                ])
                .stdout(std::process::Stdio::null())
                .status()?;
            anyhow::ensure!(out.success(), "baton payroll failed on {db_url}");
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        Ok(times)
    };
    // (a) SQLite.
    let a_sqlite = cold(&url)?;
    println!(
        "(a) payroll {period} for everyone, cold process, SQLite: median {:.0} ms over {} runs {:?}",
        median(a_sqlite.clone()),
        o.d.runs,
        a_sqlite.iter().map(|x| x.round()).collect::<Vec<_>>()
    );
    // (b) the pure computation, facts in memory.
    let t = Instant::now();
    let prepared = app.prepare_payroll(period).map_err(crate::fail)?;
    let load_ms = t.elapsed().as_secs_f64() * 1000.0;
    let (stretches, calls, handoffs, payments) = prepared.size();
    let mut b = Vec::new();
    let mut statements = Vec::new();
    for _ in 0..o.d.runs.max(5) {
        let t = Instant::now();
        statements = prepared.finish();
        b.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    let b_med = median(b.clone());
    println!(
        "(b) engine alone ({stretches} statement parts; facts: {calls} person-days of calls, {handoffs} handoffs, {payments} payments; loading them took {load_ms:.0} ms): median {b_med:.2} ms over {} runs",
        b.len()
    );
    // (c) one new payment, then that person's live statement.
    let (cm, invoice) = app
        .db
        .read(|tx| {
            let r = tx.query_one(
                "SELECT p.client_manager_id, CAST(COUNT(*) AS BIGINT) FROM payments p WHERE p.paid_on >= ? AND p.paid_on <= ? AND p.client_manager_id IS NOT NULL GROUP BY p.client_manager_id ORDER BY 2 DESC LIMIT 1",
                &[first.to_string().into(), last.to_string().into()],
            )?;
            let cm = r.map(|r| r.text(0)).unwrap_or_default();
            let inv = tx.query_one(
                "SELECT i.id FROM invoices i JOIN companies c ON c.id = i.company_id WHERE c.client_manager_id = ? AND i.amount > COALESCE((SELECT SUM(p.amount) FROM payments p WHERE p.invoice_id = i.id), 0) + 10000 ORDER BY i.issued_on DESC LIMIT 1",
                &[cm.clone().into()],
            )?;
            Ok::<_, baton_app::AppError>((cm, inv.map(|r| r.text(0)).unwrap_or_default()))
        })
        .map_err(crate::fail)?;
    let actor = app.actor(&cm).map_err(crate::fail)?;
    // The person's "my money" page is open: the first read loads their rows.
    let t = Instant::now();
    app.my_statement(&actor, Some(period))
        .map_err(crate::fail)?;
    let first_ms = t.elapsed().as_secs_f64() * 1000.0;
    let mut c = Vec::new();
    for _ in 0..o.d.runs.max(5) {
        app.record_payment(
            &actor,
            NewPayment {
                invoice_id: invoice.clone(),
                paid_on: Some(last.to_string()),
                amount: Money::from_kopecks(100),
            },
        )
        .map_err(crate::fail)?;
        let t = Instant::now();
        let s = app
            .my_statement(&actor, Some(period))
            .map_err(crate::fail)?;
        c.push(t.elapsed().as_secs_f64() * 1000.0);
        anyhow::ensure!(s.is_some(), "no statement for {cm}");
    }
    let stats = app.live_stats();
    println!(
        "(c) live statement of the busiest client manager after one new payment: median {:.3} ms over {} runs (first read, from the database: {first_ms:.1} ms; {} payments taken in from memory, {} loads)",
        median(c.clone()),
        c.len(),
        stats.payments_applied,
        stats.loaded
    );
    // The bundle and Baton's totals, for PostgreSQL and the baselines.
    let bundle = o.d.bundle();
    let json = o.d.dir.join(format!("payroll-{period}.json"));
    // The payments added for (c) are part of the data everyone computes from.
    std::fs::write(
        &json,
        serde_json::to_string_pretty(&app.payroll(None, period).map_err(crate::fail)?)?,
    )?;
    if o.pg.is_some() || o.baseline {
        let _ = std::fs::remove_dir_all(&bundle);
        app.export(None, &bundle).map_err(crate::fail)?;
    }
    if let Some(pg) = &o.pg {
        let target = ScratchDb::postgres_at(pg).map_err(crate::fail)?;
        let t = Instant::now();
        let pg_app = App::with(
            target.db.clone(),
            std::sync::Arc::new(baton_app::clock::SystemClock),
            std::sync::Arc::new(baton_app::clock::RandomIds),
        );
        pg_app.import(None, &bundle, false).map_err(crate::fail)?;
        println!(
            "(PostgreSQL loaded from the bundle in {:.0} s)",
            t.elapsed().as_secs_f64()
        );
        let a_pg = cold(&target.url)?;
        println!(
            "(a) payroll {period} for everyone, cold process, PostgreSQL: median {:.0} ms over {} runs {:?}",
            median(a_pg.clone()),
            o.d.runs,
            a_pg.iter().map(|x| x.round()).collect::<Vec<_>>()
        );
        let same = serde_json::to_string(&pg_app.payroll(None, period).map_err(crate::fail)?)?
            == serde_json::to_string(&app.payroll(None, period).map_err(crate::fail)?)?;
        println!("PostgreSQL statements identical to SQLite's: {same}");
        println!(
            "ratio PostgreSQL / SQLite (a): {:.2}",
            median(a_pg) / median(a_sqlite.clone())
        );
    }
    drop(statements);
    if o.baseline {
        let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../bench/payroll_baseline.py");
        // A virtualenv with bench/requirements.txt: BATON_BENCH_PYTHON=/path/to/venv/bin/python.
        let python = std::env::var("BATON_BENCH_PYTHON").unwrap_or_else(|_| "python3".into());
        let status = std::process::Command::new(python)
            .arg(script)
            .args(["--bundle"])
            .arg(&bundle)
            .args(["--period", period, "--baton-json"])
            .arg(&json)
            .args([
                "--runs",
                &o.d.runs.to_string(),
                "--engine-ms",
                &format!("{b_med:.3}"),
            ])
            .status()?;
        anyhow::ensure!(
            status.success(),
            "the baselines disagree with Baton or failed"
        );
    }
    Ok(())
}
