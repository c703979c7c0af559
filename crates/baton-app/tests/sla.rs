//! The acceptance SLA under a simulated clock: counted in working hours, and with
//! `reassign_after_sla` a late lead goes to the next sales manager, never back to the late one.

mod common;

use baton_app::clock::Clock;
use baton_app::conveyor::companies::NewCompany;
use baton_app::conveyor::leads::{HandOffRequest, NewLead};
use chrono::Duration;
use common::{World, full_checklist};

#[test]
fn a_late_lead_is_reassigned_by_the_rule() {
    // Friday 27 November 2026, 15:00 in Moscow.
    let w = World::new("2026-11-27T12:00:00Z", 3);
    let (app, clock, admin) = (&w.app, &w.clock, &w.admin);
    let mk = |login: &str, role: &str| w.person(login, role);
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
    let h = app
        .hand_off(
            &caller,
            &lead,
            HandOffRequest {
                checklist: full_checklist(),
                receiver_id: None,
                override_reason: None,
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
    assert_eq!(app.overdue_handoffs(admin).unwrap().len(), 1);

    cfg.reassign_after_sla = true;
    app.set_config(admin, cfg).unwrap();
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
