//! People and roles (the staff list, one person's role history and absences), targets and the
//! conveyor settings. Same use cases and rights as `/api/employees`, `/api/targets` and
//! `/api/config`.

use super::listing::{self, Cell, ListQuery, Listing, col};
use super::payroll::role_label;
use super::shell::{
    Lang, PageResult, Viewer, date, date_str, done, failure, form_error, message, or_fail, page,
    role_name, run, status_of,
};
use crate::AppState;
use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use baton_analytics::alerts::AlertParams;
use baton_app::conveyor::people::{EmployeeView, NewEmployee, NewRole};
use baton_app::rights::{Action, may};
use baton_app::{AppError, Paging};
use baton_domain::ConveyorConfig;
use baton_domain::role::Role;
use baton_store::records::{AbsenceRow, Region, RoleAssignmentRow, Target};
use chrono::NaiveDate;
use maud::{Markup, html};
use serde::Deserialize;
use std::collections::BTreeMap;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/people", get(people).post(create))
        .route("/people/{id}", get(person))
        .route("/people/{id}/roles", post(assign))
        .route("/people/{id}/absences", post(absence))
        .route("/people/{id}/number", post(set_number))
        .route("/targets", get(targets).post(set_target))
        .route("/settings", get(settings).post(save_settings))
        .route("/settings/alerts", post(save_alert_rules))
}

/// `class="missing"` on the wrapper of the field an error names.
fn mark(e: Option<&AppError>, fields: &[&str]) -> &'static str {
    match e.and_then(|e| e.field()) {
        Some(f) if fields.contains(&f) => "missing",
        _ => "",
    }
}

fn opt(s: &str) -> Option<String> {
    Some(s.trim().to_string()).filter(|s| !s.is_empty())
}

/// Every employee (the use case pages by at most 500).
fn all_employees(
    app: &baton_app::App,
    actor: &baton_app::Actor,
) -> baton_app::AppResult<Vec<EmployeeView>> {
    let mut out = Vec::new();
    let mut page = 1;
    loop {
        let p = app.employees(actor, None, Paging::new(Some(page), Some(500)))?;
        let n = p.items.len();
        out.extend(p.items);
        if n == 0 || out.len() as i64 >= p.total {
            return Ok(out);
        }
        page += 1;
    }
}

fn held_on(r: &RoleAssignmentRow, day: NaiveDate) -> bool {
    let d = day.to_string();
    r.valid_from.as_str() <= d.as_str() && r.valid_to.as_deref().is_none_or(|t| t > d.as_str())
}

fn region_name(regions: &[Region], id: Option<&str>) -> String {
    id.and_then(|id| regions.iter().find(|r| r.id == id))
        .map(|r| r.name.clone())
        .unwrap_or_default()
}

fn region_select(l: Lang, regions: &[Region], name: &str, id: &str, chosen: &str) -> Markup {
    html! {
        select name=(name) id=(id) {
            option value="" selected[chosen.is_empty()] { (l.tr("page-no-region")) }
            @for r in regions {
                option value=(r.id) selected[chosen == r.id] { (r.name) " (" (r.code) ")" }
            }
        }
    }
}

fn role_select(l: Lang, name: &str, id: &str, chosen: &str) -> Markup {
    html! {
        select name=(name) id=(id) {
            @for r in Role::ALL {
                option value=(r.as_str()) selected[chosen == r.as_str()] { (role_name(l, r)) }
            }
        }
    }
}

// ---- the staff list ----

#[derive(Deserialize, Default, Clone)]
pub struct EmployeeForm {
    #[serde(default)]
    login: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    region_id: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    valid_from: String,
}

async fn people(State(s): State<AppState>, v: Viewer, Query(q): Query<ListQuery>) -> PageResult {
    let f = EmployeeForm {
        role: "caller".into(),
        region_id: v.actor.region_id.clone().unwrap_or_default(),
        ..Default::default()
    };
    people_page(&s, &v, &q, &f, None).await
}

async fn people_page(
    s: &AppState,
    v: &Viewer,
    q: &ListQuery,
    f: &EmployeeForm,
    error: Option<&AppError>,
) -> PageResult {
    let l = v.lang;
    if !may(&v.actor, Action::ReadPeople) {
        return Err(failure(l, &super::shell::refused("web-staff")));
    }
    let actor = v.actor.clone();
    let (list, regions, today) = or_fail(
        l,
        run(s, move |app| {
            let cfg = app.config()?;
            Ok((all_employees(app, &actor)?, app.regions()?, app.today(&cfg)))
        })
        .await,
    )?;
    let reach = baton_app::rights::reach(&v.actor, baton_app::rights::Action::ReadPeople);
    let rows = list
        .iter()
        .map(|e| {
            let roles: Vec<String> = e
                .roles
                .iter()
                .filter(|r| held_on(r, today))
                .map(|r| role_label(l, &r.role))
                .collect();
            vec![
                // A card the viewer may not open is not a link (another region's people).
                if reach.is_some_and(|r| {
                    baton_app::rights::covers(&v.actor, r, Some(&e.id), e.region_id.as_deref())
                }) {
                    Cell::Link(format!("/people/{}", e.id), e.name.clone())
                } else {
                    Cell::Text(e.name.clone())
                },
                Cell::Text(e.login.clone()),
                Cell::Text(if roles.is_empty() {
                    l.tr("page-no-role").to_string()
                } else {
                    roles.join(", ")
                }),
                Cell::Text(region_name(&regions, e.region_id.as_deref())),
                Cell::Text(
                    if e.active {
                        l.tr("page-yes")
                    } else {
                        l.tr("page-no-2")
                    }
                    .to_string(),
                ),
            ]
        })
        .collect();
    let table = listing::show(
        l,
        "/people",
        q,
        Listing {
            name: "people",
            columns: vec![
                col("name", l.tr("page-person")),
                col("login", l.tr("page-login")),
                col("roles", l.tr("page-roles-today")),
                col("region", l.tr("page-region")),
                col("active", l.tr("page-active-2")),
            ],
            rows,
            filters: None,
            default_sort: None,
        },
    )?;
    let from = if f.valid_from.is_empty() {
        today.to_string()
    } else {
        f.valid_from.clone()
    };
    let body = html! {
        p { a href="/targets" { (l.tr("page-monthly-targets")) } " · "
            a href="/plans" { (l.tr("page-pay-plans")) }
            @if baton_app::rights::may(&v.actor, baton_app::rights::Action::MoveClients) {
                " · " a href="/people/split" id="people-split" { (l.tr("page-the-split")) }
            } }
        (table)
        @if may(&v.actor, Action::ManagePeople) {
            div.card id="new-employee" {
                h2 { (l.tr("page-new-employee")) }
                @if let Some(e) = error { (form_error(Some(&message(e)))) }
                form.stack method="post" action="/people" {
                    label class=(mark(error, &["login"])) { span { (l.tr("page-login-latin-letters")) }
                        input name="login" id="employee-login" value=(f.login) required autocomplete="off"; }
                    label class=(mark(error, &["name"])) { span { (l.tr("page-full-name")) }
                        input name="name" id="employee-name" value=(f.name) required; }
                    label class=(mark(error, &["password"])) { span { (l.tr("page-password-6-characters-or-more")) }
                        input type="password" name="password" id="employee-password" autocomplete="new-password" required; }
                    label class=(mark(error, &["region_id", "region"])) { span { (l.tr("page-region")) }
                        (region_select(l, &regions, "region_id", "employee-region", &f.region_id)) }
                    label class=(mark(error, &["role"])) { span { (l.tr("page-first-role")) }
                        (role_select(l, "role", "employee-role", &f.role)) }
                    label class=(mark(error, &["valid_from"])) { span { (l.tr("page-role-from")) }
                        input type="date" name="valid_from" id="employee-from" value=(from); }
                    button type="submit" id="employee-create" { (l.tr("page-create")) }
                }
            }
        }
    };
    let code = error.map_or(StatusCode::OK, status_of);
    Ok((code, page(v, l.tr("page-people-2"), body)).into_response())
}

async fn create(State(s): State<AppState>, v: Viewer, Form(f): Form<EmployeeForm>) -> PageResult {
    let l = v.lang;
    let actor = v.actor.clone();
    let req = NewEmployee {
        login: f.login.clone(),
        name: f.name.clone(),
        password: f.password.clone(),
        region_id: opt(&f.region_id),
        role: f.role.clone(),
        valid_from: opt(&f.valid_from),
        open_lead_limit: None,
    };
    match run(&s, move |app| app.create_employee(Some(&actor), req)).await {
        Ok(e) => Ok(done(
            &format!("/people/{}", e.id),
            &format!("{} {}", l.tr("page-employee-created"), e.login),
        )),
        Err(e @ AppError::Forbidden(_)) => Err(failure(l, &e)),
        Err(e) => people_page(&s, &v, &ListQuery::default(), &f, Some(&e)).await,
    }
}

// ---- one person ----

#[derive(Deserialize, Default, Clone)]
pub struct RoleForm {
    #[serde(default)]
    role: String,
    #[serde(default)]
    region_id: String,
    #[serde(default)]
    valid_from: String,
    #[serde(default)]
    valid_to: String,
    #[serde(default)]
    replace: Option<String>,
}

#[derive(Deserialize, Default, Clone)]
pub struct AbsenceForm {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    kind: String,
}

enum PersonError<'a> {
    None,
    Role(&'a RoleForm, &'a AppError),
    Absence(&'a AbsenceForm, &'a AppError),
}

async fn person(State(s): State<AppState>, v: Viewer, Path(id): Path<String>) -> PageResult {
    person_page(&s, &v, &id, PersonError::None).await
}

async fn person_page(s: &AppState, v: &Viewer, id: &str, err: PersonError<'_>) -> PageResult {
    let l = v.lang;
    if !may(&v.actor, Action::ReadPeople) && v.actor.id != id {
        return Err(failure(l, &super::shell::refused("web-staff")));
    }
    let actor = v.actor.clone();
    let i2 = id.to_string();
    let (e, regions, absences, today): (EmployeeView, Vec<Region>, Vec<AbsenceRow>, NaiveDate) =
        or_fail(
            l,
            run(s, move |app| {
                let cfg = app.config()?;
                Ok((
                    app.employee_seen_by(&actor, &i2)?,
                    app.regions()?,
                    app.absences(&actor, &i2)?,
                    app.today(&cfg),
                ))
            })
            .await,
        )?;
    let manage = may(&v.actor, Action::ManagePeople);
    let default_role = RoleForm {
        role: e
            .roles
            .iter()
            .rev()
            .find(|r| held_on(r, today))
            .map(|r| r.role.clone())
            .unwrap_or_else(|| "caller".into()),
        region_id: e.region_id.clone().unwrap_or_default(),
        valid_from: today.to_string(),
        replace: Some("1".into()),
        ..Default::default()
    };
    let default_absence = AbsenceForm {
        kind: l.tr("page-vacation").to_string(),
        ..Default::default()
    };
    let (rf, role_err) = match &err {
        PersonError::Role(f, e) => (*f, Some(*e)),
        _ => (&default_role, None),
    };
    let (af, abs_err) = match &err {
        PersonError::Absence(f, e) => (*f, Some(*e)),
        _ => (&default_absence, None),
    };
    let body = html! {
        p { a href="/people" { "← " (l.tr("page-all-people")) } }
        div.kpis {
            div.kpi { span { (l.tr("page-login")) } b id="person-login" { (e.login) } }
            div.kpi { span { (l.tr("page-region")) } b { (region_name(&regions, e.region_id.as_deref())) } }
            div.kpi { span { (l.tr("page-active-2")) } b { (if e.active { l.tr("page-yes") } else { l.tr("page-no-2") }) } }
            div.kpi { span { (l.tr("page-personnel-number")) } b id="person-number" { (e.personnel_number.as_deref().unwrap_or("—")) } }
        }
        // The табельный номер for 1C:ЗУП: whoever prepares the payroll enters it.
        @if may(&v.actor, Action::CalculatePeriod) {
            form.inline method="post" action=(format!("/people/{}/number", e.id)) id="number-form" {
                label { (l.tr("page-personnel-number")) " "
                    input type="text" name="number" id="number" maxlength="64"
                        value=(e.personnel_number.as_deref().unwrap_or(""));
                }
                " "
                button type="submit" id="number-save" { (l.tr("page-save")) }
            }
        }
        h2 { (l.tr("page-role-history")) }
        div.scroll { table id="role-history" {
            thead { tr {
                th scope="col" { (l.tr("page-role")) }
                th scope="col" { (l.tr("page-region")) }
                th scope="col" { (l.tr("page-from-4")) }
                th scope="col" { (l.tr("page-until-exclusive")) }
                th scope="col" { (l.tr("page-now-2")) }
            } }
            tbody {
                @for r in &e.roles {
                    tr {
                        td { (role_label(l, &r.role)) }
                        td { (region_name(&regions, r.region_id.as_deref())) }
                        td { (date_str(&r.valid_from)) }
                        td { (r.valid_to.as_deref().map(date_str).unwrap_or_else(|| "—".into())) }
                        td { @if held_on(r, today) { span.badge.good { (l.tr("page-in-force")) } } }
                    }
                }
                @if e.roles.is_empty() {
                    tr { td.empty colspan="5" { (l.tr("page-no-roles")) } }
                }
            }
        } }
        @if manage {
            div.card id="assign-role" {
                h2 { (l.tr("page-assign-a-role")) }
                @if let Some(e) = role_err { (form_error(Some(&message(e)))) }
                form.stack method="post" action=(format!("/people/{}/roles", e.id)) {
                    label class=(mark(role_err, &["role"])) { span { (l.tr("page-role")) }
                        (role_select(l, "role", "role-role", &rf.role)) }
                    label class=(mark(role_err, &["region_id"])) { span { (l.tr("page-region")) }
                        (region_select(l, &regions, "region_id", "role-region", &rf.region_id)) }
                    label class=(mark(role_err, &["valid_from"])) { span { (l.tr("page-from-5")) }
                        input type="date" name="valid_from" id="role-from" value=(rf.valid_from) required; }
                    label class=(mark(role_err, &["valid_to"])) { span { (l.tr("page-until-optional")) }
                        input type="date" name="valid_to" id="role-to" value=(rf.valid_to); }
                    label.check { input type="checkbox" name="replace" id="role-replace" value="1" checked[rf.replace.is_some()];
                        " " (l.tr("page-end-the-other-roles-on-this")) }
                    button type="submit" id="role-assign" { (l.tr("page-assign")) }
                }
            }
        }
        h2 { (l.tr("page-absences")) }
        div.scroll { table id="absences" {
            thead { tr {
                th scope="col" { (l.tr("page-from-4")) }
                th scope="col" { (l.tr("page-to-3")) }
                th scope="col" { (l.tr("page-kind")) }
            } }
            tbody {
                @for a in &absences {
                    tr { td { (date_str(&a.from_date)) } td { (date_str(&a.to_date)) } td { (baton_catalog::term(l, "absence", &a.kind)) } }
                }
                @if absences.is_empty() {
                    tr { td.empty colspan="3" { (l.tr("page-no-absences")) } }
                }
            }
        } }
        @if manage || v.actor.id == e.id {
            div.card id="add-absence" {
                h2 { (l.tr("page-record-an-absence")) }
                @if let Some(e) = abs_err { (form_error(Some(&message(e)))) }
                form.stack method="post" action=(format!("/people/{}/absences", e.id)) {
                    label class=(mark(abs_err, &["from"])) { span { (l.tr("page-from-4")) }
                        input type="date" name="from" id="absence-from" value=(af.from) required; }
                    label class=(mark(abs_err, &["to"])) { span { (l.tr("page-to-inclusive")) }
                        input type="date" name="to" id="absence-to" value=(af.to) required; }
                    label class=(mark(abs_err, &["kind"])) { span { (l.tr("page-kind")) }
                        input name="kind" id="absence-kind" value=(af.kind); }
                    button type="submit" id="absence-add" { (l.tr("page-save")) }
                }
            }
        }
        p.muted { (l.tr("page-today")) ": " (date(today)) }
    };
    let code = match &err {
        PersonError::Role(_, e) | PersonError::Absence(_, e) => status_of(e),
        PersonError::None => StatusCode::OK,
    };
    Ok((code, page(v, &e.name, body)).into_response())
}

async fn assign(
    State(s): State<AppState>,
    v: Viewer,
    Path(id): Path<String>,
    Form(f): Form<RoleForm>,
) -> PageResult {
    let l = v.lang;
    let actor = v.actor.clone();
    let req = NewRole {
        role: f.role.clone(),
        region_id: opt(&f.region_id),
        valid_from: f.valid_from.clone(),
        valid_to: opt(&f.valid_to),
        replace: f.replace.is_some(),
    };
    let i2 = id.clone();
    match run(&s, move |app| app.assign_role(Some(&actor), &i2, req)).await {
        Ok(_) => Ok(done(
            &format!("/people/{id}"),
            l.tr("page-the-role-is-assigned"),
        )),
        Err(e @ (AppError::Forbidden(_) | AppError::NotFound { .. })) => Err(failure(l, &e)),
        Err(e) => person_page(&s, &v, &id, PersonError::Role(&f, &e)).await,
    }
}

async fn absence(
    State(s): State<AppState>,
    v: Viewer,
    Path(id): Path<String>,
    Form(f): Form<AbsenceForm>,
) -> PageResult {
    let l = v.lang;
    let actor = v.actor.clone();
    let (i2, f2) = (id.clone(), f.clone());
    match run(&s, move |app| {
        app.add_absence(&actor, &i2, &f2.from, &f2.to, &f2.kind)
    })
    .await
    {
        Ok(_) => Ok(done(
            &format!("/people/{id}"),
            l.tr("page-the-absence-is-saved"),
        )),
        Err(e @ (AppError::Forbidden(_) | AppError::NotFound { .. })) => Err(failure(l, &e)),
        Err(e) => person_page(&s, &v, &id, PersonError::Absence(&f, &e)).await,
    }
}

// ---- targets ----

#[derive(Deserialize, Default, Clone)]
pub struct TargetForm {
    #[serde(default)]
    employee_id: String,
    #[serde(default)]
    period: String,
    #[serde(default)]
    metric: String,
    #[serde(default)]
    value: String,
}

async fn targets(State(s): State<AppState>, v: Viewer, Query(q): Query<ListQuery>) -> PageResult {
    targets_page(&s, &v, &q, &TargetForm::default(), None).await
}

async fn targets_page(
    s: &AppState,
    v: &Viewer,
    q: &ListQuery,
    f: &TargetForm,
    error: Option<&AppError>,
) -> PageResult {
    let l = v.lang;
    let actor = v.actor.clone();
    let (list, people, today) = or_fail(
        l,
        run(s, move |app| {
            let cfg = app.config()?;
            Ok((
                app.targets(&actor, None)?,
                all_employees(app, &actor)?,
                app.today(&cfg),
            ))
        })
        .await,
    )?;
    let names: BTreeMap<&str, &EmployeeView> = people.iter().map(|e| (e.id.as_str(), e)).collect();
    let rows = list
        .iter()
        .map(|t: &Target| {
            let who = names.get(t.employee_id.as_str());
            vec![
                Cell::Text(
                    who.map(|e| e.name.clone())
                        .unwrap_or_else(|| t.employee_id.clone()),
                ),
                Cell::Text(who.map(|e| e.login.clone()).unwrap_or_default()),
                Cell::Text(t.period.clone()),
                Cell::Text(baton_catalog::term(l, "metric", &t.metric)),
                Cell::Text(t.value.clone()),
            ]
        })
        .collect();
    let table = listing::show(
        l,
        "/targets",
        q,
        Listing {
            name: "targets",
            columns: vec![
                col("person", l.tr("page-person")),
                col("login", l.tr("page-login")),
                col("period", l.tr("page-month")),
                col("metric", l.tr("page-metric")),
                col("value", l.tr("page-target-2")),
            ],
            rows,
            filters: None,
            default_sort: Some(("period", true)),
        },
    )?;
    // The metrics the shipped plans know, offered as suggestions.
    let mut metrics = std::collections::BTreeSet::new();
    for (_, text) in baton_app::payroll::plans::SHIPPED_PLANS {
        if let Ok(p) = baton_app::payroll::plans::checked(text) {
            metrics.extend(p.metric_names());
        }
    }
    let period = if f.period.is_empty() {
        baton_app::payroll::period_of(today)
    } else {
        f.period.clone()
    };
    let body = html! {
        p { a href="/people" { "← " (l.tr("page-people-2")) } }
        @if let Some(e) = super::caller::param(v, "err") { p.error role="alert" id="targets-error" { (e) } }
        (table)
        @if may(&v.actor, Action::SetTargets) {
            div.card id="set-target" {
                h2 { (l.tr("page-set-a-target")) }
                p.muted { (l.tr("page-a-monthly-target-for-one-metric")) }
                @if let Some(e) = error { (form_error(Some(&message(e)))) }
                form.stack method="post" action="/targets" {
                    label class=(mark(error, &["employee_id", "employee"])) { span { (l.tr("page-person")) }
                        select name="employee_id" id="target-employee" {
                            @for e in &people {
                                option value=(e.id) selected[f.employee_id == e.id] { (e.name) " (" (e.login) ")" }
                            }
                        }
                    }
                    label class=(mark(error, &["period"])) { span { (l.tr("page-month")) }
                        input type="month" name="period" id="target-period" value=(period) required; }
                    label class=(mark(error, &["metric"])) { span { (l.tr("page-metric")) }
                        input name="metric" id="target-metric" value=(f.metric) list="metric-names" required; }
                    datalist id="metric-names" { @for m in &metrics { option value=(m) {} } }
                    label class=(mark(error, &["value"])) { span { (l.tr("page-value")) }
                        input name="value" id="target-value" value=(f.value) inputmode="decimal" required; }
                    button type="submit" id="target-save" { (l.tr("page-save")) }
                }
            }
            div.card id="copy-targets" {
                h2 { (l.tr("page-carry-targets-to-the-next-month")) }
                p.muted { (l.tr("page-copies-a-month-s-targets-where")) }
                form.stack method="post" action="/targets/copy" {
                    label { span { (l.tr("page-from-6")) } input type="month" name="from" id="copy-from" required; }
                    label { span { (l.tr("page-to-4")) } input type="month" name="to" id="copy-to" required; }
                    button type="submit" id="copy-save" { (l.tr("page-copy")) }
                }
            }
        }
    };
    let code = error.map_or(StatusCode::OK, status_of);
    Ok((code, page(v, l.tr("page-targets"), body)).into_response())
}

async fn set_target(State(s): State<AppState>, v: Viewer, Form(f): Form<TargetForm>) -> PageResult {
    let l = v.lang;
    let actor = v.actor.clone();
    let f2 = f.clone();
    let value = f2.value.replace([' ', '\u{a0}'], "").replace(',', ".");
    match run(&s, move |app| {
        app.set_target(&actor, &f2.employee_id, &f2.period, &f2.metric, &value)
    })
    .await
    {
        Ok(_) => Ok(done("/targets", l.tr("page-the-target-is-saved"))),
        Err(e @ AppError::Forbidden(_)) => Err(failure(l, &e)),
        Err(e) => targets_page(&s, &v, &ListQuery::default(), &f, Some(&e)).await,
    }
}

// ---- settings ----

#[derive(Deserialize, Default)]
pub struct SettingsForm {
    #[serde(default)]
    json: String,
}

async fn settings(State(s): State<AppState>, v: Viewer) -> PageResult {
    settings_page(&s, &v, None, None).await
}

fn yes_no(l: Lang, b: bool) -> &'static str {
    if b {
        l.tr("page-yes")
    } else {
        l.tr("page-no-2")
    }
}

fn readable(l: Lang, c: &ConveyorConfig) -> Markup {
    use baton_domain::config::{AssignmentRule, ClientManagerRule, FirstDealOwner, Handoff2Point};
    let label = |ru: &str, en: &str| -> String { l.t(ru, en).to_string() };
    let rule = match c.assignment_rule {
        AssignmentRule::RoundRobin => label("по кругу", "round robin"),
        AssignmentRule::LeastLoaded => label("наименее загруженному", "least loaded"),
        AssignmentRule::Manual => label("вручную руководителем", "manually by the head"),
    };
    let h2p = match c.handoff2_point {
        Handoff2Point::FirstPayment => label("после первой оплаты", "after the first payment"),
        Handoff2Point::ContractSigned => {
            label("после подписания договора", "when the contract is signed")
        }
        Handoff2Point::DaysAfterFirstPayment => format!(
            "{} {} {}",
            l.tr("page-in"),
            c.handoff2_days_after_first_payment,
            l.tr("page-days-after-the-first-payment")
        ),
    };
    let owner = match c.first_deal_owner {
        FirstDealOwner::SalesManager => label("МПП", "the sales manager"),
        FirstDealOwner::ClientManager => label("КМ", "the client manager"),
    };
    let cm = match c.client_manager_rule {
        ClientManagerRule::LeastLoaded => {
            label("наименее загруженный КМ", "the least loaded client manager")
        }
        ClientManagerRule::Manual => label("вручную руководителем", "manually by the head"),
    };
    let items = |list: &[baton_domain::config::ChecklistItem]| {
        html! { ul { @for i in list {
            li { (l.t(&i.label_ru, &i.label_en)) " "
                 @if i.required { span.badge.warn { (l.tr("page-required")) } } @else { span.badge { (l.tr("page-optional")) } } }
        } } }
    };
    html! {
        div.grid id="settings-readable" {
            div.card {
                h2 { (l.tr("page-warm-lead-handoff")) }
                dl {
                    dt { (l.tr("page-assignment-rule")) } dd id="cfg-rule" { (rule) }
                    dt { (l.tr("page-open-leads-per-sales-manager")) } dd { (c.open_lead_limit) }
                    dt { (l.tr("page-acceptance-sla-hours")) } dd id="cfg-sla" { (c.acceptance_sla_hours) }
                    dt { (l.tr("page-reassign-after-the-sla")) } dd { (yes_no(l, c.reassign_after_sla)) }
                    dt { (l.tr("page-company-claim-days")) } dd { (c.claim_days) }
                    dt { (l.tr("page-hunter-window-days")) } dd { (c.hunter_window_days) }
                }
                h3 { (l.tr("page-warm-lead-checklist-2")) }
                (items(&c.warm_lead_checklist))
                h3 { (l.tr("page-rejection-reasons")) }
                ul { @for r in &c.rejection_reasons {
                    li { (l.t(&r.label_ru, &r.label_en)) @if r.needs_text { " " span.muted { (l.tr("page-needs-an-explanation")) } } }
                } }
            }
            div.card {
                h2 { (l.tr("page-client-handover")) }
                dl {
                    dt { (l.tr("page-when-it-is-handed-over")) } dd { (h2p) }
                    dt { (l.tr("page-the-first-deal-is-run-by")) } dd { (owner) }
                    dt { (l.tr("page-who-receives-it")) } dd { (cm) }
                    dt { (l.tr("page-kickoff-sla-working-days")) } dd { (c.kickoff_sla_working_days) }
                    dt { (l.tr("page-a-client-is-dormant-after-months")) } dd { (c.dormancy_months) }
                }
                h3 { (l.tr("page-handover-brief")) }
                (items(&c.handover_brief))
            }
            div.card {
                h2 { (l.tr("page-calendar")) }
                dl {
                    dt { (l.tr("page-time-zone")) } dd { code { (c.timezone) } }
                    dt { (l.tr("page-extra-holidays")) }
                    dd.wide { @for (i, d) in c.calendar.extra_holidays.iter().enumerate() { @if i > 0 { ", " } (date(*d)) } }
                    dt { (l.tr("page-extra-working-days")) }
                    dd.wide { @for (i, d) in c.calendar.extra_workdays.iter().enumerate() { @if i > 0 { ", " } (date(*d)) } }
                }
            }
        }
    }
}

async fn settings_page(
    s: &AppState,
    v: &Viewer,
    typed: Option<&str>,
    error: Option<String>,
) -> PageResult {
    let l = v.lang;
    let (cfg, rules) = or_fail(
        l,
        run(s, |app| Ok((app.config()?, app.alert_rules()?))).await,
    )?;
    let text = match typed {
        Some(t) => t.to_string(),
        None => serde_json::to_string_pretty(&cfg).unwrap_or_default(),
    };
    let body = html! {
        @if may(&v.actor, Action::ManageWebhooks) {
            p { a href="/settings/webhooks" id="webhooks-link" { (l.tr("page-webhooks-link")) } }
        }
        @if may(&v.actor, Action::ExportImport) {
            p { a href="/settings/import" id="import-link" { (l.tr("page-import-link")) } }
        }
        (readable(l, &cfg))
        (alert_rules_card(l, rule_values(&rules), may(&v.actor, Action::EditConfig), None))
        @if may(&v.actor, Action::EditConfig) {
            div.card id="settings-editor" {
                h2 { (l.tr("page-change-the-settings")) }
                p.muted { (l.tr("page-the-settings-as-json-they-are")) }
                (form_error(error.as_deref()))
                form.stack method="post" action="/settings" {
                    label class=(if error.is_some() { "missing" } else { "" }) {
                        span { (l.tr("page-configuration-json")) }
                        textarea name="json" id="settings-json" rows="24" spellcheck="false" { (text) }
                    }
                    button type="submit" id="settings-save" { (l.tr("page-check-and-save")) }
                }
            }
        }
    };
    let code = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((code, page(v, l.tr("page-conveyor-settings"), body)).into_response())
}

/// A refused setting's message for the form: the field it names, then what is wrong.
fn field_message(e: &AppError) -> String {
    match e.field() {
        Some(field) => format!("{field}: {}", message(e)),
        None => message(e),
    }
}

async fn save_settings(
    State(s): State<AppState>,
    v: Viewer,
    Form(f): Form<SettingsForm>,
) -> PageResult {
    let l = v.lang;
    if !may(&v.actor, Action::EditConfig) {
        return Err(failure(l, &super::shell::refused("web-settings")));
    }
    let cfg: ConveyorConfig = match serde_json::from_str(&f.json) {
        Ok(c) => c,
        Err(e) => {
            let msg = format!(
                "{} {}, {} {}: {e}",
                l.tr("page-line"),
                e.line(),
                l.tr("page-column"),
                e.column()
            );
            return settings_page(&s, &v, Some(&f.json), Some(msg)).await;
        }
    };
    let actor = v.actor.clone();
    match run(&s, move |app| app.set_config(&actor, cfg)).await {
        Ok(_) => Ok(done("/settings", l.tr("page-the-settings-are-saved"))),
        Err(e @ AppError::Forbidden(_)) => Err(failure(l, &e)),
        Err(e) => {
            let msg = field_message(&e);
            settings_page(&s, &v, Some(&f.json), Some(msg)).await
        }
    }
}

/// The standing alert rules: read by everyone, changed by whoever may change the settings.
fn alert_rules_card(l: Lang, values: [String; 4], edit: bool, error: Option<&str>) -> Markup {
    let [v0, v1, v2, v3] = values;
    let fields: [(&str, &str, &str, String); 4] = [
        (
            "no_new_client_months",
            l.tr("page-a-sales-manager-with-no-new"),
            "alert-no-new-client",
            v0,
        ),
        (
            "stale_deal_days",
            l.tr("page-a-deal-with-no-activity-days"),
            "alert-stale-deal",
            v1,
        ),
        (
            "no_order_months",
            l.tr("page-a-client-with-no-order-months"),
            "alert-no-order",
            v2,
        ),
        (
            "override_days",
            l.tr("page-checklist-overrides-over-days"),
            "alert-override",
            v3,
        ),
    ];
    html! {
        div.card id="alert-rules" {
            h2 { (l.tr("page-alert-rules")) }
            p.muted { (l.tr("page-checked-after-every-write-and-once")) }
            (form_error(error))
            @if edit {
                form.stack method="post" action="/settings/alerts" {
                    @for (name, label, id, value) in &fields {
                        label { span { (label) } input type="number" min="1" name=(name) id=(id) value=(value) required; }
                    }
                    button type="submit" id="alert-rules-save" { (l.tr("page-save-the-rules")) }
                }
            } @else {
                dl { @for (_, label, _, value) in &fields { dt { (label) } dd { (value) } } }
            }
        }
    }
}

fn rule_values(p: &AlertParams) -> [String; 4] {
    [
        p.no_new_client_months.to_string(),
        p.stale_deal_days.to_string(),
        p.no_order_months.to_string(),
        p.override_days.to_string(),
    ]
}

#[derive(Debug, Default, Deserialize)]
pub struct AlertRulesForm {
    #[serde(default)]
    pub no_new_client_months: String,
    #[serde(default)]
    pub stale_deal_days: String,
    #[serde(default)]
    pub no_order_months: String,
    #[serde(default)]
    pub override_days: String,
}

async fn save_alert_rules(
    State(s): State<AppState>,
    v: Viewer,
    Form(f): Form<AlertRulesForm>,
) -> PageResult {
    let l = v.lang;
    let whole = |field: &str, v: &str| -> Result<i64, AppError> {
        v.trim().parse::<i64>().map_err(|_| {
            AppError::invalid(
                field,
                baton_catalog::Text::new("api-not-whole").arg("value", v),
            )
        })
    };
    let parsed = (|| -> Result<AlertParams, AppError> {
        let months = |field: &str, v: &str| -> Result<u32, AppError> {
            u32::try_from(whole(field, v)?).map_err(|_| {
                AppError::invalid(
                    field,
                    baton_catalog::Text::new("err-web-range-months").arg("value", v),
                )
            })
        };
        Ok(AlertParams {
            no_new_client_months: months("no_new_client_months", &f.no_new_client_months)?,
            stale_deal_days: whole("stale_deal_days", &f.stale_deal_days)?,
            no_order_months: months("no_order_months", &f.no_order_months)?,
            override_days: whole("override_days", &f.override_days)?,
        })
    })();
    let actor = v.actor.clone();
    let r = match parsed {
        Ok(p) => run(&s, move |app| app.set_alert_rules(Some(&actor), p)).await,
        Err(e) => Err(e),
    };
    match r {
        Ok(_) => Ok(done("/settings", l.tr("page-the-alert-rules-are-saved"))),
        Err(e @ AppError::Forbidden(_)) => Err(failure(l, &e)),
        Err(e) => {
            let msg = field_message(&e);
            let typed = [
                f.no_new_client_months.clone(),
                f.stale_deal_days.clone(),
                f.no_order_months.clone(),
                f.override_days.clone(),
            ];
            let body = alert_rules_card(l, typed, true, Some(&msg));
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                page(&v, l.tr("page-alert-rules"), body),
            )
                .into_response())
        }
    }
}

#[derive(Deserialize, Default)]
struct NumberForm {
    #[serde(default)]
    number: String,
}

async fn set_number(
    State(s): State<AppState>,
    v: Viewer,
    Path(id): Path<String>,
    Form(f): Form<NumberForm>,
) -> PageResult {
    let l = v.lang;
    let actor = v.actor.clone();
    let who = id.clone();
    let r = run(&s, move |app| {
        app.set_personnel_number(&actor, &who, Some(&f.number))
    })
    .await;
    let back = format!("/people/{}", super::shell::urlencode(&id));
    Ok(match r {
        Ok(e) => super::shell::done(
            &back,
            &format!(
                "{}: {}",
                l.tr("page-personnel-number"),
                e.personnel_number.as_deref().unwrap_or("—")
            ),
        ),
        Err(e) => super::caller::back_with_error(&back, &message(&e)),
    })
}
