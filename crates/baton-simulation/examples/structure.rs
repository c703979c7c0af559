//! Prints the figures of `docs/simulator.md`:
//!
//! ```text
//! cargo run --release -p baton-simulation --example structure -- brief7
//! cargo run --release -p baton-simulation --example structure -- lenses
//! cargo run --release -p baton-simulation --example structure -- sensitivity
//! cargo run --release -p baton-simulation --example structure -- recommend
//! cargo run --release -p baton-simulation --example structure -- calibrate 1000 2026
//! cargo run --release -p baton-simulation --example structure -- json
//! ```

use baton_simulation::structure::*;
use rust_decimal::Decimal;
use std::time::Instant;

fn main() -> Result<(), SimError> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str).unwrap_or("brief7") {
        "brief7" => brief7(),
        "lenses" => lenses(),
        "sensitivity" => sens(),
        "recommend" => rec(),
        "calibrate" => {
            let n = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(1000);
            let seed = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(2026);
            let t = Instant::now();
            let r = calibrate(n, seed);
            println!("{r:#?}\n({:.2} s)", t.elapsed().as_secs_f64());
            Ok(())
        }
        "json" => {
            let p = Preset::brief7();
            let s = Settings {
                runs: 200,
                ..p.settings
            };
            let r = compare(&p.params, &p.plans, &[p.baseline, p.candidate], &s)?;
            println!("{}", serde_json::to_string_pretty(&r).unwrap_or_default());
            Ok(())
        }
        other => {
            eprintln!(
                "unknown command «{other}»: brief7, lenses, sensitivity, recommend, calibrate N SEED, json"
            );
            Ok(())
        }
    }
}

fn brief7() -> Result<(), SimError> {
    for p in [Preset::brief7(), Preset::brief7_whole_clients()] {
        let t = Instant::now();
        let j = p.judge()?;
        let v = &j.verdict;
        println!(
            "== {} ({:.2} s)",
            p.description_en,
            t.elapsed().as_secs_f64()
        );
        println!("expected difference: {} ₽ a month", v.expected_difference);
        println!("Monte Carlo difference: {:?}", v.difference);
        for r in &j.comparison.results {
            println!(
                "  {}: new clients {:?}; payroll median {}; value profit median {}",
                r.label_en, r.new_clients, r.payroll.median, r.value_profit.median
            );
        }
        println!("{}\n{}", v.text_en, v.text_ru);
        for b in &v.break_even {
            println!("  {}\n  {}", b.text_en, b.text_ru);
        }
        println!();
    }
    Ok(())
}

fn lenses() -> Result<(), SimError> {
    let p = Preset::brief7();
    println!(
        "| plans | book | measure | median difference, ₽/month | 80 % band | P(conveyor better) |"
    );
    println!("|---|---|---|---|---|---|");
    for (plans_name, plans) in [
        ("flat 90 000 ₽ (§7)", p.plans.clone()),
        ("shipped plans", PayPlans::shipped()),
    ] {
        for portfolio in [PortfolioMode::Steady, PortfolioMode::Evolving] {
            for measure in [ProfitMeasure::Value, ProfitMeasure::Cash] {
                let s = Settings {
                    runs: 5_000,
                    portfolio,
                    measure,
                    ..p.settings
                };
                let c = compare(
                    &p.params,
                    &plans,
                    &[p.baseline.clone(), p.candidate.clone()],
                    &s,
                )?;
                let d = &c.differences[0];
                println!(
                    "| {plans_name} | {portfolio:?} | {measure:?} | {} | {} … {} | {} |",
                    d.profit.median, d.profit.p10, d.profit.p90, d.probability_better
                );
            }
        }
    }
    // Month by month, evolving book, value measure, flat plans.
    let s = Settings {
        runs: 5_000,
        portfolio: PortfolioMode::Evolving,
        ..p.settings
    };
    let c = compare(
        &p.params,
        &p.plans,
        &[p.baseline.clone(), p.candidate.clone()],
        &s,
    )?;
    println!("\nevolving book, value measure, month by month (median difference):");
    for (i, m) in c.differences[0].months.iter().enumerate() {
        println!("  month {:>2}: {}", i + 1, m.median);
    }
    let shipped = Settings {
        runs: 5_000,
        portfolio: PortfolioMode::Evolving,
        ..p.settings
    };
    let c = compare(
        &p.params,
        &PayPlans::shipped(),
        &[p.baseline.clone(), p.candidate.clone()],
        &shipped,
    )?;
    for r in &c.results {
        println!(
            "shipped plans, {}: payroll {} (caller {}, SM {}, CM {}, universal {}); warnings {:?}",
            r.label_en,
            r.payroll.median,
            r.payroll_by_role.caller.median,
            r.payroll_by_role.sales_manager.median,
            r.payroll_by_role.client_manager.median,
            r.payroll_by_role.universal.median,
            r.warnings
        );
    }
    Ok(())
}

fn sens() -> Result<(), SimError> {
    let p = Preset::brief7();
    let s = Settings {
        runs: 5_000,
        ..p.settings
    };
    let t = Instant::now();
    let table = sensitivity(
        &p.params,
        &p.plans,
        &p.baseline,
        &p.candidate,
        &s,
        Decimal::new(2, 1),
    )?;
    println!(
        "base median difference {} ({:.2} s)",
        table.base,
        t.elapsed().as_secs_f64()
    );
    println!("| parameter | value | −20 % | +20 % | difference at −20 % | at +20 % | swing |");
    println!("|---|---|---|---|---|---|---|");
    for r in table.rows.iter().filter(|r| !r.swing.is_zero()) {
        println!(
            "| {} | {} | {} | {} | {} | {} | {} |",
            r.param.name(),
            r.value,
            r.low_value,
            r.high_value,
            r.low,
            r.high,
            r.swing
        );
    }
    Ok(())
}

fn rec() -> Result<(), SimError> {
    let p = Preset::brief7();
    for (name, plans, portfolio) in [
        (
            "§7 lens (flat 90 000 ₽, steady book)",
            p.plans.clone(),
            PortfolioMode::Steady,
        ),
        (
            "shipped plans, evolving book",
            PayPlans::shipped(),
            PortfolioMode::Evolving,
        ),
    ] {
        let s = Settings {
            runs: 1_000,
            portfolio,
            ..p.settings
        };
        let t = Instant::now();
        let r = recommend(
            &p.params,
            &plans,
            &s,
            &RecommendQuery {
                total_headcounts: vec![3, 4, 5, 6, 7],
                max_per_role: 0,
            },
        )?;
        println!(
            "== {name} ({} candidates, {:.2} s)",
            r.candidates.len(),
            t.elapsed().as_secs_f64()
        );
        println!("{}\n{}", r.text_en, r.text_ru);
        for b in &r.best_by_total {
            println!(
                "  {} people: {} ({}), median {}",
                b.headcount.total(),
                b.label_en,
                b.ratio,
                b.profit.median
            );
        }
        for c in r.candidates.iter().take(5) {
            println!(
                "  top: {} median {} band {}…{}",
                c.label_en, c.profit.median, c.profit.p10, c.profit.p90
            );
        }
    }
    Ok(())
}
