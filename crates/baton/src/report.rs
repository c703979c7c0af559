//! `baton report …`: the head of sales' instruments (issue 4), thin over baton-app. Text tables
//! print aligned with Russian number formatting; `--format json` prints what the API serves.

use anyhow::{Context, Result, bail};
use baton_analytics::diagnosis::{Lang, RateInterval};
use baton_analytics::funnel::Funnel;
use baton_analytics::pairs::PairRow;
use baton_analytics::plan_fact::Kind;
use baton_app::App;
use baton_app::insight::alerts::Trigger;
use baton_app::insight::funnel::FunnelSlice;
use baton_domain::Money;
use clap::Subcommand;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::Serialize;

const DEFAULT_DB: &str = "sqlite://data/baton.db";

#[derive(Subcommand)]
pub enum ReportCmd {
    /// The caller × sales-manager matrix of warm leads handed in the months, with the weak-link
    /// diagnosis in words.
    Matrix {
        /// First month, YYYY-MM.
        #[arg(long)]
        from: String,
        /// Last month, YYYY-MM.
        #[arg(long)]
        to: String,
        /// Region code (default: every region).
        #[arg(long)]
        region: Option<String>,
        /// text or json.
        #[arg(long, default_value = "text")]
        format: String,
        #[arg(long, env = "BATON_DB", default_value = DEFAULT_DB)]
        db: String,
    },
    /// Only the weak-link diagnosis (the conclusion of `report matrix`): in words, or with
    /// every person's assessment as JSON or CSV.
    Diagnosis {
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: String,
        #[arg(long)]
        region: Option<String>,
        #[arg(long, default_value = "text")]
        format: String,
        #[arg(long, env = "BATON_DB", default_value = DEFAULT_DB)]
        db: String,
    },
    /// The funnel across the roles, by cohort and by activity.
    Funnel {
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: String,
        #[arg(long)]
        region: Option<String>,
        /// A person's login: the companies where they were caller, sales or client manager.
        #[arg(long)]
        person: Option<String>,
        /// Lead source.
        #[arg(long)]
        source: Option<String>,
        #[arg(long, default_value = "text")]
        format: String,
        #[arg(long, env = "BATON_DB", default_value = DEFAULT_DB)]
        db: String,
    },
    /// Receivables aging per client manager and overall, with DSO.
    Aging {
        /// The day, YYYY-MM-DD (default: today).
        #[arg(long)]
        as_of: Option<String>,
        /// DSO window in days.
        #[arg(long, default_value_t = 90)]
        dso_days: i64,
        #[arg(long)]
        region: Option<String>,
        #[arg(long, default_value = "text")]
        format: String,
        #[arg(long, env = "BATON_DB", default_value = DEFAULT_DB)]
        db: String,
    },
    /// Cost per client by month and region; `costs add` enters another acquisition cost.
    Costs {
        #[command(subcommand)]
        what: CostsCmd,
    },
    /// Alerts raised today by the rules (evaluated now).
    Alerts {
        #[arg(long)]
        region: Option<String>,
        /// A sales manager with no new client for this many months. Each of these four
        /// defaults to the standing rules (`baton report alerts rules`; 3, 14, 3 and 30 until set).
        #[arg(long, global = true)]
        no_new_client_months: Option<u32>,
        /// A deal with no activity for this many days.
        #[arg(long, global = true)]
        stale_deal_days: Option<i64>,
        /// A client with no order (invoice) for this many months.
        #[arg(long, global = true)]
        no_order_months: Option<u32>,
        /// Handoffs with the checklist overridden (required items empty) over this many days.
        #[arg(long, global = true)]
        override_days: Option<i64>,
        /// Leave out the acknowledged alerts.
        #[arg(long)]
        open: bool,
        #[arg(long, default_value = "text", global = true)]
        format: String,
        #[arg(long, env = "BATON_DB", default_value = DEFAULT_DB, global = true)]
        db: String,
        #[command(subcommand)]
        what: Option<AlertsCmd>,
    },
    /// Portfolio retention: clients and revenue kept, NRR and GRR.
    Retention {
        /// The last month of the current window, YYYY-MM.
        #[arg(long)]
        to: String,
        /// Window length in months (the base window is the same length before it). Default: the
        /// longest windows the history holds, at most 12.
        #[arg(long)]
        months: Option<u32>,
        #[arg(long)]
        region: Option<String>,
        #[arg(long, default_value = "text")]
        format: String,
        #[arg(long, env = "BATON_DB", default_value = DEFAULT_DB)]
        db: String,
    },
    /// Plan against fact: every target of the period against the metric's actual value, with
    /// the attainment and the region's sums for money and count metrics.
    PlanFact {
        /// The month, YYYY-MM.
        #[arg(long)]
        period: String,
        #[arg(long)]
        region: Option<String>,
        #[arg(long, default_value = "text")]
        format: String,
        #[arg(long, env = "BATON_DB", default_value = DEFAULT_DB)]
        db: String,
    },
}

#[derive(Subcommand)]
pub enum AlertsCmd {
    /// Acknowledge an alert by its key (shown with each alert).
    Ack { key: String },
    /// Evaluate the standing rules now and bring the alert log up to date (the server does
    /// this after every write and once a minute; run it from cron when no server runs).
    Evaluate,
    /// The alert log, newest first: when and after what each alert was raised, and cleared.
    Log {
        /// Only the alerts the rules still raise.
        #[arg(long)]
        open: bool,
        #[arg(long, default_value_t = 1)]
        page: i64,
        #[arg(long, default_value_t = 50)]
        per_page: i64,
    },
    /// Show the standing rules; with any of the rule options, set them (then evaluate).
    Rules,
}

#[derive(Subcommand)]
pub enum CostsCmd {
    /// The cost per client for the months.
    Show {
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: String,
        #[arg(long)]
        region: Option<String>,
        /// N of "revenue per new client in its first N months".
        #[arg(long, default_value_t = 3)]
        revenue_months: u32,
        #[arg(long, default_value = "text")]
        format: String,
        #[arg(long, env = "BATON_DB", default_value = DEFAULT_DB)]
        db: String,
    },
    /// Enter an acquisition cost other than pay for a month and region.
    Add {
        /// YYYY-MM
        #[arg(long)]
        month: String,
        /// Region code.
        #[arg(long)]
        region: String,
        /// telephony, lists, ads, software, other …
        #[arg(long)]
        kind: String,
        /// Rubles, e.g. 15000 or 15 000,50.
        #[arg(long)]
        amount: String,
        #[arg(long)]
        note: Option<String>,
        #[arg(long, env = "BATON_DB", default_value = DEFAULT_DB)]
        db: String,
    },
}

fn open(db: &str) -> Result<App> {
    App::open(db)
        .map_err(crate::fail)
        .context("opening the database")
}

/// `--lang`.
fn lang() -> Lang {
    crate::lang()
}

thread_local! {
    /// `--format csv`: the tables are written as CSV and the prose around them is left out.
    static CSV: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

fn csv_mode() -> bool {
    CSV.with(|c| c.get())
}

/// Prose around the tables: printed in the text format only.
macro_rules! say {
    ($($t:tt)*) => {
        if !csv_mode() {
            println!($($t)*);
        }
    };
}

/// The diagnosis as data: the window, the conclusion in words and as a code, and everyone's
/// assessment by name.
#[derive(Serialize)]
struct DiagnosisOut {
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
    region: Option<String>,
    /// weak_link, most_likely, no_one_below or not_enough_data.
    conclusion: &'static str,
    /// The person the conclusion names (weak link or most likely).
    named: Option<String>,
    probability: Option<f64>,
    probability_no_one: Option<f64>,
    text: String,
    accepted: u64,
    converted: u64,
    people: Vec<AssessedOut>,
}

#[derive(Serialize)]
struct AssessedOut {
    name: String,
    role: &'static str,
    accepted: u64,
    converted: u64,
    conversion: f64,
    probability_below: Option<f64>,
    /// below, not_below or not_enough_data.
    verdict: &'static str,
}

fn diagnosis_out(
    r: &baton_app::insight::matrix::MatrixReport,
    l: baton_analytics::diagnosis::Lang,
) -> DiagnosisOut {
    use baton_analytics::diagnosis::{Conclusion, Role, Verdict};
    let pm = &r.matrix;
    let d = &pm.diagnosis;
    let who = |role: Role, id: i64| r.name(pm.person_id(role, id).unwrap_or(""));
    let (conclusion, named, probability) = match &d.conclusion {
        Conclusion::WeakLink {
            role,
            id,
            probability,
        } => ("weak_link", Some(who(*role, *id)), Some(*probability)),
        Conclusion::MostLikely {
            role,
            id,
            probability,
            ..
        } => ("most_likely", Some(who(*role, *id)), Some(*probability)),
        Conclusion::NoOneBelow => ("no_one_below", None, None),
        Conclusion::NotEnoughData { .. } => ("not_enough_data", None, None),
    };
    DiagnosisOut {
        from: r.from,
        to: r.to,
        region: r.region.clone(),
        conclusion,
        named,
        probability,
        probability_no_one: d.probability_no_one,
        text: r.conclusion(l).to_string(),
        accepted: d.accepted,
        converted: d.converted,
        people: d
            .people
            .iter()
            .map(|p| AssessedOut {
                name: who(p.role, p.id),
                role: match p.role {
                    Role::Caller => "caller",
                    Role::SalesManager => "sales_manager",
                },
                accepted: p.accepted,
                converted: p.converted,
                conversion: p.conversion.rate,
                probability_below: p.probability_below,
                verdict: match p.verdict {
                    Verdict::CrediblyBelow { .. } => "below",
                    Verdict::NotEnoughData { .. } => "not_enough_data",
                    _ => "not_below",
                },
            })
            .collect(),
    }
}

fn json_or_text<T: Serialize>(format: &str, v: &T, text: impl FnOnce(&T)) -> Result<()> {
    match format {
        "json" => println!("{}", serde_json::to_string_pretty(v)?),
        "text" => text(v),
        "csv" => {
            CSV.with(|c| c.set(true));
            text(v);
        }
        _ => bail!("--format «{format}»: write text, json or csv"),
    }
    Ok(())
}

/// A cell as Russian Excel reads it: `1 234,56 ₽` becomes `1234,56`, `12,5 %` becomes `12,5%`.
fn csv_cell(c: &str) -> String {
    let c = match c.strip_suffix("\u{a0}₽") {
        Some(amount) => amount.replace(['\u{a0}', ' '], ""),
        None => c.replace(" %", "%"),
    };
    // A name such as `=HYPERLINK(…)` must not become a formula in the spreadsheet.
    baton_app::export::cell(&c).into_owned()
}

/// CSV with `;` between fields (what Russian Excel splits on); tables are separated by a blank line.
fn csv_table(header: &[&str], rows: &[Vec<String>]) {
    use std::sync::atomic::{AtomicBool, Ordering};
    static FIRST: AtomicBool = AtomicBool::new(true);
    if !FIRST.swap(false, Ordering::Relaxed) {
        println!();
    }
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(std::io::stdout());
    let _ = w.write_record(header);
    for r in rows {
        let _ = w.write_record(r.iter().map(|c| csv_cell(c)));
    }
    let _ = w.flush();
}

/// 12,5 %
fn pct(x: Option<f64>) -> String {
    x.map(|x| format!("{:.1} %", x * 100.0).replace('.', ","))
        .unwrap_or_else(|| "—".into())
}

fn interval(r: &Option<RateInterval>) -> String {
    match r {
        Some(r) => format!(
            "{} [{}–{}]",
            pct(Some(r.rate)),
            pct(Some(r.low)).trim_end_matches(" %"),
            pct(Some(r.high))
        ),
        None => "—".into(),
    }
}

fn days(x: Option<f64>) -> String {
    x.map(|d| format!("{d:.1}").replace('.', ","))
        .unwrap_or_else(|| "—".into())
}

/// Prints rows aligned: the first column left, the others right.
fn table(header: &[&str], rows: &[Vec<String>]) {
    if csv_mode() {
        return csv_table(header, rows);
    }
    let n = header.len();
    let mut w: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate().take(n) {
            w[i] = w[i].max(c.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let s: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let pad = " ".repeat(w[i].saturating_sub(c.chars().count()));
                if i == 0 {
                    format!("{c}{pad}")
                } else {
                    format!("{pad}{c}")
                }
            })
            .collect();
        println!("{}", s.join("  ").trim_end());
    };
    line(header.to_vec());
    for r in rows {
        line(r.iter().map(String::as_str).collect());
    }
}

fn pair_cells(name: String, p: &PairRow) -> Vec<String> {
    vec![
        name,
        p.handed.to_string(),
        p.accepted.to_string(),
        p.rejected.to_string(),
        p.converted.to_string(),
        interval(&p.conversion),
        p.open.to_string(),
        p.collections.to_human(),
    ]
}

fn print_funnel(title: &str, f: &Funnel) {
    say!("\n{title}");
    // The activity view is throughput: counts only, no ratio between steps.
    let cohort = f.view == baton_analytics::funnel::View::Cohort;
    let rows: Vec<Vec<String>> = f
        .steps
        .iter()
        .map(|s| {
            let mut row = vec![s.step.to_string(), s.count.to_string()];
            if cohort {
                row.push(pct(s.from_previous));
                row.push(pct(s.eventual_from_previous));
                row.push(s.open.map_or_else(|| "—".into(), |n| n.to_string()));
            }
            row.push(days(s.median_days_from_previous));
            row
        })
        .collect();
    let header: &[&str] = if cohort {
        &[
            "step",
            "companies",
            "from previous",
            "eventually",
            "open",
            "median days",
        ]
    } else {
        &["step", "count", "median days"]
    };
    table(header, &rows);
}

pub fn run(what: ReportCmd) -> Result<()> {
    match what {
        ReportCmd::Matrix {
            from,
            to,
            region,
            format,
            db,
        } => {
            let l = lang();
            let app = open(&db)?;
            let r = app
                .matrix(None, &from, &to, region.as_deref())
                .map_err(crate::fail)?;
            json_or_text(&format, &r, |r| {
                say!(
                    "Caller × sales manager, leads handed {} – {}{}; collections: from the win through {} days",
                    r.from,
                    r.to,
                    r.region
                        .as_deref()
                        .map(|c| format!(", region {c}"))
                        .unwrap_or_default(),
                    r.hunter_window_days
                );
                let header = [
                    "pair",
                    "handed",
                    "accepted",
                    "rejected",
                    "converted",
                    "conversion [95 %]",
                    "open",
                    "collections",
                ];
                let mut rows: Vec<Vec<String>> = r
                    .matrix
                    .pairs
                    .iter()
                    .map(|p| {
                        pair_cells(
                            format!("{} × {}", r.name(&p.caller), r.name(&p.sales_manager)),
                            p,
                        )
                    })
                    .collect();
                rows.extend(
                    r.matrix
                        .callers
                        .iter()
                        .map(|p| pair_cells(format!("{} × all", r.name(&p.caller)), p)),
                );
                rows.extend(
                    r.matrix
                        .sales_managers
                        .iter()
                        .map(|p| pair_cells(format!("all × {}", r.name(&p.sales_manager)), p)),
                );
                rows.push(pair_cells("department".into(), &r.matrix.total));
                table(&header, &rows);
                // "open": accepted, not paid yet, younger than the department's 90 % lag.
                if let Some(lag) = r.matrix.lag {
                    say!(
                        "\nFrom acceptance to the first payment: median {} days, nine in ten by {}; \
                         \"open\" leads are younger than that and not yet paid",
                        lag.median_days,
                        lag.p90_days
                    );
                }
                say!("\nRejections by reason");
                let reasons = |p: &PairRow| {
                    p.rejected_by_reason
                        .iter()
                        .map(|(k, v)| format!("{k} {v}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                for p in &r.matrix.callers {
                    say!("  {}: {}", r.name(&p.caller), reasons(p));
                }
                say!("  department: {}", reasons(&r.matrix.total));
                say!("\n{}", r.conclusion(l));
            })?;
        }
        ReportCmd::Diagnosis {
            from,
            to,
            region,
            format,
            db,
        } => {
            let l = lang();
            let r = open(&db)?
                .matrix(None, &from, &to, region.as_deref())
                .map_err(crate::fail)?;
            let out = diagnosis_out(&r, l);
            match format.as_str() {
                "text" => say!("{}", r.conclusion(l)),
                _ => json_or_text(&format, &out, |o| {
                    let header = [
                        "person",
                        "role",
                        "accepted",
                        "converted",
                        "conversion",
                        "probability_below",
                        "verdict",
                    ];
                    let rows: Vec<Vec<String>> = o
                        .people
                        .iter()
                        .map(|p| {
                            vec![
                                p.name.clone(),
                                p.role.into(),
                                p.accepted.to_string(),
                                p.converted.to_string(),
                                pct(Some(p.conversion)),
                                pct(p.probability_below),
                                p.verdict.into(),
                            ]
                        })
                        .collect();
                    table(&header, &rows);
                })?,
            }
        }
        ReportCmd::Funnel {
            from,
            to,
            region,
            person,
            source,
            format,
            db,
        } => {
            let r = open(&db)?
                .funnel(
                    None,
                    &from,
                    &to,
                    &FunnelSlice {
                        region,
                        person,
                        source,
                    },
                )
                .map_err(crate::fail)?;
            json_or_text(&format, &r, |r| {
                say!(
                    "Funnel {} – {}{}{}{}; calls in the period: {} ({} reached the decision maker)",
                    r.from,
                    r.to,
                    r.region
                        .as_deref()
                        .map(|c| format!(", region {c}"))
                        .unwrap_or_default(),
                    r.person
                        .as_deref()
                        .map(|c| format!(", person {c}"))
                        .unwrap_or_default(),
                    r.source
                        .as_deref()
                        .map(|c| format!(", source {c}"))
                        .unwrap_or_default(),
                    r.calls_in_period,
                    r.dm_calls_in_period
                );
                print_funnel(
                    "BY COHORT: companies first called in the period, followed to today (conversion of the same companies)",
                    &r.by_cohort,
                );
                print_funnel(
                    "BY ACTIVITY: the period's events by their dates (calls, DM conversations, warm leads handed and accepted, meetings) and the companies reaching their first contract, first payment and second order in it (throughput: counts only, not a conversion)",
                    &r.by_activity,
                );
            })?;
        }
        ReportCmd::Aging {
            as_of,
            dso_days,
            region,
            format,
            db,
        } => {
            let r = open(&db)?
                .aging(None, as_of.as_deref(), Some(dso_days), region.as_deref())
                .map_err(crate::fail)?;
            json_or_text(&format, &r, |r| {
                say!(
                    "Receivables on {}{}; DSO = {} days × receivables / revenue invoiced in those days",
                    r.aging.as_of,
                    r.region
                        .as_deref()
                        .map(|c| format!(", region {c}"))
                        .unwrap_or_default(),
                    r.aging.dso_window_days
                );
                let name = |id: &Option<String>| match id {
                    Some(id) => r
                        .people
                        .iter()
                        .find(|p| &p.id == id)
                        .map(|p| format!("{} ({})", p.name, p.login))
                        .unwrap_or_else(|| id.clone()),
                    None => "no client manager".into(),
                };
                let cells = |n: String, x: &baton_analytics::aging::AgingRow| {
                    let b = &x.buckets;
                    vec![
                        n,
                        b.not_due.to_human(),
                        b.d0_30.to_human(),
                        b.d31_60.to_human(),
                        b.d61_90.to_human(),
                        b.d90_plus.to_human(),
                        b.total.to_human(),
                        days(x.dso_days),
                    ]
                };
                let mut rows: Vec<Vec<String>> = r
                    .aging
                    .rows
                    .iter()
                    .map(|x| cells(name(&x.owner), x))
                    .collect();
                rows.push(cells("total".into(), &r.aging.total));
                table(
                    &[
                        "client manager",
                        "not due",
                        "0–30",
                        "31–60",
                        "61–90",
                        "90+",
                        "total",
                        "DSO",
                    ],
                    &rows,
                );
            })?;
        }
        ReportCmd::Costs { what } => costs(what)?,
        ReportCmd::Alerts {
            region,
            no_new_client_months,
            stale_deal_days,
            no_order_months,
            override_days,
            open: only_open,
            format,
            db,
            what,
        } => {
            let app = open(&db)?;
            let standing = app.alert_rules().map_err(crate::fail)?;
            let params = baton_analytics::alerts::AskedParams {
                no_new_client_months,
                stale_deal_days,
                no_order_months,
                override_days,
            }
            .over(standing);
            match what {
                Some(AlertsCmd::Ack { key }) => {
                    let actor = crate::named(&app, "alerts ack")?;
                    let a = app.ack_alert(Some(&actor), &key).map_err(crate::fail)?;
                    return json_or_text(&format, &a, |a| {
                        say!("acknowledged {} at {}", a.id, a.acknowledged_at)
                    });
                }
                Some(AlertsCmd::Evaluate) => {
                    let c = app.evaluate_alerts(Trigger::Command).map_err(crate::fail)?;
                    return json_or_text(&format, &c, |c| {
                        say!(
                            "raised {}, cleared {}, changed {}",
                            c.raised.len(),
                            c.cleared.len(),
                            c.updated
                        );
                        for k in &c.raised {
                            say!("  raised  {k}");
                        }
                        for k in &c.cleared {
                            say!("  cleared {k}");
                        }
                    });
                }
                Some(AlertsCmd::Log {
                    open: only_open,
                    page,
                    per_page,
                }) => {
                    let log = app
                        .alert_log(
                            None,
                            region.as_deref(),
                            only_open,
                            baton_app::Paging::new(Some(page), Some(per_page)),
                        )
                        .map_err(crate::fail)?;
                    let tz = app.config().map_err(crate::fail)?.tz();
                    // Shown in the company's time zone, as on the pages.
                    let local = |s: &str| {
                        chrono::DateTime::parse_from_rfc3339(s).map_or_else(
                            |_| s.to_string(),
                            |t| t.with_timezone(&tz).format("%d.%m.%Y %H:%M").to_string(),
                        )
                    };
                    return json_or_text(&format, &log, |log| {
                        say!(
                            "Alert log: {} alerts, page {} of {}",
                            log.total,
                            log.page,
                            (log.total + log.per_page - 1) / log.per_page.max(1)
                        );
                        let rows: Vec<Vec<String>> = log
                            .items
                            .iter()
                            .map(|a| {
                                vec![
                                    local(&a.row.raised_at),
                                    a.row.cleared_at.as_deref().map(local).unwrap_or_default(),
                                    a.row.rule.clone(),
                                    a.person.clone(),
                                    a.row.raised_after.clone(),
                                    a.row.message.clone(),
                                ]
                            })
                            .collect();
                        table(
                            &["raised", "cleared", "rule", "person", "after", "message"],
                            &rows,
                        );
                    });
                }
                Some(AlertsCmd::Rules) => {
                    let changed = params != standing;
                    let p = if changed {
                        let actor = crate::named(&app, "alerts rules")?;
                        let p = app
                            .set_alert_rules(Some(&actor), params)
                            .map_err(crate::fail)?;
                        say!("the standing rules are set and evaluated");
                        p
                    } else {
                        standing
                    };
                    return json_or_text(&format, &p, |p| {
                        say!(
                            "no new client: {} months\nstale deal: {} days\nno order: {} months\nchecklist overrides over: {} days",
                            p.no_new_client_months,
                            p.stale_deal_days,
                            p.no_order_months,
                            p.override_days
                        );
                    });
                }
                None => {}
            }
            let r = app
                .alerts_open(None, region.as_deref(), params, only_open)
                .map_err(crate::fail)?;
            json_or_text(&format, &r, |r| {
                say!(
                    "Alerts on {}{}: {}",
                    r.today,
                    r.region
                        .as_deref()
                        .map(|c| format!(", region {c}"))
                        .unwrap_or_default(),
                    r.alerts.len()
                );
                for a in &r.alerts {
                    say!("\n[{}] {}\n  do: {}", a.rule, a.message, a.action);
                    say!("  key: {}", a.key);
                    if let Some(at) = &a.acknowledged_at {
                        say!(
                            "  acknowledged by {} at {at}",
                            a.acknowledged_by.as_deref().unwrap_or("?")
                        );
                    }
                    if !a.records.is_empty() {
                        let shown: Vec<String> = a
                            .records
                            .iter()
                            .zip(&a.record_names)
                            .take(5)
                            .map(|(id, name)| {
                                if name == id {
                                    id.clone()
                                } else {
                                    format!("{name} ({id})")
                                }
                            })
                            .collect();
                        let more = a.records.len().saturating_sub(5);
                        say!(
                            "  records: {}{}",
                            shown.join(", "),
                            if more > 0 {
                                format!(" and {more} more")
                            } else {
                                String::new()
                            }
                        );
                    }
                }
            })?;
        }
        ReportCmd::Retention {
            to,
            months,
            region,
            format,
            db,
        } => {
            let r = open(&db)?
                .retention(None, &to, months, region.as_deref())
                .map_err(crate::fail)?;
            json_or_text(&format, &r, |r| {
                say!(
                    "Retention: collections {} – {} against {} – {}{}",
                    r.current_from,
                    r.current_to,
                    r.base_from,
                    r.base_to,
                    r.region
                        .as_deref()
                        .map(|c| format!(", region {c}"))
                        .unwrap_or_default()
                );
                if !r.base_covered {
                    say!(
                        "The history holds {} month(s) of payments back from {}: the base window starts before it, so the clients' base revenue is partial and NRR overstates. Leave out --months for windows that fit.",
                        r.history_months,
                        r.current_to.format("%Y-%m")
                    );
                }
                let name = |id: &Option<String>| match id {
                    Some(id) => r
                        .people
                        .iter()
                        .find(|p| &p.id == id)
                        .map(|p| format!("{} ({})", p.name, p.login))
                        .unwrap_or_else(|| id.clone()),
                    None => "no client manager".into(),
                };
                let cells = |n: String, x: &baton_analytics::retention::Retention| {
                    vec![
                        n,
                        format!("{} / {}", x.clients_kept, x.clients_at_start),
                        x.start_revenue.to_human(),
                        x.expansion.to_human(),
                        x.contraction.to_human(),
                        x.churn.to_human(),
                        pct(x.nrr),
                        pct(x.grr),
                        pct(x.logo_churn),
                        format!("{} ({})", x.new_clients, x.new_revenue.to_human()),
                    ]
                };
                let mut rows: Vec<Vec<String>> = r
                    .retention
                    .rows
                    .iter()
                    .map(|x| cells(name(&x.owner), x))
                    .collect();
                rows.push(cells("total".into(), &r.retention.total));
                table(
                    &[
                        "client manager",
                        "kept / at start",
                        "start revenue",
                        "expansion",
                        "contraction",
                        "churn",
                        "NRR",
                        "GRR",
                        "logo churn",
                        "new clients",
                    ],
                    &rows,
                );
            })?;
        }
        ReportCmd::PlanFact {
            period,
            region,
            format,
            db,
        } => {
            let r = open(&db)?
                .plan_fact(None, &period, region.as_deref())
                .map_err(crate::fail)?;
            json_or_text(&format, &r, |r| {
                say!(
                    "Plan against fact, {}{}",
                    r.period,
                    r.region
                        .as_deref()
                        .map(|c| format!(", region {c}"))
                        .unwrap_or_default()
                );
                let rows: Vec<Vec<String>> = r
                    .rows
                    .iter()
                    .map(|x| {
                        vec![
                            format!("{} ({})", x.person.name, x.person.login),
                            x.region.clone().unwrap_or_default(),
                            x.metric.clone(),
                            value(x.kind, Some(x.target)),
                            value(x.kind, x.actual),
                            percent(x.attainment),
                        ]
                    })
                    .collect();
                table(
                    &[
                        "person",
                        "region",
                        "metric",
                        "target",
                        "actual",
                        "attainment",
                    ],
                    &rows,
                );
                if !r.sums.is_empty() {
                    println!();
                    let rows: Vec<Vec<String>> = r
                        .sums
                        .iter()
                        .map(|x| {
                            vec![
                                x.region.clone().unwrap_or_else(|| "no region".into()),
                                x.metric.clone(),
                                x.people.to_string(),
                                value(x.kind, Some(x.target)),
                                value(x.kind, Some(x.actual)),
                                percent(x.attainment),
                            ]
                        })
                        .collect();
                    table(
                        &[
                            "region",
                            "metric",
                            "people",
                            "target",
                            "actual",
                            "attainment",
                        ],
                        &rows,
                    );
                }
            })?;
        }
    }
    Ok(())
}

/// A metric's value with Russian formatting: money in rubles, counts whole, ratios as they are.
fn value(kind: Kind, v: Option<Decimal>) -> String {
    let Some(v) = v else { return "—".into() };
    match kind {
        Kind::Money => (v * Decimal::from(100))
            .round()
            .to_i64()
            .map(|k| Money::from_kopecks(k).to_human())
            .unwrap_or_else(|| v.to_string()),
        Kind::Count | Kind::Ratio => v.normalize().to_string().replace('.', ","),
    }
}

/// 100,0 %
fn percent(v: Option<Decimal>) -> String {
    v.map(|p| format!("{p} %").replace('.', ","))
        .unwrap_or_else(|| "—".into())
}

fn costs(what: CostsCmd) -> Result<()> {
    match what {
        CostsCmd::Add {
            month,
            region,
            kind,
            amount,
            note,
            db,
        } => {
            let amount: baton_domain::Money = amount.parse().map_err(|e| anyhow::anyhow!("{e}"))?;
            let app = open(&db)?;
            let actor = crate::named(&app, "costs add")?;
            let c = app
                .add_cost(
                    Some(&actor),
                    baton_app::insight::costs::NewCost {
                        month,
                        region,
                        kind,
                        amount,
                        note,
                    },
                )
                .map_err(crate::fail)?;
            say!(
                "Entered {} {} for {} ({})",
                c.kind,
                c.amount.to_human(),
                c.month,
                c.id
            );
        }
        CostsCmd::Show {
            from,
            to,
            region,
            revenue_months,
            format,
            db,
        } => {
            let r = open(&db)?
                .costs(None, &from, &to, region.as_deref(), Some(revenue_months))
                .map_err(crate::fail)?;
            json_or_text(&format, &r, |r| {
                say!(
                    "Cost per client {} – {}; revenue per new client over its first {} months",
                    r.from,
                    r.to,
                    r.revenue_months
                );
                let m = |x: Option<baton_domain::Money>| {
                    x.map(|v| v.to_human()).unwrap_or_else(|| "—".into())
                };
                let rows: Vec<Vec<String>> = r
                    .rows
                    .iter()
                    .map(|x| {
                        vec![
                            format!("{} {}", x.month, x.region.as_deref().unwrap_or("all")),
                            x.inputs.caller_pay.to_human(),
                            x.inputs.sales_pay.to_human(),
                            x.inputs.other_costs.to_human(),
                            x.inputs.new_clients.to_string(),
                            m(x.cost_per_client),
                            x.inputs.accepted_leads.to_string(),
                            m(x.cost_per_accepted_lead),
                            m(x.cost_to_serve_per_client),
                            m(x.revenue_per_new_client),
                            days(x.payback_months),
                        ]
                    })
                    .collect();
                table(
                    &[
                        "month region",
                        "callers' pay",
                        "sales pay",
                        "other costs",
                        "new clients",
                        "per client",
                        "accepted",
                        "per lead",
                        "serve/client",
                        "revenue/client",
                        "payback, months",
                    ],
                    &rows,
                );
            })?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::csv_cell;

    #[test]
    fn csv_cells_are_numbers_russian_excel_reads() {
        assert_eq!(csv_cell("1\u{a0}234\u{a0}567,89\u{a0}₽"), "1234567,89");
        assert_eq!(csv_cell("−500,00\u{a0}₽"), "−500,00");
        assert_eq!(csv_cell("12,5 %"), "12,5%");
        assert_eq!(csv_cell("Анна (um1.msk)"), "Анна (um1.msk)");
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
    }
}
