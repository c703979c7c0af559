//! `baton`: the command line. Every command is a thin adapter over the app's use cases.

use anyhow::{Context, Result, bail};
use baton_app::demo::{DemoOptions, generate};
use baton_app::{App, PasswordCost};
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::time::Instant;

/// mimalloc: the bulk paths (import, demo) allocate and free millions of small strings; the
/// system allocator spent a fifth of the import's time in malloc/free.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const DEFAULT_DB: &str = "sqlite://data/baton.db";

#[derive(Parser)]
#[command(
    name = "baton",
    version,
    about = "Baton: the conveyor sales department — leads, handoffs, clients and money"
)]
struct Cli {
    /// Act as this person (a login): commands that change money, people or periods need it
    /// and have that person's rights. `migrate`, `demo`, `serve` and `import` into an empty
    /// database run unnamed.
    #[arg(long = "as", global = true, env = "BATON_AS")]
    as_login: Option<String>,
    /// The language of everything the command writes for a person: ru (default) or en.
    #[arg(long, global = true, env = "BATON_LANG", default_value = "ru")]
    lang: String,
    #[command(subcommand)]
    cmd: Cmd,
}

/// The login given with `--as`, set once in `main`.
static AS: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();

/// `--lang`, set once in `main`.
static LANG: std::sync::OnceLock<baton_catalog::Lang> = std::sync::OnceLock::new();

/// The language of this command's output.
pub(crate) fn lang() -> baton_catalog::Lang {
    LANG.get().copied().unwrap_or_default()
}

/// An error of a use case, said in the command's language.
pub(crate) trait Said {
    fn said(self) -> String;
}
impl Said for baton_app::AppError {
    fn said(self) -> String {
        self.text().render(lang())
    }
}
impl Said for baton_store::StoreError {
    fn said(self) -> String {
        baton_app::AppError::from(self).said()
    }
}
impl Said for &str {
    fn said(self) -> String {
        self.to_string()
    }
}
impl Said for String {
    fn said(self) -> String {
        self
    }
}

/// For `map_err`: a use case's refusal as the command's error, in the command's language.
pub(crate) fn fail(e: impl Said) -> anyhow::Error {
    anyhow::Error::msg(e.said())
}

/// The person a changing command acts as, with that person's rights.
pub(crate) fn named(app: &App, what: &str) -> Result<baton_app::Actor> {
    let Some(login) = AS.get().cloned().flatten() else {
        bail!(
            "{what} changes the department's records: name yourself with --as LOGIN (or BATON_AS=LOGIN); the command then has that person's rights"
        );
    };
    app.actor_by_login(&login).map_err(crate::fail)
}

#[derive(Subcommand)]
enum Cmd {
    /// Instruments for the head of sales: funnel, matrix and diagnosis, costs, receivables,
    /// retention, alerts.
    Report {
        #[command(subcommand)]
        what: report::ReportCmd,
    },
    /// What-if: replay a draft plan on past months; simulate the department's structure.
    Simulate {
        #[command(subcommand)]
        what: simulate::SimulateCmd,
    },
    /// Serve the web application and the API.
    Serve {
        #[arg(long, env = "BATON_DB", default_value = DEFAULT_DB)]
        db: String,
        #[arg(long, env = "BATON_ADDR", default_value = "127.0.0.1:8080")]
        addr: String,
        /// Mark the session cookie Secure (the site is served over HTTPS).
        #[arg(long, env = "BATON_SECURE_COOKIES")]
        secure_cookies: bool,
        /// Believe a reverse proxy's X-Forwarded-Proto and X-Forwarded-For (only when every
        /// request comes through it).
        #[arg(long, env = "BATON_TRUST_PROXY")]
        trust_proxy: bool,
        /// A read replica of --db (a PostgreSQL hot standby) that reports and dashboards read;
        /// everything else reads and writes --db.
        #[arg(long, env = "BATON_READ_DB")]
        read_db: Option<String>,
    },
    /// Create the demo company (12 months of history) in an empty database.
    Demo {
        #[arg(long, env = "BATON_DB", default_value = DEFAULT_DB)]
        db: String,
        /// Start serving right after generating.
        #[arg(long)]
        serve: bool,
        #[arg(long, env = "BATON_ADDR", default_value = "127.0.0.1:8080")]
        addr: String,
        /// Multiplies people and volumes (for benchmarks).
        #[arg(long, default_value_t = 1)]
        scale: u32,
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// The last day of the history, YYYY-MM-DD (default: today).
        #[arg(long)]
        today: Option<String>,
        /// Replace an existing SQLite demo file instead of refusing.
        #[arg(long)]
        fresh: bool,
    },
    /// The audit trail: `audit verify` checks its hash chain.
    Audit {
        #[command(subcommand)]
        what: audit::AuditCmd,
    },
    /// Ask a running server whether it is healthy (its database answers): exit 0 or 1.
    Healthcheck {
        #[arg(long, env = "BATON_URL", default_value = "http://127.0.0.1:8080")]
        url: String,
    },
    /// Tasks and reminders: my day, a company's tasks, set one, close one. Needs --as.
    Tasks {
        #[command(subcommand)]
        what: tasks::TasksCmd,
    },
    /// Webhooks for integrators and the delivery log (director, admin). Needs --as.
    Webhooks {
        #[command(subcommand)]
        what: webhooks::WebhooksCmd,
    },
    /// Clients: move them to another client manager (with a preview).
    Clients {
        #[command(subcommand)]
        what: clients::ClientsCmd,
    },
    /// The split in one step from a JSON file: roles from today and whose clients go to whom
    /// (docs/plans.md, "The split"). Needs --as. With --preset and --region and no file, prints
    /// the preset's split file for the region to edit.
    Split {
        #[arg(required_unless_present = "preset")]
        file: Option<PathBuf>,
        /// Show portfolios and pay before and after, and the last three months replayed under
        /// the new roles; change nothing.
        #[arg(long)]
        preview: bool,
        /// universal, mixed or conveyor: print this preset's split file (with --region).
        #[arg(long, requires = "region", conflicts_with = "file")]
        preset: Option<String>,
        /// The region's code, for --preset.
        #[arg(long)]
        region: Option<String>,
        #[arg(long, default_value = "text")]
        format: String,
        #[arg(long, env = "BATON_DB", default_value = DEFAULT_DB)]
        db: String,
    },
    /// Targets: copy one month's to another for review.
    Targets {
        #[command(subcommand)]
        what: targets::TargetsCmd,
    },
    /// Apply database migrations.
    Migrate {
        #[arg(long, env = "BATON_DB", default_value = DEFAULT_DB)]
        db: String,
    },
    /// Write every table as CSV into DIR.
    Export {
        dir: PathBuf,
        #[arg(long, env = "BATON_DB", default_value = DEFAULT_DB)]
        db: String,
    },
    /// Import a bank statement (1CClientBankExchange, as banks and 1C write it): incoming
    /// payments matched to invoices are recorded; the rest are listed. Needs --as.
    ImportBank {
        file: PathBuf,
        /// Report what would be recorded without writing.
        #[arg(long)]
        dry_run: bool,
        #[arg(long, env = "BATON_DB", default_value = DEFAULT_DB)]
        db: String,
    },
    /// Import a CSV bundle from DIR, or with --preset a CRM's export (amocrm, bitrix24, a
    /// sheet) or a bank statement (bank): docs/import.md. Nothing is written if any row is bad.
    Import {
        /// The bundle's directory; with --preset, the files (or a directory of them).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        #[arg(long, env = "BATON_DB", default_value = DEFAULT_DB)]
        db: String,
        /// Check every row and report problems without writing.
        #[arg(long)]
        dry_run: bool,
        /// amocrm, bitrix24, sheet, bank, or a PBX's call log: mango, zadarma, uis (no preset:
        /// Baton's own CSV bundle).
        #[arg(long)]
        preset: Option<String>,
        /// The mapping file (TOML): [columns], [users], [regions], [stages].
        #[arg(long)]
        mapping: Option<PathBuf>,
        /// Write the mapping Baton suggests for these files here, to correct and reuse.
        #[arg(long)]
        suggest_mapping: Option<PathBuf>,
        /// Region code for companies whose city names no region.
        #[arg(long)]
        region: Option<String>,
        /// Import the good rows and leave out the ones with problems (they are listed).
        #[arg(long)]
        skip_problems: bool,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Every person's statement for a period: frozen if the period is closed, live otherwise.
    Payroll {
        /// YYYY-MM
        #[arg(long)]
        period: String,
        /// text, json, csv (the register) or xlsx (the register; written to --out); zup_csv or
        /// zup_xlsx: the register laid out for 1C:ЗУП (docs/payroll-1c.md)
        #[arg(long, default_value = "text")]
        format: String,
        /// Where to write the xlsx register (default: payroll-YYYY-MM.xlsx).
        #[arg(long)]
        out: Option<PathBuf>,
        /// What-if: compute with this draft plan file in place of the plan of its role.
        #[arg(long)]
        plan: Option<PathBuf>,
        #[arg(long, env = "BATON_DB", default_value = DEFAULT_DB)]
        db: String,
    },
    /// Payroll periods: list, calculate, approve (head or director), pay.
    Period {
        #[command(subcommand)]
        what: PeriodCmd,
    },
    /// Compensation plans: list, show, check and add versions (docs/plans.md).
    Plan {
        #[command(subcommand)]
        what: PlanCmd,
    },
    /// Add a user with a first role (the first admin of a new installation, say).
    User {
        #[command(subcommand)]
        what: UserCmd,
    },
    /// Show or replace the conveyor configuration (JSON; see docs/configuration.md).
    Config {
        #[command(subcommand)]
        what: ConfigCmd,
    },
    /// Measure: `bench import` (rows/s into SQLite and PostgreSQL).
    Bench {
        #[command(subcommand)]
        what: Bench,
    },
}

#[derive(Subcommand)]
enum UserCmd {
    Add {
        #[arg(long)]
        login: String,
        #[arg(long)]
        name: String,
        /// caller, sales_manager, client_manager, universal_manager, head, director, accountant, admin
        #[arg(long)]
        role: String,
        /// Region code (msk, spb…), for regional roles.
        #[arg(long)]
        region: Option<String>,
        /// Read from BATON_PASSWORD if not given.
        #[arg(long, env = "BATON_PASSWORD", hide_env_values = true)]
        password: String,
        #[arg(long, env = "BATON_DB", default_value = DEFAULT_DB)]
        db: String,
    },
    /// Set the person's табельный номер in 1C:ЗУП (an empty --number clears it). Needs --as
    /// (the accountant, the head of the region, the director, the admin).
    Number {
        #[arg(long)]
        login: String,
        #[arg(long)]
        number: String,
        #[arg(long, env = "BATON_DB", default_value = DEFAULT_DB)]
        db: String,
    },
}

#[derive(Subcommand)]
enum PeriodCmd {
    List {
        #[arg(long, env = "BATON_DB", default_value = DEFAULT_DB)]
        db: String,
    },
    /// Compute and store every statement of an ended period for review.
    Calculate {
        period: String,
        #[arg(long, env = "BATON_DB", default_value = DEFAULT_DB)]
        db: String,
    },
    /// Freeze a calculated period.
    Approve {
        period: String,
        #[arg(long, env = "BATON_DB", default_value = DEFAULT_DB)]
        db: String,
    },
    /// Mark an approved period paid.
    Pay {
        period: String,
        #[arg(long, env = "BATON_DB", default_value = DEFAULT_DB)]
        db: String,
    },
}

#[derive(Subcommand)]
enum PlanCmd {
    List {
        #[arg(long, env = "BATON_DB", default_value = DEFAULT_DB)]
        db: String,
    },
    /// Print a version's text (an id, or shipped:<role>).
    Show {
        id: String,
        #[arg(long, env = "BATON_DB", default_value = DEFAULT_DB)]
        db: String,
    },
    /// Check a plan file and print every problem with its line and column.
    Check { file: PathBuf },
    /// Save FILE as the next version of its role's plan (or of one person's).
    Add {
        file: PathBuf,
        /// A personal plan for this login.
        #[arg(long)]
        employee: Option<String>,
        /// Save as a draft (for what-if replays), not used by payroll.
        #[arg(long)]
        draft: bool,
        #[arg(long, env = "BATON_DB", default_value = DEFAULT_DB)]
        db: String,
    },
}

#[derive(Subcommand)]
enum ConfigCmd {
    Show {
        #[arg(long, env = "BATON_DB", default_value = DEFAULT_DB)]
        db: String,
    },
    /// Replace the configuration with the JSON document in FILE (validated first).
    Set {
        file: PathBuf,
        #[arg(long, env = "BATON_DB", default_value = DEFAULT_DB)]
        db: String,
    },
}

#[derive(Subcommand)]
enum Bench {
    /// A CRM's export into an empty department, through the rules (issue 17 §7: 100 000
    /// deals in ≤ 60 s): an amoCRM leads export of --deals rows, SQLite and --pg side by side.
    CrmImport {
        #[arg(long, default_value_t = 10_000)]
        deals: usize,
        #[arg(long, env = "BATON_BENCH_PG_URL")]
        pg: Option<String>,
    },
    /// Web pages: server time per page on the demo over loopback (issue 5: p95 ≤ 50 ms).
    Pages {
        #[arg(long, default_value_t = 200)]
        requests: usize,
        #[arg(long, default_value_t = 4)]
        concurrency: usize,
    },
    /// Write throughput (issue 19): logged calls through HTTP beside the same use case in
    /// process, on fresh SQLite and (with --pg) PostgreSQL databases.
    Writes {
        #[arg(long, default_value_t = 4)]
        clients: usize,
        #[arg(long, default_value_t = 500)]
        per_client: usize,
        #[arg(long, default_value_t = 3)]
        runs: usize,
        /// PostgreSQL server URL to compare against (a scratch database is created there).
        #[arg(long, env = "BATON_BENCH_PG_URL")]
        pg: Option<String>,
    },
    /// A load test (issue 19): simulated callers, sales managers, client managers and heads
    /// against two `baton serve` on one fresh PostgreSQL database, on loopback, for --seconds.
    Load {
        /// PostgreSQL server URL (a scratch database is created there and dropped).
        #[arg(long, env = "BATON_BENCH_PG_URL")]
        pg: String,
        #[arg(long, default_value_t = 300)]
        seconds: u64,
        #[arg(long, default_value_t = 200)]
        callers: usize,
        #[arg(long, default_value_t = 60)]
        sellers: usize,
        #[arg(long, default_value_t = 60)]
        client_managers: usize,
        #[arg(long, default_value_t = 10)]
        heads: usize,
        /// Each person's pause between turns, milliseconds (uniform 0.5–1.5 ×).
        #[arg(long, default_value_t = 2000)]
        think_ms: u64,
    },
    /// What-if speed: the replay of a draft plan on the demo's 12 months (issue 6: ≤ 1 s).
    Replay {
        #[arg(long, default_value_t = 1)]
        scale: u32,
        #[arg(long, default_value_t = 5)]
        runs: u32,
    },
    /// Payroll speed: (a) a month for everyone in a cold process (SQLite, PostgreSQL with --pg),
    /// (b) the pure computation, (c) one live statement after a payment; DuckDB/pandas beside.
    Payroll {
        #[command(flatten)]
        d: bench::Generated,
        #[arg(long, env = "BATON_BENCH_PG_URL")]
        pg: Option<String>,
        /// Also run bench/payroll_baseline.py (needs python3 with duckdb and pandas).
        #[arg(long)]
        baseline: bool,
        /// The month measured; it must be open (the generator's history ends 2026-11-30).
        #[arg(long, default_value = "2026-11")]
        period: String,
    },
    /// Instruments speed (issue 4): the funnel, the matrix and the diagnosis of one month at
    /// 1 000 people from SQLite, and DuckDB computing the same counts with --baseline.
    Reports {
        /// The department (the same as `bench payroll`'s).
        #[command(flatten)]
        d: bench::Generated,
        /// Also run bench/reports_baseline.py (needs python3 with duckdb).
        #[arg(long)]
        baseline: bool,
        /// The month measured.
        #[arg(long, default_value = "2026-10")]
        period: String,
    },
    /// Search speed (issue 16: ≤ 50 ms): each kind of query as the director and a caller, on
    /// the demo at a scale, from SQLite and (with --pg) PostgreSQL.
    Search {
        #[arg(long, default_value_t = 1)]
        scale: u32,
        /// Grow the searchable records to what this many people hold (copies of the demo's).
        #[arg(long)]
        people: Option<u32>,
        #[arg(long, default_value_t = 50)]
        runs: u32,
        /// PostgreSQL server URL to compare against (a scratch database is created there).
        #[arg(long, env = "BATON_BENCH_PG_URL")]
        pg: Option<String>,
    },
    /// Bundle import speed at a demo scale, into SQLite and (with --pg) PostgreSQL.
    Import {
        #[arg(long, default_value_t = 10)]
        scale: u32,
        #[arg(long, default_value_t = 5)]
        runs: u32,
        /// PostgreSQL server URL to compare against (a scratch database is created there).
        #[arg(long, env = "BATON_BENCH_PG_URL")]
        pg: Option<String>,
    },
}

fn sqlite_path(url: &str) -> Option<PathBuf> {
    url.strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .map(|p| PathBuf::from(p.split('?').next().unwrap_or(p)))
}

fn print_logins(s: &baton_app::demo::DemoSummary) {
    println!("Logins (password for all: {}):", s.password);
    println!("  {:<18} {:<26} {:<50} region", "login", "name", "role");
    for l in &s.logins {
        println!(
            "  {:<18} {:<26} {:<50} {}",
            l.login, l.name, l.role, l.region
        );
    }
}

/// Structured logs on stderr: one line per request and the server's own events.
/// `BATON_LOG_FORMAT=json` writes JSON lines for a log collector; `BATON_LOG` filters
/// (`info` by default, e.g. `baton=debug,warn`).
/// Logs to stderr: a server's requests at `info`; other commands (benchmarks serve requests
/// too) only problems, unless `BATON_LOG` says otherwise.
fn logs(serving: bool) {
    use tracing_subscriber::EnvFilter;
    let default = if serving { "info" } else { "warn" };
    let filter = EnvFilter::try_from_env("BATON_LOG").unwrap_or_else(|_| EnvFilter::new(default));
    let json = std::env::var("BATON_LOG_FORMAT").is_ok_and(|v| v.trim() == "json");
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = if json {
        builder.json().flatten_event(true).try_init()
    } else {
        builder.try_init()
    };
}

/// `baton healthcheck`: asks a running server's `/healthz`; exit 0 when it answers 200.
fn healthcheck(url: &str) -> Result<()> {
    let target = format!("{}/healthz", url.trim_end_matches('/'));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let answer = rt.block_on(async {
        reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(5))
            .build()?
            .get(&target)
            .send()
            .await
    });
    match answer {
        Ok(r) if r.status().is_success() => {
            println!("{target}: ok");
            Ok(())
        }
        Ok(r) => bail!("{target}: {}", r.status()),
        Err(e) => bail!("{target}: {e}"),
    }
}

fn main() -> Result<()> {
    // Behave like other Unix tools when the reader of our output goes away (`baton … | head`):
    // end quietly instead of panicking on a broken pipe.
    // SAFETY: called first thing in main, before any thread exists; SIG_DFL is always valid.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = Cli::parse();
    let _ = AS.set(cli.as_login.clone());
    let Some(l) = baton_catalog::Lang::parse(&cli.lang) else {
        bail!("--lang «{}»: write ru or en", cli.lang);
    };
    let _ = LANG.set(l);
    logs(matches!(cli.cmd, Cmd::Serve { .. }) || matches!(&cli.cmd, Cmd::Demo { serve: true, .. }));
    match cli.cmd {
        Cmd::Report { what } => report::run(what)?,
        Cmd::Simulate { what } => simulate::run(what)?,
        Cmd::Serve {
            db,
            addr,
            secure_cookies,
            trust_proxy,
            read_db,
        } => {
            let mut app = App::open(&db)
                .map_err(crate::fail)
                .context("opening the database")?;
            if let Some(url) = read_db.as_deref().filter(|u| !u.trim().is_empty()) {
                // A replica is never migrated: it follows the primary's schema.
                let replica = baton_store::Db::open(url).context("opening the read replica")?;
                app = app.with_reports(replica);
                println!("Reports and dashboards read the replica given by --read-db");
            }
            println!(
                "Baton serves on http://{addr}/  (API: http://{addr}/api/openapi.json)  database: {db}"
            );
            let web = baton_web::security::WebConfig {
                secure_cookies,
                trust_proxy,
                ..baton_web::security::WebConfig::from_env()
            };
            tokio::runtime::Runtime::new()?
                .block_on(baton_web::serve(app, &addr, web))
                .context("serving")?;
        }
        Cmd::Demo {
            db,
            serve,
            addr,
            scale,
            seed,
            today,
            fresh,
        } => {
            if fresh && let Some(p) = sqlite_path(&db) {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", p.display()));
                }
            }
            let app = App::open(&db)
                .map_err(crate::fail)
                .context("opening the database")?;
            let today = match today {
                Some(t) => t
                    .parse()
                    .with_context(|| format!("--today «{t}» is not a date; write YYYY-MM-DD"))?,
                None => chrono::Utc::now()
                    .with_timezone(&chrono_tz::Europe::Moscow)
                    .date_naive(),
            };
            let started = Instant::now();
            let summary = match generate(
                app.db.clone(),
                DemoOptions {
                    seed,
                    scale,
                    today,
                    password_cost: PasswordCost::Strong,
                    intensity: 1,
                },
            ) {
                Ok(s) => s,
                Err(e) if e.code() == "invalid" && e.field() == Some("db") => {
                    bail!(
                        "{e}. To rebuild the demo: baton demo --fresh{}",
                        if serve { " --serve" } else { "" }
                    )
                }
                Err(e) => return Err(anyhow::Error::msg(e)).context("generating the demo"),
            };
            println!(
                "Demo ready in {:.1} s: {} to {} (split on {}), {} companies, {} calls, {} leads, {} handoffs, {} new clients, {} payments.",
                started.elapsed().as_secs_f64(),
                summary.from,
                summary.to,
                summary.split_on,
                summary.companies,
                summary.calls,
                summary.leads,
                summary.handoffs,
                summary.new_clients,
                summary.payments
            );
            print_logins(&summary);
            if serve {
                println!(
                    "\nBaton serves on http://{addr}/  (API: http://{addr}/api/openapi.json)  database: {db}"
                );
                tokio::runtime::Runtime::new()?
                    .block_on(baton_web::serve(
                        app,
                        &addr,
                        baton_web::security::WebConfig::from_env(),
                    ))
                    .context("serving")?;
            }
        }
        Cmd::Audit { what } => audit::run(what)?,
        Cmd::Clients { what } => clients::run(what)?,
        Cmd::Tasks { what } => tasks::run(what)?,
        Cmd::Webhooks { what } => webhooks::run(what)?,
        Cmd::Healthcheck { url } => healthcheck(&url)?,
        Cmd::Targets { what } => targets::run(what)?,
        Cmd::ImportBank { file, dry_run, db } => bank::run(&file, dry_run, &db)?,
        Cmd::Split {
            file,
            preview,
            preset,
            region,
            format,
            db,
        } => match (file, preset, region) {
            (_, Some(kind), Some(region)) => clients::split_preset(&kind, &region, &db)?,
            (Some(file), _, _) => clients::split(&file, preview, &format, &db)?,
            _ => bail!("name a split file, or --preset with --region"),
        },
        Cmd::Migrate { db } => {
            let dbh = baton_store::Db::open(&db).map_err(crate::fail)?;
            let applied = baton_store::migrate(&dbh).map_err(crate::fail)?;
            if applied.is_empty() {
                println!("Nothing to do: the schema is current.")
            } else {
                println!("Applied: {}", applied.join(", "))
            }
        }
        Cmd::Export { dir, db } => {
            let app = App::open(&db).map_err(crate::fail)?;
            let actor = named(&app, "export")?;
            let files = app.export(Some(&actor), &dir).map_err(crate::fail)?;
            let total: u64 = files.iter().map(|f| f.1).sum();
            println!(
                "Exported {total} rows in {} files to {}",
                files.len(),
                dir.display()
            );
        }
        Cmd::Import {
            paths,
            db,
            dry_run,
            preset: Some(preset),
            mapping,
            suggest_mapping,
            region,
            skip_problems,
            json,
        } => {
            if preset == "bank" {
                for p in &paths {
                    bank::run(p, dry_run, &db)?;
                }
            } else {
                let app = App::open(&db).map_err(crate::fail)?;
                let actor = named(&app, "import")?;
                crm::run(
                    &app,
                    &actor,
                    crm::Args {
                        paths,
                        preset,
                        mapping,
                        suggest_mapping,
                        region,
                        dry_run,
                        skip_problems,
                        json,
                    },
                )?;
            }
        }
        Cmd::Import {
            paths, db, dry_run, ..
        } => {
            let [dir] = paths.as_slice() else {
                bail!(
                    "a bundle is one directory; for a CRM's files add --preset amocrm|bitrix24|sheet"
                );
            };
            let dir = dir.clone();
            let app = App::open(&db).map_err(crate::fail)?;
            // Into an empty database the import is the installation's start: nobody exists yet
            // to name. Into a working one it needs a person with the right to import.
            let actor = if app.has_people().map_err(crate::fail)? {
                Some(named(&app, "import into a database that has people")?)
            } else {
                None
            };
            let started = Instant::now();
            match app.import(actor.as_ref(), &dir, dry_run) {
                Ok(r) => {
                    for (f, n) in &r.files {
                        println!("  {f}: {n} rows");
                    }
                    println!(
                        "{} {} rows in {:.2} s{}",
                        if dry_run { "Checked" } else { "Imported" },
                        r.rows,
                        started.elapsed().as_secs_f64(),
                        if dry_run {
                            "; nothing was written (dry run), every row is valid"
                        } else {
                            ""
                        }
                    );
                }
                Err(baton_app::AppError::Import(rows)) => {
                    use baton_catalog::Text;
                    eprintln!(
                        "{}",
                        Text::new("cli-import-problems")
                            .num("n", rows.len() as i64)
                            .render(lang())
                    );
                    for p in &rows {
                        let line = Text::new("cli-import-problem")
                            .arg("file", p.file.clone())
                            .arg("line", p.line.to_string())
                            .arg("column", p.column.clone())
                            .text("why", p.why.clone());
                        eprintln!("  {}", line.render(lang()));
                    }
                    std::process::exit(2);
                }
                Err(e) => return Err(crate::fail(e)),
            }
        }
        Cmd::Bench {
            what: Bench::Import { scale, runs, pg },
        } => bench::import(scale, runs, pg)?,
        Cmd::Bench {
            what: Bench::CrmImport { deals, pg },
        } => bench_crm::crm_import(deals, pg)?,
        Cmd::Bench {
            what:
                Bench::Pages {
                    requests,
                    concurrency,
                },
        } => bench_pages::pages(requests, concurrency)?,
        Cmd::Bench {
            what: Bench::Replay { scale, runs },
        } => bench_whatif::replay(scale, runs)?,
        Cmd::Bench {
            what:
                Bench::Writes {
                    clients,
                    per_client,
                    runs,
                    pg,
                },
        } => bench_writes::writes(clients, per_client, runs, pg)?,
        Cmd::Bench {
            what:
                Bench::Load {
                    pg,
                    seconds,
                    callers,
                    sellers,
                    client_managers,
                    heads,
                    think_ms,
                },
        } => bench_load::run(
            &pg,
            bench_load::Load {
                callers,
                sellers,
                client_managers,
                heads,
                seconds,
                think_ms,
            },
        )?,
        Cmd::Bench {
            what:
                Bench::Search {
                    scale,
                    people,
                    runs,
                    pg,
                },
        } => bench_search::search(scale, people, runs, pg)?,
        Cmd::Bench {
            what:
                Bench::Reports {
                    d,
                    baseline,
                    period,
                },
        } => bench_reports::reports(bench_reports::ReportsBench {
            d,
            period,
            baseline,
        })?,
        Cmd::Bench {
            what:
                Bench::Payroll {
                    d,
                    pg,
                    baseline,
                    period,
                },
        } => bench::payroll(bench::PayrollBench {
            d,
            pg,
            baseline,
            period,
        })?,
        Cmd::User {
            what:
                UserCmd::Add {
                    login,
                    name,
                    role,
                    region,
                    password,
                    db,
                },
        } => {
            let app = App::open(&db).map_err(crate::fail)?;
            // The first person of a new installation is added unnamed; after that, only by
            // someone who may grant the role.
            let actor = if app.has_people().map_err(crate::fail)? {
                Some(named(&app, "user add")?)
            } else {
                None
            };
            let region_id = match region {
                Some(code) => Some(
                    app.regions()
                        .map_err(crate::fail)?
                        .into_iter()
                        .find(|r| r.code == code)
                        .map(|r| r.id)
                        .with_context(|| format!("no region with code «{code}»"))?,
                ),
                None => None,
            };
            let e = app
                .create_employee(
                    actor.as_ref(),
                    baton_app::conveyor::people::NewEmployee {
                        login,
                        name,
                        password,
                        region_id,
                        role,
                        valid_from: None,
                        open_lead_limit: None,
                    },
                )
                .map_err(crate::fail)?;
            println!("Added {} ({}) with id {}", e.name, e.login, e.id);
        }
        Cmd::User {
            what: UserCmd::Number { login, number, db },
        } => {
            let app = App::open(&db).map_err(crate::fail)?;
            let actor = named(&app, "user number")?;
            let who = app.actor_by_login(&login).map_err(crate::fail)?;
            let e = app
                .set_personnel_number(&actor, &who.id, Some(&number))
                .map_err(crate::fail)?;
            println!(
                "{} ({}): {}",
                e.name,
                e.login,
                e.personnel_number.as_deref().unwrap_or("—")
            );
        }
        Cmd::Payroll {
            period,
            format,
            out,
            plan,
            db,
        } => {
            let app = App::open(&db).map_err(crate::fail)?;
            let statements = match &plan {
                Some(file) => {
                    let text = std::fs::read_to_string(file)
                        .with_context(|| format!("reading {}", file.display()))?;
                    app.payroll_under(None, &period, &text)
                }
                None => app.payroll(None, &period),
            }
            .map_err(crate::fail)?;
            match format.as_str() {
                "json" => println!("{}", serde_json::to_string_pretty(&statements)?),
                "csv" => {
                    let bytes =
                        baton_app::payroll::register::csv(&statements).map_err(crate::fail)?;
                    std::io::Write::write_all(&mut std::io::stdout(), &bytes)?;
                }
                "xlsx" => {
                    let bytes = app
                        .payroll_register(None, &period, "xlsx")
                        .map_err(crate::fail)?;
                    let path =
                        out.unwrap_or_else(|| PathBuf::from(format!("payroll-{period}.xlsx")));
                    std::fs::write(&path, bytes)
                        .with_context(|| format!("writing {}", path.display()))?;
                    println!("The register for {period} is in {}", path.display());
                }
                "zup_csv" => {
                    let bytes = app
                        .payroll_register(None, &period, "zup_csv")
                        .map_err(crate::fail)?;
                    std::io::Write::write_all(&mut std::io::stdout(), &bytes)?;
                }
                "zup_xlsx" => {
                    let bytes = app
                        .payroll_register(None, &period, "zup_xlsx")
                        .map_err(crate::fail)?;
                    let path =
                        out.unwrap_or_else(|| PathBuf::from(format!("payroll-{period}-zup.xlsx")));
                    std::fs::write(&path, bytes)
                        .with_context(|| format!("writing {}", path.display()))?;
                    println!("The 1C:ЗУП register for {period} is in {}", path.display());
                }
                "text" => print_statements(&statements),
                other => {
                    bail!("--format «{other}»: use text, json, csv, xlsx, zup_csv or zup_xlsx")
                }
            }
        }
        Cmd::Period { what } => match what {
            PeriodCmd::List { db } => {
                let app = App::open(&db).map_err(crate::fail)?;
                for p in app.periods(None).map_err(crate::fail)? {
                    println!(
                        "{}  {:<10}  {:>4} statements  {:>16}  {}",
                        p.period,
                        p.status,
                        p.statements,
                        baton_comp::number::rubles(p.total),
                        if p.pending_changes > 0 {
                            format!("{} later change(s) to adjust", p.pending_changes)
                        } else {
                            String::new()
                        }
                    );
                }
            }
            PeriodCmd::Calculate { period, db } => {
                let app = App::open(&db).map_err(crate::fail)?;
                let actor = named(&app, "period calculate")?;
                let p = app
                    .calculate_period(Some(&actor), &period)
                    .map_err(crate::fail)?;
                println!(
                    "{} calculated: {} statements, {}",
                    p.period,
                    p.statements,
                    baton_comp::number::rubles(p.total)
                );
            }
            PeriodCmd::Approve { period, db } => {
                let app = App::open(&db).map_err(crate::fail)?;
                let actor = named(&app, "period approve")?;
                let login = actor.login.clone();
                let p = app
                    .approve_period(Some(&actor), &period)
                    .map_err(crate::fail)?;
                println!(
                    "{} approved by {login}: {}",
                    p.period,
                    baton_comp::number::rubles(p.total)
                );
            }
            PeriodCmd::Pay { period, db } => {
                let app = App::open(&db).map_err(crate::fail)?;
                let actor = named(&app, "period pay")?;
                let p = app.pay_period(Some(&actor), &period).map_err(crate::fail)?;
                println!("{} paid", p.period);
            }
        },
        Cmd::Plan { what } => match what {
            PlanCmd::List { db } => {
                let app = App::open(&db).map_err(crate::fail)?;
                let list = app.plans(None).map_err(crate::fail)?;
                if list.is_empty() {
                    println!(
                        "No stored plans: every role uses its shipped plan (baton plan show shipped:caller)."
                    );
                }
                for p in list {
                    println!(
                        "{}  {:<18} v{:<3} from {}  {:<7} {}{}",
                        p.id,
                        p.role,
                        p.version,
                        p.effective_from,
                        p.status,
                        p.name,
                        p.employee_id
                            .map(|e| format!(" (personal: {e})"))
                            .unwrap_or_default()
                    );
                }
            }
            PlanCmd::Show { id, db } => {
                let app = App::open(&db).map_err(crate::fail)?;
                let (_, text) = app.plan(None, &id).map_err(crate::fail)?;
                print!("{text}");
            }
            PlanCmd::Check { file } => {
                let text = std::fs::read_to_string(&file)
                    .with_context(|| format!("reading {}", file.display()))?;
                match baton_comp::parse_plan(&text) {
                    Ok(p) => println!(
                        "{}: the plan «{}» for {} is valid",
                        file.display(),
                        p.name,
                        p.role.as_str()
                    ),
                    Err(errs) => {
                        for e in &errs {
                            eprintln!("{}:{}:{}: {}", file.display(), e.line, e.column, e.message);
                        }
                        bail!("{} problem(s) in {}", errs.len(), file.display());
                    }
                }
            }
            PlanCmd::Add {
                file,
                employee,
                draft,
                db,
            } => {
                let app = App::open(&db).map_err(crate::fail)?;
                let text = std::fs::read_to_string(&file)
                    .with_context(|| format!("reading {}", file.display()))?;
                let actor = named(&app, "plan add")?;
                let p = app
                    .add_plan(
                        Some(&actor),
                        baton_app::payroll::plans::NewPlan {
                            text,
                            employee,
                            status: Some(if draft { "draft" } else { "active" }.into()),
                        },
                    )
                    .map_err(crate::fail)?;
                println!(
                    "Saved {} v{} for {} from {} as {}",
                    p.id, p.version, p.role, p.effective_from, p.status
                );
            }
        },
        Cmd::Config {
            what: ConfigCmd::Show { db },
        } => {
            let app = App::open(&db).map_err(crate::fail)?;
            println!(
                "{}",
                serde_json::to_string_pretty(&app.config().map_err(crate::fail)?)?
            );
        }
        Cmd::Config {
            what: ConfigCmd::Set { file, db },
        } => {
            let app = App::open(&db).map_err(crate::fail)?;
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("reading {}", file.display()))?;
            let cfg: baton_domain::ConveyorConfig = serde_json::from_str(&text).map_err(|e| {
                anyhow::anyhow!("{}:{}:{}: {e}", file.display(), e.line(), e.column())
            })?;
            let actor = named(&app, "config set")?;
            app.set_config(&actor, cfg).map_err(crate::fail)?;
            println!("Configuration replaced from {}", file.display());
        }
    }
    Ok(())
}

mod audit;
mod bank;
mod bench;
mod bench_crm;
mod bench_load;
mod bench_pages;
mod bench_reports;
mod bench_search;
mod bench_whatif;
mod bench_writes;
mod clients;
mod crm;
mod report;
mod simulate;
mod targets;
mod tasks;
mod webhooks;

fn print_statements(statements: &[baton_app::payroll::PersonStatement]) {
    use baton_comp::number::rubles;
    for p in statements {
        println!(
            "{} ({}) — {} — {} — {} [{}]: {}",
            p.name,
            p.login,
            p.role,
            p.region,
            p.period,
            p.status,
            rubles(p.total)
        );
        for part in &p.parts {
            if p.parts.len() > 1 {
                println!(
                    "  as {} from {} to {} (plan {}):",
                    part.role, part.from, part.to, part.plan_id
                );
            }
            for l in &part.statement.lines {
                let status = if l.status == "accrued" {
                    String::new()
                } else {
                    format!(" [{}]", baton_catalog::term(lang(), "line", &l.status))
                };
                println!(
                    "    {:<44} {:>16}   = {}{status}",
                    l.label_in(lang()),
                    rubles(l.amount),
                    l.formula_in(lang())
                );
            }
            for w in part.statement.notes_in(lang()) {
                println!("    ! {w}");
            }
        }
        for l in &p.adjustments {
            println!(
                "    {:<44} {:>16}   = {}",
                l.label_in(lang()),
                rubles(l.amount),
                l.formula_in(lang())
            );
        }
    }
}
