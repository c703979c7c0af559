//! The sales manager's workspace: incoming warm leads with the acceptance countdown, the
//! pipeline board (drag and drop, and a list for the keyboard), and the deal's actions on the
//! lead card (move, lose, sign the first contract).

use super::caller::{
    CardData, ContractTyped, all_leads, back_with_error, card_page, forbidden, load_card, param,
    people_names, stage_name,
};
use super::listing::{self, Cell, ListQuery, Listing, col};
use super::shell::{
    Lang, PageResult, Viewer, count, date_str, done, message, money, or_fail, page, respond, run,
};
use crate::AppState;
use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use baton_app::conveyor::deals::NewContract;
use baton_app::conveyor::leads::{LeadQuery, LeadView};
use baton_app::{AppError, Paging};
use baton_domain::lead::Answers;
use baton_domain::{ConveyorConfig, Money};
use baton_store::records::{Handoff, LeadRow};
use chrono::{DateTime, Utc};
use maud::{Markup, html};
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/inbox", get(inbox))
        .route("/pipeline", get(pipeline))
        .route("/leads/{id}/accept", post(accept))
        .route("/leads/{id}/reject", post(reject))
        .route("/leads/{id}/move", post(move_deal))
        .route("/leads/{id}/lose", post(lose))
        .route("/leads/{id}/contract", post(sign_contract))
}

/// Stages shown as the board's columns: the three a deal is moved between by hand, and the
/// contract stage (reached only by signing; dropping a card there explains how).
const BOARD: [&str; 4] = ["accepted", "meeting", "proposal", "contract"];
const MOVABLE: [&str; 3] = ["accepted", "meeting", "proposal"];

/// Only a path on this site may be a "back" target.
fn safe_back(b: &str, default: &str) -> String {
    crate::security::safe_path(b).unwrap_or(default).to_string()
}

fn parse_instant(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|d| d.with_timezone(&Utc))
}

/// "5 ч 07 мин" left, or how late.
fn time_left(l: Lang, due: &str, now: DateTime<Utc>) -> String {
    let Some(due) = parse_instant(due) else {
        return date_str(due);
    };
    let secs = (due - now).num_seconds();
    let s = secs.unsigned_abs();
    let (h, m) = (s / 3600, (s % 3600) / 60);
    let span = format!("{h} {} {m:02} {}", l.tr("page-h"), l.tr("page-min"));
    if secs < 0 {
        format!("{} {span}", l.tr("page-late-by"))
    } else {
        format!("{} {span}", l.tr("page-left"))
    }
}

// ---- incoming warm leads ----

struct Incoming {
    handoff: Handoff,
    view: LeadView,
}

async fn inbox(State(s): State<AppState>, v: Viewer) -> PageResult {
    if !v.sells() {
        return Err(forbidden(&v, "web-incoming"));
    }
    let actor = v.actor.clone();
    let (items, cfg, people, now) = or_fail(
        v.lang,
        run(&s, move |app| {
            let mut pending = Vec::new();
            let mut page = 1;
            loop {
                let p = app.handoffs(
                    &actor,
                    Some("pending"),
                    Some("lead"),
                    Paging {
                        page,
                        per_page: 500,
                    },
                )?;
                let n = p.items.len();
                let total = p.total;
                pending.extend(p.items);
                if n < 500 || pending.len() as i64 >= total {
                    break;
                }
                page += 1;
            }
            let mut out = Vec::new();
            for h in pending.into_iter().filter(|h| h.receiver_id == actor.id) {
                let Some(lead_id) = h.lead_id.clone() else {
                    continue;
                };
                out.push(Incoming {
                    view: app.lead(&actor, &lead_id)?,
                    handoff: h,
                });
            }
            // The most urgent first.
            out.sort_by(|a, b| a.handoff.due_at.cmp(&b.handoff.due_at));
            Ok((out, app.config()?, people_names(app, &actor)?, app.now()))
        })
        .await,
    )?;
    let l = v.lang;
    let name = |id: &str| people.get(id).cloned().unwrap_or_default();
    let body = html! {
        @if let Some(e) = param(&v, "err") { p.error role="alert" { (e) } }
        @if items.is_empty() {
            p.muted id="inbox-empty" { (l.tr("page-no-incoming-warm-leads")) }
        } @else {
            p { (l.tr("page-waiting-for-your-decision")) ": " b { (count(items.len() as i64)) } }
        }
        div.grid.inbox data-watch="incoming" data-count=(v.queues.incoming) {
            @for it in &items {
                @let lead = &it.view.lead;
                @let h = &it.handoff;
                @let answers: Answers = serde_json::from_str(h.snapshot.text()).unwrap_or_default();
                @let late = parse_instant(&h.due_at).is_some_and(|d| d < now);
                article.card.incoming id=(format!("lead-{}", lead.id)) {
                    h2 { a href=(format!("/leads/{}", lead.id)) { (it.view.company_name) } }
                    p {
                        (l.tr("page-accept-within")) ": "
                        span class=(if late { "countdown late" } else { "countdown" })
                            data-deadline=(h.due_at) data-late=(l.tr("page-late")) {
                            (time_left(l, &h.due_at, now))
                        }
                        " " span.muted { "(" (l.tr("page-until")) " " (date_str(&h.due_at)) ")" }
                    }
                    p {
                        (l.tr("page-from-7")) ": " b { (name(&h.sender_id)) }
                        " · " (l.tr("page-handed-2")) " " (date_str(&h.created_at))
                        " · " (super::caller::rule_name(l, &h.rule))
                    }
                    dl.checklist {
                        @for item in &cfg.warm_lead_checklist {
                            dt { (l.t(&item.label_ru, &item.label_en)) }
                            dd { @match answers.get(&item.key).filter(|a| !a.trim().is_empty()) {
                                Some(a) => (a),
                                None => span.muted { "—" },
                            } }
                        }
                    }
                    (decide_forms(l, &cfg, &lead.id))
                }
            }
        }
    };
    Ok(respond(page(&v, l.tr("page-incoming-warm-leads"), body)))
}

/// Accept, or reject with a configured reason: on the inbox and on the lead card.
pub(crate) fn decide_forms(l: Lang, cfg: &ConveyorConfig, lead_id: &str) -> Markup {
    html! {
        div.decide {
            form.inline method="post" action=(format!("/leads/{}/accept", lead_id)) {
                button type="submit" id=(format!("accept-{}", lead_id)) { (l.tr("page-accept")) }
            }
            form.inline.reject method="post" action=(format!("/leads/{}/reject", lead_id)) {
                label for=(format!("reason-{}", lead_id)) { (l.tr("page-reason-2")) }
                select id=(format!("reason-{}", lead_id)) name="reason" required {
                    option value="" { "—" }
                    @for r in &cfg.rejection_reasons {
                        option value=(r.code) { (l.t(&r.label_ru, &r.label_en)) }
                    }
                }
                label for=(format!("text-{}", lead_id)) class="sr" { (l.tr("page-comment")) }
                input type="text" id=(format!("text-{}", lead_id)) name="text"
                    placeholder=(l.tr("page-comment-required-for-other"));
                button.danger type="submit" id=(format!("reject-{}", lead_id)) { (l.tr("page-reject")) }
            }
        }
    }
}

async fn accept(State(s): State<AppState>, v: Viewer, Path(id): Path<String>) -> PageResult {
    let actor = v.actor.clone();
    let lead_id = id.clone();
    let r = run(&s, move |app| {
        let row = app.accept_lead(&actor, &lead_id)?;
        Ok(app.lead(&actor, &row.id)?.company_name)
    })
    .await;
    Ok(match r {
        Ok(company) => done(
            "/inbox",
            &format!(
                "{} «{company}». {}",
                v.tr("page-lead-accepted"),
                v.tr("page-it-is-in-your-pipeline")
            ),
        ),
        Err(e) => back_with_error("/inbox", &message(&e)),
    })
}

#[derive(Deserialize, Default)]
struct RejectForm {
    #[serde(default)]
    reason: String,
    #[serde(default)]
    text: Option<String>,
}

async fn reject(
    State(s): State<AppState>,
    v: Viewer,
    Path(id): Path<String>,
    Form(f): Form<RejectForm>,
) -> PageResult {
    let actor = v.actor.clone();
    if f.reason.trim().is_empty() {
        return Ok(back_with_error(
            "/inbox",
            v.tr("page-choose-the-reason-for-rejecting"),
        ));
    }
    let r = run(&s, move |app| {
        app.reject_lead(&actor, &id, &f.reason, f.text.as_deref())
    })
    .await;
    Ok(match r {
        Ok(_) => done("/inbox", v.tr("page-lead-rejected-and-returned-to-its")),
        Err(e) => back_with_error("/inbox", &message(&e)),
    })
}

// ---- the pipeline ----

#[derive(Deserialize, Default)]
struct ViewQ {
    view: Option<String>,
    /// A head's board: one person's deals (their id).
    person: Option<String>,
    /// Deals of one source.
    source: Option<String>,
}

/// The sources a board is filtered by.
const SOURCES: [&str; 4] = ["cold_call", "inbound", "referral", "campaign"];

/// The deal's next step as the checklist recorded it, else its expected date.
fn next_step(d: &LeadRow) -> Option<String> {
    let answers: std::collections::BTreeMap<String, String> =
        serde_json::from_str(d.checklist.text()).unwrap_or_default();
    let when = answers
        .get("next_step_at")
        .filter(|t| !t.trim().is_empty())
        .map(|t| {
            chrono::NaiveDateTime::parse_from_str(t.trim(), "%Y-%m-%dT%H:%M")
                .map_or_else(|_| t.clone(), |d| d.format("%d.%m.%Y %H:%M").to_string())
        });
    answers
        .get("next_step")
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .map(|s| match &when {
            Some(w) => format!("{s} ({w})"),
            None => s,
        })
        .or(when.clone())
        .or_else(|| d.expected_on.as_deref().map(date_str))
}

fn days_since(stamp: &str, now: DateTime<Utc>) -> i64 {
    parse_instant(stamp).map_or(0, |t| (now - t).num_days().max(0))
}

async fn pipeline(
    State(s): State<AppState>,
    v: Viewer,
    Query(vq): Query<ViewQ>,
    Query(lq): Query<ListQuery>,
) -> PageResult {
    // Sellers see their own deals; a head (and the director) the region's, by person.
    let leads_dept = v.leads_department();
    if !v.sells() && !leads_dept {
        return Err(forbidden(&v, "web-deals"));
    }
    let actor = v.actor.clone();
    let person = vq.person.clone().filter(|p| !p.is_empty());
    let source = vq.source.clone().filter(|p| SOURCES.contains(&p.as_str()));
    let (person_q, source_q) = (person.clone(), source.clone());
    type Board = (
        Vec<(LeadRow, String)>,
        DateTime<Utc>,
        i64,
        Vec<(String, String)>,
    );
    let (deals, now, stale_days, sellers): Board = or_fail(
        v.lang,
        run(&s, move |app| {
            let owner = if leads_dept {
                person_q
            } else {
                Some(actor.id.clone())
            };
            let rows = all_leads(
                app,
                &actor,
                LeadQuery {
                    owner_id: owner,
                    source: source_q,
                    ..Default::default()
                },
            )?;
            let mut out = Vec::new();
            let mut owners = std::collections::BTreeSet::new();
            for r in rows
                .into_iter()
                .filter(|r| BOARD.contains(&r.stage.as_str()))
            {
                let name = app.lead(&actor, &r.id)?.company_name;
                owners.insert(r.owner_id.clone());
                out.push((r, name));
            }
            // The people whose deals a head may pick.
            let mut sellers = Vec::new();
            if leads_dept {
                for id in owners {
                    if let Ok(e) = app.employee(&id) {
                        sellers.push((id, e.name));
                    }
                }
                sellers.sort_by(|a, b| a.1.cmp(&b.1));
            }
            Ok((out, app.now(), app.alert_rules()?.stale_deal_days, sellers))
        })
        .await,
    )?;
    let mine = |d: &LeadRow| d.owner_id == v.actor.id;
    let l = v.lang;
    let as_list = vq.view.as_deref() == Some("list");
    let total: Money = deals.iter().filter_map(|(d, _)| d.amount).sum();
    let switch = html! {
        p.view-switch {
            @if as_list {
                a href="/pipeline" id="view-board" { (l.tr("page-board")) } " · " b { (l.tr("page-list")) }
            } @else {
                b { (l.tr("page-board")) } " · " a href="/pipeline?view=list" id="view-list" { (l.tr("page-list-keyboard")) }
            }
            " · " (l.tr("page-deals")) ": " (count(deals.len() as i64))
            " · " (l.tr("page-amount")) ": " (money(total))
        }
        form.inline.filters method="get" action="/pipeline" id="board-filters" {
            @if as_list { input type="hidden" name="view" value="list"; }
            @if leads_dept {
                label { span { (l.tr("page-person-2")) " " }
                    select name="person" id="board-person" {
                        option value="" { (l.tr("page-everyone")) }
                        @for (id, name) in &sellers {
                            option value=(id) selected[person.as_deref() == Some(id.as_str())] { (name) }
                        }
                    }
                }
            }
            label { span { (l.tr("page-source")) " " }
                select name="source" id="board-source" {
                    option value="" { (l.tr("page-all")) }
                    @for src in SOURCES {
                        option value=(src) selected[source.as_deref() == Some(src)] { (super::shell::source_name(l, src)) }
                    }
                }
            }
            button type="submit" { (l.tr("page-show")) }
        }
    };
    let content = if as_list {
        let rows: Vec<Vec<Cell>> = deals
            .iter()
            .map(|(d, company)| {
                let days = days_since(&d.updated_at, now);
                let action = if MOVABLE.contains(&d.stage.as_str()) && mine(d) {
                    html! {
                        form.inline method="post" action=(format!("/leads/{}/move", d.id)) {
                            input type="hidden" name="back" value="/pipeline?view=list";
                            label for=(format!("stage-{}", d.id)) class="sr" { (l.tr("page-new-stage")) }
                            select id=(format!("stage-{}", d.id)) name="stage" {
                                @for st in BOARD {
                                    option value=(st) selected[st == d.stage] { (stage_name(l, st)) }
                                }
                            }
                            button type="submit" id=(format!("move-{}", d.id)) { (l.tr("page-move-2")) }
                        }
                    }
                } else {
                    html! { a href=(format!("/leads/{}", d.id)) { (l.tr("page-awaiting-payment-card")) } }
                };
                vec![
                    Cell::Link(format!("/leads/{}", d.id), company.clone()),
                    Cell::Text(stage_name(l, &d.stage)),
                    d.amount.map_or(Cell::Text(String::new()), Cell::Money),
                    Cell::Count(days),
                    Cell::Html(action, String::new()),
                ]
            })
            .collect();
        listing::show(
            l,
            "/pipeline",
            &lq,
            Listing {
                name: "pipeline-list",
                columns: vec![
                    col("company", l.tr("page-company")),
                    col("stage", l.tr("page-stage")),
                    col("amount", l.tr("page-amount")),
                    col("days", l.tr("page-days-in-stage")),
                    col("move", l.tr("page-move-2")),
                ],
                rows,
                filters: Some(html! { input type="hidden" name="view" value="list"; }),
                default_sort: Some(("days", true)),
            },
        )?
    } else {
        html! {
            div.board id="board" {
                @for st in BOARD {
                    @let here: Vec<&(LeadRow, String)> = deals.iter().filter(|(d, _)| d.stage == st).collect();
                    section.column data-stage=(st) aria-label=(stage_name(l, st)) {
                        h2 { span { (stage_name(l, st)) } span.badge { (here.len()) } }
                        @for (d, company) in here {
                            @let days = days_since(&d.updated_at, now);
                            @let stale = days >= stale_days;
                            div.deal.stale[stale] draggable=[mine(d).then_some("true")] data-move=[mine(d).then(|| format!("/leads/{}/move", d.id))] id=(format!("deal-{}", d.id)) {
                                a href=(format!("/leads/{}", d.id)) { (company) }
                                @if let Some(a) = d.amount { div.amount { (money(a)) } }
                                div.muted { (l.tr("page-days-in-stage-2")) ": " (days)
                                    @if stale { " · " strong.bad { (l.tr("page-stale")) } } }
                                @if let Some(step) = next_step(d) {
                                    div.next { (l.tr("page-next-2")) (step) }
                                }
                                div.muted { (super::shell::source_name(l, &d.source))
                                    @if leads_dept && !mine(d) { " · " (sellers.iter().find(|(id, _)| *id == d.owner_id).map(|(_, n)| n.as_str()).unwrap_or("")) } }
                            }
                        }
                    }
                }
            }
            p.muted { (l.tr("page-drag-a-card-to-another-column")) }
        }
    };
    let body = html! {
        @if let Some(e) = param(&v, "err") { p.error role="alert" id="move-error" { (e) } }
        (switch)
        (content)
    };
    Ok(respond(page(&v, l.tr("page-pipeline"), body)))
}

#[derive(Deserialize, Default)]
struct MoveForm {
    #[serde(default)]
    stage: String,
    #[serde(default)]
    back: String,
}

async fn move_deal(
    State(s): State<AppState>,
    v: Viewer,
    Path(id): Path<String>,
    Form(f): Form<MoveForm>,
) -> PageResult {
    let back = safe_back(&f.back, "/pipeline");
    let actor = v.actor.clone();
    let stage = f.stage.clone();
    let r = run(&s, move |app| app.move_lead(&actor, &id, &stage)).await;
    Ok(match r {
        Ok(row) => done(
            &back,
            &format!(
                "{}: {}",
                v.tr("page-deal-moved"),
                stage_name(v.lang, &row.stage)
            ),
        ),
        Err(e) => back_with_error(&back, &message(&e)),
    })
}

#[derive(Deserialize, Default)]
struct LoseForm {
    #[serde(default)]
    reason: String,
}

async fn lose(
    State(s): State<AppState>,
    v: Viewer,
    Path(id): Path<String>,
    Form(f): Form<LoseForm>,
) -> PageResult {
    let actor = v.actor.clone();
    let lead_id = id.clone();
    let r = run(&s, move |app| app.lose_lead(&actor, &lead_id, &f.reason)).await;
    Ok(match r {
        Ok(_) => done("/pipeline", v.tr("page-the-deal-is-closed-as-lost")),
        Err(e) => back_with_error(&format!("/leads/{id}"), &message(&e)),
    })
}

#[derive(Deserialize, Default)]
struct ContractForm {
    #[serde(default)]
    number: String,
    #[serde(default)]
    signed_on: String,
    #[serde(default)]
    amount: String,
}

async fn sign_contract(
    State(s): State<AppState>,
    v: Viewer,
    Path(id): Path<String>,
    Form(f): Form<ContractForm>,
) -> PageResult {
    let typed = ContractTyped {
        number: f.number.clone(),
        signed_on: f.signed_on.clone(),
        amount: f.amount.clone(),
        error: None,
        field: None,
    };
    let amount = if f.amount.trim().is_empty() {
        Err(AppError::invalid(
            "amount",
            v.tr("page-give-the-contract-s-amount"),
        ))
    } else {
        f.amount
            .parse::<Money>()
            .map_err(|_| AppError::invalid("amount", v.tr("page-the-amount-is-not-a-number")))
    };
    let result = match amount {
        Err(e) => Err(e),
        Ok(amount) => {
            let actor = v.actor.clone();
            let lead_id = id.clone();
            let req = NewContract {
                number: Some(f.number.trim().to_string()).filter(|n| !n.is_empty()),
                signed_on: Some(f.signed_on.trim().to_string()).filter(|n| !n.is_empty()),
                amount: Some(amount),
                lines: vec![],
            };
            run(&s, move |app| app.sign_contract(&actor, &lead_id, req)).await
        }
    };
    match result {
        Ok(c) => Ok(done(
            &format!("/companies/{}", c.company_id),
            &format!(
                "{} № {} {} {}",
                v.tr("page-contract"),
                c.number,
                v.tr("page-signed-for"),
                money(c.amount)
            ),
        )),
        // A refusal is the page's whole answer: the form is not even shown to those refused.
        Err(e @ (AppError::Forbidden(_) | AppError::NotFound { .. })) => {
            Err(super::shell::failure(v.lang, &e))
        }
        Err(e) => {
            let d = load_card(&s, &v, id).await?;
            let status = super::shell::status_of(&e);
            let typed = ContractTyped {
                error: Some(message(&e)),
                field: e.field().map(str::to_string),
                ..typed
            };
            let status = if status == StatusCode::INTERNAL_SERVER_ERROR {
                status
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            Ok((status, card_page(&v, &d, &typed)).into_response())
        }
    }
}

/// The deal's actions on the lead card, for its owner: move, sign the first contract, lose.
pub(crate) fn deal_actions(v: &Viewer, d: &CardData, typed: &ContractTyped) -> Markup {
    let l = v.lang;
    let lead = &d.view.lead;
    let open = lead.stage != "won" && lead.stage != "lost";
    let can_move = MOVABLE.contains(&lead.stage.as_str());
    let can_sign = can_move || (lead.stage == "working" && lead.caller_id.is_none());
    let wrap = |field: &str| {
        if typed.field.as_deref() == Some(field) {
            "field missing"
        } else {
            "field"
        }
    };
    let signed_on = if typed.signed_on.is_empty() && typed.error.is_none() {
        d.today.clone()
    } else {
        typed.signed_on.clone()
    };
    html! {
        @if can_move {
            section.card id="deal-move" {
                h2 { (l.tr("page-deal-stage")) }
                form.inline method="post" action=(format!("/leads/{}/move", lead.id)) {
                    input type="hidden" name="back" value=(format!("/leads/{}", lead.id));
                    label for="move-stage" { (l.tr("page-move-to")) }
                    select id="move-stage" name="stage" {
                        @for st in MOVABLE {
                            option value=(st) selected[st == lead.stage] { (stage_name(l, st)) }
                        }
                    }
                    button type="submit" id="move-submit" { (l.tr("page-move-2")) }
                }
            }
        }
        @if can_sign {
            section.card id="contract" {
                h2 { (l.tr("page-first-contract")) }
                @if let Some(e) = &typed.error { p.error role="alert" { (e) } }
                form.stack id="contract-form" method="post" action=(format!("/leads/{}/contract", lead.id)) {
                    div class=(wrap("number")) {
                        label for="contract-number" { (l.tr("page-number-optional-assigned-automatically")) }
                        input type="text" id="contract-number" name="number" value=(typed.number);
                    }
                    div class=(wrap("signed_on")) {
                        label for="contract-signed-on" { (l.tr("page-signed-on-2")) }
                        input type="date" id="contract-signed-on" name="signed_on" value=(signed_on);
                    }
                    div class=(wrap("amount")) {
                        label for="contract-amount" { (l.tr("page-contract-amount")) }
                        input type="text" inputmode="decimal" id="contract-amount" name="amount" value=(typed.amount)
                            placeholder="1 234 567,89" required;
                    }
                    button type="submit" id="contract-submit" { (l.tr("page-record-the-contract")) }
                }
            }
        }
        @if open && lead.stage != "handed" {
            section.card id="deal-lose" {
                h2 { (l.tr("page-lost-2")) }
                form.inline id="lose-form" method="post" action=(format!("/leads/{}/lose", lead.id)) {
                    label for="lose-reason" { (l.tr("page-why")) }
                    input type="text" id="lose-reason" name="reason" required;
                    button.danger type="submit" id="lose-submit" { (l.tr("page-close-as-lost")) }
                }
            }
        }
    }
}
