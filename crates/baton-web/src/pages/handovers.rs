//! The client manager's handover inbox (issue 18): the clients handed over to them and waiting
//! for the first meeting, each with the seller's brief in the company's words, the deadline in
//! the company's time zone, and the button that records the meeting.

use super::caller::back_with_error;
use super::shell::{PageResult, Viewer, date_str, done, message, or_fail, page, respond, run};
use crate::AppState;
use axum::Router;
use axum::extract::{Form, Path, State};
use axum::routing::{get, post};
use baton_app::Paging;
use baton_store::records::{Company, Handoff};
use maud::html;
use serde::Deserialize;
use std::collections::BTreeMap;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/handovers", get(inbox))
        .route("/handovers/{id}/kickoff", post(kickoff))
}

/// A handed-over client waiting for the first meeting.
struct Waiting {
    handoff: Handoff,
    company: String,
}

async fn inbox(State(s): State<AppState>, v: Viewer) -> PageResult {
    let l = v.lang;
    if !v.serves() {
        return Err(super::shell::failure(
            l,
            &super::shell::refused("web-kickoffs"),
        ));
    }
    let actor = v.actor.clone();
    let (waiting, cfg, names, now) = or_fail(
        l,
        run(&s, move |app| {
            let page = app.handoffs(
                &actor,
                Some("pending"),
                Some("client"),
                Paging {
                    page: 1,
                    per_page: 500,
                },
            )?;
            let mut out = Vec::new();
            for h in page.items.into_iter().filter(|h| h.receiver_id == actor.id) {
                let company = app
                    .db
                    .read(|tx| tx.get::<Company>(&h.company_id))?
                    .map_or_else(|| h.company_id.clone(), |c| c.name);
                out.push(Waiting {
                    handoff: h,
                    company,
                });
            }
            // Deadline first: the most urgent meeting on top.
            out.sort_by(|a, b| a.handoff.due_at.cmp(&b.handoff.due_at));
            let names = super::caller::people_names(app, &actor)?;
            Ok((out, app.config()?, names, app.now()))
        })
        .await,
    )?;
    let name = |id: &str| names.get(id).cloned().unwrap_or_else(|| id.to_string());
    let body = html! {
        p.explain { (l.tr("page-handovers-explain")) }
        @if waiting.is_empty() {
            p.muted id="handovers-empty" { (l.tr("page-handovers-none")) }
        }
        div.grid.inbox data-watch="handovers" data-count=(v.queues.handovers) {
            @for w in &waiting {
                @let h = &w.handoff;
                @let brief: BTreeMap<String, String> =
                    serde_json::from_str(h.snapshot.text()).unwrap_or_default();
                @let late = chrono::DateTime::parse_from_rfc3339(&h.due_at)
                    .is_ok_and(|d| d < now);
                article.card.incoming id=(format!("handover-{}", h.id)) {
                    h2 { a href=(format!("/companies/{}", h.company_id)) { (w.company) } }
                    p {
                        (l.tr("page-handovers-meet-by")) ": "
                        span class=(if late { "countdown late" } else { "countdown" }) {
                            (date_str(&h.due_at))
                        }
                        @if late { " " span.badge.bad { (l.tr("page-late")) } }
                    }
                    p {
                        (l.tr("page-handovers-from")) ": " b { (name(&h.sender_id)) }
                        " · " (date_str(&h.created_at))
                    }
                    dl.checklist {
                        @for item in &cfg.handover_brief {
                            dt { (l.t(&item.label_ru, &item.label_en)) }
                            dd { @match brief.get(&item.key).filter(|a| !a.trim().is_empty()) {
                                Some(a) => (a),
                                None => span.muted { "—" },
                            } }
                        }
                    }
                    form.stack method="post" action=(format!("/handovers/{}/kickoff", h.id)) {
                        label for=(format!("note-{}", h.id)) { (l.tr("page-handovers-note")) }
                        textarea id=(format!("note-{}", h.id)) name="note" rows="2" maxlength="2000" {}
                        button type="submit" id=(format!("kickoff-{}", h.id)) { (l.tr("page-handovers-held")) }
                    }
                }
            }
        }
    };
    Ok(respond(page(&v, l.tr("page-handovers-title"), body)))
}

#[derive(Deserialize, Default)]
struct KickoffForm {
    #[serde(default)]
    note: String,
}

async fn kickoff(
    State(s): State<AppState>,
    v: Viewer,
    Path(id): Path<String>,
    Form(f): Form<KickoffForm>,
) -> PageResult {
    let actor = v.actor.clone();
    let note = Some(f.note).filter(|n| !n.trim().is_empty());
    let r = run(&s, move |app| app.kickoff(&actor, &id, note)).await;
    Ok(match r {
        Ok(_) => done("/handovers", v.tr("page-handovers-done")),
        Err(e) => back_with_error("/handovers", &message(&e)),
    })
}
