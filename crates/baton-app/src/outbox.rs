//! The outbox (issue 18 §4–5): events are written by the transaction of the change they report
//! (`App::audit` calls [`App::outbox_write`]), so a crash neither loses nor invents one. The
//! dispatcher (baton-web) then, on the leading server only:
//! 1. adds the events the clock raises (a task falls due, a lead's SLA nears its end, an
//!    alert is raised), under ids made from what they are about, so each is raised once;
//! 2. fans each new event out: one delivery per webhook subscribed to it and per person and
//!    channel it concerns (a unique index makes a second one impossible), an in-app note;
//! 3. takes the due deliveries, sends them (an adapter's work) and records each attempt.

use crate::clock::{parse_stamp, stamp};
use crate::error::AppResult;
use crate::notify::{self, Channel, NotifyPrefs};
use crate::{Actor, App};
use baton_domain::event::{EventKind, RetryPolicy, recipients};
use baton_store::records::{Delivery, OutboxEvent, Webhook};
use baton_store::{Filter, Tx};
use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// Events older than this when fanned out are not told to people (webhooks still get them):
/// a note about yesterday's lead is noise, and history imported or generated is not news.
const NEWS_FOR: Duration = Duration::hours(24);

/// How long before a warm lead's acceptance deadline its sales manager is reminded.
const SLA_WARNING: Duration = Duration::hours(2);

/// Deliveries closed without sending, and why.
type Closed = Vec<(String, &'static str)>;

/// One delivery ready to send, with everything the adapter needs.
#[derive(Clone, Debug)]
pub struct Outgoing {
    pub delivery_id: String,
    pub event_id: String,
    pub kind: String,
    pub attempt: i64,
    pub to: Destination,
}

/// What to send where.
#[derive(Clone, Debug)]
pub enum Destination {
    /// POST `body` to `url`, signed with `secret`.
    Webhook {
        url: String,
        secret: String,
        body: String,
    },
    Email {
        to: String,
        subject: String,
        body: String,
    },
    Telegram {
        chat_id: i64,
        text: String,
    },
}

/// How one attempt ended: the receiver's status code if it answered, and why it failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attempt {
    pub code: Option<i64>,
    pub error: Option<String>,
}

impl Attempt {
    pub fn ok(&self) -> bool {
        self.error.is_none()
    }
}

/// Which channels the server can send on (their servers are configured).
#[derive(Clone, Copy, Debug, Default)]
pub struct Channels {
    pub email: bool,
    pub telegram: bool,
}

impl App {
    /// Records the event a change makes, if it is one: called by `audit` in the change's own
    /// transaction. `after` is the whole record as the change left it.
    pub(crate) fn outbox_write(
        &self,
        tx: &mut Tx<'_>,
        action: &str,
        after: Option<&Value>,
    ) -> AppResult<()> {
        let handoff_kind = after.and_then(|a| a.get("kind")).and_then(Value::as_str);
        let Some(kind) = EventKind::of_action(action, handoff_kind) else {
            return Ok(());
        };
        let mut data = after.cloned().unwrap_or(Value::Null);
        if matches!(kind, EventKind::PeriodApproved | EventKind::PeriodPaid)
            && let Some(period) = data.get("id").and_then(Value::as_str).map(str::to_string)
        {
            let people: Vec<String> = tx
                .query(
                    "SELECT DISTINCT employee_id FROM pay_statements WHERE period = ?",
                    &[period.as_str().into()],
                )?
                .iter()
                .map(|r| r.text(0))
                .collect();
            data["employees"] = json!(people);
        }
        self.outbox_insert(tx, &self.new_id(), kind, data)
    }

    fn outbox_insert(
        &self,
        tx: &mut Tx<'_>,
        id: &str,
        kind: EventKind,
        data: Value,
    ) -> AppResult<()> {
        let now = stamp(self.now());
        let company = match data.get("company_id").and_then(Value::as_str) {
            Some(cid) => tx
                .get::<baton_store::records::Company>(cid)?
                .map(|c| json!({"id": c.id, "inn": c.inn, "name": c.name})),
            None => None,
        };
        let payload = json!({
            "id": id, "type": kind.id(), "occurred_at": now, "company": company, "data": data,
        });
        tx.exec(
            "INSERT INTO outbox_events (id, kind, at, payload, fanned_out_at) VALUES (?, ?, ?, ?, NULL) ON CONFLICT (id) DO NOTHING",
            &[id.into(), kind.id().into(), now.as_str().into(), payload.to_string().into()],
        )?;
        Ok(())
    }

    /// The events the clock raises: tasks falling due, warm leads two hours from their
    /// acceptance deadline, alerts raised about a person's records.
    pub fn raise_timed_events(&self) -> AppResult<usize> {
        let now = self.now();
        let (n, recent) = (stamp(now), stamp(now - NEWS_FOR));
        let soon = stamp(now + SLA_WARNING);
        let found = self
            .db
            .read(|tx| -> AppResult<Vec<(String, EventKind, Value)>> {
                let mut found = Vec::new();
                for t in tx.list::<baton_store::records::Task>(
                    &Filter::new().eq("closed_at", baton_store::Value::Null).raw(
                        "due_at <= ? AND due_at > ?",
                        vec![n.as_str().into(), recent.as_str().into()],
                    ),
                )? {
                    let id = format!("task.due:{}:{}", t.id, t.due_at);
                    found.push((
                        id,
                        EventKind::TaskDue,
                        serde_json::to_value(&t).unwrap_or_default(),
                    ));
                }
                for h in tx.list::<baton_store::records::Handoff>(
                    &Filter::new()
                        .eq("status", "pending")
                        .eq("kind", "lead")
                        .raw(
                            "due_at <= ? AND due_at > ?",
                            vec![soon.as_str().into(), n.as_str().into()],
                        ),
                )? {
                    let id = format!("lead.sla_soon:{}", h.id);
                    found.push((
                        id,
                        EventKind::LeadSlaSoon,
                        serde_json::to_value(&h).unwrap_or_default(),
                    ));
                }
                for a in tx.list::<baton_store::records::AlertLogRow>(
                    &Filter::new()
                        .eq("cleared_at", baton_store::Value::Null)
                        .raw("raised_at > ?", vec![recent.as_str().into()]),
                )? {
                    let id = format!("alert.raised:{}:{}", a.id, a.raised_at);
                    found.push((
                        id,
                        EventKind::AlertRaised,
                        serde_json::to_value(&a).unwrap_or_default(),
                    ));
                }
                let mut new = Vec::new();
                for f in found {
                    if tx.get::<OutboxEvent>(&f.0)?.is_none() {
                        new.push(f);
                    }
                }
                Ok(new)
            })?;
        if found.is_empty() {
            return Ok(0);
        }
        let n = found.len();
        self.db.tx(|tx| {
            for (id, kind, data) in found {
                self.outbox_insert(tx, &id, kind, data)?;
            }
            Ok::<_, crate::AppError>(())
        })?;
        Ok(n)
    }

    /// Lists the deliveries of events not yet fanned out, 2 000 at a time.
    pub fn fan_out(&self, channels: Channels) -> AppResult<usize> {
        let events = self.db.read(|tx| {
            tx.list::<OutboxEvent>(
                &Filter::new()
                    .eq("fanned_out_at", baton_store::Value::Null)
                    .order("id", false)
                    .page(2000, 0),
            )
        })?;
        if events.is_empty() {
            return Ok(0);
        }
        let now = self.now();
        let cfg = self.config()?;
        self.db.tx(|tx| {
            let hooks = tx.list::<Webhook>(&Filter::new().eq("active", 1i64))?;
            let mut prefs: BTreeMap<String, NotifyPrefs> = BTreeMap::new();
            for ev in &events {
                let Some(kind) = EventKind::parse(&ev.kind) else { continue };
                for h in &hooks {
                    let wants: Vec<String> = serde_json::from_str(&h.events).unwrap_or_default();
                    if wants.iter().any(|w| w == kind.id()) && ev.at >= h.created_at {
                        self.new_delivery(tx, &ev.id, "webhook", &h.id, now)?;
                    }
                }
                let at = parse_stamp(&ev.at).unwrap_or(now);
                if !kind.notifies() || at < now - NEWS_FOR {
                    continue;
                }
                let payload: Value = serde_json::from_str(&ev.payload).unwrap_or_default();
                let data = payload.get("data").cloned().unwrap_or_default();
                for person in recipients(kind, &data) {
                    if !prefs.contains_key(&person) {
                        let p = notify::prefs_in(tx, &person)?;
                        prefs.insert(person.clone(), p);
                    }
                    let p = &prefs[&person];
                    for ch in p.channels_for(kind) {
                        match ch {
                            Channel::App => {
                                tx.exec(
                                    "INSERT INTO notifications (id, employee_id, event_id, kind, payload, created_at, read_at) VALUES (?, ?, ?, ?, ?, ?, NULL) ON CONFLICT (employee_id, event_id) DO NOTHING",
                                    &[self.new_id().into(), person.as_str().into(), ev.id.as_str().into(), ev.kind.as_str().into(), ev.payload.as_str().into(), stamp(now).into()],
                                )?;
                            }
                            Channel::Email if channels.email && p.email.is_some() => {
                                let at = p.quiet.map_or(now, |q| q.release(now, cfg.tz()));
                                self.new_delivery(tx, &ev.id, "email", &person, at)?;
                            }
                            Channel::Telegram if channels.telegram && p.telegram_chat.is_some() => {
                                let at = p.quiet.map_or(now, |q| q.release(now, cfg.tz()));
                                self.new_delivery(tx, &ev.id, "telegram", &person, at)?;
                            }
                            _ => {}
                        }
                    }
                }
            }
            // Marked by id, 200 to a statement: a round trip each would be most of the cost.
            let at = stamp(now);
            for chunk in events.chunks(200) {
                let marks = vec!["?"; chunk.len()].join(", ");
                let mut vals: Vec<baton_store::Value> = vec![at.as_str().into()];
                vals.extend(chunk.iter().map(|e| e.id.as_str().into()));
                tx.exec(
                    &format!("UPDATE outbox_events SET fanned_out_at = ? WHERE fanned_out_at IS NULL AND id IN ({marks})"),
                    &vals,
                )?;
            }
            Ok::<_, crate::AppError>(())
        })?;
        Ok(events.len())
    }

    fn new_delivery(
        &self,
        tx: &mut Tx<'_>,
        event_id: &str,
        channel: &str,
        target: &str,
        at: DateTime<Utc>,
    ) -> AppResult<()> {
        tx.exec(
            "INSERT INTO deliveries (id, event_id, channel, target, status, attempts, next_at, last_code, last_error, delivered_at, created_at) VALUES (?, ?, ?, ?, 'pending', 0, ?, NULL, NULL, NULL, ?) ON CONFLICT (event_id, channel, target) DO NOTHING",
            &[self.new_id().into(), event_id.into(), channel.into(), target.into(), stamp(at).into(), stamp(self.now()).into()],
        )?;
        Ok(())
    }

    /// The deliveries due now (at most `limit`), ready to send. A delivery whose webhook was
    /// disabled or whose person unlinked the channel is closed as failed, with the reason.
    pub fn due_deliveries(&self, limit: i64) -> AppResult<Vec<Outgoing>> {
        let now = stamp(self.now());
        let cfg = self.config()?;
        let (out, gone) = self.db.read(|tx| -> AppResult<(Vec<Outgoing>, Closed)> {
            let due = tx.list::<Delivery>(
                &Filter::new()
                    .eq("status", "pending")
                    .raw("next_at <= ?", vec![now.as_str().into()])
                    .order("next_at", false)
                    .page(limit, 0),
            )?;
            let (mut out, mut gone) = (Vec::new(), Vec::new());
            for d in due {
                let Some(ev) = tx.get::<OutboxEvent>(&d.event_id)? else {
                    continue;
                };
                let send = match d.channel.as_str() {
                    "webhook" => match tx.get::<Webhook>(&d.target)? {
                        Some(h) if h.active => Destination::Webhook {
                            url: h.url,
                            secret: h.secret,
                            body: ev.payload.clone(),
                        },
                        _ => {
                            gone.push((d.id.clone(), "webhook disabled or removed"));
                            continue;
                        }
                    },
                    ch => {
                        let p = notify::prefs_in(tx, &d.target)?;
                        let payload: Value = serde_json::from_str(&ev.payload).unwrap_or_default();
                        let text = notify::render(&payload, p.lang(), cfg.tz());
                        match (ch, &p.email, p.telegram_chat) {
                            ("email", Some(to), _) => Destination::Email {
                                to: to.clone(),
                                subject: text.subject,
                                body: text.body,
                            },
                            ("telegram", _, Some(chat_id)) => Destination::Telegram {
                                chat_id,
                                text: text.telegram(),
                            },
                            _ => {
                                gone.push((d.id.clone(), "the person removed this channel"));
                                continue;
                            }
                        }
                    }
                };
                out.push(Outgoing {
                    delivery_id: d.id,
                    event_id: d.event_id,
                    kind: ev.kind,
                    attempt: d.attempts + 1,
                    to: send,
                });
            }
            Ok((out, gone))
        })?;
        if !gone.is_empty() {
            self.db.tx(|tx| {
                for (id, why) in &gone {
                    tx.exec(
                        "UPDATE deliveries SET status = 'failed', last_error = ? WHERE id = ? AND status = 'pending'",
                        &[(*why).into(), id.as_str().into()],
                    )?;
                }
                Ok::<_, crate::AppError>(())
            })?;
        }
        Ok(out)
    }

    /// Records one attempt. A failure is tried again after the policy's backoff, up to its
    /// last attempt; a webhook failing `disable_after` times in a row is disabled and the
    /// directors and admins are told.
    pub fn delivery_attempted(
        &self,
        delivery_id: &str,
        attempt: &Attempt,
        policy: &RetryPolicy,
    ) -> AppResult<()> {
        let now = self.now();
        self.db.tx(|tx| {
            let Some(mut d) = tx.get::<Delivery>(delivery_id)? else { return Ok(()) };
            if d.status != "pending" {
                return Ok(());
            }
            d.attempts += 1;
            d.last_code = attempt.code;
            d.last_error = attempt.error.as_ref().map(|e| e.chars().take(500).collect());
            if attempt.ok() {
                d.status = "delivered".into();
                d.delivered_at = Some(stamp(now));
            } else {
                match policy.next_after(d.attempts, now) {
                    Some(at) => d.next_at = stamp(at),
                    None => d.status = "failed".into(),
                }
            }
            tx.update(&d, None)?;
            if d.channel == "webhook"
                && let Some(mut h) = tx.get::<Webhook>(&d.target)?
            {
                let before = h.clone();
                h.failures = if attempt.ok() { 0 } else { h.failures + 1 };
                if h.active && h.failures >= policy.disable_after {
                    h.active = false;
                    h.disabled_at = Some(stamp(now));
                }
                if h != before {
                    tx.update(&h, None)?;
                }
                if before.active && !h.active {
                    self.audit(tx, None, "webhook", &h.id, "webhook.disabled", Some(&crate::webhooks::shown(&before)), Some(&crate::webhooks::shown(&h)))?;
                    let admins: Vec<String> = tx
                        .query(
                            "SELECT DISTINCT employee_id FROM role_assignments WHERE role IN ('director', 'admin') AND valid_from <= ? AND (valid_to IS NULL OR valid_to >= ?)",
                            &[now.date_naive().to_string().into(), now.date_naive().to_string().into()],
                        )?
                        .iter()
                        .map(|r| r.text(0))
                        .collect();
                    let data = json!({"webhook": crate::webhooks::shown(&h), "employees": admins, "failures": h.failures});
                    self.outbox_insert(tx, &self.new_id(), EventKind::WebhookDisabled, data)?;
                }
            }
            Ok(())
        })
    }

    /// The next attempt of a delivery now (the log's «Отправить снова»): a failed or
    /// delivered one is sent once more, as a new attempt.
    pub fn redeliver(&self, actor: &Actor, delivery_id: &str) -> AppResult<Delivery> {
        crate::rights::require(actor, crate::rights::Action::ManageWebhooks)?;
        let now = stamp(self.now());
        self.db.tx(|tx| {
            let mut d = tx
                .get::<Delivery>(delivery_id)?
                .ok_or_else(|| crate::AppError::not_found("delivery", delivery_id))?;
            let before = d.clone();
            d.status = "pending".into();
            d.next_at = now.clone();
            tx.update(&d, None)?;
            self.audit(
                tx,
                Some(actor),
                "delivery",
                &d.id,
                "delivery.redelivered",
                Some(&before),
                Some(&d),
            )?;
            Ok(d)
        })
    }
}
