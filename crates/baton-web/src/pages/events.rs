//! The page's live counts (issue 18): a server-sent event stream of the reader's queues. It
//! reads the counts from the database every second and sends them when they change, so a lead
//! handed over through any server of a PostgreSQL deployment shows within about a second.

use super::shell::Viewer;
use crate::AppState;
use axum::Router;
use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::routing::get;
use baton_app::conveyor::queues::Queues;
use futures_util::stream::{self, Stream};
use std::convert::Infallible;
use std::time::Duration;

pub fn routes() -> Router<AppState> {
    Router::new().route("/events/queues", get(queues))
}

/// How often the counts are read: the "within a second" of the issue.
const EVERY: Duration = Duration::from_secs(1);

async fn queues(
    State(s): State<AppState>,
    v: Viewer,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let app = s.app.clone();
    let actor = v.actor;
    // The state: the last counts sent (none before the first event).
    let events = stream::unfold(None::<Queues>, move |last| {
        let app = app.clone();
        let actor = actor.clone();
        async move {
            loop {
                if last.is_some() {
                    tokio::time::sleep(EVERY).await;
                }
                let (a, who) = (app.clone(), actor.clone());
                let now = tokio::task::spawn_blocking(move || a.queues(&who))
                    .await
                    .ok()
                    .and_then(Result::ok);
                let Some(now) = now else {
                    // A failed read keeps the page's numbers; the next second tries again.
                    tokio::time::sleep(EVERY).await;
                    continue;
                };
                if last != Some(now) {
                    let data = serde_json::to_string(&now).unwrap_or_default();
                    let event = Event::default().event("queues").data(data);
                    return Some((Ok(event), Some(now)));
                }
            }
        }
    });
    Sse::new(events).keep_alive(KeepAlive::default())
}
