//! «Мои сигналы» (issue 18): the alerts about a person's own work — a stale deal, an overdue
//! invoice, a kickoff owed — reach that person, not only their head. The list is the alert log's
//! raised alerts about them; it empties as the work is done (the rules clear them).

use super::shell::{PageResult, Viewer, alert_record_link, date_str, or_fail, page, respond, run};
use crate::AppState;
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use baton_app::Paging;
use baton_catalog::Lang;
use maud::html;

pub fn routes() -> Router<AppState> {
    Router::new().route("/my/alerts", get(mine))
}

async fn mine(State(s): State<AppState>, v: Viewer) -> PageResult {
    let l = v.lang;
    let actor = v.actor.clone();
    let alerts = or_fail(
        l,
        run(&s, move |app| {
            app.my_alerts(&actor, Paging::new(Some(1), Some(200)))
        })
        .await,
    )?;
    let body = html! {
        p.explain { (l.tr("page-my-alerts-explain")) }
        @if alerts.items.is_empty() {
            p.muted id="my-alerts-empty" { (l.tr("page-my-alerts-none")) }
        }
        div.grid data-watch="alerts" data-count=(v.queues.alerts) {
            @for a in &alerts.items {
                @let r = &a.row;
                article.card id=(format!("alert-{}", r.id)) {
                    h2 { (baton_catalog::term(l, "alert", &r.rule)) }
                    p { (match l { Lang::Ru => &r.message_ru, Lang::En => &r.message }) }
                    p { b { (l.tr("page-my-alerts-do")) ": " } (match l { Lang::Ru => &r.action_ru, Lang::En => &r.action }) }
                    @if !a.records.is_empty() {
                        ul {
                            @for (id, name) in a.records.iter().zip(&a.record_names) {
                                @let (href, name) = alert_record_link(&r.rule, id, name);
                                li { a href=(href) { (name) } }
                            }
                        }
                    }
                    p.muted { (l.tr("page-my-alerts-raised")) " " (date_str(&r.raised_at)) }
                }
            }
        }
    };
    Ok(respond(page(&v, l.tr("nav-my-alerts"), body)))
}
