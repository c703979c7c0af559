//! Tiers and lookup tables, the arithmetic every pay plan is made of. Bands are
//! lower-inclusive: a value equal to a band's lower bound belongs to that band.

use crate::number::human;
use rust_decimal::Decimal;
use serde::Serialize;

/// One band of a tiered rate: from `from` (inclusive) up to the next band's `from`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Tier {
    pub from: Decimal,
    pub rate: Decimal,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TierMode {
    /// Each band's rate applies to the part of the amount inside the band.
    Marginal,
    /// The band the amount reaches sets the rate for the whole amount.
    Retroactive,
}

/// The tiered result and its explanation, band by band.
pub fn tiered(
    amount: Decimal,
    tiers: &[Tier],
    mode: TierMode,
    fmt: impl Fn(Decimal) -> String,
) -> (Decimal, String) {
    if amount <= Decimal::ZERO || tiers.is_empty() {
        let rate = tiers.first().map_or(Decimal::ZERO, |t| t.rate);
        return (amount * rate, format!("{} × {}", fmt(amount), human(rate)));
    }
    match mode {
        TierMode::Retroactive => {
            let t = tiers
                .iter()
                .rev()
                .find(|t| amount >= t.from)
                .unwrap_or(&tiers[0]);
            (
                amount * t.rate,
                format!(
                    "{} × {} (≥ {})",
                    fmt(amount),
                    human(t.rate),
                    fmt(t.from)
                ),
            )
        }
        TierMode::Marginal => {
            let mut total = Decimal::ZERO;
            let mut parts = Vec::new();
            for (i, t) in tiers.iter().enumerate() {
                if amount <= t.from {
                    break;
                }
                let upper = tiers.get(i + 1).map_or(amount, |n| n.from.min(amount));
                let part = upper - t.from;
                if part > Decimal::ZERO {
                    total += part * t.rate;
                    parts.push(format!("{} × {}", fmt(part), human(t.rate)));
                }
            }
            (total, parts.join(" + "))
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TableMode {
    /// The value of the band the input reaches.
    Step,
    /// Straight lines between points.
    Linear,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Point {
    pub at: Decimal,
    pub value: Decimal,
}

/// A coefficient looked up by a metric. Below the first point the table gives `below`
/// (a cut-off, often 0); past the last point it stays at the last value (the cap).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Table {
    pub mode: TableMode,
    pub points: Vec<Point>,
    pub below: Decimal,
}

impl Table {
    pub fn lookup(&self, x: Decimal) -> Decimal {
        let Some(first) = self.points.first() else {
            return Decimal::ONE;
        };
        if x < first.at {
            return self.below;
        }
        let i = self.points.iter().rposition(|p| x >= p.at).unwrap_or(0);
        let p = &self.points[i];
        match (self.mode, self.points.get(i + 1)) {
            (TableMode::Linear, Some(n)) if n.at > p.at => {
                p.value + (n.value - p.value) * (x - p.at) / (n.at - p.at)
            }
            _ => p.value,
        }
    }

    /// The next point above `x` and the value it gives ("next threshold").
    pub fn next_point(&self, x: Decimal) -> Option<&Point> {
        self.points.iter().find(|p| p.at > x)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn tiers() -> Vec<Tier> {
        vec![
            Tier {
                from: d("0"),
                rate: d("0.075"),
            },
            Tier {
                from: d("100"),
                rate: d("0.125"),
            },
            Tier {
                from: d("150"),
                rate: d("0.15"),
            },
        ]
    }

    #[test]
    fn marginal_and_retroactive() {
        let (m, why) = tiered(d("200"), &tiers(), TierMode::Marginal, human);
        // 100 × 0.075 + 50 × 0.125 + 50 × 0.15 = 7.5 + 6.25 + 7.5
        assert_eq!(m, d("21.25"));
        assert_eq!(why, "100 × 0,075 + 50 × 0,125 + 50 × 0,15");
        let (r, _) = tiered(d("200"), &tiers(), TierMode::Retroactive, human);
        assert_eq!(r, d("30"));
        // Lower-inclusive: exactly 100 is in the second band for the retroactive rate.
        assert_eq!(
            tiered(d("100"), &tiers(), TierMode::Retroactive, human).0,
            d("12.5")
        );
    }

    #[test]
    fn kpi_coefficient_of_the_brief() {
        // domain-brief §3.2: floor 0.8, linear to 1.0, accelerator 1.5 up to the cap at 1.5.
        let k = Table {
            mode: TableMode::Linear,
            points: vec![
                Point {
                    at: d("0.8"),
                    value: d("0.8"),
                },
                Point {
                    at: d("1.0"),
                    value: d("1.0"),
                },
                Point {
                    at: d("1.5"),
                    value: d("1.75"),
                },
            ],
            below: d("0"),
        };
        assert_eq!(k.lookup(d("1.15")), d("1.225"));
        assert_eq!(k.lookup(d("0.90")), d("0.90"));
        assert_eq!(k.lookup(d("0.75")), d("0"));
        assert_eq!(k.lookup(d("2")), d("1.75"));
        let step = Table {
            mode: TableMode::Step,
            points: vec![
                Point {
                    at: d("0"),
                    value: d("0.8"),
                },
                Point {
                    at: d("0.1"),
                    value: d("1.0"),
                },
                Point {
                    at: d("0.2"),
                    value: d("1.2"),
                },
            ],
            below: d("0.8"),
        };
        assert_eq!(step.lookup(d("0.1")), d("1.0"));
        assert_eq!(step.lookup(d("0.0999")), d("0.8"));
        assert_eq!(step.next_point(d("0.15")).map(|p| p.value), Some(d("1.2")));
    }

    proptest! {
        /// Marginal tiers are continuous: just below and at a boundary differ by at most
        /// the boundary rate times the step.
        #[test]
        fn marginal_tiers_are_continuous(b in 0usize..3, eps in 1u32..1000) {
            let t = tiers();
            let at = t[b].from;
            let e = Decimal::new(i64::from(eps), 6);
            let below = tiered(at - e, &t, TierMode::Marginal, human).0;
            let above = tiered(at, &t, TierMode::Marginal, human).0;
            let max_rate = t.iter().map(|x| x.rate).max().unwrap();
            prop_assert!(above >= below);
            prop_assert!(above - below <= e * max_rate);
        }

        /// More never pays less with increasing rates.
        #[test]
        fn tiers_are_monotonic(a in 0u32..100_000, b in 0u32..100_000) {
            let (lo, hi) = (a.min(b), a.max(b));
            for mode in [TierMode::Marginal, TierMode::Retroactive] {
                let x = tiered(Decimal::from(lo) / Decimal::from(100), &tiers(), mode, human).0;
                let y = tiered(Decimal::from(hi) / Decimal::from(100), &tiers(), mode, human).0;
                prop_assert!(y >= x);
            }
        }
    }
}
