//! Instruments for the head of sales (issue 4): funnel, caller × sales-manager matrix and
//! weak-link diagnosis, receivables aging, retention, plan against fact, cost per client, alerts. Every query parameter is text, checked by
//! the app, so a wrong value gets a 422 that names it.

use crate::api::{created, json};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Auth, Body, Q};
use crate::openapi::{self, Doc};
use crate::{AppState, Mr, RouteDoc, r};
use axum::extract::State;
use axum::http::{Method, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post, put};
use baton_analytics::alerts::{AlertParams, AskedParams};
use baton_app::insight::costs::NewCost;
use baton_app::insight::funnel::FunnelSlice;
use serde::Deserialize;

pub(crate) fn routes() -> Vec<(RouteDoc, Mr)> {
    use Method as M;
    vec![
        r(
            M::GET,
            "/api/reports/matrix",
            "reports",
            "Caller × sales-manager matrix of the leads handed in ?from=YYYY-MM&to=YYYY-MM[&region=CODE], with the weak-link diagnosis in words (conclusion_ru, conclusion_en)",
            get(matrix),
        ).query::<MatrixQ>().any(openapi::object).errors(&[404]),
        r(
            M::GET,
            "/api/reports/funnel",
            "reports",
            "Funnel across the roles for ?from=YYYY-MM&to=YYYY-MM[&region=CODE][&person=LOGIN][&source=S]: by_cohort and by_activity",
            get(funnel),
        ).query::<FunnelQ>().any(openapi::object).errors(&[404]),
        r(
            M::GET,
            "/api/reports/aging",
            "reports",
            "Receivables aging per client manager and overall with DSO: [?as_of=YYYY-MM-DD][&dso_days=90][&region=CODE]",
            get(aging),
        ).query::<AgingQ>().any(openapi::object).errors(&[404]),
        r(
            M::GET,
            "/api/reports/retention",
            "reports",
            "Portfolio retention (clients and revenue kept, NRR, GRR) per client manager: ?to=YYYY-MM[&months=12][&region=CODE]",
            get(retention),
        ).query::<RetentionQ>().any(openapi::object).errors(&[404]),
        r(
            M::GET,
            "/api/reports/plan-fact",
            "reports",
            "Plan against fact: every target of ?period=YYYY-MM[&region=CODE] against the metric's actual value, with attainment % and the region's sums for money and count metrics",
            get(plan_fact),
        ).query::<PlanFactQ>().any(openapi::object).errors(&[404]),
        r(
            M::GET,
            "/api/reports/costs",
            "reports",
            "Cost per client by month and region: ?from=YYYY-MM&to=YYYY-MM (at most 3 years)[&region=CODE][&revenue_months=3] (head, director, admin)",
            get(costs),
        ).query::<CostQ>().any(openapi::object).errors(&[404]),
        r(
            M::POST,
            "/api/costs",
            "reports",
            "Enter an acquisition cost other than pay: {month, region, kind, amount, note?} (head of the region, director, admin)",
            post(add_cost),
        ).body::<NewCost>().created::<baton_store::records::AcquisitionCost>(),
        r(
            M::GET,
            "/api/alerts",
            "reports",
            "Alerts raised now, each with its key, acknowledgement and (from the log) when and after what it was raised: [?region=CODE][&no_new_client_months=N][&stale_deal_days=N][&no_order_months=N][&override_days=N] (each defaults to the standing rules)[&open=1 hides the acknowledged]",
            get(alerts),
        ).query::<AlertQ>().any(openapi::object).errors(&[404]),
        r(
            M::POST,
            "/api/alerts/ack",
            "reports",
            "Acknowledge an alert: {key} from GET /api/alerts (head of the person's region, director, admin)",
            post(ack_alert),
        ).body::<AckBody>().any(openapi::object),
        r(
            M::GET,
            "/api/alerts/log",
            "reports",
            "The alert log, newest first: each alert the standing rules raised as events arrived, with raised_at, raised_after (the change that raised it, or the clock) and cleared_at: [?region=CODE][&open=1 only those still raised][&page=1][&per_page=50]",
            get(alert_log),
        ).query::<AlertLogQ>().any(openapi::object).errors(&[404]),
        r(
            M::GET,
            "/api/me/alerts",
            "reports",
            "The alerts about my own work the standing rules still raise (a stale deal of mine, my overdue invoices, a kickoff I owe), newest first: [?page=1][&per_page=50]",
            get(my_alerts),
        ).query::<crate::api::PageQ>().any(openapi::object),
        r(
            M::GET,
            "/api/alerts/rules",
            "reports",
            "The standing rules' parameters the alert log is kept with",
            get(alert_rules),
        ).ok::<AlertParams>(),
        r(
            M::PUT,
            "/api/alerts/rules",
            "reports",
            "Set the standing rules: {no_new_client_months, stale_deal_days, no_order_months, override_days} (director, admin); the rules are evaluated at once",
            put(set_alert_rules),
        ).body::<AlertParams>().ok::<AlertParams>(),
    ]
}

/// The matrix: a range of months and a region.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MatrixQ {
    #[param(required = true, value_type = baton_domain::schema::Month)]
    pub from: Option<String>,
    #[param(required = true, value_type = baton_domain::schema::Month)]
    pub to: Option<String>,
    #[param(max_length = 64)] // CODE_MAX
    pub region: Option<String>,
}

/// The funnel: a range of months, sliced by region, person or source.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FunnelQ {
    #[param(required = true, value_type = baton_domain::schema::Month)]
    pub from: Option<String>,
    #[param(required = true, value_type = baton_domain::schema::Month)]
    pub to: Option<String>,
    #[param(max_length = 64)] // CODE_MAX
    pub region: Option<String>,
    #[param(max_length = 64)] // CODE_MAX
    pub person: Option<String>,
    #[param(value_type = Option<baton_domain::LeadSource>)]
    pub source: Option<String>,
}

/// Receivables aging: a day, the DSO window, a region.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AgingQ {
    #[param(value_type = Option<baton_domain::schema::Date>)]
    pub as_of: Option<String>,
    #[param(value_type = Option<u32>, minimum = 1, maximum = 3650)]
    pub dso_days: Option<String>,
    #[param(max_length = 64)] // CODE_MAX
    pub region: Option<String>,
}

/// Retention: the last month, how many months, a region.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RetentionQ {
    #[param(required = true, value_type = baton_domain::schema::Month)]
    pub to: Option<String>,
    #[param(value_type = Option<u32>, minimum = 1, maximum = 60)]
    pub months: Option<String>,
    #[param(max_length = 64)] // CODE_MAX
    pub region: Option<String>,
}

/// `open=1` shows only the unacknowledged (or still raised) alerts.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // a schema only: `flag` reads the text
pub enum OpenFlag {
    #[schema(rename = "0")]
    No,
    #[schema(rename = "1")]
    Yes,
}

fn bad(field: &str, text: baton_catalog::Text) -> ApiError {
    let mut e = ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", text);
    e.body.field = Some(field.into());
    e
}

#[allow(clippy::result_large_err)] // the handlers return the same error type anyway
fn need(v: Option<String>, field: &str, shape: &str) -> Result<String, ApiError> {
    v.filter(|s| !s.trim().is_empty()).ok_or_else(|| {
        bad(
            field,
            baton_catalog::Text::new("api-give-param")
                .arg("field", field)
                .arg("shape", shape),
        )
    })
}

#[allow(clippy::result_large_err)]
fn number<T: std::str::FromStr>(v: Option<String>, field: &str) -> Result<Option<T>, ApiError> {
    v.filter(|s| !s.trim().is_empty())
        .map(|s| {
            s.trim().parse().map_err(|_| {
                bad(
                    field,
                    baton_catalog::Text::new("api-not-whole").arg("value", s.clone()),
                )
            })
        })
        .transpose()
}

pub async fn matrix(
    State(s): State<AppState>,
    Auth(a): Auth,
    Q(q): Q<MatrixQ>,
) -> ApiResult<impl IntoResponse> {
    let from = need(q.from, "from", "YYYY-MM")?;
    let to = need(q.to, "to", "YYYY-MM")?;
    json(&s, move |app| {
        app.matrix(Some(&a), &from, &to, q.region.as_deref())
    })
    .await
}

pub async fn funnel(
    State(s): State<AppState>,
    Auth(a): Auth,
    Q(q): Q<FunnelQ>,
) -> ApiResult<impl IntoResponse> {
    let from = need(q.from, "from", "YYYY-MM")?;
    let to = need(q.to, "to", "YYYY-MM")?;
    let slice = FunnelSlice {
        region: q.region,
        person: q.person,
        source: q.source,
    };
    json(&s, move |app| app.funnel(Some(&a), &from, &to, &slice)).await
}

pub async fn aging(
    State(s): State<AppState>,
    Auth(a): Auth,
    Q(q): Q<AgingQ>,
) -> ApiResult<impl IntoResponse> {
    let days = number::<i64>(q.dso_days, "dso_days")?;
    json(&s, move |app| {
        app.aging(Some(&a), q.as_of.as_deref(), days, q.region.as_deref())
    })
    .await
}

pub async fn retention(
    State(s): State<AppState>,
    Auth(a): Auth,
    Q(q): Q<RetentionQ>,
) -> ApiResult<impl IntoResponse> {
    let to = need(q.to, "to", "YYYY-MM")?;
    let months = number::<u32>(q.months, "months")?;
    json(&s, move |app| {
        app.retention(Some(&a), &to, months, q.region.as_deref())
    })
    .await
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PlanFactQ {
    #[param(required = true, value_type = baton_domain::schema::Month)]
    pub period: Option<String>,
    #[param(max_length = 64)] // CODE_MAX
    pub region: Option<String>,
}

pub async fn plan_fact(
    State(s): State<AppState>,
    Auth(a): Auth,
    Q(q): Q<PlanFactQ>,
) -> ApiResult<impl IntoResponse> {
    let period = need(q.period, "period", "YYYY-MM")?;
    json(&s, move |app| {
        app.plan_fact(Some(&a), &period, q.region.as_deref())
    })
    .await
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CostQ {
    #[param(required = true, value_type = baton_domain::schema::Month)]
    pub from: Option<String>,
    #[param(required = true, value_type = baton_domain::schema::Month)]
    pub to: Option<String>,
    #[param(max_length = 64)] // CODE_MAX
    pub region: Option<String>,
    #[param(value_type = Option<u32>, minimum = 1, maximum = 36)]
    pub revenue_months: Option<String>,
}

pub async fn costs(
    State(s): State<AppState>,
    Auth(a): Auth,
    Q(q): Q<CostQ>,
) -> ApiResult<impl IntoResponse> {
    let from = need(q.from, "from", "YYYY-MM")?;
    let to = need(q.to, "to", "YYYY-MM")?;
    let n = number::<u32>(q.revenue_months, "revenue_months")?;
    json(&s, move |app| {
        app.costs(Some(&a), &from, &to, q.region.as_deref(), n)
    })
    .await
}

pub async fn add_cost(
    State(s): State<AppState>,
    Auth(a): Auth,
    Body(c): Body<NewCost>,
) -> ApiResult<impl IntoResponse> {
    created(&s, move |app| app.add_cost(Some(&a), c)).await
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AlertQ {
    #[param(max_length = 64)] // CODE_MAX
    pub region: Option<String>,
    #[param(value_type = Option<u32>, minimum = 1, maximum = 120)]
    pub no_new_client_months: Option<String>,
    #[param(value_type = Option<u32>, minimum = 1, maximum = 365)]
    pub stale_deal_days: Option<String>,
    #[param(value_type = Option<u32>, minimum = 1, maximum = 120)]
    pub no_order_months: Option<String>,
    #[param(value_type = Option<u32>, minimum = 1, maximum = 365)]
    pub override_days: Option<String>,
    #[param(value_type = Option<OpenFlag>)]
    pub open: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct AckBody {
    #[schema(min_length = 1, max_length = 200)] // NAME_MAX
    pub key: String,
}

pub async fn ack_alert(
    State(s): State<AppState>,
    Auth(a): Auth,
    Body(b): Body<AckBody>,
) -> ApiResult<impl IntoResponse> {
    json(&s, move |app| app.ack_alert(Some(&a), &b.key)).await
}

pub async fn alerts(
    State(s): State<AppState>,
    Auth(a): Auth,
    Q(q): Q<AlertQ>,
) -> ApiResult<impl IntoResponse> {
    let asked = AskedParams {
        no_new_client_months: number(q.no_new_client_months, "no_new_client_months")?,
        stale_deal_days: number(q.stale_deal_days, "stale_deal_days")?,
        no_order_months: number(q.no_order_months, "no_order_months")?,
        override_days: number(q.override_days, "override_days")?,
    };
    let open = flag(q.open.as_deref())?;
    json(&s, move |app| {
        let params = asked.over(app.alert_rules()?);
        app.alerts_open(Some(&a), q.region.as_deref(), params, open)
    })
    .await
}

/// `open=1` / `open=0` (or absent).
#[allow(clippy::result_large_err)] // as `number`: the 422 is built once per request
fn flag(v: Option<&str>) -> Result<bool, ApiError> {
    match v.map(str::trim) {
        None | Some("") | Some("0") | Some("false") => Ok(false),
        Some("1") | Some("true") => Ok(true),
        Some(o) => Err(bad(
            "open",
            baton_catalog::Text::new("api-open-flag").arg("value", o),
        )),
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AlertLogQ {
    #[param(max_length = 64)] // CODE_MAX
    pub region: Option<String>,
    #[param(value_type = Option<OpenFlag>)]
    pub open: Option<String>,
    #[param(value_type = Option<i64>, minimum = 1)]
    pub page: Option<String>,
    #[param(value_type = Option<i64>, minimum = 1, maximum = 500)]
    pub per_page: Option<String>,
}

pub async fn alert_log(
    State(s): State<AppState>,
    Auth(a): Auth,
    Q(q): Q<AlertLogQ>,
) -> ApiResult<impl IntoResponse> {
    let open = flag(q.open.as_deref())?;
    let paging = baton_app::Paging::new(number(q.page, "page")?, number(q.per_page, "per_page")?);
    json(&s, move |app| {
        app.alert_log(Some(&a), q.region.as_deref(), open, paging)
    })
    .await
}

pub async fn my_alerts(
    State(s): State<AppState>,
    Auth(a): Auth,
    Q(q): Q<crate::api::PageQ>,
) -> ApiResult<impl IntoResponse> {
    let paging = baton_app::Paging::new(q.page, q.per_page);
    json(&s, move |app| app.my_alerts(&a, paging)).await
}

pub async fn alert_rules(State(s): State<AppState>, Auth(_): Auth) -> ApiResult<impl IntoResponse> {
    json(&s, move |app| app.alert_rules()).await
}

pub async fn set_alert_rules(
    State(s): State<AppState>,
    Auth(a): Auth,
    Body(b): Body<AlertParams>,
) -> ApiResult<impl IntoResponse> {
    json(&s, move |app| app.set_alert_rules(Some(&a), b)).await
}
