//! The client manager's workspace: the portfolio (last and next expected order, receivables by
//! bucket) and the overdue invoices with what to do about each.

use super::company::{Fields, all_pages, field, name_of, names};
use super::listing::{self, Cell, ListQuery, Listing, col};
use super::shell::{PageResult, Viewer, date_str, money, or_fail, page, run};
use crate::AppState;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::IntoResponse;
use axum::routing::get;
use baton_analytics::aging::days_overdue;
use baton_app::conveyor::companies::CompanyQuery;
use baton_app::conveyor::deals::InvoiceView;
use baton_app::rights::{Action, may};
use baton_domain::Money;
use baton_store::records::{Company, Order};
use chrono::{Datelike, NaiveDate};
use maud::html;
use serde::Deserialize;
use std::collections::BTreeMap;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/portfolio", get(portfolio))
        .route("/overdue", get(overdue))
}

/// Where a form posted from another page returns: its `back` field when it is a path on this
/// site, else `default`.
pub(crate) fn back_to(f: &Fields, default: &str) -> String {
    crate::security::safe_path(field(f, "back"))
        .unwrap_or(default)
        .to_string()
}

/// The receivables buckets of the aging report: not due, 0–30 (1–30 days past due), 31–60,
/// 61–90, 90+.
#[derive(Default, Clone, Copy)]
struct Buckets {
    not_due: Money,
    d0_30: Money,
    d31_60: Money,
    d61_90: Money,
    d90_plus: Money,
}

impl Buckets {
    fn add(&mut self, days: i64, m: Money) {
        match days {
            ..=0 => self.not_due += m,
            1..=30 => self.d0_30 += m,
            31..=60 => self.d31_60 += m,
            61..=90 => self.d61_90 += m,
            _ => self.d90_plus += m,
        }
    }
    fn total(&self) -> Money {
        self.not_due + self.d0_30 + self.d31_60 + self.d61_90 + self.d90_plus
    }
}

fn bucket_name(v: &Viewer, days: i64) -> &'static str {
    match days {
        ..=0 => v.tr("page-not-due"),
        1..=30 => "0–30",
        31..=60 => "31–60",
        61..=90 => "61–90",
        _ => "90+",
    }
}

fn month_index(d: NaiveDate) -> i32 {
    d.year() * 12 + d.month0() as i32
}

fn parse_month(m: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(&format!("{}-01", m.get(..7)?), "%Y-%m-%d").ok()
}

/// The next expected order of a client, from its order history.
///
/// Rule: take the distinct delivery months of its orders. With two or more, the usual interval
/// is the median gap (in months) between consecutive ones (the lower middle when the count of
/// gaps is even), and the next order is expected in the last delivery month plus that interval.
/// With fewer than two months there is no interval, and the answer is unknown ("—").
pub(crate) fn next_expected(orders: &[&Order]) -> Option<NaiveDate> {
    let mut months: Vec<i32> = orders
        .iter()
        .filter_map(|o| parse_month(&o.delivery_month))
        .map(month_index)
        .collect();
    months.sort_unstable();
    months.dedup();
    if months.len() < 2 {
        return None;
    }
    let mut gaps: Vec<i32> = months.windows(2).map(|w| w[1] - w[0]).collect();
    gaps.sort_unstable();
    let usual = gaps[(gaps.len() - 1) / 2];
    let next = months.last()? + usual;
    NaiveDate::from_ymd_opt(next.div_euclid(12), next.rem_euclid(12) as u32 + 1, 1)
}

#[derive(Deserialize, Default)]
pub struct PortfolioQ {
    cm: Option<String>,
}

/// Everything the two pages read, within the viewer's rights.
struct Book {
    companies: Vec<Company>,
    orders: Vec<Order>,
    invoices: Vec<InvoiceView>,
    names: BTreeMap<String, String>,
    today: NaiveDate,
}

async fn portfolio(
    State(s): State<AppState>,
    v: Viewer,
    Query(lq): Query<ListQuery>,
    Query(pq): Query<PortfolioQ>,
) -> PageResult {
    let l = v.lang;
    let heads = v.leads_department();
    if !v.serves() && !heads {
        return Err(super::shell::failure(
            l,
            &super::shell::refused("web-portfolio"),
        ));
    }
    let actor = v.actor.clone();
    // A client manager sees their own clients; a head sees the region's, filtered by one
    // client manager when chosen.
    let cm = if heads {
        pq.cm.clone().filter(|c| !c.is_empty())
    } else {
        Some(v.actor.id.clone())
    };
    let cm2 = cm.clone();
    let region = if v.actor.sees_all() {
        None
    } else {
        v.actor.region_id.clone()
    };
    let (book, cms) = or_fail(
        l,
        run(&s, move |app| {
            let companies: Vec<Company> = all_pages(20_000, |p| {
                app.companies(
                    &actor,
                    CompanyQuery {
                        client_manager_id: cm2.clone(),
                        ..Default::default()
                    },
                    p,
                )
            })?
            .into_iter()
            .filter(|c| c.client_manager_id.is_some())
            .collect();
            let orders = all_pages(50_000, |p| app.orders(&actor, None, p))?;
            let invoices = all_pages(50_000, |p| app.invoices(&actor, None, false, p))?;
            let cfg = app.config()?;
            let cms = if heads {
                super::record::data::client_managers(app, region.as_deref())?
            } else {
                vec![]
            };
            Ok((
                Book {
                    companies,
                    orders,
                    invoices,
                    names: names(app, &actor)?,
                    today: app.today(&cfg),
                },
                cms,
            ))
        })
        .await,
    )?;
    let mut orders_of: BTreeMap<&str, Vec<&Order>> = BTreeMap::new();
    for o in &book.orders {
        orders_of.entry(o.company_id.as_str()).or_default().push(o);
    }
    let mut owed: BTreeMap<&str, Buckets> = BTreeMap::new();
    for i in book.invoices.iter().filter(|i| i.outstanding.is_positive()) {
        let due = NaiveDate::parse_from_str(&i.invoice.due_on, "%Y-%m-%d").unwrap_or(book.today);
        owed.entry(i.invoice.company_id.as_str())
            .or_default()
            .add(days_overdue(due, book.today), i.outstanding);
    }
    let this_month = month_index(book.today);
    let mut total = Buckets::default();
    let rows: Vec<Vec<Cell>> = book
        .companies
        .iter()
        .map(|c| {
            let mine = orders_of.get(c.id.as_str()).cloned().unwrap_or_default();
            let last = mine
                .iter()
                .max_by(|a, b| (&a.created_at, &a.delivery_month).cmp(&(&b.created_at, &b.delivery_month)));
            let next = next_expected(&mine);
            let b = owed.get(c.id.as_str()).copied().unwrap_or_default();
            total.not_due += b.not_due;
            total.d0_30 += b.d0_30;
            total.d31_60 += b.d31_60;
            total.d61_90 += b.d61_90;
            total.d90_plus += b.d90_plus;
            let next_cell = match next {
                Some(d) => {
                    let shown = d.format("%m.%Y").to_string();
                    let late = month_index(d) < this_month;
                    Cell::Html(
                        html! {
                            @if late { span.badge.warn title=(l.tr("page-was-expected-earlier-call-the-client")) { (shown) } }
                            @else { (shown) }
                        },
                        d.format("%Y-%m").to_string(),
                    )
                }
                None => Cell::Text("—".into()),
            };
            let mut row = vec![
                Cell::Link(format!("/companies/{}", c.id), c.name.clone()),
            ];
            if heads {
                row.push(Cell::Text(
                    c.client_manager_id.as_deref().map(|id| name_of(&book.names, id)).unwrap_or_default(),
                ));
            }
            row.extend([
                Cell::Date(last.map(|o| o.created_at.clone()).unwrap_or_default()),
                match last {
                    Some(o) => Cell::Money(o.amount),
                    None => Cell::Text("—".into()),
                },
                next_cell,
                Cell::Money(b.not_due),
                Cell::Money(b.d0_30),
                Cell::Money(b.d31_60),
                Cell::Money(b.d61_90),
                Cell::Money(b.d90_plus),
                Cell::Money(b.total()),
            ]);
            row
        })
        .collect();
    let mut columns = vec![col("company", l.tr("page-client"))];
    if heads {
        columns.push(col("cm", l.tr("page-client-manager")));
    }
    columns.extend([
        col("last_order", l.tr("page-last-order")),
        col("last_amount", l.tr("page-order-amount")),
        col("next_order", l.tr("page-next-order-expected")),
        col("not_due", l.tr("page-not-due-2")),
        col("d0_30", "0–30"),
        col("d31_60", "31–60"),
        col("d61_90", "61–90"),
        col("d90", "90+"),
        col("outstanding", l.tr("page-total-outstanding")),
    ]);
    let filters = heads.then(|| {
        html! {
            label { span { (l.tr("page-client-manager-2")) }
                select name="cm" id="portfolio-cm" {
                    option value="" { (l.tr("page-all")) }
                    @for p in &cms {
                        option value=(p.id) selected[cm.as_deref() == Some(p.id.as_str())] { (p.name) }
                    }
                }
            }
        }
    });
    let list = listing::show(
        l,
        &v.here,
        &lq,
        Listing {
            name: "portfolio",
            columns,
            rows,
            filters,
            default_sort: Some(("outstanding", true)),
        },
    )?;
    let overdue_total = total.total() - total.not_due;
    let body = html! {
        div.kpis {
            div.kpi { span.muted { (l.tr("page-clients")) } strong id="portfolio-clients" { (book.companies.len()) } }
            div.kpi { span.muted { (l.tr("page-outstanding-in-total")) } strong id="portfolio-outstanding" { (money(total.total())) } }
            div.kpi { span.muted { (l.tr("page-of-it-overdue")) }
                @if overdue_total.is_positive() { strong.bad id="portfolio-overdue" { (money(overdue_total)) } }
                @else { strong id="portfolio-overdue" { (money(overdue_total)) } } }
        }
        @if may(&v.actor, Action::MoveClients) {
            p { a href={ "/portfolio/move" @if let Some(c) = &cm { "?from=" (c) } } id="portfolio-move" {
                (l.tr("page-move-clients-to-another-manager"))
            } }
        }
        p.muted { (l.tr("page-next-order-the-last-delivery-month")) }
        (list)
    };
    Ok(page(&v, l.tr("page-client-portfolio"), body).into_response())
}

async fn overdue(State(s): State<AppState>, v: Viewer, Query(lq): Query<ListQuery>) -> PageResult {
    let l = v.lang;
    if !may(&v.actor, Action::ReadFinance) {
        return Err(super::shell::failure(
            l,
            &super::shell::refused("web-finance"),
        ));
    }
    let actor = v.actor.clone();
    let (invoices, companies, phones, today, cm_names) = or_fail(
        l,
        run(&s, move |app| {
            let invoices = all_pages(50_000, |p| app.invoices(&actor, None, true, p))?;
            let mut companies: BTreeMap<String, Company> = BTreeMap::new();
            let mut phones: BTreeMap<String, (String, String)> = BTreeMap::new();
            for i in &invoices {
                if companies.contains_key(&i.invoice.company_id) {
                    continue;
                }
                let card = app.company_card(&actor, &i.invoice.company_id)?;
                // The decision maker's phone first, else any contact's.
                let best = card
                    .contacts
                    .iter()
                    .filter(|c| c.phone.is_some())
                    .max_by_key(|c| c.is_dm);
                if let Some(c) = best {
                    phones.insert(
                        card.company.id.clone(),
                        (c.phone.clone().unwrap_or_default(), c.name.clone()),
                    );
                }
                companies.insert(card.company.id.clone(), card.company);
            }
            let cfg = app.config()?;
            Ok((
                invoices,
                companies,
                phones,
                app.today(&cfg),
                names(app, &actor)?,
            ))
        })
        .await,
    )?;
    let logs = may(&v.actor, Action::LogCall);
    let heads = v.leads_department() || v.has(baton_domain::Role::Accountant);
    let mut total = Money::ZERO;
    let rows: Vec<Vec<Cell>> = invoices
        .iter()
        .map(|i| {
            let inv = &i.invoice;
            let due = NaiveDate::parse_from_str(&inv.due_on, "%Y-%m-%d").unwrap_or(today);
            let days = days_overdue(due, today);
            total += i.outstanding;
            let company = companies.get(&inv.company_id);
            let cname = company.map_or_else(|| inv.company_id.clone(), |c| c.name.clone());
            let card = format!("/companies/{}", inv.company_id);
            let phone = phones.get(&inv.company_id);
            let bucket = bucket_name(&v, days);
            let bucket_class = if days > 60 { "badge bad" } else { "badge warn" };
            let mut row = vec![
                Cell::Link(card.clone(), cname),
                Cell::Link(format!("/records/invoices/{}", inv.id), inv.number.clone()),
                Cell::Date(inv.due_on.clone()),
                Cell::Count(days),
                Cell::Html(html! { span class=(bucket_class) { (bucket) } }, bucket.to_string()),
                Cell::Money(i.outstanding),
                match phone {
                    Some((p, who)) => Cell::Html(
                        html! { a href=(format!("tel:{p}")) { (p) } br; span.muted { (who) } },
                        format!("{p} {who}"),
                    ),
                    None => Cell::Text("—".into()),
                },
            ];
            if heads {
                row.push(Cell::Text(
                    company
                        .and_then(|c| c.client_manager_id.as_deref())
                        .map(|id| name_of(&cm_names, id))
                        .unwrap_or_else(|| "—".into()),
                ));
            }
            let reminder = format!(
                "{} {} ({})",
                l.tr("page-payment-reminder-for-invoice"),
                inv.number,
                money(i.outstanding)
            );
            row.push(Cell::Html(
                html! {
                    div.actions {
                        a.button href=(format!("{card}#record-payment")) id=(format!("pay-{}", inv.id)) { (l.tr("page-record-a-payment")) }
                        @if logs {
                            form.inline method="post" action=(format!("{card}/activities")) {
                                input type="hidden" name="back" value="/overdue";
                                label { span.sr { (l.tr("page-what")) }
                                    select name="kind" {
                                        option value="note" { (l.tr("page-reminder-call")) }
                                        option value="email" { (l.tr("page-e-mail")) }
                                        option value="meeting" { (l.tr("page-meeting")) }
                                    }
                                }
                                label { span.sr { (l.tr("page-note")) }
                                    input name="note" value=(reminder); }
                                button.secondary type="submit" id=(format!("remind-{}", inv.id)) { (l.tr("page-log")) }
                            }
                        }
                    }
                },
                String::new(),
            ));
            row
        })
        .collect();
    let mut columns = vec![
        col("company", l.tr("page-client")),
        col("invoice", l.tr("page-invoice")),
        col("due", l.tr("page-due-on")),
        col("days", l.tr("page-days-overdue")),
        col("bucket", l.tr("page-bucket")),
        col("outstanding", l.tr("page-outstanding")),
        col("phone", l.tr("page-phone")),
    ];
    if heads {
        columns.push(col("cm", l.tr("page-client-manager")));
    }
    columns.push(col("actions", l.tr("page-actions")));
    let list = listing::show(
        l,
        "/overdue",
        &lq,
        Listing {
            name: "overdue",
            columns,
            rows,
            filters: None,
            default_sort: Some(("days", true)),
        },
    )?;
    let body = html! {
        div.kpis {
            div.kpi { span.muted { (l.tr("page-overdue-invoices")) } strong id="overdue-count" { (invoices.len()) } }
            div.kpi { span.muted { (l.tr("page-overdue-amount")) } strong.bad id="overdue-total" { (money(total)) } }
            div.kpi { span.muted { (l.tr("page-as-of")) } strong { (date_str(&today.to_string())) } }
        }
        (list)
    };
    Ok(page(&v, l.tr("page-overdue-invoices-2"), body).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(month: &str) -> Order {
        Order {
            id: month.into(),
            company_id: "c".into(),
            contract_id: None,
            delivery_month: month.into(),
            amount: Money::from_rubles(1),
            created_by: "u".into(),
            created_at: format!("{month}-01T00:00:00Z"),
        }
    }

    #[test]
    fn next_order_is_last_month_plus_the_usual_gap() {
        let os = [
            order("2026-01"),
            order("2026-03"),
            order("2026-05"),
            order("2026-08"),
        ];
        let refs: Vec<&Order> = os.iter().collect();
        // gaps 2, 2, 3 → median 2 → 2026-08 + 2 = 2026-10
        assert_eq!(next_expected(&refs), NaiveDate::from_ymd_opt(2026, 10, 1));
        let os = [order("2026-11"), order("2026-12")];
        let refs: Vec<&Order> = os.iter().collect();
        assert_eq!(next_expected(&refs), NaiveDate::from_ymd_opt(2027, 1, 1));
        let one = [order("2026-11")];
        let refs: Vec<&Order> = one.iter().collect();
        assert_eq!(next_expected(&refs), None);
    }
}
