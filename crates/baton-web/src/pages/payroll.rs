//! Payroll periods (open → calculated → approved → paid), the review of one period with every
//! person's total, one statement with drill-down, the XLSX/CSV register; and the compensation
//! plans (versions, text, check and save). Same use cases and rights as `/api/periods`,
//! `/api/payroll`, `/api/payroll/register` and `/api/plans`.

use super::listing::{self, Cell, ListQuery, Listing, col};
use super::shell::{
    Lang, PageResult, Viewer, date_str, done, failure, form_error, message, money, or_fail, page,
    role_name, run, status_of,
};
use super::start::{period_status, statement, to_money};
use crate::AppState;
use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use baton_app::AppError;
use baton_app::payroll::periods::PeriodInfo;
use baton_app::payroll::plans::{NewPlan, PlanInfo};
use baton_domain::role::Role;
use maud::{Markup, html};
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/payroll", get(periods))
        .route("/payroll/{period}", get(review))
        .route("/payroll/{period}/calculate", post(calculate))
        .route("/payroll/{period}/approve", post(approve))
        .route("/payroll/{period}/pay", post(pay))
        .route("/payroll/{period}/register.xlsx", get(register_xlsx))
        .route("/payroll/{period}/register.csv", get(register_csv))
        .route("/payroll/{period}/zup.xlsx", get(zup_xlsx))
        .route("/payroll/{period}/zup.csv", get(zup_csv))
        .route("/payroll/{period}/{employee_id}", get(person))
        .route("/plans", get(plans).post(plan_post))
        .route("/plans/{id}", get(plan))
}

/// The name of a stored role code in the viewer's language (the code itself if unknown).
pub fn role_label(l: Lang, code: &str) -> String {
    Role::parse(code).map_or_else(|| code.to_string(), |r| role_name(l, r).to_string())
}

fn status_badge(l: Lang, status: &str) -> Markup {
    let class = match status {
        "paid" => "badge good",
        "approved" => "badge good",
        "calculated" => "badge warn",
        _ => "badge",
    };
    html! { span class=(class) { (period_status(l, status)) } }
}

/// A period id is `YYYY-MM`; anything else is refused before any use case runs.
fn valid_period(p: &str) -> bool {
    p.len() == 7
        && p.as_bytes()[4] == b'-'
        && p[..4].bytes().all(|b| b.is_ascii_digit())
        && matches!(p[5..].parse::<u32>(), Ok(1..=12))
}

#[derive(Deserialize, Default)]
pub struct GoQ {
    #[serde(default)]
    pub period: Option<String>,
}

/// The periods, newest first, each with its status and total; and a way to open any month.
async fn periods(
    State(s): State<AppState>,
    v: Viewer,
    Query(q): Query<ListQuery>,
    Query(go): Query<GoQ>,
) -> PageResult {
    let l = v.lang;
    if let Some(p) = go.period.as_deref().map(str::trim)
        && valid_period(p)
    {
        return Ok(Redirect::to(&format!("/payroll/{p}")).into_response());
    }
    let actor = v.actor.clone();
    let (list, today) = or_fail(
        l,
        run(&s, move |app| {
            let list = app.periods(Some(&actor))?;
            let cfg = app.config()?;
            Ok((list, app.today(&cfg)))
        })
        .await,
    )?;
    let current = baton_app::payroll::period_of(today);
    let previous = baton_app::payroll::period_of(
        baton_app::payroll::period_bounds(&current)
            .map(|(start, _)| start - chrono::Duration::days(1))
            .unwrap_or(today),
    );
    let rows = list
        .iter()
        .map(|p: &PeriodInfo| {
            vec![
                Cell::Link(format!("/payroll/{}", p.period), p.period.clone()),
                Cell::Html(
                    status_badge(l, &p.status),
                    period_status(l, &p.status).to_string(),
                ),
                Cell::Count(p.statements),
                Cell::Money(to_money(p.total)),
                Cell::Date(p.calculated_at.clone().unwrap_or_default()),
                Cell::Date(p.approved_at.clone().unwrap_or_default()),
                Cell::Date(p.paid_at.clone().unwrap_or_default()),
                Cell::Count(p.pending_changes),
            ]
        })
        .collect();
    let table = listing::show(
        l,
        "/payroll",
        &q,
        Listing {
            name: "periods",
            columns: vec![
                col("period", l.tr("page-month")),
                col("status", l.tr("page-status")),
                col("statements", l.tr("page-statements")),
                col("total", l.tr("page-total-3")),
                col("calculated", l.tr("page-calculated")),
                col("approved", l.tr("page-approved")),
                col("paid", l.tr("page-paid-3")),
                col("changes", l.tr("page-changes-since-calculation")),
            ],
            rows,
            filters: None,
            default_sort: Some(("period", true)),
        },
    )?;
    let body = html! {
        div.card {
            h2 { (l.tr("page-open-a-month")) }
            p.muted { (l.tr("page-an-open-month-is-computed-live")) }
            form.inline method="get" action="/payroll" {
                label { (l.tr("page-month")) " "
                    input type="month" name="period" id="period-open" value=(previous) required; }
                button type="submit" { (l.tr("page-open-2")) }
                " "
                a href=(format!("/payroll/{current}")) { (l.tr("page-this-month")) " (" (current) ")" }
            }
        }
        @if list.is_empty() {
            p.muted { (l.tr("page-no-month-has-been-calculated-yet")) }
        }
        (table)
        p { a href="/plans" { (l.tr("page-pay-plans")) } }
    };
    Ok(page(&v, l.tr("page-payroll-periods"), body).into_response())
}

async fn review(
    State(s): State<AppState>,
    v: Viewer,
    Path(period): Path<String>,
    Query(q): Query<ListQuery>,
) -> PageResult {
    review_page(&s, &v, &period, &q, None).await
}

/// The review of one period; `refusal` is the app's answer to an action just tried.
async fn review_page(
    s: &AppState,
    v: &Viewer,
    period: &str,
    q: &ListQuery,
    refusal: Option<&AppError>,
) -> PageResult {
    let l = v.lang;
    if !valid_period(period) {
        return Err(failure(l, &AppError::not_found("period", period)));
    }
    let actor = v.actor.clone();
    let p = period.to_string();
    let (list, info) = or_fail(
        l,
        run(s, move |app| {
            let list = app.payroll(Some(&actor), &p)?;
            let info = app
                .periods(Some(&actor))?
                .into_iter()
                .find(|i| i.period == p);
            Ok((list, info))
        })
        .await,
    )?;
    let status = info
        .as_ref()
        .map(|i| i.status.clone())
        .unwrap_or_else(|| "open".into());
    let rows = list
        .iter()
        .map(|st| {
            vec![
                Cell::Link(
                    format!("/payroll/{period}/{}", st.employee_id),
                    st.name.clone(),
                ),
                Cell::Text(st.login.clone()),
                Cell::Text(role_label(l, &st.role)),
                Cell::Text(st.region.clone()),
                Cell::Money(to_money(st.total)),
            ]
        })
        .collect();
    let path = format!("/payroll/{period}");
    let table = listing::show(
        l,
        &path,
        q,
        Listing {
            name: "statements",
            columns: vec![
                col("person", l.tr("page-person")),
                col("login", l.tr("page-login")),
                col("role", l.tr("page-role")),
                col("region", l.tr("page-region")),
                col("total", l.tr("page-total-3")),
            ],
            rows,
            filters: None,
            default_sort: None,
        },
    )?;
    let total = list
        .iter()
        .fold(rust_decimal::Decimal::ZERO, |acc, st| acc + st.total);
    use baton_app::rights::{Action, may};
    let may_calculate = may(&v.actor, Action::CalculatePeriod);
    let may_approve = may(&v.actor, Action::ApprovePeriod);
    let may_pay = may(&v.actor, Action::PayPeriod);
    // A head who approved their region's part waits for the others (or the director).
    let own_region_approved = !v.actor.sees_all()
        && info.as_ref().is_some_and(|i| {
            v.actor
                .region_id
                .as_ref()
                .is_some_and(|r| i.approved_region_ids.contains(r))
        });
    let body = html! {
        p { a href="/payroll" { "← " (l.tr("page-all-periods")) } }
        @if let Some(e) = refusal {
            p.error role="alert" id="refusal" { (message(e)) }
        }
        div.kpis {
            div.kpi { span { (l.tr("page-status")) } b id="period-status" { (status_badge(l, &status)) } }
            div.kpi { span { (l.tr("page-total-to-pay")) } b id="period-total" { (money(to_money(total))) } }
            div.kpi { span { (l.tr("page-people")) } b { (list.len()) } }
            @if let Some(i) = &info {
                @if i.pending_changes > 0 {
                    div.kpi { span { (l.tr("page-changes-since-calculation")) } b.warn { (i.pending_changes) } }
                }
                @if let Some(a) = &i.approved_at {
                    div.kpi { span { (l.tr("page-approved")) } b { (date_str(a)) } }
                } @else if !i.approved_regions.is_empty() {
                    div.kpi { span { (l.tr("page-approved-by-regions")) }
                        b id="approved-regions" { (i.approved_regions.join(", ")) } }
                }
                @if let Some(a) = &i.paid_at {
                    div.kpi { span { (l.tr("page-paid-3")) } b { (date_str(a)) } }
                }
            }
        }
        div.card.actions {
            @if status == "open" {
                p.muted { (l.tr("page-the-month-is-open-amounts-are")) }
            }
            @if status == "calculated" {
                p.muted { (l.tr("page-calculated-review-the-statements-and-approve")) }
            }
            div.buttons {
                @if may_calculate && (status == "open" || status == "calculated") {
                    form.inline method="post" action=(format!("/payroll/{period}/calculate")) {
                        button type="submit" id="calculate" {
                            @if status == "calculated" { (l.tr("page-recalculate")) } @else { (l.tr("page-calculate")) }
                        }
                    }
                }
                @if may_approve && (status == "open" || status == "calculated") {
                    @if own_region_approved {
                        span.muted id="own-region-approved" { (l.tr("page-your-region-is-approved")) }
                    } @else {
                        form.inline method="post" action=(format!("/payroll/{period}/approve")) {
                            button type="submit" id="approve" { (l.tr("page-approve")) }
                        }
                    }
                }
                @if may_pay && status == "approved" {
                    form.inline method="post" action=(format!("/payroll/{period}/pay")) {
                        button type="submit" id="pay" { (l.tr("page-mark-as-paid")) }
                    }
                }
                a.button id="register-xlsx" href=(format!("/payroll/{period}/register.xlsx")) download {
                    (l.tr("page-register-xlsx"))
                }
                " "
                a id="register-csv" href=(format!("/payroll/{period}/register.csv")) download {
                    (l.tr("page-register-csv"))
                }
                " · " (l.tr("page-register-zup")) ": "
                a id="zup-xlsx" href=(format!("/payroll/{period}/zup.xlsx")) download { "XLSX" }
                " "
                a id="zup-csv" href=(format!("/payroll/{period}/zup.csv")) download { "CSV" }
                " · " a id="accruals" href="/payroll/accruals" { (l.tr("page-accruals")) }
            }
        }
        (table)
    };
    let title = format!("{} {period}", l.tr("page-payroll-for"));
    let status_code = refusal.map_or(StatusCode::OK, status_of);
    Ok((status_code, page(v, &title, body)).into_response())
}

async fn act(s: AppState, v: Viewer, period: String, what: &'static str) -> PageResult {
    let l = v.lang;
    let actor = v.actor.clone();
    let p = period.clone();
    let r = run(&s, move |app| match what {
        "calculate" => app.calculate_period(Some(&actor), &p),
        "approve" => app.approve_period(Some(&actor), &p),
        _ => app.pay_period(Some(&actor), &p),
    })
    .await;
    match r {
        Ok(info) => {
            let note = match what {
                "calculate" => l.tr("page-the-period-is-calculated-statements-stored"),
                "approve" if info.status != "approved" => {
                    l.tr("page-your-region-is-approved-the-period")
                }
                "approve" => l.tr("page-the-period-is-approved-amounts-are"),
                _ => l.tr("page-the-period-is-marked-as-paid"),
            };
            Ok(done(&format!("/payroll/{}", info.period), note))
        }
        Err(AppError::Forbidden(w)) => Err(failure(l, &AppError::Forbidden(w))),
        Err(e) => review_page(&s, &v, &period, &ListQuery::default(), Some(&e)).await,
    }
}

async fn calculate(State(s): State<AppState>, v: Viewer, Path(p): Path<String>) -> PageResult {
    act(s, v, p, "calculate").await
}
#[derive(Deserialize, Default)]
pub struct ApproveForm {
    #[serde(default)]
    confirm: Option<String>,
}

/// Approving freezes the month's pay: the first press on a calculated month shows what will be
/// frozen (people and total, in the approver's reach) and asks again; the second carries it
/// out. A month that cannot be approved gets the refusal at once.
async fn approve(
    State(s): State<AppState>,
    v: Viewer,
    Path(p): Path<String>,
    Form(f): Form<ApproveForm>,
) -> PageResult {
    if f.confirm.as_deref() == Some("1") {
        return act(s, v, p, "approve").await;
    }
    let l = v.lang;
    baton_app::rights::require(&v.actor, baton_app::rights::Action::ApprovePeriod)
        .map_err(|e| failure(l, &e))?;
    if !valid_period(&p) {
        return Err(failure(l, &AppError::not_found("period", &p)));
    }
    let actor = v.actor.clone();
    let period = p.clone();
    let (list, status) = or_fail(
        l,
        run(&s, move |app| {
            let status = app
                .periods(Some(&actor))?
                .into_iter()
                .find(|i| i.period == period)
                .map(|i| i.status)
                .unwrap_or_else(|| "open".into());
            Ok((app.payroll(Some(&actor), &period)?, status))
        })
        .await,
    )?;
    // Only a calculated month can be approved: anything else gets the app's answer at once.
    if status != "calculated" {
        return act(s, v, p, "approve").await;
    }
    let total = list
        .iter()
        .fold(rust_decimal::Decimal::ZERO, |acc, st| acc + st.total);
    let scope = if v.actor.sees_all() {
        l.tr("page-every-region").to_string()
    } else {
        l.tr("page-your-region").to_string()
    };
    let body = html! {
        p { a href=(format!("/payroll/{p}")) { "← " (l.tr("page-back-to-the-review")) } }
        div.kpis {
            div.kpi { span { (l.tr("page-period")) } b { (p) } }
            div.kpi { span { (l.tr("page-people")) } b id="confirm-people" { (list.len()) } }
            div.kpi { span { (l.tr("page-total-to-pay")) } b id="confirm-total" { (money(to_money(total))) } }
            div.kpi { span { (l.tr("page-what-is-approved")) } b { (scope) } }
        }
        p { (l.tr("page-once-approved-the-amounts-are-frozen")) }
        form.inline method="post" action=(format!("/payroll/{p}/approve")) id="approve-confirm" {
            input type="hidden" name="confirm" value="1";
            button type="submit" id="approve-yes" { (l.tr("page-yes-approve")) }
            " " a href=(format!("/payroll/{p}")) { (l.tr("page-cancel")) }
        }
    };
    Ok(page(&v, l.tr("page-approve-the-payroll"), body).into_response())
}
async fn pay(State(s): State<AppState>, v: Viewer, Path(p): Path<String>) -> PageResult {
    act(s, v, p, "pay").await
}

async fn register(s: AppState, v: Viewer, period: String, format: &'static str) -> PageResult {
    let actor = v.actor.clone();
    let p = period.clone();
    let bytes = or_fail(
        v.lang,
        run(&s, move |app| {
            app.payroll_register(Some(&actor), &p, format)
        })
        .await,
    )?;
    let mime = if format.ends_with("csv") {
        "text/csv; charset=utf-8"
    } else {
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    };
    let name = match format {
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

async fn register_xlsx(State(s): State<AppState>, v: Viewer, Path(p): Path<String>) -> PageResult {
    register(s, v, p, "xlsx").await
}
async fn register_csv(State(s): State<AppState>, v: Viewer, Path(p): Path<String>) -> PageResult {
    register(s, v, p, "csv").await
}
async fn zup_xlsx(State(s): State<AppState>, v: Viewer, Path(p): Path<String>) -> PageResult {
    register(s, v, p, "zup_xlsx").await
}
async fn zup_csv(State(s): State<AppState>, v: Viewer, Path(p): Path<String>) -> PageResult {
    register(s, v, p, "zup_csv").await
}

/// One person's statement of the period, every line explained.
async fn person(
    State(s): State<AppState>,
    v: Viewer,
    Path((period, employee_id)): Path<(String, String)>,
) -> PageResult {
    let l = v.lang;
    if !valid_period(&period) {
        return Err(failure(l, &AppError::not_found("period", &period)));
    }
    let actor = v.actor.clone();
    let (p, id) = (period.clone(), employee_id.clone());
    let st = or_fail(
        l,
        run(&s, move |app| {
            app.payroll(Some(&actor), &p)?
                .into_iter()
                .find(|st| st.employee_id == id)
                .ok_or_else(|| AppError::not_found("statement", &format!("{p}/{id}")))
        })
        .await,
    )?;
    let body = html! {
        p { a href=(format!("/payroll/{period}")) { "← " (l.tr("page-all-statements-of-the-month")) } }
        p.muted { (st.login) " · " (role_label(l, &st.role)) " · " (st.region) }
        (statement(l, &st, false, baton_app::rights::may(&v.actor, baton_app::rights::Action::ReadFinance)))
    };
    let title = format!("{} · {period}", st.name);
    Ok(page(&v, &title, body).into_response())
}

// ---- plans ----

#[derive(Deserialize, Default)]
pub struct PlansQ {
    #[serde(default)]
    pub from: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct PlanForm {
    #[serde(default)]
    text: String,
    #[serde(default)]
    employee: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    action: String,
}

/// What the check says about a text: its summary, or every problem with line and column.
enum Checked {
    Ok {
        name: String,
        role: String,
        effective_from: String,
        metrics: Vec<String>,
    },
    Problems(Vec<String>),
}

async fn plans(
    State(s): State<AppState>,
    v: Viewer,
    Query(q): Query<ListQuery>,
    Query(pq): Query<PlansQ>,
) -> PageResult {
    let l = v.lang;
    let actor = v.actor.clone();
    let from = pq.from.clone().filter(|f| !f.is_empty());
    let text = match from {
        Some(id) => {
            let a = actor.clone();
            or_fail(l, run(&s, move |app| app.plan(Some(&a), &id)).await)?.1
        }
        None => String::new(),
    };
    let f = PlanForm {
        text,
        status: "active".into(),
        ..Default::default()
    };
    plans_page(&s, &v, &q, &f, None, None).await
}

async fn plans_page(
    s: &AppState,
    v: &Viewer,
    q: &ListQuery,
    f: &PlanForm,
    checked: Option<&Checked>,
    error: Option<&AppError>,
) -> PageResult {
    let l = v.lang;
    let actor = v.actor.clone();
    let (list, names) = or_fail(
        l,
        run(s, move |app| {
            let list = app.plans(Some(&actor))?;
            let mut names = std::collections::BTreeMap::new();
            for id in list.iter().filter_map(|p| p.employee_id.clone()) {
                if let Ok(e) = app.employee(&id) {
                    names.insert(id, e.name);
                }
            }
            Ok((list, names))
        })
        .await,
    )?;
    let mut rows: Vec<Vec<Cell>> = list
        .iter()
        .map(|p: &PlanInfo| {
            vec![
                Cell::Link(format!("/plans/{}", p.id), p.name.clone()),
                Cell::Text(role_label(l, &p.role)),
                Cell::Text(
                    p.employee_id
                        .as_ref()
                        .map(|id| names.get(id).cloned().unwrap_or_else(|| id.clone()))
                        .unwrap_or_else(|| l.tr("page-whole-role").to_string()),
                ),
                Cell::Count(p.version),
                Cell::Date(p.effective_from.clone()),
                Cell::Text(plan_status(l, &p.status).to_string()),
                Cell::Date(p.created_at.clone()),
            ]
        })
        .collect();
    for (role, text) in baton_app::payroll::plans::SHIPPED_PLANS {
        let (name, from) = baton_app::payroll::plans::checked(text).map_or_else(
            |_| (l.tr("page-shipped-plan").to_string(), String::new()),
            |p| (p.name, p.effective_from),
        );
        rows.push(vec![
            Cell::Link(format!("/plans/shipped:{role}"), name),
            Cell::Text(role_label(l, role)),
            Cell::Text(l.tr("page-whole-role").to_string()),
            Cell::Count(0),
            Cell::Date(from),
            Cell::Text(plan_status(l, "shipped").to_string()),
            Cell::Date(String::new()),
        ]);
    }
    let table = listing::show(
        l,
        "/plans",
        q,
        Listing {
            name: "plans",
            columns: vec![
                col("name", l.tr("page-plan")),
                col("role", l.tr("page-role")),
                col("person", l.tr("page-for-whom")),
                col("version", l.tr("page-version")),
                col("from", l.tr("page-effective-from")),
                col("status", l.tr("page-status")),
                col("created", l.tr("page-saved")),
            ],
            rows,
            filters: None,
            default_sort: None,
        },
    )?;
    let may_edit = v.any(&[Role::Head, Role::Director, Role::Admin]);
    let problems: Vec<String> = match (checked, error) {
        (Some(Checked::Problems(p)), _) => p.clone(),
        _ => vec![],
    };
    let body = html! {
        p.muted { (l.tr("page-a-saved-version-never-changes-a")) }
        (table)
        @if may_edit {
            div.card id="plan-editor" {
                h2 { (l.tr("page-new-plan-version")) }
                p.muted { (l.tr("page-the-role-and-start-date-come")) code { "name, role, effective_from" } (l.tr("page-check-first-then-save")) }
                @if let Some(e) = error { (form_error(Some(&message(e)))) }
                @if let Some(Checked::Ok { name, role, effective_from, metrics }) = checked {
                    p.ok role="status" id="plan-ok" {
                        (l.tr("page-the-plan-is-valid")) ": «" (name) "», " (role_label(l, role)) ", "
                        (l.tr("page-from-3")) " " (date_str(effective_from)) ". "
                        (l.tr("page-metrics")) ": " (metrics.join(", "))
                    }
                }
                form.stack method="post" action="/plans" {
                    label class=(if problems.is_empty() { "" } else { "missing" }) {
                        span { (l.tr("page-plan-text-toml")) }
                        textarea name="text" id="plan-text" rows="20" spellcheck="false" { (f.text) }
                    }
                    @if !problems.is_empty() {
                        ul.error id="plan-problems" role="alert" {
                            @for p in &problems { li { (p) } }
                        }
                    }
                    label class=(if error.and_then(|e| e.field()) == Some("employee") { "missing" } else { "" }) {
                        span { (l.tr("page-personal-plan-for-login-empty-for")) }
                        input name="employee" id="plan-employee" value=(f.employee);
                    }
                    label {
                        span { (l.tr("page-status")) }
                        select name="status" id="plan-status" {
                            option value="active" selected[f.status != "draft"] { (plan_status(l, "active")) }
                            option value="draft" selected[f.status == "draft"] { (plan_status(l, "draft")) }
                        }
                    }
                    div {
                        button.secondary type="submit" name="action" value="check" id="plan-check" { (l.tr("page-check")) }
                        " "
                        button type="submit" name="action" value="save" id="plan-save" { (l.tr("page-save-the-version")) }
                    }
                }
            }
        }
    };
    let code = if !problems.is_empty() || error.is_some() {
        error.map_or(StatusCode::UNPROCESSABLE_ENTITY, status_of)
    } else {
        StatusCode::OK
    };
    Ok((code, page(v, l.tr("page-pay-plans"), body)).into_response())
}

fn plan_status(l: Lang, s: &str) -> &'static str {
    match s {
        "active" => l.tr("page-active"),
        "draft" => l.tr("page-draft-what-if-only"),
        "shipped" => l.tr("page-default"),
        _ => l.tr("page-other-2"),
    }
}

fn problems_of(l: Lang, e: &AppError) -> Option<Vec<String>> {
    match e {
        AppError::InvalidPlan(list) => Some(
            list.iter()
                .map(|p| {
                    format!(
                        "{} {}, {} {}: {}",
                        l.tr("page-line"),
                        p.line,
                        l.tr("page-column"),
                        p.column,
                        p.message
                    )
                })
                .collect(),
        ),
        _ => None,
    }
}

async fn plan_post(State(s): State<AppState>, v: Viewer, Form(f): Form<PlanForm>) -> PageResult {
    let l = v.lang;
    let q = ListQuery::default();
    if f.action == "check" {
        let text = f.text.clone();
        let r = run(&s, move |app| app.check_plan(&text)).await;
        let checked = match r {
            Ok(plan) => Checked::Ok {
                name: plan.name.clone(),
                role: plan.role.as_str().to_string(),
                effective_from: plan.effective_from.clone(),
                metrics: plan.metric_names().into_iter().collect(),
            },
            Err(e) => match problems_of(l, &e) {
                Some(p) => Checked::Problems(p),
                None => return plans_page(&s, &v, &q, &f, None, Some(&e)).await,
            },
        };
        return plans_page(&s, &v, &q, &f, Some(&checked), None).await;
    }
    let actor = v.actor.clone();
    let new = NewPlan {
        text: f.text.clone(),
        employee: Some(f.employee.trim().to_string()).filter(|e| !e.is_empty()),
        status: Some(f.status.clone()).filter(|s| !s.is_empty()),
    };
    match run(&s, move |app| app.add_plan(Some(&actor), new)).await {
        Ok(info) => Ok(done(
            &format!("/plans/{}", info.id),
            &format!("{} {}", l.tr("page-saved-version"), info.version),
        )),
        Err(AppError::Forbidden(w)) => Err(failure(l, &AppError::Forbidden(w))),
        Err(e) => match problems_of(l, &e) {
            Some(p) => plans_page(&s, &v, &q, &f, Some(&Checked::Problems(p)), None).await,
            None => plans_page(&s, &v, &q, &f, None, Some(&e)).await,
        },
    }
}

async fn plan(State(s): State<AppState>, v: Viewer, Path(id): Path<String>) -> PageResult {
    let l = v.lang;
    let actor = v.actor.clone();
    let i2 = id.clone();
    let (info, text) = or_fail(l, run(&s, move |app| app.plan(Some(&actor), &i2)).await)?;
    let may_edit = v.any(&[Role::Head, Role::Director, Role::Admin]);
    let body = html! {
        p { a href="/plans" { "← " (l.tr("page-all-plans")) } }
        div.kpis {
            div.kpi { span { (l.tr("page-role")) } b { (role_label(l, &info.role)) } }
            div.kpi { span { (l.tr("page-version")) } b { (info.version) } }
            div.kpi { span { (l.tr("page-effective-from")) } b { (date_str(&info.effective_from)) } }
            div.kpi { span { (l.tr("page-status")) } b { (plan_status(l, &info.status)) } }
        }
        div.scroll { pre.plan id="plan-body" { (text) } }
        @if may_edit {
            p { a href=(format!("/plans?from={}", super::shell::urlencode(&id))) id="plan-new-version" {
                (l.tr("page-new-version-based-on-this-one")) } }
        }
    };
    Ok(page(&v, &info.name, body).into_response())
}

#[cfg(test)]
mod tests {
    use super::valid_period;

    #[test]
    fn periods_are_months() {
        assert!(valid_period("2026-10"));
        assert!(!valid_period("2026-13"));
        assert!(!valid_period("2026-1"));
        assert!(!valid_period("abcd-10"));
    }
}
