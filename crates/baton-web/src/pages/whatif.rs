//! What-if: replay a draft pay plan on past months, and the structure simulator run as a
//! background job with a progress bar. The same `App` methods and rights as
//! `/api/simulate/…`: replay for the head (their region) and the director; the simulator for
//! the head (their region's history), the director and the admin.
// A page's error is the error page itself (a `Response`), as everywhere in `pages`.
#![allow(clippy::result_large_err)]

use super::chart::{self, Series};
use super::shell::{
    Lang, PageResult, Viewer, count, failure, form_error, message, money, or_fail, page, run,
};
use super::start::to_money;
use crate::AppState;
use axum::Router;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use baton_app::AppError;
use baton_app::payroll::plans::PlanInfo;
use baton_app::whatif::replay::Replay;
use baton_app::whatif::sim::{
    self, Band, Comparison, Params, PayPlans, Preset, RecommendQuery, Recommendation, Scenario,
    SensitivityTable, Settings, Verdict,
};
use baton_app::whatif::structure::{parse_scenario, sim_error};
use maud::{Markup, html};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{LazyLock, Mutex};
use std::time::Instant;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/whatif", get(whatif_page))
        .route("/whatif/replay", post(replay))
        .route("/whatif/structure", post(start_structure))
        .route("/whatif/structure/{job}", get(structure_job))
}

fn may_use(v: &Viewer) -> Result<(), Response> {
    use baton_app::rights::{Action, may};
    if may(&v.actor, Action::Replay) || may(&v.actor, Action::Simulate) {
        Ok(())
    } else {
        Err(failure(v.lang, &super::shell::refused("web-whatif")))
    }
}

// ---------------------------------------------------------------------------------------------
// The forms

#[derive(Debug, Default, Clone, Deserialize)]
pub struct ReplayForm {
    #[serde(default)]
    pub plan: String,
    #[serde(default)]
    pub plan_id: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
}

/// What the structure form shows: the scenarios, settings and parameters (as typed).
#[derive(Debug, Clone)]
struct StructureForm {
    source: String,
    scenarios: [String; 3],
    runs: String,
    horizon: String,
    /// name → (label, unit, shown value, 80 % interval, typed value)
    params: Vec<ParamField>,
    notes: Vec<(String, String)>,
    history_problem: Option<String>,
}

#[derive(Debug, Clone)]
struct ParamField {
    name: String,
    label_ru: String,
    label_en: String,
    unit: String,
    original: String,
    interval: Option<(Decimal, Decimal)>,
    typed: String,
}

fn plain(d: Decimal) -> String {
    d.normalize().to_string()
}

/// The parameters, the estimation's notes (ru, en) and why the history could not be used.
type Start = (Params, Vec<(String, String)>, Option<String>);

/// The parameters to start from: estimated from the history when there is enough of it,
/// otherwise the defaults (`domain-brief.md` §7), saying why.
fn starting_params(
    app: &baton_app::App,
    actor: &baton_app::Actor,
    source: &str,
) -> Result<Start, AppError> {
    match source {
        "brief7" => Ok((Preset::brief7().params, vec![], None)),
        "defaults" => Ok((Params::brief(), vec![], None)),
        _ => match app.structure_estimates(Some(actor), 12) {
            Ok(e) => Ok((
                e.estimates.params.clone(),
                e.estimates
                    .notes
                    .iter()
                    .map(|n| (n.text_ru.clone(), n.text_en.clone()))
                    .collect(),
                None,
            )),
            // Someone who may replay but not simulate (the accountant) starts from the brief's
            // defaults; the simulation itself is refused by the rights table if they run it.
            Err(AppError::Forbidden(f)) => {
                if baton_app::rights::may(actor, baton_app::rights::Action::Replay) {
                    Ok((Params::brief(), vec![], None))
                } else {
                    Err(AppError::Forbidden(f))
                }
            }
            Err(e) => Ok((Params::brief(), vec![], Some(message(&e)))),
        },
    }
}

fn param_fields(p: &Params) -> Vec<ParamField> {
    p.table()
        .into_iter()
        .map(|r| ParamField {
            name: r.name.to_string(),
            label_ru: r.label_ru.to_string(),
            label_en: r.label_en.to_string(),
            unit: r.unit.to_string(),
            original: plain(r.value),
            interval: r.p10.zip(r.p90),
            typed: plain(r.value),
        })
        .collect()
}

fn default_structure(
    params: &Params,
    notes: Vec<(String, String)>,
    problem: Option<String>,
    source: &str,
) -> StructureForm {
    StructureForm {
        source: source.to_string(),
        scenarios: [
            "universal:3".into(),
            "conveyor:2,2,1".into(),
            "hybrid:1,2".into(),
        ],
        runs: "500".into(),
        horizon: "12".into(),
        params: param_fields(params),
        notes,
        history_problem: problem,
    }
}

struct WhatifPage {
    replay: ReplayForm,
    replay_error: Option<(String, Option<String>, Vec<String>)>,
    replay_result: Option<Replay>,
    plans: Vec<PlanInfo>,
    structure: StructureForm,
    structure_error: Option<(String, Option<String>)>,
}

fn previous_month(app: &baton_app::App) -> Result<String, AppError> {
    use chrono::Datelike;
    let cfg = app.config()?;
    let t = app.today(&cfg);
    let (y, m) = if t.month() == 1 {
        (t.year() - 1, 12)
    } else {
        (t.year(), t.month() - 1)
    };
    Ok(format!("{y:04}-{m:02}"))
}

async fn whatif_page(State(s): State<AppState>, v: Viewer) -> PageResult {
    let key = super::memo::key(&v);
    super::memo::remembered(&s.clone(), key, whatif_fresh(s, v)).await
}

async fn whatif_fresh(s: AppState, v: Viewer) -> PageResult {
    may_use(&v)?;
    let actor = v.actor.clone();
    let (plans, structure, month) = or_fail(
        v.lang,
        run(&s, move |app| {
            let plans = app.plans(Some(&actor))?;
            let (p, notes, problem) = starting_params(app, &actor, "history")?;
            let month = previous_month(app)?;
            Ok((
                plans,
                default_structure(&p, notes, problem, "history"),
                month,
            ))
        })
        .await,
    )?;
    let pg = WhatifPage {
        replay: ReplayForm {
            from: month.clone(),
            to: month,
            ..Default::default()
        },
        replay_error: None,
        replay_result: None,
        plans,
        structure,
        structure_error: None,
    };
    Ok(render(&v, &pg).into_response())
}

fn render(v: &Viewer, p: &WhatifPage) -> Markup {
    let l = v.lang;
    let body = html! {
        section.card id="replay" {
            h2 { (l.tr("page-replay-a-plan-on-past-months")) }
            p.explain { (l.tr("page-paste-a-draft-plan-toml-as")) }
            (replay_form(l, p))
            @if let Some(r) = &p.replay_result { (replay_result(l, r)) }
        }
        section.card id="structure" {
            h2 { (l.tr("page-department-structure-simulator")) }
            (structure_form(l, &p.structure, p.structure_error.as_ref()))
        }
    };
    page(v, l.tr("page-what-if"), body)
}

fn replay_form(l: Lang, p: &WhatifPage) -> Markup {
    let f = &p.replay;
    let (msg, field, lines) = match &p.replay_error {
        Some((m, f, lines)) => (Some(m.as_str()), f.as_deref(), lines.as_slice()),
        None => (None, None, &[][..]),
    };
    let miss = |name: &str| {
        if field == Some(name) {
            Some("missing")
        } else {
            None
        }
    };
    html! {
        form.stack method="post" action="/whatif/replay" id="replay-form" {
            (form_error(msg))
            label class=[miss("plan_id")] { span { (l.tr("page-stored-plan-version")) }
                select name="plan_id" id="replay-plan-id" {
                    option value="" { (l.tr("page-the-text-below")) }
                    @for r in ["caller", "sales_manager", "client_manager", "universal_manager"] {
                        @let id = format!("shipped:{r}");
                        option value=(id) selected[f.plan_id == id] { (l.tr("page-shipped-plan-2")) ": " (super::start::role_label(l, r)) }
                    }
                    @for pl in &p.plans {
                        option value=(pl.id) selected[f.plan_id == pl.id] {
                            (pl.name) " · " (super::start::role_label(l, &pl.role)) " · v" (pl.version) " · " (super::shell::date_str(&pl.effective_from)) " · " (baton_catalog::term(l, "plan", &pl.status))
                        }
                    }
                }
                span.hint { (l.tr("page-used-when-the-text-box-is")) }
            }
            label class=[miss("plan")] { span { (l.tr("page-draft-plan-text")) }
                textarea name="plan" id="replay-plan" rows="14" spellcheck="false" { (f.plan) }
                @if !lines.is_empty() {
                    ul.error id="plan-errors" role="alert" {
                        @for e in lines { li { (e) } }
                    }
                }
            }
            div.inline-fields {
                label class=[miss("from")] { span { (l.tr("page-from-month")) }
                    input type="month" name="from" id="replay-from" value=(f.from) required; }
                label class=[miss("to")] { span { (l.tr("page-to-month")) }
                    input type="month" name="to" id="replay-to" value=(f.to) required; }
            }
            button type="submit" id="replay-run" { (l.tr("page-replay")) }
        }
    }
}

fn rub(d: Decimal) -> String {
    money(to_money(d))
}

fn pct(d: Option<Decimal>) -> String {
    d.map(|p| format!("{}\u{a0}%", p.round_dp(1).to_string().replace('.', ",")))
        .unwrap_or_else(|| "—".into())
}

fn replay_result(l: Lang, r: &Replay) -> Markup {
    let t = &r.totals;
    html! {
        div id="replay-result" {
            h3 { (l.tr("page-result")) ": " (r.plan.name) " (" (r.plan.role) "), " (r.from) " — " (r.to) }
            @for c in &r.department_changes {
                p.note.replay-change {
                    (l.tr("page-the-department-changed-its-shape-on"))
                    (super::shell::date_str(&c.on.to_string()))
                    " (" (l.tr("page-role-changes")) " — " (c.roles_changed) ", "
                    (l.tr("page-clients-moved")) " — " (c.clients_moved) "). "
                    (l.tr("page-months-before-and-after-it-were"))
                }
            }
            div.kpis {
                div.kpi { b id="replay-actual" { (rub(t.actual)) } span { (l.tr("page-actually-paid")) } }
                div.kpi { b id="replay-draft" { (rub(t.draft)) } span { (l.tr("page-under-the-draft")) } }
                div.kpi { b id="replay-difference" { (rub(t.difference)) " (" (pct(t.change_pct)) ")" } span { (l.tr("page-difference")) } }
                div.kpi { b { (pct(t.actual_share_pct)) " → " (pct(t.draft_share_pct)) } span { (l.tr("page-payroll-as-a-share-of-collections")) } }
                div.kpi { b { (t.winners) " / " (t.losers) " / " (t.unchanged) } span { (l.tr("page-gain-lose-unchanged")) } }
            }
            div.scroll { table id="replay-people" {
                thead { tr {
                    th scope="col" { (l.tr("page-person")) }
                    th scope="col" { (l.tr("page-role")) }
                    th.num scope="col" { (l.tr("page-actual-2")) }
                    th.num scope="col" { (l.tr("page-draft")) }
                    th.num scope="col" { (l.tr("page-difference-2")) }
                    th.num scope="col" { (l.tr("page-change-2")) }
                    th scope="col" { (l.tr("page-changed-lines")) }
                } }
                tbody {
                    @for p in &r.people {
                        tr {
                            td { (p.name) " (" (p.login) ")"
                                @if p.loses { " " span.badge.bad { (l.tr("page-loses")) } } }
                            td { (p.role) }
                            td.num { (rub(p.actual)) }
                            td.num { (rub(p.draft)) }
                            td.num class=[if p.difference < Decimal::ZERO { Some("bad") } else { None }] { (rub(p.difference)) }
                            td.num { (pct(p.change_pct)) }
                            td {
                                @if p.lines.is_empty() { span.muted { "—" } }
                                @for line in &p.lines {
                                    div { (line.label) ": " (rub(line.actual)) " → " (rub(line.draft)) " (" (rub(line.difference)) ")" }
                                }
                            }
                        }
                    }
                    @if r.people.is_empty() {
                        tr { td.empty colspan="7" { (l.tr("page-no-pay-of-this-role-in")) } }
                    }
                    tr.total {
                        td colspan="2" { (l.tr("page-total-3")) }
                        td.num { (rub(t.actual)) } td.num { (rub(t.draft)) } td.num { (rub(t.difference)) }
                        td.num { (pct(t.change_pct)) } td { (l.tr("page-collections-2")) ": " (rub(t.collections)) }
                    }
                }
            } }
        }
    }
}

async fn replay(State(s): State<AppState>, v: Viewer, Form(f): Form<ReplayForm>) -> PageResult {
    may_use(&v)?;
    let actor = v.actor.clone();
    let form = f.clone();
    let (plans, structure, outcome) = or_fail(
        v.lang,
        run(&s, move |app| {
            let plans = app.plans(Some(&actor))?;
            let (p, notes, problem) = starting_params(app, &actor, "history")?;
            let text = if form.plan.trim().is_empty() && !form.plan_id.trim().is_empty() {
                match app.plan(Some(&actor), form.plan_id.trim()) {
                    Ok((_, t)) => Ok(t),
                    Err(e) => Err(e),
                }
            } else {
                Ok(form.plan.clone())
            };
            let outcome = text.and_then(|t| {
                if t.trim().is_empty() {
                    return Err(AppError::invalid(
                        "plan",
                        baton_catalog::Text::new("err-web-plan-text"),
                    ));
                }
                app.replay(Some(&actor), &t, &form.from, &form.to)
            });
            // A refusal is the whole page's answer; any other error is shown on the form.
            if let Err(AppError::Forbidden(x)) = outcome {
                return Err(AppError::Forbidden(x));
            }
            Ok((
                plans,
                default_structure(&p, notes, problem, "history"),
                outcome,
            ))
        })
        .await,
    )?;
    let (result, error, status) = match outcome {
        Ok(r) => (Some(r), None, StatusCode::OK),
        Err(e) => {
            let lines = match &e {
                AppError::InvalidPlan(errs) => errs
                    .iter()
                    .map(|x| {
                        format!(
                            "{} {}, {} {}: {}",
                            v.tr("page-line-2"),
                            x.line,
                            v.tr("page-column"),
                            x.column,
                            x.message
                        )
                    })
                    .collect(),
                _ => vec![],
            };
            let field = match &e {
                AppError::InvalidPlan(_) => Some("plan".to_string()),
                other => other.field().map(str::to_string),
            };
            let msg = match &e {
                AppError::InvalidPlan(_) => v.tr("page-the-plan-s-text-has-mistakes").to_string(),
                other => message(other),
            };
            (
                None,
                Some((msg, field, lines)),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
    };
    let pg = WhatifPage {
        replay: f,
        replay_error: error,
        replay_result: result,
        plans,
        structure,
        structure_error: None,
    };
    Ok((status, render(&v, &pg)).into_response())
}

// ---------------------------------------------------------------------------------------------
// The structure simulator

fn structure_form(l: Lang, f: &StructureForm, err: Option<&(String, Option<String>)>) -> Markup {
    let field = err.and_then(|e| e.1.as_deref());
    let miss = |name: &str| {
        if field == Some(name)
            || (name == "scenario" && field.is_some_and(|x| x.starts_with("scenario")))
        {
            Some("missing")
        } else {
            None
        }
    };
    html! {
        form.stack.wide method="post" action="/whatif/structure" id="structure-form" {
            (form_error(err.map(|e| e.0.as_str())))
            input type="hidden" name="source_shown" value=(f.source);
            p.explain {
                (l.tr("page-write-a-scenario-as"))
                code { "universal:3" } (l.tr("page-three-universal-managers"))
                code { "conveyor:2,2,1" } (l.tr("page-callers-sales-managers-client-managers-or"))
                code { "hybrid:1,2" } (l.tr("page-callers-and-universal-managers-the-first"))
            }
            div.inline-fields {
                @for (i, sc) in f.scenarios.iter().enumerate() {
                    label class=[miss("scenario")] { span { (match i { 0 => l.tr("page-baseline"), 1 => l.tr("page-scenario-2"), _ => l.tr("page-scenario-3-may-be-empty") }) }
                        input name=(format!("scenario{}", i + 1)) id=(format!("scenario{}", i + 1)) value=(sc); }
                }
            }
            div.inline-fields {
                label class=[miss("runs")] { span { (l.tr("page-runs")) }
                    input type="number" name="runs" id="runs" min="1" max="20000" value=(f.runs); }
                label class=[miss("horizon_months")] { span { (l.tr("page-horizon-months")) }
                    input type="number" name="horizon" id="horizon" min="1" max="120" value=(f.horizon); }
                label { span { (l.tr("page-parameters")) }
                    select name="source" id="source" {
                        option value="history" selected[f.source == "history"] { (l.tr("page-estimated-from-history-12-months")) }
                        option value="defaults" selected[f.source == "defaults"] { (l.tr("page-defaults")) }
                        option value="brief7" selected[f.source == "brief7"] { (l.tr("page-the-7-example")) }
                    }
                }
            }
            @if let Some(p) = &f.history_problem {
                p.warn { (l.tr("page-could-not-estimate-from-history-showing")) ": " (p) }
            }
            details open[field.is_some_and(|x| f.params.iter().any(|p| p.name == x))] {
                summary { (l.tr("page-model-parameters-editable")) }
                p.explain { (l.tr("page-values-with-an-interval-were-estimated")) }
                div.scroll { table id="sim-params" {
                    thead { tr {
                        th scope="col" { (l.tr("page-parameter")) }
                        th scope="col" { (l.tr("page-value")) }
                        th.num scope="col" { (l.tr("page-80-interval")) }
                    } }
                    tbody {
                        @for p in &f.params {
                            tr class=[if field == Some(p.name.as_str()) { Some("missing") } else { None }] {
                                td { label for=(format!("p-{}", p.name)) { (l.t(&p.label_ru, &p.label_en)) } " " span.muted { (unit_name(l, &p.unit)) } }
                                td class=[if field == Some(p.name.as_str()) { Some("missing") } else { None }] {
                                    input id=(format!("p-{}", p.name)) name=(format!("p_{}", p.name)) value=(p.typed) inputmode="decimal" size="10";
                                    input type="hidden" name=(format!("o_{}", p.name)) value=(p.original);
                                }
                                td.num { @if let Some((a, b)) = p.interval { (plain(a)) " … " (plain(b)) } @else { "—" } }
                            }
                        }
                    }
                } }
                @for (ru, en) in &f.notes { p.muted { (l.t(ru, en)) } }
            }
            button type="submit" id="structure-run" { (l.tr("page-run-the-simulation")) }
        }
    }
}

/// Everything a job needs, checked before it starts.
struct JobInput {
    params: Params,
    plans: PayPlans,
    scenarios: Vec<Scenario>,
    settings: Settings,
    source: String,
}

fn build_input(
    app: &baton_app::App,
    actor: &baton_app::Actor,
    kv: &BTreeMap<String, String>,
) -> Result<(JobInput, StructureForm), (AppError, StructureForm)> {
    let get = |k: &str| kv.get(k).cloned().unwrap_or_default();
    let source = match get("source").as_str() {
        "defaults" => "defaults",
        "brief7" => "brief7",
        _ => "history",
    }
    .to_string();
    let (mut params, notes, problem) = match starting_params(app, actor, &source) {
        Ok(x) => x,
        Err(e) => {
            return Err((
                e,
                default_structure(&Params::brief(), vec![], None, &source),
            ));
        }
    };
    let mut form = default_structure(&params, notes, problem, &source);
    form.scenarios = [get("scenario1"), get("scenario2"), get("scenario3")];
    form.runs = get("runs");
    form.horizon = get("horizon");
    // What was typed stays in the form; only the values changed from what was shown are edits.
    let switched = get("source_shown") != source && kv.contains_key("source_shown");
    let mut edits = Vec::new();
    for p in &mut form.params {
        if let Some(t) = kv.get(&format!("p_{}", p.name)) {
            let orig = kv
                .get(&format!("o_{}", p.name))
                .cloned()
                .unwrap_or_default();
            if !switched && t.trim() != orig.trim() {
                edits.push((p.name.clone(), t.trim().replace(',', ".")));
                p.typed = t.clone();
            }
        }
    }
    let fail = |e: AppError, form: &StructureForm| Err((e, form.clone()));
    for (name, value) in &edits {
        if let Err(e) = params.set(name, value) {
            return fail(sim_error(e), &form);
        }
    }
    let mut scenarios = Vec::new();
    for (i, t) in form.scenarios.iter().enumerate() {
        if t.trim().is_empty() && i >= 2 {
            continue;
        }
        match parse_scenario(t) {
            Ok(s) => scenarios.push(s),
            Err(e) => return fail(e, &form),
        }
    }
    let (plans, mut settings) = if source == "brief7" {
        let p = Preset::brief7();
        (p.plans, p.settings)
    } else {
        (PayPlans::shipped(), Settings::default())
    };
    match form.runs.trim().parse::<u32>() {
        Ok(n) if (1..=20_000).contains(&n) => settings.runs = n,
        _ => {
            return fail(
                AppError::invalid(
                    "runs",
                    baton_catalog::Text::new("err-web-runs").arg("value", form.runs.clone()),
                ),
                &form,
            );
        }
    }
    match form.horizon.trim().parse::<u32>() {
        Ok(n) => settings.horizon_months = n,
        Err(_) => {
            return fail(
                AppError::invalid(
                    "horizon_months",
                    baton_catalog::Text::new("err-web-horizon").arg("value", form.horizon.clone()),
                ),
                &form,
            );
        }
    }
    if let Err(e) = params.validate().and_then(|_| settings.validate()) {
        return fail(sim_error(e), &form);
    }
    Ok((
        JobInput {
            params,
            plans,
            scenarios,
            settings,
            source,
        },
        form,
    ))
}

/// A finished simulation.
struct Outcome {
    comparison: Comparison,
    verdicts: Vec<Verdict>,
    sensitivity: Option<SensitivityTable>,
    recommendation: Option<Recommendation>,
    source: String,
}

struct Job {
    owner: String,
    started: Instant,
    /// Thousandths done.
    permille: u64,
    stage: Stage,
    outcome: Option<Result<Outcome, AppError>>,
}

#[derive(Clone, Copy)]
enum Stage {
    Runs,
    Verdicts,
    Sensitivity,
    Recommendation,
    Done,
}

static JOBS: LazyLock<Mutex<HashMap<String, Job>>> = LazyLock::new(|| Mutex::new(HashMap::new()));
static NEXT: AtomicU64 = AtomicU64::new(1);
/// At most this many jobs are kept; the oldest finished ones go first.
const KEEP: usize = 32;

fn with_job<T>(id: &str, f: impl FnOnce(&mut Job) -> T) -> Option<T> {
    let mut jobs = JOBS.lock().unwrap_or_else(|p| p.into_inner());
    jobs.get_mut(id).map(f)
}

fn set_progress(id: &str, stage: Stage, permille: u64) {
    with_job(id, |j| {
        j.stage = stage;
        j.permille = permille.min(1000);
    });
}

fn simulate(id: &str, input: JobInput) -> Result<Outcome, AppError> {
    let JobInput {
        params,
        plans,
        scenarios,
        settings,
        source,
    } = input;
    // Stages and their share of the bar: the runs 60 %, the verdicts 10 %, the sensitivity
    // 15 %, the recommendation 15 %.
    let comparison = sim::compare_with_progress(&params, &plans, &scenarios, &settings, &mut |p| {
        let done = p
            .runs_done
            .saturating_mul(600)
            .checked_div(p.runs_total)
            .unwrap_or(0);
        set_progress(id, Stage::Runs, done);
    })
    .map_err(sim_error)?;
    set_progress(id, Stage::Verdicts, 600);
    let mut verdicts = Vec::new();
    if let Some(base) = scenarios.first() {
        for s in &scenarios[1..] {
            verdicts.push(
                sim::judge(&params, &plans, base, s, &settings)
                    .map_err(sim_error)?
                    .verdict,
            );
        }
    }
    set_progress(id, Stage::Sensitivity, 700);
    let side = Settings {
        runs: settings.runs.clamp(1, 200),
        ..settings
    };
    let sensitivity = match (scenarios.first(), scenarios.get(1)) {
        (Some(b), Some(c)) => Some(
            sim::sensitivity(&params, &plans, b, c, &side, Decimal::new(2, 1))
                .map_err(sim_error)?,
        ),
        _ => None,
    };
    set_progress(id, Stage::Recommendation, 850);
    let mut totals: Vec<u32> = scenarios.iter().map(|s| s.headcount.total()).collect();
    totals.sort_unstable();
    totals.dedup();
    let recommendation = Some(
        sim::recommend(
            &params,
            &plans,
            &side,
            &RecommendQuery {
                total_headcounts: totals,
                max_per_role: 0,
            },
        )
        .map_err(sim_error)?,
    );
    Ok(Outcome {
        comparison,
        verdicts,
        sensitivity,
        recommendation,
        source,
    })
}

async fn start_structure(
    State(s): State<AppState>,
    v: Viewer,
    Form(kv): Form<Vec<(String, String)>>,
) -> PageResult {
    may_use(&v)?;
    let kv: BTreeMap<String, String> = kv.into_iter().collect();
    let actor = v.actor.clone();
    let built = or_fail(
        v.lang,
        run(&s, move |app| {
            let plans = app.plans(Some(&actor))?;
            match build_input(app, &actor, &kv) {
                Ok(x) => Ok((plans, Ok(x))),
                Err((AppError::Forbidden(f), _)) => Err(AppError::Forbidden(f)),
                Err(e) => Ok((plans, Err(e))),
            }
        })
        .await,
    )?;
    let (plans, built) = built;
    match built {
        Err((e, form)) => {
            let month = String::new();
            let pg = WhatifPage {
                replay: ReplayForm {
                    from: month.clone(),
                    to: month,
                    ..Default::default()
                },
                replay_error: None,
                replay_result: None,
                plans,
                structure: form,
                structure_error: Some((message(&e), e.field().map(str::to_string))),
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&v, &pg)).into_response())
        }
        Ok((input, _)) => {
            let n = NEXT.fetch_add(1, Ordering::Relaxed);
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.subsec_nanos())
                .unwrap_or(0);
            let id = format!("{n}-{nanos:08x}");
            {
                let mut jobs = JOBS.lock().unwrap_or_else(|p| p.into_inner());
                while jobs.len() >= KEEP {
                    let oldest = jobs
                        .iter()
                        .filter(|(_, j)| j.outcome.is_some())
                        .min_by_key(|(_, j)| j.started)
                        .or_else(|| jobs.iter().min_by_key(|(_, j)| j.started))
                        .map(|(k, _)| k.clone());
                    match oldest {
                        Some(k) => {
                            jobs.remove(&k);
                        }
                        None => break,
                    }
                }
                jobs.insert(
                    id.clone(),
                    Job {
                        owner: v.actor.id.clone(),
                        started: Instant::now(),
                        permille: 0,
                        stage: Stage::Runs,
                        outcome: None,
                    },
                );
            }
            let job = id.clone();
            tokio::task::spawn_blocking(move || {
                let out = simulate(&job, input);
                with_job(&job, |j| {
                    j.permille = 1000;
                    j.stage = Stage::Done;
                    j.outcome = Some(out);
                });
            });
            Ok(Redirect::to(&format!("/whatif/structure/{id}")).into_response())
        }
    }
}

fn stage_name(l: Lang, s: Stage) -> &'static str {
    match s {
        Stage::Runs => l.tr("page-running-the-scenarios"),
        Stage::Verdicts => l.tr("page-verdicts"),
        Stage::Sensitivity => l.tr("page-sensitivity"),
        Stage::Recommendation => l.tr("page-searching-the-best-ratio"),
        Stage::Done => l.tr("page-done"),
    }
}

async fn structure_job(v: Viewer, Path(id): Path<String>) -> PageResult {
    may_use(&v)?;
    let l = v.lang;
    let me = v.actor.id.clone();
    // Render under the lock (the outcome is not cloned); a job is only its owner's.
    let body = {
        let jobs = JOBS.lock().unwrap_or_else(|p| p.into_inner());
        jobs.get(&id).filter(|j| j.owner == me).map(|j| match &j.outcome {
                None => html! {
                    div id="sim-progress" data-refresh="1000" data-state="running" {
                        p { (l.tr("page-computing")) ": " (stage_name(l, j.stage)) ", "
                            (j.permille / 10) " %" }
                        div.progress role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow=(j.permille / 10) {
                            // An SVG bar, not a `style` width: the CSP allows no inline style.
                            (super::shell::bar(j.permille as f64 / 1000.0, l.tr("page-progress")))
                        }
                        p.muted { (l.tr("page-the-page-refreshes-by-itself")) " "
                            (j.started.elapsed().as_secs()) " " (l.tr("page-s-2")) }
                    }
                },
                Some(Err(e)) => html! {
                    div id="sim-progress" data-state="failed" {
                        p.error role="alert" { (message(e)) }
                        p { a href="/whatif#structure" { (l.tr("page-back-to-the-form")) } }
                    }
                },
                Some(Ok(o)) => html! {
                    div id="sim-progress" data-state="done" {
                        p.ok { (l.tr("page-done-2")) ": " (o.comparison.settings.runs) " "
                            (l.tr("page-runs-per-scenario")) ", "
                            (o.comparison.settings.horizon_months) " " (l.tr("page-months")) "; "
                            (l.tr("page-parameters-2")) ": " (o.source) " · "
                            a href="/whatif#structure" { (l.tr("page-new-simulation")) } }
                    }
                    (outcome_view(l, o))
                },
            })
    };
    match body {
        None => Err(failure(
            l,
            &AppError::NotFound {
                entity: "simulation (kept until the server restarts)".into(),
                id,
            },
        )),
        Some(b) => Ok(page(&v, l.tr("page-structure-simulation"), b).into_response()),
    }
}

fn f(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(0.0)
}

fn short_money(l: Lang, x: f64) -> String {
    let a = x.abs();
    let (v, unit) = if a >= 1e6 {
        (x / 1e6, l.tr("page-m"))
    } else if a >= 1e3 {
        (x / 1e3, l.tr("page-k"))
    } else {
        (x, " ₽")
    };
    format!("{}{unit}", format!("{v:.1}").replace('.', ","))
}

fn num(x: f64) -> String {
    format!("{x:.1}").replace('.', ",")
}

fn band_text(b: &Band, money_: bool) -> String {
    let w = |d: Decimal| if money_ { rub(d) } else { num(f(d)) };
    format!("{} ({} … {})", w(b.median), w(b.p10), w(b.p90))
}

fn outcome_view(l: Lang, o: &Outcome) -> Markup {
    let c = &o.comparison;
    let label = |r: &sim::ScenarioResult| l.t(&r.label_ru, &r.label_en).to_string();
    let monthly = |pick: &dyn Fn(&sim::MonthBand) -> Band| -> Vec<Series> {
        c.results
            .iter()
            .map(|r| Series {
                label: label(r),
                points: r
                    .months
                    .iter()
                    .map(|m| {
                        let b = pick(m);
                        (f(b.p10), f(b.median), f(b.p90))
                    })
                    .collect(),
            })
            .collect()
    };
    let diffs: Vec<Series> = c
        .differences
        .iter()
        .map(|d| Series {
            label: {
                let name = |en: &str| {
                    c.results
                        .iter()
                        .find(|r| r.label_en == en)
                        .map(label)
                        .unwrap_or_else(|| en.to_string())
                };
                format!("{} − {}", name(&d.scenario), name(&d.baseline))
            },
            points: d
                .months
                .iter()
                .map(|b| (f(b.p10), f(b.median), f(b.p90)))
                .collect(),
        })
        .collect();
    let cpc: Vec<Series> = c
        .results
        .iter()
        .map(|r| Series {
            label: label(r),
            points: vec![(
                f(r.cost_per_client.p10),
                f(r.cost_per_client.median),
                f(r.cost_per_client.p90),
            )],
        })
        .collect();
    let short_rub = |x: f64| short_money(l, x);
    html! {
        section id="sim-result" {
            @for vd in &o.verdicts {
                p.conclusion class=(if matches!(vd.outcome, sim::Outcome::Pays) { "good" } else { "bad" }) { (l.t(&vd.text_ru, &vd.text_en)) }
            }
            h3 { (l.tr("page-median-and-80-band-by-month")) }
            div.grid.charts {
                figure { figcaption { (l.tr("page-new-clients-a-month")) }
                    (chart::bands("band-new-clients", l.tr("page-new-clients"), &monthly(&|m| m.new_clients), &num)) }
                figure { figcaption { (l.tr("page-collections-a-month")) }
                    (chart::bands("band-collections", l.tr("page-collections-3"), &monthly(&|m| m.collections), &short_rub)) }
                figure { figcaption { (l.tr("page-payroll-a-month")) }
                    (chart::bands("band-payroll", l.tr("page-payroll-2"), &monthly(&|m| m.payroll), &short_rub)) }
                figure { figcaption { (l.tr("page-profit-difference-against-the-baseline")) }
                    (chart::bands("band-profit-difference", l.tr("page-profit-difference"), &diffs, &short_rub)) }
                figure { figcaption { (l.tr("page-cost-per-new-client")) }
                    (chart::ranges("band-cost-per-client", l.tr("page-cost-per-client"), &cpc, &short_rub)) }
            }
            div.scroll { table id="sim-summary" {
                thead { tr {
                    th scope="col" { (l.tr("page-scenario")) }
                    th.num scope="col" { (l.tr("page-new-clients-month")) }
                    th.num scope="col" { (l.tr("page-collections-month")) }
                    th.num scope="col" { (l.tr("page-payroll-month")) }
                    th.num scope="col" { (l.tr("page-cost-per-client")) }
                    th.num scope="col" { (l.tr("page-profit-month")) }
                } }
                tbody {
                    @for r in &c.results {
                        tr {
                            td { (label(r)) }
                            td.num { (band_text(&r.new_clients, false)) }
                            td.num { (band_text(&r.collections, true)) }
                            td.num { (band_text(&r.payroll, true)) }
                            td.num { (band_text(&r.cost_per_client, true)) }
                            td.num { (band_text(&r.profit, true)) }
                        }
                    }
                }
            } }
            p.muted { (l.tr("page-in-a-cell-median-10th-90th")) }
            @for r in &c.results { @for w in &r.warnings { p.warn { (label(r)) ": " (w) } } }
            @if let Some(t) = &o.sensitivity {
                h3 { (l.tr("page-sensitivity-of-the-profit-difference")) }
                p.muted { (t.candidate) " − " (t.baseline) "; " (l.tr("page-each-parameter")) (t.step * Decimal::from(100)) " %; "
                    (l.tr("page-median-now")) ": " (rub(t.base)) }
                div.scroll { table id="sim-sensitivity" {
                    thead { tr {
                        th scope="col" { (l.tr("page-parameter")) }
                        th.num scope="col" { (l.tr("page-value")) }
                        th.num scope="col" { (l.tr("page-lower")) }
                        th.num scope="col" { (l.tr("page-higher")) }
                        th.num scope="col" { (l.tr("page-swing")) }
                    } }
                    tbody {
                        @for r in &t.rows {
                            tr {
                                td { (l.t(&r.label_ru, &r.label_en)) }
                                td.num { (plain(r.value)) }
                                td.num { (plain(r.low_value)) " → " (rub(r.low)) }
                                td.num { (plain(r.high_value)) " → " (rub(r.high)) }
                                td.num { (rub(r.swing)) }
                            }
                        }
                    }
                } }
            }
            @if let Some(r) = &o.recommendation {
                h3 { (l.tr("page-recommended-ratio")) }
                p.conclusion id="sim-recommendation" { (l.t(&r.text_ru, &r.text_en)) }
                p { (l.tr("page-best")) ": " strong { (l.t(&r.best.label_ru, &r.best.label_en)) } " — " (r.best.ratio) "; "
                    (l.tr("page-profit")) " " (band_text(&r.best.profit, true)) }
                div.scroll { table id="sim-candidates" {
                    thead { tr {
                        th scope="col" { (l.tr("page-mix")) }
                        th scope="col" { (l.tr("page-ratio")) }
                        th.num scope="col" { (l.tr("page-profit-month")) }
                        th.num scope="col" { (l.tr("page-new-clients-month")) }
                    } }
                    tbody {
                        @for cd in r.candidates.iter().take(10) {
                            tr {
                                td { (l.t(&cd.label_ru, &cd.label_en)) }
                                td { (cd.ratio) }
                                td.num { (band_text(&cd.profit, true)) }
                                td.num { (band_text(&cd.new_clients, false)) }
                            }
                        }
                    }
                } }
                @if r.candidates.len() > 10 { p.muted { (l.tr("page-showing-the-best-10-of")) " " (count(r.candidates.len() as i64)) } }
            }
        }
    }
}

/// A parameter's unit in the viewer's language (`unit-…` in the catalog; the simulation names
/// its units in English words).
fn unit_name(l: Lang, unit: &str) -> String {
    // Words joined by single dashes: "₽ per new client (…)" is `unit-per-new-client-…`.
    let id = unit
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    let name = baton_catalog::term(l, "unit", &id);
    if name == id { unit.to_string() } else { name }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_amounts() {
        assert_eq!(short_money(Lang::Ru, 1_260_000.0), "1,3 млн ₽");
        assert_eq!(short_money(Lang::En, -45_000.0), "-45,0 k ₽");
        assert_eq!(pct(Some(Decimal::new(125, 1))), "12,5\u{a0}%");
    }
}
