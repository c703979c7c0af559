//! The honesty check of issue 6 §3: the worked example of `domain-brief.md` §7.
//!
//! The brief: 3 universal managers × 160 h, 50 % non-selling → 240 selling hours, half of it
//! on the base → 120 h hunting, 1 lead per 6 h → 20 leads, 30 % win → 6 new clients. The
//! conveyor: 2 callers hand 28 leads, 20 % handoff loss → 22.4 accepted, 30 % win → 6.72 new
//! clients, which the brief rounds to «≈ 7». Each new client is worth 150 000 ₽ of first-year
//! margin; the client manager cuts churn from 3 % to 2 % on a 5 M ₽ a month base at 30 %
//! margin (+15 000 ₽ a month); the two extra heads cost 2 × 90 000 ₽ loaded.
//!
//! Tolerance: the model's expected value equals the brief's arithmetic exactly (asserted to the
//! kopeck); the Monte Carlo median may differ by its sampling error and by the leads lost when
//! a month's accepted leads exceed the sales managers' Little's-law capacity (about 1 000 ₽).
//! With 20 000 runs of 12 months the standard error of the median is about 1 400 ₽
//! (1.25 × σ ÷ √N with σ ≈ 155 000 ₽ a month for a run's average), so ±5 000 ₽ is about three
//! standard errors beyond that bias.

use baton_simulation::structure::*;
use rust_decimal::Decimal;

fn rub(v: i64) -> Decimal {
    Decimal::from(v)
}

/// The brief's formula: ΔNew × 150 000 + 0.01 × 5 000 000 × 0.3 − 2 × 90 000.
fn by_hand(new_universal: f64, new_conveyor: f64) -> f64 {
    (new_conveyor - new_universal) * 150_000.0 + 0.01 * 5_000_000.0 * 0.3 - 2.0 * 90_000.0
}

#[test]
fn brief_as_printed_expected_value_is_the_brief_formula() {
    let p = Preset::brief7();
    let u = expected(&p.params, &p.plans, &p.baseline, &p.settings).expect("runs");
    let c = expected(&p.params, &p.plans, &p.candidate, &p.settings).expect("runs");
    assert_eq!(
        u.new_clients,
        rub(6),
        "3 × 160 h × 50 % − 120 h of service = 120 h ÷ 6 h × 30 %"
    );
    assert_eq!(c.new_clients, Decimal::new(672, 2), "28 × 0.8 × 0.3");
    assert_eq!(u.payroll, rub(270_000));
    assert_eq!(c.payroll, rub(450_000));
    let hand = by_hand(6.0, 28.0 * 0.8 * 0.3);
    assert!((hand - -57_000.0).abs() < 1e-6);
    assert_eq!(c.profit - u.profit, rub(-57_000));
}

#[test]
fn brief_with_its_rounding_gives_minus_15000_and_says_it_does_not_pay() {
    let p = Preset::brief7_whole_clients();
    let j = p.judge().expect("runs");
    let v = &j.verdict;
    let hand = by_hand(6.0, 7.0);
    assert_eq!(hand, -15_000.0, "the brief's printed result");
    // Expected value: to the ruble (5/6 is a repeating decimal).
    assert!(
        (v.expected_difference - rub(-15_000)).abs() <= Decimal::ONE,
        "{}",
        v.expected_difference
    );
    // Monte Carlo median: within ±5 000 ₽.
    let median = v.difference.median;
    assert!(
        (median - rub(-15_000)).abs() <= rub(5_000),
        "median {median}"
    );
    assert_eq!(v.outcome, Outcome::DoesNotPay);
    assert!(
        v.text_en.contains("does not pay at this volume"),
        "{}",
        v.text_en
    );
    assert!(v.text_ru.contains("не окупается"), "{}", v.text_ru);
}

#[test]
fn brief_as_printed_monte_carlo_does_not_pay_and_gives_the_break_even() {
    let p = Preset::brief7();
    let j = p.judge().expect("runs");
    let v = &j.verdict;
    assert!(
        (v.difference.median - rub(-57_000)).abs() <= rub(5_000),
        "{:?}",
        v.difference
    );
    assert_eq!(v.outcome, Outcome::DoesNotPay);
    assert!(v.probability_better < Decimal::new(5, 1));
    // Break-even by hand: the conveyor must win 7.1 clients a month
    // ((180 000 − 15 000) ÷ 150 000 = 1.1 more than 6), i.e. 7.1 ÷ 6.72 × the lever:
    let lever = |id: ParamId| -> Decimal {
        v.break_even
            .iter()
            .find(|b| b.param == id)
            .and_then(|b| b.break_even)
            .unwrap_or_else(|| panic!("{} has a break-even", id.name()))
    };
    let ratio = 7.1 / 6.72;
    let close = |got: Decimal, want: f64, tol: f64| {
        let g: f64 = got.to_string().parse().expect("number");
        assert!((g - want).abs() <= tol, "got {g}, want {want}");
    };
    close(lever(ParamId::CallsPerDay), 70.0 * ratio, 0.06);
    close(lever(ParamId::AcceptanceRate), 0.8 * ratio, 0.0001);
    close(lever(ParamId::SmWinRate), 0.3 * ratio, 0.0001);
    close(lever(ParamId::WarmRate), 0.04 * ratio, 0.0001);
    // The base: the universal managers hunt (240 − 1.2 N) ÷ 6 × 0.3 clients, the retention gain
    // is 150 ₽ per client: 9 150 N − 972 000 = 0 → N = 106.2 → 107 clients.
    assert_eq!(lever(ParamId::StartingClients), rub(107));
    assert!(
        v.break_even[0].text_en.contains("It would pay if"),
        "{}",
        v.break_even[0].text_en
    );
    assert!(
        v.break_even[0].text_ru.contains("Окупится"),
        "{}",
        v.break_even[0].text_ru
    );
}
