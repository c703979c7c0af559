//! The model's mechanics, checked on the expected-value path against hand arithmetic, and on
//! the Monte Carlo for what only it shows.

use baton_simulation::structure::*;
use rust_decimal::Decimal;

fn steady() -> Settings {
    Settings {
        runs: 300,
        portfolio: PortfolioMode::Steady,
        parameter_uncertainty: false,
        ..Settings::default()
    }
}

fn flat() -> PayPlans {
    PayPlans::flat(Decimal::from(90_000))
}

#[test]
fn littles_law_caps_what_sales_managers_can_take() {
    // 3 callers hand 3 × 14 × 0.8 = 33.6 accepted leads; one sales manager takes at most
    // 20 deals ÷ 1.5 months = 13.33 a month, so 13.33 × 0.3 = 4 new clients.
    let p = Params::brief();
    let s = Scenario::conveyor(3, 1, 1);
    let e = expected(&p, &flat(), &s, &steady()).expect("runs");
    assert_eq!(e.new_clients, Decimal::from(4));
    let r = simulate(&p, &flat(), &s, &steady()).expect("runs");
    assert!(
        r.leads_dropped.median > Decimal::from(15),
        "{:?}",
        r.leads_dropped
    );
    assert!(
        r.warnings.iter().any(|w| w.contains("closers are full")),
        "{:?}",
        r.warnings
    );
}

#[test]
fn new_hires_ramp_up_from_zero() {
    let p = Params::brief();
    let s = Scenario::conveyor(2, 2, 1).hiring(Headcount {
        callers: 2,
        ..Headcount::default()
    });
    let r = simulate(&p, &flat(), &s, &steady()).expect("runs");
    // No caller worked before: nothing in the pipeline, the first month's calls are 0 %
    // (ramp 0 %, 50 %, 100 %), so no client lands in the first two months.
    assert_eq!(r.months[0].new_clients.p90, Decimal::ZERO);
    assert_eq!(r.months[1].new_clients.p90, Decimal::ZERO);
    // Fully ramped later: 6.72 a month on average.
    let late = r.months[11].new_clients.mean;
    assert!((late - Decimal::new(672, 2)).abs() < Decimal::ONE, "{late}");
}

#[test]
fn a_universal_manager_with_a_big_base_stops_hunting() {
    // 80 selling hours; 100 clients need 120 hours of service: nothing left to hunt.
    let p = Params::brief();
    let e = expected(&p, &flat(), &Scenario::universal(1), &steady()).expect("runs");
    assert_eq!(e.new_clients, Decimal::ZERO);
    // Three of them: 240 − 120 = 120 hours → 20 leads → 6 clients.
    let e = expected(&p, &flat(), &Scenario::universal(3), &steady()).expect("runs");
    assert_eq!(e.new_clients, Decimal::from(6));
}

#[test]
fn clients_nobody_serves_churn_faster() {
    let p = Params::brief();
    let s = Settings {
        portfolio: PortfolioMode::Evolving,
        ..steady()
    };
    let without = simulate(&p, &flat(), &Scenario::conveyor(2, 2, 0), &s).expect("runs");
    let with = simulate(&p, &flat(), &Scenario::conveyor(2, 2, 1), &s).expect("runs");
    // Everyone is unserved: the book shrinks at 10 % a month while new clients join it.
    assert!(
        without.unserved_clients.median > Decimal::from(50),
        "{:?}",
        without.unserved_clients
    );
    assert!(
        with.unserved_clients.median < Decimal::from(10),
        "{:?}",
        with.unserved_clients
    );
    assert!(without.clients_end.median < with.clients_end.median);
    assert!(
        without
            .warnings
            .iter()
            .any(|w| w.contains("nobody to serve"))
    );
}

#[test]
fn flat_pay_is_the_loaded_cost_per_head() {
    let p = Params::brief();
    let r = simulate(&p, &flat(), &Scenario::conveyor(2, 2, 1), &steady()).expect("runs");
    assert_eq!(r.payroll.p10, Decimal::from(450_000));
    assert_eq!(r.payroll.p90, Decimal::from(450_000));
    assert_eq!(
        r.payroll_by_role.client_manager.median,
        Decimal::from(90_000)
    );
}

#[test]
fn the_shipped_plans_pay_what_the_engine_computes_by_hand() {
    // Steady book of 100 clients, expected values, shipped plans (PRODUCT.md §4.4):
    // CM: 98 clients × 0.8 × 62 500 = 4 900 000 collected; attainment 4.9 M ÷ 600 000 ≥ 120 %
    //     → ×1.2; overdue 3 % → ×1.0: 35 000 + 3 % × 4 900 000 × 1.2 = 211 400.
    // Caller (each of 2): 11.2 accepted × 700 = 7 840; 3.36 converted × 3 000 = 10 080;
    //     + 30 000 = 47 920.
    // SM (each of 2): 3.36 new clients × 50 000 = 168 000 collected; attainment 67.2 % < 80 %
    //     → no commission; 3.36 × 5 000 bonus = 16 800; + 40 000 = 56 800.
    let p = Params::brief();
    let plans = PayPlans::shipped();
    let cm_only = Scenario::with(Headcount {
        client_managers: 1,
        ..Headcount::default()
    });
    let e = expected(&p, &plans, &cm_only, &steady()).expect("runs");
    assert_eq!(e.payroll, Decimal::from(211_400));
    let e = expected(&p, &plans, &Scenario::conveyor(2, 2, 1), &steady()).expect("runs");
    assert_eq!(e.payroll, Decimal::from(2 * 47_920 + 2 * 56_800 + 211_400));
}

#[test]
fn sensitivity_is_sorted_and_ignores_what_does_not_matter() {
    let p = Preset::brief7();
    let s = Settings {
        runs: 200,
        ..p.settings
    };
    let t = sensitivity(
        &p.params,
        &p.plans,
        &p.baseline,
        &p.candidate,
        &s,
        Decimal::new(2, 1),
    )
    .expect("runs");
    assert!(t.rows.windows(2).all(|w| w[0].swing >= w[1].swing));
    // Hybrids only: a universal manager's hours to close a caller's lead.
    let closing = t
        .rows
        .iter()
        .find(|r| r.param == ParamId::ClosingHoursPerLead)
        .expect("row");
    assert_eq!(closing.swing, Decimal::ZERO);
    // The base equals the comparison's median under the same settings.
    let c = compare(
        &p.params,
        &p.plans,
        &[p.baseline.clone(), p.candidate.clone()],
        &s,
    )
    .expect("runs");
    assert_eq!(t.base, c.differences[0].profit.median);
    // More calls help the conveyor.
    let calls = t
        .rows
        .iter()
        .find(|r| r.param == ParamId::CallsPerDay)
        .expect("row");
    assert!(calls.high > calls.low);
}

#[test]
fn recommendation_searches_every_workable_mix() {
    let p = Preset::brief7();
    let s = Settings {
        runs: 100,
        ..p.settings
    };
    let r = recommend(
        &p.params,
        &p.plans,
        &s,
        &RecommendQuery {
            total_headcounts: vec![3],
            max_per_role: 0,
        },
    )
    .expect("runs");
    // Mixes of 3 with a closer for every caller and callers for every sales manager.
    assert!(r.candidates.iter().all(|c| c.headcount.total() == 3));
    assert!(r.candidates.iter().any(|c| c.ratio == "1 : 1 : 1"));
    assert!(r.best_universal.is_some() && r.best_conveyor.is_some());
    let top = r
        .candidates
        .iter()
        .map(|c| c.profit.median)
        .max()
        .expect("some");
    assert_eq!(r.best.profit.median, top);
    assert!(r.text_ru.contains("Лучше всего"), "{}", r.text_ru);
}

#[test]
fn parameters_are_listed_with_units_and_origins() {
    let rows = Params::brief().table();
    assert_eq!(rows.len(), ParamId::ALL.len());
    let calls = &rows[0];
    assert_eq!(calls.name, "calls_per_day");
    assert_eq!(calls.unit, "calls/day");
    assert_eq!(calls.origin, Origin::Brief);
    assert!(rows.iter().any(|r| r.origin == Origin::Assumption));
}
