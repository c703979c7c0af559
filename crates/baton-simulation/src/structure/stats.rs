//! Small numerical helpers: the special functions behind the posterior intervals, quantiles of
//! simulated samples, and the conversions between `f64` and exact money.
//!
//! Everything here is deterministic: the same inputs give the same bits on the same platform.

use rust_decimal::Decimal;

/// ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9; relative error below 1e-13).
pub(crate) fn ln_gamma(x: f64) -> f64 {
    const G: f64 = 7.0;
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection keeps the series in its accurate range.
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut a = C[0];
    let t = x + G + 0.5;
    for (i, c) in C.iter().enumerate().skip(1) {
        a += c / (x + i as f64);
    }
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

/// Continued fraction of the incomplete beta function (modified Lentz).
fn beta_cf(a: f64, b: f64, x: f64) -> f64 {
    const TINY: f64 = 1e-300;
    let qab = a + b;
    let qap = a + 1.0;
    let qam = a - 1.0;
    let mut c = 1.0;
    let mut d = 1.0 - qab * x / qap;
    if d.abs() < TINY {
        d = TINY;
    }
    d = 1.0 / d;
    let mut h = d;
    for m in 1..400 {
        let m = m as f64;
        let m2 = 2.0 * m;
        let aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        h *= d * c;
        let aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        let del = d * c;
        h *= del;
        if (del - 1.0).abs() < 1e-14 {
            break;
        }
    }
    h
}

/// The regularized incomplete beta function I_x(a, b): the CDF of Beta(a, b) at x.
pub(crate) fn beta_cdf(x: f64, a: f64, b: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let ln_front = ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln();
    let front = ln_front.exp();
    if x < (a + 1.0) / (a + b + 2.0) {
        front * beta_cf(a, b, x) / a
    } else {
        1.0 - front * beta_cf(b, a, 1.0 - x) / b
    }
}

/// The q-quantile of Beta(a, b), by bisection on the CDF.
pub(crate) fn beta_quantile(q: f64, a: f64, b: f64) -> f64 {
    bisect(|x| beta_cdf(x, a, b) - q, 0.0, 1.0)
}

/// The regularized lower incomplete gamma function P(a, x): the CDF of Gamma(a, 1) at x.
pub(crate) fn gamma_cdf(x: f64, a: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    let ln_front = -x + a * x.ln() - ln_gamma(a);
    if x < a + 1.0 {
        // Series.
        let mut sum = 1.0 / a;
        let mut del = sum;
        let mut ap = a;
        for _ in 0..1000 {
            ap += 1.0;
            del *= x / ap;
            sum += del;
            if del.abs() < sum.abs() * 1e-15 {
                break;
            }
        }
        sum * ln_front.exp()
    } else {
        // Continued fraction for Q(a, x).
        const TINY: f64 = 1e-300;
        let mut b = x + 1.0 - a;
        let mut c = 1.0 / TINY;
        let mut d = 1.0 / b;
        let mut h = d;
        for i in 1..1000 {
            let an = -(i as f64) * (i as f64 - a);
            b += 2.0;
            d = an * d + b;
            if d.abs() < TINY {
                d = TINY;
            }
            c = b + an / c;
            if c.abs() < TINY {
                c = TINY;
            }
            d = 1.0 / d;
            let del = d * c;
            h *= del;
            if (del - 1.0).abs() < 1e-15 {
                break;
            }
        }
        1.0 - ln_front.exp() * h
    }
}

/// The q-quantile of Gamma(shape, 1).
pub(crate) fn gamma_quantile(q: f64, shape: f64) -> f64 {
    let mut hi = shape.max(1.0);
    while gamma_cdf(hi, shape) < q {
        hi *= 2.0;
    }
    bisect(|x| gamma_cdf(x, shape) - q, 0.0, hi)
}

/// The CDF of the standard normal distribution (erfc by its Chebyshev fit, error < 1.2e-7).
pub(crate) fn normal_cdf(z: f64) -> f64 {
    let x = -z / std::f64::consts::SQRT_2;
    let t = 1.0 / (1.0 + 0.5 * x.abs());
    let y = t
        * (-x * x - 1.265_512_23
            + t * (1.000_023_68
                + t * (0.374_091_96
                    + t * (0.096_784_18
                        + t * (-0.186_288_06
                            + t * (0.278_868_07
                                + t * (-1.135_203_98
                                    + t * (1.488_515_87
                                        + t * (-0.822_152_23 + t * 0.170_872_77)))))))))
            .exp();
    let erfc = if x >= 0.0 { y } else { 2.0 - y };
    0.5 * erfc
}

/// The q-quantile of the standard normal distribution.
pub(crate) fn normal_quantile(q: f64) -> f64 {
    bisect(|z| normal_cdf(z) - q, -12.0, 12.0)
}

/// A root of an increasing function on [lo, hi] by bisection (80 halvings: f64 precision).
fn bisect(f: impl Fn(f64) -> f64, mut lo: f64, mut hi: f64) -> f64 {
    for _ in 0..80 {
        let mid = 0.5 * (lo + hi);
        if f(mid) < 0.0 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

/// P(X ≥ k) for X ~ Binomial(n, p), by direct summation (n is small here).
pub(crate) fn binomial_tail(n: u32, p: f64, k: u32) -> f64 {
    if k == 0 {
        return 1.0;
    }
    if k > n {
        return 0.0;
    }
    let mut total = 0.0;
    for i in k..=n {
        let ln_c =
            ln_gamma(n as f64 + 1.0) - ln_gamma(i as f64 + 1.0) - ln_gamma((n - i) as f64 + 1.0);
        total +=
            (ln_c + i as f64 * p.max(1e-300).ln() + (n - i) as f64 * (1.0 - p).max(1e-300).ln())
                .exp();
    }
    total.min(1.0)
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
        assert!((ln_gamma(5.0) - 24f64.ln()).abs() < 1e-12);
        assert!((ln_gamma(0.5) - std::f64::consts::PI.sqrt().ln()).abs() < 1e-12);
        // Beta(2, 3): CDF at 0.5 = 11/16.
        assert!((beta_cdf(0.5, 2.0, 3.0) - 0.6875).abs() < 1e-12);
        assert!((beta_quantile(0.6875, 2.0, 3.0) - 0.5).abs() < 1e-10);
        // Gamma(1): exponential.
        assert!((gamma_cdf(1.0, 1.0) - (1.0 - (-1f64).exp())).abs() < 1e-12);
        assert!((gamma_quantile(0.5, 1.0) - 2f64.ln()).abs() < 1e-10);
        assert!((normal_quantile(0.9) - 1.281_551_565_5).abs() < 1e-6);
        assert!((binomial_tail(2, 0.5, 1) - 0.75).abs() < 1e-12);
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
