//! Tasks and reminders (issue 18): a callback the caller promised, the seller's next step after
//! accepting a lead, the payment a client promised. A task belongs to one person and one
//! company; the work that fulfils it (the call, the meeting, the payment) closes it.

use super::{non_empty, visible};
use crate::clock::{parse_stamp, stamp};
use crate::error::{AppError, AppResult};
use crate::rights::{Action, Actor, Reach, company_scope, covers, reach, require, require_person};
use crate::{App, Page, Paging};
use baton_catalog::Text;
use baton_domain::task::{self, TASK_KINDS, TASK_OUTCOMES, When};
use baton_store::records::{Company, Contact, Employee, Invoice, LeadRow, Task};
use baton_store::{Filter, Tx, Value};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct NewTask {
    /// Whose task; yourself when empty.
    #[schema(max_length = 64)]
    pub owner_id: Option<String>,
    #[schema(value_type = baton_domain::schema::TaskKind)]
    pub kind: String,
    /// When: RFC 3339, or a local date-time of the company's zone (`2026-12-08T10:00`), or a day
    /// (due at 10:00).
    #[schema(max_length = 64, example = "2026-12-08T10:00")]
    pub due_at: String,
    #[schema(max_length = 64)]
    pub company_id: String,
    #[schema(max_length = 64)]
    pub lead_id: Option<String>,
    #[schema(max_length = 64)]
    pub invoice_id: Option<String>,
    #[schema(max_length = 2000)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct CloseTask {
    #[schema(value_type = baton_domain::schema::TaskOutcome)]
    pub outcome: String,
    #[schema(max_length = 2000)]
    pub result: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TaskQuery {
    /// Whose tasks (within your reach); yours when empty.
    #[param(max_length = 64)]
    pub owner_id: Option<String>,
    #[param(max_length = 64)]
    pub company_id: Option<String>,
    /// `open` (the default), `closed` or `all`.
    #[param(value_type = Option<baton_domain::schema::TaskStatus>)]
    pub status: Option<String>,
    #[param(minimum = 1)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 500)]
    pub per_page: Option<i64>,
}

/// A task with what its owner needs to act on it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TaskView {
    pub task: Task,
    pub company_name: String,
    /// The company's first contact phone (the decision maker's first).
    pub phone: Option<String>,
    pub invoice_number: Option<String>,
    /// May the reader open the company? A task outlives the claim that let its owner see the
    /// company (the claim lapses, the client moves on); the task is then shown without links.
    pub company_visible: bool,
}

/// «Мой день»: the person's open tasks, past due first, then today's and tomorrow's, each by
/// due time. Later tasks are counted, not listed.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct MyDay {
    pub overdue: Vec<TaskView>,
    pub today: Vec<TaskView>,
    pub tomorrow: Vec<TaskView>,
    pub later: i64,
}

/// How a use case's work closes open tasks it fulfils.
pub(crate) struct Fulfils<'a> {
    pub owner_id: &'a str,
    pub company_id: &'a str,
    pub kind: &'static str,
    pub invoice_id: Option<&'a str>,
}

impl App {
    /// Adds a task for yourself or, within your reach, for someone else.
    pub fn add_task(&self, actor: &Actor, req: NewTask) -> AppResult<Task> {
        require(actor, Action::ManageTasks)?;
        self.checked(&req)?;
        let kind = crate::input::one_of("kind", Some(req.kind.clone()), &TASK_KINDS)?
            .ok_or_else(|| AppError::invalid("kind", Text::new("err-task-kind")))?;
        let cfg = self.config()?;
        let now = self.now();
        let due = due_of("due_at", &req.due_at, cfg.tz(), now)?;
        let owner_id = non_empty(req.owner_id.clone()).unwrap_or_else(|| actor.id.clone());
        self.db.tx(|tx| {
            let owner: Employee = tx
                .get(&owner_id)?
                .ok_or_else(|| AppError::not_found("employee", &owner_id))?;
            require_person(
                actor,
                Action::ManageTasks,
                &owner.id,
                owner.region_id.as_deref(),
            )?;
            let company: Company = visible(tx, &company_scope(actor), &req.company_id, "company")?;
            if let Some(id) = non_empty(req.lead_id.clone()) {
                let lead: LeadRow = tx
                    .get(&id)?
                    .ok_or_else(|| AppError::not_found("lead", &id))?;
                if lead.company_id != company.id {
                    return Err(AppError::not_found("lead", &id));
                }
            }
            if let Some(id) = non_empty(req.invoice_id.clone()) {
                let inv: Invoice = tx
                    .get(&id)?
                    .ok_or_else(|| AppError::not_found("invoice", &id))?;
                if inv.company_id != company.id {
                    return Err(AppError::not_found("invoice", &id));
                }
            }
            let t = self.new_task(
                &owner.id,
                &kind,
                due,
                &company.id,
                non_empty(req.lead_id.clone()),
                non_empty(req.invoice_id.clone()),
                req.note.clone(),
                &actor.id,
            );
            self.add_task_in(tx, Some(actor), &t)?;
            Ok(t)
        })
    }

    /// Writes a new task and its audit event, inside the caller's transaction.
    pub(crate) fn add_task_in(
        &self,
        tx: &mut Tx<'_>,
        actor: Option<&Actor>,
        t: &Task,
    ) -> AppResult<()> {
        tx.insert(t)?;
        self.audit(
            tx,
            actor,
            "task",
            &t.id,
            "task.created",
            None::<&()>,
            Some(t),
        )
    }

    /// A new open task made by a use case (a callback, a next step, a promise to pay).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new_task(
        &self,
        owner_id: &str,
        kind: &str,
        due: DateTime<Utc>,
        company_id: &str,
        lead_id: Option<String>,
        invoice_id: Option<String>,
        note: Option<String>,
        created_by: &str,
    ) -> Task {
        Task {
            id: self.new_id(),
            owner_id: owner_id.into(),
            kind: kind.into(),
            due_at: stamp(due),
            company_id: company_id.into(),
            lead_id,
            invoice_id,
            note: non_empty(note),
            created_by: created_by.into(),
            created_at: stamp(self.now()),
            closed_at: None,
            outcome: None,
            result: None,
        }
    }

    /// Closes the open tasks that a piece of work fulfils (a call closes the caller's callbacks
    /// on the company; a payment the promises on its invoice). Returns how many.
    pub(crate) fn fulfil_in(
        &self,
        tx: &mut Tx<'_>,
        actor: Option<&Actor>,
        w: Fulfils<'_>,
    ) -> AppResult<usize> {
        let mut f = Filter::new()
            .eq("company_id", w.company_id)
            .eq("kind", w.kind)
            .raw("closed_at IS NULL", vec![]);
        f = match w.invoice_id {
            Some(inv) => f.eq("invoice_id", inv),
            None => f.eq("owner_id", w.owner_id),
        };
        self.close_all_in(tx, actor, &f, "done")
    }

    /// Closes every open task `f` finds with one outcome. Returns how many.
    fn close_all_in(
        &self,
        tx: &mut Tx<'_>,
        actor: Option<&Actor>,
        f: &Filter,
        outcome: &str,
    ) -> AppResult<usize> {
        let open = tx.list::<Task>(f)?;
        for before in &open {
            self.close_in(tx, actor, before, outcome, None)?;
        }
        Ok(open.len())
    }

    /// A lead moved to another stage: the next step its meetings were set for was taken (or,
    /// when lost, will not be). Closes the lead's open meeting tasks.
    pub(crate) fn lead_moved_in(
        &self,
        tx: &mut Tx<'_>,
        actor: Option<&Actor>,
        lead_id: &str,
        lost: bool,
    ) -> AppResult<()> {
        let f = Filter::new()
            .eq("lead_id", lead_id)
            .eq("kind", "meeting")
            .raw("closed_at IS NULL", vec![]);
        let outcome = if lost { "cancelled" } else { "done" };
        self.close_all_in(tx, actor, &f, outcome).map(|_| ())
    }

    fn close_in(
        &self,
        tx: &mut Tx<'_>,
        actor: Option<&Actor>,
        before: &Task,
        outcome: &str,
        result: Option<String>,
    ) -> AppResult<Task> {
        let mut t = before.clone();
        t.closed_at = Some(stamp(self.now()));
        t.outcome = Some(outcome.into());
        t.result = non_empty(result);
        tx.update(&t, None)?;
        self.audit(
            tx,
            actor,
            "task",
            &t.id,
            "task.closed",
            Some(before),
            Some(&t),
        )?;
        Ok(t)
    }

    /// Closes a task as done or cancelled, with what came of it.
    pub fn close_task(&self, actor: &Actor, id: &str, req: CloseTask) -> AppResult<Task> {
        require(actor, Action::ManageTasks)?;
        self.checked(&req)?;
        let outcome = crate::input::one_of("outcome", Some(req.outcome.clone()), &TASK_OUTCOMES)?
            .ok_or_else(|| AppError::invalid("outcome", Text::new("err-task-outcome")))?;
        self.db.tx(|tx| {
            let before = self.task_in_reach(tx, actor, id)?;
            if before.closed_at.is_some() {
                return Err(AppError::State(Text::new("err-task-closed")));
            }
            self.close_in(tx, Some(actor), &before, &outcome, req.result.clone())
        })
    }

    /// A task of a person within the actor's reach; anyone else's is not found.
    fn task_in_reach(&self, tx: &mut Tx<'_>, actor: &Actor, id: &str) -> AppResult<Task> {
        let t: Task = tx.get(id)?.ok_or_else(|| AppError::not_found("task", id))?;
        let owner: Option<Employee> = tx.get(&t.owner_id)?;
        let region = owner.and_then(|o| o.region_id);
        let ok = t.owner_id == actor.id
            || reach(actor, Action::ManageTasks)
                .is_some_and(|r| covers(actor, r, Some(&t.owner_id), region.as_deref()));
        if ok {
            Ok(t)
        } else {
            Err(AppError::not_found("task", id))
        }
    }

    /// Tasks of people within the actor's reach (their own by default), soonest first.
    pub fn tasks(&self, actor: &Actor, q: TaskQuery) -> AppResult<Page<Task>> {
        let status = crate::input::one_of("status", q.status.clone(), &["open", "closed", "all"])?
            .unwrap_or_else(|| "open".into());
        let owner = non_empty(q.owner_id.clone());
        let mut f = match status.as_str() {
            "open" => Filter::new().raw("closed_at IS NULL", vec![]),
            "closed" => Filter::new().raw("closed_at IS NOT NULL", vec![]),
            _ => Filter::new(),
        };
        if let Some(c) = non_empty(q.company_id.clone()) {
            f = f.eq("company_id", c);
        }
        let r = reach(actor, Action::ManageTasks);
        f = match (owner, r) {
            (Some(o), _) if o == actor.id => f.eq("owner_id", o),
            (Some(o), Some(r)) => {
                let e = self.employee(&o)?;
                if !covers(actor, r, Some(&o), e.region_id.as_deref()) {
                    return Err(AppError::not_found("employee", &o));
                }
                f.eq("owner_id", o)
            }
            (Some(o), None) => return Err(AppError::not_found("employee", &o)),
            (None, Some(Reach::All)) if q.company_id.is_some() => f,
            (None, Some(Reach::Region)) if q.company_id.is_some() => f.raw(
                "(owner_id = ? OR owner_id IN (SELECT id FROM employees WHERE region_id = ?))",
                vec![
                    Value::from(actor.id.clone()),
                    Value::from(actor.region_id.clone()),
                ],
            ),
            (None, _) => f.eq("owner_id", actor.id.as_str()),
        };
        let desc = status == "closed";
        self.page(&f.order("due_at", desc), Paging::new(q.page, q.per_page))
    }

    /// A company's open tasks within the actor's reach, soonest first, ready to act on.
    pub fn company_tasks(&self, actor: &Actor, company_id: &str) -> AppResult<Vec<TaskView>> {
        let page = self.tasks(
            actor,
            TaskQuery {
                company_id: Some(company_id.into()),
                per_page: Some(100),
                ..Default::default()
            },
        )?;
        self.db.read(|tx| {
            page.items
                .into_iter()
                .map(|t| view_in(tx, actor, t))
                .collect()
        })
    }

    /// «Мой день»: the actor's open tasks due by the end of tomorrow, with what is needed to
    /// act on each, and how many are due later.
    pub fn my_day(&self, actor: &Actor) -> AppResult<MyDay> {
        let cfg = self.config()?;
        let tz = cfg.tz();
        let now = self.now();
        self.db.read(|tx| {
            let open = tx.list::<Task>(
                &Filter::new()
                    .eq("owner_id", actor.id.as_str())
                    .raw("closed_at IS NULL", vec![])
                    .order("due_at", false),
            )?;
            let mut day = MyDay::default();
            for t in open {
                let due = parse_stamp(&t.due_at).unwrap_or(now);
                let slot = match task::when(due, now, tz) {
                    When::Overdue => &mut day.overdue,
                    When::Today => &mut day.today,
                    When::Tomorrow => &mut day.tomorrow,
                    When::Later => {
                        day.later += 1;
                        continue;
                    }
                };
                slot.push(view_in(tx, actor, t)?);
            }
            Ok(day)
        })
    }

    /// The actor's open tasks due by the end of today (company time): the count in the menu.
    pub fn tasks_due(&self, actor: &Actor) -> AppResult<i64> {
        let cfg = self.config()?;
        let tz = cfg.tz();
        let now = self.now();
        let local = now.with_timezone(&tz).date_naive();
        let end = local
            .succ_opt()
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .and_then(|d| d.and_local_timezone(tz).earliest())
            .map_or(now, |d| d.with_timezone(&Utc));
        self.db.read(|tx| {
            Ok(tx
                .query_one(
                    "SELECT CAST(COUNT(*) AS BIGINT) FROM tasks \
                     WHERE owner_id = ? AND closed_at IS NULL AND due_at < ?",
                    &[Value::from(actor.id.clone()), Value::from(stamp(end))],
                )?
                .map_or(0, |r| r.int(0)))
        })
    }

    /// The actor's callbacks due now (past their time, soonest first): the call queue puts
    /// them before the list.
    pub fn callbacks_due(&self, actor: &Actor) -> AppResult<Vec<TaskView>> {
        let now = stamp(self.now());
        self.db.read(|tx| {
            let due = tx.list::<Task>(
                &Filter::new()
                    .eq("owner_id", actor.id.as_str())
                    .eq("kind", "call_back")
                    .raw("closed_at IS NULL AND due_at <= ?", vec![Value::from(now)])
                    .order("due_at", false)
                    .page(50, 0),
            )?;
            due.into_iter().map(|t| view_in(tx, actor, t)).collect()
        })
    }

    /// A client's promise to pay an invoice on a day: a «collect payment» task for the
    /// client's manager (the actor when the client has none), due that day at 10:00. The
    /// payment closes it.
    pub fn promise_to_pay(
        &self,
        actor: &Actor,
        invoice_id: &str,
        on: &str,
        note: Option<String>,
    ) -> AppResult<Task> {
        require(actor, Action::ManageTasks)?;
        crate::input::optional("note", note.as_deref(), baton_domain::input::NOTE_MAX, true)?;
        let cfg = self.config()?;
        let now = self.now();
        let day = super::parse_date("on", on)?;
        if day < self.today(&cfg) {
            return Err(AppError::invalid("on", Text::new("err-task-due-past")));
        }
        // Due at 10:00 that day; a promise for today made after 10:00 is due now.
        let due = task::parse_due(&day.to_string(), cfg.tz())
            .unwrap_or(now)
            .max(now);
        let (inv, company) = self.db.read(|tx| {
            let inv: Invoice = visible(
                tx,
                &crate::rights::money_scope(actor),
                invoice_id,
                "invoice",
            )?;
            let company: Company = tx.must(&inv.company_id)?;
            Ok::<_, AppError>((inv, company))
        })?;
        let owner = company
            .client_manager_id
            .clone()
            .unwrap_or_else(|| actor.id.clone());
        self.add_task(
            actor,
            NewTask {
                owner_id: Some(owner),
                kind: "collect_payment".into(),
                due_at: stamp(due),
                company_id: company.id,
                lead_id: None,
                invoice_id: Some(inv.id),
                note,
            },
        )
    }
}

/// A due time a person gave: readable, and not in the past.
pub(crate) fn due_of(
    field: &str,
    text: &str,
    tz: chrono_tz::Tz,
    now: DateTime<Utc>,
) -> AppResult<DateTime<Utc>> {
    let due = task::parse_due(text, tz).ok_or_else(|| {
        AppError::invalid(field, Text::new("err-task-due").arg("value", text.trim()))
    })?;
    // A minute's grace: a form filled in for "now" arrives a little later.
    if due < now - chrono::Duration::minutes(1) {
        return Err(AppError::invalid(field, Text::new("err-task-due-past")));
    }
    Ok(due)
}

fn view_in(tx: &mut Tx<'_>, actor: &Actor, t: Task) -> AppResult<TaskView> {
    // The company within the actor's reach, read once; else only its name is shown.
    let (company, company_visible) =
        match visible::<Company>(tx, &company_scope(actor), &t.company_id, "company") {
            Ok(c) => (Some(c), true),
            Err(_) => (tx.get::<Company>(&t.company_id)?, false),
        };
    let mut contacts =
        tx.list::<Contact>(&Filter::new().eq("company_id", t.company_id.as_str()))?;
    contacts.sort_by_key(|c| !c.is_dm);
    let phone = contacts.into_iter().find_map(|c| c.phone);
    let invoice_number = match &t.invoice_id {
        Some(id) => tx.get::<Invoice>(id)?.map(|i| i.number),
        None => None,
    };
    Ok(TaskView {
        company_name: company.map_or_else(|| t.company_id.clone(), |c| c.name),
        phone,
        invoice_number,
        company_visible,
        task: t,
    })
}
