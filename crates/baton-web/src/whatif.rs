//! What-if (issue 6): plan replay on recorded history and the structure simulator.

use crate::api::json;
use crate::error::ApiResult;
use crate::extract::{Auth, Body, Q};
use crate::openapi::{self, Doc};
use crate::{AppState, Mr, RouteDoc, r};
use axum::extract::State;
use axum::http::Method;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use baton_app::whatif::structure::StructureRequest;
use serde::Deserialize;

pub(crate) fn routes() -> Vec<(RouteDoc, Mr)> {
    vec![
        r(
            Method::POST,
            "/api/simulate/replay",
            "what-if",
            "Replay a draft plan {plan, from, to} on past months: actual pay against the draft per person, changed lines, totals, payroll share of collections, who would lose (head: the region; director, admin, accountant)",
            post(replay),
        ).body::<ReplayReq>().any(openapi::object),
        r(
            Method::POST,
            "/api/simulate/structure",
            "what-if",
            "Simulate the department's structure {preset | from_history, params, scenarios, settings}: bands, verdict, sensitivity, recommended ratio (head, director, admin)",
            post(structure),
        ).body_schema(openapi::structure_request).any(openapi::object),
        r(
            Method::GET,
            "/api/simulate/structure/params",
            "what-if",
            "The simulator's parameters estimated from ?months=12 of history, with their 80 % intervals (head: the region; director, admin)",
            get(structure_params),
        ).query::<MonthsQ>().any(openapi::object),
    ]
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplayReq {
    /// The draft plan's text (TOML, docs/plans.md).
    #[schema(min_length = 1, max_length = 100000)] // DOCUMENT_MAX
    pub plan: String,
    #[schema(value_type = baton_domain::schema::Month)]
    pub from: String,
    #[schema(value_type = baton_domain::schema::Month)]
    pub to: String,
}

pub async fn replay(
    State(s): State<AppState>,
    Auth(a): Auth,
    Body(req): Body<ReplayReq>,
) -> ApiResult<impl IntoResponse> {
    json(&s, move |app| {
        app.replay(Some(&a), &req.plan, &req.from, &req.to)
    })
    .await
}

pub async fn structure(
    State(s): State<AppState>,
    Auth(a): Auth,
    Body(req): Body<StructureRequest>,
) -> ApiResult<impl IntoResponse> {
    json(&s, move |app| app.simulate_structure(Some(&a), req)).await
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MonthsQ {
    #[param(minimum = 1, maximum = 36)] // MAX_HISTORY_MONTHS
    pub months: Option<u32>,
}

pub async fn structure_params(
    State(s): State<AppState>,
    Auth(a): Auth,
    Q(q): Q<MonthsQ>,
) -> ApiResult<impl IntoResponse> {
    json(&s, move |app| {
        app.structure_estimates(Some(&a), q.months.unwrap_or(12))
    })
    .await
}
