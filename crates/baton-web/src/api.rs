//! The JSON API: one handler per use case, each a thin adapter that parses, calls the app on a
//! blocking thread (the stores are synchronous) and shapes the answer.

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Auth, Body, Q};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use baton_app::conveyor::calls::{NewActivity, NewCall};
use baton_app::conveyor::companies::{CompanyQuery, NewCompany, NewContact};
use baton_app::conveyor::deals::{
    HandoverRequest, NewContract, NewInvoice, NewOrder, NewPayment, NewRefund,
};
use baton_app::conveyor::leads::{HandOffRequest, LeadQuery, NewLead};
use baton_app::conveyor::people::{NewEmployee, NewRole};
use baton_app::{App, AppError, Paging};
use baton_domain::lead::Answers;
use baton_domain::{ConveyorConfig, Money};
use serde::{Deserialize, Serialize};

/// Runs a use case off the async threads and maps its error.
pub async fn run<T: Send + 'static>(
    s: &AppState,
    f: impl FnOnce(&App) -> Result<T, AppError> + Send + 'static,
) -> ApiResult<T> {
    let app = s.app.clone();
    tokio::task::spawn_blocking(move || f(&app))
        .await
        .map_err(ApiError::task_failed)?
        .map_err(ApiError::from)
}

pub async fn json<T: Serialize + Send + 'static>(
    s: &AppState,
    f: impl FnOnce(&App) -> Result<T, AppError> + Send + 'static,
) -> ApiResult<Json<T>> {
    run(s, f).await.map(Json)
}

pub async fn created<T: Serialize + Send + 'static>(
    s: &AppState,
    f: impl FnOnce(&App) -> Result<T, AppError> + Send + 'static,
) -> ApiResult<(StatusCode, Json<T>)> {
    run(s, f).await.map(|v| (StatusCode::CREATED, Json(v)))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQ {
    #[param(minimum = 1)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 500)]
    pub per_page: Option<i64>,
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EmployeesQ {
    #[param(minimum = 1)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 500)]
    pub per_page: Option<i64>,
    #[param(max_length = 64)]
    pub region_id: Option<String>,
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TargetsQ {
    #[param(value_type = Option<baton_domain::schema::Month>)]
    pub period: Option<String>,
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQ {
    #[param(minimum = 1)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 500)]
    pub per_page: Option<i64>,
    #[param(max_length = 64)]
    pub entity: Option<String>,
    #[param(max_length = 64)]
    pub entity_id: Option<String>,
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ActivitiesQ {
    #[param(minimum = 1)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 500)]
    pub per_page: Option<i64>,
    #[param(max_length = 64)]
    pub company_id: Option<String>,
    #[param(max_length = 64)]
    pub actor_id: Option<String>,
    #[param(value_type = Option<baton_domain::schema::Date>)]
    pub date: Option<String>,
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HandoffsQ {
    #[param(minimum = 1)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 500)]
    pub per_page: Option<i64>,
    #[param(max_length = 64)]
    pub status: Option<String>,
    #[param(max_length = 64)]
    pub kind: Option<String>,
}

/// Contracts and orders: of one company.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CompanyPageQ {
    #[param(minimum = 1)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 500)]
    pub per_page: Option<i64>,
    #[param(max_length = 64)]
    pub company_id: Option<String>,
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InvoicesQ {
    #[param(minimum = 1)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 500)]
    pub per_page: Option<i64>,
    #[param(max_length = 64)]
    pub company_id: Option<String>,
    pub overdue: Option<bool>,
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PaymentsQ {
    #[param(minimum = 1)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 500)]
    pub per_page: Option<i64>,
    #[param(max_length = 64)]
    pub company_id: Option<String>,
    #[param(value_type = Option<baton_domain::schema::Date>)]
    pub from: Option<String>,
    #[param(value_type = Option<baton_domain::schema::Date>)]
    pub to: Option<String>,
}

fn paging(page: Option<i64>, per_page: Option<i64>) -> Paging {
    Paging::new(page, per_page)
}

/// Orders of the companies list.
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)] // a schema only: the use case reads `sort` as text
pub enum CompanySort {
    Name,
    CreatedAt,
    Inn,
    LastPaidOn,
}

/// A company's status, as the companies list filters it.
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)] // a schema only: the use case reads `status` as text
pub enum CompanyStatus {
    Prospect,
    Client,
    Merged,
}

/// Orders of the leads list.
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum LeadSort {
    CreatedAt,
    UpdatedAt,
    Stage,
    Amount,
}

/// The payroll register's file formats.
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum RegisterFormat {
    Xlsx,
    Csv,
    /// The layout for 1C:ЗУП as CSV (BOM, `;`, decimal comma) or XLSX.
    ZupCsv,
    ZupXlsx,
}

// ---- auth ----

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct PersonnelNumberReq {
    /// The табельный номер in 1C:ЗУП; empty or null clears it.
    #[schema(max_length = 64)]
    pub personnel_number: Option<String>,
}

pub async fn set_personnel_number(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<String>,
    Body(r): Body<PersonnelNumberReq>,
) -> ApiResult<impl IntoResponse> {
    json(&s, move |app| {
        app.set_personnel_number(&a, &id, r.personnel_number.as_deref())
    })
    .await
}

pub async fn accrual_types(
    State(s): State<AppState>,
    Auth(_): Auth,
) -> ApiResult<impl IntoResponse> {
    json(&s, move |app| app.accrual_types()).await
}

pub async fn set_accrual_types(
    State(s): State<AppState>,
    Auth(a): Auth,
    Body(r): Body<std::collections::BTreeMap<String, String>>,
) -> ApiResult<impl IntoResponse> {
    json(&s, move |app| app.set_accrual_types(&a, r)).await
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct LoginReq {
    #[schema(max_length = 64)]
    pub login: String,
    #[schema(max_length = 200)]
    pub password: String,
}

/// Opens an API token (30 days) for `Authorization: Bearer`. Browsers log in with the page
/// form, which sets the 12-hour session cookie instead.
pub async fn login(
    State(s): State<AppState>,
    parts: axum::http::request::Parts,
    Body(req): Body<LoginReq>,
) -> ApiResult<Response> {
    let addr = s.web.client_addr(&parts);
    if let Err(wait) = s.web.throttle.check(&req.login, addr) {
        let mut e = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_attempts",
            baton_catalog::Text::new("api-too-many-logins")
                .arg("seconds", crate::throttle::retry_after(wait)),
        )
        .into_response();
        if let Ok(v) = header::HeaderValue::from_str(&crate::throttle::retry_after(wait)) {
            e.headers_mut().insert(header::RETRY_AFTER, v);
        }
        return Ok(e);
    }
    let who = req.login.clone();
    let r = run(&s, move |app| app.login(&req.login, &req.password, "token")).await;
    match r {
        Ok(r) => {
            s.web.throttle.succeeded(&who);
            Ok(Json(r).into_response())
        }
        Err(e) => {
            if e.body.code == AppError::BadCredentials.code() {
                s.web.throttle.failed(&who, addr);
            }
            Err(e)
        }
    }
}

pub async fn logout(
    State(s): State<AppState>,
    parts: axum::http::request::Parts,
) -> ApiResult<Response> {
    if let Some(t) = crate::extract::token_of(&parts) {
        run(&s, move |app| app.logout(&t)).await?;
    }
    let cookie = crate::security::session_cookie("", 0, s.web.config.secure(&parts.headers));
    Ok(([(header::SET_COOKIE, cookie)], StatusCode::NO_CONTENT).into_response())
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct PasswordReq {
    #[schema(max_length = 200)]
    pub current: String,
    #[schema(min_length = 6, max_length = 200)]
    pub new: String,
}

/// Changes the caller's own password; every other session and token of theirs ends.
pub async fn change_password(
    State(s): State<AppState>,
    Auth(a): Auth,
    parts: axum::http::request::Parts,
    Body(req): Body<PasswordReq>,
) -> ApiResult<StatusCode> {
    let keep = crate::extract::token_of(&parts).unwrap_or_default();
    run(&s, move |app| {
        app.change_password(&a, &req.current, &req.new, &keep)
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn me(Auth(a): Auth) -> Json<baton_app::Actor> {
    Json(a)
}

pub async fn health(State(s): State<AppState>) -> ApiResult<Json<serde_json::Value>> {
    json(&s, |app| {
        app.config()?;
        Ok(serde_json::json!({ "status": "ok" }))
    })
    .await
}

// ---- configuration, people ----

pub async fn get_config(State(s): State<AppState>, _a: Auth) -> ApiResult<Json<ConveyorConfig>> {
    json(&s, |app| app.config()).await
}

pub async fn put_config(
    State(s): State<AppState>,
    Auth(a): Auth,
    Body(cfg): Body<ConveyorConfig>,
) -> ApiResult<Json<ConveyorConfig>> {
    json(&s, move |app| app.set_config(&a, cfg)).await
}

pub async fn regions(
    State(s): State<AppState>,
    _a: Auth,
) -> ApiResult<Json<Vec<baton_store::records::Region>>> {
    json(&s, |app| app.regions()).await
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct NewRegion {
    #[schema(min_length = 1, max_length = 64)]
    pub code: String,
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
}

pub async fn create_region(
    State(s): State<AppState>,
    Auth(a): Auth,
    Body(r): Body<NewRegion>,
) -> ApiResult<impl IntoResponse> {
    created(&s, move |app| app.create_region(&a, &r.code, &r.name)).await
}

pub async fn employees(
    State(s): State<AppState>,
    Auth(a): Auth,
    Q(q): Q<EmployeesQ>,
) -> ApiResult<impl IntoResponse> {
    json(&s, move |app| {
        app.employees(&a, q.region_id.as_deref(), paging(q.page, q.per_page))
    })
    .await
}

pub async fn employee(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    json(&s, move |app| app.employee_seen_by(&a, &id)).await
}

pub async fn create_employee(
    State(s): State<AppState>,
    Auth(a): Auth,
    Body(r): Body<NewEmployee>,
) -> ApiResult<impl IntoResponse> {
    created(&s, move |app| app.create_employee(Some(&a), r)).await
}

pub async fn assign_role(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<String>,
    Body(r): Body<NewRole>,
) -> ApiResult<impl IntoResponse> {
    json(&s, move |app| app.assign_role(Some(&a), &id, r)).await
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct NewAbsence {
    #[schema(value_type = baton_domain::schema::Date)]
    pub from: String,
    #[schema(value_type = baton_domain::schema::Date)]
    pub to: String,
    #[serde(default)]
    #[schema(max_length = 64)]
    pub kind: String,
}

pub async fn add_absence(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<String>,
    Body(r): Body<NewAbsence>,
) -> ApiResult<impl IntoResponse> {
    created(&s, move |app| {
        app.add_absence(&a, &id, &r.from, &r.to, &r.kind)
    })
    .await
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct NewTarget {
    #[schema(max_length = 64)]
    pub employee_id: String,
    #[schema(value_type = baton_domain::schema::Month)]
    pub period: String,
    #[schema(min_length = 1, max_length = 64)]
    pub metric: String,
    #[schema(pattern = r"^[0-9]{1,12}(\.[0-9]{1,2})?$")]
    pub value: String,
}

pub async fn set_target(
    State(s): State<AppState>,
    Auth(a): Auth,
    Body(t): Body<NewTarget>,
) -> ApiResult<impl IntoResponse> {
    json(&s, move |app| {
        app.set_target(&a, &t.employee_id, &t.period, &t.metric, &t.value)
    })
    .await
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CopyTargets {
    #[schema(value_type = baton_domain::schema::Month)]
    pub from: String,
    #[schema(value_type = baton_domain::schema::Month)]
    pub to: String,
}

pub async fn copy_targets(
    State(s): State<AppState>,
    Auth(a): Auth,
    Body(c): Body<CopyTargets>,
) -> ApiResult<impl IntoResponse> {
    json(&s, move |app| app.copy_targets(&a, &c.from, &c.to)).await
}

pub async fn targets(
    State(s): State<AppState>,
    Auth(a): Auth,
    Q(q): Q<TargetsQ>,
) -> ApiResult<impl IntoResponse> {
    json(&s, move |app| app.targets(&a, q.period.as_deref())).await
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct NewProduct {
    #[schema(min_length = 1, max_length = 64)]
    pub sku: String,
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    #[serde(default)]
    #[schema(max_length = 200)]
    pub product_group: String,
    #[schema(max_length = 64)]
    pub region_id: Option<String>,
    #[schema(value_type = baton_domain::schema::Amount)]
    pub price: Money,
}

pub async fn products(State(s): State<AppState>, _a: Auth) -> ApiResult<impl IntoResponse> {
    json(&s, |app| app.products()).await
}

pub async fn create_product(
    State(s): State<AppState>,
    Auth(a): Auth,
    Body(p): Body<NewProduct>,
) -> ApiResult<impl IntoResponse> {
    created(&s, move |app| {
        app.create_product(&a, &p.sku, &p.name, &p.product_group, p.region_id, p.price)
    })
    .await
}

pub async fn audit(
    State(s): State<AppState>,
    Auth(a): Auth,
    Q(q): Q<AuditQ>,
) -> ApiResult<impl IntoResponse> {
    json(&s, move |app| {
        app.audit_events(
            &a,
            q.entity.as_deref(),
            q.entity_id.as_deref(),
            paging(q.page, q.per_page),
        )
    })
    .await
}

/// The audit chain walked: 200 with the verdict, intact or not (the chain's state is the
/// answer, not an error of the request). Directors and admins only.
pub async fn audit_verify(
    State(s): State<AppState>,
    Auth(a): Auth,
) -> ApiResult<impl IntoResponse> {
    json(&s, move |app| app.verify_audit(Some(&a))).await
}

// ---- companies, calls ----

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CompanyQ {
    #[param(minimum = 1)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 500)]
    pub per_page: Option<i64>,
    #[param(max_length = 200)]
    pub q: Option<String>,
    #[param(max_length = 64)]
    pub region_id: Option<String>,
    #[param(value_type = Option<CompanyStatus>)]
    pub status: Option<String>,
    #[param(max_length = 64)]
    pub client_manager_id: Option<String>,
    #[param(value_type = Option<CompanySort>)]
    pub sort: Option<String>,
    pub desc: Option<bool>,
}

pub async fn companies(
    State(s): State<AppState>,
    Auth(a): Auth,
    Q(q): Q<CompanyQ>,
) -> ApiResult<impl IntoResponse> {
    let paging = Paging::new(q.page, q.per_page);
    let cq = CompanyQuery {
        q: q.q,
        region_id: q.region_id,
        status: q.status,
        client_manager_id: q.client_manager_id,
        sort: q.sort,
        desc: q.desc,
    };
    json(&s, move |app| app.companies(&a, cq, paging)).await
}

pub async fn create_company(
    State(s): State<AppState>,
    Auth(a): Auth,
    Body(r): Body<NewCompany>,
) -> ApiResult<impl IntoResponse> {
    created(&s, move |app| app.create_company(&a, r)).await
}

pub async fn company(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    json(&s, move |app| app.company_card(&a, &id)).await
}

pub async fn add_contact(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<String>,
    Body(r): Body<NewContact>,
) -> ApiResult<impl IntoResponse> {
    created(&s, move |app| app.add_contact(&a, &id, r)).await
}

pub async fn claim(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    json(&s, move |app| app.claim_company(&a, &id)).await
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct MergeReq {
    #[schema(max_length = 64)]
    pub into: String,
}

pub async fn merge(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<String>,
    Body(r): Body<MergeReq>,
) -> ApiResult<impl IntoResponse> {
    json(&s, move |app| app.merge_company(&a, &id, &r.into)).await
}

pub async fn handover(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<String>,
    Body(r): Body<HandoverRequest>,
) -> ApiResult<impl IntoResponse> {
    created(&s, move |app| app.hand_over(&a, &id, r)).await
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SplitPresetQ {
    /// The region whose people the preset is for.
    #[param(required = true, max_length = 64)] // CODE_MAX
    pub region_id: Option<String>,
    /// universal, mixed or conveyor.
    #[param(required = true, value_type = baton_app::conveyor::split_presets::Preset)]
    pub preset: Option<String>,
}

pub async fn split_preset(
    State(s): State<AppState>,
    Auth(a): Auth,
    Q(q): Q<SplitPresetQ>,
) -> ApiResult<impl IntoResponse> {
    json(&s, move |app| {
        baton_app::rights::require(&a, baton_app::rights::Action::ManagePeople)?;
        let region = q.region_id.ok_or_else(|| {
            baton_app::AppError::invalid("region_id", baton_catalog::Text::new("err-web-region-id"))
        })?;
        app.split_preset(&a, &region, q.preset.as_deref().unwrap_or_default())
    })
    .await
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQ {
    /// A phone in any format, an ИНН, part of a company's name, a contact's or colleague's
    /// surname, or an invoice number (at least two characters).
    #[param(max_length = 200)] // NAME_MAX
    pub q: Option<String>,
}

pub async fn search(
    State(s): State<AppState>,
    Auth(a): Auth,
    Q(q): Q<SearchQ>,
) -> ApiResult<impl IntoResponse> {
    json(&s, move |app| {
        app.search(&a, q.q.as_deref().unwrap_or_default())
    })
    .await
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChangesQ {
    /// A region's code: only the splits that concerned it.
    #[param(max_length = 64)]
    pub region: Option<String>,
}

pub async fn department_changes(
    State(s): State<AppState>,
    Auth(a): Auth,
    Q(q): Q<ChangesQ>,
) -> ApiResult<impl IntoResponse> {
    json(&s, move |app| {
        app.department_changes(&a, q.region.as_deref())
    })
    .await
}

pub async fn split_preview(
    State(s): State<AppState>,
    Auth(a): Auth,
    Body(r): Body<baton_app::conveyor::split::Split>,
) -> ApiResult<impl IntoResponse> {
    json(&s, move |app| app.preview_split(&a, r)).await
}

pub async fn split(
    State(s): State<AppState>,
    Auth(a): Auth,
    Body(r): Body<baton_app::conveyor::split::Split>,
) -> ApiResult<impl IntoResponse> {
    json(&s, move |app| app.split(&a, r)).await
}

pub async fn clients_reassign_preview(
    State(s): State<AppState>,
    Auth(a): Auth,
    Body(r): Body<baton_app::conveyor::portfolios::Reassignment>,
) -> ApiResult<impl IntoResponse> {
    json(&s, move |app| app.preview_reassignment(&a, r)).await
}

pub async fn clients_reassign(
    State(s): State<AppState>,
    Auth(a): Auth,
    Body(r): Body<baton_app::conveyor::portfolios::Reassignment>,
) -> ApiResult<impl IntoResponse> {
    json(&s, move |app| app.reassign_clients(&a, r)).await
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct NewCallList {
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    #[schema(max_length = 64)]
    pub owner_id: Option<String>,
    #[serde(default)]
    #[schema(max_items = 500)]
    pub company_ids: Vec<String>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct CompanyIds {
    #[schema(max_items = 500)]
    pub company_ids: Vec<String>,
}

pub async fn call_lists(State(s): State<AppState>, Auth(a): Auth) -> ApiResult<impl IntoResponse> {
    json(&s, move |app| app.call_lists(&a)).await
}

pub async fn create_call_list(
    State(s): State<AppState>,
    Auth(a): Auth,
    Body(r): Body<NewCallList>,
) -> ApiResult<impl IntoResponse> {
    created(&s, move |app| {
        app.create_call_list(&a, &r.name, r.owner_id.as_deref(), &r.company_ids)
    })
    .await
}

pub async fn add_call_list_items(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<String>,
    Body(r): Body<CompanyIds>,
) -> ApiResult<impl IntoResponse> {
    json(&s, move |app| app.add_to_call_list(&a, &id, &r.company_ids)).await
}

pub async fn call_queue(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<String>,
    Q(q): Q<PageQ>,
) -> ApiResult<impl IntoResponse> {
    json(&s, move |app| {
        app.call_queue(&a, &id, q.per_page.unwrap_or(20))
    })
    .await
}

pub async fn log_call(
    State(s): State<AppState>,
    Auth(a): Auth,
    Body(r): Body<NewCall>,
) -> ApiResult<impl IntoResponse> {
    created(&s, move |app| app.log_call(&a, r)).await
}

pub async fn log_activity(
    State(s): State<AppState>,
    Auth(a): Auth,
    Body(r): Body<NewActivity>,
) -> ApiResult<impl IntoResponse> {
    created(&s, move |app| app.log_activity(&a, r)).await
}

pub async fn activities(
    State(s): State<AppState>,
    Auth(a): Auth,
    Q(q): Q<ActivitiesQ>,
) -> ApiResult<impl IntoResponse> {
    json(&s, move |app| {
        app.activities(
            &a,
            q.company_id.as_deref(),
            q.actor_id.as_deref(),
            q.date.as_deref(),
            paging(q.page, q.per_page),
        )
    })
    .await
}

// ---- leads and handoffs ----

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LeadQ {
    #[param(minimum = 1)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 500)]
    pub per_page: Option<i64>,
    #[param(value_type = Option<baton_domain::LeadStage>)]
    pub stage: Option<String>,
    #[param(max_length = 64)]
    pub region_id: Option<String>,
    #[param(max_length = 64)]
    pub caller_id: Option<String>,
    #[param(max_length = 64)]
    pub seller_id: Option<String>,
    #[param(max_length = 64)]
    pub owner_id: Option<String>,
    #[param(value_type = Option<baton_domain::LeadSource>)]
    pub source: Option<String>,
    #[param(value_type = Option<LeadSort>)]
    pub sort: Option<String>,
    pub desc: Option<bool>,
}

pub async fn leads(
    State(s): State<AppState>,
    Auth(a): Auth,
    Q(q): Q<LeadQ>,
) -> ApiResult<impl IntoResponse> {
    let paging = Paging::new(q.page, q.per_page);
    let lq = LeadQuery {
        stage: q.stage,
        region_id: q.region_id,
        caller_id: q.caller_id,
        seller_id: q.seller_id,
        owner_id: q.owner_id,
        source: q.source,
        sort: q.sort,
        desc: q.desc,
    };
    json(&s, move |app| app.leads(&a, lq, paging)).await
}

pub async fn open_lead(
    State(s): State<AppState>,
    Auth(a): Auth,
    Body(r): Body<NewLead>,
) -> ApiResult<impl IntoResponse> {
    created(&s, move |app| app.open_lead(&a, r)).await
}

pub async fn lead(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    json(&s, move |app| app.lead(&a, &id)).await
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ChecklistReq {
    #[schema(value_type = std::collections::BTreeMap<String, baton_domain::schema::Note>)]
    pub checklist: Answers,
}

pub async fn save_checklist(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<String>,
    Body(r): Body<ChecklistReq>,
) -> ApiResult<impl IntoResponse> {
    json(&s, move |app| app.save_checklist(&a, &id, r.checklist)).await
}

pub async fn hand_off(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<String>,
    Body(r): Body<HandOffRequest>,
) -> ApiResult<impl IntoResponse> {
    json(&s, move |app| app.hand_off(&a, &id, r)).await
}

pub async fn accept(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    json(&s, move |app| app.accept_lead(&a, &id)).await
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct RejectReq {
    #[schema(value_type = baton_domain::schema::RejectionCode)]
    pub reason: String,
    #[schema(max_length = 2000)]
    pub text: Option<String>,
}

pub async fn reject(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<String>,
    Body(r): Body<RejectReq>,
) -> ApiResult<impl IntoResponse> {
    json(&s, move |app| {
        app.reject_lead(&a, &id, &r.reason, r.text.as_deref())
    })
    .await
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ReassignReq {
    #[schema(max_length = 64)]
    pub receiver_id: String,
}

pub async fn reassign(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<String>,
    Body(r): Body<ReassignReq>,
) -> ApiResult<impl IntoResponse> {
    json(&s, move |app| app.reassign_lead(&a, &id, &r.receiver_id)).await
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct MoveReq {
    #[schema(value_type = baton_domain::LeadStage)]
    pub stage: String,
}

pub async fn move_lead(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<String>,
    Body(r): Body<MoveReq>,
) -> ApiResult<impl IntoResponse> {
    json(&s, move |app| app.move_lead(&a, &id, &r.stage)).await
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct LoseReq {
    #[schema(min_length = 1, max_length = 2000)]
    pub reason: String,
}

pub async fn lose(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<String>,
    Body(r): Body<LoseReq>,
) -> ApiResult<impl IntoResponse> {
    json(&s, move |app| app.lose_lead(&a, &id, &r.reason)).await
}

pub async fn sign_contract(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<String>,
    Body(r): Body<NewContract>,
) -> ApiResult<impl IntoResponse> {
    created(&s, move |app| app.sign_contract(&a, &id, r)).await
}

pub async fn handoffs(
    State(s): State<AppState>,
    Auth(a): Auth,
    Q(q): Q<HandoffsQ>,
) -> ApiResult<impl IntoResponse> {
    json(&s, move |app| {
        app.handoffs(
            &a,
            q.status.as_deref(),
            q.kind.as_deref(),
            paging(q.page, q.per_page),
        )
    })
    .await
}

pub async fn overdue_handoffs(
    State(s): State<AppState>,
    Auth(a): Auth,
) -> ApiResult<impl IntoResponse> {
    json(&s, move |app| app.overdue_handoffs(&a)).await
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct NoteReq {
    #[schema(max_length = 2000)]
    pub note: Option<String>,
}

pub async fn kickoff(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<String>,
    Body(r): Body<NoteReq>,
) -> ApiResult<impl IntoResponse> {
    json(&s, move |app| app.kickoff(&a, &id, r.note)).await
}

// ---- tasks ----

pub async fn tasks(
    State(s): State<AppState>,
    Auth(a): Auth,
    Q(q): Q<baton_app::conveyor::tasks::TaskQuery>,
) -> ApiResult<impl IntoResponse> {
    json(&s, move |app| app.tasks(&a, q)).await
}

pub async fn add_task(
    State(s): State<AppState>,
    Auth(a): Auth,
    Body(r): Body<baton_app::conveyor::tasks::NewTask>,
) -> ApiResult<impl IntoResponse> {
    created(&s, move |app| app.add_task(&a, r)).await
}

pub async fn close_task(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<String>,
    Body(r): Body<baton_app::conveyor::tasks::CloseTask>,
) -> ApiResult<impl IntoResponse> {
    json(&s, move |app| app.close_task(&a, &id, r)).await
}

pub async fn my_day(State(s): State<AppState>, Auth(a): Auth) -> ApiResult<impl IntoResponse> {
    json(&s, move |app| app.my_day(&a)).await
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct PromiseReq {
    /// The day the client promised to pay, `YYYY-MM-DD` (today or later).
    #[schema(value_type = baton_domain::schema::Date)]
    pub on: String,
    #[schema(max_length = 2000)]
    pub note: Option<String>,
}

pub async fn promise(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<String>,
    Body(r): Body<PromiseReq>,
) -> ApiResult<impl IntoResponse> {
    created(&s, move |app| app.promise_to_pay(&a, &id, &r.on, r.note)).await
}

// ---- money ----

pub async fn contracts(
    State(s): State<AppState>,
    Auth(a): Auth,
    Q(q): Q<CompanyPageQ>,
) -> ApiResult<impl IntoResponse> {
    json(&s, move |app| {
        app.contracts(&a, q.company_id.as_deref(), paging(q.page, q.per_page))
    })
    .await
}

pub async fn orders(
    State(s): State<AppState>,
    Auth(a): Auth,
    Q(q): Q<CompanyPageQ>,
) -> ApiResult<impl IntoResponse> {
    json(&s, move |app| {
        app.orders(&a, q.company_id.as_deref(), paging(q.page, q.per_page))
    })
    .await
}

pub async fn create_order(
    State(s): State<AppState>,
    Auth(a): Auth,
    Body(r): Body<NewOrder>,
) -> ApiResult<impl IntoResponse> {
    created(&s, move |app| app.create_order(&a, r)).await
}

pub async fn invoices(
    State(s): State<AppState>,
    Auth(a): Auth,
    Q(q): Q<InvoicesQ>,
) -> ApiResult<impl IntoResponse> {
    json(&s, move |app| {
        app.invoices(
            &a,
            q.company_id.as_deref(),
            q.overdue.unwrap_or(false),
            paging(q.page, q.per_page),
        )
    })
    .await
}

pub async fn create_invoice(
    State(s): State<AppState>,
    Auth(a): Auth,
    Body(r): Body<NewInvoice>,
) -> ApiResult<impl IntoResponse> {
    created(&s, move |app| app.create_invoice(&a, r)).await
}

pub async fn payments(
    State(s): State<AppState>,
    Auth(a): Auth,
    Q(q): Q<PaymentsQ>,
) -> ApiResult<impl IntoResponse> {
    json(&s, move |app| {
        app.payments(
            &a,
            q.company_id.as_deref(),
            q.from.as_deref(),
            q.to.as_deref(),
            paging(q.page, q.per_page),
        )
    })
    .await
}

pub async fn record_payment(
    State(s): State<AppState>,
    Auth(a): Auth,
    Body(r): Body<NewPayment>,
) -> ApiResult<impl IntoResponse> {
    created(&s, move |app| app.record_payment(&a, r)).await
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RefundResult {
    pub credit_note: baton_store::records::CreditNote,
    pub payment: baton_store::records::Payment,
}

pub async fn record_refund(
    State(s): State<AppState>,
    Auth(a): Auth,
    Body(r): Body<NewRefund>,
) -> ApiResult<impl IntoResponse> {
    created(&s, move |app| {
        app.record_refund(&a, r)
            .map(|(credit_note, payment)| RefundResult {
                credit_note,
                payment,
            })
    })
    .await
}

// ---- pay ----

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeriodQ {
    #[param(value_type = Option<baton_domain::schema::Month>)]
    pub period: Option<String>,
}

/// Everyone's statements: the period is required.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PayrollQ {
    #[param(required = true, value_type = baton_domain::schema::Month)]
    pub period: Option<String>,
}

pub async fn payroll(
    State(s): State<AppState>,
    Auth(a): Auth,
    Q(q): Q<PayrollQ>,
) -> ApiResult<impl IntoResponse> {
    let period = need_period(q.period)?;
    json(&s, move |app| app.payroll(Some(&a), &period)).await
}

#[allow(clippy::result_large_err)] // the handlers return the same error type anyway
fn need_period(p: Option<String>) -> Result<String, ApiError> {
    p.ok_or_else(|| {
        let mut e = ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            baton_catalog::Text::new("api-give-period"),
        );
        e.body.field = Some("period".into());
        e
    })
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RegisterQ {
    #[param(value_type = baton_domain::schema::Month)]
    pub period: Option<String>,
    #[param(value_type = Option<RegisterFormat>)]
    pub format: Option<String>,
}

/// The payroll register as a file: XLSX (default) or CSV.
pub async fn payroll_register(
    State(s): State<AppState>,
    Auth(a): Auth,
    Q(q): Q<RegisterQ>,
) -> ApiResult<Response> {
    let period = need_period(q.period)?;
    let format = q.format.unwrap_or_else(|| "xlsx".into());
    let (p, f) = (period.clone(), format.clone());
    let bytes = run(&s, move |app| app.payroll_register(Some(&a), &p, &f)).await?;
    let csv = format.ends_with("csv");
    let mime = if csv {
        "text/csv; charset=utf-8"
    } else {
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    };
    let name = match format.as_str() {
        "zup_csv" => format!("payroll-{period}-zup.csv"),
        "zup_xlsx" => format!("payroll-{period}-zup.xlsx"),
        f => format!("payroll-{period}.{f}"),
    };
    Ok((
        [
            (header::CONTENT_TYPE, mime.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

pub async fn periods(State(s): State<AppState>, Auth(a): Auth) -> ApiResult<impl IntoResponse> {
    json(&s, move |app| app.periods(Some(&a))).await
}

pub async fn calculate_period(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    json(&s, move |app| app.calculate_period(Some(&a), &id)).await
}

pub async fn approve_period(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    json(&s, move |app| app.approve_period(Some(&a), &id)).await
}

pub async fn pay_period(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    json(&s, move |app| app.pay_period(Some(&a), &id)).await
}

pub async fn plans(State(s): State<AppState>, Auth(a): Auth) -> ApiResult<impl IntoResponse> {
    json(&s, move |app| app.plans(Some(&a))).await
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PlanText {
    #[serde(flatten)]
    pub info: baton_app::payroll::plans::PlanInfo,
    pub text: String,
}

pub async fn plan(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    json(&s, move |app| {
        app.plan(Some(&a), &id)
            .map(|(info, text)| PlanText { info, text })
    })
    .await
}

pub async fn add_plan(
    State(s): State<AppState>,
    Auth(a): Auth,
    Body(p): Body<baton_app::payroll::plans::NewPlan>,
) -> ApiResult<impl IntoResponse> {
    created(&s, move |app| app.add_plan(Some(&a), p)).await
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct PlanCheck {
    #[schema(min_length = 1, max_length = 100000)]
    pub text: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PlanChecked {
    pub ok: bool,
    pub name: String,
    pub role: String,
    pub effective_from: String,
    pub metrics: Vec<String>,
}

/// Checks a plan text without saving it: 200 with its summary, or 422 `invalid_plan` listing
/// every problem with its line and column.
pub async fn check_plan(
    State(s): State<AppState>,
    _a: Auth,
    Body(p): Body<PlanCheck>,
) -> ApiResult<impl IntoResponse> {
    json(&s, move |app| {
        app.check_plan(&p.text).map(|plan| PlanChecked {
            ok: true,
            name: plan.name.clone(),
            role: plan.role.as_str().into(),
            effective_from: plan.effective_from.clone(),
            metrics: plan.metric_names().into_iter().collect(),
        })
    })
    .await
}

pub async fn my_statement(
    State(s): State<AppState>,
    Auth(a): Auth,
    Q(q): Q<PeriodQ>,
) -> ApiResult<impl IntoResponse> {
    json(&s, move |app| app.my_statement(&a, q.period.as_deref())).await
}
