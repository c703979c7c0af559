//! An oracle for the window that ends today: the reference classifier told, besides the effect
//! size and that at most one person is weak, the true lag distribution of the simulation, and
//! weighing every lead by its exact likelihood `P(paid by age) = p · F(age)` instead of the
//! fractional trials the model and the reference use. No method can know `F` exactly, so it
//! bounds what the censored counts can tell: if it loses as much detection as the model against
//! the matured departments, the loss is in the data, not in the approximation.

use std::collections::BTreeSet;

use super::Role;
use super::censoring::TimedLead;
use super::normal_cdf;
use super::reference::LikelihoodRatio;
use super::simulated::LagConfig;

/// `F(age)` of the simulation's lag: a lognormal rounded to whole days, so a lag of at most
/// `age` days is a draw below `age + ½`.
pub fn lognormal_cdf(lag: &LagConfig, age_days: u32) -> f64 {
    let x = f64::from(age_days) + 0.5;
    normal_cdf((x.ln() - lag.median_days.ln()) / lag.sigma)
}

/// One lead for the likelihood: `F(age)`, whether it has paid, whether it is the suspect's.
#[derive(Debug, Clone, Copy)]
struct Lead {
    f: f64,
    paid: bool,
    weak: bool,
}

/// The log-likelihood maximised over the base rate `p`, the suspect's leads at `factor · p`.
/// Concave in `p` (a sum of `ln p` and `ln(1 − c·p·F)`), so Newton's method from the moment
/// estimate, kept inside `(0, 1)`, finds the maximum.
fn profile(leads: &[Lead], factor: f64) -> f64 {
    let scale = |l: &Lead| if l.weak { factor } else { 1.0 };
    let paid = leads.iter().filter(|l| l.paid).count() as f64;
    let ll = |p: f64| -> f64 {
        leads
            .iter()
            .map(|l| {
                let q = scale(l) * p * l.f;
                if l.paid { q.ln() } else { (1.0 - q).ln() }
            })
            .sum()
    };
    if paid == 0.0 {
        return 0.0;
    }
    let exposure: f64 = leads.iter().map(|l| scale(l) * l.f).sum();
    let mut p = (paid / exposure).clamp(1e-9, 1.0 - 1e-9);
    for _ in 0..50 {
        let (mut g, mut h) = (paid / p, -paid / (p * p));
        for l in leads.iter().filter(|l| !l.paid) {
            let c = scale(l) * l.f;
            let d = 1.0 - c * p;
            g -= c / d;
            h -= c * c / (d * d);
        }
        let next = (p - g / h).clamp(p / 2.0, (p + 1.0) / 2.0);
        let done = (next - p).abs() < 1e-12;
        p = next;
        if done {
            break;
        }
    }
    ll(p)
}

/// The oracle's statistic: the most likely weak person and the log-likelihood ratio of that
/// hypothesis against "all equal".
pub fn likelihood_ratio(leads: &[TimedLead], lag: &LagConfig, weak_factor: f64) -> LikelihoodRatio {
    let people: BTreeSet<(Role, i64)> = leads
        .iter()
        .flat_map(|l| {
            [
                (Role::Caller, l.caller),
                (Role::SalesManager, l.sales_manager),
            ]
        })
        .collect();
    let mut scratch: Vec<Lead> = leads
        .iter()
        .map(|l| Lead {
            f: lognormal_cdf(lag, l.timing.age_days),
            paid: l.timing.paid_after_days.is_some(),
            weak: false,
        })
        .collect();
    let null = profile(&scratch, 1.0);
    let mut best: Option<((Role, i64), f64)> = None;
    for &(role, id) in &people {
        for (s, l) in scratch.iter_mut().zip(leads) {
            s.weak = match role {
                Role::Caller => l.caller == id,
                Role::SalesManager => l.sales_manager == id,
            };
        }
        let ll = profile(&scratch, weak_factor);
        if best.is_none_or(|(_, b)| ll > b) {
            best = Some(((role, id), ll));
        }
    }
    match best {
        Some((key, ll)) => LikelihoodRatio {
            best: Some(key),
            log_ratio: ll - null,
        },
        None => LikelihoodRatio {
            best: None,
            log_ratio: 0.0,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lognormal_cdf_is_a_half_at_the_median() {
        let lag = LagConfig {
            median_days: 40.5,
            sigma: 0.6,
        };
        assert!((lognormal_cdf(&lag, 40) - 0.5).abs() < 1e-12);
    }

    #[test]
    fn with_every_lead_matured_the_profile_is_the_binomial_maximum() {
        // F = 1 for all: 3 paid of 10 → p = 0.3, ll = 3 ln 0.3 + 7 ln 0.7.
        let leads: Vec<Lead> = (0..10)
            .map(|i| Lead {
                f: 1.0,
                paid: i < 3,
                weak: false,
            })
            .collect();
        let expected = 3.0 * 0.3f64.ln() + 7.0 * 0.7f64.ln();
        assert!((profile(&leads, 1.0) - expected).abs() < 1e-9);
    }
}
