//! Issue 15, "Pay fixes": each test here failed on main before its fix. Expected figures are
//! worked by hand in the comments.

mod common;

use baton_app::Actor;
use baton_app::conveyor::companies::NewCompany;
use baton_app::conveyor::deals::{HandoverRequest, NewContract, NewInvoice, NewPayment};
use baton_app::conveyor::leads::NewLead;
use baton_domain::Money;
use common::{World, at, signed_own};
use rust_decimal::Decimal;
use std::str::FromStr;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

/// `who` finds «Ромашка», opens a lead and signs 120 000 on 6 October; an invoice follows.
/// Returns (company, lead, invoice).
fn signed(w: &World, who: &Actor) -> (String, String, String) {
    let (company, lead, contract) = signed_own(
        w,
        who,
        "7707083893",
        "Ромашка",
        "2026-10-01",
        "2026-10-06",
        120_000,
    );
    let invoice = w
        .app
        .create_invoice(
            who,
            NewInvoice {
                company_id: company.clone(),
                contract_id: Some(contract),
                order_id: None,
                number: None,
                issued_on: None,
                due_on: None,
                amount: Money::from_rubles(120_000),
            },
        )
        .unwrap()
        .id;
    (company, lead, invoice)
}

/// A universal manager's winning payment is their own collection. u1 wins «Ромашка» with a
/// 120 000 payment on 10 October; the target is 120 000, so attainment is 1.0 (K = 1.0), the
/// invoice is paid in full (overdue share 0, K = 1.0): the "own" line is 5 % × 120 000 = 6 000.
/// Before the fix the payment was stored without a client manager: own collections 0, line 0.
#[test]
fn a_universal_managers_winning_payment_is_theirs() {
    let w = World::new("2026-09-01T07:00:00Z", 151);
    let u1 = w.person("u1", "universal_manager");
    w.app
        .set_target(&w.admin, &u1.id, "2026-10", "own_collections", "120000")
        .unwrap();
    let (company, _, invoice) = signed(&w, &u1);
    at(&w.clock, "2026-10-10");
    let paid = w
        .app
        .record_payment(
            &u1,
            NewPayment {
                invoice_id: invoice,
                paid_on: None,
                amount: Money::from_rubles(120_000),
            },
        )
        .unwrap();
    assert!(paid.won.is_some());
    assert_eq!(
        paid.payment.client_manager_id.as_deref(),
        Some(u1.id.as_str())
    );
    let card = w.app.company_card(&u1, &company).unwrap();
    assert_eq!(
        card.company.client_manager_id.as_deref(),
        Some(u1.id.as_str())
    );
    assert_eq!(
        card.payments[0].client_manager_id.as_deref(),
        Some(u1.id.as_str())
    );

    at(&w.clock, "2026-11-02");
    let list = w.app.payroll(None, "2026-10").unwrap();
    let s = list.iter().find(|p| p.login == "u1").unwrap();
    let own = s.parts[0]
        .statement
        .lines
        .iter()
        .find(|l| l.component == "own")
        .unwrap();
    assert_eq!(own.amount, d("6000"), "{}", own.formula);
    // Base 40 000 + own 6 000 + the new-client bonus 10 000 (120 000 ≥ 50 000 in the window).
    assert_eq!(s.total, d("56000"));
    // Money in JSON is a string with two decimals, whatever its scale.
    let json = serde_json::to_value(s).unwrap();
    assert_eq!(json["total"], "56000.00");
    assert_eq!(json["parts"][0]["statement"]["total"], "56000.00");
    assert_eq!(
        json["parts"][0]["statement"]["lines"][0]["amount"],
        "40000.00"
    );
}

/// With the handover at the signed contract, the sales manager who signed hands the client
/// over before it pays; before the contract, the answer is "not yet", not "not yours".
#[test]
fn the_seller_who_signed_hands_over_at_the_contract() {
    let w = World::new("2026-09-01T07:00:00Z", 152);
    let mut cfg = w.app.config().unwrap();
    cfg.handoff2_point = baton_domain::config::Handoff2Point::ContractSigned;
    w.app.set_config(&w.admin, cfg).unwrap();
    let s1 = w.person("s1", "sales_manager");
    let k1 = w.person("k1", "client_manager");
    let brief = || {
        let mut b = baton_domain::lead::Answers::new();
        for k in ["sold", "contacts", "pains"] {
            b.insert(k.into(), "да".into());
        }
        HandoverRequest {
            brief: b,
            client_manager_id: None,
        }
    };
    at(&w.clock, "2026-10-01");
    let other = w
        .app
        .create_company(
            &s1,
            NewCompany {
                inn: "7736207543".into(),
                name: "Лютик".into(),
                ..Default::default()
            },
        )
        .unwrap()
        .company
        .id;
    let early = w.app.hand_over(&s1, &other, brief()).unwrap_err();
    assert_eq!(early.code(), "handover_point_not_reached", "{early}");

    let (company, _, _) = signed(&w, &s1);
    let h = w.app.hand_over(&s1, &company, brief()).unwrap();
    assert_eq!(h.receiver_id, k1.id);
    assert_eq!(h.sender_id, s1.id);
}

/// A line that needs a missing target says so: "no_target", not "accrued".
#[test]
fn a_missing_target_is_a_status_not_a_silent_zero() {
    let w = World::new("2026-09-01T07:00:00Z", 153);
    let u1 = w.person("u1", "universal_manager");
    let (_, _, invoice) = signed(&w, &u1);
    at(&w.clock, "2026-10-10");
    w.app
        .record_payment(
            &u1,
            NewPayment {
                invoice_id: invoice,
                paid_on: None,
                amount: Money::from_rubles(120_000),
            },
        )
        .unwrap();
    at(&w.clock, "2026-11-02");
    let list = w.app.payroll(None, "2026-10").unwrap();
    let s = list.iter().find(|p| p.login == "u1").unwrap();
    let own = s.parts[0]
        .statement
        .lines
        .iter()
        .find(|l| l.component == "own")
        .unwrap();
    assert_eq!((own.amount, own.status.as_str()), (d("0"), "no_target"));
    // Base 40 000 + the new-client bonus 10 000; the own line waits for its target.
    assert_eq!(s.total, d("50000"));
}

/// Migration 0010 repairs the payments stored before the fix: a universal manager's winning
/// payment without a client manager gets the seller who kept the client. October was approved
/// on the broken row (own line 0), so November pays the difference as an adjustment:
/// 5 % × 120 000 × K 1.0 × K 1.0 = 6 000.
#[test]
fn the_repair_migration_gives_the_winning_payment_its_manager() {
    let w = World::new("2026-09-01T07:00:00Z", 154);
    let u1 = w.person("u1", "universal_manager");
    let head = w.person("h1", "head");
    for month in ["2026-10", "2026-11"] {
        w.app
            .set_target(&w.admin, &u1.id, month, "own_collections", "120000")
            .unwrap();
    }
    let (company, _, invoice) = signed(&w, &u1);
    at(&w.clock, "2026-10-10");
    let paid = w
        .app
        .record_payment(
            &u1,
            NewPayment {
                invoice_id: invoice,
                paid_on: None,
                amount: Money::from_rubles(120_000),
            },
        )
        .unwrap();
    // The row as main stored it, and the migration not yet applied.
    w.scratch
        .db
        .execute_batch(
            "UPDATE payments SET client_manager_id = NULL; \
             DELETE FROM schema_migrations WHERE id = '0010_winning_payments'",
        )
        .unwrap();
    at(&w.clock, "2026-11-02");
    w.app.calculate_period(None, "2026-10").unwrap();
    w.app.approve_period(Some(&head), "2026-10").unwrap();
    let own_of = |list: &[baton_app::payroll::PersonStatement]| {
        let s = list.iter().find(|p| p.login == "u1").unwrap();
        s.parts[0]
            .statement
            .lines
            .iter()
            .find(|l| l.component == "own")
            .unwrap()
            .amount
    };
    let approved = w.app.payroll(None, "2026-10").unwrap();
    assert_eq!(own_of(&approved), d("0"));

    let applied = baton_store::migrate(&w.scratch.db).unwrap();
    assert_eq!(applied, vec!["0010_winning_payments".to_string()]);
    let card = w.app.company_card(&u1, &company).unwrap();
    assert_eq!(card.payments[0].id, paid.payment.id);
    assert_eq!(
        card.payments[0].client_manager_id.as_deref(),
        Some(u1.id.as_str())
    );
    // October stays as approved; November adjusts it.
    assert_eq!(w.app.payroll(None, "2026-10").unwrap(), approved);
    let nov = w.app.payroll(None, "2026-11").unwrap();
    let s = nov.iter().find(|p| p.login == "u1").unwrap();
    let adj: Vec<(&str, Decimal)> = s
        .adjustments
        .iter()
        .map(|l| (l.component.as_str(), l.amount))
        .collect();
    assert_eq!(adj, vec![("2026-10:universal_manager:own", d("6000"))]);
}

/// "New client" is the ИНН's history, not one record's: a second record of «Ромашка» (same
/// ИНН, another КПП) signed in November, a month after the first record paid, is neither a
/// new client nor a reactivation (12 months of dormancy have not passed).
#[test]
fn a_new_client_is_decided_by_the_inn() {
    let w = World::new("2026-09-01T07:00:00Z", 156);
    let u1 = w.person("u1", "universal_manager");
    let (_, _, invoice) = signed(&w, &u1);
    at(&w.clock, "2026-10-10");
    w.app
        .record_payment(
            &u1,
            NewPayment {
                invoice_id: invoice,
                paid_on: None,
                amount: Money::from_rubles(120_000),
            },
        )
        .unwrap();
    at(&w.clock, "2026-11-20");
    let twin = w
        .app
        .create_company(
            &u1,
            NewCompany {
                inn: "7707083893".into(),
                kpp: Some("770702001".into()),
                name: "Ромашка, филиал".into(),
                ..Default::default()
            },
        )
        .unwrap()
        .company
        .id;
    let lead = w
        .app
        .open_lead(
            &u1,
            NewLead {
                company_id: twin,
                ..Default::default()
            },
        )
        .unwrap()
        .id;
    let c = w
        .app
        .sign_contract(
            &u1,
            &lead,
            NewContract {
                number: None,
                signed_on: None,
                amount: Some(Money::from_rubles(50_000)),
                lines: vec![],
            },
        )
        .unwrap();
    assert_eq!(c.win_kind, None);
}

/// Receivables are taken at the end of each role's stretch, held by whoever had the client
/// that day. u1, a universal manager, signs «Ромашка» on 6 October and invoices it twice:
/// 120 000 due on the 16th (10 days, the default) and 120 000 due on the 12th, of which 100 000
/// is paid on the 10th. On the 16th u1 becomes a caller and the head gives the client to k1.
/// u1's universal-manager part (1–15 October): own collections 100 000 of a 100 000 target
/// (K 1.0). On the 15th u1 holds 120 000 not yet due and 20 000 overdue since the 12th:
/// overdue share 20 000 / 140 000 = 0.143, K 0.8 (0.05 ≤ share < 0.15), so the line pays
/// 5 % × 100 000 × 1.0 × 0.8 = 4 000. Before the fix the receivables were k1's at the month's
/// end, u1's share was 0 (K 1.0) and the line paid 5 000.
#[test]
fn receivables_are_taken_at_the_end_of_each_stretch() {
    use baton_app::conveyor::people::NewRole;
    use baton_app::conveyor::portfolios::Reassignment;
    let w = World::new("2026-09-01T07:00:00Z", 157);
    let u1 = w.person("u1", "universal_manager");
    let k1 = w.person("k1", "client_manager");
    let head = w.person("h1", "head");
    w.app
        .set_target(&w.admin, &u1.id, "2026-10", "own_collections", "100000")
        .unwrap();
    let (company, _, _) = signed(&w, &u1);
    let inv = w
        .app
        .create_invoice(
            &u1,
            NewInvoice {
                company_id: company.clone(),
                contract_id: None,
                order_id: None,
                number: None,
                issued_on: None,
                due_on: Some("2026-10-12".into()),
                amount: Money::from_rubles(120_000),
            },
        )
        .unwrap();
    at(&w.clock, "2026-10-10");
    w.app
        .record_payment(
            &u1,
            NewPayment {
                invoice_id: inv.id,
                paid_on: None,
                amount: Money::from_rubles(100_000),
            },
        )
        .unwrap();
    at(&w.clock, "2026-10-16");
    w.app
        .assign_role(
            Some(&w.admin),
            &u1.id,
            NewRole {
                role: "caller".into(),
                region_id: Some(w.region.clone()),
                valid_from: "2026-10-16".into(),
                valid_to: None,
                replace: true,
            },
        )
        .unwrap();
    let moved = w
        .app
        .reassign_clients(
            &head,
            Reassignment {
                company_ids: vec![company],
                from_id: None,
                to_id: k1.id.clone(),
            },
        )
        .unwrap();
    assert_eq!(moved.moved, 1);
    at(&w.clock, "2026-11-02");
    let list = w.app.payroll(None, "2026-10").unwrap();
    let s = list.iter().find(|p| p.login == "u1").unwrap();
    let um = &s.parts[0];
    assert_eq!(
        (um.role.as_str(), um.to.to_string()),
        ("universal_manager", "2026-10-15".to_string())
    );
    let own = um
        .statement
        .lines
        .iter()
        .find(|l| l.component == "own")
        .unwrap();
    assert_eq!(own.amount, d("4000"), "{}", own.formula);
    // u1's own "my money", which reads only u1's rows, says the same.
    let mine = w.app.my_statement(&u1, Some("2026-10")).unwrap().unwrap();
    let own = mine.parts[0]
        .statement
        .lines
        .iter()
        .find(|l| l.component == "own")
        .unwrap();
    assert_eq!(own.amount, d("4000"), "{}", own.formula);
}
