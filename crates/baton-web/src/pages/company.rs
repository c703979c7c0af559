//! Companies: the list, the company card (details, contacts, activities, handoffs,
//! attribution, contracts, orders, invoices, payments), the money forms on the card (invoice,
//! payment, order) and handoff 2 (the winner hands the client to a client manager). The
//! drill-down of a record is `record.rs`.

use super::listing::{self, Cell, ListQuery, Listing, col};
use super::record::data::{self, Colleague};
use super::shell::{
    PageResult, Viewer, date_str, done, failure, message, money, or_fail, page, run, status_of,
};
use crate::AppState;
use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use baton_app::conveyor::calls::NewActivity;
use baton_app::conveyor::companies::{CompanyCard, CompanyQuery, NewContact};
use baton_app::conveyor::deals::{
    HandoverRequest, InvoiceView, NewInvoice, NewOrder, NewPayment, attribution_of,
};
use baton_app::rights::{Action, may};
use baton_app::{AppError, Paging};
use baton_domain::config::ClientManagerRule;
use baton_domain::{ConveyorConfig, Money, RuleError};
use baton_store::records::{Company, Order, Region};
use chrono::NaiveDate;
use maud::{Markup, html};
use serde::Deserialize;
use std::collections::BTreeMap;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/companies", get(companies))
        .route("/companies/{id}", get(card))
        .route("/companies/{id}/contacts", post(add_contact))
        .route("/companies/{id}/activities", post(log_activity))
        .route("/companies/{id}/invoices", post(issue_invoice))
        .route("/companies/{id}/payments", post(record_payment))
        .route("/companies/{id}/orders", post(create_order))
        .route("/companies/{id}/handover", post(handover))
}

// ---- shared helpers (also used by the client manager's pages) ----

/// Every page of a paged use case, up to `cap` rows (lists are built in memory, see `listing`).
pub(crate) fn all_pages<T>(
    cap: usize,
    mut f: impl FnMut(Paging) -> Result<baton_app::Page<T>, AppError>,
) -> Result<Vec<T>, AppError> {
    let mut out = Vec::new();
    let mut page = 1;
    loop {
        let p = f(Paging::new(Some(page), Some(500)))?;
        let n = p.items.len();
        out.extend(p.items);
        if n == 0 || out.len() as i64 >= p.total || out.len() >= cap {
            return Ok(out);
        }
        page += 1;
    }
}

/// Names of colleagues by id (everyone may see colleagues' names).
pub(crate) fn names(
    app: &baton_app::App,
    v: &baton_app::Actor,
) -> Result<BTreeMap<String, String>, AppError> {
    Ok(all_pages(20_000, |p| app.employees(v, None, p))?
        .into_iter()
        .map(|e| (e.id, e.name))
        .collect())
}

pub(crate) fn name_of(names: &BTreeMap<String, String>, id: &str) -> String {
    names.get(id).cloned().unwrap_or_else(|| id.to_string())
}

fn status_name(v: &Viewer, s: &str) -> String {
    baton_catalog::term(v.lang, "company", s)
}

pub(crate) fn status_badge(v: &Viewer, s: &str) -> Markup {
    let class = match s {
        "client" => "badge good",
        "merged" => "badge warn",
        _ => "badge",
    };
    html! { span class=(class) { (status_name(v, s)) } }
}

fn region_name(regions: &[Region], id: &str) -> String {
    regions
        .iter()
        .find(|r| r.id == id)
        .map_or_else(|| id.to_string(), |r| r.name.clone())
}

/// Typed form fields, in the order posted (`Form<Fields>` never rejects a body).
pub(crate) type Fields = Vec<(String, String)>;

pub(crate) fn field<'a>(f: &'a Fields, k: &str) -> &'a str {
    f.iter()
        .find(|(n, _)| n == k)
        .map_or("", |(_, v)| v.as_str())
}

fn opt(f: &Fields, k: &str) -> Option<String> {
    Some(field(f, k).trim().to_string()).filter(|s| !s.is_empty())
}

/// Money typed by a person (`1 234,56`); a bad value is an error on `name`.
pub(crate) fn typed_money(f: &Fields, k: &str, name: &str) -> Result<Money, AppError> {
    let text = field(f, k).trim();
    if text.is_empty() {
        return Err(AppError::invalid(
            name,
            baton_catalog::Text::new("err-web-amount-empty"),
        ));
    }
    text.parse::<Money>().map_err(|e| {
        AppError::invalid(
            name,
            baton_catalog::Text::new("err-web-amount-format")
                .arg("value", text)
                .arg("error", e.to_string()),
        )
    })
}

/// A form posted on the card that failed: what was typed and why, shown in place.
pub struct Posted {
    form: &'static str,
    fields: Fields,
    error: String,
    /// Field names (as the use case names them) to highlight.
    missing: Vec<String>,
    status: StatusCode,
}

impl Posted {
    fn new(form: &'static str, fields: Fields, e: &AppError) -> Posted {
        let mut missing: Vec<String> = e.field().map(|f| vec![f.to_string()]).unwrap_or_default();
        if let AppError::Rule(RuleError::BriefIncomplete { missing: m }) = e {
            missing.extend(m.iter().map(|k| format!("brief.{k}")));
        }
        Posted {
            form,
            fields,
            error: message(e),
            missing,
            status: status_of(e),
        }
    }
}

struct Ctx<'a> {
    posted: Option<&'a Posted>,
}

impl Ctx<'_> {
    fn val(&self, form: &str, k: &str, default: &str) -> String {
        match self.posted {
            Some(p) if p.form == form => field(&p.fields, k).to_string(),
            _ => default.to_string(),
        }
    }
    fn error(&self, form: &str) -> Option<&str> {
        self.posted
            .filter(|p| p.form == form)
            .map(|p| p.error.as_str())
    }
    /// `missing` when the failed form named this field.
    fn class(&self, form: &str, names: &[&str]) -> &'static str {
        match self.posted {
            Some(p) if p.form == form && p.missing.iter().any(|m| names.contains(&m.as_str())) => {
                "missing"
            }
            _ => "",
        }
    }
}

// ---- the list ----

#[derive(Deserialize, Default)]
pub struct CompaniesQ {
    status: Option<String>,
    region: Option<String>,
}

async fn companies(
    State(s): State<AppState>,
    v: Viewer,
    Query(lq): Query<ListQuery>,
    Query(q): Query<CompaniesQ>,
) -> PageResult {
    let actor = v.actor.clone();
    let (status, region) = (
        q.status.clone().filter(|s| !s.is_empty()),
        q.region.clone().filter(|s| !s.is_empty()),
    );
    let (st2, rg2) = (status.clone(), region.clone());
    let (rows, regions, names) = or_fail(
        v.lang,
        run(&s, move |app| {
            let rows = all_pages(10_000, |p| {
                app.companies(
                    &actor,
                    CompanyQuery {
                        status: st2.clone(),
                        region_id: rg2.clone(),
                        ..Default::default()
                    },
                    p,
                )
            })?;
            Ok((rows, app.regions()?, names(app, &actor)?))
        })
        .await,
    )?;
    let l = v.lang;
    let table_rows = rows
        .iter()
        .map(|c| {
            vec![
                Cell::Link(format!("/companies/{}", c.id), c.name.clone()),
                Cell::Text(c.inn.clone()),
                Cell::Text(region_name(&regions, &c.region_id)),
                Cell::Html(status_badge(&v, &c.status), status_name(&v, &c.status)),
                Cell::Text(
                    c.client_manager_id
                        .as_deref()
                        .map(|id| name_of(&names, id))
                        .unwrap_or_else(|| "—".into()),
                ),
                Cell::Date(c.last_paid_on.clone().unwrap_or_default()),
                Cell::Date(c.created_at.clone()),
            ]
        })
        .collect();
    let statuses = [
        ("prospect", l.tr("page-prospects")),
        ("client", l.tr("page-clients-2")),
        ("merged", l.tr("page-merged")),
    ];
    let filters = html! {
        label { span { (l.tr("page-status")) }
            select name="status" id="companies-status" {
                option value="" { (l.tr("page-all")) }
                @for (k, t) in statuses {
                    option value=(k) selected[status.as_deref() == Some(k)] { (t) }
                }
            }
        }
        label { span { (l.tr("page-region")) }
            select name="region" id="companies-region" {
                option value="" { (l.tr("page-all-i-may-see")) }
                @for r in &regions {
                    option value=(r.id) selected[region.as_deref() == Some(r.id.as_str())] { (r.name) }
                }
            }
        }
    };
    let list = listing::show(
        l,
        &v.here,
        &lq,
        Listing {
            name: "companies",
            columns: vec![
                col("name", l.tr("page-company")),
                col("inn", l.tr("page-inn")),
                col("region", l.tr("page-region")),
                col("status", l.tr("page-status")),
                col("cm", l.tr("page-client-manager-2")),
                col("last_paid", l.tr("page-last-payment")),
                col("created", l.tr("page-created")),
            ],
            rows: table_rows,
            filters: Some(filters),
            default_sort: Some(("name", false)),
        },
    )?;
    Ok(page(&v, l.tr("page-companies"), list).into_response())
}

// ---- the card ----

struct CardData {
    card: CompanyCard,
    invoices: Vec<InvoiceView>,
    orders: Vec<Order>,
    names: BTreeMap<String, String>,
    regions: Vec<Region>,
    cfg: ConveyorConfig,
    today: NaiveDate,
    cms: Vec<Colleague>,
    /// The company's open tasks the viewer may see, and when a new one is due by default.
    tasks: Vec<baton_app::conveyor::tasks::TaskView>,
    task_default: String,
}

async fn load(s: &AppState, v: &Viewer, id: &str) -> Result<CardData, AppError> {
    let actor = v.actor.clone();
    let id = id.to_string();
    run(s, move |app| {
        let card = app.company_card(&actor, &id)?;
        let invoices = all_pages(5_000, |p| app.invoices(&actor, Some(&id), false, p))?;
        let orders = all_pages(5_000, |p| app.orders(&actor, Some(&id), p))?;
        let cfg = app.config()?;
        let today = app.today(&cfg);
        let cms = data::client_managers(app, Some(&card.company.region_id))?;
        let tasks = app.company_tasks(&actor, &id)?;
        let task_default = baton_app::clock::stamp(baton_domain::task::next_working_morning(
            app.now(),
            cfg.tz(),
        ));
        Ok(CardData {
            tasks,
            task_default,
            invoices,
            orders,
            names: names(app, &actor)?,
            regions: app.regions()?,
            today,
            cms,
            cfg,
            card,
        })
    })
    .await
}

async fn card(State(s): State<AppState>, v: Viewer, Path(id): Path<String>) -> PageResult {
    let d = or_fail(v.lang, load(&s, &v, &id).await)?;
    Ok(render_card(&v, &d, None).into_response())
}

/// The card again with a failed form's values and message.
async fn again(s: &AppState, v: &Viewer, id: &str, p: Posted) -> Response {
    match load(s, v, id).await {
        Ok(d) => (p.status, render_card(v, &d, Some(&p))).into_response(),
        Err(e) => failure(v.lang, &e),
    }
}

fn can_hand_over(v: &Viewer, c: &Company) -> bool {
    may(&v.actor, Action::Handover)
        && c.client_manager_id.is_none()
        && (v.leads_department()
            || c.att_seller_id.as_deref() == Some(v.actor.id.as_str())
            || c.claim_holder_id.as_deref() == Some(v.actor.id.as_str()))
}

fn render_card(v: &Viewer, d: &CardData, posted: Option<&Posted>) -> Markup {
    let l = v.lang;
    let cx = Ctx { posted };
    let c = &d.card.company;
    let n = |id: &str| name_of(&d.names, id);
    let base = format!("/companies/{}", c.id);
    let sees_money = may(&v.actor, Action::ReadFinance);
    let open: Vec<&InvoiceView> = d
        .invoices
        .iter()
        .filter(|i| i.outstanding.is_positive())
        .collect();
    let outstanding: Money = open.iter().map(|i| i.outstanding).sum();
    let overdue: Money = open
        .iter()
        .filter(|i| i.invoice.due_on < d.today.to_string())
        .map(|i| i.outstanding)
        .sum();
    let paid: Money = d.card.payments.iter().map(|p| p.amount).sum();
    let att = attribution_of(c);
    let today = d.today.to_string();
    let body = html! {
        div.kpis {
            div.kpi { span.muted { (l.tr("page-status")) } strong { (status_badge(v, &c.status)) } }
            @if sees_money {
                div.kpi { span.muted { (l.tr("page-paid-in-total")) } strong id="company-paid" { (money(paid)) } }
                div.kpi { span.muted { (l.tr("page-outstanding-2")) } strong id="company-outstanding" { (money(outstanding)) } }
                div.kpi { span.muted { (l.tr("page-overdue")) }
                    @if overdue.is_positive() { strong.bad id="company-overdue" { (money(overdue)) } }
                    @else { strong id="company-overdue" { (money(overdue)) } } }
            }
        }
        div.grid {
            section.card id="details" {
                h2 { (l.tr("page-details")) }
                dl {
                    dt { (l.tr("page-name")) } dd id="company-name" { (c.name) }
                    dt { (l.tr("page-inn")) } dd id="company-inn" { (c.inn) }
                    @if !c.kpp.is_empty() { dt { (l.tr("page-kpp")) } dd { (c.kpp) } }
                    dt { (l.tr("page-region")) } dd { (region_name(&d.regions, &c.region_id)) }
                    @if let Some(i) = &c.industry { dt { (l.tr("page-industry")) } dd { (baton_catalog::term(l, "industry", i)) } }
                    dt { (l.tr("page-source")) } dd { (baton_catalog::term(l, "source", &c.source)) }
                    dt { (l.tr("page-claimed-by")) }
                    dd {
                        @match (&c.claim_holder_id, &c.claim_until) {
                            (Some(h), Some(u)) if u.as_str() > today.as_str() => { (n(h)) " " span.muted { (l.tr("page-until")) " " (date_str(u)) } }
                            _ => { span.muted { (l.tr("page-nobody-in-the-pool")) } }
                        }
                    }
                    dt { (l.tr("page-client-manager-2")) }
                    dd id="company-cm" { @if let Some(cm) = &c.client_manager_id { (n(cm)) } @else { "—" } }
                    dt { (l.tr("page-first-payment")) }
                    dd { @if let Some(x) = &c.first_paid_on { (date_str(x)) } @else { "—" } }
                    dt { (l.tr("page-last-payment")) }
                    dd { @if let Some(x) = &c.last_paid_on { (date_str(x)) } @else { "—" } }
                }
            }
            section.card id="attribution" {
                h2 { (l.tr("page-who-found-won-and-serves-it")) }
                dl {
                    dt { (l.tr("page-found-by-caller")) }
                    dd id="att-caller" { @if let Some(x) = &c.att_caller_id { (n(x)) } @else { "—" } }
                    dt { (l.tr("page-won-by-sales-manager")) }
                    dd id="att-seller" { @if let Some(x) = &c.att_seller_id { (n(x)) } @else { "—" } }
                    dt { (l.tr("page-won-on")) }
                    dd { @if let Some(x) = &c.att_won_on { (date_str(x)) } @else { "—" } }
                    dt { (l.tr("page-kind")) }
                    dd { @match &att {
                        Some(a) if a.kind == baton_domain::company::WinKind::Reactivation => { (l.tr("page-reactivation")) }
                        Some(_) => { (l.tr("page-new-client")) }
                        None => { span.muted { (l.tr("page-not-won-yet-the-first-payment")) } }
                    } }
                    dt { (l.tr("page-served-by-client-manager")) }
                    dd { @if let Some(x) = &c.client_manager_id { (n(x)) } @else { "—" } }
                }
            }
        }

        section.card id="contacts" {
            h2 { (l.tr("page-contacts")) }
            @if d.card.contacts.is_empty() { p.muted { (l.tr("page-no-contacts-yet")) } }
            @else {
                div.scroll { table {
                    thead { tr { th { (l.tr("page-name-2")) } th { (l.tr("page-position")) } th { (l.tr("page-phone")) } th { "E-mail" } } }
                    tbody { @for ct in &d.card.contacts { tr {
                        td { (ct.name) @if ct.is_dm { " " span.badge.good title=(l.tr("page-decision-maker")) { (l.tr("page-dm")) } } }
                        td { (ct.position.clone().unwrap_or_default()) }
                        td { @if let Some(p) = &ct.phone { a href=(format!("tel:{p}")) { (super::shell::phone_str(p)) } } }
                        td { @if let Some(e) = &ct.email { a href=(format!("mailto:{e}")) { (e) } } }
                    } } }
                } }
            }
            details open[cx.error("contact").is_some()] {
                summary { (l.tr("page-add-a-contact")) }
                form.stack method="post" action=(format!("{base}/contacts")) id="contact-form" {
                    (super::shell::form_error(cx.error("contact")))
                    label class=(cx.class("contact", &["contacts[0].name"])) { span { (l.tr("page-name-2")) }
                        input name="name" id="contact-name" required value=(cx.val("contact", "name", "")); }
                    label { span { (l.tr("page-position")) }
                        input name="position" id="contact-position" value=(cx.val("contact", "position", "")); }
                    label class=(cx.class("contact", &["contacts[0].phone"])) { span { (l.tr("page-phone")) }
                        input name="phone" id="contact-phone" type="tel" value=(cx.val("contact", "phone", "")); }
                    label class=(cx.class("contact", &["contacts[0].email"])) { span { "E-mail" }
                        input name="email" id="contact-email" type="email" value=(cx.val("contact", "email", "")); }
                    label { input type="checkbox" name="is_dm" value="1" checked[cx.val("contact", "is_dm", "") == "1"]; " " (l.tr("page-decision-maker-2")) }
                    button type="submit" id="contact-submit" { (l.tr("page-add")) }
                }
            }
        }

        section.card id="handoffs" {
            h2 { (l.tr("page-handoffs")) }
            @if d.card.handoffs.is_empty() { p.muted { (l.tr("page-no-handoffs-yet")) } }
            @else {
                div.scroll { table {
                    thead { tr { th { (l.tr("page-when")) } th { (l.tr("page-kind")) } th { (l.tr("page-from-2")) } th { (l.tr("page-to")) } th { (l.tr("page-status")) } th { (l.tr("page-why-this-receiver")) } } }
                    tbody { @for h in &d.card.handoffs { tr {
                        td { a href=(format!("/records/handoffs/{}", h.id)) { (date_str(&h.created_at)) } }
                        td { (handoff_kind(v, &h.kind)) }
                        td { (n(&h.sender_id)) }
                        td { (n(&h.receiver_id)) }
                        td { (handoff_status(v, &h.status)) @if let Some(r) = &h.reason_text { " — " (r) } }
                        td.muted { (super::shell::handoff_why(l, h)) }
                    } } }
                } }
            }
            @if can_hand_over(v, c) && (!d.card.contracts.is_empty() || c.first_paid_on.is_some()) {
                (handover_form(v, d, &cx, &base))
            }
        }

        @if sees_money {
            section.card id="contracts" {
                h2 { (l.tr("page-contracts")) }
                @if d.card.contracts.is_empty() { p.muted { (l.tr("page-no-contracts")) } }
                @else {
                    div.scroll { table {
                        thead { tr { th { "№" } th { (l.tr("page-signed")) } th { (l.tr("page-signed-by")) } th.num { (l.tr("page-amount")) } th { (l.tr("page-win")) } } }
                        tbody { @for k in &d.card.contracts { tr {
                            td { a href=(format!("/records/contracts/{}", k.id)) { (k.number) } }
                            td { (date_str(&k.signed_on)) }
                            td { (n(&k.signed_by)) }
                            td.num { (money(k.amount)) }
                            td { @if let Some(w) = &k.won_on { (l.tr("page-won")) " " (date_str(w)) } @else if k.win_kind.is_some() { span.muted { (l.tr("page-awaits-the-first-payment")) } } @else { "—" } }
                        } } }
                    } }
                }
            }
            section.card id="orders" {
                h2 { (l.tr("page-orders")) }
                @if d.orders.is_empty() { p.muted { (l.tr("page-no-orders")) } }
                @else {
                    div.scroll { table {
                        thead { tr { th { (l.tr("page-delivery-month")) } th.num { (l.tr("page-amount")) } th { (l.tr("page-entered-by")) } th { (l.tr("page-created-2")) } } }
                        tbody { @for o in &d.orders { tr {
                            td { a href=(format!("/records/orders/{}", o.id)) { (o.delivery_month) } }
                            td.num { (money(o.amount)) }
                            td { (n(&o.created_by)) }
                            td { (date_str(&o.created_at)) }
                        } } }
                    } }
                }
                @if may(&v.actor, Action::Order) { (order_form(v, d, &cx, &base)) }
            }
            section.card id="invoices" {
                h2 { (l.tr("page-invoices")) }
                @if d.invoices.is_empty() { p.muted { (l.tr("page-no-invoices")) } }
                @else {
                    div.scroll { table id="invoices-table" {
                        thead { tr { th { "№" } th { (l.tr("page-issued")) } th { (l.tr("page-due")) } th.num { (l.tr("page-amount")) } th.num { (l.tr("page-paid")) } th.num { (l.tr("page-outstanding")) } th { (l.tr("page-state")) } } }
                        tbody { @for i in &d.invoices {
                            @let late = i.outstanding.is_positive() && i.invoice.due_on < today;
                            tr id=(format!("invoice-{}", i.invoice.id)) {
                                td { a href=(format!("/records/invoices/{}", i.invoice.id)) { (i.invoice.number) } }
                                td { (date_str(&i.invoice.issued_on)) }
                                td { (date_str(&i.invoice.due_on)) }
                                td.num { (money(i.invoice.amount)) }
                                td.num { (money(i.paid)) }
                                td.num.outstanding { (money(i.outstanding)) }
                                td {
                                    @if !i.outstanding.is_positive() { span.badge.good { (l.tr("page-paid-2")) } }
                                    @else if late { span.badge.bad { (l.tr("page-overdue-2")) } }
                                    @else { span.badge { (l.tr("page-awaiting-payment")) } }
                                    @if i.credited.is_positive() { " " span.muted { (l.tr("page-credited")) " " (money(i.credited)) } }
                                }
                            }
                        } }
                    } }
                }
                @if may(&v.actor, Action::Invoice) { (invoice_form(v, d, &cx, &base)) }
            }
            section.card id="payments" {
                h2 { (l.tr("page-payments")) }
                @if d.card.payments.is_empty() { p.muted { (l.tr("page-no-payments")) } }
                @else {
                    div.scroll { table {
                        thead { tr { th { (l.tr("page-date")) } th { (l.tr("page-invoice")) } th.num { (l.tr("page-amount")) } th { (l.tr("page-recorded-by")) } } }
                        tbody { @for p in &d.card.payments { tr {
                            td { a href=(format!("/records/payments/{}", p.id)) { (date_str(&p.paid_on)) } }
                            td { (d.invoices.iter().find(|i| i.invoice.id == p.invoice_id).map_or("—", |i| i.invoice.number.as_str())) }
                            td.num { (money(p.amount)) }
                            td { (n(&p.created_by)) }
                        } } }
                    } }
                }
                @if may(&v.actor, Action::Payment) {
                    (payment_form(v, &open, &cx, &base, &today))
                    @if !open.is_empty() {
                        (super::my_day::promise_form(l, &c.id, &open.iter().map(|i| (i.invoice.id.as_str(), i.invoice.number.as_str())).collect::<Vec<_>>(), &today))
                    }
                }
            }
        }
        @if may(&v.actor, Action::ManageTasks) || !d.tasks.is_empty() {
            section.card id="tasks" {
                h2 { (l.tr("page-tasks")) }
                @if d.tasks.is_empty() { p.muted { (l.tr("page-tasks-none")) } }
                ul.tasks { @for t in &d.tasks { (super::my_day::task_item(l, t, true, &base)) } }
                @if may(&v.actor, Action::ManageTasks) { (super::my_day::task_form(l, &c.id, &d.task_default)) }
            }
        }
        section.card id="activities" {
            h2 { (l.tr("page-activities")) }
            @if may(&v.actor, Action::LogCall) {
                form.inline method="post" action=(format!("{base}/activities")) id="activity-form" {
                    (super::shell::form_error(cx.error("activity")))
                    label class=(cx.class("activity", &["kind"])) { span { (l.tr("page-what")) }
                        select name="kind" id="activity-kind" {
                            @for (k, t) in [("meeting", l.tr("page-meeting")), ("email", l.tr("page-e-mail")), ("note", l.tr("page-note-2"))] {
                                option value=(k) selected[cx.val("activity", "kind", "note") == k] { (t) }
                            }
                        }
                    }
                    label { span { (l.tr("page-note")) }
                        input name="note" id="activity-note" value=(cx.val("activity", "note", "")); }
                    button type="submit" id="activity-submit" { (l.tr("page-log-it")) }
                }
            }
            @if d.card.activities.is_empty() { p.muted { (l.tr("page-no-activities-yet")) } }
            @else {
                div.scroll { table {
                    thead { tr { th { (l.tr("page-when")) } th { (l.tr("page-what")) } th { (l.tr("page-who")) } th { (l.tr("page-outcome")) } th { (l.tr("page-note")) } } }
                    tbody { @for a in &d.card.activities { tr {
                        td { a href=(format!("/records/activities/{}", a.id)) { (date_str(&a.occurred_at)) } }
                        td { (activity_kind(v, &a.kind)) }
                        td { (n(&a.actor_id)) }
                        td { (a.outcome.as_deref().map(|o| baton_catalog::term(l, "outcome", o)).unwrap_or_default()) }
                        td { (a.note.clone().unwrap_or_default()) }
                    } } }
                } }
            }
        }
    };
    page(v, &c.name, body)
}

pub(crate) fn activity_kind(v: &Viewer, k: &str) -> String {
    baton_catalog::term(v.lang, "activity", k)
}

pub(crate) fn handoff_kind(v: &Viewer, k: &str) -> String {
    match k {
        "lead" => v.tr("page-1-warm-lead-sales").into(),
        "client" => v.tr("page-2-client-client-manager").into(),
        other => other.into(),
    }
}

pub(crate) fn handoff_status(v: &Viewer, s: &str) -> Markup {
    let (class, t) = match s {
        "pending" => ("badge warn", v.tr("page-pending")),
        "accepted" => ("badge good", v.tr("page-accepted-2")),
        "rejected" => ("badge bad", v.tr("page-rejected-2")),
        "done" => ("badge good", v.tr("page-first-meeting-held")),
        other => ("badge", other),
    };
    html! { span class=(class) { (t) } }
}

fn invoice_form(v: &Viewer, d: &CardData, cx: &Ctx<'_>, base: &str) -> Markup {
    let l = v.lang;
    let f = "invoice";
    html! {
        h3 { (l.tr("page-issue-an-invoice")) }
        form.stack method="post" action=(format!("{base}/invoices")) id="invoice-form" {
            (super::shell::form_error(cx.error(f)))
            @if !d.card.contracts.is_empty() {
                label class=(cx.class(f, &["contract_id"])) { span { (l.tr("page-contract")) }
                    select name="contract_id" id="invoice-contract" {
                        option value="" { (l.tr("page-no-contract")) }
                        @for k in &d.card.contracts {
                            option value=(k.id) selected[cx.val(f, "contract_id", "") == k.id] { (k.number) " · " (date_str(&k.signed_on)) " · " (money(k.amount)) }
                        }
                    }
                }
            }
            label class=(cx.class(f, &["amount"])) { span { (l.tr("page-amount-2")) }
                input name="amount" id="invoice-amount" inputmode="decimal" required placeholder="100 000,00" value=(cx.val(f, "amount", "")); }
            label class=(cx.class(f, &["issued_on"])) { span { (l.tr("page-issued-on")) }
                input type="date" name="issued_on" id="invoice-issued-on" value=(cx.val(f, "issued_on", &d.today.to_string())); }
            label class=(cx.class(f, &["due_on"])) { span { (l.tr("page-due-on-default-10-days-later")) }
                input type="date" name="due_on" id="invoice-due-on" value=(cx.val(f, "due_on", "")); }
            label class=(cx.class(f, &["number"])) { span { (l.tr("page-number-empty-the-next-in-the")) }
                input name="number" id="invoice-number" value=(cx.val(f, "number", "")); }
            button type="submit" id="invoice-submit" { (l.tr("page-issue-the-invoice")) }
        }
    }
}

fn payment_form(
    v: &Viewer,
    open: &[&InvoiceView],
    cx: &Ctx<'_>,
    base: &str,
    today: &str,
) -> Markup {
    let l = v.lang;
    let f = "payment";
    html! {
        h3 id="record-payment" { (l.tr("page-record-a-payment")) }
        @if open.is_empty() && cx.error(f).is_none() {
            p.muted { (l.tr("page-no-open-invoices-issue-an-invoice")) }
        } @else {
            form.stack method="post" action=(format!("{base}/payments")) id="payment-form" {
                (super::shell::form_error(cx.error(f)))
                label class=(cx.class(f, &["invoice_id"])) { span { (l.tr("page-invoice")) }
                    select name="invoice_id" id="payment-invoice" required {
                        @for i in open {
                            option value=(i.invoice.id) selected[cx.val(f, "invoice_id", "") == i.invoice.id] {
                                (i.invoice.number) " · " (l.tr("page-due-2")) " " (date_str(&i.invoice.due_on)) " · "
                                (l.tr("page-outstanding-3")) " " (money(i.outstanding))
                            }
                        }
                    }
                }
                label class=(cx.class(f, &["amount"])) { span { (l.tr("page-amount-2")) }
                    input name="amount" id="payment-amount" inputmode="decimal" required placeholder="40 000,00" value=(cx.val(f, "amount", "")); }
                label class=(cx.class(f, &["paid_on"])) { span { (l.tr("page-paid-on")) }
                    input type="date" name="paid_on" id="payment-paid-on" value=(cx.val(f, "paid_on", today)); }
                button type="submit" id="payment-submit" { (l.tr("page-record-the-payment")) }
            }
        }
    }
}

fn order_form(v: &Viewer, d: &CardData, cx: &Ctx<'_>, base: &str) -> Markup {
    let l = v.lang;
    let f = "order";
    let month = d.today.format("%Y-%m").to_string();
    html! {
        h3 { (l.tr("page-new-order")) }
        form.stack method="post" action=(format!("{base}/orders")) id="order-form" {
            (super::shell::form_error(cx.error(f)))
            @if !d.card.contracts.is_empty() {
                label class=(cx.class(f, &["contract_id"])) { span { (l.tr("page-contract")) }
                    select name="contract_id" id="order-contract" {
                        option value="" { (l.tr("page-no-contract")) }
                        @for k in &d.card.contracts {
                            option value=(k.id) selected[cx.val(f, "contract_id", "") == k.id] { (k.number) }
                        }
                    }
                }
            }
            label class=(cx.class(f, &["delivery_month"])) { span { (l.tr("page-delivery-month")) }
                input type="month" name="delivery_month" id="order-month" required placeholder="2026-12" value=(cx.val(f, "delivery_month", &month)); }
            label class=(cx.class(f, &["amount"])) { span { (l.tr("page-amount-2")) }
                input name="amount" id="order-amount" inputmode="decimal" required value=(cx.val(f, "amount", "")); }
            button type="submit" id="order-submit" { (l.tr("page-record-the-order")) }
        }
    }
}

fn handover_form(v: &Viewer, d: &CardData, cx: &Ctx<'_>, base: &str) -> Markup {
    let l = v.lang;
    let f = "handover";
    let manual = d.cfg.client_manager_rule == ClientManagerRule::Manual;
    html! {
        h3 { (l.tr("page-hand-the-client-to-a-client")) }
        form.stack method="post" action=(format!("{base}/handover")) id="handover-form" {
            (super::shell::form_error(cx.error(f)))
            @for item in &d.cfg.handover_brief {
                @let key = format!("brief.{}", item.key);
                label class=(cx.class(f, &[key.as_str()])) {
                    span { (l.t(&item.label_ru, &item.label_en)) @if item.required { " *" } }
                    textarea name=(key) id=(format!("handover-{}", item.key)) rows="2" required[item.required] { (cx.val(f, &key, "")) }
                }
            }
            label class=(cx.class(f, &["client_manager_id"])) {
                span { (l.tr("page-client-manager-2"))
                    @if !manual { " " span.muted { (l.tr("page-empty-the-least-loaded")) } } }
                select name="client_manager_id" id="handover-cm" required[manual] {
                    option value="" { @if manual { (l.tr("page-choose")) } @else { (l.tr("page-the-least-loaded")) } }
                    @for p in &d.cms {
                        option value=(p.id) selected[cx.val(f, "client_manager_id", "") == p.id] { (p.name) }
                    }
                }
            }
            button type="submit" id="handover-submit" { (l.tr("page-hand-over-the-client")) }
        }
    }
}

// ---- the posts ----

async fn add_contact(
    State(s): State<AppState>,
    v: Viewer,
    Path(id): Path<String>,
    Form(f): Form<Fields>,
) -> Response {
    let req = NewContact {
        name: field(&f, "name").to_string(),
        position: opt(&f, "position"),
        is_dm: field(&f, "is_dm") == "1",
        phone: opt(&f, "phone"),
        email: opt(&f, "email"),
    };
    let (actor, cid) = (v.actor.clone(), id.clone());
    match run(&s, move |app| app.add_contact(&actor, &cid, req)).await {
        Ok(ct) => done(
            &format!("/companies/{id}"),
            &format!("{} {}", v.tr("page-contact-added"), ct.name),
        ),
        Err(e) => again(&s, &v, &id, Posted::new("contact", f, &e)).await,
    }
}

async fn log_activity(
    State(s): State<AppState>,
    v: Viewer,
    Path(id): Path<String>,
    Form(f): Form<Fields>,
) -> Response {
    let req = NewActivity {
        company_id: id.clone(),
        kind: field(&f, "kind").to_string(),
        note: opt(&f, "note"),
        lead_id: None,
        occurred_at: None,
    };
    let back = super::client::back_to(&f, &format!("/companies/{id}"));
    let actor = v.actor.clone();
    match run(&s, move |app| app.log_activity(&actor, req)).await {
        Ok(_) => done(&back, v.tr("page-activity-logged")),
        Err(e) => again(&s, &v, &id, Posted::new("activity", f, &e)).await,
    }
}

async fn issue_invoice(
    State(s): State<AppState>,
    v: Viewer,
    Path(id): Path<String>,
    Form(f): Form<Fields>,
) -> Response {
    let amount = match typed_money(&f, "amount", "amount") {
        Ok(m) => m,
        Err(e) => return again(&s, &v, &id, Posted::new("invoice", f, &e)).await,
    };
    let req = NewInvoice {
        company_id: id.clone(),
        contract_id: opt(&f, "contract_id"),
        order_id: None,
        number: opt(&f, "number"),
        issued_on: opt(&f, "issued_on"),
        due_on: opt(&f, "due_on"),
        amount,
    };
    let actor = v.actor.clone();
    match run(&s, move |app| app.create_invoice(&actor, req)).await {
        Ok(inv) => done(
            &format!("/companies/{id}"),
            &format!(
                "{} {} {} {}, {} {}",
                v.tr("page-invoice"),
                inv.number,
                v.tr("page-for"),
                money(inv.amount),
                v.tr("page-due-on-2"),
                date_str(&inv.due_on)
            ),
        ),
        Err(e) => again(&s, &v, &id, Posted::new("invoice", f, &e)).await,
    }
}

async fn record_payment(
    State(s): State<AppState>,
    v: Viewer,
    Path(id): Path<String>,
    Form(f): Form<Fields>,
) -> Response {
    let amount = match typed_money(&f, "amount", "amount") {
        Ok(m) => m,
        Err(e) => return again(&s, &v, &id, Posted::new("payment", f, &e)).await,
    };
    let req = NewPayment {
        invoice_id: field(&f, "invoice_id").to_string(),
        paid_on: opt(&f, "paid_on"),
        amount,
    };
    let actor = v.actor.clone();
    match run(&s, move |app| app.record_payment(&actor, req)).await {
        Ok(r) => {
            let mut note = format!(
                "{} {} {} {}.",
                v.tr("page-payment-of"),
                money(r.payment.amount),
                v.tr("page-on"),
                date_str(&r.payment.paid_on)
            );
            if r.won.is_some() {
                note.push(' ');
                note.push_str(if r.reactivation {
                    v.tr("page-the-first-payment-after-a-break")
                } else {
                    v.tr("page-this-is-the-first-payment-the")
                });
            }
            if r.handover_due {
                note.push(' ');
                note.push_str(v.tr("page-time-to-hand-the-client-to"));
            }
            let back = super::client::back_to(&f, &format!("/companies/{id}"));
            done(&back, &note)
        }
        Err(e) => again(&s, &v, &id, Posted::new("payment", f, &e)).await,
    }
}

async fn create_order(
    State(s): State<AppState>,
    v: Viewer,
    Path(id): Path<String>,
    Form(f): Form<Fields>,
) -> Response {
    let amount = match typed_money(&f, "amount", "amount") {
        Ok(m) => m,
        Err(e) => return again(&s, &v, &id, Posted::new("order", f, &e)).await,
    };
    let req = NewOrder {
        company_id: id.clone(),
        contract_id: opt(&f, "contract_id"),
        delivery_month: field(&f, "delivery_month").to_string(),
        lines: vec![],
        amount: Some(amount),
    };
    let actor = v.actor.clone();
    match run(&s, move |app| app.create_order(&actor, req)).await {
        Ok(o) => done(
            &format!("/companies/{id}"),
            &format!(
                "{} {} {} {}",
                v.tr("page-order-for"),
                o.delivery_month,
                v.tr("page-recorded"),
                money(o.amount)
            ),
        ),
        Err(e) => again(&s, &v, &id, Posted::new("order", f, &e)).await,
    }
}

async fn handover(
    State(s): State<AppState>,
    v: Viewer,
    Path(id): Path<String>,
    Form(f): Form<Fields>,
) -> Response {
    let brief = f
        .iter()
        .filter_map(|(k, val)| {
            k.strip_prefix("brief.")
                .map(|k| (k.to_string(), val.clone()))
        })
        .collect();
    let req = HandoverRequest {
        brief,
        client_manager_id: opt(&f, "client_manager_id"),
    };
    let (actor, cid) = (v.actor.clone(), id.clone());
    let got = run(&s, move |app| {
        let h = app.hand_over(&actor, &cid, req)?;
        let who = app
            .employee(&h.receiver_id)
            .map(|e| e.name)
            .unwrap_or(h.receiver_id.clone());
        Ok((h, who))
    })
    .await;
    match got {
        Ok((h, who)) => done(
            &format!("/companies/{id}"),
            &format!(
                "{} {}. {} {}",
                v.tr("page-the-client-is-handed-to"),
                who,
                v.tr("page-kickoff-due-by"),
                date_str(&h.due_at)
            ),
        ),
        Err(e) => again(&s, &v, &id, Posted::new("handover", f, &e)).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_money_is_checked() {
        let f: Fields = vec![("amount".into(), "40 000,00".into())];
        assert_eq!(
            typed_money(&f, "amount", "amount").expect("ok").kopecks(),
            4_000_000
        );
        let f: Fields = vec![("amount".into(), "сорок".into())];
        let e = typed_money(&f, "amount", "amount").expect_err("bad");
        assert_eq!(e.field(), Some("amount"));
    }
}
