//! The caller's workspace: today's call queue with the next company up front, outcomes in one
//! click, the warm-lead checklist and handoff, "my leads" with their fate, and the lead card
//! (shared with the sales manager, who gets the deal's actions on it).

use super::listing::{self, Cell, ListQuery, Listing, col};
use super::shell::{
    Lang, PageResult, Viewer, date_str, done, failure, form_error, message, money, or_fail, page,
    respond, run, urlencode,
};
use crate::AppState;
use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use baton_app::conveyor::calls::{NewCall, QueueItem};
use baton_app::conveyor::leads::{HandOffRequest, LeadQuery, LeadView, NewLead};
use baton_app::conveyor::tasks::TaskView;
use baton_app::{Actor, App, AppError, Paging};
use baton_domain::config::AssignmentRule;
use baton_domain::lead::Answers;
use baton_domain::{ConveyorConfig, RuleError};
use baton_store::records::{CallList, Handoff, LeadRow};
use maud::{Markup, html};
use serde::Deserialize;
use std::collections::{BTreeSet, HashMap};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/calls", get(calls))
        .route("/calls/list/{id}", get(calls_of_list))
        .route("/calls/log", post(log_outcome))
        .route("/leads/mine", get(my_leads))
        .route("/leads/{id}", get(lead_card))
        .route("/leads/{id}/handoff", get(handoff_form).post(hand_off))
}

// ---- shared with the seller's pages ----

/// The outcomes a call may have, in the order of their keyboard shortcuts.
pub(crate) const OUTCOMES: [&str; 6] = [
    "dm_interested",
    "dm_callback",
    "dm_not_interested",
    "no_answer",
    "gatekeeper",
    "wrong_contact",
];

pub(crate) fn outcome_name(l: Lang, o: &str) -> String {
    let name = baton_catalog::term(l, "outcome", o);
    if o == "dm_interested" {
        format!("{name} → {}", baton_catalog::t(l, "outcome-warm-lead"))
    } else {
        name
    }
}

pub(crate) fn stage_name(l: Lang, s: &str) -> String {
    baton_catalog::term(l, "stage", s)
}

pub(crate) fn rule_name(l: Lang, r: &str) -> String {
    baton_catalog::term(l, "rule", r)
}

pub(crate) fn status_name(l: Lang, s: &str) -> String {
    baton_catalog::term(l, "handoff", s)
}

/// The configured rejection reason in the viewer's language, with the typed explanation.
pub(crate) fn reason_text(l: Lang, cfg: &ConveyorConfig, h: &Handoff) -> String {
    let code = h.reason.clone().unwrap_or_default();
    let label = cfg
        .rejection_reasons
        .iter()
        .find(|r| r.code == code)
        .map(|r| l.t(&r.label_ru, &r.label_en).to_string())
        .unwrap_or(code);
    match h.reason_text.as_deref().filter(|t| !t.trim().is_empty()) {
        Some(t) => format!("{label}: {t}"),
        None => label,
    }
}

pub(crate) fn answers_of(row: &LeadRow) -> Answers {
    serde_json::from_str(row.checklist.text()).unwrap_or_default()
}

/// Everyone's name by id (colleagues' names are visible to every role).
pub(crate) fn people_names(app: &App, a: &Actor) -> Result<HashMap<String, String>, AppError> {
    let mut out = HashMap::new();
    let mut page = 1;
    loop {
        let p = app.employees(
            a,
            None,
            Paging {
                page,
                per_page: 500,
            },
        )?;
        let n = p.items.len();
        for e in p.items {
            out.insert(e.id, e.name);
        }
        if n < 500 || out.len() as i64 >= p.total {
            return Ok(out);
        }
        page += 1;
    }
}

/// Every lead the query finds (the use case pages by 500).
pub(crate) fn all_leads(app: &App, a: &Actor, q: LeadQuery) -> Result<Vec<LeadRow>, AppError> {
    let mut out = Vec::new();
    let mut page = 1;
    loop {
        let p = app.leads(
            a,
            q.clone(),
            Paging {
                page,
                per_page: 500,
            },
        )?;
        let n = p.items.len();
        out.extend(p.items);
        if n < 500 || out.len() as i64 >= p.total {
            return Ok(out);
        }
        page += 1;
    }
}

/// A one-time error after a redirect (`?err=`), the red twin of `done`.
pub(crate) fn back_with_error(to: &str, msg: &str) -> Response {
    let sep = if to.contains('?') { '&' } else { '?' };
    crate::security::see_other(&format!("{to}{sep}err={}", urlencode(msg)))
}

/// The query parameter `key` of the current request.
pub(crate) fn param(v: &Viewer, key: &str) -> Option<String> {
    let (_, q) = v.here.split_once('?')?;
    serde_urlencoded::from_str::<Vec<(String, String)>>(q)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v)
        .filter(|v| !v.is_empty())
}

/// A page a role may not open; `what` is the catalog's `act-{what}`.
pub(crate) fn forbidden(v: &Viewer, what: &str) -> Response {
    failure(v.lang, &super::shell::refused(what))
}

// ---- the call queue ----

#[derive(Deserialize, Default)]
struct CallsQ {
    list: Option<String>,
}

struct Queue {
    /// Callbacks due now, soonest first; the first one's company comes before the list.
    callbacks: Vec<TaskView>,
    callback_first: Option<(TaskView, QueueItem)>,
    /// When a callback is due by default (the next working morning).
    callback_default: String,
    lists: Vec<(CallList, usize)>,
    current: Option<String>,
    items: Vec<QueueItem>,
    regions: HashMap<String, String>,
    people: HashMap<String, String>,
}

/// One list's queue at a path of its own, so the list's sort and page links keep the list.
async fn calls_of_list(
    State(s): State<AppState>,
    v: Viewer,
    Path(id): Path<String>,
    Query(lq): Query<ListQuery>,
) -> PageResult {
    calls(State(s), v, Query(CallsQ { list: Some(id) }), Query(lq)).await
}

fn list_path(id: &str) -> String {
    if id.is_empty() {
        "/calls".to_string()
    } else {
        format!("/calls/list/{}", urlencode(id))
    }
}

async fn calls(
    State(s): State<AppState>,
    v: Viewer,
    Query(cq): Query<CallsQ>,
    Query(lq): Query<ListQuery>,
) -> PageResult {
    if !v.calls() {
        return Err(forbidden(&v, "web-call-queue"));
    }
    let actor = v.actor.clone();
    let wanted = cq.list.clone().filter(|l| !l.is_empty());
    let q = or_fail(
        v.lang,
        run(&s, move |app| {
            let mut lists = Vec::new();
            let mut current: Option<(String, Vec<QueueItem>)> = None;
            for l in app.call_lists(&actor)? {
                // Counted for every list; the companies (with contacts and history) are read
                // for the list on screen only, one page and the next company ahead.
                let n = app.call_list_remaining(&actor, &l.id)? as usize;
                let pick = match &wanted {
                    Some(w) => *w == l.id,
                    None => current.is_none() && n > 0,
                };
                if pick {
                    current = Some((l.id.clone(), app.call_queue(&actor, &l.id, 51)?));
                }
                lists.push((l, n));
            }
            if let (Some(w), None) = (&wanted, &current) {
                return Err(AppError::not_found("call list", w));
            }
            let regions = app.regions()?.into_iter().map(|r| (r.id, r.name)).collect();
            let people = people_names(app, &actor)?;
            let (current, items) = match current {
                Some((id, items)) => (Some(id), items),
                None => (None, vec![]),
            };
            let callbacks = app.callbacks_due(&actor)?;
            // The first due callback the caller can still open comes before the list.
            let callback_first = match callbacks.iter().find(|t| t.company_visible) {
                Some(t) => Some((t.clone(), app.callback_item(&actor, &t.task.company_id)?)),
                None => None,
            };
            let tz = app.config()?.tz();
            let callback_default =
                baton_app::clock::stamp(baton_domain::task::next_working_morning(app.now(), tz));
            Ok(Queue {
                callbacks,
                callback_first,
                callback_default,
                lists,
                current,
                items,
                regions,
                people,
            })
        })
        .await,
    )?;
    let l = v.lang;
    let list_id = q.current.clone().unwrap_or_default();
    let here = list_path(&list_id);
    let rest: Vec<Vec<Cell>> = q
        .items
        .iter()
        .skip(1)
        .map(|it| {
            let phone = it
                .contacts
                .iter()
                .find_map(|c| c.phone.clone())
                .unwrap_or_default();
            let last = it
                .last_calls
                .first()
                .map(|a| {
                    format!(
                        "{} · {}",
                        date_str(&a.occurred_at),
                        a.outcome
                            .as_deref()
                            .map(|o| outcome_name(l, o))
                            .unwrap_or_else(|| baton_catalog::term(l, "activity", &a.kind))
                    )
                })
                .unwrap_or_default();
            vec![
                Cell::Count(it.item.position + 1),
                Cell::Link(
                    format!("/companies/{}", it.company.id),
                    it.company.name.clone(),
                ),
                Cell::Text(it.company.inn.clone()),
                Cell::Text(
                    q.regions
                        .get(&it.company.region_id)
                        .cloned()
                        .unwrap_or_default(),
                ),
                if phone.is_empty() {
                    Cell::Text(String::new())
                } else {
                    Cell::Html(html! { a href=(format!("tel:{phone}")) { (phone) } }, phone)
                },
                Cell::Text(last),
            ]
        })
        .collect();
    let table = listing::show(
        l,
        &here,
        &lq,
        Listing {
            name: "queue",
            columns: vec![
                col("pos", l.tr("page-no")),
                col("company", l.tr("page-company")),
                col("inn", l.tr("page-inn")),
                col("region", l.tr("page-region")),
                col("phone", l.tr("page-phone")),
                col("last", l.tr("page-last-call")),
            ],
            rows: rest,
            filters: None,
            default_sort: None,
        },
    )?;
    let body = html! {
        @if let Some(e) = param(&v, "err") { p.error role="alert" { (e) } }
        @if q.lists.is_empty() {
            p.muted { (l.tr("page-you-have-no-call-lists-yet")) }
        } @else {
            nav.lists aria-label=(l.tr("page-call-lists")) {
                @for (cl, n) in &q.lists {
                    @let href = list_path(&cl.id);
                    @if Some(&cl.id) == q.current.as_ref() {
                        a.list-tab href=(href) aria-current="page" { (cl.name) " " span.badge { (n) } }
                    } @else {
                        a.list-tab href=(href) { (cl.name) " " span.badge { (n) } }
                    }
                }
            }
        }
        @if let Some((cb, first)) = &q.callback_first {
            section.callbacks id="callbacks-due" {
                h2 { (l.tr("page-callbacks-due")) " " span.badge { (q.callbacks.len()) } }
                p { b { (date_str(&cb.task.due_at)) } @if let Some(n) = &cb.task.note { " — " i { (n) } } }
                (next_company(l, first, &list_id, &q.regions, &q.people, &q.callback_default))
                @if q.callbacks.len() > 1 {
                    ul.callbacks-rest {
                        @for t in q.callbacks.iter().filter(|t| t.task.id != cb.task.id) {
                            li {
                                (date_str(&t.task.due_at)) " · "
                                @if t.company_visible {
                                    a href=(format!("/companies/{}", t.task.company_id)) { (t.company_name) }
                                } @else { (t.company_name) }
                                @if let Some(ph) = &t.phone { " · " a.phone href=(format!("tel:{ph}")) { (super::shell::phone_str(ph)) } }
                            }
                        }
                    }
                }
            }
            @if let Some(next) = q.items.first() {
                h2 { (l.tr("page-next-in-the-queue")) }
                p { a href=(format!("/companies/{}", next.company.id)) { (next.company.name) } }
            }
        } @else if let Some(next) = q.items.first() {
            (next_company(l, next, &list_id, &q.regions, &q.people, &q.callback_default))
            h2 { (l.tr("page-next-in-the-queue")) }
            (table)
        } @else if !q.lists.is_empty() {
            p.ok id="queue-empty" { (l.tr("page-this-list-is-done-every-company")) }
        }
    };
    Ok(respond(page(&v, l.tr("page-call-queue"), body)))
}

fn next_company(
    l: Lang,
    it: &QueueItem,
    list_id: &str,
    regions: &HashMap<String, String>,
    people: &HashMap<String, String>,
    callback_default: &str,
) -> Markup {
    let c = &it.company;
    html! {
        section.card.next-company id="next-company" aria-labelledby="next-name" {
            p.muted { (l.tr("page-next-company")) }
            h2 id="next-name" { a href=(format!("/companies/{}", c.id)) { (c.name) } }
            p {
                (l.tr("page-inn")) " " b.inn { (c.inn) }
                " · " (regions.get(&c.region_id).cloned().unwrap_or_default())
                @if let Some(ind) = &c.industry { " · " (baton_catalog::term(l, "industry", ind)) }
            }
            div.grid {
                div {
                    h3 { (l.tr("page-contacts")) }
                    @if it.contacts.is_empty() {
                        p.muted { (l.tr("page-no-contacts-ask-the-gatekeeper-for")) }
                    }
                    ul.contacts {
                        @for ct in &it.contacts {
                            li {
                                b { (ct.name) }
                                @if let Some(p) = &ct.position { ", " (p) }
                                @if ct.is_dm { " " span.badge.good { (l.tr("page-dm")) } }
                                @if let Some(ph) = &ct.phone { br; a.phone href=(format!("tel:{ph}")) { (super::shell::phone_str(ph)) } }
                                @if let Some(em) = &ct.email { br; a href=(format!("mailto:{em}")) { (em) } }
                            }
                        }
                    }
                }
                div {
                    h3 { (l.tr("page-history")) }
                    @if it.last_calls.is_empty() {
                        p.muted { (l.tr("page-not-called-yet")) }
                    }
                    ul.history {
                        @for a in &it.last_calls {
                            li {
                                (date_str(&a.occurred_at)) " · "
                                (people.get(&a.actor_id).cloned().unwrap_or_default()) " · "
                                @if let Some(o) = &a.outcome { (outcome_name(l, o)) } @else { (baton_catalog::term(l, "activity", &a.kind)) }
                                @if let Some(n) = &a.note { " — " i { (n) } }
                            }
                        }
                    }
                }
            }
            h3 { (l.tr("page-call-outcome")) }
            div.outcomes {
                @for (i, o) in OUTCOMES.iter().enumerate() {
                    form.inline method="post" action="/calls/log" {
                        input type="hidden" name="company_id" value=(c.id);
                        input type="hidden" name="list" value=(list_id);
                        input type="hidden" name="outcome" value=(o);
                        @let key = (i + 1).to_string();
                        @let cls = if *o == "dm_interested" { "outcome warm" } else if o.starts_with("dm_") { "outcome" } else { "outcome secondary" };
                        @if *o == "dm_callback" {
                            // The caller says when: the callback becomes their task.
                            label.callback-at { (l.tr("page-callback-when")) " "
                                input type="datetime-local" name="callback_at" id="callback-at" required
                                    value=(super::shell::local_input(callback_default));
                            }
                            " "
                        }
                        button class=(cls) type="submit" id=(format!("outcome-{o}")) data-key=(key) {
                            kbd { (key) } " " (outcome_name(l, o))
                        }
                    }
                }
            }
        }
    }
}

#[derive(Deserialize, Default)]
struct OutcomeForm {
    #[serde(default)]
    company_id: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    list: String,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    callback_at: Option<String>,
}

enum Logged {
    Handoff(String),
    Card(String),
    Back,
}

async fn log_outcome(
    State(s): State<AppState>,
    v: Viewer,
    Form(f): Form<OutcomeForm>,
) -> PageResult {
    if !v.calls() {
        return Err(forbidden(&v, "web-log-calls"));
    }
    let l = v.lang;
    let back = list_path(&f.list);
    let actor = v.actor.clone();
    let warm = f.outcome == "dm_interested";
    let (company_id, outcome, note) = (f.company_id.clone(), f.outcome.clone(), f.note.clone());
    let callback_at = f.callback_at.clone();
    let r = run(&s, move |app| {
        app.log_call(
            &actor,
            NewCall {
                company_id: company_id.clone(),
                outcome,
                duration_sec: 0,
                note,
                lead_id: None,
                callback_at,
            },
        )?;
        if !warm {
            return Ok(Logged::Back);
        }
        let lead = match app.open_lead(
            &actor,
            NewLead {
                company_id: company_id.clone(),
                ..Default::default()
            },
        ) {
            Ok(lead) => lead,
            Err(AppError::Invalid {
                code: "lead_exists",
                text,
                ..
            }) => {
                // Reuse the company's open lead when it is this person's.
                let card = app.company_card(&actor, &company_id)?;
                match card
                    .leads
                    .into_iter()
                    .find(|x| x.stage != "won" && x.stage != "lost" && x.owner_id == actor.id)
                {
                    Some(x) => x,
                    None => return Err(AppError::State(text)),
                }
            }
            Err(e) => return Err(e),
        };
        Ok(if lead.stage == "working" {
            Logged::Handoff(lead.id)
        } else {
            Logged::Card(lead.id)
        })
    })
    .await;
    Ok(match r {
        Ok(Logged::Handoff(id)) => done(
            &format!("/leads/{id}/handoff"),
            l.tr("page-call-logged-fill-in-the-warm"),
        ),
        Ok(Logged::Card(id)) => done(
            &format!("/leads/{id}"),
            l.tr("page-call-logged-lead-opened"),
        ),
        Ok(Logged::Back) => done(
            &back,
            &format!(
                "{}: {}",
                l.tr("page-call-logged"),
                outcome_name(l, &f.outcome)
            ),
        ),
        Err(e) => back_with_error(&back, &message(&e)),
    })
}

// ---- the warm-lead checklist and handoff 1 ----

struct HandoffPage {
    view: LeadView,
    cfg: ConveyorConfig,
    region_people: Vec<(String, String)>,
}

async fn load_handoff(s: &AppState, v: &Viewer, id: String) -> Result<HandoffPage, Response> {
    let actor = v.actor.clone();
    or_fail(
        v.lang,
        run(s, move |app| {
            let view = app.lead(&actor, &id)?;
            let cfg = app.config()?;
            let region_people = if cfg.assignment_rule == AssignmentRule::Manual {
                let mut out = Vec::new();
                let p = app.employees(
                    &actor,
                    Some(&view.lead.region_id),
                    Paging {
                        page: 1,
                        per_page: 500,
                    },
                )?;
                for e in p.items.into_iter().filter(|e| e.active) {
                    out.push((e.id, e.name));
                }
                out
            } else {
                vec![]
            };
            Ok(HandoffPage {
                view,
                cfg,
                region_people,
            })
        })
        .await,
    )
}

fn handoff_page(
    v: &Viewer,
    hp: &HandoffPage,
    typed: &Answers,
    receiver: &str,
    error: Option<&str>,
    missing: &BTreeSet<String>,
) -> Markup {
    let l = v.lang;
    let lead = &hp.view.lead;
    let mine = lead.stage == "working" && lead.owner_id == v.actor.id;
    let body = html! {
        p {
            (l.tr("page-company")) ": "
            a href=(format!("/companies/{}", lead.company_id)) { (hp.view.company_name) }
            " · " a href=(format!("/leads/{}", lead.id)) { (l.tr("page-lead-card")) }
        }
        @if let Some(last) = &lead.last_rejection {
            p.warn { (l.tr("page-the-lead-was-rejected")) ": " (last) }
        }
        @if !mine {
            p.muted { (l.tr("page-this-lead-is-not-with-you")) }
        } @else {
            (form_error(error))
            form.stack.card id="handoff-form" method="post" action=(format!("/leads/{}/handoff", lead.id)) {
                p.muted { (l.tr("page-every-required-item-must-be-filled")) }
                @for item in &hp.cfg.warm_lead_checklist {
                    @let label = l.t(&item.label_ru, &item.label_en);
                    @let value = typed.get(&item.key).cloned().unwrap_or_default();
                    @let fid = format!("item-{}", item.key);
                    div class=(if missing.contains(&item.key) { "field missing" } else { "field" }) id=(format!("wrap-{}", item.key)) {
                        label for=(fid) {
                            (label)
                            @if item.required { " " abbr title=(l.tr("page-required")) { "*" } }
                        }
                        textarea id=(fid) name=(item.key) rows="2" { (value) }
                        @if missing.contains(&item.key) {
                            span.error { (l.tr("page-fill-in-this-item")) }
                        }
                    }
                }
                // When the agreed next step happens: the sales manager's task on accepting.
                @if hp.cfg.warm_lead_checklist.iter().any(|i| i.key == "next_step") {
                    div.field {
                        label for="item-next_step_at" { (l.tr("page-next-step-at")) }
                        input type="datetime-local" id="item-next_step_at" name="next_step_at"
                            value=(typed.get("next_step_at").cloned().unwrap_or_default());
                    }
                }
                @if hp.cfg.assignment_rule == AssignmentRule::Manual {
                    div class=(if missing.contains("receiver_id") { "field missing" } else { "field" }) {
                        label for="receiver_id" { (l.tr("page-hand-to")) }
                        select id="receiver_id" name="receiver_id" {
                            option value="" { "—" }
                            @for (id, name) in &hp.region_people {
                                option value=(id) selected[id == receiver] { (name) }
                            }
                        }
                    }
                }
                button type="submit" id="handoff-submit" { (l.tr("page-hand-to-a-sales-manager")) }
            }
        }
    };
    page(v, l.tr("page-warm-lead-checklist"), body)
}

async fn handoff_form(State(s): State<AppState>, v: Viewer, Path(id): Path<String>) -> PageResult {
    let hp = load_handoff(&s, &v, id).await?;
    let typed = answers_of(&hp.view.lead);
    Ok(respond(handoff_page(
        &v,
        &hp,
        &typed,
        "",
        None,
        &BTreeSet::new(),
    )))
}

async fn hand_off(
    State(s): State<AppState>,
    v: Viewer,
    Path(id): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> PageResult {
    let hp = load_handoff(&s, &v, id.clone()).await?;
    let mut typed = answers_of(&hp.view.lead);
    let mut receiver = String::new();
    for (k, val) in form {
        if k == "receiver_id" {
            receiver = val;
        } else if k == "next_step_at" || hp.cfg.warm_lead_checklist.iter().any(|i| i.key == k) {
            typed.insert(k, val);
        }
    }
    let actor = v.actor.clone();
    let req = HandOffRequest {
        checklist: typed.clone(),
        receiver_id: Some(receiver.clone()).filter(|r| !r.is_empty()),
        override_reason: None,
    };
    let lead_id = id.clone();
    match run(&s, move |app| app.hand_off(&actor, &lead_id, req)).await {
        Ok(r) => Ok(done(
            &format!("/leads/{id}"),
            &format!("{} {}", v.tr("page-lead-handed-to"), r.receiver_name),
        )),
        Err(e) => {
            let missing: BTreeSet<String> = match &e {
                AppError::Rule(RuleError::ChecklistIncomplete { missing }) => {
                    missing.iter().cloned().collect()
                }
                other => other.field().map(str::to_string).into_iter().collect(),
            };
            let msg = match &e {
                AppError::Rule(RuleError::ChecklistIncomplete { missing }) => {
                    let names: Vec<String> = missing
                        .iter()
                        .map(|k| {
                            hp.cfg
                                .warm_lead_checklist
                                .iter()
                                .find(|i| &i.key == k)
                                .map(|i| v.t(&i.label_ru, &i.label_en).to_string())
                                .unwrap_or_else(|| k.clone())
                        })
                        .collect();
                    format!(
                        "{} {}",
                        v.tr("page-not-handed-over-missing"),
                        names.join("; ")
                    )
                }
                other => message(other),
            };
            let status = super::shell::status_of(&e);
            let status = if status == StatusCode::INTERNAL_SERVER_ERROR {
                status
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            Ok((
                status,
                handoff_page(&v, &hp, &typed, &receiver, Some(&msg), &missing),
            )
                .into_response())
        }
    }
}

// ---- my leads ----

#[derive(Deserialize, Default)]
struct StageQ {
    stage: Option<String>,
}

struct MyLead {
    view: LeadView,
}

async fn my_leads(
    State(s): State<AppState>,
    v: Viewer,
    Query(sq): Query<StageQ>,
    Query(lq): Query<ListQuery>,
) -> PageResult {
    if !v.calls() {
        return Err(forbidden(&v, "web-caller-leads"));
    }
    let actor = v.actor.clone();
    let stage = sq.stage.clone().filter(|s| !s.is_empty());
    let st = stage.clone();
    let (leads, cfg, people) = or_fail(
        v.lang,
        run(&s, move |app| {
            let rows = all_leads(
                app,
                &actor,
                LeadQuery {
                    caller_id: Some(actor.id.clone()),
                    stage: st,
                    ..Default::default()
                },
            )?;
            let mut out = Vec::new();
            for r in rows {
                out.push(MyLead {
                    view: app.lead(&actor, &r.id)?,
                });
            }
            Ok((out, app.config()?, people_names(app, &actor)?))
        })
        .await,
    )?;
    let l = v.lang;
    let name = |id: &str| people.get(id).cloned().unwrap_or_default();
    let rows: Vec<Vec<Cell>> = leads
        .iter()
        .map(|m| {
            let lead = &m.view.lead;
            let last = m.view.handoffs.last();
            let receiver = last.map(|h| name(&h.receiver_id)).unwrap_or_default();
            let (fate, cls, reason) = fate(l, &cfg, lead, last);
            vec![
                Cell::Link(format!("/leads/{}", lead.id), m.view.company_name.clone()),
                Cell::Text(stage_name(l, &lead.stage)),
                Cell::Html(
                    html! { span class=(format!("badge {cls}")) { (fate) } },
                    fate.clone(),
                ),
                Cell::Text(receiver),
                Cell::Html(
                    html! { @if !reason.is_empty() { span.reason { (reason) } } },
                    reason.clone(),
                ),
                Cell::Date(lead.updated_at.clone()),
            ]
        })
        .collect();
    let stages = [
        "working", "handed", "accepted", "meeting", "proposal", "contract", "won", "lost",
    ];
    let filters = html! {
        label { span.sr { (l.tr("page-stage")) }
            select name="stage" id="stage-filter" {
                option value="" { (l.tr("page-all-stages")) }
                @for st in stages {
                    option value=(st) selected[stage.as_deref() == Some(st)] { (stage_name(l, st)) }
                }
            }
        }
    };
    let table = listing::show(
        l,
        &v.here,
        &lq,
        Listing {
            name: "my-leads",
            columns: vec![
                col("company", l.tr("page-company")),
                col("stage", l.tr("page-stage")),
                col("fate", l.tr("page-fate")),
                col("receiver", l.tr("page-sales-manager")),
                col("reason", l.tr("page-reason")),
                col("updated", l.tr("page-updated")),
            ],
            rows,
            filters: Some(filters),
            default_sort: Some(("updated", true)),
        },
    )?;
    let body = html! {
        @if let Some(e) = param(&v, "err") { p.error role="alert" { (e) } }
        (table)
    };
    Ok(respond(page(&v, l.tr("page-my-leads"), body)))
}

/// What became of a lead, for the caller: the text, a badge class and the rejection reason.
fn fate(
    l: Lang,
    cfg: &ConveyorConfig,
    lead: &LeadRow,
    last: Option<&Handoff>,
) -> (String, &'static str, String) {
    let rejected = last.filter(|h| h.status == "rejected");
    match lead.stage.as_str() {
        "working" => match rejected {
            Some(h) => (
                l.tr("page-rejected").to_string(),
                "bad",
                reason_text(l, cfg, h),
            ),
            None => (
                l.tr("page-qualifying-with-you").to_string(),
                "",
                String::new(),
            ),
        },
        "handed" => (
            l.tr("page-awaiting-the-sales-manager").to_string(),
            "warn",
            String::new(),
        ),
        "accepted" | "meeting" | "proposal" => {
            (l.tr("page-accepted").to_string(), "good", String::new())
        }
        "contract" => (
            l.tr("page-contract-signed").to_string(),
            "good",
            String::new(),
        ),
        "won" => (
            l.tr("page-converted-client-won").to_string(),
            "good",
            String::new(),
        ),
        "lost" => (
            l.tr("page-deal-lost").to_string(),
            "bad",
            lead.lost_reason.clone().unwrap_or_default(),
        ),
        other => (other.to_string(), "", String::new()),
    }
}

// ---- the lead card ----

/// What the contract form had typed (kept on an error).
#[derive(Default, Clone)]
pub(crate) struct ContractTyped {
    pub number: String,
    pub signed_on: String,
    pub amount: String,
    pub error: Option<String>,
    pub field: Option<String>,
}

pub(crate) struct CardData {
    pub view: LeadView,
    pub cfg: ConveyorConfig,
    pub people: HashMap<String, String>,
    pub today: String,
}

pub(crate) async fn load_card(s: &AppState, v: &Viewer, id: String) -> Result<CardData, Response> {
    let actor = v.actor.clone();
    or_fail(
        v.lang,
        run(s, move |app| {
            let view = app.lead(&actor, &id)?;
            let cfg = app.config()?;
            let today = app.today(&cfg).to_string();
            Ok(CardData {
                view,
                people: people_names(app, &actor)?,
                cfg,
                today,
            })
        })
        .await,
    )
}

async fn lead_card(State(s): State<AppState>, v: Viewer, Path(id): Path<String>) -> PageResult {
    let d = load_card(&s, &v, id).await?;
    Ok(respond(card_page(&v, &d, &ContractTyped::default())))
}

pub(crate) fn card_page(v: &Viewer, d: &CardData, typed: &ContractTyped) -> Markup {
    let l = v.lang;
    let lead = &d.view.lead;
    let name = |id: &str| d.people.get(id).cloned().unwrap_or_else(|| id.to_string());
    let answers = answers_of(lead);
    let last = d.view.handoffs.last();
    let title = format!("{} · {}", l.tr("page-lead"), d.view.company_name);
    let body = html! {
        @if let Some(e) = param(v, "err") { p.error role="alert" { (e) } }
        section.card id="lead-summary" {
            p {
                (l.tr("page-company")) ": "
                a id="lead-company" href=(format!("/companies/{}", lead.company_id)) { (d.view.company_name) }
            }
            p { (l.tr("page-stage")) ": " span.badge id="lead-stage" data-stage=(lead.stage) { (stage_name(l, &lead.stage)) } }
            p { (l.tr("page-owner")) ": " (name(&lead.owner_id)) }
            @if let Some(c) = &lead.caller_id { p { (l.tr("page-caller")) ": " (name(c)) } }
            @if let Some(sm) = &lead.seller_id { p { (l.tr("page-sales-manager")) ": " (name(sm)) } }
            @if let Some(a) = lead.amount { p { (l.tr("page-amount")) ": " b { (money(a)) } } }
            @if let Some(r) = &lead.last_rejection { p.warn { (l.tr("page-last-rejection")) ": " (r) } }
            @if let Some(r) = &lead.lost_reason { p.bad { (l.tr("page-lost-because")) ": " (r) } }
            p.muted { (l.tr("page-opened")) " " (date_str(&lead.created_at)) " · " (l.tr("page-updated-2")) " " (date_str(&lead.updated_at)) }
            @if lead.stage == "working" && lead.owner_id == v.actor.id && lead.caller_id.as_deref() == Some(v.actor.id.as_str()) {
                p { a.button href=(format!("/leads/{}/handoff", lead.id)) id="to-handoff" { (l.tr("page-fill-in-the-checklist-and-hand")) } }
            }
        }
        @if let Some(h) = last {
            section.card id="handoff-result" {
                h2 { (l.tr("page-handoff")) }
                p {
                    (l.tr("page-received-by")) ": " b.receiver { (name(&h.receiver_id)) }
                    " · " (l.tr("page-rule")) ": " span.rule { (rule_name(l, &h.rule)) }
                    " · " span class=(format!("badge {}", match h.status.as_str() { "accepted" => "good", "rejected" => "bad", "pending" => "warn", _ => "" })) { (status_name(l, &h.status)) }
                }
                p.explanation { (super::shell::handoff_why(l, h)) }
                @if h.status == "pending" {
                    p { (l.tr("page-accept-by")) ": " (date_str(&h.due_at)) }
                }
                @if h.status == "rejected" {
                    p.error { (l.tr("page-rejection-reason")) ": " (reason_text(l, &d.cfg, h)) }
                }
            }
        }
        section.card id="lead-checklist" {
            h2 { (l.tr("page-warm-lead-checklist")) }
            dl {
                @for item in &d.cfg.warm_lead_checklist {
                    dt { (l.t(&item.label_ru, &item.label_en)) }
                    dd { @match answers.get(&item.key).filter(|a| !a.trim().is_empty()) {
                        Some(a) => (a),
                        None => span.muted { "—" },
                    } }
                }
            }
        }
        @if !d.view.handoffs.is_empty() {
            section id="handoff-history" {
                h2 { (l.tr("page-handoff-history")) }
                div.scroll { table {
                    thead { tr {
                        th scope="col" { (l.tr("page-when")) }
                        th scope="col" { (l.tr("page-from")) }
                        th scope="col" { (l.tr("page-to")) }
                        th scope="col" { (l.tr("page-rule-2")) }
                        th scope="col" { (l.tr("page-decision")) }
                        th scope="col" { (l.tr("page-reason")) }
                    } }
                    tbody {
                        @for h in &d.view.handoffs {
                            tr {
                                td { (date_str(&h.created_at)) }
                                td { (name(&h.sender_id)) }
                                td { (name(&h.receiver_id)) }
                                td { (rule_name(l, &h.rule)) br; span.muted { (super::shell::handoff_why(l, h)) } }
                                td { (status_name(l, &h.status)) @if let Some(at) = &h.decided_at { br; span.muted { (date_str(at)) } } }
                                td { @if h.status == "rejected" { (reason_text(l, &d.cfg, h)) } }
                            }
                        }
                    }
                } }
            }
        }
        @if lead.stage == "handed" && lead.seller_id.as_deref() == Some(v.actor.id.as_str()) {
            section.card id="lead-decide" {
                h2 { (l.tr("page-your-decision")) }
                (super::seller::decide_forms(l, &d.cfg, &lead.id))
            }
        }
        @if v.sells() && lead.owner_id == v.actor.id {
            (super::seller::deal_actions(v, d, typed))
        }
    };
    page(v, &title, body)
}
