//! The stylesheet and the script, embedded in the binary and cached by the browser for a day.

use crate::AppState;
use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;

const CSS: &str = include_str!("../../assets/baton.css");
const JS: &str = include_str!("../../assets/baton.js");

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/assets/baton.css", get(css))
        .route("/assets/baton.js", get(js))
}

async fn css() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        CSS,
    )
}

async fn js() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        JS,
    )
}
