//! Remembered pages: the head's dashboard, the alerts and the what-if page compute several
//! reports over the whole history (hundreds of milliseconds on the demo). Their HTML is kept per
//! person, language, address and day, and served again until anything is written to the
//! database through this server (`Db::writes`, counted after each commit) or 30 seconds have
//! passed (writes by another process, the command line say, are seen within that time).

use super::shell::{PageResult, Viewer};
use crate::AppState;
use axum::body::{Body, Bytes, to_bytes};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::future::Future;
use std::sync::{LazyLock, Mutex};
use std::time::{Duration, Instant};

const MAX_AGE: Duration = Duration::from_secs(30);
const MAX_ENTRIES: usize = 1024;

struct Entry {
    writes: u64,
    at: Instant,
    head: axum::http::response::Parts,
    body: Bytes,
}

static PAGES: LazyLock<Mutex<HashMap<String, Entry>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

/// The key of a page as `v` sees it today, in this session (its forms carry the session's
/// CSRF token).
pub fn key(v: &Viewer) -> String {
    format!(
        "{}|{}|{}|{}|{}",
        v.actor.id,
        v.csrf,
        v.lang.code(),
        v.here,
        chrono::Utc::now().date_naive()
    )
}

/// The page under `key` if it is still current, else the page `make` renders (kept when it is
/// a 200).
pub async fn remembered(
    s: &AppState,
    key: String,
    make: impl Future<Output = PageResult>,
) -> PageResult {
    // Read before rendering: a write during the rendering makes the kept copy stale at once.
    let writes = s.app.db.writes();
    if let Ok(pages) = PAGES.lock()
        && let Some(e) = pages.get(&key)
        && e.writes == writes
        && e.at.elapsed() < MAX_AGE
    {
        let mut r = Response::new(Body::from(e.body.clone()));
        *r.status_mut() = e.head.status;
        *r.headers_mut() = e.head.headers.clone();
        return Ok(r);
    }
    let resp = make.await?;
    if resp.status() != StatusCode::OK {
        return Ok(resp);
    }
    let (head, body) = resp.into_parts();
    let body = match to_bytes(body, 64 << 20).await {
        Ok(b) => b,
        Err(e) => return Err((StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response()),
    };
    if let Ok(mut pages) = PAGES.lock() {
        if pages.len() >= MAX_ENTRIES {
            pages.retain(|_, e| e.writes == writes && e.at.elapsed() < MAX_AGE);
            if pages.len() >= MAX_ENTRIES {
                pages.clear();
            }
        }
        pages.insert(
            key,
            Entry {
                writes,
                at: Instant::now(),
                head: head.clone(),
                body: body.clone(),
            },
        );
    }
    Ok(Response::from_parts(head, Body::from(body)))
}
