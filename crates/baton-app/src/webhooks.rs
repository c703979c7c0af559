//! Outbound webhooks (issue 18 §5): integrators subscribe a URL to event kinds; every event is
//! POSTed there, signed, at least once (`outbox.rs`). Directors and admins manage them.

use crate::clock::stamp;
use crate::error::{AppError, AppResult};
use crate::rights::{Action, require};
use crate::{Actor, App, Page, Paging};
use baton_catalog::Text;
use baton_domain::event::EventKind;
use baton_store::Filter;
use baton_store::records::{Delivery, Webhook};
use serde::{Deserialize, Serialize};

/// A subscription as shown: the secret is shown whole only once, when it is created.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct WebhookView {
    pub id: String,
    pub url: String,
    pub events: Vec<String>,
    pub active: bool,
    /// Failed attempts in a row.
    pub failures: i64,
    pub disabled_at: Option<String>,
    pub created_at: String,
    /// `whsec_…` and its last four characters.
    pub secret_hint: String,
}

pub(crate) fn shown(h: &Webhook) -> WebhookView {
    let tail: String = h
        .secret
        .chars()
        .rev()
        .take(4)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    WebhookView {
        id: h.id.clone(),
        url: h.url.clone(),
        events: serde_json::from_str(&h.events).unwrap_or_default(),
        active: h.active,
        failures: h.failures,
        disabled_at: h.disabled_at.clone(),
        created_at: h.created_at.clone(),
        secret_hint: format!("whsec_…{tail}"),
    }
}

/// A new subscription.
#[derive(Clone, Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewWebhook {
    /// `https://…` (or `http://`); a private or loopback address only when the server allows
    /// it (`BATON_WEBHOOKS_ALLOW_PRIVATE=1`).
    pub url: String,
    /// Event kinds (`lead.handed`, …); empty: all of them.
    #[serde(default)]
    pub events: Vec<String>,
}

/// A subscription just created, with its signing secret (shown this once).
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct CreatedWebhook {
    #[serde(flatten)]
    pub webhook: WebhookView,
    pub secret: String,
}

/// One line of the delivery log.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct DeliveryView {
    #[serde(flatten)]
    pub delivery: Delivery,
    pub kind: String,
}

/// Whether `url` may receive webhooks: http(s), a host, no credentials, and no private,
/// loopback or link-local address unless allowed (a webhook must not reach the server's own
/// network: SSRF).
pub fn check_url(url: &str, allow_private: bool) -> Result<(), Text> {
    let bad = |why: &str| {
        Text::new("err-webhook-url")
            .arg("value", url)
            .term("why", "webhook-url", why)
    };
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| bad("scheme"))?;
    if url.len() > 2000 || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad("form"));
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.contains('@') {
        return Err(bad("credentials"));
    }
    let host = if let Some(v6) = authority.strip_prefix('[') {
        v6.split(']').next().unwrap_or("")
    } else {
        authority.rsplit_once(':').map_or(authority, |(h, _)| h)
    };
    if host.is_empty() {
        return Err(bad("form"));
    }
    if allow_private {
        return Ok(());
    }
    let lower = host.to_ascii_lowercase();
    let private = lower == "localhost"
        || lower.ends_with(".localhost")
        || lower.ends_with(".local")
        || lower.ends_with(".internal")
        || match lower.parse::<std::net::IpAddr>() {
            Ok(std::net::IpAddr::V4(a)) => {
                a.is_private()
                    || a.is_loopback()
                    || a.is_link_local()
                    || a.is_unspecified()
                    || a.is_broadcast()
            }
            Ok(std::net::IpAddr::V6(a)) => {
                a.is_loopback()
                    || a.is_unspecified()
                    || (a.segments()[0] & 0xfe00) == 0xfc00
                    || (a.segments()[0] & 0xffc0) == 0xfe80
            }
            Err(_) => false,
        };
    if private { Err(bad("private")) } else { Ok(()) }
}

impl App {
    pub fn webhooks(&self, actor: &Actor) -> AppResult<Vec<WebhookView>> {
        require(actor, Action::ManageWebhooks)?;
        let all = self
            .db
            .read(|tx| tx.list::<Webhook>(&Filter::new().order("created_at", false)))?;
        Ok(all.iter().map(shown).collect())
    }

    pub fn add_webhook(
        &self,
        actor: &Actor,
        req: NewWebhook,
        allow_private: bool,
    ) -> AppResult<CreatedWebhook> {
        require(actor, Action::ManageWebhooks)?;
        let url = req.url.trim().to_string();
        check_url(&url, allow_private).map_err(|t| AppError::invalid("url", t))?;
        let mut events = Vec::new();
        for e in &req.events {
            let k = EventKind::parse(e.trim()).ok_or_else(|| {
                AppError::invalid(
                    "events",
                    Text::new("err-event-kind-unknown").arg("value", e.as_str()),
                )
            })?;
            events.push(k.id().to_string());
        }
        if events.is_empty() {
            events = EventKind::ALL.iter().map(|k| k.id().to_string()).collect();
        }
        events.sort();
        events.dedup();
        let mut raw = [0u8; 24];
        self.ids.bytes(&mut raw);
        let secret = format!("whsec_{}", hex::encode(raw));
        let h = Webhook {
            id: self.new_id(),
            url,
            secret: secret.clone(),
            events: serde_json::to_string(&events).unwrap_or_else(|_| "[]".into()),
            active: true,
            failures: 0,
            disabled_at: None,
            created_by: actor.id.clone(),
            created_at: stamp(self.now()),
        };
        self.db.tx(|tx| {
            tx.insert(&h)?;
            self.audit(
                tx,
                Some(actor),
                "webhook",
                &h.id,
                "webhook.created",
                None::<&()>,
                Some(&shown(&h)),
            )
        })?;
        Ok(CreatedWebhook {
            webhook: shown(&h),
            secret,
        })
    }

    /// Turns a subscription on (its failure count starts again) or off.
    pub fn set_webhook_active(
        &self,
        actor: &Actor,
        id: &str,
        active: bool,
    ) -> AppResult<WebhookView> {
        require(actor, Action::ManageWebhooks)?;
        self.db.tx(|tx| {
            let mut h = tx
                .get::<Webhook>(id)?
                .ok_or_else(|| AppError::not_found("webhook", id))?;
            let before = h.clone();
            h.active = active;
            if active {
                h.failures = 0;
                h.disabled_at = None;
            } else if h.disabled_at.is_none() {
                h.disabled_at = Some(stamp(self.now()));
            }
            tx.update(&h, None)?;
            self.audit(
                tx,
                Some(actor),
                "webhook",
                &h.id,
                if active {
                    "webhook.enabled"
                } else {
                    "webhook.disabled"
                },
                Some(&shown(&before)),
                Some(&shown(&h)),
            )?;
            Ok(shown(&h))
        })
    }

    /// Removes a subscription; its delivery log stays.
    pub fn remove_webhook(&self, actor: &Actor, id: &str) -> AppResult<()> {
        require(actor, Action::ManageWebhooks)?;
        self.db.tx(|tx| {
            let h = tx
                .get::<Webhook>(id)?
                .ok_or_else(|| AppError::not_found("webhook", id))?;
            tx.delete_ids::<Webhook>(std::slice::from_ref(&h.id))?;
            self.audit(
                tx,
                Some(actor),
                "webhook",
                &h.id,
                "webhook.removed",
                Some(&shown(&h)),
                None::<&()>,
            )
        })
    }

    /// The delivery log, newest first: every channel (`webhook`, `email`, `telegram`), or one.
    pub fn deliveries(
        &self,
        actor: &Actor,
        channel: Option<&str>,
        status: Option<&str>,
        paging: Paging,
    ) -> AppResult<Page<DeliveryView>> {
        require(actor, Action::ManageWebhooks)?;
        let mut f = Filter::new();
        if let Some(c) = channel {
            f = f.eq("channel", c);
        }
        if let Some(s) = status {
            f = f.eq("status", s);
        }
        let page: Page<Delivery> = self.page(&f.order("created_at", true), paging)?;
        let items = self.db.read(|tx| {
            let mut out = Vec::new();
            for d in page.items {
                let kind = tx
                    .get::<baton_store::records::OutboxEvent>(&d.event_id)?
                    .map(|e| e.kind)
                    .unwrap_or_default();
                out.push(DeliveryView { delivery: d, kind });
            }
            Ok::<_, AppError>(out)
        })?;
        Ok(Page {
            items,
            total: page.total,
            page: page.page,
            per_page: page.per_page,
        })
    }
}
