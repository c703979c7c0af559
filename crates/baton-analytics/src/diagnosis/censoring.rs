//! Conversion that knows recent leads are still open (issue 16, item 3: right-censoring).
//!
//! A lead counts as converted when it has paid by the end of the window. When the window ends
//! today, a lead accepted two weeks ago has had two weeks to pay, while most of the department's
//! clients take longer: counted as a loss, it drags down whoever handled the most recent leads.
//!
//! The model is a cure-rate view: a lead of a pair converts eventually with the pair's
//! probability `p`, and if it does, pays after a lag drawn from the department's lag
//! distribution `F`, the same for everyone. So `P(paid by age a) = p · F(a)`, and a pair's
//! evidence becomes its conversions against its **exposure** `Σ F(ageᵢ)` over its accepted leads
//! (the conversions it would show by now if `p` were one), instead of against its accepted leads.
//! A lead accepted before the department's lags run out has `F = 1` and counts in full; one
//! accepted yesterday counts for almost nothing, neither as a loss nor as a chance.
//!
//! `F` is estimated from the same window ([`LagCdf::estimate`]): the Kaplan–Meier estimate of
//! "paid by day t" over every accepted lead (a lead that has not paid is followed up to its age),
//! which is `p̄ · F(t)` for the department's average `p̄`, divided by its plateau. Non-parametric,
//! because the department's own lags are what matter and nothing forces them into a lognormal;
//! pooled over the department, because one pair has far too few payments for a curve of its own.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{DiagnosisError, PairExposure};

/// The fewest leads still followed up for a payment to move the plateau: the Kaplan–Meier
/// estimate's last steps rest on a handful of old leads, and one late payer among three would
/// otherwise shrink everyone's exposure by a third.
pub const MIN_AT_RISK: usize = 20;

/// An accepted lead unpaid while `F(age)` is below this is "open" (not yet), not lost: younger
/// than the lag by which nine in ten of the department's clients have paid.
pub const OPEN_BELOW: f64 = 0.9;

/// One accepted lead as seen at the window end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadTiming {
    /// Days from acceptance to the window end (0: accepted on its last day).
    pub age_days: u32,
    /// Days from acceptance to the first payment, if it came by the window end.
    pub paid_after_days: Option<u32>,
}

/// An accepted lead of a pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimedLead {
    pub caller: i64,
    pub sales_manager: i64,
    pub timing: LeadTiming,
}

/// The department's distribution of the lag from acceptance to the first payment, among the
/// leads that pay: `F(a)`, the share of eventual clients that have paid within `a` days.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LagCdf {
    /// `(day, F)`: `F` from `day` on, days ascending, the last `F` exactly 1.
    steps: Vec<(u32, f64)>,
    /// The share of all leads that pay eventually (the cure-rate model's `p̄`), as far as the
    /// follow-up shows it: see [`LagCdf::eventual`].
    eventual: f64,
}

impl LagCdf {
    /// Estimates the lag distribution from the accepted leads of a window. `None` when no lead
    /// has paid (there is no lag to learn from, and no conversion to weigh either).
    pub fn estimate(leads: &[LeadTiming]) -> Result<Option<LagCdf>, DiagnosisError> {
        let mut lags = Vec::new();
        let mut follow_up = Vec::with_capacity(leads.len());
        for l in leads {
            match l.paid_after_days {
                Some(lag) if lag > l.age_days => {
                    return Err(DiagnosisError::PaidAfterWindowEnd {
                        age_days: l.age_days,
                        paid_after_days: lag,
                    });
                }
                Some(lag) => {
                    lags.push(lag);
                    follow_up.push(lag);
                }
                None => follow_up.push(l.age_days),
            }
        }
        lags.sort_unstable();
        follow_up.sort_unstable();
        let mut payments: BTreeMap<u32, usize> = BTreeMap::new();
        for &lag in &lags {
            *payments.entry(lag).or_default() += 1;
        }
        // Kaplan–Meier: at day t, every lead followed up to t or later is at risk (a payment on
        // the window's last day is seen), and `d` of them pay.
        let mut unpaid = 1.0;
        let mut paid: Vec<(u32, f64)> = Vec::new();
        for (&day, &d) in &payments {
            let at_risk = follow_up.len() - follow_up.partition_point(|&f| f < day);
            if at_risk < MIN_AT_RISK && !paid.is_empty() {
                break;
            }
            unpaid *= 1.0 - d as f64 / at_risk as f64;
            paid.push((day, 1.0 - unpaid));
        }
        let Some(&(horizon, plateau)) = paid.last() else {
            return Ok(None);
        };
        // The eventual share: the curve's plateau, plus the share of the leads still followed
        // up past it that paid later (the ones not paid yet counted as lost, so the few old
        // leads cannot swing it the way the Kaplan–Meier tail would), never below the share
        // already paid.
        let later = follow_up.len() - follow_up.partition_point(|&f| f <= horizon);
        let paid_later = lags.len() - lags.partition_point(|&l| l <= horizon);
        let mut eventual = plateau;
        if later > 0 {
            eventual += (1.0 - plateau) * paid_later as f64 / later as f64;
        }
        let eventual = eventual.max(lags.len() as f64 / leads.len() as f64);
        if plateau <= 0.0 {
            return Ok(None);
        }
        let mut steps: Vec<(u32, f64)> = paid.iter().map(|&(d, p)| (d, p / plateau)).collect();
        if let Some(last) = steps.last_mut() {
            last.1 = 1.0;
        }
        Ok(Some(LagCdf { steps, eventual }))
    }

    /// Every lead matured: `F = 1` from day 0, so the exposure is the accepted count.
    pub fn matured() -> LagCdf {
        LagCdf {
            steps: vec![(0, 1.0)],
            eventual: 1.0,
        }
    }

    /// The share of all leads that pay eventually, the young leads counted as "not yet" rather
    /// than as lost: the Kaplan–Meier share paid by the horizon, plus the share of the leads
    /// followed up past it that paid later; never below the share already paid. 1 for [`LagCdf::matured`], which knows
    /// nothing of the leads.
    pub fn eventual(&self) -> f64 {
        self.eventual
    }

    /// `F(age)`: the share of eventual clients that pay within `age` days.
    pub fn at(&self, age_days: u32) -> f64 {
        let i = self.steps.partition_point(|&(d, _)| d <= age_days);
        if i == 0 { 0.0 } else { self.steps[i - 1].1 }
    }

    /// The first day by which at least `share` of eventual clients have paid.
    pub fn quantile(&self, share: f64) -> u32 {
        self.steps
            .iter()
            .find(|&&(_, f)| f >= share)
            .or(self.steps.last())
            .map_or(0, |&(d, _)| d)
    }

    /// The day after which no more payments are counted: leads older than this count in full.
    pub fn horizon(&self) -> u32 {
        self.steps.last().map_or(0, |&(d, _)| d)
    }
}

/// The pairs' counts with their exposure under `lag`. Sorted by caller, then sales manager.
pub fn exposed_pairs(leads: &[TimedLead], lag: &LagCdf) -> Vec<PairExposure> {
    let mut pairs: BTreeMap<(i64, i64), PairExposure> = BTreeMap::new();
    for l in leads {
        let p = pairs
            .entry((l.caller, l.sales_manager))
            .or_insert(PairExposure {
                caller: l.caller,
                sales_manager: l.sales_manager,
                accepted: 0,
                converted: 0,
                exposure: 0.0,
                open: 0,
            });
        let f = lag.at(l.timing.age_days);
        p.accepted += 1;
        p.exposure += f;
        if l.timing.paid_after_days.is_some() {
            p.converted += 1;
        } else if f < OPEN_BELOW {
            p.open += 1;
        }
    }
    pairs.into_values().collect()
}

/// The lag distribution estimated from `leads` and the pairs' exposure under it; with no payment
/// at all, every lead counts in full (there is no conversion to weigh anyway).
pub fn censored_pairs(leads: &[TimedLead]) -> Result<Vec<PairExposure>, DiagnosisError> {
    let timings: Vec<LeadTiming> = leads.iter().map(|l| l.timing).collect();
    let lag = LagCdf::estimate(&timings)?.unwrap_or_else(LagCdf::matured);
    Ok(exposed_pairs(leads, &lag))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lead(age_days: u32, paid_after_days: Option<u32>) -> LeadTiming {
        LeadTiming {
            age_days,
            paid_after_days,
        }
    }

    /// Twenty unpaid leads aged 100 days keep at least `MIN_AT_RISK` leads at risk throughout.
    fn with_old_unpaid(mut leads: Vec<LeadTiming>) -> Vec<LeadTiming> {
        leads.extend((0..20).map(|_| lead(100, None)));
        leads
    }

    #[test]
    fn kaplan_meier_by_hand() {
        // 24 leads: 20 unpaid aged 100, paid at 10 and at 20 (aged 50 and 40), unpaid aged 15
        // and 30. Day 10: 24 at risk, 1 pays → unpaid 23/24. Day 20: 22 at risk (the one aged 15
        // and the payer at 10 left) → unpaid 23/24 · 21/22 = 483/528. Paid by day 10: 1/24; by
        // day 20: 45/528. F(10) = (1/24) / (45/528) = 22/45 = 0.488889, F(20) = 1.
        let leads = with_old_unpaid(vec![
            lead(50, Some(10)),
            lead(40, Some(20)),
            lead(15, None),
            lead(30, None),
        ]);
        let f = LagCdf::estimate(&leads).expect("valid").expect("payments");
        assert_eq!(f.at(9), 0.0);
        assert!((f.at(10) - 22.0 / 45.0).abs() < 1e-12, "{}", f.at(10));
        assert!((f.at(19) - 22.0 / 45.0).abs() < 1e-12);
        assert_eq!(f.at(20), 1.0);
        assert_eq!(f.at(500), 1.0);
        assert_eq!(f.horizon(), 20);
        assert_eq!(f.quantile(0.4), 10);
        assert_eq!(f.quantile(0.9), 20);
        assert!((f.eventual() - 45.0 / 528.0).abs() < 1e-12);
    }

    #[test]
    fn without_censoring_it_is_the_empirical_lag_distribution() {
        // Every lead followed up to day 100: F is the share of the payers paid by each day.
        let leads = with_old_unpaid(vec![
            lead(100, Some(5)),
            lead(100, Some(5)),
            lead(100, Some(30)),
            lead(100, Some(60)),
        ]);
        let f = LagCdf::estimate(&leads).expect("valid").expect("payments");
        assert!((f.at(5) - 0.5).abs() < 1e-12);
        assert!((f.at(30) - 0.75).abs() < 1e-12);
        assert_eq!(f.at(60), 1.0);
    }

    #[test]
    fn the_thin_tail_does_not_move_the_plateau() {
        // Day 10: 21 at risk, one pays. Day 90: only the payer at 90 and one unpaid lead are
        // still followed up (2 < MIN_AT_RISK): that payment is left out and F reaches 1 at 10.
        let mut leads = vec![lead(95, Some(90)), lead(95, None), lead(50, Some(10))];
        leads.extend((0..18).map(|_| lead(40, None)));
        let f = LagCdf::estimate(&leads).expect("valid").expect("payments");
        assert_eq!(f.at(10), 1.0);
        assert_eq!(f.horizon(), 10);
        // The eventual share still counts the late payment: 1/21 paid by day 10, and of the 20
        // leads followed up past it one paid later: 1/21 + 20/21 · 1/20 = 2/21.
        assert!(
            (f.eventual() - 2.0 / 21.0).abs() < 1e-12,
            "{}",
            f.eventual()
        );
    }

    #[test]
    fn no_payment_no_curve_and_a_payment_after_the_window_is_refused() {
        assert_eq!(LagCdf::estimate(&[lead(10, None)]), Ok(None));
        assert_eq!(
            LagCdf::estimate(&[lead(10, Some(11))]),
            Err(DiagnosisError::PaidAfterWindowEnd {
                age_days: 10,
                paid_after_days: 11
            })
        );
    }

    #[test]
    fn exposure_sums_f_over_the_pairs_leads_and_counts_the_open_ones() {
        let f = LagCdf {
            steps: vec![(10, 0.5), (40, 1.0)],
            eventual: 0.5,
        };
        let timed = |caller, age, paid| TimedLead {
            caller,
            sales_manager: 101,
            timing: lead(age, paid),
        };
        let pairs = exposed_pairs(
            &[
                timed(2, 5, None),
                timed(1, 60, Some(30)),
                timed(1, 20, None),
                timed(1, 3, None),
                timed(1, 45, None),
            ],
            &f,
        );
        assert_eq!(pairs.len(), 2);
        let p = pairs[0];
        assert_eq!((p.caller, p.accepted, p.converted, p.open), (1, 4, 1, 2));
        assert!((p.exposure - 2.5).abs() < 1e-12);
        assert_eq!((pairs[1].caller, pairs[1].exposure), (2, 0.0));
        let matured = exposed_pairs(&[timed(1, 3, None)], &LagCdf::matured());
        assert_eq!((matured[0].exposure, matured[0].open), (1.0, 0));
    }
}
