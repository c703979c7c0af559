//! Speed of the structure simulator: simulated department-months per second.
//!
//! `cargo bench -p baton-simulation` (a plain harness: no extra dependencies). Each case runs
//! 11 times; the median and the fastest are printed. Each call compiles the pay plans and
//! starts with an empty statement cache, as a command or an API call would.

use baton_simulation::structure::*;
use rust_decimal::Decimal;
use std::hint::black_box;
use std::time::Instant;

const REPEATS: usize = 11;

fn history() -> History {
    let m = |new: u64| HistoryMonth {
        period: String::new(),
        working_days: 20,
        callers: 2,
        sales_managers: 2,
        client_managers: 1,
        universals: 0,
        calls: 2_800,
        dm_conversations: 700,
        warm_leads: 28,
        accepted: 22,
        self_sourced_leads: 0,
        new_clients: new,
        first_order_collections: Decimal::from(new * 50_000),
        repeat_orders: 80,
        collections: Decimal::from(new * 50_000 + 80 * 62_500),
        active_clients: 100,
        churned_clients: 2,
    };
    History {
        months: [7, 6, 8, 5, 7, 6].into_iter().map(m).collect(),
    }
}

fn case(name: &str, dept_months: u64, mut f: impl FnMut()) {
    let mut times: Vec<f64> = (0..REPEATS)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64()
        })
        .collect();
    times.sort_by(f64::total_cmp);
    let median = times[REPEATS / 2];
    println!(
        "{name}: {dept_months} department-months, median {:.1} ms (fastest {:.1} ms) = {:.0} department-months/s, {:.1} ms per 10 000",
        median * 1e3,
        times[0] * 1e3,
        dept_months as f64 / median,
        median * 1e3 * 10_000.0 / dept_months as f64
    );
}

fn main() {
    let shipped = PayPlans::shipped();
    let brief = Params::brief();
    let estimated = Params::estimate(&history())
        .map(|e| e.params)
        .unwrap_or_default();
    let evolving = Settings {
        runs: 834,
        horizon_months: 12,
        ..Settings::default()
    };
    let conveyor = Scenario::conveyor(2, 2, 1);
    case(
        "conveyor 2+2+1, shipped plans through the engine, estimated parameters drawn per run, 834 runs × 12 months",
        834 * 12,
        || {
            black_box(simulate(&estimated, &shipped, &conveyor, &evolving).ok());
        },
    );
    case(
        "conveyor 2+2+1, shipped plans, §7 parameters, 1 000 runs × 12 months",
        12_000,
        || {
            let s = Settings {
                runs: 1_000,
                ..evolving
            };
            black_box(simulate(&brief, &shipped, &conveyor, &s).ok());
        },
    );
    case(
        "universal 3 vs conveyor 2+2+1, shipped plans, 1 000 runs × 12 months each",
        24_000,
        || {
            let s = Settings {
                runs: 1_000,
                ..evolving
            };
            black_box(
                compare(
                    &brief,
                    &shipped,
                    &[Scenario::universal(3), conveyor.clone()],
                    &s,
                )
                .ok(),
            );
        },
    );
    let p = Preset::brief7();
    case(
        "§7 verdict: 20 000 runs × 12 months × 2 scenarios + break-even on 5 levers",
        480_000,
        || {
            black_box(p.judge().ok());
        },
    );
}
