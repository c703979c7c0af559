//! Moving clients between client managers (issue 15): a whole book of 5 000 clients in one
//! transaction, on SQLite and PostgreSQL. The preview is checked against the statements
//! computed after the move, and the approved October against its stored statements.

mod common;

use baton_app::conveyor::deals::{NewInvoice, NewPayment};
use baton_app::conveyor::portfolios::{MoveOutcome, PortfolioChange, Reassignment};
use baton_domain::Money;
use baton_store::records::Company;
use baton_store::scratch::ScratchDb;
use common::{World, at, october};
use rust_decimal::Decimal;
use std::str::FromStr;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

const BOOK: usize = 5_000;

#[test]
fn a_book_of_five_thousand_clients_moves_in_one_transaction() {
    for scratch in ScratchDb::all() {
        let label = format!("{:?}", scratch.db.dialect());
        moves(World::on(scratch, "2026-09-01T07:00:00Z", 155), &label);
    }
}

fn moves(w: World, db: &str) {
    let o = october(&w);
    let (app, clock) = (&w.app, &*w.clock);
    let k2 = w.person("k2", "client_manager");
    let head = w.person("h1", "head");
    // «Ромашка» is k1's; 4 999 more clients of k1 come straight into the table.
    w.scratch
        .db
        .tx(|tx| {
            for i in 0..BOOK - 1 {
                tx.insert(&Company {
                    id: format!("book-{i:05}"),
                    inn: format!("99{i:08}"),
                    kpp: String::new(),
                    name: format!("Клиент {i}"),
                    name_norm: format!("клиент {i}"),
                    region_id: w.region.clone(),
                    industry: None,
                    source: "cold_call".into(),
                    status: "client".into(),
                    claim_holder_id: None,
                    claim_until: None,
                    client_manager_id: Some(o.k1.id.clone()),
                    att_caller_id: None,
                    att_seller_id: None,
                    att_won_on: None,
                    att_kind: None,
                    att_lead_id: None,
                    first_paid_on: None,
                    last_paid_on: None,
                    version: 1,
                    created_at: "2026-09-01T07:00:00.000000Z".into(),
                    created_by: w.admin.id.clone(),
                })?;
            }
            Ok::<_, baton_store::StoreError>(())
        })
        .unwrap();

    // October is calculated and approved.
    at(clock, "2026-11-02");
    app.calculate_period(None, "2026-10").unwrap();
    app.approve_period(Some(&head), "2026-10").unwrap();
    let october_before = app.payroll(None, "2026-10").unwrap();

    // November: k1 invoices «Ромашка» 40 000 (paid 10 000 on the 12th) and it stays open.
    at(clock, "2026-11-03");
    let inv = app
        .create_invoice(
            &o.k1,
            NewInvoice {
                company_id: o.company.clone(),
                contract_id: None,
                order_id: None,
                number: None,
                issued_on: None,
                due_on: Some("2026-11-30".into()),
                amount: Money::from_rubles(40_000),
            },
        )
        .unwrap();
    at(clock, "2026-11-12");
    app.record_payment(
        &o.k1,
        NewPayment {
            invoice_id: inv.id,
            paid_on: None,
            amount: Money::from_rubles(10_000),
        },
    )
    .unwrap();

    at(clock, "2026-11-16");
    let req = || Reassignment {
        company_ids: vec![],
        from_id: Some(o.k1.id.clone()),
        to_id: k2.id.clone(),
    };
    let preview = app.preview_reassignment(&head, req()).unwrap();
    assert!(preview.preview);
    assert_eq!(preview.moved, BOOK as i64, "{db}");
    assert_eq!(
        (preview.this_month.as_str(), preview.next_month.as_str()),
        ("2026-11", "2026-12")
    );
    let row = |p: &MoveOutcome, id: &str| {
        p.people
            .iter()
            .find(|r| r.employee_id == id)
            .cloned()
            .unwrap()
    };
    let (pk1, pk2) = (row(&preview, &o.k1.id), row(&preview, &k2.id));
    assert_eq!(
        (pk1.clients_before, pk1.clients_after, pk1.lost),
        (BOOK as i64, 0, BOOK as i64)
    );
    assert_eq!(
        (pk2.clients_before, pk2.clients_after, pk2.gained),
        (0, BOOK as i64, BOOK as i64)
    );
    // What «Ромашка» paid in the twelve months to 16 November: 120 000 (10 October),
    // 30 000 (22 October) and 10 000 (12 November). The other clients paid nothing.
    assert_eq!(pk1.revenue_lost, d("160000"), "{db}");
    assert_eq!(pk2.revenue_gained, d("160000"));
    // The preview changed nothing.
    let count = |id: &str| {
        w.scratch
            .db
            .read(|tx| tx.count::<Company>(&baton_store::Filter::new().eq("client_manager_id", id)))
            .unwrap()
    };
    assert_eq!((count(&o.k1.id), count(&k2.id)), (BOOK as i64, 0));

    let done = app.reassign_clients(&head, req()).unwrap();
    assert!(!done.preview);
    assert_eq!(done.moved, BOOK as i64);
    assert_eq!((count(&o.k1.id), count(&k2.id)), (0, BOOK as i64), "{db}");

    // The statements after the move are what the preview said.
    type Pay = fn(&PortfolioChange) -> (Option<Decimal>, Option<Decimal>);
    let this: Pay = |r| (r.pay_this_month_before, r.pay_this_month_after);
    let next: Pay = |r| (r.pay_next_month_before, r.pay_next_month_after);
    for (period, before_after) in [("2026-11", this), ("2026-12", next)] {
        let list = app.payroll(None, period).unwrap();
        for r in [&pk1, &pk2] {
            let s = list
                .iter()
                .find(|s| s.employee_id == r.employee_id)
                .unwrap();
            assert_eq!(Some(s.total), before_after(r).1, "{db} {period} {}", r.name);
            // Closed periods are not touched: no adjustment comes from the move.
            assert!(
                s.adjustments.is_empty(),
                "{db} {period}: {:?}",
                s.adjustments
            );
        }
    }
    // The approved October is unchanged.
    let october_after = app.payroll(None, "2026-10").unwrap();
    assert_eq!(october_before, october_after, "{db}");
}
