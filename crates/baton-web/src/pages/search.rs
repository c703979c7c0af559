//! The top bar's search: companies, contacts, leads, invoices and colleagues the reader may see
//! (`App::search`, docs/web.md).

use super::shell::{PageResult, Viewer, date_str, or_fail, page, run};
use crate::AppState;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::IntoResponse;
use axum::routing::get;
use baton_app::rights::{Action, may};
use maud::html;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new().route("/search", get(search))
}

#[derive(Deserialize, Default)]
pub struct SearchQ {
    q: Option<String>,
}

async fn search(State(s): State<AppState>, v: Viewer, Query(q): Query<SearchQ>) -> PageResult {
    let l = v.lang;
    let text = q.q.unwrap_or_default();
    let actor = v.actor.clone();
    let query = text.clone();
    let found = or_fail(l, run(&s, move |app| app.search(&actor, &query)).await)?;
    let people_links = may(&v.actor, Action::ReadPeople);
    let body = html! {
        form.filters method="get" action="/search" role="search" {
            label { span { (l.tr("page-find")) }
                input type="search" name="q" id="search-q" value=(text) maxlength="200" autofocus;
            }
            button type="submit" { (l.tr("page-search-2")) }
        }
        @if found.query.chars().count() < 2 {
            p.muted { (l.tr("page-type-a-phone-in-any-format")) }
        } @else if found.is_empty() {
            p.muted id="search-none" { (l.tr("page-nothing-found-among-the-records-you")) }
        } @else {
            @if !found.companies.is_empty() {
                h2 { (l.tr("page-companies")) }
                ul id="search-companies" {
                    @for c in &found.companies {
                        li { a href={ "/companies/" (c.id) } { (c.name) } " · ИНН " (c.inn) " " (super::company::status_badge(&v, &c.status)) }
                    }
                }
            }
            @if !found.contacts.is_empty() {
                h2 { (l.tr("page-contacts")) }
                ul id="search-contacts" {
                    @for c in &found.contacts {
                        li { (c.name) @if let Some(p) = &c.phone { " · " (super::shell::phone_str(p)) } " — " a href={ "/companies/" (c.company_id) } { (c.company) } }
                    }
                }
            }
            @if !found.leads.is_empty() {
                h2 { (l.tr("page-leads")) }
                ul id="search-leads" {
                    @for x in &found.leads {
                        li { a href={ "/leads/" (x.id) } { (x.company) } " · " (super::caller::stage_name(l, &x.stage)) }
                    }
                }
            }
            @if !found.invoices.is_empty() {
                h2 { (l.tr("page-invoices")) }
                ul id="search-invoices" {
                    @for i in &found.invoices {
                        li { "№ " (i.number) " — " a href={ "/companies/" (i.company_id) } { (i.company) } " · " (l.tr("page-due-4")) " " (date_str(&i.due_on)) }
                    }
                }
            }
            @if !found.people.is_empty() {
                h2 { (l.tr("page-colleagues")) }
                ul id="search-people" {
                    @for p in &found.people {
                        li { @if people_links { a href={ "/people/" (p.id) } { (p.name) } } @else { (p.name) } " (" (p.login) ")" }
                    }
                }
            }
        }
    };
    Ok(page(&v, l.tr("page-search"), body).into_response())
}
