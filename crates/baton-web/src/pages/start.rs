//! Login, logout, the language switch, each role's home page and "my money".

use super::shell::{
    LANG_COOKIE, Lang, PageResult, Viewer, date, failure, lang_of, money, or_fail, page, role_name,
    run,
};
use crate::AppState;
use crate::extract::token_of;
use crate::security::{safe_path, see_other, session_cookie};
use crate::throttle::retry_after;
use axum::Router;
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::http::header;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use baton_app::payroll::PersonStatement;
use baton_domain::Money;
use maud::{DOCTYPE, Markup, html};
use rust_decimal::Decimal;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_form).post(login))
        .route("/logout", post(logout))
        .route("/lang", post(switch_lang))
        .route("/", get(home))
        .route("/money", get(my_money))
        .route("/password", post(change_password))
}

#[derive(Deserialize, Default)]
pub struct NextQ {
    pub next: Option<String>,
}

/// Only a path on this site may follow a login (no open redirect).
fn safe_next(next: Option<&str>) -> String {
    next.and_then(safe_path).unwrap_or("/").to_string()
}

fn login_page(lang: Lang, login: &str, next: &str, error: Option<&str>) -> Markup {
    let other = match lang {
        Lang::Ru => ("en", "English"),
        Lang::En => ("ru", "Русский"),
    };
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (lang.tr("page-log-in")) " · Baton" }
                link rel="stylesheet" href="/assets/baton.css";
            }
            body {
                main.narrow {
                    h1 { "Baton" }
                    p.muted { (lang.tr("page-the-conveyor-sales-department-calls-deals")) }
                    @if let Some(e) = error { p.error role="alert" { (e) } }
                    form.stack.card method="post" action="/login" {
                        input type="hidden" name="next" value=(next);
                        label { span { (lang.tr("page-login")) }
                            input name="login" id="login" value=(login) autocomplete="username" required autofocus; }
                        label { span { (lang.tr("page-password")) }
                            input type="password" id="password" name="password" autocomplete="current-password" required; }
                        button type="submit" id="login-submit" { (lang.tr("page-log-in-2")) }
                    }
                    form method="post" action="/lang" {
                        input type="hidden" name="lang" value=(other.0);
                        input type="hidden" name="back" value=(format!("/login?next={}", super::shell::urlencode(next)));
                        button.secondary type="submit" id="lang-switch" lang=(other.0) { (other.1) }
                    }
                }
            }
        }
    }
}

async fn login_form(parts: Parts, Query(q): Query<NextQ>) -> Markup {
    login_page(lang_of(&parts), "", &safe_next(q.next.as_deref()), None)
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    login: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

async fn login(State(s): State<AppState>, parts: Parts, Form(f): Form<LoginForm>) -> Response {
    let lang = lang_of(&parts);
    let next = safe_next(f.next.as_deref());
    let addr = s.web.client_addr(&parts);
    if let Err(wait) = s.web.throttle.check(&f.login, addr) {
        let msg = format!(
            "{} {} {}",
            lang.tr("page-too-many-failed-attempts-try-again"),
            retry_after(wait),
            lang.tr("page-s"),
        );
        return (
            StatusCode::TOO_MANY_REQUESTS,
            [(header::RETRY_AFTER, retry_after(wait))],
            login_page(lang, &f.login, &next, Some(&msg)),
        )
            .into_response();
    }
    let (login, password) = (f.login.clone(), f.password.clone());
    match run(&s, move |app| app.login(&login, &password, "session")).await {
        Ok(r) => {
            s.web.throttle.succeeded(&f.login);
            let secure = s.web.config.secure(&parts.headers);
            let cookie = session_cookie(&r.token, baton_app::auth::SESSION_HOURS * 3600, secure);
            ([(header::SET_COOKIE, cookie)], see_other(&next)).into_response()
        }
        Err(e) => {
            if matches!(e, baton_app::AppError::BadCredentials) {
                s.web.throttle.failed(&f.login, addr);
            }
            let msg = match e {
                baton_app::AppError::BadCredentials => lang
                    .tr("page-wrong-login-or-password-check-the")
                    .to_string(),
                other => super::shell::message(&other),
            };
            (
                axum::http::StatusCode::UNAUTHORIZED,
                login_page(lang, &f.login, &next, Some(&msg)),
            )
                .into_response()
        }
    }
}

async fn logout(State(s): State<AppState>, parts: Parts) -> Response {
    if let Some(t) = token_of(&parts) {
        let _ = run(&s, move |app| app.logout(&t)).await;
    }
    let cookie = session_cookie("", 0, s.web.config.secure(&parts.headers));
    ([(header::SET_COOKIE, cookie)], see_other("/login")).into_response()
}

#[derive(Deserialize)]
pub struct LangForm {
    lang: String,
    back: Option<String>,
}

async fn switch_lang(Form(f): Form<LangForm>) -> Response {
    let code = if f.lang == "en" { "en" } else { "ru" };
    let cookie = format!("{LANG_COOKIE}={code}; Path=/; SameSite=Lax; Max-Age=31536000");
    let back = safe_next(f.back.as_deref());
    ([(header::SET_COOKIE, cookie)], see_other(&back)).into_response()
}

/// Each role's home: where the day starts, and the month's money so far.
async fn home(State(s): State<AppState>, v: Viewer) -> PageResult {
    let actor = v.actor.clone();
    let st = or_fail(
        v.lang,
        run(&s, move |app| app.my_statement(&actor, None)).await,
    )?;
    let l = v.lang;
    let mut tiles: Vec<(&str, &str, &str)> = Vec::new();
    if v.calls() {
        tiles.push((
            "/calls",
            l.tr("page-call-queue"),
            l.tr("page-the-next-company-its-contacts-and"),
        ));
        tiles.push((
            "/leads/mine",
            l.tr("page-my-leads"),
            l.tr("page-who-received-each-lead-accepted-or"),
        ));
    }
    if v.sells() {
        tiles.push((
            "/inbox",
            l.tr("page-incoming-warm-leads"),
            l.tr("page-accept-or-reject-with-a-reason"),
        ));
        tiles.push((
            "/pipeline",
            l.tr("page-pipeline"),
            l.tr("page-a-drag-and-drop-board-of"),
        ));
    }
    if v.serves() {
        tiles.push((
            "/portfolio",
            l.tr("page-client-portfolio"),
            l.tr("page-last-order-next-expected-order-receivables"),
        ));
        tiles.push((
            "/overdue",
            l.tr("page-overdue-invoices-2"),
            l.tr("page-whom-to-call-today-and-for"),
        ));
    }
    if v.leads_department() {
        tiles.push((
            "/dashboard",
            l.tr("page-head-s-dashboard"),
            l.tr("page-funnel-weak-link-plan-vs-fact"),
        ));
        tiles.push((
            "/alerts",
            l.tr("page-alerts"),
            l.tr("page-what-needs-a-decision-today"),
        ));
    }
    if v.any(&[
        baton_domain::role::Role::Head,
        baton_domain::role::Role::Director,
        baton_domain::role::Role::Admin,
        baton_domain::role::Role::Accountant,
    ]) {
        tiles.push((
            "/payroll",
            l.tr("page-payroll-periods"),
            l.tr("page-calculate-review-approve-download-the-xlsx"),
        ));
    }
    let body = html! {
        p.muted {
            @for (i, r) in v.actor.roles.iter().enumerate() {
                @if i > 0 { ", " }
                (role_name(l, *r))
            }
        }
        @if let Some(st) = &st {
            div.kpis {
                div.kpi { span { (l.tr("page-earned-this-month")) } b id="home-total" { (money(to_money(st.total))) } }
                @if let Some(t) = st.thresholds.first() {
                    div.kpi { span { (l.tr("page-to-the-next-threshold")) } b { (money(to_money(t.worth))) } span { (t.why.render(l)) } }
                }
            }
        }
        div.grid {
            @for (href, title, text) in &tiles {
                a.card href=(href) { h2 { (title) } p.muted { (text) } }
            }
        }
    };
    Ok(page(&v, l.tr("page-home-2"), body).into_response())
}

pub fn to_money(d: Decimal) -> Money {
    Money::from_kopecks(
        (d * Decimal::from(100))
            .round()
            .try_into()
            .unwrap_or(i64::MAX),
    )
}

#[derive(Deserialize, Default)]
pub struct PeriodQ {
    pub period: Option<String>,
}

/// "My money": the live statement of the month, every line explained, and what the next tier
/// takes in plain words.
async fn my_money(State(s): State<AppState>, v: Viewer, Query(q): Query<PeriodQ>) -> PageResult {
    let actor = v.actor.clone();
    let period = q.period.clone().filter(|p| !p.is_empty());
    let p2 = period.clone();
    let st = or_fail(
        v.lang,
        run(&s, move |app| app.my_statement(&actor, p2.as_deref())).await,
    )?;
    let l = v.lang;
    let body = html! {
        form.filters method="get" action="/money" {
            label { (l.tr("page-month")) " "
                input type="month" name="period" value=(period.clone().unwrap_or_default()); }
            button type="submit" { (l.tr("page-show")) }
        }
        @match &st {
            None => p.muted { (l.tr("page-nothing-for-this-month-you-held")) },
            Some(st) => (statement(l, st, true, baton_app::rights::may(&v.actor, baton_app::rights::Action::ReadFinance))),
        }
        (password_form(&v))
    };
    Ok(page(&v, l.tr("page-my-money"), body).into_response())
}

/// The person's own password, changed with the current one; other sessions end.
fn password_form(v: &Viewer) -> Markup {
    let l = v.lang;
    html! {
        details.card id="password" open[super::caller::param(v, "err").is_some()] {
            summary { (l.tr("page-change-password")) }
            @if let Some(e) = super::caller::param(v, "err") { p.error role="alert" { (e) } }
            form.stack method="post" action="/password" {
                label { span { (l.tr("page-current-password")) }
                    input type="password" name="current" id="password-current" autocomplete="current-password" required; }
                label { span { (l.tr("page-new-password-6-characters-or-more")) }
                    input type="password" name="new" id="password-new" autocomplete="new-password" minlength="6" required; }
                button type="submit" id="password-submit" { (l.tr("page-change-password")) }
                p.muted { (l.tr("page-your-other-sessions-phone-another-browser")) }
            }
        }
    }
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
}

async fn change_password(
    State(s): State<AppState>,
    v: Viewer,
    parts: Parts,
    Form(f): Form<PasswordForm>,
) -> Response {
    let keep = token_of(&parts).unwrap_or_default();
    let actor = v.actor.clone();
    match run(&s, move |app| {
        app.change_password(&actor, &f.current, &f.new, &keep)
    })
    .await
    {
        Ok(()) => super::shell::done(
            "/money",
            v.tr("page-password-changed-your-other-sessions-are"),
        ),
        Err(e) => {
            let msg = match &e {
                baton_app::AppError::Invalid { field, .. } if field == "current" => {
                    v.tr("page-the-current-password-is-not-right").to_string()
                }
                baton_app::AppError::Invalid { field, .. } if field == "new" => {
                    v.tr("page-the-new-password-needs-6-characters").to_string()
                }
                other => super::shell::message(other),
            };
            super::caller::back_with_error("/money", &msg)
        }
    }
}

fn status_badge(l: Lang, status: &str) -> Markup {
    let class = match status {
        "accrued" => "badge good",
        "pending" => "badge warn",
        "lapsed" | "no_target" => "badge bad",
        _ => "badge",
    };
    html! { span class=(class) { (baton_catalog::term(l, "line", status)) } }
}

/// A record reference ("payments/ID") as a person reads it: the kind in words and the id.
fn source_name(l: Lang, src: &str) -> String {
    match src.split_once('/') {
        Some((kind, id)) => format!("{} {id}", baton_catalog::term(l, "record", kind)),
        None => src.to_string(),
    }
}

/// Where a statement line's record can be opened; `None` for a money record (contract,
/// invoice, order, payment) when the reader has no access to money records (a caller's bonus
/// cites the contract their lead won, which the record page would refuse them).
pub fn source_link(src: &str, money: bool) -> Option<String> {
    let (kind, id) = src.split_once('/')?;
    let money_kind = matches!(
        kind,
        "contracts" | "invoices" | "orders" | "payments" | "credit_notes"
    );
    (money || !money_kind).then(|| format!("/records/{kind}/{}", super::shell::urlencode(id)))
}

/// A statement with every line explained: the formula with its numbers, the inputs, the status
/// and the records behind it. Shared by "my money" and the payroll review. `money` says the
/// reader may open money records (`opens_money`, see [`source_link`]).
pub fn statement(l: Lang, st: &PersonStatement, live: bool, opens_money: bool) -> Markup {
    html! {
        div.statement {
            div.kpis {
                div.kpi { span { (l.tr("page-total-4")) } b.total { (money(to_money(st.total))) } }
                div.kpi { span { (l.tr("page-period")) } b { (st.period) } span { (period_status(l, &st.status)) } }
                div.kpi { span { (l.tr("page-role")) } b { (role_label(l, &st.role)) } span { (st.region) } }
            }
            @if live && !st.thresholds.is_empty() {
                div.card {
                    h2 { (l.tr("page-what-the-next-threshold-takes")) }
                    ul { @for t in &st.thresholds {
                        li { (t.why.render(l)) }
                    } }
                }
            }
            @for part in &st.parts {
                h2 { (role_label(l, &part.role)) " · " (date(part.from)) "–" (date(part.to))
                     span.muted { " · " (l.tr("page-plan-2")) " " (part.statement.plan) } }
                div.scroll { table {
                    thead { tr {
                        th scope="col" { (l.tr("page-line")) }
                        th scope="col" { (l.tr("page-how-it-is-computed")) }
                        th scope="col" { (l.tr("page-status")) }
                        th.num scope="col" { (l.tr("page-amount")) }
                    } }
                    tbody {
                        @for line in &part.statement.lines {
                            tr {
                                td { (line.label_in(l)) }
                                td.formula {
                                    (line.formula_in(l))
                                    @if !line.sources.is_empty() {
                                        details { summary { (l.tr("page-records")) " (" (line.sources.len()) ")" }
                                            ul { @for src in line.sources.iter().take(200) {
                                                li { @if let Some(href) = source_link(src, opens_money) { a href=(href) { (source_name(l, src)) } } @else { (source_name(l, src)) } }
                                            } }
                                        }
                                    }
                                }
                                td { (status_badge(l, &line.status)) }
                                td.num { (money(to_money(line.amount))) }
                            }
                        }
                        tr.total { td colspan="3" { (l.tr("page-role-total")) } td.num { (money(to_money(part.statement.total))) } }
                    }
                } }
                @for w in part.statement.notes_in(l) { p.warn { "⚠ " (w) } }
            }
            @if !st.adjustments.is_empty() {
                h2 { (l.tr("page-adjustments-of-closed-periods")) }
                div.scroll { table { tbody {
                    @for line in &st.adjustments {
                        tr { td { (line.label_in(l)) } td.formula { (line.formula_in(l)) } td.num { (money(to_money(line.amount))) } }
                    }
                } } }
            }
        }
    }
}

/// A stored role code in the viewer's language (the code itself if it is not a known role).
pub fn role_label(l: Lang, code: &str) -> String {
    baton_domain::role::Role::parse(code)
        .map(|r| role_name(l, r).to_string())
        .unwrap_or_else(|| code.to_string())
}

pub fn period_status(l: Lang, s: &str) -> String {
    baton_catalog::term(l, "period", s)
}

/// 404 for a page address that does not exist, in the viewer's language.
pub async fn not_found(parts: Parts) -> Response {
    failure(
        lang_of(&parts),
        &baton_app::AppError::NotFound {
            entity: "page".into(),
            id: parts.uri.path().to_string(),
        },
    )
}
