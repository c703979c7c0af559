//! What every page shares: the viewer (who is logged in, in which language), the layout with
//! the role's navigation, number and date formats, messages, and running a use case.

use crate::AppState;
use crate::extract::token_of;
use crate::security::{CSRF_FIELD, csrf_token, see_other};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use baton_app::{Actor, App, AppError};
use baton_domain::Money;
use baton_domain::role::Role;
use chrono::NaiveDate;
use maud::{DOCTYPE, Markup, PreEscaped, html};

pub const LANG_COOKIE: &str = "baton_lang";

pub use baton_catalog::Lang;

/// The page language: the session's choice (a cookie, so links stay clean); Russian unless the
/// person switched. A browser's `Accept-Language` does not flip a Russian department's pages.
pub fn lang_of(parts: &Parts) -> Lang {
    let en = parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .any(|(k, v)| k == LANG_COOKIE && v == "en");
    if en { Lang::En } else { Lang::Ru }
}

/// The logged-in person looking at a page. A page without a login redirects to `/login`.
pub struct Viewer {
    pub actor: Actor,
    pub lang: Lang,
    /// The path and query of this request, for "back" links and the language switch.
    pub here: String,
    /// Alerts raised and not acknowledged that this person leads (heads, director, admin),
    /// shown beside "Alerts" in the navigation.
    pub open_alerts: i64,
    /// The work waiting for this person, shown beside their queues in the navigation.
    pub queues: baton_app::conveyor::queues::Queues,
    /// This session's CSRF token, put in every form that posts (`page`).
    pub csrf: String,
}

impl Viewer {
    pub fn t<'a>(&self, ru: &'a str, en: &'a str) -> &'a str {
        self.lang.t(ru, en)
    }
    /// A page label from the catalog in the viewer's language.
    pub fn tr(&self, id: &'static str) -> &'static str {
        self.lang.tr(id)
    }
    pub fn has(&self, r: Role) -> bool {
        self.actor.has(r)
    }
    pub fn any(&self, rs: &[Role]) -> bool {
        self.actor.any(rs)
    }
    /// Heads, directors and admins see the department's instruments.
    pub fn leads_department(&self) -> bool {
        self.any(&[Role::Head, Role::Director, Role::Admin])
    }
    pub fn calls(&self) -> bool {
        self.any(&[Role::Caller, Role::UniversalManager])
    }
    pub fn sells(&self) -> bool {
        self.any(&[Role::SalesManager, Role::UniversalManager])
    }
    pub fn serves(&self) -> bool {
        self.any(&[Role::ClientManager, Role::UniversalManager])
    }
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = Response;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let here = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_else(|| "/".into());
        let to_login = || see_other(&format!("/login?next={}", urlencode(&here)));
        let Some(token) = token_of(parts) else {
            return Err(to_login());
        };
        let csrf = csrf_token(&token);
        let app = state.app.clone();
        let who = tokio::task::spawn_blocking(move || {
            // The company's time zone, read once, on the first page after the start (off the
            // async threads: the PostgreSQL client blocks).
            if !ZONE_READ.swap(true, std::sync::atomic::Ordering::Relaxed)
                && let Ok(cfg) = app.config()
            {
                set_zone(cfg.tz());
            }
            let actor = app.authenticate(&token)?;
            // A failed count must not cost the page: it shows no number instead.
            let queues = app.queues(&actor).unwrap_or_default();
            Ok((actor, queues))
        });
        match who.await {
            Ok(Ok((actor, queues))) => Ok(Viewer {
                actor,
                lang: lang_of(parts),
                here,
                open_alerts: queues.alerts,
                queues,
                csrf,
            }),
            Ok(Err(AppError::Unauthenticated)) => Err(to_login()),
            Ok(Err(e)) => Err(failure(lang_of(parts), &e)),
            Err(e) => Err(failure(
                lang_of(parts),
                &AppError::invalid("request", e.to_string()),
            )),
        }
    }
}

/// Runs a use case off the async threads (the stores are synchronous).
pub async fn run<T: Send + 'static>(
    s: &AppState,
    f: impl FnOnce(&App) -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    let app = s.app.clone();
    tokio::task::spawn_blocking(move || f(&app))
        .await
        .unwrap_or_else(|e| Err(AppError::invalid("request", e.to_string())))
}

/// A page or a redirect; an error becomes a readable page with the right status.
pub type PageResult = Result<Response, Response>;

pub fn status_of(e: &AppError) -> StatusCode {
    StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// The message a person can act on, in the request's language (the guard sets it for every
/// request). A database failure does not leak its internals.
pub fn message(e: &AppError) -> String {
    if status_of(e) == StatusCode::INTERNAL_SERVER_ERROR {
        eprintln!("baton: internal error: {e}");
    }
    e.text().render(crate::error::request_lang())
}

/// The refusal of a page its reader's role may not open: "your role may not …", where the
/// action is the catalog's `act-{what}`.
pub fn refused(what: &str) -> AppError {
    AppError::Forbidden(
        baton_catalog::Text::new("err-forbidden")
            .text("action", baton_catalog::Text::new(format!("act-{what}"))),
    )
}

/// A whole page that explains an error (used when there is no form to show it next to).
pub fn failure(lang: Lang, e: &AppError) -> Response {
    let status = status_of(e);
    let title = match status {
        StatusCode::FORBIDDEN => baton_catalog::t(lang, "page-not-allowed"),
        StatusCode::NOT_FOUND => baton_catalog::t(lang, "page-not-found"),
        _ => baton_catalog::t(lang, "page-failed"),
    };
    let body = html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head { meta charset="utf-8"; meta name="viewport" content="width=device-width, initial-scale=1";
                   title { (title) " · Baton" } link rel="stylesheet" href="/assets/baton.css"; }
            body { main.narrow {
                h1 { (title) }
                p.error role="alert" { (message(e)) }
                p { a href="/" { (lang.tr("page-home")) } }
            } }
        }
    };
    (status, body).into_response()
}

/// Maps a use-case error to an error page.
pub fn or_fail<T>(lang: Lang, r: Result<T, AppError>) -> Result<T, Response> {
    r.map_err(|e| failure(lang, &e))
}

/// A redirect after a successful form (303, so a reload does not post again), with a message
/// shown once on the next page.
pub fn done(to: &str, note: &str) -> Response {
    let sep = if to.contains('?') { '&' } else { '?' };
    see_other(&format!("{to}{sep}ok={}", urlencode(note)))
}

/// Puts the CSRF token into every form of `html` that posts, right after its opening tag, so
/// no form can forget it. maud escapes `<`, `>` and `"` in text and attributes, so every `<form`
/// here is a tag and its first `>` ends it.
fn with_csrf(html: &str, token: &str) -> String {
    let input = format!(r#"<input type="hidden" name="{CSRF_FIELD}" value="{token}">"#);
    let mut out = String::with_capacity(html.len() + 1024);
    let mut rest = html;
    while let Some(i) = rest.find("<form") {
        let Some(end) = rest[i..].find('>').map(|e| i + e + 1) else {
            break;
        };
        let tag = &rest[i..end];
        out.push_str(&rest[..end]);
        if tag.contains(r#"method="post""#) {
            out.push_str(&input);
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

pub fn urlencode(s: &str) -> String {
    url_escape(s)
}

fn url_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// `1 234 567,89 ₽` (no-break spaces, so an amount never wraps).
pub fn money(m: Money) -> String {
    m.to_human()
}

/// Russian date format: `28.11.2026`.
pub fn date(d: NaiveDate) -> String {
    d.format("%d.%m.%Y").to_string()
}

/// The company's time zone (the configuration's `timezone`), read on the first page served:
/// stored timestamps are UTC and are shown in it.
static ZONE: std::sync::RwLock<chrono_tz::Tz> = std::sync::RwLock::new(chrono_tz::Europe::Moscow);

static ZONE_READ: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

pub fn set_zone(tz: chrono_tz::Tz) {
    if let Ok(mut z) = ZONE.write() {
        *z = tz;
    }
}

fn zone() -> chrono_tz::Tz {
    ZONE.read().map(|z| *z).unwrap_or(chrono_tz::Europe::Moscow)
}

/// The zone a local time is in, as a Russian reader writes it: «МСК» for Moscow, otherwise the
/// offset from UTC («UTC+5»).
fn zone_label(t: &chrono::DateTime<chrono_tz::Tz>) -> String {
    use chrono::Offset;
    if t.timezone() == chrono_tz::Europe::Moscow {
        return "МСК".into();
    }
    let secs = t.offset().fix().local_minus_utc();
    let (sign, secs) = if secs < 0 {
        ('−', -secs)
    } else {
        ('+', secs)
    };
    match (secs / 3600, secs % 3600 / 60) {
        (0, 0) => "UTC".into(),
        (h, 0) => format!("UTC{sign}{h}"),
        (h, m) => format!("UTC{sign}{h}:{m:02}"),
    }
}

/// A stored phone (`+79032030925`) as people write it: `+7 903 203-09-25`. Anything else as
/// it is (a phone is stored normalised only when it had ten digits).
pub fn phone_str(p: &str) -> String {
    let d = p.strip_prefix("+7").unwrap_or("");
    if d.len() != 10 || !d.bytes().all(|b| b.is_ascii_digit()) {
        return p.to_string();
    }
    format!("+7 {} {}-{}-{}", &d[..3], &d[3..6], &d[6..8], &d[8..])
}

/// Where an alert's record opens, and its name: a lead, an invoice or a company.
pub fn alert_record_link(rule: &str, id: &str, name: &str) -> (String, String) {
    let href = match rule {
        "lead_past_sla" | "stale_deal" | "checklist_overridden" => format!("/leads/{id}"),
        "overdue_invoices" => format!("/records/invoices/{id}"),
        _ => format!("/companies/{id}"),
    };
    (href, name.to_string())
}

/// A stored ISO date or timestamp shown in Russian format; a timestamp in the company's time
/// zone, labelled with it (`15.12.2026 18:00 МСК`); anything else as it is.
pub fn date_str(s: &str) -> String {
    if s.len() > 10
        && let Ok(t) = chrono::DateTime::parse_from_rfc3339(s)
    {
        let local = t.with_timezone(&zone());
        return format!("{} {}", local.format("%d.%m.%Y %H:%M"), zone_label(&local));
    }
    let day = s.get(..10).unwrap_or(s);
    match NaiveDate::parse_from_str(day, "%Y-%m-%d") {
        Ok(d) => {
            let rest = s.get(11..16).filter(|t| t.contains(':'));
            match rest {
                Some(t) => format!("{} {t}", date(d)),
                None => date(d),
            }
        }
        Err(_) => s.to_string(),
    }
}

/// A stored timestamp as a `datetime-local` input's value in the company's zone
/// (`2026-12-08T10:00`); empty when it is not a timestamp.
pub fn local_input(s: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(s)
        .map(|t| {
            t.with_timezone(&zone())
                .format("%Y-%m-%dT%H:%M")
                .to_string()
        })
        .unwrap_or_default()
}

/// A stored timestamp's time of day in the company's zone (`18:30`).
pub fn time_str(s: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&zone()).format("%H:%M").to_string())
        .unwrap_or_default()
}

/// Integers with Russian grouping: `12 345`.
pub fn count(n: i64) -> String {
    let s = n.unsigned_abs().to_string();
    let mut out = String::new();
    if n < 0 {
        out.push('−');
    }
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push('\u{a0}');
        }
        out.push(ch);
    }
    out
}

/// A share as `42,5 %`.
pub fn percent(x: f64) -> String {
    if !x.is_finite() {
        return "—".into();
    }
    format!("{:.1}\u{a0}%", x * 100.0).replace('.', ",")
}

/// Why a handoff went to its receiver, in the viewer's language (a handoff made before the
/// catalog keeps its English words).
pub fn handoff_why(lang: Lang, h: &baton_store::records::Handoff) -> String {
    h.explanation_text
        .as_deref()
        .and_then(|j| serde_json::from_str::<baton_catalog::Text>(j).ok())
        .map_or_else(|| h.explanation.clone(), |t| t.render(lang))
}

/// The name of a lead source in the viewer's language.
pub fn source_name(lang: Lang, code: &str) -> String {
    baton_catalog::term(lang, "source", code)
}

/// The name of a role in the viewer's language.
pub fn role_name(lang: Lang, r: Role) -> &'static str {
    baton_catalog::t(
        lang,
        match r {
            Role::Caller => "role-caller",
            Role::SalesManager => "role-sales_manager",
            Role::ClientManager => "role-client_manager",
            Role::UniversalManager => "role-universal_manager",
            Role::Head => "role-head",
            Role::Director => "role-director",
            Role::Accountant => "role-accountant",
            Role::Admin => "role-admin",
        },
    )
}

/// The navigation: only what the viewer's roles can use.
fn nav(v: &Viewer) -> Vec<(&'static str, &'static str)> {
    let l = v.lang;
    let mut items = vec![("/", l.tr("page-home-2"))];
    use baton_app::rights::{Action, may};
    if may(&v.actor, Action::ManageTasks) {
        items.push(("/my/day", l.tr("nav-my-day")));
    }
    items.push(("/money", l.tr("page-my-money")));
    if v.calls() {
        items.push(("/calls", l.tr("page-calls")));
        items.push(("/leads/mine", l.tr("page-my-leads")));
    }
    if v.sells() {
        items.push(("/inbox", l.tr("page-incoming")));
    }
    if v.sells() || v.leads_department() {
        items.push(("/pipeline", l.tr("page-pipeline")));
    }
    if v.serves() {
        items.push(("/handovers", l.tr("nav-handovers")));
        items.push(("/portfolio", l.tr("page-portfolio")));
        items.push(("/overdue", l.tr("page-overdue-3")));
    }
    items.push(("/companies", l.tr("page-companies")));
    // The menu asks the rights table, so it shows what a person may open.
    if may(&v.actor, Action::ReadReports) {
        items.push(("/dashboard", l.tr("page-dashboard")));
        items.push(("/alerts", l.tr("page-alerts")));
    } else {
        items.push(("/my/alerts", l.tr("nav-my-alerts")));
    }
    if may(&v.actor, Action::ReadPayroll) {
        items.push(("/payroll", l.tr("page-payroll")));
    }
    if v.leads_department() {
        items.push(("/people", l.tr("page-people-3")));
        items.push(("/settings", l.tr("page-settings")));
    } else if v.actor.has(Role::Accountant) {
        // The accountant enters табельные номера there.
        items.push(("/people", l.tr("page-people-3")));
    }
    if may(&v.actor, Action::Replay) || may(&v.actor, Action::Simulate) {
        items.push(("/whatif", l.tr("page-what-if")));
    }
    items.push(("/my/notifications", l.tr("nav-notifications")));
    items
}

/// The layout of every logged-in page. `ok` is the one-time message after a redirect.
pub fn page(v: &Viewer, title: &str, body: Markup) -> Markup {
    let path = v.here.split('?').next().unwrap_or("/");
    let ok = v.here.split_once('?').and_then(|(_, q)| {
        serde_urlencoded::from_str::<Vec<(String, String)>>(q)
            .ok()
            .and_then(|kv| kv.into_iter().find(|(k, _)| k == "ok").map(|(_, v)| v))
    });
    let other = match v.lang {
        Lang::Ru => ("en", "English"),
        Lang::En => ("ru", "Русский"),
    };
    let section = |href: &str| {
        href == path
            || (href != "/" && path.starts_with(href) && path[href.len()..].starts_with('/'))
    };
    let page = html! {
        (DOCTYPE)
        html lang=(v.lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="csrf-token" content=(v.csrf);
                title { (title) " · Baton" }
                link rel="stylesheet" href="/assets/baton.css";
                script src="/assets/baton.js" defer {}
            }
            body {
                a.skip href="#main" { (v.tr("page-skip-to-content")) }
                header.top {
                    a.brand href="/" { "Baton" }
                    nav aria-label=(v.tr("page-sections")) {
                        @for (href, label) in nav(v) {
                            // Counts the page's event stream keeps current (`/events/queues`).
                            @let count = match href {
                                "/alerts" => Some(("alerts", v.queues.alerts, v.tr("page-alerts-not-acknowledged"))),
                                "/my/alerts" => Some(("alerts", v.queues.alerts, v.tr("nav-my-alerts-raised"))),
                                "/inbox" => Some(("incoming", v.queues.incoming, v.tr("nav-incoming-waiting"))),
                                "/handovers" => Some(("handovers", v.queues.handovers, v.tr("nav-handovers-waiting"))),
                                "/my/day" => Some(("tasks", v.queues.tasks, v.tr("nav-my-day-due"))),
                                "/my/notifications" => Some(("notes", v.queues.notes, v.tr("nav-notifications-unread"))),
                                "/pipeline" if v.sells() => Some(("deals_due", v.queues.deals_due, v.tr("nav-deals-due"))),
                                "/overdue" => Some(("overdue_invoices", v.queues.overdue_invoices, v.tr("nav-overdue-invoices"))),
                                _ => None,
                            };
                            @let count = html! { @if let Some((key, n, title)) = count {
                                " " span.count id=(format!("nav-{key}-count")) data-queue=(key) title=(title) hidden[n == 0] { (n) }
                            } };
                            @if section(href) {
                                a href=(href) aria-current="page" { (label) (count) }
                            } @else {
                                a href=(href) { (label) (count) }
                            }
                        }
                    }
                    form.search method="get" action="/search" role="search" {
                        input type="search" name="q" id="top-search" maxlength="200"
                            placeholder=(v.tr("page-phone-name-surname-invoice-no"))
                            aria-label=(v.tr("page-search"));
                    }
                    div.who {
                        span.name { (v.actor.name) }
                        form method="post" action="/lang" {
                            input type="hidden" name="lang" value=(other.0);
                            input type="hidden" name="back" value=(v.here);
                            button.link type="submit" lang=(other.0) id="lang-switch" { (other.1) }
                        }
                        form method="post" action="/logout" {
                            button.link type="submit" id="logout" { (v.tr("page-log-out")) }
                        }
                    }
                }
                main id="main" tabindex="-1" {
                    h1 { (title) }
                    @if let Some(ok) = ok {
                        p.ok role="status" { (ok) }
                    }
                    (body)
                }
            }
        }
    };
    PreEscaped(with_csrf(&page.into_string(), &v.csrf))
}

/// A rendered page as a response.
pub fn respond(m: Markup) -> Response {
    m.into_response()
}

/// An error message next to a form, when the form is shown again.
pub fn form_error(e: Option<&str>) -> Markup {
    html! {
        @if let Some(e) = e {
            p.error role="alert" { (e) }
        }
    }
}

/// A small SVG bar; `share` in 0..=1.
pub fn bar(share: f64, label: &str) -> Markup {
    let w = (share.clamp(0.0, 1.0) * 100.0 * 10.0).round() / 10.0;
    html! {
        svg.bar viewBox="0 0 100 8" preserveAspectRatio="none" role="img" aria-label=(label) {
            rect x="0" y="0" width="100" height="8" class="track" {}
            rect x="0" y="0" width=(w) height="8" class="fill" {}
        }
    }
}

/// Inline text that must not be escaped (only for markup we built ourselves).
pub fn raw(s: String) -> PreEscaped<String> {
    PreEscaped(s)
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_phone_is_shown_as_people_write_it() {
        assert_eq!(super::phone_str("+79032030925"), "+7 903 203-09-25");
        assert_eq!(super::phone_str("+7903"), "+7903");
        assert_eq!(super::phone_str("8 (903) 203"), "8 (903) 203");
    }
    use super::*;

    #[test]
    fn formats_are_russian() {
        assert_eq!(count(1_234_567), "1\u{a0}234\u{a0}567");
        assert_eq!(count(-12), "−12");
        assert_eq!(percent(0.425), "42,5\u{a0}%");
        assert_eq!(
            date(NaiveDate::from_ymd_opt(2026, 11, 28).expect("date")),
            "28.11.2026"
        );
        // UTC as stored, Moscow as shown (the default zone), and labelled with it.
        assert_eq!(date_str("2026-11-28T09:05:00Z"), "28.11.2026 12:05 МСК");
        assert_eq!(date_str("2026-11-28T22:30:00Z"), "29.11.2026 01:30 МСК");
        let ekb = "2026-11-28T09:05:00Z"
            .parse::<chrono::DateTime<chrono::Utc>>()
            .expect("stamp")
            .with_timezone(&chrono_tz::Asia::Yekaterinburg);
        assert_eq!(zone_label(&ekb), "UTC+5");
        assert_eq!(date_str("2026-11-28"), "28.11.2026");
        assert_eq!(urlencode("/a b?c=д"), "/a%20b%3Fc%3D%D0%B4");
    }

    #[test]
    fn every_posting_form_gets_the_token() {
        let html = r#"<form method="post" action="/a"><b>x</b></form><form method="get"></form><p>&lt;form method="post"&gt;</p><form class="x" method="post">"#;
        let t = r#"<input type="hidden" name="csrf" value="T">"#;
        assert_eq!(
            with_csrf(html, "T"),
            format!(
                r#"<form method="post" action="/a">{t}<b>x</b></form><form method="get"></form><p>&lt;form method="post"&gt;</p><form class="x" method="post">{t}"#
            )
        );
    }
}
