//! Sending what the outbox holds (issue 18 §4–5): webhooks over HTTP(S), e-mail through SMTP
//! (`lettre`), Telegram through the Bot API. The use cases decide what goes where and record
//! each attempt (`baton_app::outbox`); this crate only talks to the outside world.
//!
//! The servers come from the environment, not from the database, so their passwords never
//! reach an export bundle: `BATON_SMTP_URL` (`smtp://user:pass@host:587?tls=required`, see
//! lettre's `from_url`), `BATON_SMTP_FROM`, `BATON_TELEGRAM_TOKEN`, and `BATON_TELEGRAM_API`
//! (the Bot API's address, `https://api.telegram.org` unless a test answers in its place).

use baton_app::App;
use baton_app::outbox::{Attempt, Channels, Destination, Outgoing};
use baton_domain::event::RetryPolicy;
use hmac::{Hmac, KeyInit, Mac};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use sha2::Sha256;
use std::time::Duration;

/// How a delivery is signed: `Baton-Signature: v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`
/// with `Baton-Timestamp: <t>` (Unix seconds). Receivers recompute it, compare in constant
/// time and refuse a timestamp older than five minutes (a replay).
pub fn signature(secret: &str, timestamp: i64, body: &str) -> String {
    let mut mac =
        <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes()).unwrap_or_else(|_| {
            <Hmac<Sha256> as KeyInit>::new_from_slice(b"-").expect("HMAC takes any key")
        });
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    format!("v1={}", hex::encode(mac.finalize().into_bytes()))
}

/// The outside servers this process sends through.
#[derive(Clone)]
pub struct Senders {
    http: reqwest::Client,
    smtp: Option<(AsyncSmtpTransport<Tokio1Executor>, lettre::message::Mailbox)>,
    telegram: Option<Telegram>,
    pub policy: RetryPolicy,
}

#[derive(Clone)]
struct Telegram {
    api: String,
    token: String,
}

/// A sender's configuration problem, reported at start.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error("BATON_SMTP_URL is not a usable SMTP address: {0}")]
    Smtp(String),
    #[error("BATON_SMTP_FROM is not an address: {0}")]
    From(String),
    #[error("the HTTP client could not be built: {0}")]
    Http(String),
}

impl Senders {
    /// From the environment (see the module's notes); a channel whose server is not set is
    /// off, and nobody is offered it.
    pub fn from_env() -> Result<Senders, SetupError> {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        Senders::new(
            var("BATON_SMTP_URL").as_deref(),
            var("BATON_SMTP_FROM").as_deref(),
            var("BATON_TELEGRAM_TOKEN").as_deref(),
            var("BATON_TELEGRAM_API").as_deref(),
        )
    }

    pub fn new(
        smtp_url: Option<&str>,
        smtp_from: Option<&str>,
        telegram_token: Option<&str>,
        telegram_api: Option<&str>,
    ) -> Result<Senders, SetupError> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            // A webhook's redirect could lead into the server's own network.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent("Baton-Webhooks/1")
            .build()
            .map_err(|e| SetupError::Http(e.to_string()))?;
        let smtp = match smtp_url {
            Some(url) => {
                let t = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| SetupError::Smtp(e.to_string()))?
                    .timeout(Some(Duration::from_secs(15)))
                    .build();
                let from = smtp_from
                    .unwrap_or("Baton <baton@localhost>")
                    .parse()
                    .map_err(|e: lettre::address::AddressError| SetupError::From(e.to_string()))?;
                Some((t, from))
            }
            None => None,
        };
        let telegram = telegram_token.map(|token| Telegram {
            api: telegram_api
                .unwrap_or("https://api.telegram.org")
                .trim_end_matches('/')
                .to_string(),
            token: token.to_string(),
        });
        Ok(Senders {
            http,
            smtp,
            telegram,
            policy: RetryPolicy::default(),
        })
    }

    pub fn channels(&self) -> Channels {
        Channels {
            email: self.smtp.is_some(),
            telegram: self.telegram.is_some(),
        }
    }

    /// One attempt at one delivery.
    pub async fn send(&self, out: &Outgoing) -> Attempt {
        let result = match &out.to {
            Destination::Webhook { url, secret, body } => {
                self.webhook(out, url, secret, body).await
            }
            Destination::Email { to, subject, body } => self.email(to, subject, body).await,
            Destination::Telegram { chat_id, text } => self.telegram_send(*chat_id, text).await,
        };
        let channel = match &out.to {
            Destination::Webhook { .. } => "webhook",
            Destination::Email { .. } => "email",
            Destination::Telegram { .. } => "telegram",
        };
        let outcome = if result.ok() { "delivered" } else { "failed" };
        metrics::counter!("baton_deliveries_total", "channel" => channel, "outcome" => outcome)
            .increment(1);
        result
    }

    async fn webhook(&self, out: &Outgoing, url: &str, secret: &str, body: &str) -> Attempt {
        let t = chrono::Utc::now().timestamp();
        let sent = self
            .http
            .post(url)
            .header("Content-Type", "application/json")
            .header("Baton-Event-Id", &out.event_id)
            .header("Baton-Event-Type", &out.kind)
            .header("Baton-Delivery", &out.delivery_id)
            .header("Baton-Attempt", out.attempt.to_string())
            .header("Baton-Timestamp", t.to_string())
            .header("Baton-Signature", signature(secret, t, body))
            .body(body.to_string())
            .send()
            .await;
        match sent {
            Ok(r) if r.status().is_success() => Attempt {
                code: Some(i64::from(r.status().as_u16())),
                error: None,
            },
            Ok(r) => Attempt {
                code: Some(i64::from(r.status().as_u16())),
                error: Some(format!("the receiver answered {}", r.status())),
            },
            Err(e) => Attempt {
                code: None,
                error: Some(error_chain(&e)),
            },
        }
    }

    async fn email(&self, to: &str, subject: &str, body: &str) -> Attempt {
        let Some((transport, from)) = &self.smtp else {
            return failed("e-mail is not configured on this server (BATON_SMTP_URL)");
        };
        let to = match to.parse::<lettre::message::Mailbox>() {
            Ok(m) => m,
            Err(e) => return failed(&format!("the address is not usable: {e}")),
        };
        let message = lettre::Message::builder()
            .from(from.clone())
            .to(to)
            .subject(subject)
            .header(lettre::message::header::ContentType::TEXT_PLAIN)
            .body(body.to_string());
        let message = match message {
            Ok(m) => m,
            Err(e) => return failed(&e.to_string()),
        };
        match transport.send(message).await {
            Ok(r) => Attempt {
                code: Some(i64::from(u16::from(r.code()))),
                error: None,
            },
            Err(e) => Attempt {
                code: e.status().map(|c| i64::from(u16::from(c))),
                error: Some(e.to_string()),
            },
        }
    }

    async fn telegram_send(&self, chat_id: i64, text: &str) -> Attempt {
        let Some(tg) = &self.telegram else {
            return failed("Telegram is not configured on this server (BATON_TELEGRAM_TOKEN)");
        };
        let url = format!("{}/bot{}/sendMessage", tg.api, tg.token);
        let body = serde_json::json!({"chat_id": chat_id, "text": text});
        match self.http.post(url).json(&body).send().await {
            Ok(r) => {
                let code = i64::from(r.status().as_u16());
                let ok = r.status().is_success();
                let answer: serde_json::Value = r.json().await.unwrap_or_default();
                if ok && answer.get("ok").and_then(|v| v.as_bool()) == Some(true) {
                    Attempt {
                        code: Some(code),
                        error: None,
                    }
                } else {
                    let why = answer
                        .get("description")
                        .and_then(|v| v.as_str())
                        .unwrap_or("the Bot API refused the message");
                    Attempt {
                        code: Some(code),
                        error: Some(why.to_string()),
                    }
                }
            }
            Err(e) => Attempt {
                code: None,
                error: Some(error_chain(&e)),
            },
        }
    }

    /// New messages to the bot since `offset` (the Bot API's `getUpdates`), and the next
    /// offset. A short poll: the dispatcher asks every few seconds.
    pub async fn telegram_updates(
        &self,
        offset: i64,
    ) -> Option<(Vec<baton_app::notify::BotMessage>, i64)> {
        let tg = self.telegram.as_ref()?;
        let url = format!("{}/bot{}/getUpdates", tg.api, tg.token);
        let body =
            serde_json::json!({"offset": offset, "timeout": 0, "allowed_updates": ["message"]});
        let answer: serde_json::Value = self
            .http
            .post(url)
            .json(&body)
            .send()
            .await
            .ok()?
            .json()
            .await
            .ok()?;
        let mut next = offset;
        let mut out = Vec::new();
        for u in answer.get("result")?.as_array()? {
            let id = u.get("update_id").and_then(|v| v.as_i64()).unwrap_or(0);
            next = next.max(id + 1);
            let m = u.get("message");
            let chat = m
                .and_then(|m| m.pointer("/chat/id"))
                .and_then(|v| v.as_i64());
            let text = m.and_then(|m| m.get("text")).and_then(|v| v.as_str());
            if let (Some(chat_id), Some(text)) = (chat, text) {
                out.push(baton_app::notify::BotMessage {
                    chat_id,
                    text: text.to_string(),
                });
            }
        }
        Some((out, next))
    }
}

fn failed(why: &str) -> Attempt {
    Attempt {
        code: None,
        error: Some(why.to_string()),
    }
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(inner) = src {
        s.push_str(": ");
        s.push_str(&inner.to_string());
        src = inner.source();
    }
    s
}

/// One round: the clock's events (with `clock`), the fan-out, then every due delivery sent (up to 8 at a
/// time) and its attempt recorded. Returns how many deliveries were attempted.
pub async fn round(app: &App, senders: &Senders, clock: bool) -> Result<usize, String> {
    let a = app.clone();
    let channels = senders.channels();
    let due = tokio::task::spawn_blocking(move || {
        if clock {
            a.raise_timed_events()?;
        }
        a.fan_out(channels)?;
        a.due_deliveries(100)
    })
    .await
    .map_err(|e| e.to_string())?
    .map_err(|e| e.to_string())?;
    let n = due.len();
    let mut sent = tokio::task::JoinSet::new();
    let mut queue = due.into_iter();
    loop {
        while sent.len() < 8 {
            let Some(out) = queue.next() else { break };
            let s = senders.clone();
            sent.spawn(async move {
                let r = s.send(&out).await;
                (out, r)
            });
        }
        let Some(done) = sent.join_next().await else {
            break;
        };
        let Ok((out, attempt)) = done else { continue };
        if let Some(e) = &attempt.error {
            tracing::warn!(delivery = %out.delivery_id, event = %out.event_id, error = %e, "delivery failed");
        }
        let a = app.clone();
        let policy = senders.policy;
        let recorded = tokio::task::spawn_blocking(move || {
            a.delivery_attempted(&out.delivery_id, &attempt, &policy)
        })
        .await;
        if let Ok(Err(e)) = recorded {
            tracing::error!(error = %e, "a delivery's attempt could not be recorded");
        }
    }
    Ok(n)
}

/// The advisory-lock key of the dispatcher's leadership ("baton" and 2).
const DISPATCH_KEY: i64 = 0x6261_746f_6e02;

/// Delivers until the process stops: every `tick` a round (the clock's events every 15
/// rounds), the bot's new messages every 3 s. Of several servers on one database only the
/// leader dispatches, so a delivery is not sent by two at once.
pub async fn run(app: App, senders: Senders, tick: Duration) {
    let lead = std::sync::Arc::new(std::sync::Mutex::new(app.db.leadership(DISPATCH_KEY)));
    let mut every = tokio::time::interval(tick);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let (mut n, mut offset, mut last_poll) = (0u64, 0i64, None::<std::time::Instant>);
    loop {
        every.tick().await;
        let l = lead.clone();
        let leading =
            tokio::task::spawn_blocking(move || l.lock().map(|mut l| l.lead()).unwrap_or(false))
                .await
                .unwrap_or(false);
        if !leading {
            continue;
        }
        if senders.telegram.is_some()
            && last_poll.is_none_or(|t| t.elapsed() >= Duration::from_secs(3))
        {
            last_poll = Some(std::time::Instant::now());
            if let Some((messages, next)) = senders.telegram_updates(offset).await {
                offset = next;
                let a = app.clone();
                match tokio::task::spawn_blocking(move || a.telegram_messages(&messages)).await {
                    Ok(Ok(linked)) => {
                        for (chat, text) in linked {
                            let _ = senders.telegram_send(chat, &text).await;
                        }
                    }
                    Ok(Err(e)) => tracing::error!(error = %e, "Telegram links could not be saved"),
                    Err(_) => {}
                }
            }
        }
        if let Err(e) = round(&app, &senders, n % 15 == 0).await {
            tracing::error!(error = %e, "the dispatcher's round failed");
        }
        n += 1;
    }
}
