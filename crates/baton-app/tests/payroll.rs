//! A hand-built October: every line of every statement checked against values computed here.

mod common;

use baton_app::clock::SimClock;
use baton_app::conveyor::calls::NewCall;
use baton_app::conveyor::companies::NewCompany;
use baton_app::conveyor::deals::{HandoverRequest, NewContract, NewInvoice, NewPayment};
use baton_app::conveyor::leads::{HandOffRequest, NewLead};
use baton_domain::Money;
use common::{World, full_checklist};
use rust_decimal::Decimal;
use std::str::FromStr;

fn at(clock: &SimClock, day: &str) {
    // 10:00 in Moscow.
    clock.set(format!("{day}T07:00:00Z").parse().unwrap());
}

#[test]
fn october_statements_line_by_line() {
    let w = World::new("2026-09-01T07:00:00Z", 9);
    let (app, clock, admin) = (&w.app, &w.clock, &w.admin);
    let mk = |login: &str, role: &str| w.person(login, role);
    let (c1, s1, k1) = (
        mk("c1", "caller"),
        mk("s1", "sales_manager"),
        mk("k1", "client_manager"),
    );
    app.set_target(admin, &s1.id, "2026-10", "new_client_collections", "150000")
        .unwrap();
    app.set_target(admin, &k1.id, "2026-10", "portfolio_collections", "600000")
        .unwrap();
    // k1 is away Monday 26 – Friday 30 October: 5 of October's 22 working days.
    app.add_absence(admin, &k1.id, "2026-10-26", "2026-10-30", "vacation")
        .unwrap();

    at(clock, "2026-10-01");
    let a = app
        .create_company(
            &c1,
            NewCompany {
                inn: "7707083893".into(),
                name: "Ромашка".into(),
                ..Default::default()
            },
        )
        .unwrap()
        .company
        .id;
    for outcome in ["no_answer", "dm_interested", "dm_callback"] {
        app.log_call(
            &c1,
            NewCall {
                company_id: a.clone(),
                outcome: outcome.into(),
                duration_sec: 60,
                note: None,
                lead_id: None,
            },
        )
        .unwrap();
    }
    let lead = app
        .open_lead(
            &c1,
            NewLead {
                company_id: a.clone(),
                ..Default::default()
            },
        )
        .unwrap()
        .id;
    app.hand_off(
        &c1,
        &lead,
        HandOffRequest {
            checklist: full_checklist(),
            receiver_id: None,
        },
    )
    .unwrap();
    at(clock, "2026-10-05");
    app.accept_lead(&s1, &lead).unwrap();
    at(clock, "2026-10-06");
    let contract = app
        .sign_contract(
            &s1,
            &lead,
            NewContract {
                number: None,
                signed_on: None,
                amount: Some(Money::from_rubles(120_000)),
                lines: vec![],
            },
        )
        .unwrap();
    let inv = app
        .create_invoice(
            &s1,
            NewInvoice {
                company_id: a.clone(),
                contract_id: Some(contract.id),
                order_id: None,
                number: None,
                issued_on: None,
                due_on: None,
                amount: Money::from_rubles(120_000),
            },
        )
        .unwrap();
    at(clock, "2026-10-10");
    app.record_payment(
        &s1,
        NewPayment {
            invoice_id: inv.id,
            paid_on: None,
            amount: Money::from_rubles(120_000),
        },
    )
    .unwrap();
    let mut brief = baton_domain::lead::Answers::new();
    for k in ["sold", "contacts", "pains"] {
        brief.insert(k.into(), "да".into());
    }
    app.hand_over(
        &s1,
        &a,
        HandoverRequest {
            brief,
            client_manager_id: None,
        },
    )
    .unwrap();
    // A repeat invoice by the client manager, paid inside the hunter window: it is the sales
    // manager's new-client collections, not the client manager's portfolio.
    at(clock, "2026-10-20");
    let inv2 = app
        .create_invoice(
            &k1,
            NewInvoice {
                company_id: a.clone(),
                contract_id: None,
                order_id: None,
                number: None,
                issued_on: None,
                due_on: Some("2026-10-25".into()),
                amount: Money::from_rubles(30_000),
            },
        )
        .unwrap();
    at(clock, "2026-10-22");
    app.record_payment(
        &k1,
        NewPayment {
            invoice_id: inv2.id,
            paid_on: None,
            amount: Money::from_rubles(30_000),
        },
    )
    .unwrap();

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
