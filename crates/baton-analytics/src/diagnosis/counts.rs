//! The counts the diagnosis starts from: pairs merged and checked, the matrix's cells, and the
//! Wilson interval of a conversion.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{DiagnosisError, PairCounts, PairExposure};

/// The two-sided 95 % normal quantile, z₀.₉₇₅.
pub const Z_95: f64 = 1.959_963_984_540_054;

/// A conversion rate and its 95 % Wilson interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RateInterval {
    pub rate: f64,
    pub low: f64,
    pub high: f64,
}

/// The 95 % Wilson score interval of `converted` out of `accepted`. With no accepted lead the rate
/// is 0 and the interval is the whole `[0, 1]`.
pub fn wilson(accepted: u64, converted: u64) -> Result<RateInterval, DiagnosisError> {
    if converted > accepted {
        return Err(DiagnosisError::MoreConvertedThanAccepted {
            accepted,
            converted,
        });
    }
    if accepted == 0 {
        return Ok(RateInterval {
            rate: 0.0,
            low: 0.0,
            high: 1.0,
        });
    }
    let n = accepted as f64;
    let p = converted as f64 / n;
    let z2 = Z_95 * Z_95;
    let denominator = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denominator;
    let half = Z_95 / denominator * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    Ok(RateInterval {
        rate: p,
        low: (centre - half).max(0.0),
        high: (centre + half).min(1.0),
    })
}

/// The conversion of one cell of the matrix and its 95 % Wilson interval: `(rate, low, high)`.
pub fn pair_rate(accepted: u64, converted: u64) -> Result<(f64, f64, f64), DiagnosisError> {
    wilson(accepted, converted).map(|r| (r.rate, r.low, r.high))
}

/// One cell of the caller × sales-manager matrix.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PairCell {
    pub caller: i64,
    pub sales_manager: i64,
    pub accepted: u64,
    pub converted: u64,
    pub conversion: RateInterval,
}

/// Accepted leads, converted leads and exposure of one pair (or one person).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(super) struct Counts {
    pub accepted: u64,
    pub converted: u64,
    pub exposure: f64,
}

impl Counts {
    pub fn add(&mut self, other: &Counts) {
        self.accepted += other.accepted;
        self.converted += other.converted;
        self.exposure += other.exposure;
    }
}

/// The counts per (caller, sales manager).
pub(super) type Cells = BTreeMap<(i64, i64), Counts>;

/// Sums the counts per pair (the same pair may come in several rows, e.g. one per month) and
/// checks them. The result is sorted by caller, then sales manager.
pub(super) fn merge(pairs: &[PairCounts]) -> Result<Cells, DiagnosisError> {
    let exposed: Vec<PairExposure> = pairs.iter().map(|&p| p.into()).collect();
    merge_exposed(&exposed)
}

/// [`merge`] for pairs with an exposure.
pub(super) fn merge_exposed(pairs: &[PairExposure]) -> Result<Cells, DiagnosisError> {
    let mut cells: Cells = BTreeMap::new();
    for p in pairs {
        cells
            .entry((p.caller, p.sales_manager))
            .or_default()
            .add(&Counts {
                accepted: u64::from(p.accepted),
                converted: u64::from(p.converted),
                exposure: p.exposure,
            });
    }
    for (&(caller, sales_manager), c) in &cells {
        if c.converted > c.accepted {
            return Err(DiagnosisError::PairMoreConvertedThanAccepted {
                caller,
                sales_manager,
                accepted: c.accepted,
                converted: c.converted,
            });
        }
        // A small tolerance: exposures summed from fractions may pass `accepted` by rounding.
        if !(c.exposure.is_finite() && c.exposure >= 0.0 && c.exposure <= c.accepted as f64 + 1e-9)
        {
            return Err(DiagnosisError::InvalidExposure {
                caller,
                sales_manager,
                accepted: c.accepted,
                exposure: c.exposure,
            });
        }
    }
    Ok(cells)
}

/// The caller × sales-manager matrix: every pair with its conversion and 95 % interval.
pub fn matrix(pairs: &[PairCounts]) -> Result<Vec<PairCell>, DiagnosisError> {
    merge(pairs)?
        .into_iter()
        .map(
            |(
                (caller, sales_manager),
                Counts {
                    accepted,
                    converted,
                    ..
                },
            )| {
                Ok(PairCell {
                    caller,
                    sales_manager,
                    accepted,
                    converted,
                    conversion: wilson(accepted, converted)?,
                })
            },
        )
        .collect()
}
