//! The worked examples of `research/domain-brief.md` §3.2–3.5, written as plans in Baton's
//! language, each computed to the ruble the brief states.

use baton_comp::{Inputs, evaluate, parse_plan};
use rust_decimal::Decimal;
use std::str::FromStr;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn inputs(pairs: &[(&str, &str)]) -> Inputs {
    Inputs {
        metrics: pairs.iter().map(|(k, v)| (k.to_string(), d(v))).collect(),
        days_worked: None,
        ..Default::default()
    }
}

#[test]
fn kpi_index_0_915_pays_36_600() {
    // §3.2: weights 0.6 / 0.2 / 0.2, floor 0.8, accelerator 1.5 above plan, cap at 1.5.
    let plan = parse_plan(
        r#"
name = "KPI example"
role = "sales_manager"
effective_from = "2026-01-01"

[metrics]
crm_score = "CRM discipline, scored by the head (attainment of the standard)"

[tables.k]
mode = "linear"
below = "0"
points = [ { at = "0.8", value = "0.8" }, { at = "1.0", value = "1.0" }, { at = "1.5", value = "1.75" } ]

[[component]]
id = "kpi"
kind = "kpi_index"
target = "40000"
indicators = [
  { metric = "attainment(new_client_collections)", weight = "0.6", table = "k" },
  { metric = "attainment(lead_conversion)", weight = "0.2", table = "k" },
  { metric = "crm_score", weight = "0.2", table = "k" },
]
"#,
    )
    .unwrap();
    let s = evaluate(
        &plan,
        &inputs(&[
            ("attainment(new_client_collections)", "1.15"),
            ("attainment(lead_conversion)", "0.90"),
            ("crm_score", "0.75"),
        ]),
    );
    assert_eq!(s.lines.len(), 1);
    assert_eq!(s.total, d("36600"));
    assert!(
        s.lines[0].formula.ends_with("× 0,915"),
        "{}",
        s.lines[0].formula
    );
}

#[test]
fn sales_manager_129_375() {
    // §3.4: base 50 000; r = 50 000 / 600 000 on new-client collections, ×1.25 above plan,
    // paid from 80 % of plan; 5 000 per new client whose window collections reach 50 000.
    let plan = parse_plan(
        r#"
name = "МПП, пример"
role = "sales_manager"
effective_from = "2026-01-01"

[[component]]
id = "base"
kind = "base"
amount = "50000"

[[component]]
id = "commission"
kind = "percent"
metric = "new_client_collections"
mode = "marginal"
tiers = [ { from = "0", rate = "50000/600000" }, { from = "600000", rate = "50000/600000*1.25" } ]

[[component]]
id = "floor80"
kind = "gate"
applies_to = ["commission"]
metric = "attainment(new_client_collections)"
min = "0.8"

[[component]]
id = "new_clients"
kind = "per_unit"
metric = "qualified_new_clients{min=50000}"
rate = "5000"
"#,
    )
    .unwrap();
    let mut i = inputs(&[
        ("new_client_collections", "690000"),
        ("attainment(new_client_collections)", "1.15"),
        ("qualified_new_clients{min=50000}", "4"),
    ]);
    let s = evaluate(&plan, &i);
    let amounts: Vec<Decimal> = s.lines.iter().map(|l| l.amount).collect();
    assert_eq!(amounts, vec![d("50000"), d("59375"), d("20000")]);
    assert_eq!(s.total, d("129375"));
    // At 450 000 (75 % of plan) the commission is gated to 0 and the bonus is still paid.
    i.metrics
        .insert("new_client_collections".into(), d("450000"));
    i.metrics
        .insert("attainment(new_client_collections)".into(), d("0.75"));
    let s = evaluate(&plan, &i);
    assert_eq!(s.lines[1].amount, d("0"));
    assert!(
        s.lines[1].formula.starts_with("0: floor80 not met"),
        "{}",
        s.lines[1].formula
    );
    assert_eq!(s.total, d("70000"));
}

#[test]
fn client_manager_27_920() {
    // §3.5: 0.8 × (3 % × 950 000 + g(NRR = 1.03) × 8 % × 80 000).
    let plan = parse_plan(
        r#"
name = "КМ, пример"
role = "client_manager"
effective_from = "2026-01-01"

# Retention figures of the research's §5.6, supplied from outside the standard library.
[metrics]
retained_collections = "collections from clients kept from the base period"
incremental_collections = "growth over the base period"
nrr = "net revenue retention"

[tables.g]
mode = "step"
below = "0"
points = [ { at = "0.9", value = "0.5" }, { at = "1.0", value = "1.0" }, { at = "1.1", value = "1.5" } ]

[tables.ar]
mode = "step"
points = [ { at = "0", value = "1.0" }, { at = "0.05", value = "0.8" }, { at = "0.15", value = "0.5" } ]

[[component]]
id = "retained"
kind = "percent"
metric = "retained_collections"
rate = "3%"

[[component]]
id = "growth"
kind = "percent"
metric = "incremental_collections"
rate = "8%"

[[component]]
id = "nrr"
kind = "multiplier"
applies_to = ["growth"]
metric = "nrr"
table = "g"

[[component]]
id = "receivables"
kind = "multiplier"
applies_to = ["retained", "growth"]
metric = "overdue_share"
table = "ar"
"#,
    )
    .unwrap();
    let s = evaluate(
        &plan,
        &inputs(&[
            ("retained_collections", "950000"),
            ("incremental_collections", "80000"),
            ("nrr", "1.03"),
            ("overdue_share", "0.09"),
        ]),
    );
    let amounts: Vec<Decimal> = s.lines.iter().map(|l| l.amount).collect();
    assert_eq!(amounts, vec![d("22800"), d("5120")]);
    assert_eq!(s.total, d("27920"));
}

#[test]
fn caller_88_250() {
    // §3.3: base 40 000; 28 000 / 12 per accepted meeting up to 12, ×1.25 for 13–15, ×1.5
    // from 16; 4 000 per sourced client paid within 90 days.
    let plan = parse_plan(
        r#"
name = "Колл-менеджер, пример"
role = "caller"
effective_from = "2026-01-01"

[[component]]
id = "base"
kind = "base"
amount = "40000"

[[component]]
id = "accepted"
kind = "per_unit"
metric = "leads_accepted"
tiers = [ { from = "0", rate = "28000/12" }, { from = "12", rate = "28000/12*1.25" }, { from = "15", rate = "28000/12*1.5" } ]

[[component]]
id = "kicker"
kind = "per_unit"
metric = "leads_converted{within_days=90}"
rate = "4000"
"#,
    )
    .unwrap();
    let s = evaluate(
        &plan,
        &inputs(&[
            ("leads_accepted", "16"),
            ("leads_converted{within_days=90}", "2"),
        ]),
    );
    let amounts: Vec<Decimal> = s.lines.iter().map(|l| l.amount).collect();
    assert_eq!(amounts, vec![d("40000"), d("40250"), d("8000")]);
    assert_eq!(s.total, d("88250"));
}

#[test]
fn errors_name_the_line_and_column() {
    let text = "name = \"x\"\nrole = \"caller\"\neffective_from = \"2026-01-01\"\n\n[[component]]\nid = \"a\"\nkind = \"per_unit\"\nmetric = \"leads_acepted\"\nrate = \"700\"\n";
    let errs = parse_plan(text).unwrap_err();
    assert_eq!((errs[0].line, errs[0].column), (8, 10), "{errs:?}");
    assert!(errs[0].message.contains("unknown metric «leads_acepted»"));

    let text = "name = \"x\"\nrole = \"caller\"\neffective_from = \"2026-01-01\"\n[[component]]\nid = \"t\"\nkind = \"percent\"\nmetric = \"own_collections\"\ntiers = [ { from = \"0\", rate = \"1%\" }, { from = \"0\", rate = \"2%\" } ]\n";
    let errs = parse_plan(text).unwrap_err();
    assert_eq!(errs[0].line, 8);
    assert!(errs[0].message.contains("overlap"), "{errs:?}");

    let text = "name = \"x\"\nrole = \"caller\"\neffective_from = \"2026-01-01\"\n[[component]]\nid = \"t\"\nkind = \"percent\"\nmetric = \"own_collections\"\ntiers = [ { from = \"100\", rate = \"1%\" } ]\n";
    assert!(parse_plan(text).unwrap_err()[0].message.contains("gap"));

    let text = "name = \"x\"\nrole = \"caller\"\neffective_from = \"2026-01-01\"\n[tables.k]\nmode = \"step\"\npoints = [ { at = \"0\", value = \"1\" } ]\n[[component]]\nid = \"i\"\nkind = \"kpi_index\"\ntarget = \"1000\"\nindicators = [ { metric = \"calls\", weight = \"0.5\", table = \"k\" }, { metric = \"new_clients\", weight = \"0.4\", table = \"k\" } ]\n";
    let errs = parse_plan(text).unwrap_err();
    assert_eq!(errs[0].line, 11);
    assert!(errs[0].message.contains("sum to 0,9, not 1"), "{errs:?}");

    let text = "name = \"x\"\nrole = \"caller\"\neffective_from = \"2026-01-01\"\n[tables.k]\nmode = \"step\"\npoints = [ { at = \"0\", value = \"1\" } ]\n[[component]]\nid = \"m1\"\nkind = \"multiplier\"\napplies_to = [\"m2\"]\nmetric = \"calls\"\ntable = \"k\"\n[[component]]\nid = \"m2\"\nkind = \"multiplier\"\napplies_to = [\"m1\"]\nmetric = \"calls\"\ntable = \"k\"\n";
    let errs = parse_plan(text).unwrap_err();
    assert_eq!(errs.len(), 2);
    assert!(errs[0].message.contains("cycle"), "{errs:?}");

    // A TOML syntax error points at the place too.
    let errs = parse_plan("name = \"x\"\nrole = = \"caller\"\n").unwrap_err();
    assert_eq!(errs[0].line, 2, "{errs:?}");
}
