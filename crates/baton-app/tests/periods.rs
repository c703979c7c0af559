//! Payroll periods on the hand-built October: calculate, approve (head or director only),
//! frozen statements, later changes paid as adjustments in the next open period, deductions
//! only where the plan allows them, and the XLSX register read back.

mod common;

use baton_app::conveyor::deals::{NewInvoice, NewPayment, NewRefund};
use baton_domain::Money;
use common::{October, World, at, october};
use rust_decimal::Decimal;
use std::str::FromStr;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

#[test]
fn approved_period_is_frozen_and_later_changes_become_adjustments() {
    let w = World::new("2026-09-01T07:00:00Z", 11);
    let October {
        c1,
        s1,
        company,
        invoice,
        ..
    } = october(&w);
    let (app, clock) = (&w.app, &*w.clock);
    let head = w.person("h1", "head");
    let director = w.person("dir", "director");

    // October cannot be calculated before it ends.
    at(clock, "2026-10-30");
    let early = app.calculate_period(None, "2026-10").unwrap_err();
    assert_eq!(early.code(), "invalid", "{early}");

    at(clock, "2026-11-02");
    let p = app.calculate_period(None, "2026-10").unwrap();
    assert_eq!((p.status.as_str(), p.statements), ("calculated", 3));
    // c1 33 700 + s1 53 400 + k1 27 045.45 (tests/payroll.rs computes each line by hand).
    assert_eq!(p.total, d("114145.45"));
    // Recalculating the same data and plans gives the same bytes.
    let first = app.payroll_json(None, "2026-10").unwrap();
    app.calculate_period(None, "2026-10").unwrap();
    assert_eq!(app.payroll_json(None, "2026-10").unwrap(), first);

    // Only the head or the director approves.
    let refused = app.approve_period(Some(&c1), "2026-10").unwrap_err();
    assert_eq!(refused.code(), "forbidden");
    let p = app.approve_period(Some(&head), "2026-10").unwrap();
    assert_eq!(p.status, "approved");
    let frozen = app.payroll_json(None, "2026-10").unwrap();
    assert!(frozen.contains("\"status\": \"approved\""));
    assert!(app.calculate_period(None, "2026-10").is_err(), "frozen");

    // A late invoice and payment dated in October, entered on 3 November: 10 000 more from
    // «Ромашка» inside s1's hunter window.
    at(clock, "2026-11-03");
    let late = app
        .create_invoice(
            &s1,
            NewInvoice {
                company_id: company.clone(),
                contract_id: None,
                order_id: None,
                number: None,
                issued_on: Some("2026-10-28".into()),
                due_on: Some("2026-10-30".into()),
                amount: Money::from_rubles(10_000),
            },
        )
        .unwrap();
    app.record_payment(
        &s1,
        NewPayment {
            invoice_id: late.id.clone(),
            paid_on: Some("2026-10-30".into()),
            amount: Money::from_rubles(10_000),
        },
    )
    .unwrap();
    // October stays byte-identical …
    assert_eq!(app.payroll_json(None, "2026-10").unwrap(), frozen);
    assert_eq!(
        app.periods(None).unwrap()[0].pending_changes,
        2,
        "the invoice and the payment"
    );
    // … and November pays the difference: new-client collections 160 000 × 7 % × 0.8
    // (conversion below 10 %) = 8 960 against 8 400 approved: +560.
    let nov = app.payroll(None, "2026-11").unwrap();
    let s1_nov = nov.iter().find(|p| p.login == "s1").unwrap();
    assert_eq!(s1_nov.adjustments.len(), 1, "{:?}", s1_nov.adjustments);
    let adj = &s1_nov.adjustments[0];
    assert_eq!(adj.component, "2026-10:sales_manager:commission");
    assert_eq!(adj.amount, d("560.00"));
    assert_eq!(adj.status, "accrued");
    let rub = |x: &str| baton_comp::number::rubles(d(x));
    assert_eq!(
        adj.formula,
        format!(
            "{} now − {} approved = {}",
            rub("8960"),
            rub("8400"),
            rub("560")
        )
    );
    let parts: Decimal = s1_nov.parts.iter().map(|p| p.statement.total).sum();
    assert_eq!(s1_nov.total, parts + d("560"));
    // Nobody else's October changed.
    assert!(
        nov.iter()
            .filter(|p| p.login != "s1")
            .all(|p| p.adjustments.is_empty())
    );
    // "My money" shows the same adjustment, live.
    let mine = app.my_statement(&s1, None).unwrap().unwrap();
    assert_eq!(mine.adjustments, s1_nov.adjustments);

    // November is calculated and approved on 1 December; the adjustment is now paid, so
    // December does not repeat it.
    at(clock, "2026-12-01");
    app.calculate_period(None, "2026-11").unwrap();
    app.approve_period(Some(&director), "2026-11").unwrap();
    let dec = app.payroll(None, "2026-12").unwrap();
    assert!(dec.iter().all(|p| p.adjustments.is_empty()), "{dec:?}");
    // Periods are approved in order and paid after approval.
    app.pay_period(None, "2026-10").unwrap();
    assert_eq!(app.periods(None).unwrap()[1].status, "paid");

    // A refund dated in October, after both approvals: collections 160 000 − 20 000 =
    // 140 000; 140 000 × 7 % × 0.8 = 7 840 against 8 400 approved and 560 adjusted: −1 120.
    // The shipped plan does not allow deductions from pay already approved: shown, not taken.
    at(clock, "2026-12-02");
    app.record_refund(
        &head,
        NewRefund {
            invoice_id: invoice.clone(),
            refunded_on: Some("2026-10-31".into()),
            amount: Money::from_rubles(20_000),
            reason: "возврат за снятую публикацию".into(),
        },
    )
    .unwrap();
    let dec = app.payroll(None, "2026-12").unwrap();
    let s1_dec = dec.iter().find(|p| p.login == "s1").unwrap();
    let adj: Vec<_> = s1_dec
        .adjustments
        .iter()
        .filter(|l| l.component == "2026-10:sales_manager:commission")
        .collect();
    assert_eq!(adj.len(), 1, "{:?}", s1_dec.adjustments);
    assert_eq!((adj[0].exact, adj[0].amount), (d("-1120.00"), d("0")));
    assert_eq!(adj[0].status, "not_deducted");
    assert!(adj[0].formula.contains("art. 137"));
    let parts: Decimal = s1_dec.parts.iter().map(|p| p.statement.total).sum();
    assert_eq!(s1_dec.total, parts, "nothing deducted");
    // Both closed periods still read exactly as approved.
    assert_eq!(
        app.payroll_json(None, "2026-10").unwrap(),
        frozen.replace("\"status\": \"approved\"", "\"status\": \"paid\"")
    );
}

#[test]
fn xlsx_register_reads_back_with_sheets_rows_and_totals() {
    use calamine::{Data, Reader, Xlsx};
    let w = World::new("2026-09-01T07:00:00Z", 12);
    october(&w);
    at(&w.clock, "2026-11-02");
    w.app.calculate_period(None, "2026-10").unwrap();
    let bytes = w.app.payroll_register(None, "2026-10", "xlsx").unwrap();
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(
        book.sheet_names(),
        vec!["Москва".to_string(), "Итого".to_string()]
    );
    let sheet = book.worksheet_range("Москва").unwrap();
    let rows: Vec<Vec<String>> = sheet
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    assert!(
        rows[0][0].contains("ЧЕРНОВИК"),
        "not approved yet: {:?}",
        rows[0]
    );
    assert_eq!(rows[2][0], "Регион");
    // One row per person and component: c1 3 lines, k1 2, s1 3; then the total.
    let body: Vec<&Vec<String>> = rows[3..].iter().filter(|r| !r[1].is_empty()).collect();
    assert_eq!(body.len(), 8, "{rows:?}");
    let amount = |login: &str, comp: &str| -> f64 {
        let r = body
            .iter()
            .find(|r| r[2] == login && r[4] == comp)
            .unwrap_or_else(|| panic!("{login} {comp}"));
        r[7].parse().unwrap()
    };
    assert_eq!(amount("c1", "accepted_leads"), 700.0);
    assert_eq!(amount("s1", "commission"), 8400.0);
    assert_eq!(amount("k1", "base"), 27045.45);
    // The role and the status are in words, as the accountant reads them.
    let s1 = body.iter().find(|r| r[2] == "s1").unwrap();
    assert_eq!(
        (s1[3].as_str(), s1[6].as_str()),
        ("Менеджер по продажам (МПП)", "начислено")
    );
    let total_row = rows.iter().find(|r| r[6] == "Итого").unwrap();
    assert_eq!(total_row[7].parse::<f64>().unwrap(), 114145.45);
    // The total is a live formula over the amounts.
    let formulas = book.worksheet_formula("Москва").unwrap();
    assert!(
        formulas.rows().flatten().any(|f| f.starts_with("SUM(H4:H")),
        "a SUM formula"
    );
    let summary = book.worksheet_range("Итого").unwrap();
    let last = summary.rows().next_back().unwrap();
    assert_eq!(last[0], Data::String("Всего".into()));
    assert_eq!(last[1].to_string().parse::<f64>().unwrap(), 114145.45);
    // The CSV register has the same rows.
    let csv = String::from_utf8(w.app.payroll_register(None, "2026-10", "csv").unwrap()).unwrap();
    assert_eq!(csv.lines().count(), 1 + 8);
    assert!(
        csv.lines()
            .any(|l| l.ends_with(",commission,7 % от оплат новых клиентов,начислено,8400.00")),
        "{csv}"
    );
}

#[test]
fn a_role_change_in_the_month_gives_one_part_per_role() {
    use baton_app::conveyor::people::NewRole;
    let w = World::new("2026-09-01T07:00:00Z", 13);
    let u1 = w.person("u1", "universal_manager");
    // From 16 October u1 is a client manager (the department splits).
    w.app
        .assign_role(
            Some(&w.admin),
            &u1.id,
            NewRole {
                role: "client_manager".into(),
                region_id: Some(w.region.clone()),
                valid_from: "2026-10-16".into(),
                valid_to: None,
                replace: true,
            },
        )
        .unwrap();
    at(&w.clock, "2026-11-02");
    let list = w.app.payroll(None, "2026-10").unwrap();
    let u = list.iter().find(|p| p.login == "u1").unwrap();
    let parts: Vec<(&str, String, String, i64)> = u
        .parts
        .iter()
        .map(|p| {
            (
                p.role.as_str(),
                p.from.to_string(),
                p.to.to_string(),
                p.days_worked,
            )
        })
        .collect();
    // October 2026 has 22 working days: 11 on 1–15 October and 11 on 16–31 October.
    assert_eq!(
        parts,
        vec![
            (
                "universal_manager",
                "2026-10-01".into(),
                "2026-10-15".into(),
                11
            ),
            (
                "client_manager",
                "2026-10-16".into(),
                "2026-10-31".into(),
                11
            ),
        ]
    );
    // Each part's base is pro-rated to its stretch: 40 000 × 11/22 and 35 000 × 11/22.
    assert_eq!(u.parts[0].statement.lines[0].amount, d("20000"));
    assert_eq!(u.parts[1].statement.lines[0].amount, d("17500"));
    assert_eq!(u.role, "client_manager");
    assert_eq!(u.total, d("37500"));
}

#[test]
fn a_refund_larger_than_the_month_is_carried_through_the_approved_period() {
    use baton_app::conveyor::deals::{NewInvoice, NewPayment, NewRefund};
    let w = World::new("2026-09-01T07:00:00Z", 14);
    let October {
        s1,
        k1,
        company,
        invoice,
        ..
    } = october(&w);
    let (app, clock) = (&w.app, &*w.clock);
    let head = w.person("h1", "head");
    at(clock, "2026-11-02");
    app.calculate_period(None, "2026-10").unwrap();
    app.approve_period(Some(&head), "2026-10").unwrap();

    // 5 November: 100 000 of October's 120 000 goes back to «Ромашка».
    at(clock, "2026-11-05");
    app.record_refund(
        &head,
        NewRefund {
            invoice_id: invoice,
            refunded_on: None,
            amount: Money::from_rubles(100_000),
            reason: "номер не вышел".into(),
        },
    )
    .unwrap();
    at(clock, "2026-12-01");
    app.calculate_period(None, "2026-11").unwrap();
    app.approve_period(Some(&head), "2026-11").unwrap();
    let nov = app.payroll(None, "2026-11").unwrap();
    let s1_nov = nov.iter().find(|p| p.login == "s1").unwrap();
    let part = &s1_nov.parts[0].statement;
    // −100 000 × 7 % × 1.2 (conversion: the lead accepted on 5 October won) = −8 400: the line
    // pays 0 and −8 400 is carried, although the plan gate (no November target) is not met.
    let commission = part
        .lines
        .iter()
        .find(|l| l.component == "commission")
        .unwrap();
    assert_eq!(commission.amount, d("0"));
    assert_eq!(part.carry_out.get("commission"), Some(&d("-8400.000")));

    // December: 200 000 from the client inside the window, against a target of 200 000.
    app.set_target(
        &w.admin,
        &s1.id,
        "2026-12",
        "new_client_collections",
        "200000",
    )
    .unwrap();
    at(clock, "2026-12-03");
    let inv = app
        .create_invoice(
            &k1,
            NewInvoice {
                company_id: company,
                contract_id: None,
                order_id: None,
                number: None,
                issued_on: None,
                due_on: None,
                amount: Money::from_rubles(200_000),
            },
        )
        .unwrap();
    at(clock, "2026-12-04");
    app.record_payment(
        &k1,
        NewPayment {
            invoice_id: inv.id,
            paid_on: None,
            amount: Money::from_rubles(200_000),
        },
    )
    .unwrap();
    // 200 000 × 7 % × 1.2 = 16 800, less the 8 400 carried from November = 8 400.
    let dec = app.my_statement(&s1, None).unwrap().unwrap();
    let commission = dec.parts[0]
        .statement
        .lines
        .iter()
        .find(|l| l.component == "commission")
        .unwrap();
    assert_eq!(commission.amount, d("8400"), "{}", commission.formula);
    assert!(commission.formula.contains("carried from earlier periods"));
    assert!(dec.parts[0].statement.carry_out.is_empty());
}
