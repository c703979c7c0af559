//! A hand-built October: every line of every statement checked against values computed here.

mod common;

use common::{October, World, at, october};
use rust_decimal::Decimal;
use std::str::FromStr;

#[test]
fn october_statements_line_by_line() {
    let w = World::new("2026-09-01T07:00:00Z", 9);
    let October { c1, .. } = october(&w);
    let (app, clock, admin) = (&w.app, &w.clock, &w.admin);
    at(clock, "2026-11-02");
    let statements = app.payroll(None, "2026-10").unwrap();
    let by = |login: &str| {
        statements
            .iter()
            .find(|p| p.login == login)
            .unwrap_or_else(|| panic!("{login}"))
            .statement()
            .cloned()
            .unwrap()
    };
    let amounts = |login: &str| {
        by(login)
            .lines
            .iter()
            .map(|l| (l.component.clone(), l.amount))
            .collect::<Vec<_>>()
    };
    let d = |s: &str| Decimal::from_str(s).unwrap();

    // Caller: base; 1 accepted lead × 700; 1 converted within 90 days × 3 000.
    assert_eq!(
        amounts("c1"),
        vec![
            ("base".into(), d("30000")),
            ("accepted_leads".into(), d("700")),
            ("converted".into(), d("3000"))
        ]
    );
    assert_eq!(by("c1").total, d("33700"));
    // Sales manager: new-client collections 120 000 + 30 000 = 150 000 = 100 % of target, so
    // the gate is met; 7 % = 10 500 × 0.8 (no accepted leads in July–September: conversion 0);
    // the client's window collections crossed 50 000 in October: one 5 000 bonus.
    assert_eq!(
        amounts("s1"),
        vec![
            ("base".into(), d("40000")),
            ("commission".into(), d("8400")),
            ("new_clients".into(), d("5000"))
        ]
    );
    assert_eq!(by("s1").total, d("53400"));
    // Client manager: base for 17 of 22 working days = 35 000 × 17 / 22 = 27 045.4545… → 27 045.45;
    // portfolio collections 0 (the only payment was inside the hunter window).
    assert_eq!(
        amounts("k1"),
        vec![("base".into(), d("27045.45")), ("portfolio".into(), d("0"))]
    );
    assert_eq!(by("k1").total, d("27045.45"));
    assert!(
        by("k1").lines[0].formula.contains("17 / 22 working days"),
        "{}",
        by("k1").lines[0].formula
    );
    // Everyone's total is the sum of the rounded lines; recalculating gives the same bytes.
    let again = serde_json::to_string(&app.payroll(None, "2026-10").unwrap()).unwrap();
    assert_eq!(again, serde_json::to_string(&statements).unwrap());
    // "My money" is the same statement, computed for the one person; the current month by default.
    let mine = app.my_statement(&c1, Some("2026-10")).unwrap().unwrap();
    assert_eq!(mine.total, d("33700"));
    assert_eq!(
        app.my_statement(&c1, None).unwrap().unwrap().period,
        "2026-11"
    );
    assert!(
        app.my_statement(admin, None).unwrap().is_none(),
        "no plan for the admin role"
    );
    // Only the head, director, admin and accountant read payroll.
    assert!(app.payroll(Some(&c1), "2026-10").is_err());
    assert!(app.payroll(Some(admin), "2026-13").is_err());
}

/// "My money" is kept in memory: a payment recorded afterwards is taken into the statements
/// it counts for without a reload, and the result is what a cold computation gives.
#[test]
fn live_statement_takes_in_a_new_payment() {
    let w = World::new("2026-09-01T07:00:00Z", 9);
    let October {
        s1, k1, company, ..
    } = october(&w);
    let (app, clock) = (&w.app, &w.clock);
    at(clock, "2026-10-23");
    let d = |s: &str| Decimal::from_str(s).unwrap();
    let inv3 = app
        .create_invoice(
            &k1,
            baton_app::conveyor::deals::NewInvoice {
                company_id: company.clone(),
                contract_id: None,
                order_id: None,
                number: None,
                issued_on: None,
                due_on: Some("2026-10-30".into()),
                amount: baton_domain::Money::from_rubles(40_000),
            },
        )
        .unwrap();
    // Read once: loaded from the database, then served from memory.
    assert_eq!(
        app.my_statement(&s1, None).unwrap().unwrap().total,
        d("53400")
    );
    assert_eq!(
        app.my_statement(&k1, None).unwrap().unwrap().total,
        d("27045.45")
    );
    assert_eq!(
        app.my_statement(&s1, None).unwrap().unwrap().total,
        d("53400")
    );
    let before = app.live_stats();
    assert_eq!((before.loaded, before.from_memory), (2, 1));

    let paid = app
        .record_payment(
            &k1,
            baton_app::conveyor::deals::NewPayment {
                invoice_id: inv3.id,
                paid_on: None,
                amount: baton_domain::Money::from_rubles(40_000),
            },
        )
        .unwrap();
    // Inside the hunter window: the sales manager's new-client collections become 190 000,
    // 7 % × 190 000 = 13 300 × 0.8 (conversion) = 10 640; base 40 000; bonus 5 000.
    let warm = app.my_statement(&s1, None).unwrap().unwrap();
    assert_eq!(warm.total, d("55640"));
    let commission = &warm.parts[0].statement.lines[1];
    assert!(
        commission
            .sources
            .iter()
            .any(|s| s.ends_with(&paid.payment.id)),
        "{:?}",
        commission.sources
    );
    // The client manager's portfolio does not count it (hunter window): unchanged.
    let warm_k1 = app.my_statement(&k1, None).unwrap().unwrap();
    assert_eq!(warm_k1.total, d("27045.45"));
    let after = app.live_stats();
    assert_eq!(after.loaded, 2, "no reload after the payment");
    assert_eq!(
        after.payments_applied, 2,
        "taken into s1's and k1's statements"
    );

    // A process with an empty cache computes the same bytes from the database.
    let cold = baton_app::App::with(
        app.db.clone(),
        w.clock.clone(),
        std::sync::Arc::new(baton_app::clock::SeededIds::new(1)),
    );
    for (who, warm) in [(&s1, &warm), (&k1, &warm_k1)] {
        let fresh = cold.my_statement(who, None).unwrap().unwrap();
        assert_eq!(
            serde_json::to_string(&fresh).unwrap(),
            serde_json::to_string(warm).unwrap()
        );
    }
}
