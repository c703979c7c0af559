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
            label { span { (l.t("Найти", "Find")) }
                input type="search" name="q" id="search-q" value=(text) maxlength="200" autofocus;
            }
            button type="submit" { (l.t("Искать", "Search")) }
        }
        @if found.query.chars().count() < 2 {
            p.muted { (l.t(
                "Введите телефон в любом виде, ИНН, часть названия компании, фамилию контакта или сотрудника, номер счёта.",
                "Type a phone in any format, an ИНН, part of a company's name, a contact's or colleague's surname, an invoice number.")) }
        } @else if found.is_empty() {
            p.muted id="search-none" { (l.t("Ничего не найдено среди доступных вам записей.", "Nothing found among the records you may see.")) }
        } @else {
            @if !found.companies.is_empty() {
                h2 { (l.t("Компании", "Companies")) }
                ul id="search-companies" {
                    @for c in &found.companies {
                        li { a href={ "/companies/" (c.id) } { (c.name) } " · ИНН " (c.inn) " " (super::company::status_badge(&v, &c.status)) }
                    }
                }
            }
            @if !found.contacts.is_empty() {
                h2 { (l.t("Контакты", "Contacts")) }
                ul id="search-contacts" {
                    @for c in &found.contacts {
                        li { (c.name) @if let Some(p) = &c.phone { " · " (p) } " — " a href={ "/companies/" (c.company_id) } { (c.company) } }
                    }
                }
            }
            @if !found.leads.is_empty() {
                h2 { (l.t("Лиды", "Leads")) }
                ul id="search-leads" {
                    @for x in &found.leads {
                        li { a href={ "/leads/" (x.id) } { (x.company) } " · " (super::caller::stage_name(l, &x.stage)) }
                    }
                }
            }
            @if !found.invoices.is_empty() {
                h2 { (l.t("Счета", "Invoices")) }
                ul id="search-invoices" {
                    @for i in &found.invoices {
                        li { "№ " (i.number) " — " a href={ "/companies/" (i.company_id) } { (i.company) } " · " (l.t("срок", "due")) " " (date_str(&i.due_on)) }
                    }
                }
            }
            @if !found.people.is_empty() {
                h2 { (l.t("Сотрудники", "Colleagues")) }
                ul id="search-people" {
                    @for p in &found.people {
                        li { @if people_links { a href={ "/people/" (p.id) } { (p.name) } } @else { (p.name) } " (" (p.login) ")" }
                    }
                }
            }
        }
    };
    Ok(page(&v, l.t("Поиск", "Search"), body).into_response())
}
