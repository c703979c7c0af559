//! Moving clients between client managers, for a head, the director or an admin: pick the
//! manager whose clients go, tick them (or take the whole book), pick who takes them, see the
//! preview (portfolios, revenue and pay before and after, computed by the pay engine), confirm.
//! The use case is `App::reassign_clients` (docs/plans.md, "Moving clients").

use super::caller::{back_with_error, param};
use super::company::{Fields, all_pages, field};
use super::shell::{PageResult, Viewer, date_str, done, or_fail, page, run, urlencode};
use crate::AppState;
use axum::Router;
use axum::extract::{Form, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use baton_app::conveyor::companies::CompanyQuery;
use baton_app::conveyor::portfolios::{MoveOutcome, Reassignment};
use baton_app::rights::Action;
use baton_store::records::Company;
use maud::{Markup, html};
use rust_decimal::Decimal;

fn rubles(d: Decimal) -> String {
    super::shell::money(super::start::to_money(d))
}
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/portfolio/move", get(choose).post(apply))
        .route("/portfolio/move/preview", post(preview))
}

#[derive(Deserialize, Default)]
pub struct ChooseQ {
    from: Option<String>,
    q: Option<String>,
}

/// The rights table's refusal page for a role without the right.
fn refuse(v: &Viewer) -> Option<Response> {
    baton_app::rights::require(&v.actor, Action::MoveClients)
        .err()
        .map(|e| super::shell::failure(v.lang, &e))
}

/// The head's own region, or every region for the director and an admin.
fn region_of(v: &Viewer) -> Option<String> {
    if v.actor.sees_all() {
        None
    } else {
        v.actor.region_id.clone()
    }
}

async fn choose(State(s): State<AppState>, v: Viewer, Query(cq): Query<ChooseQ>) -> PageResult {
    if let Some(r) = refuse(&v) {
        return Err(r);
    }
    let l = v.lang;
    let from = cq.from.clone().filter(|f| !f.is_empty());
    let q = cq.q.clone().filter(|f| !f.trim().is_empty());
    let (actor, region, from2, q2) = (v.actor.clone(), region_of(&v), from.clone(), q.clone());
    let (cms, clients, book) = or_fail(
        l,
        run(&s, move |app| {
            let cms = super::record::data::client_managers(app, region.as_deref())?;
            let Some(from) = from2 else {
                return Ok((cms, vec![], 0));
            };
            let list = |q: Option<String>| {
                all_pages(baton_domain::input::MOVE_MAX, |p| {
                    app.companies(
                        &actor,
                        CompanyQuery {
                            q: q.clone(),
                            client_manager_id: Some(from.clone()),
                            sort: Some("name".into()),
                            ..Default::default()
                        },
                        p,
                    )
                })
            };
            let clients: Vec<Company> = list(q2.clone())?;
            let book = if q2.is_some() {
                list(None)?.len()
            } else {
                clients.len()
            };
            Ok((cms, clients, book))
        })
        .await,
    )?;
    let name_of = |id: &str| {
        cms.iter()
            .find(|c| c.id == id)
            .map(|c| c.name.clone())
            .unwrap_or_default()
    };
    let body = html! {
        @if let Some(e) = param(&v, "err") { p.error role="alert" id="move-error" { (e) } }
        p.muted { (l.tr("page-payments-received-before-the-move-stay")) }
        form.filters method="get" action="/portfolio/move" {
            label { span { (l.tr("page-whose-clients-move")) }
                select name="from" id="move-from" required {
                    option value="" { "—" }
                    @for c in &cms {
                        option value=(c.id) selected[from.as_deref() == Some(c.id.as_str())] { (c.name) }
                    }
                }
            }
            label { span { (l.tr("page-name-or-contains")) }
                input type="search" name="q" value=(q.clone().unwrap_or_default()) maxlength="200";
            }
            button type="submit" { (l.tr("page-show-clients")) }
        }
        @if let Some(from) = &from {
            form method="post" action="/portfolio/move/preview" id="move-form" {
                input type="hidden" name="from" value=(from);
                p {
                    label.check {
                        input type="checkbox" name="all" value="1" id="move-all";
                        " " (l.tr("page-every-client-of-the-manager"))
                        " " (name_of(from)) " (" (book) ")"
                    }
                }
                @if clients.is_empty() {
                    p.muted id="move-none" { (l.tr("page-no-clients-found")) }
                } @else {
                    div.scroll {
                        table id="move-clients" {
                            thead { tr {
                                th { (l.tr("page-move")) }
                                th { (l.tr("page-company")) }
                                th { "ИНН" }
                                th { (l.tr("page-last-payment")) }
                            } }
                            tbody {
                                @for c in &clients {
                                    tr {
                                        td { input type="checkbox" name="company" value=(c.id) aria-label=(c.name); }
                                        td { a href={ "/companies/" (c.id) } { (c.name) } }
                                        td { (c.inn) }
                                        td { (c.last_paid_on.as_deref().map(date_str).unwrap_or_else(|| "—".into())) }
                                    }
                                }
                            }
                        }
                    }
                }
                label { span { (l.tr("page-who-takes-them")) }
                    select name="to" id="move-to" required {
                        option value="" { "—" }
                        @for c in cms.iter().filter(|c| c.id != *from) {
                            option value=(c.id) { (c.name) }
                        }
                    }
                }
                p { button type="submit" { (l.tr("page-preview")) } }
            }
        }
    };
    Ok(page(&v, l.tr("page-moving-clients"), body).into_response())
}

/// The request the two posts carry: ticked companies, or the whole book with `all`.
fn request(f: &Fields) -> Reassignment {
    let all = field(f, "all") == "1";
    Reassignment {
        company_ids: if all {
            vec![]
        } else {
            f.iter()
                .filter(|(k, _)| k == "company")
                .map(|(_, v)| v.clone())
                .collect()
        },
        from_id: all.then(|| field(f, "from").to_string()),
        to_id: field(f, "to").to_string(),
    }
}

fn back(f: &Fields) -> String {
    format!("/portfolio/move?from={}", urlencode(field(f, "from")))
}

async fn preview(State(s): State<AppState>, v: Viewer, Form(f): Form<Fields>) -> Response {
    if let Some(r) = refuse(&v) {
        return r;
    }
    let l = v.lang;
    let req = request(&f);
    let actor = v.actor.clone();
    let out = match run(&s, move |app| app.preview_reassignment(&actor, req)).await {
        Ok(o) => o,
        Err(e) => return back_with_error(&back(&f), &super::shell::message(&e)),
    };
    let hidden: Vec<(String, String)> = f
        .iter()
        .filter(|(k, _)| matches!(k.as_str(), "from" | "to" | "all" | "company"))
        .cloned()
        .collect();
    let body = html! {
        (outcome(&v, &out))
        form method="post" action="/portfolio/move" id="move-confirm" {
            @for (k, val) in &hidden { input type="hidden" name=(k) value=(val); }
            p {
                button type="submit" { (l.tr("page-move")) " " (out.moved) " " (l.tr("page-client-s")) }
                " " a href=(back(&f)) { (l.tr("page-change-the-selection")) }
            }
        }
    };
    page(&v, l.tr("page-moving-clients-preview"), body).into_response()
}

async fn apply(State(s): State<AppState>, v: Viewer, Form(f): Form<Fields>) -> Response {
    if let Some(r) = refuse(&v) {
        return r;
    }
    let l = v.lang;
    let req = request(&f);
    let to = req.to_id.clone();
    let actor = v.actor.clone();
    match run(&s, move |app| app.reassign_clients(&actor, req)).await {
        Ok(o) => done(
            &format!("/portfolio?cm={}", urlencode(&to)),
            &format!("{} {}", l.tr("page-clients-moved-2"), o.moved),
        ),
        Err(e) => back_with_error(&back(&f), &super::shell::message(&e)),
    }
}

/// Each manager's portfolio, revenue and pay, before → after.
pub(crate) fn outcome(v: &Viewer, o: &MoveOutcome) -> Markup {
    let l = v.lang;
    let pay = |b: Option<Decimal>, a: Option<Decimal>| -> Markup {
        let show = |x: Option<Decimal>| x.map(rubles).unwrap_or_else(|| "—".into());
        html! { (show(b)) " → " strong { (show(a)) } }
    };
    html! {
        p id="move-summary" {
            (l.tr("page-clients-that-move")) " " strong { (o.moved) }
            @if o.kickoffs_moved > 0 {
                "; " (l.tr("page-kickoffs-still-due")) " " (o.kickoffs_moved)
            }
        }
        div.scroll {
            table id="move-preview" {
                thead { tr {
                    th { (l.tr("page-manager")) }
                    th { (l.tr("page-clients")) }
                    th { (l.tr("page-gains-loses")) }
                    th { (l.tr("page-these-clients-payments-12-months")) }
                    th { (l.tr("page-pay-for")) (o.this_month) }
                    th { (l.tr("page-pay-for")) (o.next_month) }
                } }
                tbody {
                    @for p in &o.people {
                        tr {
                            td { (p.name) }
                            td { (p.clients_before) " → " strong { (p.clients_after) } }
                            td { "+" (p.gained) " / −" (p.lost) }
                            td {
                                @if p.gained > 0 { "+" (rubles(p.revenue_gained)) }
                                @if p.lost > 0 { "−" (rubles(p.revenue_lost)) }
                            }
                            td { (pay(p.pay_this_month_before, p.pay_this_month_after)) }
                            td { (pay(p.pay_next_month_before, p.pay_next_month_after)) }
                        }
                    }
                }
            }
        }
        p.muted { (l.tr("page-pay-is-computed-by-the-pay")) }
    }
}
