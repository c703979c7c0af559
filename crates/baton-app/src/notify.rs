//! Notifications (issue 18 §4): each person chooses, per event kind, the channels they are told
//! on: in Baton (always available), e-mail, Telegram. Their choices, e-mail address, linked
//! Telegram chat, language and quiet hours are one setting, `notify:<person id>`. The texts come
//! from the catalog in the person's language.

use crate::clock::{parse_stamp, stamp};
use crate::error::{AppError, AppResult};
use crate::{Actor, App, Page, Paging};
use baton_catalog::{Lang, Text};
use baton_domain::event::{EventKind, QuietHours};
use baton_store::records::{Notification, Setting};
use baton_store::{Filter, Tx};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// Where a person is told.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    App,
    Email,
    Telegram,
}

impl Channel {
    pub const ALL: [Channel; 3] = [Channel::App, Channel::Email, Channel::Telegram];
    pub fn id(self) -> &'static str {
        match self {
            Channel::App => "app",
            Channel::Email => "email",
            Channel::Telegram => "telegram",
        }
    }
}

/// A person's notification settings.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NotifyPrefs {
    /// The address e-mail goes to.
    #[serde(default)]
    pub email: Option<String>,
    /// The linked Telegram chat (set by linking, never typed).
    #[serde(default)]
    pub telegram_chat: Option<i64>,
    /// The code to send the company's bot to link a chat, while linking.
    #[serde(default)]
    pub telegram_code: Option<String>,
    /// `ru` (default) or `en`.
    #[serde(default)]
    pub lang: Option<String>,
    /// Nothing but in-app notes arrives in these hours (the company's time zone).
    #[serde(default)]
    pub quiet: Option<QuietHours>,
    /// Channels per event kind (`lead.handed`: `[app, email]`). A kind not listed is told in
    /// Baton only.
    #[serde(default)]
    pub channels: BTreeMap<String, Vec<Channel>>,
}

impl NotifyPrefs {
    pub fn channels_for(&self, kind: EventKind) -> Vec<Channel> {
        self.channels
            .get(kind.id())
            .cloned()
            .unwrap_or_else(|| vec![Channel::App])
    }
    pub fn lang(&self) -> Lang {
        self.lang
            .as_deref()
            .and_then(Lang::parse)
            .unwrap_or_default()
    }
}

pub(crate) fn key(person: &str) -> String {
    format!("notify:{person}")
}

pub(crate) fn prefs_in(tx: &mut Tx<'_>, person: &str) -> AppResult<NotifyPrefs> {
    Ok(tx
        .get::<Setting>(&key(person))?
        .and_then(|s| serde_json::from_str(&s.value).ok())
        .unwrap_or_default())
}

/// A notification's words: a subject line and a body with the link to open.
pub struct Words {
    pub subject: String,
    pub body: String,
    pub link: &'static str,
}

impl Words {
    pub fn telegram(&self) -> String {
        format!("{}\n{}", self.subject, self.body)
    }
}

/// Where a person acts on an event of this kind.
pub fn link(kind: EventKind) -> &'static str {
    match kind {
        EventKind::LeadHanded | EventKind::LeadSlaSoon | EventKind::LeadAccepted => "/inbox",
        EventKind::LeadRejected => "/calls",
        EventKind::ClientHandedOver => "/handovers",
        EventKind::TaskDue => "/my/day",
        EventKind::AlertRaised => "/my/alerts",
        EventKind::PeriodApproved | EventKind::PeriodPaid => "/my/money",
        EventKind::WebhookDisabled => "/settings/webhooks",
        EventKind::ContractSigned | EventKind::PaymentRecorded => "/",
    }
}

/// Renders an outbox payload for a person: the catalog's `note-<kind>` message, with the
/// company's name, times in the company's zone and the record's own words as arguments.
pub fn render(payload: &Value, lang: Lang, tz: Tz) -> Words {
    let kind = payload
        .get("type")
        .and_then(Value::as_str)
        .and_then(EventKind::parse);
    let data = payload.get("data").cloned().unwrap_or_default();
    let s = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    let company = payload
        .get("company")
        .map(|c| s(c, "name"))
        .unwrap_or_default();
    let time = |k: &str| {
        parse_stamp(&s(&data, k))
            .map(|t| t.with_timezone(&tz).format("%d.%m.%Y %H:%M").to_string())
            .unwrap_or_default()
    };
    let Some(kind) = kind else {
        return Words {
            subject: "Baton".into(),
            body: String::new(),
            link: "/",
        };
    };
    let id = format!("note-{}", kind.id().replace(['.', '_'], "-"));
    let mut t = Text::new(id.clone())
        .arg("company", company)
        .arg("due", time("due_at"));
    t = match kind {
        EventKind::TaskDue => t
            .term("task", "task", &s(&data, "kind"))
            .arg("note", s(&data, "note")),
        EventKind::LeadRejected => t.arg(
            "reason",
            data.get("reason_text")
                .and_then(Value::as_str)
                .or_else(|| data.get("reason").and_then(Value::as_str))
                .unwrap_or("")
                .to_string(),
        ),
        EventKind::AlertRaised => t.arg(
            "message",
            s(
                &data,
                if lang == Lang::Ru {
                    "message_ru"
                } else {
                    "message"
                },
            ),
        ),
        EventKind::PeriodApproved | EventKind::PeriodPaid => t.arg("period", s(&data, "id")),
        EventKind::WebhookDisabled => t
            .arg(
                "url",
                data.get("webhook").map(|w| s(w, "url")).unwrap_or_default(),
            )
            .num(
                "failures",
                data.get("failures").and_then(Value::as_i64).unwrap_or(0),
            ),
        _ => t,
    };
    Words {
        subject: Text::new(format!("{id}-subject")).render(lang),
        body: t.render(lang),
        link: link(kind),
    }
}

/// An in-app notification as a person reads it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct NoteView {
    pub id: String,
    pub kind: String,
    pub subject: String,
    pub text: String,
    /// Where to act on it.
    pub link: String,
    pub created_at: String,
    pub read: bool,
}

/// The person's notes, newest first, and how many are unread.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Notes {
    pub unread: i64,
    #[schema(value_type = Vec<NoteView>)]
    pub items: Vec<NoteView>,
    pub total: i64,
}

/// A Telegram message the bot received (the adapter reads `getUpdates`).
#[derive(Clone, Debug)]
pub struct BotMessage {
    pub chat_id: i64,
    pub text: String,
}

impl App {
    pub fn my_prefs(&self, actor: &Actor) -> AppResult<NotifyPrefs> {
        crate::rights::require(actor, crate::rights::Action::ReadNotifications)?;
        self.db.read(|tx| prefs_in(tx, &actor.id))
    }

    /// Saves the person's own choices. The linked chat is kept (only linking sets it);
    /// `telegram_chat: null` with `unlink_telegram` removes it.
    pub fn set_my_prefs(
        &self,
        actor: &Actor,
        mut prefs: NotifyPrefs,
        unlink_telegram: bool,
    ) -> AppResult<NotifyPrefs> {
        crate::rights::require(actor, crate::rights::Action::ReadNotifications)?;
        if let Some(e) = prefs
            .email
            .as_deref()
            .map(str::trim)
            .filter(|e| !e.is_empty())
        {
            let ok = e.len() <= 254
                && e.split_once('@').is_some_and(|(l, d)| {
                    !l.is_empty() && d.contains('.') && !d.starts_with('.') && !d.ends_with('.')
                })
                && !e.chars().any(|c| {
                    c.is_whitespace()
                        || c.is_control()
                        || c == ','
                        || c == ';'
                        || c == '<'
                        || c == '>'
                });
            if !ok {
                return Err(AppError::invalid(
                    "email",
                    Text::new("err-email-invalid").arg("value", e),
                ));
            }
            prefs.email = Some(e.to_string());
        } else {
            prefs.email = None;
        }
        if let Some(l) = prefs.lang.as_deref() {
            prefs.lang = Some(
                Lang::parse(l)
                    .ok_or_else(|| {
                        AppError::invalid("lang", Text::new("err-lang-invalid").arg("value", l))
                    })?
                    .code()
                    .to_string(),
            );
        }
        for k in prefs.channels.keys() {
            if EventKind::parse(k).is_none_or(|k| !k.notifies()) {
                return Err(AppError::invalid(
                    "channels",
                    Text::new("err-event-kind-unknown").arg("value", k.as_str()),
                ));
            }
        }
        for v in prefs.channels.values_mut() {
            v.sort();
            v.dedup();
        }
        self.db.tx(|tx| {
            let before = prefs_in(tx, &actor.id)?;
            prefs.telegram_chat = if unlink_telegram {
                None
            } else {
                before.telegram_chat
            };
            prefs.telegram_code = before.telegram_code.clone();
            write_prefs(tx, &actor.id, &prefs)?;
            self.audit(
                tx,
                Some(actor),
                "settings",
                &key(&actor.id),
                "settings.notifications",
                Some(&before),
                Some(&prefs),
            )?;
            Ok(prefs)
        })
    }

    /// A fresh code the person sends the company's bot (`/start <code>`) to link their chat.
    pub fn telegram_code(&self, actor: &Actor) -> AppResult<String> {
        crate::rights::require(actor, crate::rights::Action::ReadNotifications)?;
        let mut raw = [0u8; 5];
        self.ids.bytes(&mut raw);
        let code = hex::encode(raw);
        self.db.tx(|tx| {
            let mut p = prefs_in(tx, &actor.id)?;
            p.telegram_code = Some(code.clone());
            write_prefs(tx, &actor.id, &p)
        })?;
        Ok(code)
    }

    /// The bot's messages: `/start <code>` links the chat it came from to the person holding
    /// that code (the code then expires). Answers the chats linked, to confirm to them.
    pub fn telegram_messages(&self, messages: &[BotMessage]) -> AppResult<Vec<(i64, String)>> {
        let codes: Vec<(i64, String)> = messages
            .iter()
            .filter_map(|m| {
                let code = m.text.trim().strip_prefix("/start")?.trim();
                (!code.is_empty()).then(|| (m.chat_id, code.to_string()))
            })
            .collect();
        if codes.is_empty() {
            return Ok(Vec::new());
        }
        self.db.tx(|tx| {
            let mut linked = Vec::new();
            let all = tx.list::<Setting>(&Filter::new().raw("id LIKE 'notify:%'", vec![]))?;
            for (chat, code) in codes {
                for s in &all {
                    let Ok(mut p) = serde_json::from_str::<NotifyPrefs>(&s.value) else {
                        continue;
                    };
                    if p.telegram_code.as_deref() == Some(code.as_str()) {
                        let person = s.id.trim_start_matches("notify:").to_string();
                        p.telegram_chat = Some(chat);
                        p.telegram_code = None;
                        write_prefs(tx, &person, &p)?;
                        self.audit(
                            tx,
                            None,
                            "settings",
                            &s.id,
                            "settings.telegram_linked",
                            None::<&()>,
                            Some(&serde_json::json!({"chat": chat})),
                        )?;
                        linked.push((chat, Text::new("note-telegram-linked").render(p.lang())));
                    }
                }
            }
            Ok(linked)
        })
    }

    /// The person's in-app notes, newest first.
    pub fn my_notes(&self, actor: &Actor, paging: Paging) -> AppResult<Notes> {
        crate::rights::require(actor, crate::rights::Action::ReadNotifications)?;
        let cfg = self.config()?;
        let f = Filter::new().eq("employee_id", actor.id.as_str());
        let page: Page<Notification> = self.page(&f.clone().order("id", true), paging)?;
        let prefs = self.db.read(|tx| prefs_in(tx, &actor.id))?;
        let unread = self.unread_notes(&actor.id)?;
        let items = page
            .items
            .into_iter()
            .map(|n| {
                let payload: Value = serde_json::from_str(&n.payload).unwrap_or_default();
                let w = render(&payload, prefs.lang(), cfg.tz());
                NoteView {
                    id: n.id,
                    kind: n.kind,
                    subject: w.subject,
                    text: w.body,
                    link: w.link.to_string(),
                    created_at: n.created_at,
                    read: n.read_at.is_some(),
                }
            })
            .collect();
        Ok(Notes {
            unread,
            items,
            total: page.total,
        })
    }

    pub fn unread_notes(&self, person: &str) -> AppResult<i64> {
        self.db.read(|tx| {
            Ok(tx.count::<Notification>(
                &Filter::new()
                    .eq("employee_id", person)
                    .eq("read_at", baton_store::Value::Null),
            )?)
        })
    }

    /// Marks the person's notes read: one, or all with `None`.
    pub fn read_notes(&self, actor: &Actor, id: Option<&str>) -> AppResult<u64> {
        crate::rights::require(actor, crate::rights::Action::ReadNotifications)?;
        let now = stamp(self.now());
        self.db.tx(|tx| {
            Ok(match id {
                Some(id) => tx.exec(
                    "UPDATE notifications SET read_at = ? WHERE id = ? AND employee_id = ? AND read_at IS NULL",
                    &[now.as_str().into(), id.into(), actor.id.as_str().into()],
                )?,
                None => tx.exec(
                    "UPDATE notifications SET read_at = ? WHERE employee_id = ? AND read_at IS NULL",
                    &[now.as_str().into(), actor.id.as_str().into()],
                )?,
            })
        })
    }
}

fn write_prefs(tx: &mut Tx<'_>, person: &str, p: &NotifyPrefs) -> AppResult<()> {
    let value = serde_json::to_string(p).map_err(|e| {
        AppError::invalid(
            "notify",
            Text::new("err-config-unwritable").arg("error", e.to_string()),
        )
    })?;
    tx.upsert(&Setting {
        id: key(person),
        value,
    })?;
    Ok(())
}
