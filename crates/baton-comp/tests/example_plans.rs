//! The example plans shipped in `plans/` (PRODUCT.md §4.4) parse, and compute values checked
//! by hand here; at plan the sales manager earns more than the client manager.

use baton_comp::{Inputs, Plan, evaluate, parse_plan};
use rust_decimal::Decimal;
use std::str::FromStr;

fn plan(file: &str) -> Plan {
    let path = format!("{}/../../plans/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("plan file");
    parse_plan(&text).unwrap_or_else(|e| panic!("{file}: {e:?}"))
}

fn total(p: &Plan, pairs: &[(&str, &str)]) -> (Decimal, Vec<Decimal>) {
    let i = Inputs {
        metrics: pairs
            .iter()
            .map(|(k, v)| (k.to_string(), Decimal::from_str(v).unwrap()))
            .collect(),
        days_worked: None,
        ..Default::default()
    };
    let s = evaluate(p, &i);
    assert_eq!(
        s.total,
        s.lines.iter().map(|l| l.amount).sum::<Decimal>(),
        "total = Σ rounded lines"
    );
    (s.total, s.lines.iter().map(|l| l.amount).collect())
}

fn n(v: i64) -> Decimal {
    Decimal::from(v)
}

#[test]
fn caller_plan() {
    // 30 000 + 12 × 700 + 2 × 875 + 2 × 3 000 = 30 000 + 10 150 + 6 000
    let (t, lines) = total(
        &plan("caller.toml"),
        &[
            ("leads_accepted", "14"),
            ("leads_converted{within_days=90}", "2"),
        ],
    );
    assert_eq!(lines, vec![n(30_000), n(10_150), n(6_000)]);
    assert_eq!(t, n(46_150));
}

#[test]
fn sales_manager_plan() {
    // 7 % × 300 000 = 21 000, × 1.2 (conversion 22 % ≥ 20 %), gate met (120 % ≥ 80 %);
    // 3 qualified new clients × 5 000.
    let p = plan("sales_manager.toml");
    let (t, lines) = total(
        &p,
        &[
            ("new_client_collections", "300000"),
            ("lead_conversion", "0.22"),
            ("attainment(new_client_collections)", "1.2"),
            ("qualified_new_clients{min=50000}", "3"),
        ],
    );
    assert_eq!(lines, vec![n(40_000), n(25_200), n(15_000)]);
    assert_eq!(t, n(80_200));
    // Below 80 % of plan the commission is not paid, whatever the conversion.
    let (t, _) = total(
        &p,
        &[
            ("new_client_collections", "150000"),
            ("lead_conversion", "0.3"),
            ("attainment(new_client_collections)", "0.6"),
            ("qualified_new_clients{min=50000}", "1"),
        ],
    );
    assert_eq!(t, n(45_000));
}

#[test]
fn client_manager_plan() {
    // 3 % × 600 000 = 18 000 × K(100 %) = 1.0 × overdue 6 % → 0.8 = 14 400.
    let (t, lines) = total(
        &plan("client_manager.toml"),
        &[
            ("portfolio_collections", "600000"),
            ("attainment(portfolio_collections)", "1.0"),
            ("overdue_share", "0.06"),
        ],
    );
    assert_eq!(lines, vec![n(35_000), n(14_400)]);
    assert_eq!(t, n(49_400));
}

#[test]
fn universal_manager_plan() {
    // 5 % × 500 000 = 25 000 × K(125 %) = 1.2 × overdue 2 % → 1.0 = 30 000; one new client 10 000.
    let (t, lines) = total(
        &plan("universal_manager.toml"),
        &[
            ("own_collections", "500000"),
            ("attainment(own_collections)", "1.25"),
            ("overdue_share", "0.02"),
            ("qualified_new_clients{min=50000}", "1"),
        ],
    );
    assert_eq!(lines, vec![n(40_000), n(30_000), n(10_000)]);
    assert_eq!(t, n(80_000));
}

#[test]
fn at_plan_the_hunter_earns_more_than_the_farmer() {
    // At plan: the sales manager collects the 250 000 target from new clients at 15 %
    // conversion and brings 2 qualified clients; the client manager collects the 600 000 target
    // with 3 % overdue.
    let (sm, _) = total(
        &plan("sales_manager.toml"),
        &[
            ("new_client_collections", "250000"),
            ("lead_conversion", "0.15"),
            ("attainment(new_client_collections)", "1.0"),
            ("qualified_new_clients{min=50000}", "2"),
        ],
    );
    let (cm, _) = total(
        &plan("client_manager.toml"),
        &[
            ("portfolio_collections", "600000"),
            ("attainment(portfolio_collections)", "1.0"),
            ("overdue_share", "0.03"),
        ],
    );
    assert_eq!((sm, cm), (n(67_500), n(53_000)));
    assert!(sm > cm);
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// For every shipped plan and any inputs: the total is the sum of the rounded lines,
        /// and more collections never pay less (none of the plans has a decelerator).
        #[test]
        fn totals_add_up_and_more_pays_more(
            collected in 0i64..500_000_000,
            extra in 0i64..100_000_000,
            att in 0u32..200,
            share in 0u32..40,
            conv in 0u32..40,
            count in 0u32..30,
        ) {
            let money = |k: i64| (Decimal::from(k) / Decimal::from(100)).to_string();
            for (file, metric, att_metric) in [
                ("sales_manager.toml", "new_client_collections", "attainment(new_client_collections)"),
                ("client_manager.toml", "portfolio_collections", "attainment(portfolio_collections)"),
                ("universal_manager.toml", "own_collections", "attainment(own_collections)"),
                ("caller.toml", "leads_accepted", "attainment(leads_accepted)"),
            ] {
                let p = plan(file);
                let a = (Decimal::from(att) / Decimal::from(100)).to_string();
                let s = (Decimal::from(share) / Decimal::from(100)).to_string();
                let c = (Decimal::from(conv) / Decimal::from(100)).to_string();
                let k = count.to_string();
                let base: Vec<(&str, String)> = vec![(att_metric, a), ("overdue_share", s), ("lead_conversion", c), ("qualified_new_clients{min=50000}", k.clone()), ("leads_converted{within_days=90}", k)];
                let run = |amount: String| {
                    let mut pairs: Vec<(&str, &str)> = base.iter().map(|(m, v)| (*m, v.as_str())).collect();
                    pairs.push((metric, amount.as_str()));
                    total(&p, &pairs).0
                };
                let less = run(money(collected));
                let more = run(money(collected + extra));
                prop_assert!(more >= less, "{file}: {more} < {less}");
            }
        }
    }
}

#[test]
fn ratios_are_shown_to_four_decimals() {
    let p = plan("sales_manager.toml");
    let i = Inputs {
        metrics: [
            ("new_client_collections", "300000"),
            ("lead_conversion", "0.2222222222222222"),
            ("attainment(new_client_collections)", "1.3333333333333333"),
            ("qualified_new_clients{min=50000}", "0"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), Decimal::from_str(v).unwrap()))
        .collect(),
        days_worked: None,
        ..Default::default()
    };
    let s = evaluate(&p, &i);
    let line = &s.lines[1];
    assert_eq!(line.inputs["lead_conversion"], "0,2222");
    assert_eq!(line.inputs["attainment(new_client_collections)"], "1,3333");
    assert!(
        line.formula.contains("lead conversion = 0,2222"),
        "{}",
        line.formula
    );
    let ru = line
        .why
        .as_ref()
        .map(|w| w.render(baton_catalog::Lang::Ru))
        .unwrap_or_default();
    assert!(ru.contains("конверсия лидов в клиентов = 0,2222"), "{ru}");
    // The amount itself is computed from the exact value: 7 % × 300 000 × 1.2.
    assert_eq!(line.amount, Decimal::from(25_200));
}
