//! The weak-link diagnosis on hand-built matrices, its validation guard and its invariants.

use baton_analytics::diagnosis::reference::{self, BaseRate};
use baton_analytics::diagnosis::simulated::{self, GeneratorConfig, TruthKind};
use baton_analytics::diagnosis::validation::{ValidationConfig, validate, validate_with};
use baton_analytics::diagnosis::validation_censored::{
    CensoredValidationConfig, View, validate_censored,
};
use baton_analytics::diagnosis::{
    Conclusion, DataShortage, DiagnosisConfig, DiagnosisError, Lang, PairCounts, Role, Shortage,
    Verdict, diagnose, diagnose_with, matrix, pair_rate, wilson,
};
use baton_analytics::diagnosis::{PairExposure, diagnose_exposed};
use proptest::prelude::*;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

fn pair(caller: i64, sales_manager: i64, accepted: u32, converted: u32) -> PairCounts {
    PairCounts {
        caller,
        sales_manager,
        accepted,
        converted,
    }
}

/// Callers 1..=callers × sales managers 101..; `rate(c, s)` gives converted out of `per_pair`.
fn grid(
    callers: i64,
    managers: i64,
    per_pair: u32,
    converted: impl Fn(i64, i64) -> u32,
) -> Vec<PairCounts> {
    let mut pairs = Vec::new();
    for c in 1..=callers {
        for s in 101..=100 + managers {
            pairs.push(pair(c, s, per_pair, converted(c, s)));
        }
    }
    pairs
}

fn name(role: Role, id: i64) -> String {
    match role {
        Role::Caller => format!("Caller{id}"),
        Role::SalesManager => format!("Manager{id}"),
    }
}

#[test]
fn wilson_interval_of_3_out_of_10_matches_the_hand_computation() {
    // p = 0.3, z² / n = 0.384146; centre = (0.3 + 0.192073) / 1.384146 = 0.355506;
    // half-width = 1.959964 / 1.384146 · √(0.021 + 0.0096037) = 0.247715.
    let (rate, low, high) = pair_rate(10, 3).expect("valid counts");
    assert!((rate - 0.3).abs() < 1e-12);
    assert!((low - 0.107_791).abs() < 1e-6, "{low}");
    assert!((high - 0.603_222).abs() < 1e-6, "{high}");
}

#[test]
fn wilson_edges() {
    let empty = wilson(0, 0).expect("valid");
    assert_eq!((empty.rate, empty.low, empty.high), (0.0, 0.0, 1.0));
    let none = wilson(20, 0).expect("valid");
    assert_eq!(none.low, 0.0);
    assert!(none.high > 0.15 && none.high < 0.17, "{}", none.high);
    let all = wilson(20, 20).expect("valid");
    assert_eq!(all.high, 1.0);
    assert_eq!(
        pair_rate(5, 6),
        Err(DiagnosisError::MoreConvertedThanAccepted {
            accepted: 5,
            converted: 6
        })
    );
}

#[test]
fn matrix_merges_rows_of_the_same_pair_and_sorts() {
    let cells = matrix(&[pair(2, 101, 5, 1), pair(1, 102, 10, 3), pair(2, 101, 5, 2)])
        .expect("valid counts");
    assert_eq!(cells.len(), 2);
    assert_eq!((cells[0].caller, cells[0].sales_manager), (1, 102));
    assert_eq!((cells[1].accepted, cells[1].converted), (10, 3));
    assert!((cells[1].conversion.low - 0.107_791).abs() < 1e-6);
}

#[test]
fn more_converted_than_accepted_is_refused_with_the_pair() {
    let err = diagnose(&[pair(1, 101, 10, 3), pair(2, 101, 4, 5)]).unwrap_err();
    assert_eq!(
        err,
        DiagnosisError::PairMoreConvertedThanAccepted {
            caller: 2,
            sales_manager: 101,
            accepted: 4,
            converted: 5
        }
    );
}

#[test]
fn invalid_settings_are_refused() {
    let config = DiagnosisConfig {
        threshold: 1.0,
        ..DiagnosisConfig::default()
    };
    assert!(matches!(
        diagnose_with(&[], &config),
        Err(DiagnosisError::InvalidConfig {
            field: "threshold",
            ..
        })
    ));
    let config = DiagnosisConfig {
        weak_ratio: (0.8, 0.3),
        ..DiagnosisConfig::default()
    };
    assert!(matches!(
        diagnose_with(&[], &config),
        Err(DiagnosisError::InvalidConfig {
            field: "weak_ratio",
            ..
        })
    ));
}

/// Four callers, three sales managers, 40 accepted leads per pair. Callers 1–3 convert 30 %
/// (12 of 40) with every sales manager; caller 4 converts 5 % (2 of 40).
fn weak_caller_matrix() -> Vec<PairCounts> {
    grid(4, 3, 40, |c, _| if c == 4 { 2 } else { 12 })
}

#[test]
fn a_caller_at_5_percent_against_30_is_named_and_no_one_else() {
    let d = diagnose(&weak_caller_matrix()).expect("diagnosis");
    match d.conclusion {
        Conclusion::WeakLink {
            role,
            id,
            probability,
        } => {
            assert_eq!((role, id), (Role::Caller, 4));
            assert!(probability > 0.999, "{probability}");
        }
        ref other => panic!("expected caller 4, got {other:?}"),
    }
    let named: Vec<(Role, i64)> = d.credibly_below().iter().map(|p| (p.role, p.id)).collect();
    assert_eq!(named, vec![(Role::Caller, 4)]);
    let weak = d.person(Role::Caller, 4).expect("caller 4");
    assert_eq!((weak.accepted, weak.converted), (120, 6));
    assert!((weak.conversion.rate - 0.05).abs() < 1e-12);
    assert!(weak.adjusted_conversion < 0.08 && weak.others_adjusted_conversion > 0.26);
    for p in &d.people {
        if (p.role, p.id) != (Role::Caller, 4) {
            assert!(
                matches!(p.verdict, Verdict::NotBelow { probability } if probability < 0.5),
                "{p:?}"
            );
        }
    }
    // The sales managers handled identical mixes and are exactly alike.
    let m = d.person(Role::SalesManager, 101).expect("manager");
    assert!(m.log_odds_gap.expect("gap").abs() < 1e-9);
}

#[test]
fn a_weak_sales_manager_is_named_even_when_one_caller_sends_him_most_leads() {
    // Manager 101 converts 10 %, managers 102 and 103 convert 30 %. Caller 1 sends 100 of
    // 140 leads to manager 101, so caller 1's raw conversion (22 of 140) looks poor; the model
    // must blame the manager, not the caller.
    let mut pairs = vec![
        pair(1, 101, 100, 10),
        pair(1, 102, 20, 6),
        pair(1, 103, 20, 6),
    ];
    for c in 2..=4 {
        pairs.extend([
            pair(c, 101, 20, 2),
            pair(c, 102, 60, 18),
            pair(c, 103, 60, 18),
        ]);
    }
    let d = diagnose(&pairs).expect("diagnosis");
    assert!(
        matches!(
            d.conclusion,
            Conclusion::WeakLink {
                role: Role::SalesManager,
                id: 101,
                ..
            }
        ),
        "{:?}",
        d.conclusion
    );
    let caller = d.person(Role::Caller, 1).expect("caller 1");
    assert!(caller.conversion.rate < 0.16);
    assert!(matches!(caller.verdict, Verdict::NotBelow { .. }));
    assert!((caller.adjusted_conversion - caller.others_adjusted_conversion).abs() < 0.01);
    assert_eq!(d.credibly_below().len(), 1);
}

#[test]
fn two_equally_weak_callers_share_the_probability_and_neither_is_named() {
    // Callers 3 and 4 both convert 10 %, callers 1 and 2 convert 30 %, 60 leads per pair. The
    // model's hypotheses have one weak link; two look equally weak, so the probability is split
    // between them, no one is named, and the department is not given a clean bill either.
    let d = diagnose(&grid(4, 3, 60, |c, _| if c >= 3 { 6 } else { 18 })).expect("diagnosis");
    assert!(d.credibly_below().is_empty(), "{:?}", d.conclusion);
    let p3 = d.person(Role::Caller, 3).and_then(|p| p.probability_below);
    let p4 = d.person(Role::Caller, 4).and_then(|p| p.probability_below);
    let (p3, p4) = (p3.expect("candidate"), p4.expect("candidate"));
    assert!((p3 - p4).abs() < 1e-9 && p3 > 0.3 && p3 < 0.5, "{p3} {p4}");
    assert!(matches!(
        d.conclusion,
        Conclusion::NotEnoughData {
            shortage: DataShortage::CannotRuleOutHalving { .. }
        }
    ));
}

#[test]
fn the_probabilities_of_all_readings_add_up_to_one() {
    let d = diagnose(&weak_caller_matrix()).expect("diagnosis");
    let people: f64 = d.people.iter().filter_map(|p| p.probability_below).sum();
    let total = people + d.probability_no_one.expect("comparable");
    assert!((total - 1.0).abs() < 1e-9, "{total}");
}

#[test]
fn a_caller_at_80_percent_of_the_others_is_not_named_on_a_years_data() {
    // 4 callers × 3 managers × 60 leads: callers 1–3 convert 30 % (18 of 60), caller 4 24 %
    // (about 14 of 60): within the weak range, but far too little data to tell it from chance.
    let d = diagnose(&grid(4, 3, 60, |c, _| if c == 4 { 14 } else { 18 })).expect("diagnosis");
    assert!(d.credibly_below().is_empty(), "{:?}", d.conclusion);
}

#[test]
fn the_most_likely_weak_link_is_not_named_with_too_few_leads() {
    // Caller 4 converted none of 30 accepted leads where the others convert 30 % of 180: the
    // most likely weak link, but under the minimum of 50 leads, so no one is named.
    let d = diagnose(
        &grid(4, 3, 60, |c, _| if c == 4 { 0 } else { 18 })
            .into_iter()
            .map(|p| {
                if p.caller == 4 {
                    pair(4, p.sales_manager, 10, 0)
                } else {
                    p
                }
            })
            .collect::<Vec<_>>(),
    )
    .expect("diagnosis");
    assert!(d.credibly_below().is_empty());
    let weak = d.person(Role::Caller, 4).expect("caller 4");
    assert!(
        weak.probability_below.expect("candidate") > 0.65,
        "{weak:?}"
    );
    assert!(matches!(
        d.conclusion,
        Conclusion::NotEnoughData {
            shortage: DataShortage::CannotRuleOutHalving { .. }
        }
    ));
    let en = d.explain(Lang::En, &name);
    assert!(en.contains("too few accepted leads to be named"), "{en}");
    assert!(
        en.contains("Not judged, fewer than 50 accepted leads: Caller4."),
        "{en}"
    );
}

#[test]
fn a_tiny_sample_gives_not_enough_data() {
    // Three callers × two managers × 3 leads: 6 leads per caller, far below the minimum of 50,
    // even though caller 3 converted none.
    let d = diagnose(&grid(3, 2, 3, |c, _| if c == 3 { 0 } else { 2 })).expect("diagnosis");
    assert_eq!(
        d.conclusion,
        Conclusion::NotEnoughData {
            shortage: DataShortage::TooFewPeople
        }
    );
    for p in &d.people {
        assert!(
            matches!(
                p.verdict,
                Verdict::NotEnoughData {
                    shortage: Shortage::TooFewLeads { minimum: 50 }
                }
            ),
            "{p:?}"
        );
    }
    assert!(d.credibly_below().is_empty());
}

#[test]
fn identical_rates_name_no_one_and_clear_everyone_with_ample_data() {
    // 50 accepted and 10 converted (20 %) in every pair: 150 leads per caller, 200 per manager.
    let d = diagnose(&grid(4, 3, 50, |_, _| 10)).expect("diagnosis");
    assert_eq!(d.conclusion, Conclusion::NoOneBelow);
    assert!(d.credibly_below().is_empty());
    for p in &d.people {
        let probability = p.probability_below.expect("has peers");
        // Everyone is exactly at the others' level: no one is a likely weak link, and "no one
        // is weak" carries most of the probability.
        assert!(probability < 0.05, "{p:?}");
    }
    assert!(d.probability_no_one.expect("comparable") > 0.9);
}

#[test]
fn identical_rates_over_a_short_window_cannot_clear_anyone() {
    // 17 accepted, 3 converted per pair: 51 leads per caller — judged, but a halving would not
    // stand out yet, so the diagnosis says so instead of declaring everyone fine.
    let d = diagnose(&grid(4, 3, 17, |_, _| 3)).expect("diagnosis");
    assert!(matches!(
        d.person(Role::Caller, 1).expect("caller 1").verdict,
        Verdict::NotBelow { .. }
    ));
    match &d.conclusion {
        Conclusion::NotEnoughData {
            shortage: DataShortage::CannotRuleOutHalving { people },
        } => assert!(people.contains(&(Role::Caller, 1))),
        other => panic!("expected not enough data, got {other:?}"),
    }
}

#[test]
fn no_leads_and_no_conversions() {
    let d = diagnose(&[]).expect("diagnosis");
    assert_eq!(
        d.conclusion,
        Conclusion::NotEnoughData {
            shortage: DataShortage::NoConversions
        }
    );
    let d = diagnose(&grid(3, 3, 30, |_, _| 0)).expect("diagnosis");
    assert!(d.credibly_below().is_empty());
    assert_eq!(
        d.conclusion,
        Conclusion::NotEnoughData {
            shortage: DataShortage::NoConversions
        }
    );
}

#[test]
fn a_lone_sales_manager_has_no_one_to_be_compared_with() {
    let d = diagnose(&grid(4, 1, 60, |c, _| if c == 4 { 3 } else { 18 })).expect("diagnosis");
    let m = d.person(Role::SalesManager, 101).expect("manager");
    assert_eq!(
        m.verdict,
        Verdict::NotEnoughData {
            shortage: Shortage::NoPeers
        }
    );
    assert!(matches!(
        d.conclusion,
        Conclusion::WeakLink {
            role: Role::Caller,
            id: 4,
            ..
        }
    ));
}

#[test]
fn the_conclusion_in_english_and_russian_says_who_how_sure_and_what_to_look_at() {
    let d = diagnose(&weak_caller_matrix()).expect("diagnosis");
    let en = d.explain(Lang::En, &name);
    assert!(en.starts_with("Caller4 (caller) is the weak link"), "{en}");
    assert!(en.contains("> 99.9%"), "{en}");
    assert!(en.contains("5.0% (6 of 120"), "{en}");
    assert!(en.contains("rejection reasons"), "{en}");
    assert!(en.contains("before the first meeting"), "{en}");
    let ru = d.explain(Lang::Ru, &name);
    assert!(
        ru.starts_with("Слабое звено — колл-менеджер Caller4."),
        "{ru}"
    );
    assert!(ru.contains("5,0 % (6 из 120"), "{ru}");
    assert!(ru.contains("причины"), "{ru}");

    let mut pairs = vec![
        pair(1, 101, 100, 10),
        pair(1, 102, 20, 6),
        pair(1, 103, 20, 6),
    ];
    for c in 2..=4 {
        pairs.extend([
            pair(c, 101, 20, 2),
            pair(c, 102, 60, 18),
            pair(c, 103, 60, 18),
        ]);
    }
    let d = diagnose(&pairs).expect("diagnosis");
    let en = d.explain(Lang::En, &name);
    assert!(
        en.starts_with("Manager101 (sales manager) is the weak link"),
        "{en}"
    );
    assert!(
        en.contains("time from acceptance to the first meeting"),
        "{en}"
    );
    let ru = d.explain(Lang::Ru, &name);
    assert!(
        ru.contains("время от принятия лида до первой встречи"),
        "{ru}"
    );

    let d = diagnose(&grid(4, 3, 50, |_, _| 10)).expect("diagnosis");
    assert!(
        d.explain(Lang::En, &name)
            .starts_with("No one is credibly below the others.")
    );
    assert!(
        d.explain(Lang::Ru, &name)
            .starts_with("Никто не оказался достоверно ниже остальных.")
    );

    let d = diagnose(&grid(3, 2, 3, |_, _| 1)).expect("diagnosis");
    assert!(d.explain(Lang::En, &name).starts_with("Not enough data"));
    assert!(
        d.explain(Lang::Ru, &name)
            .starts_with("Недостаточно данных")
    );
}

#[test]
fn the_reference_names_the_weak_caller_and_no_one_in_an_equal_department() {
    let lr = reference::likelihood_ratio(&weak_caller_matrix(), 0.5, BaseRate::Estimated)
        .expect("statistic");
    assert_eq!(lr.best, Some((Role::Caller, 4)));
    assert!(lr.log_ratio > 10.0, "{}", lr.log_ratio);
    let equal = reference::likelihood_ratio(&grid(4, 3, 50, |_, _| 10), 0.5, BaseRate::Estimated)
        .expect("statistic");
    assert!(equal.log_ratio < 0.0, "{}", equal.log_ratio);
    let known = reference::likelihood_ratio(&weak_caller_matrix(), 0.5, BaseRate::Known(0.3))
        .expect("statistic");
    assert_eq!(known.best, Some((Role::Caller, 4)));
}

#[test]
fn the_generator_is_deterministic_and_within_its_ranges() {
    let config = GeneratorConfig::default();
    for months in [3, 12] {
        let a = simulated::generate(
            &config,
            months,
            TruthKind::WeakCaller,
            &mut ChaCha8Rng::seed_from_u64(9),
        );
        let b = simulated::generate(
            &config,
            months,
            TruthKind::WeakCaller,
            &mut ChaCha8Rng::seed_from_u64(9),
        );
        assert_eq!(a, b);
        assert!((4..=8).contains(&a.callers.len()));
        assert!((3..=6).contains(&a.sales_managers.len()));
        assert!((0.20..0.40).contains(&a.base_conversion));
        let leads: u32 = a.pairs.iter().map(|p| p.accepted).sum();
        let per_caller_month = f64::from(leads) / (a.callers.len() as f64 * f64::from(months));
        assert!((10.0..=20.0).contains(&per_caller_month));
        assert!(matches!(
            a.truth.weak(),
            Some((Role::Caller, id)) if a.callers.contains(&id)
        ));
    }
}

/// The dates are drawn after everything else: the timed department's matured counts are the
/// plain generator's, so the published matured table does not move; the window-end view only
/// loses conversions, and every lead's dates lie in the history.
#[test]
fn the_timed_generator_keeps_the_matured_department() {
    let (config, lag) = (GeneratorConfig::default(), simulated::LagConfig::default());
    for months in [6, 12] {
        let plain = simulated::generate(
            &config,
            months,
            TruthKind::WeakSalesManager,
            &mut ChaCha8Rng::seed_from_u64(5),
        );
        let timed = simulated::generate_timed(
            &config,
            &lag,
            months,
            TruthKind::WeakSalesManager,
            &mut ChaCha8Rng::seed_from_u64(5),
        );
        assert_eq!(timed.department, plain);
        let accepted: u32 = plain.pairs.iter().map(|p| p.accepted).sum();
        let converted: u32 = plain.pairs.iter().map(|p| p.converted).sum();
        assert_eq!(timed.leads.len(), accepted as usize);
        let paid = timed.leads.iter().filter(|l| l.lag_days.is_some()).count();
        assert_eq!(paid, converted as usize);
        assert!(
            timed
                .leads
                .iter()
                .all(|l| l.accepted_day <= timed.window_end())
        );
        let censored = timed.censored_counts();
        let seen: u32 = censored.iter().map(|p| p.converted).sum();
        assert!(seen < converted, "{seen} of {converted}");
        assert_eq!(censored.iter().map(|p| p.accepted).sum::<u32>(), accepted);
        // A recent hire: the same leads, all within the window's last 90 days.
        let hire = timed.with_recent_caller(1, 90);
        assert_eq!(hire.department, plain);
        assert!(
            hire.leads
                .iter()
                .filter(|l| l.caller == 1)
                .all(|l| l.accepted_day + 90 > hire.window_end())
        );
    }
}

#[test]
fn the_validation_is_reproducible() {
    let mut config = ValidationConfig::new(30, 5);
    config.calibration_departments = 100;
    assert_eq!(validate_with(&config), validate_with(&config));
}

/// The regression guard of the validation: the published run itself (600 departments per
/// length, seed 42; about two seconds in debug). The limits on false alarms and wrong names, and
/// "within 10 points of the reference", are the issue's; the detection floors sit about three
/// points under what the run measures (docs/diagnosis.md: 67.8 % at 6 months, 88.5 % at 12 —
/// the 90 % at 12 months is met on larger runs, not on this one).
#[test]
fn validation_guard() {
    let table = validate(600, 42);
    let md = table.to_markdown();
    for row in &table.rows {
        assert!(row.model.false_alarm_rate() <= 0.05, "{md}");
        assert!(row.model.wrong_name_rate() <= 0.02, "{md}");
        assert_eq!(row.model_errors, 0);
        // A department with a weak person is rarely given a clean bill.
        let c = &row.conclusions;
        assert!(c.weak_no_one * 20 <= row.model.with_weak, "{md}");
    }
    let row = |m| table.row(m).expect("length");
    // With 3 months the diagnosis mostly says it cannot tell, rather than guess.
    assert!(
        row(3).model_not_enough_data * 10 >= row(3).model.departments * 8,
        "{md}"
    );
    assert!(row(6).model.detection() >= 0.65, "{md}");
    assert!(row(12).model.detection() >= 0.86, "{md}");
    for months in [6, 12] {
        let r = row(months);
        assert!(
            r.reference.detection() - r.model.detection() <= 0.10,
            "{md}"
        );
    }
    // With a year of data most equal departments are cleared.
    assert!(
        row(12).conclusions.equal_no_one * 10 >= row(12).model.equal * 7,
        "{md}"
    );
    // The reference lands where it did when the table was published.
    assert!(row(6).reference.detection() >= 0.70, "{md}");
    assert!(row(12).reference.detection() >= 0.94, "{md}");
}

#[test]
fn validate_renders_a_table() {
    let table = validate(9, 1);
    let md = table.to_markdown();
    assert!(md.contains("| 6 months |"));
    assert!(md.contains("wrong names: reference"));
}

fn arbitrary_pairs() -> impl Strategy<Value = Vec<PairCounts>> {
    prop::collection::vec((1i64..6, 101i64..105, 0u32..60, 0u32..60), 0..20).prop_map(|rows| {
        rows.into_iter()
            .map(|(c, s, a, y)| pair(c, s, a, y.min(a)))
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn verdicts_do_not_depend_on_the_order_of_the_pairs(
        pairs in arbitrary_pairs(),
        seed in any::<u64>(),
    ) {
        use rand::seq::SliceRandom;
        let mut shuffled = pairs.clone();
        shuffled.shuffle(&mut ChaCha8Rng::seed_from_u64(seed));
        let a = diagnose(&pairs).expect("valid counts");
        let b = diagnose(&shuffled).expect("valid counts");
        prop_assert_eq!(&a, &b);
        let ra = reference::likelihood_ratio(&pairs, 0.5, BaseRate::Estimated).expect("valid");
        let rb = reference::likelihood_ratio(&shuffled, 0.5, BaseRate::Estimated).expect("valid");
        prop_assert_eq!(ra, rb);
    }

    #[test]
    fn at_most_one_person_is_named_and_the_probabilities_add_up(pairs in arbitrary_pairs()) {
        let d = diagnose(&pairs).expect("valid counts");
        prop_assert!(d.credibly_below().len() <= 1);
        if let Some(p0) = d.probability_no_one {
            let people: f64 = d.people.iter().filter_map(|p| p.probability_below).sum();
            prop_assert!((people + p0 - 1.0).abs() < 1e-9);
        }
        if let Conclusion::WeakLink { role, id, probability } = d.conclusion {
            prop_assert!(probability >= d.config.threshold);
            let named = d.person(role, id).expect("named person");
            prop_assert!(named.accepted >= d.config.min_accepted);
        }
    }

    #[test]
    fn splitting_a_pair_into_two_rows_changes_nothing(pairs in arbitrary_pairs()) {
        let mut split = Vec::new();
        for p in &pairs {
            let (a1, y1) = (p.accepted / 2, p.converted.min(p.accepted / 2));
            split.push(pair(p.caller, p.sales_manager, a1, y1));
            split.push(pair(p.caller, p.sales_manager, p.accepted - a1, p.converted - y1));
        }
        prop_assert_eq!(diagnose(&pairs).expect("valid"), diagnose(&split).expect("valid"));
    }
}

/// Issue 16 §4: the headline agrees with the numbers. On simulated departments (12 months, a
/// weak caller, a weak sales manager or none): "no one is below" only when no one is likelier
/// the weak link than no one; "most likely X" only when X is, without the probability to name
/// them; and at least one department takes each of those two headlines.
#[test]
fn the_headline_never_says_no_one_against_its_own_numbers() {
    let config = GeneratorConfig::default();
    let mut rng = ChaCha8Rng::seed_from_u64(16);
    let (mut no_one, mut most_likely) = (0, 0);
    for i in 0..240 {
        let kind = TruthKind::ALL[i % 3];
        let dept = simulated::generate(&config, 12, kind, &mut rng);
        let d = diagnose(&dept.pairs).expect("diagnosis");
        let top = d
            .people
            .iter()
            .filter_map(|p| match p.verdict {
                Verdict::NotBelow { probability } => Some(probability),
                _ => None,
            })
            .fold(0.0_f64, f64::max);
        let p0 = d.probability_no_one.unwrap_or(1.0);
        let name = |role: Role, id: i64| format!("{role:?}{id}");
        match d.conclusion {
            Conclusion::NoOneBelow => {
                no_one += 1;
                assert!(top <= p0, "{top} > {p0}");
                assert!(d.explain(Lang::Ru, &name).starts_with("Никто не оказался"));
            }
            Conclusion::MostLikely {
                role,
                id,
                probability,
                probability_no_one,
            } => {
                most_likely += 1;
                assert!(probability > probability_no_one);
                assert_eq!(probability, top);
                assert!(probability < d.config.threshold);
                let ru = d.explain(Lang::Ru, &name);
                assert!(
                    ru.starts_with(&format!("Скорее всего, слабое звено — {}", name(role, id))),
                    "{ru}"
                );
            }
            _ => {}
        }
    }
    assert!(no_one > 0 && most_likely > 0, "{no_one} {most_likely}");
}

/// Issue 16, item 3, on a smaller run than the published one (300 departments per length, 1 000
/// equal departments to calibrate the reference): with the window ending on the last handoff
/// day, the censoring model keeps false alarms ≤ 5 % and wrong names ≤ 2 %, detects at 12
/// months within 5 points of the same departments fully matured, does no worse than the naive
/// count, and does not take a recent hire for the weak link. At 12 months this run sits at 5.0
/// points (3.2 on the published 600, 3.7 on 3 000), so the guard allows 6 for a 300-department
/// run's noise. At 6 months the goal's 5 points are out of reach (docs/diagnosis.md: the
/// reference loses as much); the guard holds the gap where it was measured (14.6 on 3 000).
#[test]
fn censoring_guard() {
    let mut config = CensoredValidationConfig::new(300, 42);
    config.calibration_departments = 1000;
    config.oracle = false;
    let table = validate_censored(&config);
    for months in [6, 12] {
        let row = |view| table.row(months, view).expect("row");
        let (matured, naive, censoring) =
            (row(View::Matured), row(View::Naive), row(View::Censoring));
        let c = &censoring.model;
        assert!(c.false_alarm_rate() <= 0.05, "{months}: {:?}", c);
        assert!(c.wrong_name_rate() <= 0.02, "{months}: {:?}", c);
        assert_eq!(censoring.model_errors, 0);
        assert!(
            c.detection() >= naive.model.detection() - 0.01,
            "{months}: censoring {} against naive {}",
            c.detection(),
            naive.model.detection()
        );
        let gap = matured.model.detection() - c.detection();
        let allowed = if months == 12 { 0.06 } else { 0.20 };
        assert!(gap <= allowed, "{months} months: {gap} below matured");
        let hire = |r: &baton_analytics::diagnosis::validation_censored::CensoredRow| {
            r.recent_hire_named as f64 / r.recent_hire.departments as f64
        };
        assert!(
            hire(censoring) <= 0.02,
            "{months}: recent hire {}",
            hire(censoring)
        );
        assert!(hire(naive) > hire(censoring));
    }
}

#[test]
fn full_exposure_is_the_plain_diagnosis_and_a_bad_exposure_is_refused() {
    let pairs = weak_caller_matrix();
    let exposed: Vec<PairExposure> = pairs.iter().map(|&p| p.into()).collect();
    assert_eq!(diagnose_exposed(&exposed), diagnose(&pairs));
    let mut bad = exposed.clone();
    bad[0].exposure = f64::from(bad[0].accepted) + 1.0;
    assert!(matches!(
        diagnose_exposed(&bad),
        Err(DiagnosisError::InvalidExposure { .. })
    ));
    bad[0].exposure = f64::NAN;
    assert!(diagnose_exposed(&bad).is_err());
}

/// A caller whose leads are all young converts "badly" by the window end: with their leads
/// weighed by exposure they are the others' equal again.
#[test]
fn young_leads_are_not_yet_lost() {
    use baton_analytics::diagnosis::censoring::{LeadTiming, TimedLead, censored_pairs};
    let mut leads = Vec::new();
    for c in 1..=4i64 {
        for s in 101..=103i64 {
            for i in 0..40u32 {
                // Callers 1–3: leads 100–300 days old; caller 4: 0–39 days. Every third lead
                // converts, paying after 10, 30 or 60 days (when it is old enough to have paid).
                let age = if c == 4 { i } else { 100 + 5 * i };
                let lag = [10, 30, 60][(i % 3) as usize];
                let converts = (i + c as u32 + s as u32).is_multiple_of(3);
                leads.push(TimedLead {
                    caller: c,
                    sales_manager: s,
                    timing: LeadTiming {
                        age_days: age,
                        paid_after_days: (converts && lag <= age).then_some(lag),
                    },
                });
            }
        }
    }
    let exposed = censored_pairs(&leads).expect("valid leads");
    let naive: Vec<PairCounts> = exposed
        .iter()
        .map(|p| pair(p.caller, p.sales_manager, p.accepted, p.converted))
        .collect();
    let named = |c: &Conclusion| {
        matches!(
            c,
            Conclusion::WeakLink {
                role: Role::Caller,
                id: 4,
                ..
            }
        )
    };
    assert!(named(&diagnose(&naive).expect("valid").conclusion));
    let censored = diagnose_exposed(&exposed).expect("valid");
    assert!(!named(&censored.conclusion), "{:?}", censored.conclusion);
    let young: u32 = exposed
        .iter()
        .filter(|p| p.caller == 4)
        .map(|p| p.open)
        .sum();
    assert!(young > 60, "{young}");
}
