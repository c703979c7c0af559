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
        p.muted { (l.t(
            "Переход отдела на новую структуру одним шагом: кто с сегодняшнего дня в какой роли и к кому уходят клиенты. Сначала предпросмотр — начисления до и после и три прошлых месяца, пересчитанные по новым ролям; ничего не меняется, пока вы не подтвердите.",
            "The department's change of shape in one step: who holds which role from today and where their clients go. The preview comes first: pay before and after, and the last three months replayed under the new roles; nothing changes until you confirm."
        )) }
        @if regions.len() > 1 {
            form.filters method="get" action="/people/split" {
                label { span { (l.t("Регион", "Region")) }
                    select name="region" id="split-region" {
                        @for r in &regions {
                            option value=(r.id) selected[region.as_deref() == Some(r.id.as_str())] { (r.name) }
                        }
                    }
                }
                @if let Some(p) = &cq.preset { input type="hidden" name="preset" value=(p); }
                button type="submit" { (l.t("Показать", "Show")) }
            }
        }
        p id="split-presets" {
            (l.t("Заготовки: ", "Presets: "))
            (preset_link("universal", l.t("все — универсальные менеджеры", "everyone universal")))
            " "
            (preset_link("mixed", l.t("смешанная: менеджеры по звонкам + универсальные", "mixed: callers feeding universal managers")))
            " "
            (preset_link("conveyor", l.t("конвейер", "conveyor")))
        }
        @if staff.is_empty() {
            p.muted id="split-nobody" { (l.t("В регионе нет сотрудников в ролях конвейера.", "Nobody in the region holds a conveyor role.")) }
        } @else {
            form method="post" action="/people/split/preview" id="split-form" {
                input type="hidden" name="region" value=(region_q);
                div.scroll {
                    table id="split-people" {
                        thead { tr {
                            th { (l.t("Сотрудник", "Person")) }
                            th { (l.t("Роль сейчас", "Role now")) }
                            th { (l.t("Клиентов", "Clients")) }
                            th { (l.t("Роль с сегодняшнего дня", "Role from today")) }
                            th { (l.t("Клиенты переходят", "Clients go to")) }
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
                                        select name={ "role_" (p.employee_id) } aria-label={ (l.t("Роль: ", "Role: ")) (p.name) } {
                                            @for r in SPLIT_ROLES {
                                                option value=(r.as_str()) selected[new_role == r.as_str()] { (role_name(l, r)) }
                                            }
                                        }
                                    }
                                    td {
                                        @if p.clients > 0 {
                                            select name={ "to_" (p.employee_id) } aria-label={ (l.t("Клиенты: ", "Clients: ")) (p.name) } {
                                                option value="" selected[to.is_empty()] { (l.t("остаются у него", "stay with them")) }
                                                option value=(IN_TURN) selected[to == IN_TURN] { (l.t("поровну между клиентскими менеджерами", "evenly among the client managers")) }
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
                p.muted { (l.t(
                    "«Поровну» раздаёт клиентов по очереди, начиная с самых крупных по оплатам за 12 месяцев, всем, кто после перехода будет клиентским менеджером.",
                    "\"Evenly\" deals the clients in turn, largest 12-month payments first, to everyone who is a client manager after the split."
                )) }
                p { button type="submit" { (l.t("Предпросмотр", "Preview")) } }
            }
        }
    };
    Ok(page(&v, l.t("Переход на новую структуру", "The split"), body).into_response())
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
                    "nobody is a client manager after the split: give someone that role first",
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
            (l.t("С ", "From ")) (super::shell::date_str(&out.on.to_string())) ": "
            (l.t("смена ролей —", "role changes:")) " " strong { (out.roles_changed) } "; "
            (l.t("переходят клиентов —", "clients that move:")) " " strong { (out.clients_moved) }
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
                button type="submit" { (l.t("Перейти на новую структуру", "Carry out the split")) }
                " " a href=(back(&f)) { (l.t("Изменить", "Change")) }
            }
        }
    };
    page(
        &v,
        l.t(
            "Переход на новую структуру: предпросмотр",
            "The split: preview",
        ),
        body,
    )
    .into_response()
}

/// The last three months, as paid under today's roles and as they would have been paid under
/// the new ones.
fn history(v: &Viewer, o: &SplitOutcome) -> Markup {
    let l = v.lang;
    let rubles = |d| super::shell::money(super::start::to_money(d));
    html! {
        h2 { (l.t("Три прошлых месяца по новым ролям", "The last three months under the new roles")) }
        div.scroll {
            table id="split-history" {
                thead { tr {
                    th { (l.t("Сотрудник", "Person")) }
                    @for m in &o.history_months { th { (m) } }
                    th { (l.t("Итого", "Total")) }
                } }
                tbody {
                    @for h in &o.history {
                        tr {
                            td {
                                (h.name)
                                @if !h.no_target.is_empty() {
                                    br; small.warn { (l.t("нет цели: ", "no target: ")) (h.no_target.join("; ")) }
                                }
                            }
                            @for m in &h.months { td { (rubles(m.before)) " → " strong { (rubles(m.after)) } } }
                            td { (rubles(h.before)) " → " strong { (rubles(h.after)) } }
                        }
                    }
                }
            }
        }
        p.muted { (l.t(
            "Те же данные, пересчитанные расчётным движком: «до» — по ролям, которые были, «после» — как если бы новые роли и новые портфели действовали с первого из этих месяцев, по действующим планам оплаты. Корректировки прошлых периодов не включены. Цели ставятся на роль и месяц: строки новой роли, для которых в те месяцы цели не было, ничего не начисляют — это отмечено «нет цели».",
            "The same data through the pay engine: \"before\" under the roles people held, \"after\" as if the new roles and books had held from the first of these months, under the plans in force. Adjustments for earlier periods are left out. Targets are set per role and month: lines of the new role that had no target in those months pay nothing, marked \"no target\"."
        )) }
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
                l.t(
                    "Структура изменена. Смен ролей:",
                    "The split is done. Role changes:"
                ),
                o.roles_changed,
                l.t("клиентов передано:", "clients moved:"),
                o.clients_moved
            ),
        ),
        Err(e) => back_with_error(&back(&f), &super::shell::message(&e)),
    }
}
