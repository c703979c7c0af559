//! The drill-down of a record a pay-statement line points to (`/records/<kind>/<id>`): a
//! payment, an invoice, a contract, a handoff … with the same rights as the lists it comes from.

use super::company::{activity_kind, handoff_kind, handoff_status, name_of};
use super::shell::{PageResult, Viewer, date_str, money, or_fail, page, run};
use crate::AppState;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect};
use axum::routing::get;
use data::{RecordBody, RecordCard};
use maud::{Markup, html};
use std::collections::BTreeMap;

pub fn routes() -> Router<AppState> {
    Router::new().route("/records/{kind}/{id}", get(record))
}
async fn record(
    State(s): State<AppState>,
    v: Viewer,
    Path((kind, id)): Path<(String, String)>,
) -> PageResult {
    match kind.as_str() {
        "companies" => {
            return Ok(
                Redirect::to(&format!("/companies/{}", super::shell::urlencode(&id)))
                    .into_response(),
            );
        }
        "pay_periods" => return Ok(Redirect::to("/payroll").into_response()),
        _ => {}
    }
    let actor = v.actor.clone();
    let (r, cfg): (RecordCard, baton_domain::ConveyorConfig) = or_fail(
        v.lang,
        run(&s, move |app| {
            Ok((data::record(app, &actor, &kind, &id)?, app.config()?))
        })
        .await,
    )?;
    let l = v.lang;
    // The checklist's and the brief's items by key, as the company named them.
    let labels: BTreeMap<String, String> = cfg
        .warm_lead_checklist
        .iter()
        .chain(cfg.handover_brief.iter())
        .map(|i| (i.key.clone(), l.t(&i.label_ru, &i.label_en).to_string()))
        .collect();
    let n = |id: &str| name_of(&r.people, id);
    let mut rows: Vec<(&str, Markup)> = Vec::new();
    let text = |s: &str| html! { (s) };
    let title;
    match &r.body {
        RecordBody::Payment {
            payment: p,
            invoice,
        } => {
            title = format!("{} {}", l.tr("page-payment"), money(p.amount));
            rows.push((l.tr("page-paid-on"), text(&date_str(&p.paid_on))));
            rows.push((l.tr("page-amount"), text(&money(p.amount))));
            rows.push((l.tr("page-invoice"), html! { a href=(format!("/records/invoices/{}", invoice.id)) { (invoice.number) } " " (l.tr("page-for")) " " (money(invoice.amount)) }));
            if let Some(cm) = &p.client_manager_id {
                rows.push((l.tr("page-client-manager-at-payment"), text(&n(cm))));
            }
            if p.credit_note_id.is_some() {
                rows.push((
                    l.tr("page-kind"),
                    text(l.tr("page-refund-against-a-credit-note")),
                ));
            }
            rows.push((l.tr("page-recorded-by"), text(&n(&p.created_by))));
            rows.push((l.tr("page-recorded-at"), text(&date_str(&p.created_at))));
        }
        RecordBody::Invoice(i) => {
            title = format!("{} {}", l.tr("page-invoice"), i.invoice.number);
            rows.push((l.tr("page-number"), text(&i.invoice.number)));
            rows.push((
                l.tr("page-issued-on-2"),
                text(&date_str(&i.invoice.issued_on)),
            ));
            rows.push((l.tr("page-due-on"), text(&date_str(&i.invoice.due_on))));
            rows.push((l.tr("page-amount"), text(&money(i.invoice.amount))));
            rows.push((l.tr("page-paid"), text(&money(i.paid))));
            if i.credited.is_positive() {
                rows.push((l.tr("page-credited-2"), text(&money(i.credited))));
            }
            rows.push((
                l.tr("page-outstanding"),
                html! { span id="record-outstanding" { (money(i.outstanding)) } },
            ));
            if let Some(sd) = &i.invoice.settled_on {
                rows.push((l.tr("page-settled-on"), text(&date_str(sd))));
            }
            if let Some(c) = &i.invoice.contract_id {
                rows.push((
                    l.tr("page-contract"),
                    html! { a href=(format!("/records/contracts/{c}")) { (l.tr("page-open")) } },
                ));
            }
            rows.push((l.tr("page-issued-by"), text(&n(&i.invoice.created_by))));
        }
        RecordBody::Contract(k) => {
            title = format!("{} {}", l.tr("page-contract"), k.number);
            rows.push((l.tr("page-number"), text(&k.number)));
            rows.push((l.tr("page-signed-on"), text(&date_str(&k.signed_on))));
            rows.push((l.tr("page-signed-by"), text(&n(&k.signed_by))));
            rows.push((l.tr("page-amount"), text(&money(k.amount))));
            let kind = match k.win_kind.as_deref() {
                Some("reactivation") => l.tr("page-reactivation"),
                Some(_) => l.tr("page-new-client"),
                None => l.tr("page-repeat-sale"),
            };
            rows.push((l.tr("page-deal-kind"), text(kind)));
            rows.push((
                l.tr("page-won-on-2"),
                text(
                    &k.won_on
                        .as_deref()
                        .map(date_str)
                        .unwrap_or_else(|| "—".into()),
                ),
            ));
            if let Some(lead) = k.lead_id.as_ref().filter(|_| r.lead_visible) {
                rows.push((
                    l.tr("page-lead"),
                    html! { a href=(format!("/records/leads/{lead}")) { (l.tr("page-open")) } },
                ));
            }
        }
        RecordBody::Order(o) => {
            title = format!("{} {}", l.tr("page-order-for"), o.delivery_month);
            rows.push((l.tr("page-delivery-month"), text(&o.delivery_month)));
            rows.push((l.tr("page-amount"), text(&money(o.amount))));
            if let Some(c) = &o.contract_id {
                rows.push((
                    l.tr("page-contract"),
                    html! { a href=(format!("/records/contracts/{c}")) { (l.tr("page-open")) } },
                ));
            }
            rows.push((l.tr("page-entered-by"), text(&n(&o.created_by))));
            rows.push((l.tr("page-created-2"), text(&date_str(&o.created_at))));
        }
        RecordBody::Handoff(h) => {
            title = format!("{} {}", l.tr("page-handoff"), handoff_kind(&v, &h.kind));
            rows.push((l.tr("page-kind"), text(&handoff_kind(&v, &h.kind))));
            rows.push((l.tr("page-from-2"), text(&n(&h.sender_id))));
            rows.push((l.tr("page-to"), text(&n(&h.receiver_id))));
            rows.push((
                l.tr("page-rule-2"),
                text(&baton_catalog::term(
                    l,
                    "rule",
                    h.rule.trim_end_matches("_portfolio"),
                )),
            ));
            rows.push((
                l.tr("page-why-this-receiver"),
                text(&super::shell::handoff_why(l, h)),
            ));
            rows.push((l.tr("page-created"), text(&date_str(&h.created_at))));
            rows.push((l.tr("page-due-3"), text(&date_str(&h.due_at))));
            rows.push((l.tr("page-status"), handoff_status(&v, &h.status)));
            if let Some(d) = &h.decided_at {
                rows.push((l.tr("page-decided-at"), text(&date_str(d))));
            }
            if let Some(r) = h.reason_text.clone().or(h
                .reason
                .as_deref()
                .map(|c| baton_catalog::term(l, "reason", c)))
            {
                rows.push((l.tr("page-reason"), text(&r)));
            }
            if let Some(lead) = h.lead_id.as_ref().filter(|_| r.lead_visible) {
                rows.push((
                    l.tr("page-lead"),
                    html! { a href=(format!("/records/leads/{lead}")) { (l.tr("page-open")) } },
                ));
            }
            let snap = h.snapshot.value();
            if let Some(obj) = snap.as_object().filter(|o| !o.is_empty()) {
                rows.push((l.tr("page-what-was-handed-over"), html! {
                    dl { @for (k, val) in obj { dt { (labels.get(k).cloned().unwrap_or_else(|| k.clone())) } dd { (val.as_str().map_or_else(|| val.to_string(), str::to_string)) } } }
                }));
            }
        }
        RecordBody::Lead(ld) => {
            title = format!("{} · {}", l.tr("page-lead"), r.company.name);
            rows.push((
                l.tr("page-stage"),
                text(&baton_catalog::term(l, "stage", &ld.stage)),
            ));
            rows.push((l.tr("page-owner"), text(&n(&ld.owner_id))));
            if let Some(c) = &ld.caller_id {
                rows.push((l.tr("page-found-by"), text(&n(c))));
            }
            if let Some(sid) = &ld.seller_id {
                rows.push((l.tr("page-sales-manager"), text(&n(sid))));
            }
            rows.push((
                l.tr("page-source"),
                text(&baton_catalog::term(l, "source", &ld.source)),
            ));
            if let Some(a) = ld.amount {
                rows.push((l.tr("page-deal-amount"), text(&money(a))));
            }
            if let Some(x) = &ld.lost_reason {
                rows.push((
                    l.tr("page-lost-because"),
                    text(&baton_catalog::term(l, "reason", x)),
                ));
            }
            rows.push((l.tr("page-created-2"), text(&date_str(&ld.created_at))));
            rows.push((l.tr("page-updated"), text(&date_str(&ld.updated_at))));
        }
        RecordBody::Activity(a) => {
            title = format!(
                "{} {}",
                activity_kind(&v, &a.kind),
                date_str(&a.occurred_at)
            );
            rows.push((l.tr("page-what"), text(&activity_kind(&v, &a.kind))));
            rows.push((l.tr("page-when"), text(&date_str(&a.occurred_at))));
            rows.push((l.tr("page-who"), text(&n(&a.actor_id))));
            if let Some(o) = &a.outcome {
                rows.push((
                    l.tr("page-outcome"),
                    text(&baton_catalog::term(l, "outcome", o)),
                ));
            }
            if a.duration_sec > 0 {
                rows.push((l.tr("page-duration-s"), text(&a.duration_sec.to_string())));
            }
            if let Some(x) = &a.note {
                rows.push((l.tr("page-note"), text(x)));
            }
        }
    }
    let body = html! {
        section.card {
            dl id="record-fields" {
                dt { (l.tr("page-company")) }
                dd { a id="record-company" href=(format!("/companies/{}", r.company.id)) { (r.company.name) } " " span.muted { (l.tr("page-inn")) " " (r.company.inn) } }
                @for (k, val) in &rows { dt { (k) } dd { (val) } }
            }
        }
        p { a href="/money" { "← " (l.tr("page-my-money")) } }
    };
    Ok(page(&v, &title, body).into_response())
}

pub mod data {
    //! (Data for the pages below.) One record by its kind and id, for the drill-down from a pay-statement line
    //! (`payments/<id>`, `invoices/<id>`, …), with the same rights as the lists it comes from;
    //! and the client managers a client can be handed to (names only, as everyone sees colleagues).

    use baton_app::conveyor::deals::InvoiceView;
    use baton_app::rights::{Actor, Scope, company_scope, lead_scope, money_scope};
    use baton_app::{App, AppError, AppResult, Paging};
    use baton_domain::Money;
    use baton_domain::Role;
    use baton_domain::role::{RoleAssignment, roles_on};
    use baton_store::records::{
        Activity, Company, Contract, Employee, Handoff, Invoice, LeadRow, Order, Payment,
        RoleAssignmentRow,
    };
    use baton_store::{Filter, Record, Tx};

    /// Loads a record the actor may see (the same scope rule as the use cases).
    fn visible<R: Record>(tx: &mut Tx<'_>, scope: &Scope, id: &str, entity: &str) -> AppResult<R> {
        let (cond, vals) = scope.sql();
        let f = Filter::new().eq("id", id).raw(cond, vals);
        tx.list::<R>(&f)?
            .into_iter()
            .next()
            .ok_or_else(|| AppError::not_found(entity, id))
    }
    use serde::Serialize;
    use std::collections::BTreeMap;

    #[derive(Debug, Clone, Serialize)]
    #[serde(tag = "kind", content = "record", rename_all = "snake_case")]
    pub enum RecordBody {
        Payment { payment: Payment, invoice: Invoice },
        Invoice(InvoiceView),
        Contract(Contract),
        Order(Order),
        Handoff(Handoff),
        Lead(LeadRow),
        Activity(Activity),
    }

    #[derive(Debug, Clone, Serialize)]
    pub struct RecordCard {
        pub body: RecordBody,
        pub company: Company,
        /// Names of the people the record mentions, by id.
        pub people: BTreeMap<String, String>,
        /// Whether the reader may open the lead the record links to (an accountant sees the
        /// contract, not the lead).
        pub lead_visible: bool,
    }

    #[derive(Debug, Clone, Serialize)]
    pub struct Colleague {
        pub id: String,
        pub name: String,
    }

    /// A record the actor may not see is refused (403) when it exists, and not found when it does not.
    fn seen<R: Record>(tx: &mut Tx<'_>, scope: &Scope, id: &str, entity: &str) -> AppResult<R> {
        match visible::<R>(tx, scope, id, entity) {
            Ok(r) => Ok(r),
            Err(AppError::NotFound { .. }) if tx.get::<R>(id)?.is_some() => Err(
                AppError::Forbidden(baton_catalog::Text::new("err-forbidden").text(
                    "action",
                    baton_catalog::Text::new("act-web-see").text(
                        "entity",
                        baton_catalog::Text::new(format!("entity-{entity}")),
                    ),
                )),
            ),
            Err(e) => Err(e),
        }
    }

    /// `kind` is the plural table name a statement source uses: payments, invoices, contracts,
    /// orders, handoffs, leads, activities.
    pub fn record(app: &App, actor: &Actor, kind: &str, id: &str) -> AppResult<RecordCard> {
        let card = app.db.read(|tx| {
            let money = money_scope(actor);
            let (body, company_id) = match kind {
                "payments" => {
                    let p: Payment = seen(tx, &money, id, "payment")?;
                    let inv: Invoice = tx.must(&p.invoice_id)?;
                    let c = p.company_id.clone();
                    (
                        RecordBody::Payment {
                            payment: p,
                            invoice: inv,
                        },
                        c,
                    )
                }
                "invoices" => {
                    let inv: Invoice = seen(tx, &money, id, "invoice")?;
                    let c = inv.company_id.clone();
                    // The balance is filled in below by the invoices use case.
                    let v = InvoiceView {
                        invoice: inv,
                        credited: Money::ZERO,
                        paid: Money::ZERO,
                        outstanding: Money::ZERO,
                    };
                    (RecordBody::Invoice(v), c)
                }
                "contracts" => {
                    let r: Contract = seen(tx, &money, id, "contract")?;
                    let c = r.company_id.clone();
                    (RecordBody::Contract(r), c)
                }
                "orders" => {
                    let r: Order = seen(tx, &money, id, "order")?;
                    let c = r.company_id.clone();
                    (RecordBody::Order(r), c)
                }
                "leads" => {
                    let r: LeadRow = seen(tx, &lead_scope(actor), id, "lead")?;
                    let c = r.company_id.clone();
                    (RecordBody::Lead(r), c)
                }
                "handoffs" => {
                    let h: Handoff = tx
                        .get(id)?
                        .ok_or_else(|| AppError::not_found("handoff", id))?;
                    let mine = h.sender_id == actor.id || h.receiver_id == actor.id;
                    if !mine {
                        let _: Company = seen(tx, &company_scope(actor), &h.company_id, "company")?;
                    }
                    let c = h.company_id.clone();
                    (RecordBody::Handoff(h), c)
                }
                "activities" => {
                    let a: Activity = tx
                        .get(id)?
                        .ok_or_else(|| AppError::not_found("activity", id))?;
                    if a.actor_id != actor.id {
                        let _: Company = seen(tx, &company_scope(actor), &a.company_id, "company")?;
                    }
                    let c = a.company_id.clone();
                    (RecordBody::Activity(a), c)
                }
                other => return Err(AppError::not_found("record kind", other)),
            };
            let company: Company = tx.must(&company_id)?;
            let mut ids: Vec<String> = Vec::new();
            match &body {
                RecordBody::Payment { payment, .. } => {
                    ids.push(payment.created_by.clone());
                    ids.extend(payment.client_manager_id.clone());
                }
                RecordBody::Invoice(v) => ids.push(v.invoice.created_by.clone()),
                RecordBody::Contract(c) => ids.push(c.signed_by.clone()),
                RecordBody::Order(o) => ids.push(o.created_by.clone()),
                RecordBody::Handoff(h) => {
                    ids.push(h.sender_id.clone());
                    ids.push(h.receiver_id.clone());
                }
                RecordBody::Lead(l) => {
                    ids.push(l.owner_id.clone());
                    ids.extend(l.caller_id.clone());
                    ids.extend(l.seller_id.clone());
                }
                RecordBody::Activity(a) => ids.push(a.actor_id.clone()),
            }
            ids.extend(company.client_manager_id.clone());
            ids.extend(company.att_caller_id.clone());
            ids.extend(company.att_seller_id.clone());
            let mut people = BTreeMap::new();
            for pid in ids {
                if let Some(e) = tx.get::<Employee>(&pid)? {
                    people.insert(pid, e.name);
                }
            }
            let lead = match &body {
                RecordBody::Contract(c) => c.lead_id.clone(),
                RecordBody::Handoff(h) => h.lead_id.clone(),
                _ => None,
            };
            let lead_visible = match lead {
                Some(id) => visible::<LeadRow>(tx, &lead_scope(actor), &id, "lead").is_ok(),
                None => false,
            };
            Ok::<_, AppError>(RecordCard {
                body,
                company,
                people,
                lead_visible,
            })
        })?;
        let mut card = card;
        if let RecordBody::Invoice(v) = &mut card.body {
            let views = crate::pages::company::all_pages(10_000, |p: Paging| {
                app.invoices(actor, Some(&v.invoice.company_id), false, p)
            })?;
            if let Some(found) = views.into_iter().find(|x| x.invoice.id == v.invoice.id) {
                *v = found;
            }
        }
        Ok(card)
    }

    /// The people who hold the client-manager role today in `region_id` (every region when
    /// none), by name: the choice offered when a client is handed over.
    pub fn client_managers(app: &App, region_id: Option<&str>) -> AppResult<Vec<Colleague>> {
        let cfg = app.config()?;
        let today = app.today(&cfg);
        app.db.read(|tx| {
            let mut f = Filter::new().eq("active", 1i64).order("name", false);
            if let Some(r) = region_id {
                f = f.eq("region_id", r.to_string());
            }
            let emps = tx.list::<Employee>(&f)?;
            let rows = tx.list::<RoleAssignmentRow>(&Filter::new().eq("role", "client_manager"))?;
            Ok(emps
                .into_iter()
                .filter(|e| {
                    let ras: Vec<RoleAssignment> = rows
                        .iter()
                        .filter(|r| r.employee_id == e.id)
                        .filter_map(|r| {
                            Some(RoleAssignment {
                                role: Role::parse(&r.role)?,
                                region_id: r.region_id.clone(),
                                from: r.valid_from.parse().ok()?,
                                to: r.valid_to.as_deref().and_then(|t| t.parse().ok()),
                            })
                        })
                        .collect();
                    roles_on(&ras, today).contains(&Role::ClientManager)
                })
                .map(|e| Colleague {
                    id: e.id,
                    name: e.name,
                })
                .collect())
        })
    }
}
