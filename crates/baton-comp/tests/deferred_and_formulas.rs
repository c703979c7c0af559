//! Formulas, deferred accrual (pending and lapsed bonuses, carried negatives), caps on the
//! total, "next threshold", and the metrics computed from facts: each value computed by hand.

use baton_comp::metrics::{
    CallDay, Facts, HandoffFact, HandoffStatus, InvoiceFact, MixPart, PaymentFact, Progress,
    ProgressStatus, Stretch, WinFact, compute, wanted_metrics,
};
use baton_comp::{Inputs, evaluate, next_thresholds, parse_plan};
use baton_domain::Role;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::str::FromStr;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn inputs(pairs: &[(&str, &str)]) -> Inputs {
    Inputs {
        metrics: pairs.iter().map(|(k, v)| (k.to_string(), d(v))).collect(),
        ..Default::default()
    }
}

const HEAD: &str = "name = \"x\"\nrole = \"sales_manager\"\neffective_from = \"2026-01-01\"\n";

#[test]
fn a_formula_reads_metrics_and_other_components_exactly() {
    let plan = parse_plan(&format!(
        "{HEAD}
[[component]]
id = \"commission\"
kind = \"percent\"
metric = \"new_client_collections\"
rate = \"7%\"

[[component]]
id = \"kicker\"
label = \"Доплата за перевыполнение\"
kind = \"formula\"
expr = '''
if m(\"attainment(new_client_collections)\") >= 1.1 {{ commission * 0.1 }} else {{ 0 }}
'''
"
    ))
    .unwrap();
    // 7 % of 333 333.33 = 23 333.3331 → 23 333.33; the kicker is 10 % of the exact commission:
    // 2 333.33331 → 2 333.33.
    let s = evaluate(
        &plan,
        &inputs(&[
            ("new_client_collections", "333333.33"),
            ("attainment(new_client_collections)", "1.2"),
        ]),
    );
    let amounts: Vec<Decimal> = s.lines.iter().map(|l| l.amount).collect();
    assert_eq!(amounts, vec![d("23333.33"), d("2333.33")]);
    assert_eq!(s.lines[1].exact, d("2333.33331"));
    let shown = format!(
        "commission = {}",
        baton_comp::number::human(d("23333.3331"))
    );
    assert!(
        s.lines[1].formula.contains(&shown),
        "{}",
        s.lines[1].formula
    );
    assert_eq!(s.total, d("25666.66"));
    let below = evaluate(
        &plan,
        &inputs(&[
            ("new_client_collections", "100"),
            ("attainment(new_client_collections)", "1.09"),
        ]),
    );
    assert_eq!(below.lines[1].amount, d("0"));
}

#[test]
fn formula_errors_point_into_the_plan_text() {
    // The formula starts on line 7, column 9 of the plan; `+ +` is at its column 3.
    let text =
        format!("{HEAD}\n[[component]]\nid = \"f\"\nkind = \"formula\"\nexpr = \"1 + * 2\"\n");
    let errs = parse_plan(&text).unwrap_err();
    assert_eq!((errs[0].line, errs[0].column), (8, 13), "{errs:?}");
    assert!(errs[0].message.starts_with("formula:"), "{errs:?}");

    // A loop is refused with a clear message.
    let text =
        format!("{HEAD}\n[[component]]\nid = \"f\"\nkind = \"formula\"\nexpr = \"loop {{ 1 }}\"\n");
    let errs = parse_plan(&text).unwrap_err();
    assert!(errs[0].message.contains("loop"), "{errs:?}");

    // A name that is neither a metric nor a component.
    let text = format!(
        "{HEAD}\n[[component]]\nid = \"f\"\nkind = \"formula\"\nexpr = \"collections * 2\"\n"
    );
    let errs = parse_plan(&text).unwrap_err();
    assert!(errs[0].message.contains("reads «collections»"), "{errs:?}");

    // Two formulas that read each other are a cycle.
    let text = format!(
        "{HEAD}\n[[component]]\nid = \"a\"\nkind = \"formula\"\nexpr = \"b + 1\"\n[[component]]\nid = \"b\"\nkind = \"formula\"\nexpr = \"a * 2\"\n"
    );
    let errs = parse_plan(&text).unwrap_err();
    assert!(
        errs.iter()
            .any(|e| e.message.contains("cycle between components: a → b → a")),
        "{errs:?}"
    );
}

fn progress(company: &str, collected: i64, status: ProgressStatus) -> Progress {
    Progress {
        company_id: company.into(),
        company: company.into(),
        won_on: day("2026-09-01"),
        window_end: day("2026-11-30"),
        collected,
        status,
    }
}

#[test]
fn bonuses_accrue_pend_and_lapse_visibly() {
    let plan = parse_plan(&format!(
        "{HEAD}\n[[component]]\nid = \"nc\"\nkind = \"bonus\"\nmin = \"50000\"\namount = \"5000\"\n"
    ))
    .unwrap();
    let mut i = inputs(&[("qualified_new_clients{min=50000}", "1")]);
    i.progress = vec![
        progress("Альфа", 6_000_000, ProgressStatus::Accrued),
        progress("Бета", 3_200_000, ProgressStatus::Pending),
        progress("Гамма", 1_000_000, ProgressStatus::Pending),
        progress("Дельта", 4_999_999, ProgressStatus::Lapsed),
    ];
    let s = evaluate(&plan, &i);
    let lines: Vec<(&str, Decimal)> = s
        .lines
        .iter()
        .map(|l| (l.status.as_str(), l.amount))
        .collect();
    assert_eq!(
        lines,
        vec![
            ("accrued", d("5000")),
            ("pending", d("0")),
            ("lapsed", d("0"))
        ]
    );
    assert_eq!(s.total, d("5000"));
    assert!(
        s.lines[1].formula.contains("2 × "),
        "{}",
        s.lines[1].formula
    );
    assert!(s.lines[1].formula.contains("«Бета»"));
    assert!(s.lines[2].formula.contains("«Дельта»"));
    // What it takes: 18 000 more from Бета, 40 000 more from Гамма, each worth 5 000.
    let t = next_thresholds(&plan, &i);
    let needs: Vec<(&str, Decimal)> = t.iter().map(|t| (t.needed.as_str(), t.worth)).collect();
    assert_eq!(needs.len(), 2);
    assert!(
        t[0].text.contains("«Бета»") && t[0].worth == d("5000"),
        "{t:?}"
    );
    assert_eq!(t[0].needed, baton_comp::number::rubles(d("18000")));
    assert_eq!(t[1].needed, baton_comp::number::rubles(d("40000")));
}

#[test]
fn a_percentage_never_goes_below_zero_and_carries_the_rest() {
    let plan = parse_plan(&format!("{HEAD}\n[[component]]\nid = \"c\"\nkind = \"percent\"\nmetric = \"new_client_collections\"\nrate = \"7%\"\n")).unwrap();
    // September: a refund of 50 000 larger than the 20 000 collected: −30 000 × 7 % = −2 100.
    let sep = evaluate(&plan, &inputs(&[("new_client_collections", "-30000")]));
    assert_eq!((sep.lines[0].amount, sep.total), (d("0"), d("0")));
    assert_eq!(sep.carry_out.get("c"), Some(&d("-2100")));
    // October: 20 000 × 7 % = 1 400, less the 2 100 carried: still −700, carried on.
    let mut oct = inputs(&[("new_client_collections", "20000")]);
    oct.carry_in = sep.carry_out.clone();
    let oct = evaluate(&plan, &oct);
    assert_eq!(oct.lines[0].amount, d("0"));
    assert_eq!(oct.carry_out.get("c"), Some(&d("-700")));
    // November: 100 000 × 7 % = 7 000 − 700 = 6 300, nothing left to carry.
    let mut nov = inputs(&[("new_client_collections", "100000")]);
    nov.carry_in = oct.carry_out.clone();
    let nov = evaluate(&plan, &nov);
    assert_eq!(nov.lines[0].amount, d("6300"));
    assert!(nov.carry_out.is_empty());
    assert!(
        nov.lines[0]
            .formula
            .contains("carried from earlier periods"),
        "{}",
        nov.lines[0].formula
    );
}

#[test]
fn a_cap_on_the_total_is_a_line_of_its_own() {
    let plan = parse_plan(&format!("{HEAD}total_cap = \"100000\"\n[[component]]\nid = \"base\"\nkind = \"base\"\namount = \"40000\"\n[[component]]\nid = \"c\"\nkind = \"percent\"\nmetric = \"new_client_collections\"\nrate = \"10%\"\n")).unwrap();
    let s = evaluate(&plan, &inputs(&[("new_client_collections", "900000")]));
    // 40 000 + 90 000 = 130 000, capped at 100 000 by a −30 000 line.
    assert_eq!(s.lines.last().unwrap().amount, d("-30000"));
    assert_eq!(s.total, d("100000"));
}

#[test]
fn next_threshold_says_how_much_and_what_it_is_worth() {
    let text = std::fs::read_to_string(format!(
        "{}/../../plans/caller.toml",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let caller = parse_plan(&text).unwrap();
    let t = next_thresholds(&caller, &inputs(&[("leads_accepted", "10")]));
    // From 12 accepted leads each pays 875 instead of 700; reaching 12 adds 2 × 700.
    assert_eq!(t.len(), 1, "{t:?}");
    assert_eq!((t[0].next.as_str(), t[0].worth), ("12", d("1400")));
    assert_eq!(t[0].needed, "2 more leads accepted");
    // The catalog says the same in Russian, with the metric's Russian name.
    let ru = t[0].why.render(baton_catalog::Lang::Ru);
    assert!(ru.contains("ещё 2 — принятые лиды (от 10 до 12)"), "{ru}");

    let text = std::fs::read_to_string(format!(
        "{}/../../plans/sales_manager.toml",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let sm = parse_plan(&text).unwrap();
    let mut i = inputs(&[
        ("new_client_collections", "105000"),
        ("attainment(new_client_collections)", "0.7"),
        ("lead_conversion", "0.15"),
    ]);
    i.targets
        .insert("new_client_collections".into(), d("150000"));
    let t = next_thresholds(&sm, &i);
    // The gate at 80 %: 120 000 − 105 000 = 15 000 more; then 7 % × 120 000 × 1.0 = 8 400.
    let gate = t.iter().find(|t| t.component == "plan_gate").unwrap();
    assert_eq!(
        gate.needed,
        format!(
            "{} more new clients' payments",
            baton_comp::number::rubles(d("15000"))
        )
    );
    assert_eq!(gate.worth, d("8400"));
}

fn facts() -> Facts {
    let p = |id: &str, company: &str, invoice: &str, day_: &str, amount: i64, cm: Option<&str>| {
        PaymentFact {
            id: id.into(),
            company_id: company.into(),
            invoice_id: invoice.into(),
            paid_on: day(day_),
            amount,
            client_manager: cm.map(str::to_string),
            overdue: false,
            region: "msk".into(),
        }
    };
    let mut mix = std::collections::HashMap::new();
    mix.insert(
        "i2".to_string(),
        vec![
            MixPart {
                product_group: "print".into(),
                sku: "P1".into(),
                edition: Some("msk".into()),
                amount: 30_000,
            },
            MixPart {
                product_group: "online".into(),
                sku: "O1".into(),
                edition: None,
                amount: 10_000,
            },
        ],
    );
    Facts {
        start: day("2026-10-01"),
        end: day("2026-10-31"),
        hunter_window_days: 90,
        as_of: None,
        calls: vec![
            CallDay {
                actor: "c1".into(),
                day: day("2026-10-01"),
                calls: 40,
                dm: 6,
            },
            CallDay {
                actor: "c1".into(),
                day: day("2026-10-02"),
                calls: 35,
                dm: 4,
            },
        ],
        handoffs: vec![
            HandoffFact {
                id: "h1".into(),
                lead_id: "l1".into(),
                sender: "c1".into(),
                receiver: "s1".into(),
                created_on: day("2026-10-01"),
                decided_on: Some(day("2026-10-02")),
                status: HandoffStatus::Accepted,
                reason: None,
                lead_won_on: Some(day("2026-10-20")),
            },
            HandoffFact {
                id: "h2".into(),
                lead_id: "l2".into(),
                sender: "c1".into(),
                receiver: "s1".into(),
                created_on: day("2026-10-03"),
                decided_on: Some(day("2026-10-03")),
                status: HandoffStatus::Rejected,
                reason: Some("no_budget".into()),
                lead_won_on: None,
            },
            HandoffFact {
                id: "h3".into(),
                lead_id: "l3".into(),
                sender: "c1".into(),
                receiver: "s1".into(),
                created_on: day("2026-10-30"),
                decided_on: None,
                status: HandoffStatus::Pending,
                reason: None,
                lead_won_on: None,
            },
        ],
        wins: vec![WinFact {
            contract_id: "k1".into(),
            company_id: "a".into(),
            company: "Альфа".into(),
            won_on: day("2026-10-20"),
            new_client: true,
            seller: "s1".into(),
            caller: Some("c1".into()),
            accepted_on: Some(day("2026-10-02")),
            window_paid_before: 0,
        }],
        payments: vec![
            p("p1", "a", "i1", "2026-10-20", 4_000_000, Some("m1")),
            p("p2", "b", "i2", "2026-10-21", 2_000_000, Some("m1")),
            p("p3", "b", "i2", "2026-10-25", -400_000, Some("m1")),
        ],
        invoices: vec![InvoiceFact {
            id: "i2".into(),
            company_id: "b".into(),
            holder: Some("m1".into()),
            issued_on: day("2026-10-01"),
            due_on: day("2026-10-15"),
            open_before: 4_000_000,
        }],
        credits: vec![],
        holder_changes: vec![],
        mix,
    }
}

fn stretch(person: &str, role: Role) -> Stretch {
    Stretch {
        person: person.into(),
        role,
        from: day("2026-10-01"),
        to: day("2026-10-31"),
        days_worked: 22,
        days_total: 22,
        targets: BTreeMap::new(),
    }
}

#[test]
fn metrics_from_facts_by_hand() {
    let plan = parse_plan(
        "name = \"x\"\nrole = \"client_manager\"\neffective_from = \"2026-01-01\"\n[metrics.print_collections]\nof = \"portfolio_collections\"\nproduct_group = \"print\"\n[[component]]\nid = \"p\"\nkind = \"percent\"\nmetric = \"print_collections\"\nrate = \"5%\"\n[[component]]\nid = \"r\"\nkind = \"per_unit\"\nmetric = \"leads_rejected{reason=no_budget}\"\nrate = \"1\"\n",
    )
    .unwrap();
    let mut wanted = wanted_metrics(&plan);
    wanted.insert("leads_converted{within_days=90}".into());
    let f = facts();
    let st = vec![
        stretch("c1", Role::Caller),
        stretch("s1", Role::SalesManager),
        stretch("m1", Role::ClientManager),
    ];
    let mv = compute(&f, &st, &wanted, &plan.metrics);
    let v = |i: usize, m: &str| {
        mv[i]
            .values
            .get(m)
            .copied()
            .unwrap_or_else(|| panic!("{m}"))
    };
    // Caller: 75 calls, 10 with the decision maker; handed 3, 1 accepted, 1 rejected.
    assert_eq!(v(0, "calls"), d("75"));
    assert_eq!(v(0, "dm_conversations"), d("10"));
    assert_eq!(v(0, "leads_handed"), d("3"));
    assert_eq!(
        (v(0, "leads_accepted"), v(0, "leads_rejected")),
        (d("1"), d("1"))
    );
    assert_eq!(v(0, "acceptance_rate"), d("0.5"));
    assert_eq!(v(0, "leads_converted{within_days=90}"), d("1"));
    assert_eq!(v(0, "leads_rejected{reason=no_budget}"), d("1"));
    // Sales manager: the win and its 40 000 inside the window.
    assert_eq!(v(1, "new_clients"), d("1"));
    assert_eq!(v(1, "new_client_collections"), d("40000"));
    // Client manager: own 40 000 + 20 000 − 4 000; the portfolio leaves out the hunter's 40 000;
    // print is 30/40 of invoice i2's payments: (20 000 − 4 000) × 0.75 = 12 000.
    assert_eq!(v(2, "own_collections"), d("56000"));
    assert_eq!(v(2, "portfolio_collections"), d("16000"));
    assert_eq!(v(2, "print_collections"), d("12000"));
    // Receivables at 31 October: i2 40 000 − 20 000 + 4 000 = 24 000, overdue since the 15th.
    assert_eq!(v(2, "receivables"), d("24000"));
    assert_eq!(v(2, "overdue_share"), d("1"));
    // The drill-down names the records.
    assert_eq!(
        mv[2].sources["portfolio_collections"],
        vec!["payments/p2", "payments/p3"]
    );
    assert_eq!(mv[0].sources["leads_accepted"], vec!["handoffs/h1"]);
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The metrics do not depend on the order of the records.
        #[test]
        fn metrics_ignore_record_order(seed in any::<u64>()) {
            let f = facts();
            let st = vec![stretch("c1", Role::Caller), stretch("s1", Role::SalesManager), stretch("m1", Role::ClientManager)];
            let wanted = std::collections::BTreeSet::from(["leads_converted{within_days=90}".to_string(), "qualified_new_clients{min=50000}".to_string()]);
            let a = compute(&f, &st, &wanted, &BTreeMap::new());
            let mut g = f.clone();
            let mut s = seed;
            let mut shuffle = |n: usize| -> Vec<usize> {
                let mut idx: Vec<usize> = (0..n).collect();
                for i in (1..n).rev() {
                    s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    idx.swap(i, (s >> 33) as usize % (i + 1));
                }
                idx
            };
            let order = shuffle(g.payments.len());
            g.payments = order.iter().map(|&i| f.payments[i].clone()).collect();
            let order = shuffle(g.handoffs.len());
            g.handoffs = order.iter().map(|&i| f.handoffs[i].clone()).collect();
            let order = shuffle(g.calls.len());
            g.calls = order.iter().map(|&i| f.calls[i].clone()).collect();
            let b = compute(&g, &st, &wanted, &BTreeMap::new());
            for (x, y) in a.iter().zip(&b) {
                prop_assert_eq!(&x.values, &y.values);
                let sorted = |m: &BTreeMap<String, Vec<String>>| m.iter().map(|(k, v)| { let mut v = v.clone(); v.sort(); (k.clone(), v) }).collect::<Vec<_>>();
                prop_assert_eq!(sorted(&x.sources), sorted(&y.sources));
            }
        }
    }
}

#[test]
fn a_line_without_its_target_pays_nothing() {
    let text = std::fs::read_to_string(format!(
        "{}/../../plans/client_manager.toml",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let cm = parse_plan(&text).unwrap();
    // No target for portfolio_collections: the attainment table would give 0.5 at 0, but the
    // line pays 0 and says why; the base is untouched.
    let s = evaluate(
        &cm,
        &inputs(&[("portfolio_collections", "500000"), ("overdue_share", "0")]),
    );
    let amounts: Vec<Decimal> = s.lines.iter().map(|l| l.amount).collect();
    assert_eq!(amounts, vec![d("35000"), d("0")]);
    // Issue 15: the 0 is not "accrued": the status says the target is missing.
    let statuses: Vec<&str> = s.lines.iter().map(|l| l.status.as_str()).collect();
    assert_eq!(statuses, vec!["accrued", "no_target"]);
    assert!(
        s.lines[1]
            .formula
            .starts_with("0: no target for attainment of portfolio payments"),
        "{}",
        s.lines[1].formula
    );
    let ru = s.lines[1]
        .why
        .as_ref()
        .map(|w| w.render(baton_catalog::Lang::Ru))
        .unwrap_or_default();
    assert!(
        ru.starts_with("0: не задана цель — выполнение плана: оплаты портфеля ("),
        "{ru}"
    );
    assert!(s.warnings[0].contains("no target"));
}

/// Issue 15: on 7 December a new-client bonus whose hunter window runs to 30 December can still
/// be earned. It is pending on every day up to and including the 30th, lapsed from the 31st
/// and in the period read after it closed.
#[test]
fn an_open_window_is_pending_on_every_day_before_it_closes() {
    let facts = |as_of: Option<NaiveDate>| Facts {
        start: day("2026-12-01"),
        end: day("2026-12-31"),
        hunter_window_days: 90,
        as_of,
        wins: vec![WinFact {
            contract_id: "k1".into(),
            company_id: "a".into(),
            company: "Альфа".into(),
            // 1 October + 90 days = 30 December.
            won_on: day("2026-10-01"),
            new_client: true,
            seller: "s1".into(),
            caller: None,
            accepted_on: None,
            window_paid_before: 1_000_000,
        }],
        ..Facts::default()
    };
    let mut st = stretch("s1", Role::SalesManager);
    st.from = day("2026-12-01");
    st.to = day("2026-12-31");
    let wanted = std::collections::BTreeSet::from(["qualified_new_clients{min=50000}".to_string()]);
    let status = |as_of: Option<NaiveDate>| {
        let mv = compute(
            &facts(as_of),
            std::slice::from_ref(&st),
            &wanted,
            &BTreeMap::new(),
        );
        assert_eq!(mv[0].progress.len(), 1);
        assert_eq!(mv[0].progress[0].window_end, day("2026-12-30"));
        mv[0].progress[0].status
    };
    for d in day("2026-12-01")
        .iter_days()
        .take_while(|d| *d <= day("2026-12-30"))
    {
        assert_eq!(status(Some(d)), ProgressStatus::Pending, "on {d}");
    }
    assert_eq!(status(Some(day("2026-12-31"))), ProgressStatus::Lapsed);
    assert_eq!(status(None), ProgressStatus::Lapsed);
}
