//! Telling people and other systems (issue 18 §4–5): webhooks, the delivery log, a person's
//! notifications and their settings, as API routes.

use crate::api::{PageQ, created, json, run};
use crate::error::ApiResult;
use crate::extract::{Auth, Body, Q};
use crate::openapi::Doc;
use crate::{AppState, Mr, RouteDoc, r};
use axum::extract::{Path, State};
use axum::http::{Method as M, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use baton_app::Paging;
use baton_app::notify::{Notes, NotifyPrefs};
use baton_app::webhooks::{CreatedWebhook, DeliveryView, NewWebhook, WebhookView};
use serde::{Deserialize, Serialize};

pub(crate) fn routes() -> Vec<(RouteDoc, Mr)> {
    vec![
        r(M::GET, "/api/webhooks", "webhooks",
            "Webhook subscriptions (director, admin); secrets are shown only when created",
            get(webhooks)).list::<WebhookView>(),
        r(M::POST, "/api/webhooks", "webhooks",
            "Subscribe {url, events[]} (empty events: all). The answer holds the signing secret, shown this once (docs/webhooks.md)",
            post(add_webhook)).body::<NewWebhook>().created::<CreatedWebhook>(),
        r(M::DELETE, "/api/webhooks/{id}", "webhooks",
            "Remove a subscription (its delivery log stays)",
            axum::routing::delete(remove_webhook)).no_content(),
        r(M::POST, "/api/webhooks/{id}/enable", "webhooks",
            "Turn a subscription on again (its failure count restarts)",
            post(enable_webhook)).ok::<WebhookView>(),
        r(M::POST, "/api/webhooks/{id}/disable", "webhooks",
            "Turn a subscription off",
            post(disable_webhook)).ok::<WebhookView>(),
        r(M::GET, "/api/deliveries", "webhooks",
            "The delivery log, newest first: channel (webhook, email, telegram), status (pending, delivered, failed); page",
            get(deliveries)).query::<DeliveriesQ>().page::<DeliveryView>(),
        r(M::POST, "/api/deliveries/{id}/redeliver", "webhooks",
            "Send a delivery again now, as a new attempt",
            post(redeliver)).ok::<baton_store::records::Delivery>(),
        r(M::GET, "/api/me/notifications", "notifications",
            "My notifications in Baton, newest first, and how many are unread; page",
            get(my_notes)).query::<PageQ>().ok::<Notes>(),
        r(M::POST, "/api/me/notifications/read", "notifications",
            "Mark my notifications read: {id} one, {} all",
            post(read_notes)).body::<ReadReq>().ok::<ReadAnswer>(),
        r(M::GET, "/api/me/notification-settings", "notifications",
            "My notification settings: channels per event kind, e-mail, Telegram, language, quiet hours",
            get(my_prefs)).ok::<NotifyPrefs>(),
        r(M::PUT, "/api/me/notification-settings", "notifications",
            "Replace my notification settings (the linked Telegram chat stays unless unlink_telegram)",
            axum::routing::put(set_my_prefs)).body::<PrefsReq>().ok::<NotifyPrefs>(),
        r(M::POST, "/api/me/telegram-code", "notifications",
            "A code to send the company's bot (/start <code>) to link my Telegram chat",
            post(telegram_code)).ok::<CodeAnswer>(),
    ]
}

async fn webhooks(State(s): State<AppState>, Auth(a): Auth) -> ApiResult<impl IntoResponse> {
    json(&s, move |app| app.webhooks(&a)).await
}

async fn add_webhook(
    State(s): State<AppState>,
    Auth(a): Auth,
    Body(req): Body<NewWebhook>,
) -> ApiResult<impl IntoResponse> {
    let private = s.web.config.webhooks_allow_private;
    created(&s, move |app| app.add_webhook(&a, req, private)).await
}

async fn remove_webhook(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    run(&s, move |app| app.remove_webhook(&a, &id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn enable_webhook(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    json(&s, move |app| app.set_webhook_active(&a, &id, true)).await
}

async fn disable_webhook(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    json(&s, move |app| app.set_webhook_active(&a, &id, false)).await
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeliveriesQ {
    /// `webhook`, `email` or `telegram`.
    #[param(inline)]
    pub channel: Option<DeliveryChannel>,
    /// `pending`, `delivered` or `failed`.
    #[param(inline)]
    pub status: Option<DeliveryStatus>,
    #[param(minimum = 1)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 500)]
    pub per_page: Option<i64>,
}

#[derive(Clone, Copy, Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryChannel {
    Webhook,
    Email,
    Telegram,
}

#[derive(Clone, Copy, Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    Pending,
    Delivered,
    Failed,
}

async fn deliveries(
    State(s): State<AppState>,
    Auth(a): Auth,
    Q(q): Q<DeliveriesQ>,
) -> ApiResult<impl IntoResponse> {
    let channel = q.channel.map(|c| match c {
        DeliveryChannel::Webhook => "webhook",
        DeliveryChannel::Email => "email",
        DeliveryChannel::Telegram => "telegram",
    });
    let status = q.status.map(|c| match c {
        DeliveryStatus::Pending => "pending",
        DeliveryStatus::Delivered => "delivered",
        DeliveryStatus::Failed => "failed",
    });
    let paging = Paging::new(q.page, q.per_page);
    json(&s, move |app| app.deliveries(&a, channel, status, paging)).await
}

async fn redeliver(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    json(&s, move |app| app.redeliver(&a, &id)).await
}

async fn my_notes(
    State(s): State<AppState>,
    Auth(a): Auth,
    Q(q): Q<PageQ>,
) -> ApiResult<impl IntoResponse> {
    let paging = Paging::new(q.page, q.per_page);
    json(&s, move |app| app.my_notes(&a, paging)).await
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReadReq {
    /// One notification; absent: all of mine.
    #[schema(max_length = 64)]
    pub id: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReadAnswer {
    /// How many were marked read.
    pub read: u64,
}

async fn read_notes(
    State(s): State<AppState>,
    Auth(a): Auth,
    Body(req): Body<ReadReq>,
) -> ApiResult<impl IntoResponse> {
    json(&s, move |app| {
        app.read_notes(&a, req.id.as_deref())
            .map(|read| ReadAnswer { read })
    })
    .await
}

async fn my_prefs(State(s): State<AppState>, Auth(a): Auth) -> ApiResult<impl IntoResponse> {
    json(&s, move |app| app.my_prefs(&a)).await
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct PrefsReq {
    #[serde(flatten)]
    pub prefs: NotifyPrefs,
    /// Remove the linked Telegram chat.
    #[serde(default)]
    pub unlink_telegram: bool,
}

async fn set_my_prefs(
    State(s): State<AppState>,
    Auth(a): Auth,
    Body(req): Body<PrefsReq>,
) -> ApiResult<impl IntoResponse> {
    json(&s, move |app| {
        app.set_my_prefs(&a, req.prefs, req.unlink_telegram)
    })
    .await
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CodeAnswer {
    /// Send `/start <code>` to the company's bot.
    pub code: String,
}

async fn telegram_code(State(s): State<AppState>, Auth(a): Auth) -> ApiResult<impl IntoResponse> {
    json(&s, move |app| {
        app.telegram_code(&a).map(|code| CodeAnswer { code })
    })
    .await
}
