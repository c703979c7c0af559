//! The head's dashboard (funnel, caller × sales-manager matrix with the weak-link diagnosis,
//! plan against fact, cost per client, receivables aging, retention) and the alerts with their
//! acknowledgement. Every figure comes from the same `App` report methods as `/api/reports/…`,
//! with the same rights: a head sees their region, the director and the admin every region.
// A page's error is the error page itself (a `Response`), as everywhere in `pages`.
#![allow(clippy::result_large_err)]

use super::chart::{self, HBar, HeatCell, Stack};
use super::listing::{self, Cell, ListQuery, Listing, col};
use super::memo;
use super::shell::{
    Lang, PageResult, Viewer, count, done, failure, form_error, message, money, or_fail, page,
    percent, run,
};
use super::start::to_money;
use crate::AppState;
use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use baton_analytics::aging::{AgingRow, Buckets};
use baton_analytics::diagnosis::{Role as DRole, Verdict as DVerdict};
use baton_analytics::funnel::Funnel;
use baton_analytics::plan_fact::Kind;
use baton_app::insight::aging::AgingReport;
use baton_app::insight::costs::CostReport;
use baton_app::insight::funnel::{FunnelReport, FunnelSlice};
use baton_app::insight::matrix::MatrixReport;
use baton_app::insight::plan_fact::PlanFactReport;
use baton_app::insight::retention::RetentionView;
use baton_domain::Money;
use baton_store::records::Region;
use chrono::{Datelike, NaiveDate};
use maud::{Markup, html};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/dashboard", get(dashboard_q))
        .route("/dashboard/{period}/{region}", get(dashboard_path))
        .route("/alerts", get(alerts))
        .route("/alerts/ack", post(ack))
}

#[derive(Debug, Default, Deserialize)]
pub struct DashQ {
    pub period: Option<String>,
    pub region: Option<String>,
    #[serde(flatten)]
    pub list: ListQuery,
}

/// The matrix's and the diagnosis's window, `?from=YYYY-MM&to=YYYY-MM` (default: the last six
/// complete months and the current one).
#[derive(Debug, Default, Clone, Deserialize)]
pub struct WindowQ {
    pub from: Option<String>,
    pub to: Option<String>,
}

/// How many complete months before the current one the default window holds.
const WINDOW_MONTHS: u32 = 6;

/// The dashboard of `?period=YYYY-MM&region=CODE` (default: the last complete month, the
/// viewer's region or all).
async fn dashboard_q(
    s: State<AppState>,
    v: Viewer,
    Query(q): Query<DashQ>,
    Query(w): Query<WindowQ>,
) -> PageResult {
    let period = q.period.clone().filter(|p| !p.trim().is_empty());
    let region = q.region.clone().filter(|p| !p.trim().is_empty());
    let key = memo::key(&v);
    let state = s.0.clone();
    memo::remembered(&state, key, dashboard(s, v, period, region, w, q.list)).await
}

/// The same at `/dashboard/YYYY-MM/CODE` (`all` for every region): the path the plan-fact
/// list's sort and page links keep.
async fn dashboard_path(
    s: State<AppState>,
    v: Viewer,
    Path((period, region)): Path<(String, String)>,
    Query(list): Query<ListQuery>,
    Query(w): Query<WindowQ>,
) -> PageResult {
    let region = Some(region).filter(|r| r != "all" && !r.is_empty());
    let key = memo::key(&v);
    let state = s.0.clone();
    memo::remembered(&state, key, dashboard(s, v, Some(period), region, w, list)).await
}

/// Everything the dashboard shows, computed by the report methods.
struct Data {
    period: String,
    region: Option<String>,
    regions: Vec<Region>,
    funnel: FunnelReport,
    matrix: MatrixReport,
    plan_fact: PlanFactReport,
    costs: CostReport,
    aging: AgingReport,
    retention: RetentionView,
    /// The latest split on or before the month's end (the department's shape since then).
    change: Option<baton_app::conveyor::split::DepartmentChange>,
    first: NaiveDate,
    /// The matrix's window (months).
    from: String,
    to: String,
}

/// The month before the one `today` is in.
fn last_complete_month(today: NaiveDate) -> String {
    let (y, m) = if today.month() == 1 {
        (today.year() - 1, 12)
    } else {
        (today.year(), today.month() - 1)
    };
    format!("{y:04}-{m:02}")
}

fn forbidden_unless_leading(v: &Viewer) -> Result<(), Response> {
    if v.leads_department() {
        Ok(())
    } else {
        Err(failure(v.lang, &super::shell::refused("web-reports")))
    }
}

async fn dashboard(
    State(s): State<AppState>,
    v: Viewer,
    period: Option<String>,
    region: Option<String>,
    window: WindowQ,
    list: ListQuery,
) -> PageResult {
    forbidden_unless_leading(&v)?;
    let from = window.from.clone().filter(|p| !p.trim().is_empty());
    let to = window.to.clone().filter(|p| !p.trim().is_empty());
    let wrong = [
        ("period", period.as_deref()),
        ("from", from.as_deref()),
        ("to", to.as_deref()),
    ]
    .into_iter()
    .find_map(|(field, m)| m.and_then(|m| baton_app::payroll::month_bounds(field, m).err()));
    if let Some(e) = wrong {
        let sees_all = v.actor.sees_all();
        let regions = or_fail(
            v.lang,
            run(&s, move |app| {
                if sees_all {
                    app.regions()
                } else {
                    Ok(Vec::new())
                }
            })
            .await,
        )?;
        let l = v.lang;
        let shown = period.clone().unwrap_or_default();
        let body = filter_form(l, &shown, &regions, region.as_deref(), Some(&message(&e)));
        return Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            page(&v, l.tr("page-head-s-dashboard"), body),
        )
            .into_response());
    }
    let actor = v.actor.clone();
    let data = or_fail(
        v.lang,
        run(&s, move |app| {
            let a = Some(&actor);
            let cfg = app.config()?;
            let today = app.today(&cfg);
            let period = period.unwrap_or_else(|| last_complete_month(today));
            let (first, last) = baton_app::payroll::month_bounds("period", &period)?;
            let to = to.unwrap_or_else(|| baton_app::payroll::period_of(today));
            let from = from.unwrap_or_else(|| {
                let (start, _) =
                    baton_app::payroll::month_bounds("to", &to).unwrap_or((today, today));
                baton_app::payroll::period_of(
                    start
                        .checked_sub_months(chrono::Months::new(WINDOW_MONTHS))
                        .unwrap_or(start),
                )
            });
            let change = app
                .department_changes(&actor, region.as_deref())?
                .into_iter()
                .rfind(|c| c.on <= last);
            let funnel = app.funnel(
                a,
                &period,
                &period,
                &FunnelSlice {
                    region: region.clone(),
                    ..Default::default()
                },
            )?;
            let matrix = app.matrix(a, &from, &to, region.as_deref())?;
            let plan_fact = app.plan_fact(a, &period, region.as_deref())?;
            let costs = app.costs(a, &period, &period, region.as_deref(), None)?;
            let as_of = last.min(today).format("%Y-%m-%d").to_string();
            let aging = app.aging(a, Some(&as_of), None, region.as_deref())?;
            let retention = app.retention(a, &period, None, region.as_deref())?;
            // Every region's name (a head's page names their own); the chooser only for those
            // who see every region.
            let regions = app.regions()?;
            Ok(Data {
                period,
                region: funnel.region.clone(),
                regions,
                funnel,
                matrix,
                plan_fact,
                costs,
                aging,
                retention,
                change,
                first,
                from,
                to,
            })
        })
        .await,
    )?;
    let l = v.lang;
    let path = format!(
        "/dashboard/{}/{}",
        data.period,
        data.region.clone().unwrap_or_else(|| "all".into())
    );
    let plan_list = plan_fact_list(l, &path, &list, &data)?;
    let region_name = data
        .region
        .as_ref()
        .map(|c| {
            data.regions
                .iter()
                .find(|r| &r.code == c)
                .map(|r| r.name.clone())
                .unwrap_or_else(|| c.clone())
        })
        .unwrap_or_else(|| l.tr("page-all-regions").to_string());
    let body = html! {
        (filter_form(
            l,
            &data.period,
            if v.actor.sees_all() { &data.regions } else { &[] },
            data.region.as_deref(),
            None,
        ))
        p.muted { (region_name) ", " (data.period) }
        @if let Some(c) = &data.change {
            p.note id="department-change" {
                @if c.on > data.first {
                    (l.tr("page-the-department-changed-its-shape-this"))
                } @else {
                    (l.tr("page-the-department-s-shape-holds-since"))
                }
                (super::shell::date_str(&c.on.to_string()))
                " (" (l.tr("page-role-changes")) " — " (c.roles_changed) ", "
                (l.tr("page-clients-moved")) " — " (c.clients_moved) ")"
                @if c.on > data.first {
                    ". " (l.tr("page-the-month-s-figures-mix-the"))
                }
            }
        }
        nav.dash-toc aria-label=(l.tr("page-dashboard-sections")) {
            a href="#funnel-card" { (l.tr("page-funnel")) }
            a href="#matrix-card" { (l.tr("page-matrix")) }
            a href="#diagnosis" { (l.tr("page-weak-link")) }
            a href="#plan-fact" { (l.tr("page-plan-vs-fact")) }
            a href="#costs" { (l.tr("page-cost-per-client")) }
            a href="#aging" { (l.tr("page-receivables")) }
            a href="#retention" { (l.tr("page-retention")) }
        }
        (funnel_section(l, &data.funnel))
        (matrix_section(l, &data, &region_name))
        section.card id="plan-fact" {
            h2 { (l.tr("page-plan-against-fact-per-person")) }
            (plan_fact_chart(l, &data.plan_fact))
            (plan_list)
        }
        (costs_section(l, &data.costs))
        (aging_section(l, &data.aging))
        (retention_section(l, &data.retention))
    };
    Ok(page(&v, l.tr("page-head-s-dashboard"), body).into_response())
}

/// The month and region chooser; `error` marks the month as wrong.
fn filter_form(
    l: Lang,
    period: &str,
    regions: &[Region],
    region: Option<&str>,
    error: Option<&str>,
) -> Markup {
    html! {
        (form_error(error))
        form.inline.card.dash-filter method="get" action="/dashboard" {
            label class=[error.map(|_| "missing")] { span { (l.tr("page-month")) " " }
                input type="month" name="period" id="period" value=(period) required; }
            @if !regions.is_empty() {
                label { span { (l.tr("page-region")) " " }
                    select name="region" id="region" {
                        option value="" selected[region.is_none()] { (l.tr("page-all-regions-2")) }
                        @for r in regions {
                            option value=(r.code) selected[region == Some(r.code.as_str())] { (r.name) }
                        }
                    }
                }
            }
            button type="submit" id="dash-show" { (l.tr("page-show")) }
        }
    }
}

fn step_name(l: Lang, step: &str) -> String {
    baton_catalog::term(l, "step", step)
}

fn days(d: Option<f64>, l: Lang) -> String {
    match d {
        Some(x) if x.is_finite() => {
            format!("{} {}", format!("{x:.1}").replace('.', ","), l.tr("page-d"))
        }
        _ => "—".into(),
    }
}

fn one_funnel(l: Lang, f: &Funnel, key: &str, label: &str) -> Markup {
    let bars: Vec<HBar> = f
        .steps
        .iter()
        .map(|s| {
            let conv = s.from_previous.map(percent).unwrap_or_default();
            HBar {
                label: step_name(l, s.step).to_string(),
                value: s.count as f64,
                text: if conv.is_empty() {
                    count(s.count as i64)
                } else {
                    format!("{} · {conv}", count(s.count as i64))
                },
                title: format!(
                    "{}: {}; {} {}; {} {}",
                    step_name(l, s.step),
                    count(s.count as i64),
                    l.tr("page-from-the-previous-step"),
                    if conv.is_empty() { "—".into() } else { conv },
                    l.tr("page-median-days"),
                    days(s.median_days_from_previous, l)
                ),
            }
        })
        .collect();
    html! {
        (chart::hbars(&format!("funnel-{key}-chart"), label, &bars))
        div.scroll {
            table id=(format!("funnel-{key}")) {
                thead { tr {
                    th scope="col" { (l.tr("page-step")) }
                    th.num scope="col" { (if key == "cohort" { l.tr("page-companies-2") } else { l.tr("page-events-and-companies") }) }
                    @if key == "cohort" { th.num scope="col" { (l.tr("page-step-conversion")) } }
                    th.num scope="col" { (l.tr("page-median-days-from-the-step-above")) }
                } }
                tbody {
                    @for s in &f.steps {
                        tr {
                            td { (step_name(l, s.step)) }
                            td.num id=(format!("funnel-{key}-{}", s.step)) { (count(s.count as i64)) }
                            @if key == "cohort" { td.num { (s.from_previous.map(percent).unwrap_or_else(|| "—".into())) } }
                            td.num { (days(s.median_days_from_previous, l)) }
                        }
                    }
                }
            }
        }
    }
}

fn funnel_section(l: Lang, f: &FunnelReport) -> Markup {
    html! {
        section.card id="funnel-card" {
            h2 { (l.tr("page-the-funnel-across-the-three-roles")) }
            div id="funnel" class="funnel-toggle" {
                input type="radio" name="funnel-view" id="fv-cohort";
                label for="fv-cohort" { (l.tr("page-cohort-companies-first-called-in-the")) }
                input type="radio" name="funnel-view" id="fv-activity" checked;
                label for="fv-activity" { (l.tr("page-activity-what-was-done-in-the")) }
                div.fv.fv-cohort {
                    p.explain { (l.tr("page-companies-first-called-in-this-month")) }
                    (one_funnel(l, &f.by_cohort, "cohort", l.tr("page-cohort-funnel")))
                }
                div.fv.fv-activity {
                    p.explain { (l.tr("page-the-month-s-events-by-their")) }
                    (one_funnel(l, &f.by_activity, "activity", l.tr("page-activity-funnel")))
                }
            }
            p.muted { (l.tr("page-all-calls-in-the-month")) ": " (count(f.calls_in_period)) "; "
                (l.tr("page-reaching-the-decision-maker")) ": " (count(f.dm_calls_in_period)) }
        }
    }
}

fn conv_text(r: Option<&baton_analytics::diagnosis::RateInterval>) -> String {
    match r {
        Some(r) => format!(
            "{} (95 %: {} – {})",
            percent(r.rate),
            percent(r.low),
            percent(r.high)
        ),
        None => "—".into(),
    }
}

fn matrix_section(l: Lang, data: &Data, region_name: &str) -> Markup {
    let m = &data.matrix;
    let pm = &m.matrix;
    let rows: Vec<String> = pm.caller_ids.iter().map(|id| m.name(id)).collect();
    let cols: Vec<String> = pm.sales_manager_ids.iter().map(|id| m.name(id)).collect();
    let cells: Vec<Vec<HeatCell>> = pm
        .caller_ids
        .iter()
        .map(|c| {
            pm.sales_manager_ids
                .iter()
                .map(|sm| {
                    match pm
                        .pairs
                        .iter()
                        .find(|p| &p.caller == c && &p.sales_manager == sm)
                    {
                        Some(p) => HeatCell {
                            share: p.conversion.as_ref().map(|r| r.rate),
                            text: format!("{}/{}", p.converted, p.accepted),
                            title: format!(
                                "{} → {}: {} {}, {} {}, {} {}; {} {}",
                                m.name(c),
                                m.name(sm),
                                l.tr("page-handed"),
                                p.handed,
                                l.tr("page-accepted-3"),
                                p.accepted,
                                l.tr("page-converted"),
                                p.converted,
                                l.tr("page-conversion"),
                                conv_text(p.conversion.as_ref())
                            ),
                        },
                        None => HeatCell {
                            share: None,
                            text: "—".into(),
                            title: format!(
                                "{} → {}: {}",
                                m.name(c),
                                m.name(sm),
                                l.tr("page-no-leads-handed")
                            ),
                        },
                    }
                })
                .collect()
        })
        .collect();
    let dl = l;
    let d = &pm.diagnosis;
    html! {
        section.card id="matrix-card" {
            h2 { (l.tr("page-the-matrix-and-the-weak-link")) }
            form.inline method="get" action="/dashboard" id="matrix-window" {
                input type="hidden" name="period" value=(data.period);
                @if let Some(r) = &data.region { input type="hidden" name="region" value=(r); }
                label { span { (l.tr("page-leads-handed-from")) " " }
                    input type="month" name="from" value=(data.from) required; }
                label { span { (l.tr("page-to-2")) " " }
                    input type="month" name="to" value=(data.to) required; }
                button type="submit" { (l.tr("page-show")) }
            }
            p.muted id="matrix-scope" {
                (l.tr("page-window")) ": " (data.from) " — " (data.to) "; " (region_name) "; "
                (l.tr("page-leads-handed")) " " (pm.total.handed) ", "
                (l.tr("page-accepted-3")) " " (pm.total.accepted)
                @if let Some(lag) = &pm.lag {
                    "; " span id="matrix-open" { (baton_catalog::Text::new("page-matrix-open")
                        .num("n", pm.total.open as i64)
                        .num("median", i64::from(lag.median_days))
                        .num("p90", i64::from(lag.p90_days))
                        .render(l)) }
                }
            }
            p.conclusion id="matrix-verdict" { (m.conclusion(dl)) }
            p.explain { (l.tr("page-rows-are-callers-columns-sales-managers")) }
            @if rows.is_empty() || cols.is_empty() {
                p.muted id="matrix" { (l.tr("page-no-warm-leads-were-handed-on")) }
            } @else {
                (chart::heat("matrix", l.tr("page-conversion-matrix"), &rows, &cols, &cells))
            }
            p.muted { (l.tr("page-total")) ": " (l.tr("page-handed")) " " (pm.total.handed) ", "
                (l.tr("page-accepted-3")) " " (pm.total.accepted) ", " (l.tr("page-converted")) " " (pm.total.converted)
                ", " (l.tr("page-collections")) " " (money(pm.total.collections)) }
        }
        section.card id="diagnosis" {
            h2 { (l.tr("page-the-weak-link-each-person-s")) }
            @if !d.people.is_empty() {
                div.scroll { table {
                    thead { tr {
                        th scope="col" { (l.tr("page-who")) }
                        th scope="col" { (l.tr("page-role")) }
                        th.num scope="col" { (l.tr("page-converted-accepted")) }
                        th.num scope="col" { (l.tr("page-conversion-95")) }
                        th.num scope="col" { (l.tr("page-probability-of-being-the-weak-link")) }
                        th scope="col" { (l.tr("page-verdict")) }
                    } }
                    tbody {
                        @for p in &d.people {
                            @let id = pm.person_id(p.role, p.id).unwrap_or("");
                            tr {
                                td { (m.name(id)) }
                                td { (match p.role { DRole::Caller => l.tr("page-caller-2"), DRole::SalesManager => l.tr("page-sales-manager-2") }) }
                                td.num { (p.converted) " / " (p.accepted) }
                                td.num { (conv_text(Some(&p.conversion))) }
                                td.num { (p.probability_below.map(percent).unwrap_or_else(|| "—".into())) }
                                td { (match &p.verdict {
                                    DVerdict::CrediblyBelow { .. } => html! { span.badge.bad { (l.tr("page-below-the-others-review-their-leads")) } },
                                    DVerdict::NotEnoughData { .. } => html! { span.badge.warn { (l.tr("page-not-enough-data")) } },
                                    _ => html! { span.badge.good { (l.tr("page-not-below-the-others")) } },
                                }) }
                            }
                        }
                    }
                } }
            }
        }
    }
}

fn dec(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(0.0)
}

fn metric_value(kind: Kind, d: Decimal) -> Cell {
    match kind {
        Kind::Money => Cell::Money(to_money(d)),
        Kind::Count => Cell::Count(d.round().to_i64().unwrap_or(0)),
        Kind::Ratio => Cell::Text(percent(dec(d))),
    }
}

fn pct_dec(d: Option<Decimal>) -> String {
    d.map(|p| format!("{}\u{a0}%", p.round_dp(1).to_string().replace('.', ",")))
        .unwrap_or_else(|| "—".into())
}

fn plan_fact_chart(l: Lang, r: &PlanFactReport) -> Markup {
    if r.rows.is_empty() {
        return html! { p.muted { (l.tr("page-no-targets-are-set-for-this")) } };
    }
    let bars: Vec<HBar> = r
        .rows
        .iter()
        .map(|row| {
            let a = row.attainment.map(dec).unwrap_or(0.0);
            HBar {
                label: format!(
                    "{} · {}",
                    row.person.name,
                    baton_catalog::term(l, "metric", &row.metric)
                ),
                value: a,
                text: pct_dec(row.attainment),
                title: format!(
                    "{}, {}: {} {}, {} {}",
                    row.person.name,
                    baton_catalog::term(l, "metric", &row.metric),
                    l.tr("page-target"),
                    row.target,
                    l.tr("page-actual"),
                    row.actual
                        .map(|x| x.to_string())
                        .unwrap_or_else(|| "—".into())
                ),
            }
        })
        .collect();
    chart::hbars("plan-fact-chart", l.tr("page-plan-attainment"), &bars)
}

fn plan_fact_list(l: Lang, path: &str, q: &ListQuery, d: &Data) -> Result<Markup, Response> {
    let rows = d
        .plan_fact
        .rows
        .iter()
        .map(|r| {
            vec![
                Cell::Text(format!("{} ({})", r.person.name, r.person.login)),
                Cell::Text(baton_catalog::term(l, "metric", &r.metric)),
                metric_value(r.kind, r.target),
                match r.actual {
                    Some(a) => metric_value(r.kind, a),
                    None => Cell::Text("—".into()),
                },
                Cell::Html(
                    {
                        let low = r.attainment.is_some_and(|a| a < Decimal::from(100));
                        html! { @if low { span.badge.bad { (pct_dec(r.attainment)) } } @else { span.badge.good { (pct_dec(r.attainment)) } } }
                    },
                    pct_dec(r.attainment),
                ),
            ]
        })
        .collect();
    listing::show(
        l,
        path,
        q,
        Listing {
            name: "plan-fact-list",
            columns: vec![
                col("person", l.tr("page-person")),
                col("metric", l.tr("page-metric")),
                col("target", l.tr("page-target-2")),
                col("actual", l.tr("page-actual-2")),
                col("attainment", l.tr("page-attainment")),
            ],
            rows,
            filters: None,
            default_sort: None,
        },
    )
}

fn opt_money(m: Option<Money>) -> String {
    m.map(money).unwrap_or_else(|| "—".into())
}

fn costs_section(l: Lang, c: &CostReport) -> Markup {
    let kop = |m: Money| m.kopecks() as f64;
    let stacks: Vec<Stack> = c
        .rows
        .iter()
        .map(|r| {
            let i = &r.inputs;
            Stack {
                label: format!(
                    "{} {}",
                    if r.month == "total" {
                        l.tr("page-total-2")
                    } else {
                        &r.month
                    },
                    r.region.clone().unwrap_or_else(|| l.tr("page-all").into())
                ),
                parts: vec![
                    (
                        kop(i.caller_pay),
                        "p0",
                        format!("{}: {}", l.tr("page-callers-pay"), money(i.caller_pay)),
                    ),
                    (
                        kop(i.sales_pay),
                        "p1",
                        format!(
                            "{}: {}",
                            l.tr("page-sales-managers-pay"),
                            money(i.sales_pay)
                        ),
                    ),
                    (
                        kop(i.other_costs),
                        "p3",
                        format!("{}: {}", l.tr("page-other-costs"), money(i.other_costs)),
                    ),
                ],
                text: money(r.acquisition_cost),
            }
        })
        .collect();
    html! {
        section.card id="costs" {
            h2 { (l.tr("page-cost-per-client")) }
            @if c.rows.is_empty() {
                p.muted { (l.tr("page-no-figures-for-this-month")) }
            } @else {
                @if let Some(r) = c.rows.last() {
                    div.kpis {
                        div.kpi { b id="cost-per-client" { (opt_money(r.cost_per_client)) } span { (l.tr("page-per-new-client")) " (" (r.inputs.new_clients) ")" } }
                        div.kpi { b { (opt_money(r.cost_per_accepted_lead)) } span { (l.tr("page-per-accepted-lead")) " (" (r.inputs.accepted_leads) ")" } }
                        div.kpi { b { (money(Money::from_kopecks(r.inputs.caller_pay.kopecks() + r.inputs.sales_pay.kopecks()))) } span { (l.tr("page-callers-and-sales-managers-pay")) } }
                        div.kpi { b { (money(r.inputs.other_costs)) } span { (l.tr("page-other-costs")) } }
                        div.kpi { b { (opt_money(r.cost_to_serve_per_client)) } span { (l.tr("page-cost-to-serve-a-client")) } }
                        div.kpi { b { (r.payback_months.map(|m| format!("{} {}", format!("{m:.1}").replace('.', ","), l.tr("page-mo"))).unwrap_or_else(|| "—".into())) } span { (l.tr("page-payback")) } }
                    }
                }
                (chart::stacked("costs-chart", l.tr("page-acquisition-cost"), &stacks,
                    &[("p0", l.tr("page-callers").to_string()), ("p1", l.tr("page-sales-managers").to_string()), ("p3", l.tr("page-other").to_string())]))
            }
        }
    }
}

fn aging_stack(l: Lang, label: String, r: &AgingRow) -> Stack {
    let b: &Buckets = &r.buckets;
    let k = |m: Money| m.kopecks() as f64;
    Stack {
        label,
        parts: vec![
            (
                k(b.not_due),
                "p0",
                format!("{}: {}", l.tr("page-not-due"), money(b.not_due)),
            ),
            (k(b.d0_30), "p1", format!("0–30: {}", money(b.d0_30))),
            (k(b.d31_60), "p2", format!("31–60: {}", money(b.d31_60))),
            (k(b.d61_90), "p3", format!("61–90: {}", money(b.d61_90))),
            (k(b.d90_plus), "p4", format!("90+: {}", money(b.d90_plus))),
        ],
        text: money(b.total),
    }
}

fn aging_section(l: Lang, a: &AgingReport) -> Markup {
    let name = |id: &Option<String>| match id {
        Some(id) => a
            .people
            .iter()
            .find(|p| &p.id == id)
            .map(|p| p.name.clone())
            .unwrap_or_else(|| id.clone()),
        None => l.tr("page-no-manager").to_string(),
    };
    let mut stacks: Vec<Stack> = a
        .aging
        .rows
        .iter()
        .map(|r| aging_stack(l, name(&r.owner), r))
        .collect();
    stacks.push(aging_stack(l, l.tr("page-total").into(), &a.aging.total));
    let dso = |d: Option<f64>| days(d, l);
    html! {
        section.card id="aging" {
            h2 { (l.tr("page-receivables-aging")) }
            p.muted { (l.tr("page-as-of-2")) " " (super::shell::date(a.aging.as_of)) "; DSO " (l.tr("page-over")) " " (a.aging.dso_window_days) " " (l.tr("page-days")) }
            (chart::stacked("aging-chart", l.tr("page-receivables-by-bucket"), &stacks, &[
                ("p0", l.tr("page-not-due-3").to_string()), ("p1", "0–30".into()), ("p2", "31–60".into()), ("p3", "61–90".into()), ("p4", "90+".into())]))
            div.scroll { table {
                thead { tr {
                    th scope="col" { (l.tr("page-client-manager-2")) }
                    th.num scope="col" { (l.tr("page-not-due-4")) }
                    th.num scope="col" { "0–30" } th.num scope="col" { "31–60" } th.num scope="col" { "61–90" } th.num scope="col" { "90+" }
                    th.num scope="col" { (l.tr("page-total")) }
                    th.num scope="col" { "DSO" }
                } }
                tbody {
                    @for r in &a.aging.rows {
                        tr { td { (name(&r.owner)) } (bucket_cells(&r.buckets)) td.num { (dso(r.dso_days)) } }
                    }
                    tr.total { td { (l.tr("page-total")) } (bucket_cells(&a.aging.total.buckets)) td.num id="dso-total" { (dso(a.aging.total.dso_days)) } }
                }
            } }
        }
    }
}

fn bucket_cells(b: &Buckets) -> Markup {
    html! {
        td.num { (money(b.not_due)) } td.num { (money(b.d0_30)) } td.num { (money(b.d31_60)) }
        td.num { (money(b.d61_90)) } td.num { (money(b.d90_plus)) } td.num { (money(b.total)) }
    }
}

fn retention_section(l: Lang, r: &RetentionView) -> Markup {
    let name = |id: &Option<String>| match id {
        Some(id) => r
            .people
            .iter()
            .find(|p| &p.id == id)
            .map(|p| p.name.clone())
            .unwrap_or_else(|| id.clone()),
        None => l.tr("page-no-manager").to_string(),
    };
    let pc = |x: Option<f64>| x.map(percent).unwrap_or_else(|| "—".into());
    let rows: Vec<&baton_analytics::retention::Retention> = r.retention.rows.iter().collect();
    html! {
        section.card id="retention" {
            h2 { (l.tr("page-portfolio-retention-nrr-grr")) }
            p.muted id="retention-windows" { (l.tr("page-base")) " " (super::shell::date(r.base_from)) "–" (super::shell::date(r.base_to)) "; "
                (l.tr("page-now")) " " (super::shell::date(r.current_from)) "–" (super::shell::date(r.current_to))
                " (" (r.months) " " (l.tr("page-months-against-as-many-before-the")) ")" }
            @if !r.base_covered {
                p.note { (l.tr("page-the-payment-history-is-shorter-than")) }
            }
            div.scroll { table {
                thead { tr {
                    th scope="col" { (l.tr("page-client-manager-2")) }
                    th.num scope="col" { (l.tr("page-clients-at-start")) }
                    th.num scope="col" { (l.tr("page-kept")) }
                    th.num scope="col" { (l.tr("page-lost")) }
                    th.num scope="col" { (l.tr("page-base-revenue")) }
                    th.num scope="col" { "NRR" }
                    th.num scope="col" { "GRR" }
                } }
                tbody {
                    @for x in rows.iter().copied().chain(std::iter::once(&r.retention.total)) {
                        @let total = std::ptr::eq(x, &r.retention.total);
                        tr class=[total.then_some("total")] {
                            td { @if total { (l.tr("page-total")) } @else { (name(&x.owner)) } }
                            td.num { (x.clients_at_start) } td.num { (x.clients_kept) } td.num { (x.clients_lost) }
                            td.num { (money(x.start_revenue)) }
                            td.num { (pc(x.nrr)) } td.num { (pc(x.grr)) }
                        }
                    }
                }
            } }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Alerts

#[derive(Debug, Default, Deserialize)]
pub struct AlertsQ {
    pub rule: Option<String>,
    /// `1` shows the acknowledged ones too.
    pub acknowledged: Option<String>,
    pub region: Option<String>,
    #[serde(flatten)]
    pub list: ListQuery,
}

fn rule_name(l: Lang, rule: &str) -> String {
    baton_catalog::term(l, "alert", rule)
}

async fn alerts(State(s): State<AppState>, v: Viewer, Query(q): Query<AlertsQ>) -> PageResult {
    let key = memo::key(&v);
    memo::remembered(&s.clone(), key, alerts_fresh(s, v, q)).await
}

async fn alerts_fresh(s: AppState, v: Viewer, q: AlertsQ) -> PageResult {
    forbidden_unless_leading(&v)?;
    let l = v.lang;
    let show_acked = q.acknowledged.as_deref() == Some("1");
    let actor = v.actor.clone();
    let region = q.region.clone().filter(|r| !r.trim().is_empty());
    let (report, cleared) = or_fail(
        l,
        run(&s, move |app| {
            let params = app.alert_rules()?;
            let report = app.alerts_open(Some(&actor), region.as_deref(), params, false)?;
            let log = app.alert_log(
                Some(&actor),
                region.as_deref(),
                false,
                baton_app::Paging::new(Some(1), Some(100)),
            )?;
            let cleared: Vec<_> = log
                .items
                .into_iter()
                .filter(|a| a.row.cleared_at.is_some())
                .take(10)
                .collect();
            Ok((report, cleared))
        })
        .await,
    )?;
    let rule = q.rule.clone().filter(|r| !r.is_empty());
    let back = v.here.clone();
    let rows: Vec<Vec<Cell>> = report
        .alerts
        .iter()
        .filter(|a| show_acked || a.acknowledged_at.is_none())
        .filter(|a| rule.as_deref().is_none_or(|r| a.rule == r))
        .map(|a| {
            let links: Vec<(String, String)> =
                a.records
                    .iter()
                    .zip(&a.record_names)
                    .map(|(r, name)| super::shell::alert_record_link(a.rule, r, name))
                    .collect();
            let safe_key: String = a
                .key
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '-' })
                .collect();
            let state = match &a.acknowledged_at {
                Some(at) => html! { span.badge.good { (l.tr("page-acknowledged")) " " (super::shell::date_str(at)) } },
                None => html! {
                    form.inline method="post" action="/alerts/ack" {
                        input type="hidden" name="key" value=(a.key);
                        input type="hidden" name="back" value=(back);
                        button.secondary type="submit" id=(format!("ack-{safe_key}")) data-key=(a.key) { (l.tr("page-acknowledge")) }
                    }
                },
            };
            vec![
                Cell::Text(rule_name(l, a.rule).to_string()),
                Cell::Text(a.person.label.clone()),
                Cell::Text(l.t(&a.message_ru, &a.message).to_string()),
                Cell::Html(
                    html! { @for (i, (href, t)) in links.iter().enumerate() { @if i > 0 { ", " } a href=(href) { (t) } } },
                    links.iter().map(|x| x.1.clone()).collect::<Vec<_>>().join(", "),
                ),
                Cell::Text(l.t(&a.action_ru, &a.action).to_string()),
                Cell::Text(a.raised_at.as_deref().map(super::shell::date_str).unwrap_or_default()),
                Cell::Html(
                    state,
                    a.acknowledged_at.clone().unwrap_or_default(),
                ),
            ]
        })
        .collect();
    let filters = html! {
        label { span.sr { (l.tr("page-rule-2")) }
            select name="rule" id="alert-rule" {
                option value="" { (l.tr("page-all-rules")) }
                @for r in baton_app::insight::alerts::RULES {
                    option value=(r) selected[rule.as_deref() == Some(r)] { (rule_name(l, r)) }
                }
            }
        }
        label { input type="checkbox" name="acknowledged" value="1" id="show-acknowledged" checked[show_acked];
            " " (l.tr("page-show-acknowledged")) }
        @if let Some(r) = q.region.as_deref().filter(|r| !r.is_empty()) { input type="hidden" name="region" value=(r); }
    };
    let list = listing::show(
        l,
        &v.here,
        &q.list,
        Listing {
            name: "alerts",
            columns: vec![
                col("rule", l.tr("page-rule-2")),
                col("person", l.tr("page-who")),
                col("message", l.tr("page-what-happened")),
                col("records", l.tr("page-records")),
                col("action", l.tr("page-what-to-do")),
                col("raised", l.tr("page-raised")),
                col("ack", l.tr("page-acknowledged-2")),
            ],
            rows,
            filters: Some(filters),
            default_sort: None,
        },
    )?;
    let p = report.params;
    let body = html! {
        p.explain { (l.tr("page-the-rules-are-checked-after-every")) }
        p.explain id="alert-rules" {
            (l.tr("page-rules-a-sales-manager-with-no")) " " (p.no_new_client_months) " " (l.tr("page-months-a-deal-with-no-activity")) " " (p.stale_deal_days) " " (l.tr("page-days-a-client-with-no-order")) " " (p.no_order_months) " " (l.tr("page-months-checklist-overrides-over")) " " (p.override_days) " " (l.tr("page-days-2"))
            @if v.any(&[baton_domain::Role::Director, baton_domain::Role::Admin]) { " " a href="/settings#alert-rules" { (l.tr("page-change")) } }
        }
        (list)
        @if !cleared.is_empty() {
            h2 { (l.tr("page-cleared-lately")) }
            div.scroll { table id="alerts-cleared" {
                thead { tr { th { (l.tr("page-rule-2")) } th { (l.tr("page-who")) } th { (l.tr("page-what-it-was")) } th { (l.tr("page-raised")) } th { (l.tr("page-cleared")) } } }
                tbody { @for a in &cleared { tr {
                    td { (rule_name(l, &a.row.rule)) }
                    td { (a.person) }
                    td { (l.t(&a.row.message_ru, &a.row.message)) }
                    td { (super::shell::date_str(&a.row.raised_at)) }
                    td { (a.row.cleared_at.as_deref().map(super::shell::date_str).unwrap_or_default()) }
                } } }
            } }
        }
    };
    Ok(page(&v, l.tr("page-alerts"), body).into_response())
}

#[derive(Debug, Default, Deserialize)]
pub struct AckForm {
    #[serde(default)]
    pub key: String,
    #[serde(default)]
    pub back: String,
}

async fn ack(State(s): State<AppState>, v: Viewer, Form(f): Form<AckForm>) -> PageResult {
    let actor = v.actor.clone();
    let key = f.key.clone();
    or_fail(
        v.lang,
        run(&s, move |app| app.ack_alert(Some(&actor), &key)).await,
    )?;
    // Back to the list as it was (only a path on this site), without the previous note.
    let back = if f.back.starts_with("/alerts") {
        strip_ok(&f.back)
    } else {
        "/alerts".to_string()
    };
    Ok(done(&back, v.tr("page-alert-acknowledged")))
}

fn strip_ok(path: &str) -> String {
    match path.split_once('?') {
        Some((p, q)) => {
            let kv: Vec<(String, String)> = serde_urlencoded::from_str(q).unwrap_or_default();
            let kept: Vec<(String, String)> = kv.into_iter().filter(|(k, _)| k != "ok").collect();
            if kept.is_empty() {
                p.to_string()
            } else {
                format!(
                    "{p}?{}",
                    serde_urlencoded::to_string(&kept).unwrap_or_default()
                )
            }
        }
        None => path.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_complete_month_wraps_the_year() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).expect("date");
        assert_eq!(last_complete_month(d(2026, 1, 15)), "2025-12");
        assert_eq!(last_complete_month(d(2026, 11, 28)), "2026-10");
        assert_eq!(strip_ok("/alerts?rule=x&ok=done"), "/alerts?rule=x");
        assert_eq!(strip_ok("/alerts?ok=done"), "/alerts");
    }
}
