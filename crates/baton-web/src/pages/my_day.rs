//! «Мой день» (issue 18): a person's open tasks — callbacks promised, next steps owed, payments
//! to collect — past due first, then today's and tomorrow's, each with the button that closes
//! it. A company's card sets a task with `task_form`.

use super::caller::back_with_error;
use super::shell::{
    PageResult, Viewer, date_str, done, local_input, message, or_fail, page, phone_str, respond,
    run, time_str,
};
use crate::AppState;
use axum::Router;
use axum::extract::{Form, Path, State};
use axum::routing::{get, post};
use baton_app::conveyor::tasks::{CloseTask, MyDay, NewTask, TaskView};
use baton_catalog::Lang;
use baton_domain::task::TASK_KINDS;
use maud::{Markup, html};
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/my/day", get(my_day))
        .route("/tasks", post(add))
        .route("/tasks/{id}/close", post(close))
        .route("/tasks/promise", post(promise))
}

/// A task kind's name in the viewer's language.
pub fn kind_name(l: Lang, kind: &str) -> String {
    baton_catalog::term(l, "task", kind)
}

async fn my_day(State(s): State<AppState>, v: Viewer) -> PageResult {
    let l = v.lang;
    let actor = v.actor.clone();
    let day: MyDay = or_fail(l, run(&s, move |app| app.my_day(&actor)).await)?;
    let empty = day.overdue.is_empty() && day.today.is_empty() && day.tomorrow.is_empty();
    let body = html! {
        @if let Some(e) = super::caller::param(&v, "err") { p.error role="alert" { (e) } }
        p.explain { (l.tr("page-my-day-explain")) }
        div data-watch="tasks" data-count=(v.queues.tasks) {
            @if empty {
                p.ok id="my-day-empty" { (l.tr("page-my-day-none")) }
            }
            (section(l, "overdue", l.tr("page-my-day-overdue"), &day.overdue, true))
            (section(l, "today", l.tr("page-my-day-today"), &day.today, false))
            (section(l, "tomorrow", l.tr("page-my-day-tomorrow"), &day.tomorrow, false))
            @if day.later > 0 {
                p.muted id="my-day-later" { (l.tr("page-my-day-later")) ": " (day.later) }
            }
        }
    };
    Ok(respond(page(&v, l.tr("nav-my-day"), body)))
}

fn section(l: Lang, id: &str, title: &str, tasks: &[TaskView], with_date: bool) -> Markup {
    html! {
        @if !tasks.is_empty() {
            section id=(format!("tasks-{id}")) {
                h2 { (title) " " span.badge { (tasks.len()) } }
                ul.tasks {
                    @for tv in tasks { (task_item(l, tv, with_date, "/my/day")) }
                }
            }
        }
    }
}

/// One open task with its buttons; `back` is the page the buttons return to.
pub fn task_item(l: Lang, tv: &TaskView, with_date: bool, back: &str) -> Markup {
    let t = &tv.task;
    html! {
        li.task.card id=(format!("task-{}", t.id)) data-kind=(t.kind) {
            p {
                b.when { @if with_date { (date_str(&t.due_at)) } @else { (time_str(&t.due_at)) } }
                " · " (kind_name(l, &t.kind)) " · "
                @if tv.company_visible {
                    a href=(format!("/companies/{}", t.company_id)) { (tv.company_name) }
                } @else { (tv.company_name) }
                @if let Some(ph) = &tv.phone { " · " a.phone href=(format!("tel:{ph}")) { (phone_str(ph)) } }
                @if let (Some(id), Some(n)) = (&t.invoice_id, &tv.invoice_number) {
                    " · " @if tv.company_visible {
                        a href=(format!("/records/invoices/{id}")) { (l.tr("page-invoice-no")) " " (n) }
                    } @else { (l.tr("page-invoice-no")) " " (n) }
                }
                @if let (Some(lead), true) = (&t.lead_id, tv.company_visible) { " · " a href=(format!("/leads/{lead}")) { (l.tr("page-my-day-lead")) } }
            }
            @if let Some(n) = &t.note { p.note { (n) } }
            form.inline method="post" action=(format!("/tasks/{}/close", t.id)) {
                input type="hidden" name="back" value=(back);
                label.sr for=(format!("result-{}", t.id)) { (l.tr("page-my-day-result")) }
                input type="text" name="result" id=(format!("result-{}", t.id)) maxlength="2000"
                    placeholder=(l.tr("page-my-day-result"));
                button type="submit" name="outcome" value="done" id=(format!("done-{}", t.id)) { (l.tr("page-my-day-done")) }
                " "
                button.secondary type="submit" name="outcome" value="cancelled" id=(format!("cancel-{}", t.id)) { (l.tr("page-my-day-cancel")) }
            }
        }
    }
}

/// The «set a task» form of a company's card: what, when (company time), a note.
pub fn task_form(l: Lang, company_id: &str, default_due: &str) -> Markup {
    html! {
        form.task-form method="post" action="/tasks" id="task-form" {
            input type="hidden" name="company_id" value=(company_id);
            label { (l.tr("page-task-kind")) " "
                select name="kind" id="task-kind" {
                    @for k in TASK_KINDS { option value=(k) { (kind_name(l, k)) } }
                }
            }
            " "
            label { (l.tr("page-task-due")) " "
                input type="datetime-local" name="due_at" id="task-due" required value=(local_input(default_due));
            }
            " "
            label { (l.tr("page-task-note")) " "
                input type="text" name="note" id="task-note" maxlength="2000";
            }
            " "
            button type="submit" id="task-add" { (l.tr("page-task-add")) }
        }
    }
}

/// «Promised to pay»: which open invoice and on which day; a task for the client's manager.
pub fn promise_form(l: Lang, company_id: &str, invoices: &[(&str, &str)], today: &str) -> Markup {
    html! {
        form.inline method="post" action="/tasks/promise" id="promise-form" {
            input type="hidden" name="company_id" value=(company_id);
            h3 { (l.tr("page-promise-to-pay")) }
            label { (l.tr("page-invoice-no")) " "
                select name="invoice_id" id="promise-invoice" {
                    @for (id, number) in invoices { option value=(id) { (number) } }
                }
            }
            " "
            label { (l.tr("page-promise-on")) " "
                input type="date" name="on" id="promise-on" required min=(today) value=(today);
            }
            " "
            label { (l.tr("page-task-note")) " "
                input type="text" name="note" id="promise-note" maxlength="2000";
            }
            " "
            button type="submit" id="promise-add" { (l.tr("page-promise-add")) }
        }
    }
}

#[derive(Deserialize, Default)]
struct PromiseForm {
    #[serde(default)]
    company_id: String,
    #[serde(default)]
    invoice_id: String,
    #[serde(default)]
    on: String,
    #[serde(default)]
    note: Option<String>,
}

async fn promise(State(s): State<AppState>, v: Viewer, Form(f): Form<PromiseForm>) -> PageResult {
    let l = v.lang;
    let back = company_back(&f.company_id);
    let actor = v.actor.clone();
    let r = run(&s, move |app| {
        let t = app.promise_to_pay(&actor, &f.invoice_id, &f.on, f.note)?;
        let owner = app.employee(&t.owner_id)?.name;
        Ok((t, owner))
    })
    .await;
    Ok(match r {
        Ok((t, owner)) => done(
            &format!("/companies/{}", super::shell::urlencode(&t.company_id)),
            &format!(
                "{} {owner}, {}",
                l.tr("page-promise-added"),
                date_str(&t.due_at)
            ),
        ),
        Err(e) => back_with_error(&back, &message(&e)),
    })
}

/// A company card to return to, from a form's hidden field: only an id, never a whole URL
/// (the field is the sender's to change); «Мой день» otherwise.
fn company_back(id: &str) -> String {
    let safe = !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if safe {
        format!("/companies/{id}")
    } else {
        "/my/day".into()
    }
}

#[derive(Deserialize, Default)]
struct AddForm {
    #[serde(default)]
    company_id: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    due_at: String,
    #[serde(default)]
    note: Option<String>,
}

async fn add(State(s): State<AppState>, v: Viewer, Form(f): Form<AddForm>) -> PageResult {
    let l = v.lang;
    let back = company_back(&f.company_id);
    let actor = v.actor.clone();
    let r = run(&s, move |app| {
        app.add_task(
            &actor,
            NewTask {
                kind: f.kind,
                due_at: f.due_at,
                company_id: f.company_id,
                note: f.note,
                ..Default::default()
            },
        )
    })
    .await;
    Ok(match r {
        Ok(t) => done(
            &back,
            &format!("{}: {}", l.tr("page-task-added"), date_str(&t.due_at)),
        ),
        Err(e) => back_with_error(&back, &message(&e)),
    })
}

#[derive(Deserialize, Default)]
struct CloseForm {
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    result: Option<String>,
    #[serde(default)]
    back: String,
}

async fn close(
    State(s): State<AppState>,
    v: Viewer,
    Path(id): Path<String>,
    Form(f): Form<CloseForm>,
) -> PageResult {
    let l = v.lang;
    // Only our own pages: a redirect target is never taken from the form as it is.
    let back = f
        .back
        .strip_prefix("/companies/")
        .map_or_else(|| "/my/day".to_string(), company_back);
    let actor = v.actor.clone();
    let req = CloseTask {
        outcome: f.outcome.clone(),
        result: f.result.clone(),
    };
    let r = run(&s, move |app| app.close_task(&actor, &id, req)).await;
    Ok(match r {
        Ok(t) => done(
            &back,
            &format!(
                "{} {}",
                l.tr(if t.outcome.as_deref() == Some("done") {
                    "page-task-done"
                } else {
                    "page-task-cancelled"
                }),
                kind_name(l, &t.kind)
            ),
        ),
        Err(e) => back_with_error(&back, &message(&e)),
    })
}
