//! «Уведомления» (issue 18 §4): a person's notes from Baton, newest first, and their settings —
//! which events reach them on which channel (in Baton, e-mail, Telegram), the address, the
//! language, quiet hours — and linking Telegram by a code sent to the company's bot.

use super::caller::{back_with_error, param};
use super::shell::{PageResult, Viewer, date_str, done, message, or_fail, page, respond, run};
use crate::AppState;
use axum::Router;
use axum::extract::{Form, State};
use axum::routing::{get, post};
use baton_app::Paging;
use baton_app::notify::{Channel, NotifyPrefs};
use baton_catalog::Lang;
use baton_domain::event::{EventKind, QuietHours};
use maud::html;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/my/notifications", get(notes_page))
        .route("/my/notifications/read", post(read_all))
        .route("/my/notifications/settings", post(save))
        .route("/my/notifications/telegram", post(telegram))
}

/// The kinds a person can be told of, in the page's order; a webhook disabled only concerns
/// those who manage webhooks.
fn kinds(v: &Viewer) -> impl Iterator<Item = EventKind> {
    let hooks = baton_app::rights::may(&v.actor, baton_app::rights::Action::ManageWebhooks);
    EventKind::ALL
        .iter()
        .copied()
        .filter(move |k| k.notifies() && (hooks || *k != EventKind::WebhookDisabled))
}

/// An event kind's name in the viewer's language (`event-lead-handed`).
pub fn event_name(l: Lang, k: EventKind) -> String {
    baton_catalog::Text::new(format!("event-{}", k.id().replace(['.', '_'], "-"))).render(l)
}

fn channel_name(l: Lang, c: Channel) -> &'static str {
    match c {
        Channel::App => l.tr("page-notify-channel-app"),
        Channel::Email => l.tr("page-notify-channel-email"),
        Channel::Telegram => l.tr("page-notify-channel-telegram"),
    }
}

async fn notes_page(State(s): State<AppState>, v: Viewer) -> PageResult {
    let l = v.lang;
    let actor = v.actor.clone();
    let (notes, prefs) = or_fail(
        l,
        run(&s, move |app| {
            Ok((
                app.my_notes(&actor, Paging::new(Some(1), Some(50)))?,
                app.my_prefs(&actor)?,
            ))
        })
        .await,
    )?;
    let email_on = std::env::var("BATON_SMTP_URL").is_ok_and(|u| !u.trim().is_empty());
    let telegram_on = std::env::var("BATON_TELEGRAM_TOKEN").is_ok_and(|u| !u.trim().is_empty());
    let bot = std::env::var("BATON_TELEGRAM_BOT")
        .ok()
        .filter(|b| !b.is_empty() && b.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_'));
    let code =
        param(&v, "code").filter(|c| c.len() <= 32 && c.bytes().all(|b| b.is_ascii_alphanumeric()));
    let body = html! {
        @if let Some(e) = param(&v, "err") { p.error role="alert" { (e) } }
        section id="notes" {
            h2 { (l.tr("page-notify-notes")) " " span.badge id="notes-unread" { (notes.unread) } }
            @if notes.items.is_empty() {
                p.muted id="notes-empty" { (l.tr("page-notify-none")) }
            } @else {
                @if notes.unread > 0 {
                    form.inline method="post" action="/my/notifications/read" {
                        button.secondary type="submit" id="notes-read-all" { (l.tr("page-notify-read-all")) }
                    }
                }
                ul.notes {
                    @for n in &notes.items {
                        li.card.note-item.unread[!n.read] id=(format!("note-{}", n.id)) data-kind=(n.kind) {
                            p {
                                b { (n.subject) } " · " span.muted { (date_str(&n.created_at)) }
                            }
                            p { (n.text) " " a href=(n.link) { (l.tr("page-notify-open")) } }
                        }
                    }
                }
            }
        }
        section id="notify-settings" {
            h2 { (l.tr("page-notify-settings")) }
            p.explain { (l.tr("page-notify-settings-explain")) }
            form.stack method="post" action="/my/notifications/settings" id="notify-form" {
                label { (l.tr("page-notify-email")) " "
                    input type="email" name="email" id="notify-email" maxlength="254"
                        value=(prefs.email.clone().unwrap_or_default()) autocomplete="email";
                }
                @if !email_on { p.muted { (l.tr("page-notify-email-off")) } }
                label { (l.tr("page-notify-lang")) " "
                    select name="lang" id="notify-lang" {
                        option value="ru" selected[prefs.lang() == Lang::Ru] { "Русский" }
                        option value="en" selected[prefs.lang() == Lang::En] { "English" }
                    }
                }
                fieldset {
                    legend { (l.tr("page-notify-quiet")) }
                    label { (l.tr("page-notify-quiet-from")) " "
                        input type="time" name="quiet_from" id="quiet-from"
                            value=(prefs.quiet.map(|q| q.from.format("%H:%M").to_string()).unwrap_or_default());
                    }
                    " "
                    label { (l.tr("page-notify-quiet-to")) " "
                        input type="time" name="quiet_to" id="quiet-to"
                            value=(prefs.quiet.map(|q| q.to.format("%H:%M").to_string()).unwrap_or_default());
                    }
                }
                div.scroll {
                    table.notify-grid {
                        thead { tr {
                            th scope="col" { (l.tr("page-notify-event")) }
                            @for c in Channel::ALL { th scope="col" { (channel_name(l, c)) } }
                        } }
                        tbody {
                            @for k in kinds(&v) {
                                @let on = prefs.channels_for(k);
                                tr {
                                    th scope="row" { (event_name(l, k)) }
                                    @for c in Channel::ALL {
                                        td {
                                            input type="checkbox" name="ch" value=(format!("{}:{}", k.id(), c.id()))
                                                id=(format!("ch-{}-{}", k.id().replace('.', "-"), c.id()))
                                                aria-label=(format!("{} — {}", event_name(l, k), channel_name(l, c)))
                                                checked[on.contains(&c)];
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                button type="submit" id="notify-save" { (l.tr("page-notify-save")) }
            }
        }
        section id="telegram" {
            h2 { "Telegram" }
            @if !telegram_on {
                p.muted { (l.tr("page-notify-telegram-off")) }
            } @else if prefs.telegram_chat.is_some() {
                p.ok id="telegram-linked" { (l.tr("page-notify-telegram-linked")) }
                form.inline method="post" action="/my/notifications/telegram" {
                    button.secondary type="submit" name="unlink" value="1" id="telegram-unlink" { (l.tr("page-notify-telegram-unlink")) }
                }
            } @else {
                @if let Some(c) = &code {
                    p id="telegram-code" {
                        (l.tr("page-notify-telegram-send")) " " code { "/start " (c) }
                        @if let Some(b) = &bot {
                            " — " a href=(format!("https://t.me/{b}?start={c}")) rel="noopener" target="_blank" { "@" (b) }
                        }
                    }
                }
                form.inline method="post" action="/my/notifications/telegram" {
                    button type="submit" id="telegram-link" { (l.tr("page-notify-telegram-link")) }
                }
            }
        }
    };
    Ok(respond(page(&v, l.tr("nav-notifications"), body)))
}

async fn read_all(State(s): State<AppState>, v: Viewer) -> PageResult {
    let l = v.lang;
    let actor = v.actor.clone();
    Ok(
        match run(&s, move |app| app.read_notes(&actor, None)).await {
            Ok(_) => done("/my/notifications", l.tr("page-notify-read")),
            Err(e) => back_with_error("/my/notifications", &message(&e)),
        },
    )
}

/// The settings form: `ch` is repeated (`lead.handed:email`); an unchecked box is absent, so
/// a kind with no box checked is stored as told nowhere.
async fn save(
    State(s): State<AppState>,
    v: Viewer,
    Form(f): Form<Vec<(String, String)>>,
) -> PageResult {
    let l = v.lang;
    let field = |k: &str| {
        f.iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.trim().to_string())
    };
    let time = |k: &str| {
        field(k)
            .filter(|t| !t.is_empty())
            .and_then(|t| chrono::NaiveTime::parse_from_str(&t, "%H:%M").ok())
    };
    let mut prefs = NotifyPrefs {
        email: field("email").filter(|e| !e.is_empty()),
        lang: field("lang"),
        quiet: match (time("quiet_from"), time("quiet_to")) {
            (Some(from), Some(to)) => Some(QuietHours { from, to }),
            _ => None,
        },
        ..Default::default()
    };
    for k in kinds(&v) {
        prefs.channels.insert(k.id().to_string(), Vec::new());
    }
    for (name, value) in &f {
        if name != "ch" {
            continue;
        }
        let Some((kind, channel)) = value.split_once(':') else {
            continue;
        };
        let c = Channel::ALL.into_iter().find(|c| c.id() == channel);
        if let (Some(list), Some(c)) = (prefs.channels.get_mut(kind), c) {
            list.push(c);
        }
    }
    let actor = v.actor.clone();
    Ok(
        match run(&s, move |app| app.set_my_prefs(&actor, prefs, false)).await {
            Ok(_) => done("/my/notifications", l.tr("page-notify-saved")),
            Err(e) => back_with_error("/my/notifications", &message(&e)),
        },
    )
}

async fn telegram(
    State(s): State<AppState>,
    v: Viewer,
    Form(f): Form<Vec<(String, String)>>,
) -> PageResult {
    let actor = v.actor.clone();
    if f.iter().any(|(k, v)| k == "unlink" && v == "1") {
        let l = v.lang;
        return Ok(
            match run(&s, move |app| {
                let p = app.my_prefs(&actor)?;
                app.set_my_prefs(&actor, p, true)
            })
            .await
            {
                Ok(_) => done("/my/notifications", l.tr("page-notify-telegram-unlinked")),
                Err(e) => back_with_error("/my/notifications", &message(&e)),
            },
        );
    }
    Ok(match run(&s, move |app| app.telegram_code(&actor)).await {
        Ok(code) => crate::security::see_other(&format!("/my/notifications?code={code}#telegram")),
        Err(e) => back_with_error("/my/notifications", &message(&e)),
    })
}
