//! Tasks and reminders (issue 18 §3), worked by hand. The company is in Moscow (UTC+3).
//!
//! Monday 7 December 2026, 15:00 MSK: caller c1 reaches «Ромашка»'s decision maker, who asks to
//! be called back on Tuesday at 10:00 — a task due 07:00 UTC on the 8th. On Monday it is
//! tomorrow's; on Tuesday at 11:00 MSK it is overdue and heads c1's callbacks; c1's next call to
//! «Ромашка» closes it. c1 hands a lead over with the next step set for Wednesday 9th 14:30 MSK;
//! s1 accepts it and owes a meeting at 11:30 UTC on the 9th; the meeting s1 logs closes it.
//! k1's client promises to pay on the 10th; a part-payment leaves the task open, the rest
//! closes it.

mod common;

use baton_app::conveyor::calls::{NewActivity, NewCall};
use baton_app::conveyor::leads::{HandOffRequest, NewLead};
use baton_app::conveyor::tasks::{CloseTask, NewTask, TaskQuery};
use baton_app::{Actor, App, AppError};
use baton_store::Filter;
use baton_store::records::{AuditEvent, Task};
use common::{World, company, full_checklist, invoice, pay, won_in};

fn set(w: &World, instant: &str) {
    w.clock.set(instant.parse().unwrap());
}

fn call(
    app: &App,
    who: &Actor,
    company: &str,
    outcome: &str,
    at: Option<&str>,
) -> Result<(), AppError> {
    app.log_call(
        who,
        NewCall {
            company_id: company.into(),
            outcome: outcome.into(),
            duration_sec: 60,
            note: Some("просил перезвонить".into()),
            lead_id: None,
            callback_at: at.map(str::to_string),
        },
    )
    .map(|_| ())
}

fn all_tasks(w: &World) -> Vec<Task> {
    w.app
        .db
        .read(|tx| tx.list::<Task>(&Filter::new().order("created_at", false)))
        .unwrap()
}

fn field_of(e: AppError) -> String {
    match e {
        AppError::Invalid { field, .. } => field,
        other => panic!("expected a refused field, got {other:?}"),
    }
}

#[test]
fn a_callback_is_asked_for_reminded_and_closed_by_the_call() {
    for scratch in baton_store::scratch::ScratchDb::all() {
        let w = World::on(scratch, "2026-12-07T12:00:00.000000Z", 181);
        let app = &w.app;
        let (c1, c2) = (w.person("c1", "caller"), w.person("c2", "caller"));
        let head = w.person("head", "head");
        let romashka = company(app, &c1, "7707083893", "Ромашка");

        // The time is the company's: Tuesday 10:00 MSK is 07:00 UTC.
        call(app, &c1, &romashka, "dm_callback", Some("2026-12-08T10:00")).unwrap();
        let tasks = all_tasks(&w);
        assert_eq!(tasks.len(), 1);
        let t = &tasks[0];
        assert_eq!(
            (t.kind.as_str(), t.due_at.as_str(), t.owner_id.as_str()),
            ("call_back", "2026-12-08T07:00:00.000000Z", c1.id.as_str())
        );
        assert_eq!(t.note.as_deref(), Some("просил перезвонить"));

        // Monday: tomorrow's, nothing due today.
        let day = app.my_day(&c1).unwrap();
        assert_eq!(
            (day.overdue.len(), day.today.len(), day.tomorrow.len()),
            (0, 0, 1)
        );
        assert_eq!(day.tomorrow[0].company_name, "Ромашка");
        assert_eq!(app.queues(&c1).unwrap().tasks, 0);
        assert!(app.callbacks_due(&c1).unwrap().is_empty());

        // Tuesday 11:00 MSK: overdue, counted, first in the call queue.
        set(&w, "2026-12-08T08:00:00.000000Z");
        let day = app.my_day(&c1).unwrap();
        assert_eq!((day.overdue.len(), day.today.len()), (1, 0));
        assert_eq!(app.queues(&c1).unwrap().tasks, 1);
        assert_eq!(app.callbacks_due(&c1).unwrap()[0].task.id, t.id);
        // Someone else's task is not theirs to see or close; the region's head may.
        assert_eq!(app.my_day(&c2).unwrap().overdue.len(), 0);
        let close = |who: &Actor| {
            app.close_task(
                who,
                &t.id,
                CloseTask {
                    outcome: "cancelled".into(),
                    result: None,
                },
            )
        };
        assert!(matches!(close(&c2), Err(AppError::NotFound { .. })), "c2");
        let heads_view = app
            .tasks(
                &head,
                TaskQuery {
                    owner_id: Some(c1.id.clone()),
                    ..Default::default()
                },
            )
            .unwrap();
        assert_eq!(heads_view.total, 1);

        // The call is the callback: the task closes as done; no new one for «no answer».
        call(app, &c1, &romashka, "no_answer", None).unwrap();
        let tasks = all_tasks(&w);
        assert_eq!(tasks.len(), 1);
        assert_eq!(tasks[0].outcome.as_deref(), Some("done"));
        assert_eq!(
            tasks[0].closed_at.as_deref(),
            Some("2026-12-08T08:00:00.000000Z")
        );
        assert_eq!(app.queues(&c1).unwrap().tasks, 0);
        // Closing it again is refused: it is closed.
        assert!(matches!(close(&head), Err(AppError::State(_))));

        // «Call back» with no time: the next working morning. Friday 11 December 17:00 MSK →
        // Monday 14th 10:00 MSK.
        set(&w, "2026-12-11T14:00:00.000000Z");
        call(app, &c1, &romashka, "dm_callback", None).unwrap();
        let open: Vec<Task> = all_tasks(&w)
            .into_iter()
            .filter(|t| t.closed_at.is_none())
            .collect();
        assert_eq!(open.len(), 1);
        assert_eq!(open[0].due_at, "2026-12-14T07:00:00.000000Z");

        // A time in the past or not a time is refused by field, and nothing is written.
        let before = all_tasks(&w).len();
        let e = call(app, &c1, &romashka, "dm_callback", Some("2026-12-10T10:00")).unwrap_err();
        assert_eq!(field_of(e), "callback_at");
        let e = call(app, &c1, &romashka, "dm_callback", Some("завтра")).unwrap_err();
        assert_eq!(field_of(e), "callback_at");
        assert_eq!(all_tasks(&w).len(), before);

        // Every task change is in the audit trail.
        let actions: Vec<String> = app
            .db
            .read(|tx| {
                tx.list::<AuditEvent>(&Filter::new().eq("entity", "task").order("at", false))
            })
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .collect();
        assert_eq!(actions, vec!["task.created", "task.closed", "task.created"]);
    }
}

#[test]
fn the_next_step_becomes_the_sellers_meeting_and_the_meeting_closes_it() {
    for scratch in baton_store::scratch::ScratchDb::all() {
        let w = World::on(scratch, "2026-12-07T12:00:00.000000Z", 182);
        let app = &w.app;
        let (c1, s1) = (w.person("c1", "caller"), w.person("s1", "sales_manager"));
        let a = company(app, &c1, "7707083893", "Ромашка");
        call(app, &c1, &a, "dm_interested", None).unwrap();
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
        let mut checklist = full_checklist();
        checklist.insert("next_step".into(), "встреча у клиента".into());
        checklist.insert("next_step_at".into(), "09.12.2026 14:30".into());
        app.hand_off(
            &c1,
            &lead,
            HandOffRequest {
                checklist,
                receiver_id: Some(s1.id.clone()),
                override_reason: None,
            },
        )
        .unwrap();
        app.accept_lead(&s1, &lead).unwrap();
        let t = all_tasks(&w)
            .into_iter()
            .find(|t| t.owner_id == s1.id)
            .expect("the seller's task");
        assert_eq!(
            (t.kind.as_str(), t.due_at.as_str(), t.lead_id.as_deref()),
            (
                "meeting",
                "2026-12-09T11:30:00.000000Z",
                Some(lead.as_str())
            )
        );
        assert_eq!(t.note.as_deref(), Some("встреча у клиента"));
        // Wednesday 9th at 09:00 MSK it is today's.
        set(&w, "2026-12-09T06:00:00.000000Z");
        assert_eq!(app.my_day(&s1).unwrap().today.len(), 1);
        app.log_activity(
            &s1,
            NewActivity {
                company_id: a.clone(),
                kind: "meeting".into(),
                note: None,
                lead_id: None,
                occurred_at: None,
            },
        )
        .unwrap();
        let t = all_tasks(&w)
            .into_iter()
            .find(|t| t.owner_id == s1.id)
            .unwrap();
        assert_eq!(t.outcome.as_deref(), Some("done"));
    }
}

#[test]
fn a_promise_to_pay_is_the_client_managers_task_until_the_invoice_is_paid() {
    for scratch in baton_store::scratch::ScratchDb::all() {
        let w = World::on(scratch, "2026-11-01T07:00:00Z", 183);
        let app = &w.app;
        let u1 = w.person("s1", "sales_manager");
        let k1 = w.person("k1", "client_manager");
        let lutik = won_in(&w, "2026-11", &u1, "7736207543", "Лютик", "2026-11-10");
        app.hand_over(
            &u1,
            &lutik,
            baton_app::conveyor::deals::HandoverRequest {
                client_manager_id: Some(k1.id.clone()),
                brief: [
                    ("sold", "поставка"),
                    ("contacts", "директор"),
                    ("pains", "сроки"),
                ]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            },
        )
        .unwrap();
        set(&w, "2026-12-07T12:00:00.000000Z");
        let inv = invoice(app, &k1, &lutik, None, 30_000, "2026-12-20");
        // A promise for a day already gone is refused; for the 10th it is k1's task at 10:00.
        let e = app
            .promise_to_pay(&u1, &inv, "2026-12-01", None)
            .unwrap_err();
        assert_eq!(field_of(e), "on");
        let t = app
            .promise_to_pay(&k1, &inv, "2026-12-10", Some("бухгалтер обещала".into()))
            .unwrap();
        assert_eq!(
            (t.kind.as_str(), t.owner_id.as_str(), t.due_at.as_str()),
            (
                "collect_payment",
                k1.id.as_str(),
                "2026-12-10T07:00:00.000000Z"
            )
        );
        assert_eq!(t.invoice_id.as_deref(), Some(inv.as_str()));
        // Part of it: still owed.
        pay(app, &k1, &inv, 10_000);
        assert!(all_tasks(&w).iter().all(|t| t.closed_at.is_none()));
        pay(app, &k1, &inv, 20_000);
        let t = &all_tasks(&w)[0];
        assert_eq!(t.outcome.as_deref(), Some("done"));
        // Another's task cannot be set outside one's reach: a caller may not set k1's.
        let c9 = w.person("c9", "caller");
        let e = app
            .add_task(
                &c9,
                NewTask {
                    owner_id: Some(k1.id.clone()),
                    kind: "call_back".into(),
                    due_at: "2026-12-10".into(),
                    company_id: lutik.clone(),
                    ..Default::default()
                },
            )
            .unwrap_err();
        assert!(matches!(e, AppError::Forbidden(_)), "{e:?}");
    }
}

/// A lead moving on takes the next step its meeting task was for: moved to «Встреча» the task
/// is done; a lead lost cancels its meeting.
#[test]
fn a_lead_moving_on_closes_its_meeting_and_a_lost_one_cancels_it() {
    for scratch in baton_store::scratch::ScratchDb::all() {
        let w = World::on(scratch, "2026-12-07T12:00:00.000000Z", 185);
        let app = &w.app;
        let (c1, s1) = (w.person("c1", "caller"), w.person("s1", "sales_manager"));
        let mut leads = Vec::new();
        for (inn, name) in [("7707083893", "Ромашка"), ("7736050003", "Лютик")] {
            let a = company(app, &c1, inn, name);
            call(app, &c1, &a, "dm_interested", None).unwrap();
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
            let mut checklist = full_checklist();
            checklist.insert("next_step_at".into(), "09.12.2026 14:30".into());
            app.hand_off(
                &c1,
                &lead,
                HandOffRequest {
                    checklist,
                    receiver_id: Some(s1.id.clone()),
                    override_reason: None,
                },
            )
            .unwrap();
            app.accept_lead(&s1, &lead).unwrap();
            leads.push(lead);
        }
        let meeting_of = |lead: &str| {
            all_tasks(&w)
                .into_iter()
                .find(|t| t.lead_id.as_deref() == Some(lead) && t.kind == "meeting")
                .expect("the meeting task")
        };
        assert!(meeting_of(&leads[0]).closed_at.is_none());
        app.move_lead(&s1, &leads[0], "meeting").unwrap();
        let t = meeting_of(&leads[0]);
        assert_eq!(t.outcome.as_deref(), Some("done"));
        assert_eq!(t.closed_at.as_deref(), Some("2026-12-07T12:00:00.000000Z"));
        app.lose_lead(&s1, &leads[1], "no_budget").unwrap();
        assert_eq!(meeting_of(&leads[1]).outcome.as_deref(), Some("cancelled"));
        assert!(app.my_day(&s1).unwrap().tomorrow.is_empty());
    }
}
