//! Calibration: does the 80 % band mean 80 %?
//!
//! For each synthetic department, true parameters are drawn at random, 6 to 12 months of
//! history and the following quarter are simulated with them, the parameters are estimated
//! from the history's monthly totals alone (as from a real CRM), and next quarter's new
//! clients are forecast by the Monte Carlo, drawing the parameters from their posteriors and
//! starting from the history's last months (the book and the leads still in the pipeline).
//! The forecast's 80 % band should contain the quarter that really happened about 80 % of the
//! time.
//!
//! New clients are whole numbers, and a band between two quantiles of whole numbers contains
//! more than its share (the ends carry whole probability masses). The check therefore spreads
//! each count uniformly over ±½ — in the forecast samples and in the truth alike — the
//! standard continuity correction (equivalent to a randomized PIT), so that a well-calibrated
//! forecast covers 80 %. The coverage of the plain whole-number band is reported beside it.
//!
//! Parameters the monthly totals cannot reveal (the cycle length, capacities, the
//! non-selling share, service hours) are taken as known: a CRM measures the cycle from deal
//! dates, and the rest are the director's settings.

use super::estimate::{History, HistoryMonth};
use super::model::{Mc, Month, Rp, Sc, Start};
use super::monte_carlo::run_rngs;
use super::params::Params;
use super::pay::PayPlans;
use super::scenario::{Scenario, StructureKind};
use super::stats::{dec, quantile_sorted};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Monte Carlo runs per forecast.
pub const RUNS_PER_FORECAST: u32 = 400;
/// The forecast horizon: a quarter.
pub const FORECAST_MONTHS: usize = 3;

/// Coverage for one kind of department.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CoverageRow {
    pub kind: StructureKind,
    pub histories: usize,
    pub covered: usize,
    pub coverage: Decimal,
}

/// The result of a calibration run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalibrationReport {
    pub histories: usize,
    pub seed: u64,
    pub runs_per_forecast: u32,
    pub forecast_months: u32,
    pub history_months_min: u32,
    pub history_months_max: u32,
    /// Histories whose real quarter fell inside the 80 % band.
    pub covered: usize,
    /// covered ÷ histories: should be near 0.80.
    pub coverage: Decimal,
    /// The real quarter fell below the band / above it (each should be near 10 %).
    pub below: usize,
    pub above: usize,
    /// Coverage of the plain band of whole numbers (inclusive), for comparison.
    pub coverage_whole_numbers: Decimal,
    /// Average real quarter and average width of the band (new clients).
    pub mean_truth: Decimal,
    pub mean_band_width: Decimal,
    pub by_structure: Vec<CoverageRow>,
}

fn uniform(rng: &mut ChaCha8Rng, lo: f64, hi: f64) -> f64 {
    lo + (hi - lo) * rng.random::<f64>()
}

fn pick(rng: &mut ChaCha8Rng, lo: u32, hi: u32) -> u32 {
    rng.random_range(lo..=hi)
}

fn set(p: &mut Params, name: &str, v: f64, dp: u32) {
    // Names are this file's literals; values are in range by construction.
    let _ = p.set(name, &dec(v, dp).to_string());
}

/// A random department: true parameters, its scenario, months of history.
fn world(i: usize, rng: &mut ChaCha8Rng) -> (Params, Scenario, usize) {
    let mut p = Params::default();
    set(&mut p, "calls_per_day", uniform(rng, 40.0, 90.0), 0);
    set(&mut p, "dm_rate", uniform(rng, 0.15, 0.35), 3);
    set(&mut p, "warm_rate", uniform(rng, 0.02, 0.06), 3);
    set(&mut p, "acceptance_rate", uniform(rng, 0.6, 0.95), 3);
    set(&mut p, "sm_win_rate", uniform(rng, 0.15, 0.4), 3);
    set(&mut p, "universal_win_rate", uniform(rng, 0.15, 0.4), 3);
    set(&mut p, "churn_cm", uniform(rng, 0.01, 0.05), 3);
    set(&mut p, "churn_universal", uniform(rng, 0.02, 0.06), 3);
    set(&mut p, "repeat_rate", uniform(rng, 0.5, 0.95), 3);
    set(&mut p, "cycle_days", uniform(rng, 20.0, 60.0), 0);
    set(
        &mut p,
        "universal_hours_per_lead",
        uniform(rng, 4.0, 10.0),
        2,
    );
    set(&mut p, "active_deals_per_closer", 40.0, 0);
    let (scenario, book) = match i % 3 {
        0 => {
            let c = pick(rng, 1, 3);
            let m = pick(rng, 1, 2);
            let book = uniform(rng, 0.4, 0.9) * f64::from(m) * 120.0;
            (Scenario::conveyor(c, c, m), book)
        }
        1 => {
            let u = pick(rng, 2, 5);
            // A universal manager's selling time serves up to 80 h ÷ 1.2 h ≈ 66 clients.
            let book = uniform(rng, 0.3, 0.7) * f64::from(u) * 66.0;
            (Scenario::universal(u), book)
        }
        _ => {
            let c = pick(rng, 1, 2);
            let u = pick(rng, 2, 4);
            let book = uniform(rng, 0.3, 0.6) * f64::from(u) * 66.0;
            (Scenario::callers_and_universals(c, u), book)
        }
    };
    set(&mut p, "starting_clients", book.round(), 0);
    let months = 6 + (i % 7);
    (p, scenario, months)
}

fn record(s: &Scenario, m: &super::model::MonthOut) -> HistoryMonth {
    let h = &s.headcount;
    HistoryMonth {
        period: String::new(),
        working_days: 20,
        callers: h.callers,
        sales_managers: h.sales_managers,
        client_managers: h.client_managers,
        universals: h.universals,
        calls: m.calls as u64,
        dm_conversations: m.dm as u64,
        warm_leads: m.warm as u64,
        accepted: m.accepted as u64,
        self_sourced_leads: m.self_leads as u64,
        new_clients: m.new_clients as u64,
        first_order_collections: super::stats::rub(m.first_orders_kop),
        repeat_orders: m.repeat_orders as u64,
        collections: super::stats::rub(m.collections_kop),
        active_clients: m.clients_end as u64,
        churned_clients: m.churned as u64,
    }
}

/// Runs the calibration on `histories` synthetic departments.
pub fn calibrate(histories: usize, seed: u64) -> CalibrationReport {
    // Flat plans: pay plays no part in new clients, and the forecasts skip it.
    let pay = PayPlans::flat(Decimal::ZERO).compile();
    let Ok(pay) = pay else {
        // The flat plan is generated here; it always parses (a unit test checks).
        return empty(histories, seed);
    };
    let mut covered = 0;
    let (mut below, mut above, mut covered_whole) = (0, 0, 0);
    let (mut sum_truth, mut sum_width) = (0.0, 0.0);
    let mut by: Vec<(StructureKind, usize, usize)> = Vec::new();
    let (mut min_h, mut max_h) = (u32::MAX, 0);
    for i in 0..histories {
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5EED_CA11_B7A7_E000);
        rng.set_stream(i as u64);
        let (truth_params, scenario, h) = world(i, &mut rng);
        min_h = min_h.min(h as u32);
        max_h = max_h.max(h as u32);
        // The real history and quarter.
        let rp = Rp::point(&truth_params);
        let sc = Sc::of(&scenario);
        let month = Month::new(&rp, &sc, false, &pay);
        let mut d = Mc(&mut rng);
        let mut st = month.start(&mut d, &Start::Steady);
        let mut history = History::default();
        let mut truth = 0.0;
        for t in 0..h + FORECAST_MONTHS {
            let m = month.step(&mut d, &mut st, t, None);
            if t < h {
                history.months.push(record(&scenario, &m));
            } else {
                truth += m.new_clients;
            }
        }
        // Estimate from the totals, forecast the quarter.
        let Ok(est) = truth_params.estimate_over(&history) else {
            continue;
        };
        let start = Start::from_history(&est.params, &history);
        let fseed = seed.wrapping_add((i as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let mut samples = Vec::with_capacity(RUNS_PER_FORECAST as usize);
        for r in 0..RUNS_PER_FORECAST {
            let (mut prng, mut nrng) = run_rngs(fseed, u64::from(r));
            let rp = Rp::drawn(&est.params, &mut prng);
            let month = Month::new(&rp, &sc, false, &pay);
            let mut d = Mc(&mut nrng);
            let mut st = month.start(&mut d, &start);
            let mut q = 0.0;
            for t in 0..FORECAST_MONTHS {
                q += month.step(&mut d, &mut st, t, None).new_clients;
            }
            samples.push(q);
        }
        // Whole-number band, then the continuity-corrected one.
        let mut whole = samples.clone();
        whole.sort_by(f64::total_cmp);
        let (w10, w90) = (quantile_sorted(&whole, 0.1), quantile_sorted(&whole, 0.9));
        if w10 <= truth && truth <= w90 {
            covered_whole += 1;
        }
        let mut jitter = ChaCha8Rng::seed_from_u64(fseed);
        jitter.set_stream(u64::MAX);
        let mut spread: Vec<f64> = samples
            .iter()
            .map(|s| s + jitter.random::<f64>() - 0.5)
            .collect();
        spread.sort_by(f64::total_cmp);
        let t = truth + jitter.random::<f64>() - 0.5;
        let (p10, p90) = (quantile_sorted(&spread, 0.1), quantile_sorted(&spread, 0.9));
        let inside = p10 <= t && t <= p90;
        if inside {
            covered += 1;
        } else if t < p10 {
            below += 1;
        } else {
            above += 1;
        }
        sum_truth += truth;
        sum_width += p90 - p10;
        let kind = scenario.kind();
        match by.iter_mut().find(|b| b.0 == kind) {
            Some(b) => {
                b.1 += 1;
                b.2 += usize::from(inside);
            }
            None => by.push((kind, 1, usize::from(inside))),
        }
    }
    let n = histories.max(1) as f64;
    CalibrationReport {
        histories,
        seed,
        runs_per_forecast: RUNS_PER_FORECAST,
        forecast_months: FORECAST_MONTHS as u32,
        history_months_min: if min_h == u32::MAX { 0 } else { min_h },
        history_months_max: max_h,
        covered,
        coverage: dec(covered as f64 / n, 4),
        below,
        above,
        coverage_whole_numbers: dec(covered_whole as f64 / n, 4),
        mean_truth: dec(sum_truth / n, 2),
        mean_band_width: dec(sum_width / n, 2),
        by_structure: by
            .into_iter()
            .map(|(kind, histories, covered)| CoverageRow {
                kind,
                histories,
                covered,
                coverage: dec(covered as f64 / histories.max(1) as f64, 4),
            })
            .collect(),
    }
}

fn empty(histories: usize, seed: u64) -> CalibrationReport {
    CalibrationReport {
        histories,
        seed,
        runs_per_forecast: RUNS_PER_FORECAST,
        forecast_months: FORECAST_MONTHS as u32,
        history_months_min: 0,
        history_months_max: 0,
        covered: 0,
        coverage: Decimal::ZERO,
        below: 0,
        above: 0,
        coverage_whole_numbers: Decimal::ZERO,
        mean_truth: Decimal::ZERO,
        mean_band_width: Decimal::ZERO,
        by_structure: Vec::new(),
    }
}
