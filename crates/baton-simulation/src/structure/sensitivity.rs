//! Which parameter moves the answer most: each parameter in turn is moved down and up by a
//! step (±20 % by default), all else unchanged, and the median profit difference between the
//! two scenarios is recomputed with the same seeds and the same parameter draws (common random
//! numbers), so the swing is the parameter's, not the noise's.

use super::error::SimError;
use super::model::Start;
use super::monte_carlo::{Band, Settings, run_many};
use super::params::{ParamId, ParamKind, Params};
use super::pay::PayPlans;
use super::scenario::Scenario;
use super::stats::{dec, f};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// One parameter's effect on the profit difference.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SensitivityRow {
    pub param: ParamId,
    pub label_en: String,
    pub label_ru: String,
    pub value: Decimal,
    /// The parameter moved down and up (rates stay within 0–1, whole numbers are rounded).
    pub low_value: Decimal,
    pub high_value: Decimal,
    /// The median profit difference (candidate − baseline, ₽ a month) at each.
    pub low: Decimal,
    pub high: Decimal,
    /// |high − low|: the rows are sorted by it.
    pub swing: Decimal,
}

/// The sensitivity table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SensitivityTable {
    pub baseline: String,
    pub candidate: String,
    pub step: Decimal,
    /// The median profit difference at the parameters as they are.
    pub base: Decimal,
    pub rows: Vec<SensitivityRow>,
}

/// Moves each non-zero parameter by ±`step` (0.2 = ±20 %) and sorts by the swing of the median
/// profit difference.
pub fn sensitivity(
    params: &Params,
    plans: &PayPlans,
    baseline: &Scenario,
    candidate: &Scenario,
    settings: &Settings,
    step: Decimal,
) -> Result<SensitivityTable, SimError> {
    params.validate()?;
    baseline.validate()?;
    candidate.validate()?;
    settings.validate()?;
    if step <= Decimal::ZERO || step >= Decimal::ONE {
        return Err(SimError::setting(
            "step",
            step,
            "must be above 0 and below 1",
            "0.2 moves each parameter by ±20 %",
        ));
    }
    let mut pay = plans.compile()?;
    let s = f(step);
    let mut median_diff = |tweak: Option<(ParamId, f64)>| -> Decimal {
        let b = run_many(
            params,
            &mut pay,
            baseline,
            settings,
            &Start::Steady,
            tweak,
            &mut |_| {},
        );
        let c = run_many(
            params,
            &mut pay,
            candidate,
            settings,
            &Start::Steady,
            tweak,
            &mut |_| {},
        );
        let mut d: Vec<f64> = c.profit.iter().zip(&b.profit).map(|(x, y)| x - y).collect();
        Band::of(&mut d, true).median
    };
    let base = median_diff(None);
    let mut rows = Vec::new();
    for &id in ParamId::ALL {
        let v = f(params.get(id).value);
        if v == 0.0 {
            continue;
        }
        let spec = id.spec();
        let moved = |factor: f64| -> Decimal {
            let x = v * factor;
            match spec.kind {
                ParamKind::Rate => dec(x.clamp(0.0, 1.0), 4),
                ParamKind::Whole => dec(x.round(), 0),
                _ => dec(x, 2),
            }
        };
        let low = median_diff(Some((id, 1.0 - s)));
        let high = median_diff(Some((id, 1.0 + s)));
        rows.push(SensitivityRow {
            param: id,
            label_en: spec.label_en.into(),
            label_ru: spec.label_ru.into(),
            value: params.get(id).value,
            low_value: moved(1.0 - s),
            high_value: moved(1.0 + s),
            low,
            high,
            swing: (high - low).abs(),
        });
    }
    rows.sort_by(|a, b| b.swing.cmp(&a.swing).then(a.param.cmp(&b.param)));
    Ok(SensitivityTable {
        baseline: baseline.name.clone(),
        candidate: candidate.name.clone(),
        step,
        base,
        rows,
    })
}
