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

#[cfg(test)]
mod tests {
    /// Every block of the style sheet is closed: a browser closes an open `@media` block at the
    /// end of the file, so the rules after it would apply only on phones.
    #[test]
    fn the_style_sheet_closes_every_block() {
        let mut depth = 0i32;
        for (n, line) in super::CSS.lines().enumerate() {
            depth += line.matches('{').count() as i32 - line.matches('}').count() as i32;
            assert!(depth >= 0, "line {}: a block closed twice", n + 1);
            if line.starts_with("@media") {
                assert_eq!(depth, 1, "line {}: an @media block inside another", n + 1);
            }
        }
        assert_eq!(depth, 0, "a block is not closed");
    }
}
