//! Small numerical helpers: the special functions behind the posterior intervals, quantiles of
//! simulated samples, and the conversions between `f64` and exact money.
//!
//! Everything here is deterministic: the same inputs give the same bits on the same platform.

use rust_decimal::Decimal;

// The distributions come from statrs, the field's crate (already used by baton-analytics):
// the parameters' 80 % intervals and the new-client bonus's qualification chance.
use statrs::distribution::{Beta, Binomial, ContinuousCDF, DiscreteCDF, Gamma, Normal};

/// The q-quantile of Beta(a, b); NaN for parameters that are not a distribution.
pub(crate) fn beta_quantile(q: f64, a: f64, b: f64) -> f64 {
    Beta::new(a, b).map_or(f64::NAN, |d| d.inverse_cdf(q))
}

/// The q-quantile of Gamma(shape, 1); NaN for a shape that is not a distribution.
pub(crate) fn gamma_quantile(q: f64, shape: f64) -> f64 {
    Gamma::new(shape, 1.0).map_or(f64::NAN, |d| d.inverse_cdf(q))
}

/// The q-quantile of the standard normal distribution.
pub(crate) fn normal_quantile(q: f64) -> f64 {
    Normal::standard().inverse_cdf(q)
}

/// P(X ≥ k) for X ~ Binomial(n, p).
pub(crate) fn binomial_tail(n: u32, p: f64, k: u32) -> f64 {
    if k == 0 {
        return 1.0;
    }
    if k > n {
        return 0.0;
    }
    Binomial::new(p.clamp(0.0, 1.0), u64::from(n)).map_or(0.0, |d| d.sf(u64::from(k - 1)))
}

/// The q-quantile of sorted samples, interpolating linearly between order statistics
/// (Hyndman–Fan type 7, the default of R and NumPy).
pub(crate) fn quantile_sorted(sorted: &[f64], q: f64) -> f64 {
    match sorted.len() {
        0 => 0.0,
        1 => sorted[0],
        n => {
            let h = (n - 1) as f64 * q;
            let i = h.floor() as usize;
            let frac = h - i as f64;
            if i + 1 >= n {
                sorted[n - 1]
            } else {
                sorted[i] + frac * (sorted[i + 1] - sorted[i])
            }
        }
    }
}

/// A value rounded to `dp` decimal places as an exact decimal (half away from zero).
pub(crate) fn dec(x: f64, dp: u32) -> Decimal {
    let scale = 10f64.powi(dp as i32);
    let v = (x * scale).round();
    if !v.is_finite() || v.abs() > 9.0e15 {
        return Decimal::ZERO;
    }
    Decimal::new(v as i64, dp)
}

/// Kopecks as rubles, exactly.
pub(crate) fn rub(kopecks: f64) -> Decimal {
    dec(kopecks.round() / 100.0, 2)
}

/// A decimal as `f64` (parameters are converted once per run, never in the money outputs).
pub(crate) fn f(d: Decimal) -> f64 {
    use rust_decimal::prelude::ToPrimitive;
    d.to_f64().unwrap_or(0.0)
}

/// Rubles as whole kopecks.
pub(crate) fn kop(rubles: Decimal) -> i64 {
    use rust_decimal::prelude::ToPrimitive;
    (rubles * Decimal::ONE_HUNDRED)
        .round()
        .to_i64()
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_functions_match_known_values() {
        // Beta(2, 3): CDF at 0.5 = 11/16.
        assert!((beta_quantile(0.6875, 2.0, 3.0) - 0.5).abs() < 1e-8);
        // Gamma(1): exponential.
        assert!((gamma_quantile(0.5, 1.0) - 2f64.ln()).abs() < 1e-8);
        assert!((normal_quantile(0.9) - 1.281_551_565_5).abs() < 1e-6);
        assert!((binomial_tail(2, 0.5, 1) - 0.75).abs() < 1e-12);
        assert!((binomial_tail(3, 0.5, 3) - 0.125).abs() < 1e-12);
        assert_eq!(binomial_tail(3, 0.5, 0), 1.0);
        assert_eq!(binomial_tail(3, 0.5, 4), 0.0);
    }

    #[test]
    fn quantiles_interpolate() {
        let s = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(quantile_sorted(&s, 0.5), 3.0);
        assert!((quantile_sorted(&s, 0.1) - 1.4).abs() < 1e-12);
        assert_eq!(dec(1.006, 2), Decimal::new(101, 2));
        assert_eq!(rub(123_456.0), Decimal::new(123_456, 2));
    }
}
