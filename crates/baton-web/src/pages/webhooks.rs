//! «Вебхуки» (issue 18 §5), for directors and admins: the subscriptions (add, turn on or off,
//! remove), the signing secret shown once, and the delivery log of every channel with its
//! answer codes and a «send again» button.

use super::caller::{back_with_error, param};
use super::notifications::event_name;
use super::shell::{PageResult, Viewer, date_str, done, message, or_fail, page, respond, run};
use crate::AppState;
use axum::Router;
use axum::extract::{Form, Path, State};
use axum::routing::{get, post};
use baton_app::Paging;
use baton_app::webhooks::NewWebhook;
use baton_catalog::Lang;
use baton_domain::event::EventKind;
use maud::html;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/settings/webhooks", get(webhooks_page).post(add))
        .route("/settings/webhooks/{id}/enable", post(enable))
        .route("/settings/webhooks/{id}/disable", post(disable))
        .route("/settings/webhooks/{id}/remove", post(remove))
        .route("/settings/deliveries/{id}/redeliver", post(redeliver))
}

const BACK: &str = "/settings/webhooks";

fn status_name(l: Lang, s: &str) -> &'static str {
    match s {
        "delivered" => l.tr("page-delivery-delivered"),
        "failed" => l.tr("page-delivery-failed"),
        _ => l.tr("page-delivery-pending"),
    }
}

async fn webhooks_page(State(s): State<AppState>, v: Viewer) -> PageResult {
    let l = v.lang;
    let actor = v.actor.clone();
    let (hooks, log) = or_fail(
        l,
        run(&s, move |app| {
            Ok((
                app.webhooks(&actor)?,
                app.deliveries(&actor, None, None, Paging::new(Some(1), Some(100)))?,
            ))
        })
        .await,
    )?;
    let secret = param(&v, "secret")
        .filter(|c| c.len() <= 80 && c.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'));
    let on = |k: &str| std::env::var(k).is_ok_and(|u| !u.trim().is_empty());
    let body = html! {
        @if let Some(e) = param(&v, "err") { p.error role="alert" { (e) } }
        @if let Some(sec) = &secret {
            p.ok id="webhook-secret" role="status" { (l.tr("page-webhook-secret-once")) " " code { (sec) } }
        }
        p.explain { (l.tr("page-webhooks-explain")) }
        p.muted id="channels" {
            (l.tr("page-notify-channel-email")) ": " (if on("BATON_SMTP_URL") { l.tr("page-channel-on") } else { l.tr("page-channel-off") })
            " · Telegram: " (if on("BATON_TELEGRAM_TOKEN") { l.tr("page-channel-on") } else { l.tr("page-channel-off") })
        }
        section id="webhooks" {
            h2 { (l.tr("page-webhooks")) }
            @if hooks.is_empty() { p.muted id="webhooks-none" { (l.tr("page-webhooks-none")) } }
            @for h in &hooks {
                div.card id=(format!("webhook-{}", h.id)) {
                    p {
                        b { (h.url) } " · "
                        @if h.active { span.ok { (l.tr("page-webhook-on")) } }
                        @else { span.error { (l.tr("page-webhook-off")) } @if let Some(d) = &h.disabled_at { " " (date_str(d)) } }
                        @if h.failures > 0 { " · " (l.tr("page-webhook-failures")) ": " (h.failures) }
                    }
                    p.muted { (h.events.iter().filter_map(|e| EventKind::parse(e)).map(|k| event_name(l, k)).collect::<Vec<_>>().join(", ")) " · " code { (h.secret_hint) } }
                    form.inline method="post" action=(format!("/settings/webhooks/{}/{}", h.id, if h.active { "disable" } else { "enable" })) {
                        button.secondary type="submit" { (if h.active { l.tr("page-webhook-disable") } else { l.tr("page-webhook-enable") }) }
                    }
                    " "
                    form.inline method="post" action=(format!("/settings/webhooks/{}/remove", h.id)) {
                        button.secondary type="submit" { (l.tr("page-webhook-remove")) }
                    }
                }
            }
            h3 { (l.tr("page-webhook-add")) }
            form.stack method="post" action="/settings/webhooks" id="webhook-form" {
                label { (l.tr("page-webhook-url")) " "
                    input type="url" name="url" id="webhook-url" required maxlength="2000";
                }
                fieldset {
                    legend { (l.tr("page-webhook-events")) }
                    @for k in EventKind::ALL {
                        label.check {
                            input type="checkbox" name="event" value=(k.id()) id=(format!("ev-{}", k.id().replace('.', "-")));
                            " " (event_name(l, *k)) " " code { (k.id()) }
                        }
                    }
                }
                button type="submit" id="webhook-add" { (l.tr("page-webhook-add")) }
            }
        }
        section id="deliveries" {
            h2 { (l.tr("page-deliveries")) " " span.badge { (log.total) } }
            @if log.items.is_empty() { p.muted { (l.tr("page-deliveries-none")) } }
            @else {
                div.scroll { table {
                    thead { tr {
                        th { (l.tr("page-delivery-when")) } th { (l.tr("page-webhook-events")) }
                        th { (l.tr("page-delivery-channel")) } th { (l.tr("page-delivery-status")) }
                        th { (l.tr("page-delivery-attempts")) } th { (l.tr("page-delivery-code")) } th {}
                    } }
                    tbody {
                        @for d in &log.items {
                            @let x = &d.delivery;
                            tr id=(format!("delivery-{}", x.id)) data-status=(x.status) {
                                td { (date_str(&x.created_at)) }
                                td { (EventKind::parse(&d.kind).map(|k| event_name(l, k)).unwrap_or_else(|| d.kind.clone())) }
                                td { (x.channel) }
                                td { (status_name(l, &x.status)) @if let Some(e) = &x.last_error { br; small.muted { (e) } } }
                                td.num { (x.attempts) }
                                td.num { (x.last_code.map(|c| c.to_string()).unwrap_or_default()) }
                                td {
                                    @if x.status != "pending" {
                                        form.inline method="post" action=(format!("/settings/deliveries/{}/redeliver", x.id)) {
                                            button.secondary type="submit" { (l.tr("page-delivery-again")) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                } }
            }
        }
    };
    Ok(respond(page(&v, l.tr("page-webhooks"), body)))
}

async fn add(
    State(s): State<AppState>,
    v: Viewer,
    Form(f): Form<Vec<(String, String)>>,
) -> PageResult {
    let req = NewWebhook {
        url: f
            .iter()
            .find(|(k, _)| k == "url")
            .map(|(_, v)| v.clone())
            .unwrap_or_default(),
        events: f
            .iter()
            .filter(|(k, _)| k == "event")
            .map(|(_, v)| v.clone())
            .collect(),
    };
    let private = s.web.config.webhooks_allow_private;
    let actor = v.actor.clone();
    Ok(
        match run(&s, move |app| app.add_webhook(&actor, req, private)).await {
            Ok(c) => {
                crate::security::see_other(&format!("{BACK}?secret={}#webhook-secret", c.secret))
            }
            Err(e) => back_with_error(BACK, &message(&e)),
        },
    )
}

async fn switch(s: &AppState, v: &Viewer, id: String, on: bool) -> PageResult {
    let l = v.lang;
    let actor = v.actor.clone();
    Ok(
        match run(s, move |app| app.set_webhook_active(&actor, &id, on)).await {
            Ok(_) => done(BACK, l.tr("page-webhook-saved")),
            Err(e) => back_with_error(BACK, &message(&e)),
        },
    )
}

async fn enable(State(s): State<AppState>, v: Viewer, Path(id): Path<String>) -> PageResult {
    switch(&s, &v, id, true).await
}

async fn disable(State(s): State<AppState>, v: Viewer, Path(id): Path<String>) -> PageResult {
    switch(&s, &v, id, false).await
}

async fn remove(State(s): State<AppState>, v: Viewer, Path(id): Path<String>) -> PageResult {
    let l = v.lang;
    let actor = v.actor.clone();
    Ok(
        match run(&s, move |app| app.remove_webhook(&actor, &id)).await {
            Ok(_) => done(BACK, l.tr("page-webhook-removed")),
            Err(e) => back_with_error(BACK, &message(&e)),
        },
    )
}

async fn redeliver(State(s): State<AppState>, v: Viewer, Path(id): Path<String>) -> PageResult {
    let l = v.lang;
    let actor = v.actor.clone();
    Ok(match run(&s, move |app| app.redeliver(&actor, &id)).await {
        Ok(_) => done(BACK, l.tr("page-delivery-queued")),
        Err(e) => back_with_error(BACK, &message(&e)),
    })
}
