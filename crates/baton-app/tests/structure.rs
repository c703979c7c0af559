//! The structure simulator wired to the database (issue 6 §2–3): the history counted from the
//! hand-built October, the estimates, and the §7 preset through the use case saying plainly
//! that the split does not pay.

mod common;

use baton_app::whatif::sim::Outcome;
use baton_app::whatif::structure::{ScenarioSpec, SettingsPatch, StructureRequest, parse_scenario};
use common::{October, World, at, october};
use rust_decimal::Decimal;

#[test]
fn history_of_the_hand_built_october() {
    let w = World::new("2026-09-01T07:00:00Z", 9);
    let October { c1, .. } = october(&w);
    at(&w.clock, "2026-11-02");
    let h = w.app.structure_history(None, 2).expect("history");
    assert_eq!(
        h.months
            .iter()
            .map(|m| m.period.as_str())
            .collect::<Vec<_>>(),
        ["2026-09", "2026-10"]
    );
    let (sep, oct) = (&h.months[0], &h.months[1]);
    assert_eq!((sep.calls, sep.new_clients, sep.active_clients), (0, 0, 0));
    assert_eq!(oct.working_days, 22);
    assert_eq!(
        (
            oct.callers,
            oct.sales_managers,
            oct.client_managers,
            oct.universals
        ),
        (1, 1, 1, 0)
    );
    // c1's three calls, two of them with the decision maker; one warm lead, accepted.
    assert_eq!(
        (
            oct.calls,
            oct.dm_conversations,
            oct.warm_leads,
            oct.accepted
        ),
        (3, 2, 1, 1)
    );
    // «Ромашка» won on 10 October; both its October payments are in its first month.
    assert_eq!(oct.new_clients, 1);
    assert_eq!(oct.collections, Decimal::from(150_000));
    assert_eq!(oct.first_order_collections, Decimal::from(150_000));
    assert_eq!((oct.active_clients, oct.churned_clients), (1, 0));
    assert_eq!(oct.repeat_orders, 0);

    let e = w.app.structure_estimates(None, 2).expect("estimates");
    assert_eq!(e.estimates.months, 2);
    assert!(
        e.table
            .iter()
            .any(|r| r.name == "dm_rate" && r.p10.is_some()),
        "the DM rate is estimated with its interval"
    );
    // Only head, director and admin simulate.
    let err = w.app.structure_history(Some(&c1), 2).expect_err("caller");
    assert_eq!(err.code(), "forbidden");
}

#[test]
fn the_brief7_preset_says_the_split_does_not_pay() {
    let w = World::new("2026-09-01T07:00:00Z", 9);
    let answer = w
        .app
        .simulate_structure(
            Some(&w.admin),
            StructureRequest {
                preset: Some("brief7".into()),
                settings: SettingsPatch {
                    runs: Some(2_000),
                    ..SettingsPatch::default()
                },
                side_runs: Some(50),
                ..StructureRequest::default()
            },
        )
        .expect("simulated");
    assert_eq!(answer.params.source, "preset:brief7");
    assert_eq!(answer.simulation.comparison.results.len(), 2);
    let v = &answer.simulation.verdicts[0];
    assert_eq!(v.outcome, Outcome::DoesNotPay);
    assert!(v.text_en.contains("does not pay"), "{}", v.text_en);
    assert!(v.text_ru.contains("не окупается"), "{}", v.text_ru);
    // The expected difference of the §7 inputs without the brief's rounding: −57 000 ₽.
    assert_eq!(v.expected_difference.round(), Decimal::from(-57_000));
    assert!(
        answer
            .simulation
            .sensitivity
            .is_some_and(|s| !s.rows.is_empty())
    );
    assert!(answer.simulation.recommendation.is_some());
}

#[test]
fn scenarios_as_text() {
    let s = parse_scenario("conveyor:2,2,1").expect("conveyor");
    assert_eq!(
        (
            s.headcount.callers,
            s.headcount.sales_managers,
            s.headcount.client_managers
        ),
        (2, 2, 1)
    );
    assert_eq!(
        parse_scenario("hybrid:2,3")
            .expect("hybrid")
            .headcount
            .universals,
        3
    );
    assert_eq!(
        parse_scenario("universal:x").expect_err("bad").field(),
        Some("scenario")
    );
    let w = World::new("2026-09-01T07:00:00Z", 9);
    let e = w
        .app
        .simulate_structure(
            None,
            StructureRequest {
                scenarios: vec![ScenarioSpec::Text("universal:3".into())],
                params: [("dm_rate".to_string(), Decimal::from(3))].into(),
                ..StructureRequest::default()
            },
        )
        .expect_err("a share above 1");
    assert_eq!((e.code(), e.field()), ("invalid_param", Some("dm_rate")));
}
