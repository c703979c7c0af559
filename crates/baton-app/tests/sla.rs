//! The acceptance SLA under a simulated clock: counted in working hours, and with
//! `reassign_after_sla` a late lead goes to the next sales manager, never back to the late one.

use baton_app::clock::{Clock, SeededIds, SimClock};
use baton_app::conveyor::companies::NewCompany;
use baton_app::conveyor::leads::{HandOffRequest, NewLead};
use baton_app::conveyor::people::NewEmployee;
use baton_app::{Actor, App, PasswordCost};
use baton_store::scratch::ScratchDb;
use chrono::Duration;
use std::sync::Arc;

#[test]
fn a_late_lead_is_reassigned_by_the_rule() {
    let scratch = ScratchDb::sqlite().expect("sqlite");
    // Friday 27 November 2026, 15:00 in Moscow.
    let clock = Arc::new(SimClock::new("2026-11-27T12:00:00Z".parse().unwrap()));
    let mut app = App::with(
        scratch.db.clone(),
        clock.clone(),
        Arc::new(SeededIds::new(3)),
    );
    app.password_cost = PasswordCost::Fast;
    let admin_id = app
        .create_employee(
            None,
            NewEmployee {
                login: "admin".into(),
                name: "A".into(),
                password: "secret1".into(),
                region_id: None,
                role: "admin".into(),
                valid_from: Some("2020-01-01".into()),
                open_lead_limit: None,
            },
        )
        .unwrap()
        .id;
    let admin = app.actor(&admin_id).unwrap();
    let region = app.create_region(&admin, "msk", "Москва").unwrap().id;
    let mk = |login: &str, role: &str| -> Actor {
        let e = app
            .create_employee(
                Some(&admin),
                NewEmployee {
                    login: login.into(),
                    name: login.into(),
                    password: "secret1".into(),
                    region_id: Some(region.clone()),
                    role: role.into(),
                    valid_from: Some("2020-01-01".into()),
                    open_lead_limit: None,
                },
            )
            .unwrap();
        app.actor(&e.id).unwrap()
    };
    let caller = mk("c1", "caller");
    let (a, b) = (mk("s1", "sales_manager"), mk("s2", "sales_manager"));
    let company = app
        .create_company(
            &caller,
            NewCompany {
                inn: "7707083893".into(),
                name: "Ромашка".into(),
                ..Default::default()
            },
        )
        .unwrap()
        .company
        .id;
    let lead = app
        .open_lead(
            &caller,
            NewLead {
                company_id: company,
                ..Default::default()
            },
        )
        .unwrap()
        .id;
    let mut answers = baton_domain::lead::Answers::new();
    for k in ["decision_maker", "need", "budget", "timing", "next_step"] {
        answers.insert(k.into(), "да".into());
    }
    let h = app
        .hand_off(
            &caller,
            &lead,
            HandOffRequest {
                checklist: answers,
                receiver_id: None,
            },
        )
        .unwrap();
    assert_eq!(h.handoff.receiver_id, a.id);
    // 24 working hours from Friday 15:00 Moscow is Monday 15:00 Moscow.
    assert_eq!(h.handoff.due_at, "2026-11-30T12:00:00.000000Z");

    let mut cfg = app.config().unwrap();
    // Off by default: nothing moves, the lead is on the overdue list.
    clock.advance(Duration::days(4));
    assert!(app.sweep_acceptance_sla().unwrap().is_empty());
    assert_eq!(app.overdue_handoffs(&admin).unwrap().len(), 1);

    cfg.reassign_after_sla = true;
    app.set_config(&admin, cfg).unwrap();
    let moved = app.sweep_acceptance_sla().unwrap();
    assert_eq!(moved.len(), 1);
    assert_eq!(
        moved[0].handoff.receiver_id, b.id,
        "the next sales manager, not the late one"
    );
    assert!(
        moved[0].handoff.explanation.contains("acceptance SLA"),
        "{}",
        moved[0].handoff.explanation
    );
    assert_eq!(moved[0].lead.seller_id.as_deref(), Some(b.id.as_str()));
    assert!(
        app.accept_lead(&a, &lead).is_err(),
        "the late manager may no longer accept"
    );
    // The new handoff has a fresh SLA: a second sweep right away changes nothing.
    assert!(app.sweep_acceptance_sla().unwrap().is_empty());
    assert_eq!(clock.now().to_rfc3339(), "2026-12-01T12:00:00+00:00");
    app.accept_lead(&b, &lead).unwrap();
}
