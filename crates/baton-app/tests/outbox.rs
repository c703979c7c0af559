//! Telling people and integrators (issue 18 §4–5), worked by hand. The company is in Moscow
//! (UTC+3); Monday 7 December 2026, 12:00 UTC (15:00 MSK).
//!
//! c1 hands «Ромашка» to s1: exactly one `lead.handed` event is written, in the handoff's own
//! transaction (a refused handoff writes none). Fanned out, it makes one webhook delivery and
//! one note for s1 («Вам передан тёплый лид: Ромашка. Примите или верните его до 08.12.2026
//! 15:00» — the 24-hour SLA ends at 12:00 UTC on the 8th, 15:00 MSK); fanned out again, nothing
//! more. s1 then asks for e-mail with quiet hours 21:00–09:00: a lead handed at 19:30 UTC
//! (22:30 MSK) for «Лютик-2» is e-mailed at 09:00 MSK, 06:00 UTC the next day.

mod common;

use baton_app::conveyor::calls::NewCall;
use baton_app::conveyor::leads::{HandOffRequest, NewLead};
use baton_app::notify::{BotMessage, Channel, NotifyPrefs};
use baton_app::outbox::{Attempt, Channels, Destination};
use baton_app::webhooks::{NewWebhook, check_url};
use baton_app::{Actor, App, AppError, Paging};
use baton_domain::event::{QuietHours, RetryPolicy};
use baton_store::Filter;
use baton_store::records::{AuditEvent, Delivery, Notification, OutboxEvent, Webhook};
use chrono::{Duration, NaiveTime};
use common::{World, company, full_checklist};

const ALL: Channels = Channels {
    email: true,
    telegram: true,
};

fn set(w: &World, instant: &str) {
    w.clock.set(instant.parse().unwrap());
}

/// c1 reaches the decision maker, opens a lead and hands it to s1.
fn hand(app: &App, c1: &Actor, s1: &Actor, company: &str) -> Result<String, AppError> {
    app.log_call(
        c1,
        NewCall {
            company_id: company.into(),
            outcome: "dm_interested".into(),
            duration_sec: 60,
            note: None,
            lead_id: None,
            callback_at: None,
        },
    )?;
    let lead = app
        .open_lead(
            c1,
            NewLead {
                company_id: company.into(),
                ..Default::default()
            },
        )?
        .id;
    app.hand_off(
        c1,
        &lead,
        HandOffRequest {
            checklist: full_checklist(),
            receiver_id: Some(s1.id.clone()),
            override_reason: None,
        },
    )?;
    Ok(lead)
}

fn events(w: &World, kind: &str) -> Vec<OutboxEvent> {
    w.app
        .db
        .read(|tx| tx.list::<OutboxEvent>(&Filter::new().eq("kind", kind).order("id", false)))
        .unwrap()
}

fn deliveries(w: &World) -> Vec<Delivery> {
    w.app
        .db
        .read(|tx| tx.list::<Delivery>(&Filter::new().order("created_at", false)))
        .unwrap()
}

fn notes(w: &World, who: &Actor) -> Vec<Notification> {
    w.app
        .db
        .read(|tx| tx.list::<Notification>(&Filter::new().eq("employee_id", who.id.as_str())))
        .unwrap()
}

fn hook(app: &App, admin: &Actor, events: &[&str]) -> String {
    app.add_webhook(
        admin,
        NewWebhook {
            url: "http://127.0.0.1:9/hook".into(),
            events: events.iter().map(|e| e.to_string()).collect(),
        },
        true,
    )
    .unwrap()
    .webhook
    .id
}

#[test]
fn an_event_is_written_with_its_change_and_told_once() {
    for scratch in baton_store::scratch::ScratchDb::all() {
        let w = World::on(scratch, "2026-12-07T12:00:00.000000Z", 281);
        let app = &w.app;
        let (c1, s1) = (w.person("c1", "caller"), w.person("s1", "sales_manager"));
        let h = hook(app, &w.admin, &["lead.handed"]);
        let a = company(app, &c1, "7707083893", "Ромашка");
        hand(app, &c1, &s1, &a).unwrap();

        let handed = events(&w, "lead.handed");
        assert_eq!(handed.len(), 1);
        let payload: serde_json::Value = serde_json::from_str(&handed[0].payload).unwrap();
        assert_eq!(payload["type"], "lead.handed");
        assert_eq!(payload["id"], handed[0].id.as_str());
        assert_eq!(payload["company"]["name"], "Ромашка");
        assert_eq!(payload["company"]["inn"], "7707083893");
        assert_eq!(payload["data"]["receiver_id"], s1.id.as_str());
        assert_eq!(payload["data"]["due_at"], "2026-12-08T12:00:00.000000Z");

        // A refused handoff (the checklist is empty) rolls back with no event.
        let b = company(app, &c1, "7736050003", "Лютик");
        let lead_b = app
            .open_lead(
                &c1,
                NewLead {
                    company_id: b.clone(),
                    ..Default::default()
                },
            )
            .unwrap()
            .id;
        let refused = app.hand_off(
            &c1,
            &lead_b,
            HandOffRequest {
                checklist: Default::default(),
                receiver_id: Some(s1.id.clone()),
                override_reason: None,
            },
        );
        assert!(refused.is_err());
        assert_eq!(events(&w, "lead.handed").len(), 1);

        assert!(app.fan_out(ALL).unwrap() >= 1);
        let d = deliveries(&w);
        assert_eq!(d.len(), 1, "one webhook delivery: {d:?}");
        assert_eq!(
            (d[0].channel.as_str(), d[0].target.as_str()),
            ("webhook", h.as_str())
        );
        assert_eq!(d[0].status, "pending");
        let mine = app.my_notes(&s1, Paging::default()).unwrap();
        assert_eq!(mine.unread, 1);
        assert_eq!(mine.items[0].subject, "Новый тёплый лид");
        assert_eq!(
            mine.items[0].text,
            "Вам передан тёплый лид: Ромашка. Примите или верните его до 08.12.2026 15:00."
        );
        assert_eq!(mine.items[0].link, "/inbox");
        // Nobody else is told; a second fan-out finds nothing new.
        assert!(notes(&w, &c1).is_empty());
        assert_eq!(app.fan_out(ALL).unwrap(), 0);
        assert_eq!(deliveries(&w).len(), 1);
        assert_eq!(notes(&w, &s1).len(), 1);
        assert_eq!(app.read_notes(&s1, None).unwrap(), 1);
        assert_eq!(app.unread_notes(&s1.id).unwrap(), 0);

        // E-mail in quiet hours waits for the morning.
        let prefs = NotifyPrefs {
            email: Some(" s1@example.ru ".into()),
            quiet: Some(QuietHours {
                from: NaiveTime::from_hms_opt(21, 0, 0).unwrap(),
                to: NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
            }),
            channels: [(
                "lead.handed".to_string(),
                vec![Channel::Email, Channel::App],
            )]
            .into(),
            ..Default::default()
        };
        let saved = app.set_my_prefs(&s1, prefs, false).unwrap();
        assert_eq!(saved.email.as_deref(), Some("s1@example.ru"));
        set(&w, "2026-12-07T19:30:00.000000Z");
        let c = company(app, &c1, "7728168971", "Лютик-2");
        hand(app, &c1, &s1, &c).unwrap();
        app.fan_out(ALL).unwrap();
        let mail: Vec<Delivery> = deliveries(&w)
            .into_iter()
            .filter(|d| d.channel == "email")
            .collect();
        assert_eq!(mail.len(), 1);
        assert_eq!(mail[0].next_at, "2026-12-08T06:00:00.000000Z");
        let due = app.due_deliveries(100).unwrap();
        assert_eq!(due.len(), 2, "the two webhook deliveries, not the e-mail");
        set(&w, "2026-12-08T06:00:00.000000Z");
        let due = app.due_deliveries(100).unwrap();
        let email = due
            .iter()
            .find_map(|o| match &o.to {
                Destination::Email { to, subject, body } => {
                    Some((to.clone(), subject.clone(), body.clone()))
                }
                _ => None,
            })
            .expect("the e-mail is due at 09:00 MSK");
        assert_eq!(email.0, "s1@example.ru");
        assert_eq!(email.1, "Новый тёплый лид");
        assert!(
            email.2.starts_with("Вам передан тёплый лид: Лютик-2."),
            "{}",
            email.2
        );
        // The webhook's body is the stored payload, byte for byte.
        let body = due
            .iter()
            .find_map(|o| match &o.to {
                Destination::Webhook { body, .. } if o.event_id == handed[0].id => {
                    Some(body.clone())
                }
                _ => None,
            })
            .unwrap();
        assert_eq!(body, handed[0].payload);
    }
}

#[test]
fn failures_back_off_give_up_and_disable_the_webhook() {
    for scratch in baton_store::scratch::ScratchDb::all() {
        let w = World::on(scratch, "2026-12-07T12:00:00.000000Z", 282);
        let app = &w.app;
        let (c1, s1) = (w.person("c1", "caller"), w.person("s1", "sales_manager"));
        let h = hook(app, &w.admin, &[]);
        let policy = RetryPolicy {
            first: Duration::seconds(30),
            cap: Duration::hours(6),
            attempts: 3,
            disable_after: 4,
        };
        let down = Attempt {
            code: Some(503),
            error: Some("the receiver answered 503".into()),
        };
        let a = company(app, &c1, "7707083893", "Ромашка");
        hand(app, &c1, &s1, &a).unwrap();
        app.fan_out(ALL).unwrap();
        let first = app.due_deliveries(10).unwrap();
        assert_eq!(first.len(), 1);
        let id = first[0].delivery_id.clone();
        app.delivery_attempted(&id, &down, &policy).unwrap();
        let d = deliveries(&w).into_iter().find(|d| d.id == id).unwrap();
        assert_eq!(
            (d.status.as_str(), d.attempts, d.last_code),
            ("pending", 1, Some(503))
        );
        assert_eq!(d.next_at, "2026-12-07T12:00:30.000000Z");
        assert!(
            app.due_deliveries(10).unwrap().is_empty(),
            "not before its time"
        );
        set(&w, "2026-12-07T12:00:30.000000Z");
        app.delivery_attempted(&id, &down, &policy).unwrap();
        let d = deliveries(&w).into_iter().find(|d| d.id == id).unwrap();
        assert_eq!(
            d.next_at, "2026-12-07T12:01:30.000000Z",
            "60 s after the second failure"
        );
        set(&w, "2026-12-07T12:01:30.000000Z");
        app.delivery_attempted(&id, &down, &policy).unwrap();
        let d = deliveries(&w).into_iter().find(|d| d.id == id).unwrap();
        assert_eq!(
            (d.status.as_str(), d.attempts),
            ("failed", 3),
            "given up after 3 attempts"
        );
        let wh = |w: &World| w.app.db.read(|tx| tx.get::<Webhook>(&h)).unwrap().unwrap();
        assert_eq!((wh(&w).active, wh(&w).failures), (true, 3));

        // A fourth failure in a row, on the next event, disables the webhook and tells the admin.
        let b = company(app, &c1, "7736050003", "Лютик");
        hand(app, &c1, &s1, &b).unwrap();
        app.fan_out(ALL).unwrap();
        // Both events of the handoff (lead.handed) are delivered to a webhook of all kinds.
        let next = app.due_deliveries(10).unwrap();
        assert_eq!(next.len(), 1);
        app.delivery_attempted(&next[0].delivery_id, &down, &policy)
            .unwrap();
        let hw = wh(&w);
        assert!(!hw.active);
        assert_eq!(
            hw.disabled_at.as_deref(),
            Some("2026-12-07T12:01:30.000000Z")
        );
        let audit = app
            .db
            .read(|tx| tx.list::<AuditEvent>(&Filter::new().eq("action", "webhook.disabled")))
            .unwrap();
        assert_eq!(audit.len(), 1);
        app.fan_out(ALL).unwrap();
        let told = app.my_notes(&w.admin, Paging::default()).unwrap();
        assert_eq!(told.items.len(), 1);
        assert_eq!(
            told.items[0].text,
            "Вебхук http://127.0.0.1:9/hook отключён после 4 неудачных попыток подряд. Проверьте получателя и включите его снова."
        );
        // Pending deliveries of a disabled webhook are closed, not sent.
        let redo = app.redeliver(&w.admin, &id).unwrap();
        assert_eq!(redo.status, "pending");
        assert!(app.due_deliveries(10).unwrap().is_empty());
        let d = deliveries(&w).into_iter().find(|d| d.id == id).unwrap();
        assert_eq!(d.status, "failed");
        assert_eq!(d.last_error.as_deref(), Some("webhook disabled or removed"));
        // Enabled again, it starts from zero; a redelivery is sent.
        let on = app.set_webhook_active(&w.admin, &h, true).unwrap();
        assert_eq!((on.active, on.failures), (true, 0));
        app.redeliver(&w.admin, &id).unwrap();
        let again = app.due_deliveries(10).unwrap();
        assert_eq!(again.len(), 1);
        app.delivery_attempted(
            &id,
            &Attempt {
                code: Some(200),
                error: None,
            },
            &policy,
        )
        .unwrap();
        let d = deliveries(&w).into_iter().find(|d| d.id == id).unwrap();
        assert_eq!((d.status.as_str(), d.attempts), ("delivered", 4));

        // Only directors and admins manage webhooks.
        assert!(matches!(app.webhooks(&s1), Err(AppError::Forbidden(_))));
        assert!(matches!(
            app.redeliver(&c1, &id),
            Err(AppError::Forbidden(_))
        ));
    }
}

#[test]
fn the_clock_raises_task_and_sla_events_once() {
    for scratch in baton_store::scratch::ScratchDb::all() {
        let w = World::on(scratch, "2026-12-07T12:00:00.000000Z", 283);
        let app = &w.app;
        let (c1, s1) = (w.person("c1", "caller"), w.person("s1", "sales_manager"));
        let a = company(app, &c1, "7707083893", "Ромашка");
        // The handoff's call would close a callback set before it.
        hand(app, &c1, &s1, &a).unwrap();
        app.add_task(
            &c1,
            baton_app::conveyor::tasks::NewTask {
                kind: "call_back".into(),
                due_at: "07.12.2026 16:00".into(),
                company_id: a.clone(),
                owner_id: None,
                lead_id: None,
                invoice_id: None,
                note: Some("уточнить бюджет".into()),
            },
        )
        .unwrap();
        assert_eq!(
            app.raise_timed_events().unwrap(),
            0,
            "nothing is due at 15:00 MSK"
        );
        // 16:00 MSK: the callback is due.
        set(&w, "2026-12-07T13:00:00.000000Z");
        assert_eq!(app.raise_timed_events().unwrap(), 1);
        assert_eq!(app.raise_timed_events().unwrap(), 0, "raised once");
        app.fan_out(ALL).unwrap();
        let c1_notes = app.my_notes(&c1, Paging::default()).unwrap();
        assert_eq!(
            c1_notes.items[0].text,
            "Пора перезвонить: Ромашка, срок 07.12.2026 16:00. уточнить бюджет"
        );
        // Two hours before the lead's SLA ends (12:00 UTC on the 8th), s1 is reminded.
        set(&w, "2026-12-08T09:59:00.000000Z");
        assert_eq!(app.raise_timed_events().unwrap(), 0);
        set(&w, "2026-12-08T10:00:00.000000Z");
        assert_eq!(app.raise_timed_events().unwrap(), 1);
        assert_eq!(app.raise_timed_events().unwrap(), 0);
        assert_eq!(events(&w, "lead.sla_soon").len(), 1);
        app.fan_out(ALL).unwrap();
        let s1_notes = app.my_notes(&s1, Paging::default()).unwrap();
        assert_eq!(
            s1_notes.items[0].text,
            "Лид Ромашка ждёт вашего решения: срок — 08.12.2026 15:00."
        );
    }
}

#[test]
fn telegram_is_linked_by_a_code_sent_to_the_bot() {
    let w = World::new("2026-12-07T12:00:00.000000Z", 284);
    let app = &w.app;
    let s1 = w.person("s1", "sales_manager");
    let code = app.telegram_code(&s1).unwrap();
    assert_eq!(code.len(), 10);
    let wrong = app
        .telegram_messages(&[BotMessage {
            chat_id: 7,
            text: "/start 0000000000".into(),
        }])
        .unwrap();
    assert!(wrong.is_empty());
    let linked = app
        .telegram_messages(&[BotMessage {
            chat_id: 4242,
            text: format!("/start {code}"),
        }])
        .unwrap();
    assert_eq!(
        linked,
        vec![(
            4242,
            "Готово: уведомления Baton будут приходить в этот чат.".to_string()
        )]
    );
    let p = app.my_prefs(&s1).unwrap();
    assert_eq!((p.telegram_chat, p.telegram_code), (Some(4242), None));
    // The code works once.
    assert!(
        app.telegram_messages(&[BotMessage {
            chat_id: 1,
            text: format!("/start {code}")
        }])
        .unwrap()
        .is_empty()
    );
    // Saving settings keeps the chat; unlinking removes it.
    let kept = app
        .set_my_prefs(&s1, NotifyPrefs::default(), false)
        .unwrap();
    assert_eq!(kept.telegram_chat, Some(4242));
    let gone = app.set_my_prefs(&s1, NotifyPrefs::default(), true).unwrap();
    assert_eq!(gone.telegram_chat, None);
    // A bad address or an unknown kind is refused, naming the field.
    let bad = app.set_my_prefs(
        &s1,
        NotifyPrefs {
            email: Some("не почта".into()),
            ..Default::default()
        },
        false,
    );
    assert!(matches!(bad, Err(AppError::Invalid { ref field, .. }) if field == "email"));
    let bad = app.set_my_prefs(
        &s1,
        NotifyPrefs {
            channels: [("lead.nope".to_string(), vec![Channel::App])].into(),
            ..Default::default()
        },
        false,
    );
    assert!(matches!(bad, Err(AppError::Invalid { ref field, .. }) if field == "channels"));
}

#[test]
fn webhook_addresses_inside_the_network_are_refused() {
    for url in [
        "http://localhost/x",
        "http://127.0.0.1:8080/x",
        "https://10.0.0.5/x",
        "http://192.168.1.1/",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/x",
        "http://printer.local/",
    ] {
        assert!(check_url(url, false).is_err(), "{url}");
        assert!(
            check_url(url, true).is_ok(),
            "{url} allowed on a private network"
        );
    }
    for url in [
        "ftp://example.com/",
        "https://user:pw@example.com/",
        "https:///x",
        "https://exa mple.com/",
    ] {
        assert!(check_url(url, true).is_err(), "{url}");
    }
    assert!(check_url("https://hooks.example.com/baton?x=1", false).is_ok());
}
