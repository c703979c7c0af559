//! The split wizard, for a head in their region, the director or an admin: choose the region
//! and a preset (all universal, mixed, conveyor), adjust each person's role from today and
//! where their clients go, see the preview (portfolios, this and next month's pay, the last
//! three months replayed under the new roles), confirm. The use case is `App::split`
//! (docs/plans.md, "The split").

use super::caller::{back_with_error, param};
use super::company::{Fields, field};
use super::shell::{PageResult, Viewer, done, or_fail, page, role_name, run, urlencode};
use crate::AppState;
use axum::Router;
use axum::extract::{Form, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use baton_app::conveyor::portfolios::MoveOutcome;
use baton_app::conveyor::split::{SPLIT_ROLES, Split, SplitMove, SplitOutcome, SplitRole};
use baton_app::conveyor::split_presets::{Preset, Staff, preset};
use baton_app::rights::Action;
use baton_app::{Actor, App, AppResult};
use baton_domain::Role;
use maud::{Markup, html};
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/people/split", get(choose).post(apply))
        .route("/people/split/preview", post(preview))
}

#[derive(Deserialize, Default)]
pub struct ChooseQ {
    region: Option<String>,
    preset: Option<String>,
}

/// The rights table's refusal page: the split asks «manage people» and «move clients».
fn refuse(v: &Viewer) -> Option<Response> {
    baton_app::rights::require(&v.actor, Action::ManagePeople)
        .and_then(|_| baton_app::rights::require(&v.actor, Action::MoveClients))
        .err()
        .map(|e| super::shell::failure(v.lang, &e))
}

/// Where "clients go" says to deal them in turn to everyone who is a client manager after.
const IN_TURN: &str = "turn";

async fn choose(State(s): State<AppState>, v: Viewer, Query(cq): Query<ChooseQ>) -> PageResult {
    if let Some(r) = refuse(&v) {
        return Err(r);
    }
    let l = v.lang;
    let kind = cq.preset.as_deref().and_then(Preset::parse);
    let actor = v.actor.clone();
    let asked = cq.region.clone().filter(|r| !r.is_empty());
    let (regions, region, staff) = or_fail(
        l,
        run(&s, move |app| {
            let regions: Vec<_> = app
                .regions()?
                .into_iter()
                .filter(|r| actor.sees_all() || actor.region_id.as_deref() == Some(r.id.as_str()))
                .collect();
            let region = asked
                .filter(|a| regions.iter().any(|r| &r.id == a))
                .or_else(|| regions.first().map(|r| r.id.clone()));
            let staff = match &region {
                Some(r) => app.split_staff(&actor, r)?,
                None => vec![],
            };
            Ok((regions, region, staff))
        })
        .await,
    )?;
    let draft = kind.map(|k| preset(k, &staff)).unwrap_or_default();
    let role_of = |s: &Staff| {
        draft
            .roles
            .iter()
            .find(|r| r.employee_id == s.employee_id)
            .map(|r| r.role.clone())
            .unwrap_or_else(|| s.role.as_str().to_string())
    };
    let goes = |s: &Staff| {
        draft
            .moves
            .iter()
            .find(|m| m.from_id == s.employee_id)
            .map(|m| match &m.to_id {
                Some(one) => one.clone(),
                None => IN_TURN.to_string(),
            })
            .unwrap_or_default()
    };
    let region_q = region.clone().unwrap_or_default();
    let preset_link = |k: &str, label: &str| -> Markup {
        html! {
            a.button href={ "/people/split?region=" (urlencode(&region_q)) "&preset=" (k) }
                id={ "split-preset-" (k) }
                aria-current=[(cq.preset.as_deref() == Some(k)).then_some("true")] { (label) }
        }
    };
    let body = html! {
        @if let Some(e) = param(&v, "err") { p.error role="alert" id="split-error" { (e) } }
        p.muted { (l.tr("page-the-department-s-change-of-shape")) }
        @if regions.len() > 1 {
            form.filters method="get" action="/people/split" {
                label { span { (l.tr("page-region")) }
                    select name="region" id="split-region" {
                        @for r in &regions {
                            option value=(r.id) selected[region.as_deref() == Some(r.id.as_str())] { (r.name) }
                        }
                    }
                }
                @if let Some(p) = &cq.preset { input type="hidden" name="preset" value=(p); }
                button type="submit" { (l.tr("page-show")) }
            }
        }
        p id="split-presets" {
            (l.tr("page-presets"))
            (preset_link("universal", l.tr("page-everyone-universal")))
            " "
            (preset_link("mixed", l.tr("page-mixed-callers-feeding-universal-managers")))
            " "
            (preset_link("conveyor", l.tr("page-conveyor")))
        }
        @if staff.is_empty() {
            p.muted id="split-nobody" { (l.tr("page-nobody-in-the-region-holds-a")) }
        } @else {
            form method="post" action="/people/split/preview" id="split-form" {
                input type="hidden" name="region" value=(region_q);
                div.scroll {
                    table id="split-people" {
                        thead { tr {
                            th { (l.tr("page-person")) }
                            th { (l.tr("page-role-now")) }
                            th { (l.tr("page-clients")) }
                            th { (l.tr("page-role-from-today")) }
                            th { (l.tr("page-clients-go-to")) }
                        } }
                        tbody {
                            @for p in &staff {
                                @let new_role = role_of(p);
                                @let to = goes(p);
                                tr {
                                    td { (p.name) }
                                    td { (role_name(l, p.role)) }
                                    td { (p.clients) }
                                    td {
                                        select name={ "role_" (p.employee_id) } aria-label={ (l.tr("page-role-2")) (p.name) } {
                                            @for r in SPLIT_ROLES {
                                                option value=(r.as_str()) selected[new_role == r.as_str()] { (role_name(l, r)) }
                                            }
                                        }
                                    }
                                    td {
                                        @if p.clients > 0 {
                                            select name={ "to_" (p.employee_id) } aria-label={ (l.tr("page-clients-3")) (p.name) } {
                                                option value="" selected[to.is_empty()] { (l.tr("page-stay-with-them")) }
                                                option value=(IN_TURN) selected[to == IN_TURN] { (l.tr("page-evenly-among-the-client-managers")) }
                                                @for o in staff.iter().filter(|o| o.employee_id != p.employee_id) {
                                                    option value=(o.employee_id) selected[to == o.employee_id] { (o.name) }
                                                }
                                            }
                                        } @else { span.muted { "—" } }
                                    }
                                }
                            }
                        }
                    }
                }
                p.muted { (l.tr("page-evenly-deals-the-clients-in-turn")) }
                p { button type="submit" { (l.tr("page-preview")) } }
            }
        }
    };
    Ok(page(&v, l.tr("page-the-split"), body).into_response())
}

/// The split the form says, against the region's people as they are now: a role changes only
/// when the form gives another one; "in turn" deals to everyone who is a client manager after.
fn request(app: &App, actor: &Actor, f: &Fields) -> AppResult<Split> {
    let staff = app.split_staff(actor, field(f, "region"))?;
    let chosen = |s: &Staff| -> Role {
        let v = field(f, &format!("role_{}", s.employee_id));
        Role::parse(v).unwrap_or(s.role)
    };
    let mut out = Split::default();
    for s in &staff {
        let r = chosen(s);
        if r != s.role {
            out.roles.push(SplitRole {
                employee_id: s.employee_id.clone(),
                role: r.as_str().to_string(),
            });
        }
    }
    let takers: Vec<String> = staff
        .iter()
        .filter(|s| chosen(s) == Role::ClientManager)
        .map(|s| s.employee_id.clone())
        .collect();
    for s in staff.iter().filter(|s| s.clients > 0) {
        let to = field(f, &format!("to_{}", s.employee_id));
        if to.is_empty() {
            continue;
        }
        let mut m = SplitMove {
            from_id: s.employee_id.clone(),
            ..Default::default()
        };
        if to == IN_TURN {
            m.to_ids = takers
                .iter()
                .filter(|t| **t != s.employee_id)
                .cloned()
                .collect();
            if m.to_ids.is_empty() {
                return Err(baton_app::AppError::invalid(
                    "to",
                    baton_catalog::Text::new("err-web-split-no-cm"),
                ));
            }
        } else {
            m.to_id = Some(to.to_string());
        }
        out.moves.push(m);
    }
    Ok(out)
}

fn back(f: &Fields) -> String {
    format!("/people/split?region={}", urlencode(field(f, "region")))
}

async fn preview(State(s): State<AppState>, v: Viewer, Form(f): Form<Fields>) -> Response {
    if let Some(r) = refuse(&v) {
        return r;
    }
    let l = v.lang;
    let actor = v.actor.clone();
    let form = f.clone();
    let out = match run(&s, move |app| {
        let req = request(app, &actor, &form)?;
        app.preview_split(&actor, req)
    })
    .await
    {
        Ok(o) => o,
        Err(e) => return back_with_error(&back(&f), &super::shell::message(&e)),
    };
    let hidden: Vec<(String, String)> = f
        .iter()
        .filter(|(k, _)| k == "region" || k.starts_with("role_") || k.starts_with("to_"))
        .cloned()
        .collect();
    let body = html! {
        p id="split-summary" {
            (l.tr("page-from-8")) (super::shell::date_str(&out.on.to_string())) ": "
            (l.tr("page-role-changes-2")) " " strong { (out.roles_changed) } "; "
            (l.tr("page-clients-that-move-2")) " " strong { (out.clients_moved) }
        }
        (super::moves::outcome(&v, &MoveOutcome {
            preview: true,
            moved: out.clients_moved,
            kickoffs_moved: 0,
            this_month: out.this_month.clone(),
            next_month: out.next_month.clone(),
            people: out.people.clone(),
        }))
        (history(&v, &out))
        form method="post" action="/people/split" id="split-confirm" {
            @for (k, val) in &hidden { input type="hidden" name=(k) value=(val); }
            p {
                button type="submit" { (l.tr("page-carry-out-the-split")) }
                " " a href=(back(&f)) { (l.tr("page-change")) }
            }
        }
    };
    page(&v, l.tr("page-the-split-preview"), body).into_response()
}

/// The last three months, as paid under today's roles and as they would have been paid under
/// the new ones.
fn history(v: &Viewer, o: &SplitOutcome) -> Markup {
    let l = v.lang;
    let rubles = |d| super::shell::money(super::start::to_money(d));
    html! {
        h2 { (l.tr("page-the-last-three-months-under-the")) }
        div.scroll {
            table id="split-history" {
                thead { tr {
                    th { (l.tr("page-person")) }
                    @for m in &o.history_months { th { (m) } }
                    th { (l.tr("page-total-3")) }
                } }
                tbody {
                    @for h in &o.history {
                        tr {
                            td {
                                (h.name)
                                @if !h.no_target.is_empty() {
                                    br; small.warn { (l.tr("page-no-target")) (h.no_target.join("; ")) }
                                }
                            }
                            @for m in &h.months { td { (rubles(m.before)) " → " strong { (rubles(m.after)) } } }
                            td { (rubles(h.before)) " → " strong { (rubles(h.after)) } }
                        }
                    }
                }
            }
        }
        p.muted { (l.tr("page-the-same-data-through-the-pay")) }
    }
}

async fn apply(State(s): State<AppState>, v: Viewer, Form(f): Form<Fields>) -> Response {
    if let Some(r) = refuse(&v) {
        return r;
    }
    let l = v.lang;
    let actor = v.actor.clone();
    let form = f.clone();
    match run(&s, move |app| {
        let req = request(app, &actor, &form)?;
        app.split(&actor, req)
    })
    .await
    {
        Ok(o) => done(
            "/people",
            &format!(
                "{} {}, {} {}",
                l.tr("page-the-split-is-done-role-changes"),
                o.roles_changed,
                l.tr("page-clients-moved-3"),
                o.clients_moved
            ),
        ),
        Err(e) => back_with_error(&back(&f), &super::shell::message(&e)),
    }
}
