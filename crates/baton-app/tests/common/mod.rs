//! A small company for use-case tests: a scratch SQLite database, a simulated clock, seeded
//! ids, an admin, the Moscow region, and people made on demand.
#![allow(dead_code)]

use baton_app::clock::{SeededIds, SimClock};
use baton_app::conveyor::calls::NewCall;
use baton_app::conveyor::companies::NewCompany;
use baton_app::conveyor::deals::{HandoverRequest, NewContract, NewInvoice, NewPayment};
use baton_app::conveyor::leads::{HandOffRequest, NewLead};
use baton_app::conveyor::people::NewEmployee;
use baton_app::{Actor, App, PasswordCost};
use baton_domain::Money;
use baton_store::scratch::ScratchDb;
use std::sync::Arc;

pub struct World {
    pub app: App,
    pub clock: Arc<SimClock>,
    pub admin: Actor,
    pub region: String,
    pub scratch: ScratchDb,
}

impl World {
    /// `start` is an RFC 3339 instant, e.g. "2026-11-27T12:00:00Z".
    pub fn new(start: &str, seed: u64) -> World {
        World::on(ScratchDb::sqlite().expect("sqlite"), start, seed)
    }

    /// The same on a given scratch database (SQLite or PostgreSQL).
    pub fn on(scratch: ScratchDb, start: &str, seed: u64) -> World {
        let clock = Arc::new(SimClock::new(start.parse().expect("start instant")));
        let mut app = App::with(
            scratch.db.clone(),
            clock.clone(),
            Arc::new(SeededIds::new(seed)),
        );
        app.password_cost = PasswordCost::Fast;
        let admin_id = app
            .create_employee(None, employee("admin", "admin", None))
            .expect("admin")
            .id;
        let admin = app.actor(&admin_id).expect("admin actor");
        let region = app
            .create_region(&admin, "msk", "Москва")
            .expect("region")
            .id;
        World {
            app,
            clock,
            admin,
            region,
            scratch,
        }
    }

    /// A person in the Moscow region holding `role` since 2020; the name is the login.
    pub fn person(&self, login: &str, role: &str) -> Actor {
        let e = self
            .app
            .create_employee(
                Some(&self.admin),
                employee(login, role, Some(self.region.clone())),
            )
            .expect("employee");
        self.app.actor(&e.id).expect("actor")
    }
}

fn employee(login: &str, role: &str, region_id: Option<String>) -> NewEmployee {
    NewEmployee {
        login: login.into(),
        name: login.into(),
        password: "secret1".into(),
        region_id,
        role: role.into(),
        valid_from: Some("2020-01-01".into()),
        open_lead_limit: None,
    }
}

/// Every warm-lead checklist item answered.
pub fn full_checklist() -> baton_domain::lead::Answers {
    ["decision_maker", "need", "budget", "timing", "next_step"]
        .iter()
        .map(|k| (k.to_string(), "да".to_string()))
        .collect()
}

/// 10:00 in Moscow on `day`.
pub fn at(clock: &SimClock, day: &str) {
    clock.set(format!("{day}T07:00:00Z").parse().expect("day"));
}

/// The hand-built October of tests/payroll.rs: caller c1, sales manager s1 (target 150 000 of
/// new-client collections) and client manager k1 (away 26–30 October). c1 hands a lead for
/// «Ромашка» on 1 October, s1 accepts it on the 5th, signs 120 000 on the 6th, is paid on the
/// 10th and hands the client to k1; k1 invoices 30 000 on the 20th, paid on the 22nd.
pub struct October {
    pub c1: Actor,
    pub s1: Actor,
    pub k1: Actor,
    /// The company «Ромашка».
    pub company: String,
    /// The first invoice (120 000, paid 10 October).
    pub invoice: String,
}

pub fn october(w: &World) -> October {
    let (app, clock, admin) = (&w.app, &*w.clock, &w.admin);
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
                callback_at: None,
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
            override_reason: None,
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
            invoice_id: inv.id.clone(),
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

    October {
        c1,
        s1,
        k1,
        company: a,
        invoice: inv.id,
    }
}

/// `who` makes the company on `made`, calls it, opens their own lead and signs a first contract
/// of `rubles` on `signed`. Returns (company, lead, contract).
pub fn signed_own(
    w: &World,
    who: &Actor,
    inn: &str,
    name: &str,
    made: &str,
    signed: &str,
    rubles: i64,
) -> (String, String, String) {
    let app = &w.app;
    at(&w.clock, made);
    let company = app
        .create_company(
            who,
            NewCompany {
                inn: inn.into(),
                name: name.into(),
                ..Default::default()
            },
        )
        .unwrap()
        .company
        .id;
    app.log_call(
        who,
        NewCall {
            company_id: company.clone(),
            outcome: "dm_interested".into(),
            duration_sec: 60,
            note: None,
            lead_id: None,
            callback_at: None,
        },
    )
    .unwrap();
    let lead = app
        .open_lead(
            who,
            NewLead {
                company_id: company.clone(),
                ..Default::default()
            },
        )
        .unwrap()
        .id;
    at(&w.clock, signed);
    let contract = app
        .sign_contract(
            who,
            &lead,
            NewContract {
                number: None,
                signed_on: None,
                amount: Some(Money::from_rubles(rubles)),
                lines: vec![],
            },
        )
        .unwrap()
        .id;
    (company, lead, contract)
}

/// `who` wins a company in `month` (YYYY-MM) through their own lead: the company made on the
/// 2nd, the contract signed on the 3rd, 100 000 invoiced due the 20th and paid on `paid`.
pub fn won_in(w: &World, month: &str, who: &Actor, inn: &str, name: &str, paid: &str) -> String {
    let (company, _, contract) = signed_own(
        w,
        who,
        inn,
        name,
        &format!("{month}-02"),
        &format!("{month}-03"),
        100_000,
    );
    let inv = invoice(
        &w.app,
        who,
        &company,
        Some(contract),
        100_000,
        &format!("{month}-20"),
    );
    at(&w.clock, paid);
    pay(&w.app, who, &inv, 100_000);
    company
}

pub fn invoice(
    app: &App,
    who: &Actor,
    company: &str,
    contract: Option<String>,
    rubles: i64,
    due: &str,
) -> String {
    app.create_invoice(
        who,
        NewInvoice {
            company_id: company.into(),
            contract_id: contract,
            order_id: None,
            number: None,
            issued_on: None,
            due_on: Some(due.into()),
            amount: Money::from_rubles(rubles),
        },
    )
    .unwrap()
    .id
}

pub fn pay(app: &App, who: &Actor, invoice: &str, rubles: i64) {
    app.record_payment(
        who,
        NewPayment {
            invoice_id: invoice.into(),
            paid_on: None,
            amount: Money::from_rubles(rubles),
        },
    )
    .unwrap();
}

/// A company `who` creates (and so holds the claim on); its id.
pub fn company(app: &App, who: &Actor, inn: &str, name: &str) -> String {
    app.create_company(
        who,
        NewCompany {
            inn: inn.into(),
            name: name.into(),
            ..Default::default()
        },
    )
    .unwrap()
    .company
    .id
}
