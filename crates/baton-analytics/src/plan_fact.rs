//! Plan against fact: each target against the metric's actual value, its attainment, and the
//! region's sums for money and count metrics (a sum of ratios means nothing, so ratios are not
//! summed).
//!
//! Values are exact fixed-point integers in millionths ([`SCALE`]): money (kopecks) and counts
//! are exact; a ratio is taken to six places. Attainment = actual / target × 100, rounded half
//! away from zero to 0.1 %, returned in tenths of a percent; none when the target is zero.

use serde::Serialize;
use std::collections::BTreeMap;

/// Decimal places of the fixed-point values.
pub const SCALE: u32 = 6;

/// What a metric measures, which decides whether it can be summed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Money,
    Count,
    Ratio,
}

/// The kind of a metric by its name (the standard metrics of the pay engine, and custom ones
/// named after them).
pub fn kind_of(metric: &str) -> Kind {
    let m = metric.split('{').next().unwrap_or(metric);
    if m.starts_with("attainment")
        || m.ends_with("_rate")
        || m.ends_with("_share")
        || m.ends_with("_conversion")
        || m == "lead_conversion"
    {
        Kind::Ratio
    } else if m.contains("collections")
        || m.contains("collected")
        || m.contains("receivables")
        || m.contains("revenue")
    {
        Kind::Money
    } else {
        Kind::Count
    }
}

/// One target: who, where, which metric, the target and the actual (none when the pay engine
/// does not compute the metric).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetFact {
    pub person: String,
    pub region: Option<String>,
    pub metric: String,
    pub target: i128,
    pub actual: Option<i128>,
}

/// actual / target × 100 in tenths of a percent, rounded half away from zero; none when the
/// target is zero or the numbers overflow.
pub fn attainment_tenths(actual: i128, target: i128) -> Option<i128> {
    if target == 0 {
        return None;
    }
    let n = actual.checked_mul(1000)?;
    let (q, r) = (n / target, n % target);
    let away = r.checked_abs()?.checked_mul(2)? >= target.checked_abs()?;
    Some(if away && r != 0 {
        q + (n.signum() * target.signum())
    } else {
        q
    })
}

/// A region's sum for one summable metric.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegionSum {
    pub region: Option<String>,
    pub metric: String,
    pub kind: Kind,
    pub people: usize,
    pub target: i128,
    pub actual: i128,
    pub attainment_tenths: Option<i128>,
}

/// Sums per region and metric of the money and count targets (a missing actual counts as 0).
pub fn region_sums(rows: &[TargetFact]) -> Vec<RegionSum> {
    let mut acc: BTreeMap<(Option<String>, String), (usize, i128, i128)> = BTreeMap::new();
    for r in rows {
        if kind_of(&r.metric) == Kind::Ratio {
            continue;
        }
        let e = acc
            .entry((r.region.clone(), r.metric.clone()))
            .or_insert((0, 0, 0));
        e.0 += 1;
        e.1 = e.1.saturating_add(r.target);
        e.2 = e.2.saturating_add(r.actual.unwrap_or(0));
    }
    acc.into_iter()
        .map(|((region, metric), (people, target, actual))| RegionSum {
            kind: kind_of(&metric),
            region,
            metric,
            people,
            target,
            actual,
            attainment_tenths: attainment_tenths(actual, target),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const U: i128 = 1_000_000;

    #[test]
    fn attainment_by_hand() {
        assert_eq!(attainment_tenths(150_000 * U, 150_000 * U), Some(1000));
        assert_eq!(attainment_tenths(0, 600_000 * U), Some(0));
        // 2 / 3 = 66.666… % → 66.7 %
        assert_eq!(attainment_tenths(2 * U, 3 * U), Some(667));
        // 1 / 8 = 12.5 % exactly; 1 / 16 = 6.25 % → 6.3 % (half away from zero)
        assert_eq!(attainment_tenths(U, 8 * U), Some(125));
        assert_eq!(attainment_tenths(U, 16 * U), Some(63));
        assert_eq!(attainment_tenths(-U, 16 * U), Some(-63));
        assert_eq!(attainment_tenths(U, 0), None);
    }

    #[test]
    fn kinds() {
        assert_eq!(kind_of("new_client_collections"), Kind::Money);
        assert_eq!(kind_of("calls"), Kind::Count);
        assert_eq!(kind_of("acceptance_rate"), Kind::Ratio);
        assert_eq!(kind_of("lead_conversion"), Kind::Ratio);
        assert_eq!(kind_of("overdue_share"), Kind::Ratio);
        assert_eq!(kind_of("leads_rejected{reason=price}"), Kind::Count);
    }

    #[test]
    fn sums_skip_ratios() {
        let row = |p: &str, m: &str, t: i128, a: Option<i128>| TargetFact {
            person: p.into(),
            region: Some("msk".into()),
            metric: m.into(),
            target: t * U,
            actual: a.map(|a| a * U),
        };
        let sums = region_sums(&[
            row("a", "calls", 100, Some(80)),
            row("b", "calls", 100, Some(70)),
            row("c", "calls", 50, None),
            row("a", "acceptance_rate", 1, Some(1)),
        ]);
        assert_eq!(sums.len(), 1);
        assert_eq!(sums[0].people, 3);
        assert_eq!(sums[0].target, 250 * U);
        assert_eq!(sums[0].actual, 150 * U);
        assert_eq!(sums[0].attainment_tenths, Some(600));
    }
}
