//! Operations (issue 19 §7): `/healthz` for load balancers and `baton healthcheck`, Prometheus
//! metrics at `/metrics`, and one structured log line per request (`tracing`; the binary
//! chooses text or JSON).

use crate::AppState;
use axum::Json;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;
use std::time::Instant;

static PROMETHEUS: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// The process's Prometheus recorder, installed on first use; every router of the process (the
/// tests start several) shares it. `None` if another recorder was installed first.
fn prometheus() -> Option<&'static PrometheusHandle> {
    PROMETHEUS
        .get_or_init(|| PrometheusBuilder::new().install_recorder().ok())
        .as_ref()
}

/// `GET /healthz`: 200 when the database answers, 503 when it does not. No session needed, no
/// details given (a load balancer or an orchestrator asks it every few seconds).
pub async fn healthz(State(s): State<AppState>) -> Response {
    let app = s.app.clone();
    let ok = tokio::task::spawn_blocking(move || app.config().is_ok())
        .await
        .unwrap_or(false);
    let (status, word) = if ok {
        (StatusCode::OK, "ok")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "unavailable")
    };
    (
        status,
        [(header::CACHE_CONTROL, "no-store")],
        Json(serde_json::json!({ "status": word })),
    )
        .into_response()
}

/// `GET /metrics` in Prometheus' text format. Counts and timings say how busy the department is,
/// so they are served only to a scraper on this machine, or to one that presents the
/// configured token (`BATON_METRICS_TOKEN`) as a bearer token.
pub async fn metrics(State(s): State<AppState>, parts: axum::http::request::Parts) -> Response {
    let token = std::env::var("BATON_METRICS_TOKEN")
        .ok()
        .filter(|t| !t.trim().is_empty());
    let presented = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let local = parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .is_some_and(|c| c.0.ip().is_loopback());
    let allowed = match (token.as_deref(), presented) {
        (Some(t), Some(p)) => crate::security::same_secret(t.trim(), p),
        _ => local,
    };
    if !allowed {
        return StatusCode::FORBIDDEN.into_response();
    }
    let Some(handle) = prometheus() else {
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    };
    let (open, idle) = s.app.db.pool_state();
    metrics::gauge!("baton_db_pool_connections").set(f64::from(open));
    metrics::gauge!("baton_db_pool_idle_connections").set(f64::from(idle));
    metrics::gauge!("baton_db_commits").set(s.app.db.writes() as f64);
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        handle.render(),
    )
        .into_response()
}

/// Counts and times every request by its route's pattern (never the raw path: ids would make a
/// series per record), and logs it.
pub async fn measure(req: Request, next: Next) -> Response {
    prometheus();
    let start = Instant::now();
    let method = req.method().as_str().to_string();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |m| m.as_str().to_string());
    let resp = next.run(req).await;
    let secs = start.elapsed().as_secs_f64();
    let status = resp.status().as_u16();
    metrics::counter!(
        "baton_http_requests_total",
        "method" => method.clone(),
        "route" => route.clone(),
        "status" => status.to_string()
    )
    .increment(1);
    metrics::histogram!(
        "baton_http_request_duration_seconds",
        "method" => method.clone(),
        "route" => route.clone()
    )
    .record(secs);
    tracing::info!(
        target: "baton::http",
        method = %method,
        route = %route,
        status,
        ms = (secs * 1000.0 * 10.0).round() / 10.0,
        "request"
    );
    resp
}
