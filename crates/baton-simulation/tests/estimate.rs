//! Estimating the parameters from monthly totals: posteriors by hand.

use baton_simulation::structure::*;
use rust_decimal::Decimal;

fn month(calls: u64, dm: u64, warm: u64, accepted: u64, new: u64) -> HistoryMonth {
    HistoryMonth {
        period: "2025-01".into(),
        working_days: 20,
        callers: 2,
        sales_managers: 2,
        client_managers: 1,
        universals: 0,
        calls,
        dm_conversations: dm,
        warm_leads: warm,
        accepted,
        self_sourced_leads: 0,
        new_clients: new,
        first_order_collections: Decimal::from(new * 50_000),
        repeat_orders: 80,
        collections: Decimal::from(new * 50_000 + 80 * 62_500),
        active_clients: 100,
        churned_clients: 2,
    }
}

#[test]
fn rates_are_beta_posteriors_with_an_80_percent_interval() {
    let h = History {
        months: vec![month(2800, 700, 28, 22, 7), month(2800, 700, 28, 23, 6)],
    };
    let e = Params::estimate(&h).expect("estimates");
    let p = &e.params;
    // dm: 1 400 of 5 600 → Beta(1 401, 4 201), mean 0.25007.
    assert_eq!(p.dm_rate.value, Decimal::new(250_089, 6));
    let (lo, hi) = p
        .dm_rate
        .uncertainty
        .as_ref()
        .expect("uncertain")
        .interval();
    assert!(lo < p.dm_rate.value && p.dm_rate.value < hi);
    assert!(hi - lo < Decimal::new(2, 2), "{lo}…{hi}");
    assert_eq!(
        p.dm_rate.origin,
        Origin::Estimated {
            months: 2,
            observations: 5_600
        }
    );
    // Acceptance 45 of 56 → Beta(46, 12): mean 46/58.
    assert_eq!(p.acceptance_rate.value, Decimal::new(793_103, 6));
    // Sales managers won 13 of 45 accepted → Beta(14, 33).
    assert_eq!(p.sm_win_rate.value, Decimal::new(297_872, 6));
    // 2 800 calls ÷ (2 callers × 20 days) = 70 a day, the same both months: no spread.
    assert_eq!(p.calls_per_day.value, Decimal::from(70));
    assert!(p.calls_per_day.uncertainty.is_none());
    // Churn with a client manager: 4 lost of (100 + 2 − 7) + (100 + 2 − 6) = 191 at the start.
    assert_eq!(
        p.churn_cm.origin,
        Origin::Estimated {
            months: 2,
            observations: 191
        }
    );
    // Orders exactly: 62 500 and 50 000.
    assert_eq!(p.repeat_order.value, Decimal::from(62_500));
    assert_eq!(p.first_order.value, Decimal::from(50_000));
    assert_eq!(p.starting_clients.value, Decimal::from(100));
    // What the totals cannot tell is said.
    assert!(e.notes.iter().any(|n| n.param == ParamId::CycleDays));
    assert!(
        e.notes
            .iter()
            .any(|n| n.param == ParamId::ChurnUniversal && n.text_en.contains("not estimated"))
    );
    e.params.validate().expect("estimates are valid parameters");
}

#[test]
fn universal_hours_per_lead_come_from_hunting_hours() {
    // 3 universal managers, 20 days × 8 h × 50 % = 240 selling hours; 100 clients at the start
    // × 1.2 h = 120 h of service; 120 h of hunting gave 20 leads → 6 h a lead.
    let m = HistoryMonth {
        working_days: 20,
        universals: 3,
        self_sourced_leads: 20,
        new_clients: 6,
        first_order_collections: Decimal::from(300_000),
        repeat_orders: 78,
        collections: Decimal::from(300_000 + 78 * 62_500),
        active_clients: 103,
        churned_clients: 3,
        ..HistoryMonth::default()
    };
    let e = Params::estimate(&History {
        months: vec![m.clone(), m],
    })
    .expect("estimates");
    assert_eq!(e.params.universal_hours_per_lead.value, Decimal::from(6));
    assert!(matches!(
        e.params.universal_hours_per_lead.uncertainty,
        Some(Uncertainty::InverseGamma { .. })
    ));
    // Universal months: churn 6 of 200 → Beta(7, 195); win 12 of 40 → Beta(13, 29).
    assert_eq!(e.params.churn_universal.value, Decimal::new(34_653, 6));
    assert_eq!(e.params.universal_win_rate.value, Decimal::new(309_524, 6));
}

#[test]
fn impossible_totals_are_refused_with_the_month_and_field() {
    let mut bad = month(100, 200, 1, 1, 0);
    bad.period = "2025-02".into();
    let e = Params::estimate(&History {
        months: vec![month(2800, 700, 28, 22, 7), bad],
    })
    .expect_err("more DM conversations than calls");
    assert_eq!(e.code(), "invalid_history");
    let text = e.to_string();
    assert!(
        text.contains("month 2") && text.contains("dm_conversations"),
        "{text}"
    );
    assert!(Params::estimate(&History::default()).is_err());
}

#[test]
fn a_forecast_starts_from_the_history_and_carries_its_uncertainty() {
    let h = History {
        months: (0..6)
            .map(|i| month(2800, 700, 28, 22, 5 + i % 3))
            .collect(),
    };
    let e = Params::estimate(&h).expect("estimates");
    let s = Settings {
        runs: 300,
        horizon_months: 3,
        ..Settings::default()
    };
    let plans = PayPlans::shipped();
    let scenario = Scenario::conveyor(2, 2, 1);
    let f = forecast(&e.params, &plans, &scenario, &h, &s).expect("runs");
    assert_eq!(f.months.len(), 3);
    // The first month's clients come from the history's accepted leads: 22 × ≈ 0.27.
    let first = f.months[0].new_clients.mean;
    assert!(
        first > Decimal::from(4) && first < Decimal::from(8),
        "{first}"
    );
    // Drawing the estimates from their posteriors widens the band.
    let fixed = forecast(
        &e.params,
        &plans,
        &scenario,
        &h,
        &Settings {
            parameter_uncertainty: false,
            ..s
        },
    )
    .expect("runs");
    assert!(f.new_clients.p90 - f.new_clients.p10 > fixed.new_clients.p90 - fixed.new_clients.p10);
    assert!(forecast(&e.params, &plans, &scenario, &History::default(), &s).is_err());
}
