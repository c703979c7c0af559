//! `baton simulate …`: plan replay and the structure simulator (issue 6), thin over baton-app.

use anyhow::{Context, Result, bail};
use baton_app::App;
use baton_app::whatif::replay::{PersonReplay, Replay};
use baton_app::whatif::sim::{Band, Origin, ParamRow, PortfolioMode, ProfitMeasure};
use baton_app::whatif::structure::{
    ScenarioSpec, SettingsPatch, StructureAnswer, StructureRequest, run_request,
};
use baton_comp::number::{human, rubles};
use clap::Subcommand;
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum SimulateCmd {
    /// Replay a draft plan on past months: everyone's actual pay against pay under the draft,
    /// the lines that changed, totals and payroll as a share of collections.
    Replay {
        /// The draft plan (docs/plans.md); it replaces the plan of its role.
        #[arg(long)]
        plan: PathBuf,
        /// First month, YYYY-MM.
        #[arg(long)]
        from: String,
        /// Last month, YYYY-MM.
        #[arg(long)]
        to: String,
        /// text or json
        #[arg(long, default_value = "text")]
        format: String,
        #[arg(long, env = "BATON_DB", default_value = crate::DEFAULT_DB)]
        db: String,
    },
    /// Simulate the department's structure: scenarios compared month by month (Monte Carlo),
    /// the verdict, the sensitivity table and the recommended ratio (docs/simulator.md).
    Structure {
        /// brief7 or brief7_whole_clients (domain-brief.md §7).
        #[arg(long, conflicts_with = "from_history")]
        preset: Option<String>,
        /// Estimate the parameters from the database's history (printed with uncertainty).
        #[arg(long)]
        from_history: bool,
        /// Months of history to estimate from.
        #[arg(long, default_value_t = 12)]
        history_months: u32,
        /// A scenario; the first is the baseline: universal:3, conveyor:2,2,1, hybrid:2,3
        /// (callers, universal managers), mix:1,1,1,2. Repeat the option for each.
        #[arg(long = "scenario")]
        scenarios: Vec<String>,
        /// Set a parameter: --set calls_per_day=80 (repeat for each).
        #[arg(long = "set")]
        set: Vec<String>,
        /// Monte Carlo runs (default 1 000; the presets 20 000).
        #[arg(long)]
        runs: Option<u32>,
        /// Horizon in months (default 12).
        #[arg(long)]
        months: Option<u32>,
        #[arg(long)]
        seed: Option<u64>,
        /// evolving or steady
        #[arg(long)]
        portfolio: Option<String>,
        /// value or cash
        #[arg(long)]
        measure: Option<String>,
        /// Runs for the sensitivity table and the recommendation (default min(runs, 200)).
        #[arg(long)]
        side_runs: Option<u32>,
        /// Skip the sensitivity table.
        #[arg(long)]
        no_sensitivity: bool,
        /// Skip the recommendation.
        #[arg(long)]
        no_recommend: bool,
        /// text or json
        #[arg(long, default_value = "text")]
        format: String,
        #[arg(long, env = "BATON_DB", default_value = crate::DEFAULT_DB)]
        db: String,
    },
}

pub fn run(what: SimulateCmd) -> Result<()> {
    match what {
        SimulateCmd::Replay {
            plan,
            from,
            to,
            format,
            db,
        } => {
            if format != "text" && format != "json" {
                bail!("--format «{format}»: use text or json");
            }
            let text = std::fs::read_to_string(&plan)
                .with_context(|| format!("reading {}", plan.display()))?;
            let app = App::open(&db).map_err(crate::fail)?;
            let r = match app.replay(None, &text, &from, &to) {
                Ok(r) => r,
                Err(baton_app::AppError::InvalidPlan(errs)) => {
                    for e in &errs {
                        eprintln!("{}:{}:{}: {}", plan.display(), e.line, e.column, e.message);
                    }
                    bail!("{} problem(s) in {}", errs.len(), plan.display());
                }
                Err(e) => return Err(anyhow::Error::msg(e)),
            };
            if format == "json" {
                println!("{}", serde_json::to_string_pretty(&r)?);
            } else {
                print_replay(&r);
            }
        }
        SimulateCmd::Structure {
            preset,
            from_history,
            history_months,
            scenarios,
            set,
            runs,
            months,
            seed,
            portfolio,
            measure,
            side_runs,
            no_sensitivity,
            no_recommend,
            format,
            db,
        } => {
            if format != "text" && format != "json" {
                bail!("--format «{format}»: use text or json");
            }
            let mut params = std::collections::BTreeMap::new();
            for s in &set {
                let (k, v) = s
                    .split_once('=')
                    .with_context(|| format!("--set «{s}»: write name=value"))?;
                let v = v
                    .trim()
                    .parse()
                    .with_context(|| format!("--set «{s}»: «{v}» is not a number"))?;
                params.insert(k.trim().to_string(), v);
            }
            let settings = SettingsPatch {
                runs,
                horizon_months: months,
                seed,
                portfolio: match portfolio.as_deref() {
                    None => None,
                    Some("evolving") => Some(PortfolioMode::Evolving),
                    Some("steady") => Some(PortfolioMode::Steady),
                    Some(other) => bail!("--portfolio «{other}»: use evolving or steady"),
                },
                measure: match measure.as_deref() {
                    None => None,
                    Some("value") => Some(ProfitMeasure::Value),
                    Some("cash") => Some(ProfitMeasure::Cash),
                    Some(other) => bail!("--measure «{other}»: use value or cash"),
                },
                parameter_uncertainty: None,
            };
            let req = StructureRequest {
                preset,
                from_history,
                history_months: Some(history_months),
                params,
                plans: None,
                scenarios: scenarios.into_iter().map(ScenarioSpec::Text).collect(),
                settings,
                sensitivity: Some(!no_sensitivity),
                recommend: Some(!no_recommend),
                side_runs,
            };
            let started = std::time::Instant::now();
            // The history is read only when asked for: a preset needs no database.
            let answer = if from_history {
                let app = App::open(&db).map_err(crate::fail)?;
                app.simulate_structure(None, req)
            } else {
                run_request(req, None)
            }
            .map_err(crate::fail)?;
            if format == "json" {
                println!("{}", serde_json::to_string_pretty(&answer)?);
            } else {
                print_structure(&answer, started.elapsed().as_secs_f64());
            }
        }
    }
    Ok(())
}

fn pct(v: Option<rust_decimal::Decimal>) -> String {
    // Russian decimal comma, like the money beside it.
    v.map_or_else(|| "—".to_string(), |p| format!("{p:+} %").replace('.', ","))
}

fn person_line(p: &PersonReplay) {
    println!(
        "  {:<34} {:<18} {:>16} → {:>16}  {:>16}  {:>8}",
        format!("{} ({})", p.name, p.login),
        p.role,
        rubles(p.actual),
        rubles(p.draft),
        rubles(p.difference),
        pct(p.change_pct)
    );
    for l in &p.lines {
        println!(
            "      {:<46} {:>16} → {:>16}  {:>16}",
            format!("{}: {}", l.role, l.label),
            rubles(l.actual),
            rubles(l.draft),
            rubles(l.difference)
        );
    }
}

fn print_replay(r: &Replay) {
    println!(
        "Draft «{}» for {} replayed on {} … {} ({} months){}",
        r.plan.name,
        r.plan.role,
        r.from,
        r.to,
        r.months.len(),
        r.region_id
            .as_ref()
            .map(|g| format!(", region {g}"))
            .unwrap_or_default()
    );
    for c in &r.department_changes {
        println!(
            "The department changed its shape on {} ({} role change(s), {} client(s) moved): months before and after it were paid under different roles.",
            c.on, c.roles_changed, c.clients_moved
        );
    }
    println!("Actual: what the plans in force paid (adjustments for earlier months apart).\n");
    for m in &r.months {
        let t = &m.totals;
        println!(
            "{} [{}]: actual {}, draft {}, difference {} ({}); collections {}; payroll share {} → {}{}",
            m.period,
            m.status,
            rubles(t.actual),
            rubles(t.draft),
            rubles(t.difference),
            pct(t.change_pct),
            rubles(t.collections),
            t.actual_share_pct
                .map_or("—".into(), |p| format!("{p} %").replace('.', ",")),
            t.draft_share_pct
                .map_or("—".into(), |p| format!("{p} %").replace('.', ",")),
            if m.changes_since_closed > 0 {
                format!(
                    " ({} change(s) since the period was closed: the draft sees them)",
                    m.changes_since_closed
                )
            } else {
                String::new()
            }
        );
        for p in m.people.iter().filter(|p| !p.difference.is_zero()) {
            person_line(p);
        }
    }
    let winners: Vec<&PersonReplay> = r
        .people
        .iter()
        .filter(|p| p.difference.is_sign_positive() && !p.difference.is_zero())
        .collect();
    let losers: Vec<&PersonReplay> = r.people.iter().filter(|p| p.loses).collect();
    println!(
        "\nOver {} … {}: {} people, {} would gain, {} would lose, {} unchanged.",
        r.from,
        r.to,
        r.people.len(),
        winners.len(),
        losers.len(),
        r.totals.unchanged
    );
    println!(
        "  {:<34} {:<18} {:>16}   {:>16}  {:>16}  {:>8}",
        "person", "role", "actual", "draft", "difference", "change"
    );
    if !winners.is_empty() {
        println!("Winners:");
        for p in winners {
            person_line(p);
        }
    }
    if !losers.is_empty() {
        println!("Losers:");
        for p in losers {
            person_line(p);
        }
    }
    let t = &r.totals;
    println!(
        "Total: actual {}, draft {}, difference {} ({}); adjustments paid apart {}",
        rubles(t.actual),
        rubles(t.draft),
        rubles(t.difference),
        pct(t.change_pct),
        rubles(t.adjustments)
    );
    println!(
        "Payroll as a share of collections ({}): {} actual, {} under the draft.",
        rubles(t.collections),
        t.actual_share_pct
            .map_or("—".into(), |p| format!("{p} %").replace('.', ",")),
        t.draft_share_pct
            .map_or("—".into(), |p| format!("{p} %").replace('.', ","))
    );
}

/// Whole rubles, grouped: «−57 000 ₽».
fn rub(v: rust_decimal::Decimal) -> String {
    format!("{} ₽", human(v.round()))
}

fn band(b: &Band, money: bool) -> String {
    let f = |v: rust_decimal::Decimal| {
        if money { rub(v) } else { human(v.round_dp(2)) }
    };
    format!("{}  (80 %: {} … {})", f(b.median), f(b.p10), f(b.p90))
}

fn print_params(rows: &[ParamRow], only_estimated: bool) {
    for r in rows {
        let interval = match (r.p10, r.p90) {
            (Some(a), Some(b)) => {
                format!("80 %: {} … {}", human(a.round_dp(4)), human(b.round_dp(4)))
            }
            _ => String::new(),
        };
        let origin = match &r.origin {
            Origin::Brief => "domain-brief".to_string(),
            Origin::Assumption => "assumption".to_string(),
            Origin::Edited => "edited".to_string(),
            Origin::Estimated {
                months,
                observations,
            } => format!("{months} months, {observations} observations"),
        };
        if only_estimated && interval.is_empty() {
            continue;
        }
        println!(
            "  {:<26} {:>12}  {:<34} {:<32} {}",
            r.name,
            human(r.value.round_dp(4)),
            r.unit,
            interval,
            origin
        );
    }
}

fn print_structure(a: &StructureAnswer, secs: f64) {
    let s = &a.simulation.comparison.settings;
    println!(
        "Parameters: {}. {} runs × {} months, seed {}, book {}, profit measure {} ({:.1} s).",
        a.params.source,
        s.runs,
        s.horizon_months,
        s.seed,
        match s.portfolio {
            PortfolioMode::Evolving => "evolving",
            PortfolioMode::Steady => "steady",
        },
        match s.measure {
            ProfitMeasure::Value => "value",
            ProfitMeasure::Cash => "cash",
        },
        secs
    );
    if let Some(e) = &a.params.estimates {
        println!(
            "\nEstimated from {} months of history (value, unit, 80 % interval, origin):",
            e.months
        );
        print_params(&a.params.table, true);
        for n in &e.notes {
            println!("  note: {}: {}", n.param.name(), n.text_en);
        }
    }
    println!("\nFigures are a month's average over the horizon: median (80 % band).");
    for (i, r) in a.simulation.comparison.results.iter().enumerate() {
        println!(
            "\n{}{}",
            r.label_en,
            if i == 0 { " (baseline)" } else { "" }
        );
        println!("  new clients a month   {}", band(&r.new_clients, false));
        println!("  collections a month   {}", band(&r.collections, true));
        println!("  payroll a month       {}", band(&r.payroll, true));
        println!("  cost per new client   {}", band(&r.cost_per_client, true));
        println!("  profit a month        {}", band(&r.profit, true));
        if i > 0
            && let Some(d) = a.simulation.comparison.differences.get(i - 1)
        {
            println!(
                "  profit vs baseline    {}; ahead in {} % of runs",
                band(&d.profit, true),
                (d.probability_better * rust_decimal::Decimal::ONE_HUNDRED).round_dp(1)
            );
        }
        for w in &r.warnings {
            println!("  ! {w}");
        }
    }
    for v in &a.simulation.verdicts {
        println!("\nVerdict: {}", v.text_en);
        println!("         {}", v.text_ru);
        for b in &v.break_even {
            println!("  - {}", b.text_en);
        }
    }
    if let Some(t) = &a.simulation.sensitivity {
        println!(
            "\nSensitivity: each parameter ±{} %, median profit difference ({} − {}), ₽ a month; base {}:",
            (t.step * rust_decimal::Decimal::ONE_HUNDRED).round(),
            t.candidate,
            t.baseline,
            rub(t.base)
        );
        println!(
            "  {:<26} {:>10} {:>10} {:>14} {:>14} {:>14}",
            "parameter", "low", "high", "at low", "at high", "swing"
        );
        for r in t.rows.iter().filter(|r| !r.swing.is_zero()) {
            println!(
                "  {:<26} {:>10} {:>10} {:>14} {:>14} {:>14}",
                r.param.name(),
                human(r.low_value),
                human(r.high_value),
                rub(r.low),
                rub(r.high),
                rub(r.swing)
            );
        }
    }
    if let Some(r) = &a.simulation.recommendation {
        println!("\nRecommended ratio: {}", r.text_en);
        println!("                   {}", r.text_ru);
    }
}
