//! N runs of the month-by-month model → distributions: the median and the 80 % band (10th to
//! 90th percentile across runs) of each figure, per month of the horizon and on average over
//! it; and the differences between scenarios, run by run.
//!
//! Determinism: run `r` draws its parameters from stream `2r` and its months from stream
//! `2r + 1` of a ChaCha8 generator seeded with `Settings::seed`. The same seed gives
//! byte-identical results, and two scenarios of one comparison share each run's streams
//! (common random numbers), so their difference is not blurred by unrelated noise.

use super::error::SimError;
use super::estimate::History;
use super::model::{Expect, Mc, Month, MonthOut, Rp, Sc, Start};
use super::params::{ParamId, Params};
use super::pay::{PayPlans, RolePay};
use super::scenario::{Scenario, StructureKind};
use super::stats::{dec, quantile_sorted, rub};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// What happens to the book of clients during the horizon.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PortfolioMode {
    /// The book changes month by month: new clients join it, churn compounds, capacities
    /// start to bind as it grows.
    #[default]
    Evolving,
    /// The lens of `domain-brief.md` §7: every month starts from the same book
    /// (`starting_clients`); new clients are valued (first-year margin) but do not join it.
    Steady,
}

/// Which profit the verdict, the sensitivity table and the recommendation compare.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProfitMeasure {
    /// Value of the month's work: each new client at its first-year gross margin when won,
    /// plus the margin on the repeat orders of the clients on the books at the start, minus
    /// pay and costs. This is the measure of `domain-brief.md` §7.
    #[default]
    Value,
    /// Cash: margin on everything collected in the month, minus pay and costs.
    Cash,
}

/// How to run the Monte Carlo.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    pub runs: u32,
    pub horizon_months: u32,
    pub seed: u64,
    pub portfolio: PortfolioMode,
    pub measure: ProfitMeasure,
    /// Draw the estimated parameters from their posteriors in each run (their uncertainty
    /// then widens the bands); off uses the values as they are.
    pub parameter_uncertainty: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            runs: 1_000,
            horizon_months: 12,
            seed: 2026,
            portfolio: PortfolioMode::Evolving,
            measure: ProfitMeasure::Value,
            parameter_uncertainty: true,
        }
    }
}

impl Settings {
    pub fn validate(&self) -> Result<(), SimError> {
        if self.runs == 0 || self.runs > 1_000_000 {
            return Err(SimError::setting(
                "runs",
                self.runs,
                "must be from 1 to 1 000 000",
                "1 000 runs give bands to about 1 %",
            ));
        }
        if self.horizon_months == 0 || self.horizon_months > 120 {
            return Err(SimError::setting(
                "horizon_months",
                self.horizon_months,
                "must be from 1 to 120",
                "12 months is the usual horizon",
            ));
        }
        Ok(())
    }
}

/// A distribution across runs: the median, the 80 % band and the mean.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Band {
    pub p10: Decimal,
    pub median: Decimal,
    pub p90: Decimal,
    pub mean: Decimal,
}

impl Band {
    /// From samples (sorted in place); `money` samples are kopecks and become rubles.
    pub(crate) fn of(samples: &mut [f64], money: bool) -> Band {
        samples.sort_by(f64::total_cmp);
        let mean = if samples.is_empty() {
            0.0
        } else {
            samples.iter().sum::<f64>() / samples.len() as f64
        };
        let conv = |x: f64| if money { rub(x) } else { dec(x, 2) };
        Band {
            p10: conv(quantile_sorted(samples, 0.1)),
            median: conv(quantile_sorted(samples, 0.5)),
            p90: conv(quantile_sorted(samples, 0.9)),
            mean: conv(mean),
        }
    }
}

/// Pay by role: the distribution of each role's monthly pay (all its people, loaded).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PayByRole {
    pub caller: Band,
    pub sales_manager: Band,
    pub client_manager: Band,
    pub universal: Band,
}

/// One month of the horizon across runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonthBand {
    /// 1-based.
    pub month: u32,
    pub new_clients: Band,
    pub collections: Band,
    pub payroll: Band,
    pub profit: Band,
    pub clients: Band,
}

/// A scenario's distributions. Figures "per month" are each run's average over the horizon;
/// the bands are across runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScenarioResult {
    pub scenario: Scenario,
    pub kind: StructureKind,
    pub label_en: String,
    pub label_ru: String,
    pub runs: u32,
    pub horizon_months: u32,
    pub measure: ProfitMeasure,
    pub new_clients: Band,
    /// ₽ a month.
    pub collections: Band,
    /// ₽ a month, loaded (`payroll_overhead`).
    pub payroll: Band,
    pub payroll_by_role: PayByRole,
    /// Acquisition cost per new client: pay of callers and sales managers, plus the
    /// universal managers' pay × their share of selling time spent hunting and closing, ÷ new
    /// clients (totals over the horizon).
    pub cost_per_client: Band,
    /// Gross margin on collections, ₽ a month.
    pub margin: Band,
    /// Other costs, ₽ a month.
    pub other_costs: Decimal,
    /// Profit by the chosen measure, ₽ a month.
    pub profit: Band,
    pub cash_profit: Band,
    pub value_profit: Band,
    /// The first-year gross margin of a new client used by the value measure (median run).
    pub first_year_margin: Decimal,
    /// Clients on the books at the end of the horizon.
    pub clients_end: Band,
    /// Accepted leads lost a month because no closer had room for them.
    pub leads_dropped: Band,
    /// Clients a month nobody had time to serve.
    pub unserved_clients: Band,
    /// Closers' load: leads taken ÷ Little's-law capacity.
    pub closer_load: Band,
    pub months: Vec<MonthBand>,
    /// What the plans need and the simulator cannot give, and capacity notes.
    pub warnings: Vec<String>,
}

/// The difference of a scenario against the baseline, run by run (same seeds).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Difference {
    pub scenario: String,
    pub baseline: String,
    /// Profit difference, ₽ a month (scenario − baseline).
    pub profit: Band,
    pub new_clients: Band,
    pub collections: Band,
    pub payroll: Band,
    /// Share of runs in which the scenario makes more profit than the baseline.
    pub probability_better: Decimal,
    /// The profit difference month by month.
    pub months: Vec<Band>,
}

/// Several scenarios under the same parameters, plans and seeds; differences against the
/// first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    pub settings: Settings,
    pub results: Vec<ScenarioResult>,
    pub differences: Vec<Difference>,
}

/// Raw per-run figures of one scenario.
pub(crate) struct Runs {
    /// Per run, averages over the horizon.
    pub new: Vec<f64>,
    pub collections: Vec<f64>,
    pub payroll: Vec<f64>,
    pub pay: [Vec<f64>; 4],
    pub cost_per_client: Vec<f64>,
    pub margin: Vec<f64>,
    pub profit: Vec<f64>,
    pub cash: Vec<f64>,
    pub value: Vec<f64>,
    pub clients_end: Vec<f64>,
    pub dropped: Vec<f64>,
    pub unserved: Vec<f64>,
    pub load: Vec<f64>,
    pub other: f64,
    pub fygm: Vec<f64>,
    /// Per run × month (run-major).
    pub m_new: Vec<f64>,
    pub m_collections: Vec<f64>,
    pub m_payroll: Vec<f64>,
    pub m_profit: Vec<f64>,
    pub m_clients: Vec<f64>,
}

fn profit_of(m: &MonthOut, measure: ProfitMeasure) -> f64 {
    match measure {
        ProfitMeasure::Value => m.value_profit_kop,
        ProfitMeasure::Cash => m.cash_profit_kop,
    }
}

/// The generators of run `run`: parameters, months.
pub(crate) fn run_rngs(seed: u64, run: u64) -> (ChaCha8Rng, ChaCha8Rng) {
    let mut p = ChaCha8Rng::seed_from_u64(seed);
    p.set_stream(2 * run);
    let mut n = ChaCha8Rng::seed_from_u64(seed);
    n.set_stream(2 * run + 1);
    (p, n)
}

/// Runs one scenario `settings.runs` times.
pub(crate) fn run_many(
    params: &Params,
    pay: &mut [RolePay; 4],
    scenario: &Scenario,
    settings: &Settings,
    start: &Start,
    tweak: Option<(ParamId, f64)>,
    progress: &mut dyn FnMut(u32),
) -> Runs {
    let sc = Sc::of(scenario);
    let runs = settings.runs as usize;
    let h = settings.horizon_months as usize;
    let mut out = Runs {
        new: Vec::with_capacity(runs),
        collections: Vec::with_capacity(runs),
        payroll: Vec::with_capacity(runs),
        pay: Default::default(),
        cost_per_client: Vec::with_capacity(runs),
        margin: Vec::with_capacity(runs),
        profit: Vec::with_capacity(runs),
        cash: Vec::with_capacity(runs),
        value: Vec::with_capacity(runs),
        clients_end: Vec::with_capacity(runs),
        dropped: Vec::with_capacity(runs),
        unserved: Vec::with_capacity(runs),
        load: Vec::with_capacity(runs),
        other: 0.0,
        fygm: Vec::with_capacity(runs),
        m_new: Vec::with_capacity(runs * h),
        m_collections: Vec::with_capacity(runs * h),
        m_payroll: Vec::with_capacity(runs * h),
        m_profit: Vec::with_capacity(runs * h),
        m_clients: Vec::with_capacity(runs * h),
    };
    let steady = settings.portfolio == PortfolioMode::Steady;
    let hf = h as f64;
    for r in 0..runs {
        if r % 64 == 0 {
            progress(r as u32);
        }
        let (mut prng, mut nrng) = run_rngs(settings.seed, r as u64);
        let rng = settings.parameter_uncertainty.then_some(&mut prng);
        let rp = Rp::build(params, rng, tweak);
        let month = Month::new(&rp, &sc, steady, pay);
        let mut d = Mc(&mut nrng);
        let mut st = month.start(&mut d, start);
        let mut acc = MonthOut::default();
        let mut pay_sum = [0.0; 4];
        let mut profit = 0.0;
        let mut clients_end = 0.0;
        for t in 0..h {
            let m = month.step(&mut d, &mut st, t, Some(&mut *pay));
            add(&mut acc, &m);
            for (s, p) in pay_sum.iter_mut().zip(m.pay_kop) {
                *s += p;
            }
            let p = profit_of(&m, settings.measure);
            profit += p;
            clients_end = m.clients_end;
            out.m_new.push(m.new_clients);
            out.m_collections.push(m.collections_kop);
            out.m_payroll.push(m.payroll_kop);
            out.m_profit.push(p);
            out.m_clients.push(m.clients_end);
            out.other = m.other_kop;
        }
        out.new.push(acc.new_clients / hf);
        out.collections.push(acc.collections_kop / hf);
        out.payroll.push(acc.payroll_kop / hf);
        for (v, s) in out.pay.iter_mut().zip(pay_sum) {
            v.push(s / hf);
        }
        out.cost_per_client.push(if acc.new_clients > 0.0 {
            acc.acquisition_kop / acc.new_clients
        } else {
            0.0
        });
        out.margin.push(acc.margin_kop / hf);
        out.profit.push(profit / hf);
        out.cash.push(acc.cash_profit_kop / hf);
        out.value.push(acc.value_profit_kop / hf);
        out.clients_end.push(clients_end);
        out.dropped.push(acc.dropped / hf);
        out.unserved.push(acc.unserved / hf);
        out.load.push(acc.closer_load / hf);
        out.fygm.push(rp.first_year_margin(&sc));
    }
    progress(runs as u32);
    out
}

fn add(acc: &mut MonthOut, m: &MonthOut) {
    acc.new_clients += m.new_clients;
    acc.collections_kop += m.collections_kop;
    acc.payroll_kop += m.payroll_kop;
    acc.acquisition_kop += m.acquisition_kop;
    acc.margin_kop += m.margin_kop;
    acc.cash_profit_kop += m.cash_profit_kop;
    acc.value_profit_kop += m.value_profit_kop;
    acc.dropped += m.dropped;
    acc.unserved += m.unserved;
    acc.closer_load += m.closer_load;
}

fn column(v: &[f64], h: usize, t: usize) -> Vec<f64> {
    v.iter().skip(t).step_by(h).copied().collect()
}

fn summarize(
    scenario: &Scenario,
    settings: &Settings,
    mut r: Runs,
    warnings: Vec<String>,
) -> ScenarioResult {
    let h = settings.horizon_months as usize;
    let months = (0..h)
        .map(|t| MonthBand {
            month: t as u32 + 1,
            new_clients: Band::of(&mut column(&r.m_new, h, t), false),
            collections: Band::of(&mut column(&r.m_collections, h, t), true),
            payroll: Band::of(&mut column(&r.m_payroll, h, t), true),
            profit: Band::of(&mut column(&r.m_profit, h, t), true),
            clients: Band::of(&mut column(&r.m_clients, h, t), false),
        })
        .collect();
    let [p0, p1, p2, p3] = &mut r.pay;
    let fygm = Band::of(&mut r.fygm, true).median;
    ScenarioResult {
        scenario: scenario.clone(),
        kind: scenario.kind(),
        label_en: scenario.describe_en(),
        label_ru: scenario.describe_ru(),
        runs: settings.runs,
        horizon_months: settings.horizon_months,
        measure: settings.measure,
        new_clients: Band::of(&mut r.new, false),
        collections: Band::of(&mut r.collections, true),
        payroll: Band::of(&mut r.payroll, true),
        payroll_by_role: PayByRole {
            caller: Band::of(p0, true),
            sales_manager: Band::of(p1, true),
            client_manager: Band::of(p2, true),
            universal: Band::of(p3, true),
        },
        cost_per_client: Band::of(&mut r.cost_per_client, true),
        margin: Band::of(&mut r.margin, true),
        other_costs: rub(r.other),
        profit: Band::of(&mut r.profit, true),
        cash_profit: Band::of(&mut r.cash, true),
        value_profit: Band::of(&mut r.value, true),
        first_year_margin: fygm,
        clients_end: Band::of(&mut r.clients_end, false),
        leads_dropped: Band::of(&mut r.dropped, false),
        unserved_clients: Band::of(&mut r.unserved, false),
        closer_load: Band::of(&mut r.load, false),
        months,
        warnings,
    }
}

fn warnings_of(pay: &[RolePay; 4], scenario: &Scenario, r: &Runs) -> Vec<String> {
    let h = &scenario.headcount;
    let heads = [h.callers, h.sales_managers, h.client_managers, h.universals];
    let mut w: Vec<String> = pay
        .iter()
        .zip(heads)
        .filter(|(_, n)| *n > 0)
        .flat_map(|(p, _)| p.warnings.iter().cloned())
        .collect();
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
    if mean(&r.dropped) >= 0.5 {
        w.push(format!(
            "closers are full: {:.1} accepted leads a month are lost for lack of room (Little's law)",
            mean(&r.dropped)
        ));
    }
    if mean(&r.unserved) >= 0.5 {
        w.push(format!(
            "{:.1} clients a month have nobody to serve them (client managers or universal managers' time)",
            mean(&r.unserved)
        ));
    }
    w
}

fn check(params: &Params, scenario: &Scenario, settings: &Settings) -> Result<(), SimError> {
    params.validate()?;
    scenario.validate()?;
    settings.validate()
}

/// Simulates one scenario.
pub fn simulate(
    params: &Params,
    plans: &PayPlans,
    scenario: &Scenario,
    settings: &Settings,
) -> Result<ScenarioResult, SimError> {
    check(params, scenario, settings)?;
    let mut pay = plans.compile()?;
    let runs = run_many(
        params,
        &mut pay,
        scenario,
        settings,
        &Start::Steady,
        None,
        &mut |_| {},
    );
    let warnings = warnings_of(&pay, scenario, &runs);
    Ok(summarize(scenario, settings, runs, warnings))
}

/// Simulates a scenario from the end of a history instead of from its own steady state: the
/// book is the last month's active clients, and the leads accepted in the last months (the
/// cycle's length) are still in the pipeline. Estimate the parameters from the same history
/// first ([`Params::estimate`]).
pub fn forecast(
    params: &Params,
    plans: &PayPlans,
    scenario: &Scenario,
    history: &History,
    settings: &Settings,
) -> Result<ScenarioResult, SimError> {
    check(params, scenario, settings)?;
    if history.months.is_empty() {
        return Err(SimError::InvalidHistory {
            month: 0,
            field: "months".into(),
            problem: "the history is empty".into(),
            hint: "give the months to start from".into(),
        });
    }
    let start = Start::from_history(params, history);
    let mut pay = plans.compile()?;
    let runs = run_many(
        params,
        &mut pay,
        scenario,
        settings,
        &start,
        None,
        &mut |_| {},
    );
    let warnings = warnings_of(&pay, scenario, &runs);
    Ok(summarize(scenario, settings, runs, warnings))
}

/// How far a comparison has got, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    pub runs_done: u64,
    pub runs_total: u64,
}

/// Simulates several scenarios with the same seeds and compares each with the first.
pub fn compare(
    params: &Params,
    plans: &PayPlans,
    scenarios: &[Scenario],
    settings: &Settings,
) -> Result<Comparison, SimError> {
    compare_with_progress(params, plans, scenarios, settings, &mut |_| {})
}

/// [`compare`], reporting progress every 64 runs (and at the end).
pub fn compare_with_progress(
    params: &Params,
    plans: &PayPlans,
    scenarios: &[Scenario],
    settings: &Settings,
    progress: &mut dyn FnMut(Progress),
) -> Result<Comparison, SimError> {
    let Some(first) = scenarios.first() else {
        return Err(SimError::setting(
            "scenarios",
            0,
            "nothing to compare",
            "give at least one scenario; the first is the baseline",
        ));
    };
    for s in scenarios {
        check(params, s, settings)?;
    }
    let mut pay = plans.compile()?;
    let h = settings.horizon_months as usize;
    let total = u64::from(settings.runs) * scenarios.len() as u64;
    let all: Vec<Runs> = scenarios
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let before = u64::from(settings.runs) * i as u64;
            run_many(
                params,
                &mut pay,
                s,
                settings,
                &Start::Steady,
                None,
                &mut |done| {
                    progress(Progress {
                        runs_done: before + u64::from(done),
                        runs_total: total,
                    })
                },
            )
        })
        .collect();
    let base = &all[0];
    let diff = |a: &[f64], b: &[f64]| -> Vec<f64> { a.iter().zip(b).map(|(x, y)| x - y).collect() };
    let differences = scenarios
        .iter()
        .zip(&all)
        .skip(1)
        .map(|(s, r)| {
            let mut profit = diff(&r.profit, &base.profit);
            let better =
                profit.iter().filter(|d| **d > 0.0).count() as f64 / profit.len().max(1) as f64;
            let m = diff(&r.m_profit, &base.m_profit);
            Difference {
                scenario: s.name.clone(),
                baseline: first.name.clone(),
                months: (0..h)
                    .map(|t| Band::of(&mut column(&m, h, t), true))
                    .collect(),
                profit: Band::of(&mut profit, true),
                new_clients: Band::of(&mut diff(&r.new, &base.new), false),
                collections: Band::of(&mut diff(&r.collections, &base.collections), true),
                payroll: Band::of(&mut diff(&r.payroll, &base.payroll), true),
                probability_better: dec(better, 4),
            }
        })
        .collect();
    let results = scenarios
        .iter()
        .zip(all)
        .map(|(s, r)| {
            let w = warnings_of(&pay, s, &r);
            summarize(s, settings, r, w)
        })
        .collect();
    Ok(Comparison {
        settings: *settings,
        results,
        differences,
    })
}

/// The model's expected values, month averages over the horizon (every draw at its mean,
/// the parameters at their values): the deterministic path the break-even search solves on.
/// Money in rubles, rounded to kopecks; new clients to 1/10 000.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Expected {
    pub new_clients: Decimal,
    pub collections: Decimal,
    pub payroll: Decimal,
    pub profit: Decimal,
    pub cash_profit: Decimal,
    pub value_profit: Decimal,
}

/// The same in `f64` (rubles), for solving.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Ev {
    pub new_clients: f64,
    pub collections: f64,
    pub payroll: f64,
    pub profit: f64,
    pub cash_profit: f64,
    pub value_profit: f64,
}

pub(crate) fn expected_with(
    params: &Params,
    pay: &mut [RolePay; 4],
    scenario: &Scenario,
    settings: &Settings,
) -> Ev {
    let rp = Rp::point(params);
    let sc = Sc::of(scenario);
    let month = Month::new(&rp, &sc, settings.portfolio == PortfolioMode::Steady, pay);
    let mut d = Expect;
    let mut st = month.start(&mut d, &Start::Steady);
    let h = settings.horizon_months as usize;
    let mut acc = MonthOut::default();
    let mut profit = 0.0;
    for t in 0..h {
        let m = month.step(&mut d, &mut st, t, Some(&mut *pay));
        add(&mut acc, &m);
        profit += profit_of(&m, settings.measure);
    }
    let hf = h as f64;
    Ev {
        new_clients: acc.new_clients / hf,
        collections: acc.collections_kop / hf / 100.0,
        payroll: acc.payroll_kop / hf / 100.0,
        profit: profit / hf / 100.0,
        cash_profit: acc.cash_profit_kop / hf / 100.0,
        value_profit: acc.value_profit_kop / hf / 100.0,
    }
}

/// The expected values of one scenario.
pub fn expected(
    params: &Params,
    plans: &PayPlans,
    scenario: &Scenario,
    settings: &Settings,
) -> Result<Expected, SimError> {
    check(params, scenario, settings)?;
    let mut pay = plans.compile()?;
    let e = expected_with(params, &mut pay, scenario, settings);
    Ok(Expected {
        new_clients: dec(e.new_clients, 4),
        collections: dec(e.collections, 2),
        payroll: dec(e.payroll, 2),
        profit: dec(e.profit, 2),
        cash_profit: dec(e.cash_profit, 2),
        value_profit: dec(e.value_profit, 2),
    })
}
