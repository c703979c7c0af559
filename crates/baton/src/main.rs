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
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Serve the API (and, later, the web application).
    Serve {
        #[arg(long, env = "BATON_DB", default_value = DEFAULT_DB)]
        db: String,
        #[arg(long, env = "BATON_ADDR", default_value = "127.0.0.1:8080")]
        addr: String,
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
    /// Import a CSV bundle from DIR. Nothing is written if any row is bad.
    Import {
        dir: PathBuf,
        #[arg(long, env = "BATON_DB", default_value = DEFAULT_DB)]
        db: String,
        /// Check every row and report problems without writing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Every person's statement for a period under the shipped plans (plans/*.toml).
    Payroll {
        /// YYYY-MM
        #[arg(long)]
        period: String,
        /// text or json
        #[arg(long, default_value = "text")]
        format: String,
        #[arg(long, env = "BATON_DB", default_value = DEFAULT_DB)]
        db: String,
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

fn main() -> Result<()> {
    // Behave like other Unix tools when the reader of our output goes away (`baton … | head`):
    // end quietly instead of panicking on a broken pipe.
    // SAFETY: called first thing in main, before any thread exists; SIG_DFL is always valid.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = Cli::parse();
    match cli.cmd {
        Cmd::Serve { db, addr } => {
            let app = App::open(&db)
                .map_err(anyhow::Error::msg)
                .context("opening the database")?;
            println!(
                "Baton serves on http://{addr}/  (API: http://{addr}/api/openapi.json)  database: {db}"
            );
            tokio::runtime::Runtime::new()?
                .block_on(baton_web::serve(app, &addr))
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
                .map_err(anyhow::Error::msg)
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
                    .block_on(baton_web::serve(app, &addr))
                    .context("serving")?;
            }
        }
        Cmd::Migrate { db } => {
            let dbh = baton_store::Db::open(&db).map_err(anyhow::Error::msg)?;
            let applied = baton_store::migrate(&dbh).map_err(anyhow::Error::msg)?;
            if applied.is_empty() {
                println!("Nothing to do: the schema is current.")
            } else {
                println!("Applied: {}", applied.join(", "))
            }
        }
        Cmd::Export { dir, db } => {
            let app = App::open(&db).map_err(anyhow::Error::msg)?;
            let files = app.export(None, &dir).map_err(anyhow::Error::msg)?;
            let total: u64 = files.iter().map(|f| f.1).sum();
            println!(
                "Exported {total} rows in {} files to {}",
                files.len(),
                dir.display()
            );
        }
        Cmd::Import { dir, db, dry_run } => {
            let app = App::open(&db).map_err(anyhow::Error::msg)?;
            let started = Instant::now();
            match app.import(None, &dir, dry_run) {
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
                    eprintln!(
                        "The bundle has {} problems; nothing was written:",
                        rows.len()
                    );
                    for p in &rows {
                        eprintln!(
                            "  {}:{} column «{}»: {}",
                            p.file, p.line, p.column, p.reason
                        );
                    }
                    std::process::exit(2);
                }
                Err(e) => return Err(anyhow::Error::msg(e)),
            }
        }
        Cmd::Bench {
            what: Bench::Import { scale, runs, pg },
        } => bench::import(scale, runs, pg)?,
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
            let app = App::open(&db).map_err(anyhow::Error::msg)?;
            let region_id = match region {
                Some(code) => Some(
                    app.regions()
                        .map_err(anyhow::Error::msg)?
                        .into_iter()
                        .find(|r| r.code == code)
                        .map(|r| r.id)
                        .with_context(|| format!("no region with code «{code}»"))?,
                ),
                None => None,
            };
            let e = app
                .create_employee(
                    None,
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
                .map_err(anyhow::Error::msg)?;
            println!("Added {} ({}) with id {}", e.name, e.login, e.id);
        }
        Cmd::Payroll { period, format, db } => {
            let app = App::open(&db).map_err(anyhow::Error::msg)?;
            let statements = app.payroll(None, &period).map_err(anyhow::Error::msg)?;
            match format.as_str() {
                "json" => println!("{}", serde_json::to_string_pretty(&statements)?),
                "text" => {
                    for p in &statements {
                        let total = baton_comp::number::rubles(p.statement.total);
                        println!(
                            "{} ({}) — {} — {} — {}: {}",
                            p.name, p.login, p.role, p.region, p.period, total
                        );
                        for l in &p.statement.lines {
                            println!(
                                "    {:<44} {:>16}   = {}",
                                l.label,
                                baton_comp::number::rubles(l.amount),
                                l.formula
                            );
                        }
                        for w in &p.statement.warnings {
                            println!("    ! {w}");
                        }
                    }
                }
                other => bail!("--format «{other}»: use text or json"),
            }
        }
        Cmd::Config {
            what: ConfigCmd::Show { db },
        } => {
            let app = App::open(&db).map_err(anyhow::Error::msg)?;
            println!(
                "{}",
                serde_json::to_string_pretty(&app.config().map_err(anyhow::Error::msg)?)?
            );
        }
        Cmd::Config {
            what: ConfigCmd::Set { file, db },
        } => {
            let app = App::open(&db).map_err(anyhow::Error::msg)?;
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("reading {}", file.display()))?;
            let cfg: baton_domain::ConveyorConfig = serde_json::from_str(&text).map_err(|e| {
                anyhow::anyhow!("{}:{}:{}: {e}", file.display(), e.line(), e.column())
            })?;
            app.set_config_unchecked_actor(cfg)
                .map_err(anyhow::Error::msg)?;
            println!("Configuration replaced from {}", file.display());
        }
    }
    Ok(())
}

mod bench;
