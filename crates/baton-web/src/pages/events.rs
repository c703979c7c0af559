//! The page's live counts (issue 18): a server-sent event stream of the reader's queues. It
//! reads the counts again as soon as the database's commit count moves — this server's writes,
//! and other servers' and the command line's through the follower (issue 19) — and at least
//! every few seconds (a task falls due with no write), and sends them when they change. A lead
//! handed over through any server shows within a fraction of a second.

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

/// How often the commit count is looked at (an atomic read, no query).
const LOOK: Duration = Duration::from_millis(100);
/// The counts are read at least this often, writes or not.
const EVERY: Duration = Duration::from_secs(5);

async fn queues(
    State(s): State<AppState>,
    v: Viewer,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let app = s.app.clone();
    let actor = v.actor;
    // The state: the last counts sent (none before the first event) and the commit count they
    // were read at.
    let events = stream::unfold((None::<Queues>, 0u64), move |(last, seen)| {
        let app = app.clone();
        let actor = actor.clone();
        async move {
            let mut seen = seen;
            let mut read_at = tokio::time::Instant::now();
            loop {
                if last.is_some() {
                    tokio::time::sleep(LOOK).await;
                    if app.db.writes() == seen && read_at.elapsed() < EVERY {
                        continue;
                    }
                }
                seen = app.db.writes();
                read_at = tokio::time::Instant::now();
                let (a, who) = (app.clone(), actor.clone());
                let now = tokio::task::spawn_blocking(move || a.queues(&who))
                    .await
                    .ok()
                    .and_then(Result::ok);
                let Some(now) = now else {
                    // A failed read keeps the page's numbers; the next look tries again.
                    tokio::time::sleep(EVERY).await;
                    continue;
                };
                if last != Some(now) {
                    let data = serde_json::to_string(&now).unwrap_or_default();
                    let event = Event::default().event("queues").data(data);
                    return Some((Ok(event), (Some(now), seen)));
                }
            }
        }
    });
    Sse::new(events).keep_alive(KeepAlive::default())
}
