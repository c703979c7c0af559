//! The answer in plain words (Russian and English): does the change pay at this volume, by how
//! much, how sure — and at what volume or conversion it would (or would stop). The break-even
//! is solved by bisection on the model's expected value (every draw at its mean), one lever at
//! a time, everything else unchanged.

use super::error::SimError;
use super::monte_carlo::{
    Band, Comparison, PortfolioMode, ProfitMeasure, Settings, compare, expected_with,
};
use super::params::{ParamId, ParamKind, Params};
use super::pay::{PayPlans, RolePay};
use super::scenario::Scenario;
use super::stats::{dec, f};
use baton_comp::number::human;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// The levers the break-even is solved for: volume (calls), lead quality, the handoff, the
/// closers' conversion and the size of the base.
pub const BREAK_EVEN_LEVERS: [ParamId; 5] = [
    ParamId::CallsPerDay,
    ParamId::WarmRate,
    ParamId::AcceptanceRate,
    ParamId::SmWinRate,
    ParamId::StartingClients,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The candidate makes more profit than the baseline (median).
    Pays,
    /// It makes less.
    DoesNotPay,
}

/// Where one lever makes the difference zero.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BreakEven {
    pub param: ParamId,
    pub current: Decimal,
    /// The value at which the expected difference crosses zero; `None` when it does not within
    /// the parameter's range.
    pub break_even: Option<Decimal>,
    pub text_en: String,
    pub text_ru: String,
}

/// The verdict on a candidate structure against a baseline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    pub baseline: String,
    pub candidate: String,
    pub outcome: Outcome,
    /// Profit difference, candidate − baseline, ₽ a month (across runs).
    pub difference: Band,
    /// The same on the expected-value path.
    pub expected_difference: Decimal,
    /// Share of runs in which the candidate makes more.
    pub probability_better: Decimal,
    pub text_en: String,
    pub text_ru: String,
    pub break_even: Vec<BreakEven>,
}

/// The comparison and its verdict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Judgement {
    pub comparison: Comparison,
    pub verdict: Verdict,
}

/// Rubles in prose: whole rubles, grouped, «57 000 ₽».
pub(crate) fn money(v: Decimal) -> String {
    format!("{} ₽", human(v.round()))
}

/// A number in English prose: grouped like the Russian one, with a decimal point.
fn human_en(v: Decimal) -> String {
    human(v).replace(',', ".")
}

/// A parameter's value in prose: shares as percentages, the rest with their unit.
fn value_text(id: ParamId, v: Decimal, ru: bool) -> String {
    let spec = id.spec();
    let (number, unit) = if spec.kind == ParamKind::Rate {
        ((v * Decimal::ONE_HUNDRED).round_dp(2), "%".to_string())
    } else {
        (v, spec.unit.to_string())
    };
    let n = if ru { human(number) } else { human_en(number) };
    if ru && spec.kind != ParamKind::Rate {
        n
    } else {
        format!("{n} {unit}")
    }
}

fn lens(settings: &Settings) -> (&'static str, &'static str) {
    match (settings.measure, settings.portfolio) {
        (ProfitMeasure::Value, PortfolioMode::Steady) => (
            "value of a month's work, the book held as it is (the lens of domain-brief §7)",
            "ценность месяца работы при неизменной базе (как в domain-brief §7)",
        ),
        (ProfitMeasure::Value, PortfolioMode::Evolving) => (
            "value of each month's work, the book changing month by month",
            "ценность месяца работы, база меняется месяц за месяцем",
        ),
        (ProfitMeasure::Cash, PortfolioMode::Steady) => (
            "cash margin less pay and costs, the book held as it is",
            "денежная маржа за вычетом оплаты и расходов при неизменной базе",
        ),
        (ProfitMeasure::Cash, PortfolioMode::Evolving) => (
            "cash margin less pay and costs, the book changing month by month",
            "денежная маржа за вычетом оплаты и расходов, база меняется",
        ),
    }
}

/// Compares `candidate` with `baseline` and says whether the change pays.
pub fn judge(
    params: &Params,
    plans: &PayPlans,
    baseline: &Scenario,
    candidate: &Scenario,
    settings: &Settings,
) -> Result<Judgement, SimError> {
    let comparison = compare(
        params,
        plans,
        &[baseline.clone(), candidate.clone()],
        settings,
    )?;
    let mut pay = plans.compile()?;
    let diff_at = |p: &Params, pay: &mut [RolePay; 4]| -> f64 {
        expected_with(p, pay, candidate, settings).profit
            - expected_with(p, pay, baseline, settings).profit
    };
    let expected_difference = diff_at(params, &mut pay);
    let d = comparison.differences[0].clone();
    let outcome = if d.profit.median > Decimal::ZERO {
        Outcome::Pays
    } else {
        Outcome::DoesNotPay
    };
    let (be, ce) = (baseline.describe_en(), candidate.describe_en());
    let (br, cr) = (baseline.describe_ru(), candidate.describe_ru());
    let share = human((d.probability_better * Decimal::ONE_HUNDRED).round());
    let runs = human(Decimal::from(settings.runs));
    let (lens_en, lens_ru) = lens(settings);
    let band_en = format!(
        "median of {} runs over {} months; 80 % of runs between {} and {}",
        runs,
        settings.horizon_months,
        money(d.profit.p10),
        money(d.profit.p90)
    );
    let band_ru = format!(
        "медиана {} прогонов за {} мес.; в 80 % прогонов от {} до {}",
        runs,
        settings.horizon_months,
        money(d.profit.p10),
        money(d.profit.p90)
    );
    let (text_en, text_ru) = match outcome {
        Outcome::DoesNotPay => (
            format!(
                "{ce} instead of {be} does not pay at this volume: it makes {} a month less ({band_en}); it comes out ahead in only {share} % of runs. Measure: {lens_en}.",
                money(-d.profit.median)
            ),
            format!(
                "«{cr}» вместо «{br}» при таком объёме не окупается: на {} в месяц меньше ({band_ru}); выгоднее лишь в {share} % прогонов. Мера: {lens_ru}.",
                money(-d.profit.median)
            ),
        ),
        Outcome::Pays => (
            format!(
                "{ce} instead of {be} pays at this volume: it makes {} a month more ({band_en}); it comes out ahead in {share} % of runs. Measure: {lens_en}.",
                money(d.profit.median)
            ),
            format!(
                "«{cr}» вместо «{br}» при таком объёме окупается: на {} в месяц больше ({band_ru}); выгоднее в {share} % прогонов. Мера: {lens_ru}.",
                money(d.profit.median)
            ),
        ),
    };
    let break_even = BREAK_EVEN_LEVERS
        .iter()
        .map(|&id| solve(params, id, &mut pay, &diff_at))
        .collect();
    Ok(Judgement {
        comparison,
        verdict: Verdict {
            baseline: baseline.name.clone(),
            candidate: candidate.name.clone(),
            outcome,
            difference: d.profit,
            expected_difference: dec(expected_difference, 2),
            probability_better: d.probability_better,
            text_en,
            text_ru,
            break_even,
        },
    })
}

fn bounds(id: ParamId) -> (f64, f64) {
    match id.spec().kind {
        ParamKind::Rate => (0.0, 1.0),
        ParamKind::Whole => (0.0, 1_000_000.0),
        _ => (1e-3, 2_000.0),
    }
}

fn shown(id: ParamId, v: f64) -> Decimal {
    match id.spec().kind {
        ParamKind::Rate => dec(v, 4),
        ParamKind::Whole => dec(v.ceil(), 0),
        _ => dec(v, 1),
    }
}

fn with(params: &Params, id: ParamId, v: f64) -> Params {
    let mut p = params.clone();
    let value = match id.spec().kind {
        ParamKind::Whole => dec(v.round(), 0),
        _ => dec(v, 6),
    };
    p.set_value(id, value);
    p
}

/// Bisection for the zero of the expected difference along one lever.
fn solve(
    params: &Params,
    id: ParamId,
    pay: &mut [RolePay; 4],
    diff_at: &dyn Fn(&Params, &mut [RolePay; 4]) -> f64,
) -> BreakEven {
    let spec = id.spec();
    let cur = f(params.get(id).value);
    let (lo_b, hi_b) = bounds(id);
    let f0 = diff_at(params, pay);
    // Which way raises the difference?
    let step = if spec.kind == ParamKind::Rate {
        0.01
    } else {
        (cur * 0.05).max(1.0)
    };
    let up = diff_at(&with(params, id, (cur + step).min(hi_b)), pay)
        >= diff_at(&with(params, id, (cur - step).max(lo_b)), pay);
    // Pays now: look for where it stops (the other way); else where it starts.
    let toward_up = if f0 >= 0.0 { !up } else { up };
    let mut a = cur;
    let mut b = cur;
    let mut found = false;
    for _ in 0..24 {
        let next = if toward_up {
            if spec.kind == ParamKind::Rate {
                (b + (hi_b - b).max(0.0) * 0.5 + 1e-9).min(hi_b)
            } else {
                (b * 2.0).max(b + 1.0).min(hi_b)
            }
        } else if spec.kind == ParamKind::Rate {
            (b - (b - lo_b) * 0.5).max(lo_b)
        } else {
            (b * 0.5).max(lo_b)
        };
        a = b;
        b = next;
        let fb = diff_at(&with(params, id, b), pay);
        if (f0 < 0.0) == (fb >= 0.0) {
            found = true;
            break;
        }
        if (b - hi_b).abs() < 1e-12 || (b - lo_b).abs() < 1e-12 {
            break;
        }
    }
    let (label_en, label_ru) = (spec.label_en, spec.label_ru);
    let now_en = value_text(id, shown(id, cur), false);
    let now_ru = value_text(id, shown(id, cur), true);
    if !found {
        let edge = shown(id, b);
        let (edge_en, edge_ru) = (value_text(id, edge, false), value_text(id, edge, true));
        let (text_en, text_ru) = if f0 < 0.0 {
            (
                format!(
                    "«{label_en}» alone cannot make it pay (not even at {edge_en}; now {now_en})."
                ),
                format!(
                    "Одним параметром «{label_ru}» не окупить (даже при {edge_ru}; сейчас {now_ru})."
                ),
            )
        } else {
            (
                format!("It pays whatever «{label_en}» (down to {edge_en}; now {now_en})."),
                format!(
                    "Окупается при любом значении «{label_ru}» (до {edge_ru}; сейчас {now_ru})."
                ),
            )
        };
        return BreakEven {
            param: id,
            current: shown(id, cur),
            break_even: None,
            text_en,
            text_ru,
        };
    }
    // Bisection between a (same sign as now) and b (the other sign).
    for _ in 0..40 {
        let mid = 0.5 * (a + b);
        let fm = diff_at(&with(params, id, mid), pay);
        if (fm >= 0.0) == (f0 >= 0.0) {
            a = mid;
        } else {
            b = mid;
        }
    }
    let x = shown(id, b);
    let (at_en, at_ru) = (value_text(id, x, false), value_text(id, x, true));
    let (text_en, text_ru) = match (f0 < 0.0, toward_up) {
        (true, true) => (
            format!("It would pay if «{label_en}» rose to {at_en} (now {now_en})."),
            format!("Окупится, если «{label_ru}» вырастет до {at_ru} (сейчас {now_ru})."),
        ),
        (true, false) => (
            format!("It would pay if «{label_en}» fell to {at_en} (now {now_en})."),
            format!("Окупится, если «{label_ru}» снизится до {at_ru} (сейчас {now_ru})."),
        ),
        (false, false) => (
            format!("It stops paying if «{label_en}» falls below {at_en} (now {now_en})."),
            format!(
                "Перестанет окупаться, если «{label_ru}» опустится ниже {at_ru} (сейчас {now_ru})."
            ),
        ),
        (false, true) => (
            format!("It stops paying if «{label_en}» rises above {at_en} (now {now_en})."),
            format!("Перестанет окупаться, если «{label_ru}» превысит {at_ru} (сейчас {now_ru})."),
        ),
    };
    BreakEven {
        param: id,
        current: shown(id, cur),
        break_even: Some(x),
        text_en,
        text_ru,
    }
}
