//! The split carried out (issue 15): three universal managers become a caller, a sales
//! manager and a client manager on 16 October, and u1's client goes to the client manager.
//! Each person's two statement parts, collections and receivables are worked by hand below.
//!
//! October 2026 has 22 working days: 11 on 1–15 October and 11 on 16–31 October.
//! Clients were won in June, so their hunter windows (90 days) closed in September and every
//! October payment is the client manager's own (portfolio) collection.
//!
//! | day | what |
//! |---|---|
//! | 5 Oct | u1 invoices «Ромашка» A1 40 000, due 12 Oct |
//! | 7 Oct | u3 invoices «Лютик» B1 30 000 due 14 Oct, B2 60 000 due 12 Oct |
//! | 8 Oct | A1: 30 000 paid (u1's) |
//! | 9 Oct | B1: 30 000 paid (u3's) |
//! | 16 Oct | u1 → caller, u2 → sales manager, u3 → client manager; «Ромашка» → u3 |
//! | 22 Oct | A1: the last 10 000 paid (u3's) |
//! | 28 Oct | B2: 60 000 paid (u3's) |
//!
//! Targets for October: u1 own 40 000, u3 own 60 000, u3 portfolio 100 000.
//!
//! - u1, universal manager 1–15: base 40 000 × 11/22 = 20 000. Own collections 30 000, attainment
//!   0.75 → K 0.8. On the 15th u1 holds A1's 10 000, overdue since the 12th: overdue share 1 →
//!   K 0.5. Own line 30 000 × 5 % × 0.8 × 0.5 = 600. Part: 20 600.
//! - u1, caller 16–31: base 30 000 × 11/22 = 15 000, no leads. Total 35 600.
//! - u3, universal manager 1–15: base 20 000. Own 30 000, attainment 0.5 → K 0.5. On the 15th u3
//!   holds B2's 60 000, overdue: share 1 → K 0.5. Own line 30 000 × 5 % × 0.5 × 0.5 = 375.
//!   Part: 20 375.
//! - u3, client manager 16–31: base 35 000 × 11/22 = 17 500. Portfolio collections 10 000 + 60 000
//!   = 70 000, attainment 0.7 → K 0.8; nothing open on the 31st (K 1.0). Portfolio line
//!   70 000 × 3 % × 0.8 × 1.0 = 1 680. Part: 19 180. Total 39 555.
//! - u2, universal manager 1–15 then sales manager 16–31: bases 20 000 and 40 000 × 11/22 =
//!   20 000; nothing sold.

mod common;

use baton_app::Actor;
use baton_app::conveyor::companies::NewCompany;
use baton_app::conveyor::leads::NewLead;
use baton_app::conveyor::people::NewRole;
use baton_app::conveyor::portfolios::Reassignment;
use baton_domain::Money;
use baton_store::scratch::ScratchDb;
use common::{World, at, invoice, pay, won_in};
use rust_decimal::Decimal;
use std::str::FromStr;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

#[test]
fn three_universal_managers_split_on_the_16th() {
    for scratch in ScratchDb::all() {
        split(World::on(scratch, "2026-06-01T07:00:00Z", 159), false);
    }
}

/// The same split entered once, previewed, then applied in one step (`App::split`).
#[test]
fn the_split_as_one_step_gives_the_same_statements() {
    for scratch in ScratchDb::all() {
        split(World::on(scratch, "2026-06-01T07:00:00Z", 160), true);
    }
}

fn split(w: World, one_step: bool) {
    let app = &w.app;
    let (u1, u2, u3) = (
        w.person("u1", "universal_manager"),
        w.person("u2", "universal_manager"),
        w.person("u3", "universal_manager"),
    );
    let head = w.person("h1", "head");
    let a = won_in(&w, "2026-06", &u1, "7707083893", "Ромашка", "2026-06-10");
    let b = won_in(&w, "2026-06", &u3, "7736207543", "Лютик", "2026-06-12");
    for (who, metric, value) in [
        (&u1, "own_collections", "40000"),
        (&u3, "own_collections", "60000"),
        (&u3, "portfolio_collections", "100000"),
    ] {
        app.set_target(&w.admin, &who.id, "2026-10", metric, value)
            .unwrap();
    }

    at(&w.clock, "2026-10-05");
    let a1 = invoice(app, &u1, &a, None, 40_000, "2026-10-12");
    at(&w.clock, "2026-10-07");
    let b1 = invoice(app, &u3, &b, None, 30_000, "2026-10-14");
    let b2 = invoice(app, &u3, &b, None, 60_000, "2026-10-12");
    at(&w.clock, "2026-10-08");
    pay(app, &u1, &a1, 30_000);
    at(&w.clock, "2026-10-09");
    pay(app, &u3, &b1, 30_000);

    // The split.
    at(&w.clock, "2026-10-16");
    if one_step {
        use baton_app::conveyor::split::{Split, SplitMove, SplitRole};
        let plan = Split {
            roles: [
                (&u1, "caller"),
                (&u2, "sales_manager"),
                (&u3, "client_manager"),
            ]
            .iter()
            .map(|(who, role)| SplitRole {
                employee_id: who.id.clone(),
                role: role.to_string(),
            })
            .collect(),
            moves: vec![SplitMove {
                from_id: u1.id.clone(),
                to_id: Some(u3.id.clone()),
                ..Default::default()
            }],
        };
        let p = app.preview_split(&head, plan.clone()).unwrap();
        assert!(p.preview);
        assert_eq!((p.roles_changed, p.clients_moved), (3, 1));
        let row = |id: &str| {
            p.people
                .iter()
                .find(|r| r.employee_id == id)
                .cloned()
                .unwrap()
        };
        assert_eq!(
            (row(&u1.id).clients_before, row(&u1.id).clients_after),
            (1, 0)
        );
        assert_eq!(
            (row(&u3.id).clients_before, row(&u3.id).clients_after),
            (1, 2)
        );
        // «Ромашка» paid 100 000 in June and 30 000 on 8 October.
        assert_eq!(row(&u3.id).revenue_gained, d("130000"));
        // Nothing changed: u1 is still a universal manager with the client.
        assert_eq!(
            app.employee(&u1.id)
                .unwrap()
                .roles
                .iter()
                .filter(|r| r.valid_to.is_none())
                .map(|r| r.role.clone())
                .collect::<Vec<_>>(),
            vec!["universal_manager".to_string()]
        );
        let done = app.split(&head, plan).unwrap();
        assert_eq!((done.roles_changed, done.clients_moved), (3, 1));
        // A split gives only the conveyor's roles.
        let e = app
            .preview_split(
                &head,
                Split {
                    roles: vec![SplitRole {
                        employee_id: u2.id.clone(),
                        role: "head".into(),
                    }],
                    moves: vec![],
                },
            )
            .unwrap_err();
        assert!(matches!(e.status(), 403 | 422), "{e}");
    } else {
        for (who, role) in [
            (&u1, "caller"),
            (&u2, "sales_manager"),
            (&u3, "client_manager"),
        ] {
            app.assign_role(
                Some(&w.admin),
                &who.id,
                NewRole {
                    role: role.into(),
                    region_id: Some(w.region.clone()),
                    valid_from: "2026-10-16".into(),
                    valid_to: None,
                    replace: true,
                },
            )
            .unwrap();
        }
        let moved = app
            .reassign_clients(
                &head,
                Reassignment {
                    company_ids: vec![],
                    from_id: Some(u1.id.clone()),
                    to_id: u3.id.clone(),
                },
            )
            .unwrap();
        assert_eq!(moved.moved, 1);
    }

    at(&w.clock, "2026-10-22");
    pay(app, &u3, &a1, 10_000);
    at(&w.clock, "2026-10-28");
    pay(app, &u3, &b2, 60_000);

    at(&w.clock, "2026-11-02");
    let list = app.payroll(None, "2026-10").unwrap();
    let of = |who: &Actor| list.iter().find(|s| s.employee_id == who.id).unwrap();
    let parts = |who: &Actor| -> Vec<(String, String, String, i64)> {
        of(who)
            .parts
            .iter()
            .map(|p| {
                (
                    p.role.clone(),
                    p.from.to_string(),
                    p.to.to_string(),
                    p.days_worked,
                )
            })
            .collect()
    };
    let part =
        |r: &str, from: &str, to: &str| (r.to_string(), from.to_string(), to.to_string(), 11);
    assert_eq!(
        parts(&u1),
        vec![
            part("universal_manager", "2026-10-01", "2026-10-15"),
            part("caller", "2026-10-16", "2026-10-31"),
        ]
    );
    assert_eq!(
        parts(&u2),
        vec![
            part("universal_manager", "2026-10-01", "2026-10-15"),
            part("sales_manager", "2026-10-16", "2026-10-31"),
        ]
    );
    assert_eq!(
        parts(&u3),
        vec![
            part("universal_manager", "2026-10-01", "2026-10-15"),
            part("client_manager", "2026-10-16", "2026-10-31"),
        ]
    );
    let line = |who: &Actor, part: usize, component: &str| {
        let l = of(who).parts[part]
            .statement
            .lines
            .iter()
            .find(|l| l.component == component)
            .unwrap_or_else(|| panic!("{component}"));
        (l.amount, l.formula.clone())
    };
    let amount = |who: &Actor, part: usize, component: &str| line(who, part, component).0;
    let total = |who: &Actor, part: usize| of(who).parts[part].statement.total;

    // u1.
    assert_eq!(amount(&u1, 0, "base"), d("20000"));
    assert_eq!(amount(&u1, 0, "own"), d("600"), "{}", line(&u1, 0, "own").1);
    assert_eq!(total(&u1, 0), d("20600"));
    assert_eq!(amount(&u1, 1, "base"), d("15000"));
    assert_eq!(total(&u1, 1), d("15000"));
    assert_eq!(of(&u1).total, d("35600"));
    // u3.
    assert_eq!(amount(&u3, 0, "own"), d("375"), "{}", line(&u3, 0, "own").1);
    assert_eq!(total(&u3, 0), d("20375"));
    assert_eq!(amount(&u3, 1, "base"), d("17500"));
    assert_eq!(
        amount(&u3, 1, "portfolio"),
        d("1680"),
        "{}",
        line(&u3, 1, "portfolio").1
    );
    assert_eq!(total(&u3, 1), d("19180"));
    assert_eq!(of(&u3).total, d("39555"));
    // u2: the bases only.
    assert_eq!(amount(&u2, 0, "base"), d("20000"));
    assert_eq!(amount(&u2, 1, "base"), d("20000"));
}

/// The preview's look back (issue 15: "the last three months replayed under the new roles").
/// The same three managers, nobody split in October: u1's A1 is paid in full by u1 (30 000 on
/// the 8th, 10 000 on the 22nd), u3's B1 and B2 by u3. On 16 November the split is previewed:
/// u1 → caller, u2 → sales manager, u3 → client manager, u1's client to u3. Replayed months:
/// August, September, October 2026.
///
/// - August and September: nothing paid, no targets. Before, three universal managers on the
///   base, 40 000 each. After: caller 30 000, sales manager 40 000, client manager 35 000.
/// - October before: u1 own 40 000 against 40 000 → K 1.0, nothing open on the 31st → line
///   40 000 × 5 % = 2 000, total 42 000. u3 own 90 000 against 60 000 = 1.5 → K 1.2, line
///   90 000 × 5 % × 1.2 = 5 400, total 45 400. u2 40 000.
/// - October after: u1 caller 30 000 (no lead accepted in October). u2 40 000 (no new client's
///   money in October). u3 client manager: portfolio 30 000 + 10 000 (A1, now u3's) + 30 000 +
///   60 000 = 130 000 against 100 000 = 1.3 → K 1.2, line 130 000 × 3 % × 1.2 = 4 680, total
///   39 680.
/// - Totals: u1 122 000 → 90 000; u2 120 000 → 120 000; u3 125 400 → 109 680.
#[test]
fn the_preview_replays_the_last_three_months_under_the_new_roles() {
    for scratch in ScratchDb::all() {
        let w = World::on(scratch, "2026-06-01T07:00:00Z", 161);
        let app = &w.app;
        let (u1, u2, u3) = (
            w.person("u1", "universal_manager"),
            w.person("u2", "universal_manager"),
            w.person("u3", "universal_manager"),
        );
        let head = w.person("h1", "head");
        let a = won_in(&w, "2026-06", &u1, "7707083893", "Ромашка", "2026-06-10");
        let b = won_in(&w, "2026-06", &u3, "7736207543", "Лютик", "2026-06-12");
        for (who, metric, value) in [
            (&u1, "own_collections", "40000"),
            (&u3, "own_collections", "60000"),
            (&u3, "portfolio_collections", "100000"),
        ] {
            app.set_target(&w.admin, &who.id, "2026-10", metric, value)
                .unwrap();
        }
        at(&w.clock, "2026-10-05");
        let a1 = invoice(app, &u1, &a, None, 40_000, "2026-10-12");
        at(&w.clock, "2026-10-07");
        let b1 = invoice(app, &u3, &b, None, 30_000, "2026-10-14");
        let b2 = invoice(app, &u3, &b, None, 60_000, "2026-10-12");
        at(&w.clock, "2026-10-08");
        pay(app, &u1, &a1, 30_000);
        at(&w.clock, "2026-10-09");
        pay(app, &u3, &b1, 30_000);
        at(&w.clock, "2026-10-22");
        pay(app, &u1, &a1, 10_000);
        at(&w.clock, "2026-10-28");
        pay(app, &u3, &b2, 60_000);

        at(&w.clock, "2026-11-16");
        use baton_app::conveyor::split::{Split, SplitMove, SplitRole};
        let plan = Split {
            roles: [
                (&u1, "caller"),
                (&u2, "sales_manager"),
                (&u3, "client_manager"),
            ]
            .iter()
            .map(|(who, role)| SplitRole {
                employee_id: who.id.clone(),
                role: role.to_string(),
            })
            .collect(),
            moves: vec![SplitMove {
                from_id: u1.id.clone(),
                to_ids: vec![u3.id.clone()],
                ..Default::default()
            }],
        };
        let october_before = app.payroll(None, "2026-10").unwrap();
        let p = app.preview_split(&head, plan).unwrap();
        assert_eq!(p.history_months, ["2026-08", "2026-09", "2026-10"]);
        let months = |who: &Actor| -> Vec<(Decimal, Decimal)> {
            p.history
                .iter()
                .find(|h| h.employee_id == who.id)
                .unwrap()
                .months
                .iter()
                .map(|m| (m.before, m.after))
                .collect()
        };
        let pair = |a: &str, b: &str| (d(a), d(b));
        assert_eq!(
            months(&u1),
            vec![
                pair("40000", "30000"),
                pair("40000", "30000"),
                pair("42000", "30000")
            ]
        );
        assert_eq!(
            months(&u2),
            vec![
                pair("40000", "40000"),
                pair("40000", "40000"),
                pair("40000", "40000")
            ]
        );
        assert_eq!(
            months(&u3),
            vec![
                pair("40000", "35000"),
                pair("40000", "35000"),
                pair("45400", "39680")
            ]
        );
        let total = |who: &Actor| {
            let h = p.history.iter().find(|h| h.employee_id == who.id).unwrap();
            (h.before, h.after)
        };
        assert_eq!(total(&u1), pair("122000", "90000"));
        // u3 had no portfolio target in August and September: that line paid nothing and the
        // preview says so; the caller's plan needs no target.
        let no_target = |who: &Actor| {
            p.history
                .iter()
                .find(|h| h.employee_id == who.id)
                .unwrap()
                .no_target
                .clone()
        };
        assert_eq!(no_target(&u3), vec!["3 % от оплат портфеля".to_string()]);
        assert!(no_target(&u1).is_empty());
        assert_eq!(total(&u3), pair("125400", "109680"));
        // Money in JSON: two decimals.
        let json = serde_json::to_value(&p.history[0]).unwrap();
        assert!(json["before"].as_str().unwrap().ends_with(".00"), "{json}");
        // Nothing changed: October's statements, roles and books are as they were.
        assert_eq!(app.payroll(None, "2026-10").unwrap(), october_before);
        assert_eq!(
            app.company_card(&w.admin, &a)
                .unwrap()
                .company
                .client_manager_id,
            Some(u1.id.clone())
        );
    }
}

/// Universal managers in the matrix (issue 15 §4): a universal manager's own lead counts as
/// handed by them to themselves and accepted, so the universal months are not empty. In June
/// u1 wins «Ромашка» (100 000 paid on the 10th), u3 wins «Лютик» (100 000 on the 12th), u2
/// opens a lead for «Астра» that does not pay. A sales manager's own lead stays out (the
/// instruments test's «Ландыш»).
#[test]
fn a_universal_managers_own_leads_are_in_the_matrix() {
    for scratch in ScratchDb::all() {
        let w = World::on(scratch, "2026-06-01T07:00:00Z", 162);
        let app = &w.app;
        let (u1, u2, u3) = (
            w.person("u1", "universal_manager"),
            w.person("u2", "universal_manager"),
            w.person("u3", "universal_manager"),
        );
        won_in(&w, "2026-06", &u1, "7707083893", "Ромашка", "2026-06-10");
        won_in(&w, "2026-06", &u3, "7736207543", "Лютик", "2026-06-12");
        at(&w.clock, "2026-06-15");
        let astra = app
            .create_company(
                &u2,
                NewCompany {
                    inn: "7702070139".into(),
                    name: "Астра".into(),
                    ..Default::default()
                },
            )
            .unwrap()
            .company
            .id;
        app.open_lead(
            &u2,
            NewLead {
                company_id: astra,
                ..Default::default()
            },
        )
        .unwrap();
        at(&w.clock, "2026-07-01");
        let m = app.matrix(None, "2026-06", "2026-06", None).unwrap();
        let mut got: Vec<(String, String, u64, u64, u64, Money)> = m
            .matrix
            .pairs
            .iter()
            .map(|p| {
                (
                    p.caller.clone(),
                    p.sales_manager.clone(),
                    p.handed,
                    p.accepted,
                    p.converted,
                    p.collections,
                )
            })
            .collect();
        got.sort();
        let mut want = vec![
            (
                u1.id.clone(),
                u1.id.clone(),
                1,
                1,
                1,
                Money::from_rubles(100_000),
            ),
            (u2.id.clone(), u2.id.clone(), 1, 1, 0, Money::from_rubles(0)),
            (
                u3.id.clone(),
                u3.id.clone(),
                1,
                1,
                1,
                Money::from_rubles(100_000),
            ),
        ];
        want.sort();
        assert_eq!(got, want);
        assert_eq!((m.matrix.total.handed, m.matrix.total.converted), (3, 2));
        // The funnel of June counts the same three as warm leads and as accepted, as it goes
        // and when rebuilt from the records.
        use baton_app::insight::funnel::FunnelSlice;
        let june = || {
            app.funnel(None, "2026-06", "2026-06", &FunnelSlice::default())
                .unwrap()
        };
        let f = june();
        let counts = |steps: &[baton_analytics::funnel::Step]| -> Vec<i64> {
            steps.iter().map(|s| s.count as i64).collect()
        };
        // calls, conversations, warm leads, accepted, meetings, contracts, first payments.
        assert_eq!(
            counts(&f.by_activity.steps)[..7],
            [2, 2, 3, 3, 0, 2, 2],
            "{:?}",
            f.by_activity
        );
        app.rebuild_funnel().unwrap();
        let again = june();
        assert_eq!(
            (&again.by_activity, &again.by_cohort),
            (&f.by_activity, &f.by_cohort)
        );
    }
}
