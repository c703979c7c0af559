//! Plan replay (issue 6 §1) on the hand-built October of tests/payroll.rs: a draft that
//! changes one rate, checked person by person against differences computed here; the draft's
//! side equals a direct `payroll_under` run to the kopeck; the plan in force replays to zero.

mod common;

use baton_app::payroll::SHIPPED_PLANS;
use common::{October, World, at, october};
use rust_decimal::Decimal;
use std::str::FromStr;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).expect("decimal")
}

fn shipped(role: &str) -> &'static str {
    SHIPPED_PLANS
        .iter()
        .find(|(r, _)| *r == role)
        .map(|(_, t)| *t)
        .expect("shipped plan")
}

/// September (open, base pay only), October (calculated: stored statements), November (open).
fn world() -> (World, October) {
    let w = World::new("2026-09-01T07:00:00Z", 9);
    let o = october(&w);
    at(&w.clock, "2026-11-02");
    w.app
        .calculate_period(None, "2026-10")
        .expect("October calculated");
    (w, o)
}

#[test]
fn a_lower_conversion_rate_for_callers() {
    let (w, October { c1, s1, k1, .. }) = world();
    let app = &w.app;
    // One rate changed: 3 000 → 2 000 ₽ per lead converted within 90 days.
    let draft = shipped("caller").replace("rate = \"3000\"", "rate = \"2000\"");
    assert_ne!(draft, shipped("caller"));
    let r = app
        .replay(Some(&w.admin), &draft, "2026-09", "2026-11")
        .expect("replay");
    assert_eq!(r.plan.role, "caller");
    assert_eq!(
        r.months
            .iter()
            .map(|m| m.period.as_str())
            .collect::<Vec<_>>(),
        ["2026-09", "2026-10", "2026-11"]
    );
    assert_eq!(r.months[1].status, "calculated");
    assert_eq!(r.months[0].status, "open");

    // October, by hand: c1 had base 30 000 + 1 accepted lead × 700 + 1 converted × 3 000 =
    // 33 700; under the draft 30 000 + 700 + 2 000 = 32 700: −1 000 ₽, −1 000 ÷ 33 700 =
    // −2.967… % → −3.0 %. s1 (53 400) and k1 (27 045.45) are unchanged.
    let oct = &r.months[1];
    let who = |login: &str| {
        oct.people
            .iter()
            .find(|p| p.login == login)
            .unwrap_or_else(|| panic!("{login}"))
    };
    let c = who("c1");
    assert_eq!(c.employee_id, c1.id);
    assert_eq!(
        (c.actual, c.draft, c.difference, c.change_pct, c.loses),
        (d("33700"), d("32700"), d("-1000"), Some(d("-3.0")), true)
    );
    assert_eq!(c.lines.len(), 1, "{:?}", c.lines);
    assert_eq!(
        (
            c.lines[0].component.as_str(),
            c.lines[0].actual,
            c.lines[0].draft,
            c.lines[0].difference
        ),
        ("converted", d("3000"), d("2000"), d("-1000"))
    );
    for (login, id, pay) in [("s1", &s1.id, "53400"), ("k1", &k1.id, "27045.45")] {
        let p = who(login);
        assert_eq!(&p.employee_id, id);
        assert_eq!(
            (p.actual, p.draft, p.difference, p.change_pct, p.loses),
            (d(pay), d(pay), d("0"), Some(d("0.0")), false)
        );
        assert!(p.lines.is_empty());
    }
    // Totals and payroll as a share of collections (120 000 + 30 000 paid in October):
    // 114 145.45 ÷ 150 000 = 76.096… % → 76.1 %; under the draft 113 145.45 → 75.4 %.
    assert_eq!(oct.totals.collections, d("150000"));
    assert_eq!(
        (oct.totals.actual, oct.totals.draft, oct.totals.difference),
        (d("114145.45"), d("113145.45"), d("-1000"))
    );
    assert_eq!(
        (oct.totals.actual_share_pct, oct.totals.draft_share_pct),
        (Some(d("76.1")), Some(d("75.4")))
    );
    assert_eq!(
        (oct.totals.winners, oct.totals.losers, oct.totals.unchanged),
        (0, 1, 2)
    );
    // September and November: nothing converted, nothing changes; no collections, no share.
    for m in [&r.months[0], &r.months[2]] {
        assert!(m.people.iter().all(|p| p.difference.is_zero()), "{m:?}");
        assert_eq!(m.totals.collections, d("0"));
        assert_eq!(m.totals.actual_share_pct, None);
    }
    // Over the range, people are sorted by name: c1, k1, s1 (and the admin has no plan).
    assert_eq!(
        r.people
            .iter()
            .map(|p| p.login.as_str())
            .collect::<Vec<_>>(),
        ["c1", "k1", "s1"]
    );
    assert_eq!(r.people[0].difference, d("-1000"));
    assert!(r.people[0].loses);
    assert_eq!(r.totals.difference, d("-1000"));
    assert_eq!(r.totals.losers, 1);
    assert_eq!(r.totals.collections, d("150000"));

    // The draft side is a direct payroll_under run, to the kopeck, month by month.
    for m in &r.months {
        let direct = app
            .payroll_under(None, &m.period, &draft)
            .expect("payroll_under");
        assert_eq!(direct.len(), m.people.len());
        for (s, p) in direct.iter().zip(&m.people) {
            assert_eq!((&s.employee_id, s.total), (&p.employee_id, p.draft));
        }
        // And the actual side is what payroll serves.
        let actual = app.payroll(None, &m.period).expect("payroll");
        for (s, p) in actual.iter().zip(&m.people) {
            assert_eq!((&s.employee_id, s.total), (&p.employee_id, p.actual));
        }
    }
}

#[test]
fn a_higher_commission_for_sales_managers() {
    let (w, _) = world();
    // 7 % → 8 %: 150 000 × 8 % = 12 000 × 0.8 (conversion) = 9 600 instead of 8 400:
    // +1 200 ₽ = 1 200 ÷ 53 400 = 2.247… % → +2.2 %.
    let draft = shipped("sales_manager").replace("rate = \"7%\"", "rate = \"8%\"");
    let r = w
        .app
        .replay(Some(&w.admin), &draft, "2026-10", "2026-10")
        .expect("replay");
    let s = r.people.iter().find(|p| p.login == "s1").expect("s1");
    assert_eq!(
        (s.actual, s.draft, s.difference, s.change_pct, s.loses),
        (d("53400"), d("54600"), d("1200"), Some(d("2.2")), false)
    );
    assert_eq!(
        s.lines
            .iter()
            .map(|l| (l.component.as_str(), l.actual, l.draft))
            .collect::<Vec<_>>(),
        [("commission", d("8400"), d("9600"))]
    );
    assert_eq!((r.totals.winners, r.totals.losers), (1, 0));
}

#[test]
fn the_plans_in_force_replay_to_zero() {
    let (w, _) = world();
    for role in [
        "caller",
        "sales_manager",
        "client_manager",
        "universal_manager",
    ] {
        let r = w
            .app
            .replay(None, shipped(role), "2026-09", "2026-11")
            .expect("replay");
        for m in &r.months {
            for p in &m.people {
                assert_eq!(
                    (p.difference, p.loses, p.lines.len()),
                    (Decimal::ZERO, false, 0),
                    "{role} {} {}",
                    m.period,
                    p.login
                );
            }
        }
        assert_eq!(r.totals.difference, Decimal::ZERO);
    }
}

#[test]
fn rights_range_and_plan_errors() {
    let (w, October { c1, .. }) = world();
    let app = &w.app;
    let text = shipped("caller");
    let e = app
        .replay(Some(&c1), text, "2026-10", "2026-10")
        .expect_err("a caller may not");
    assert_eq!(e.code(), "forbidden");
    let e = app
        .replay(None, text, "2026-11", "2026-10")
        .expect_err("backwards");
    assert_eq!(e.field(), Some("to"));
    let e = app
        .replay(
            None,
            "name = \"x\"\nrole = \"caller\"\n",
            "2026-10",
            "2026-10",
        )
        .expect_err("not a plan");
    assert_eq!(e.code(), "invalid_plan");
    let e = app
        .replay(None, text, "2026-1", "2026-10")
        .expect_err("bad period");
    assert_eq!(e.field(), Some("period"));
}
