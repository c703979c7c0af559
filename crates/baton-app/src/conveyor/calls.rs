//! Call lists, the caller's queue and call logging.

use super::{non_empty, scoped, visible};
use crate::clock::{parse_stamp, stamp};
use crate::error::{AppError, AppResult};
use crate::rights::{Action, Actor, Scope, company_scope, require};
use crate::{App, Page, Paging};
use baton_catalog::Text;
use baton_domain::CALL_OUTCOMES;
use baton_store::records::{Activity, CallList, CallListItem, Company, Contact, Employee};
use baton_store::{Filter, Value};
use chrono::Duration;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct NewCall {
    #[schema(max_length = 64)]
    pub company_id: String,
    #[schema(value_type = baton_domain::schema::CallOutcome)]
    pub outcome: String,
    #[serde(default)]
    #[schema(minimum = 0, maximum = 86400)]
    pub duration_sec: i64,
    #[schema(max_length = 2000)]
    pub note: Option<String>,
    #[schema(max_length = 64)]
    pub lead_id: Option<String>,
    /// When to call back (the company's local time, `2026-12-08T10:00`, or RFC 3339): a
    /// «call back» task for the caller. `dm_callback` always makes one, at the next working
    /// day's 10:00 when no time is given.
    #[serde(default)]
    #[schema(max_length = 64, example = "2026-12-08T10:00")]
    pub callback_at: Option<String>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct NewActivity {
    #[schema(max_length = 64)]
    pub company_id: String,
    #[schema(value_type = baton_domain::schema::ActivityKind)]
    pub kind: String,
    #[schema(max_length = 2000)]
    pub note: Option<String>,
    #[schema(max_length = 64)]
    pub lead_id: Option<String>,
    #[schema(value_type = Option<baton_domain::schema::Instant>)]
    pub occurred_at: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct QueueItem {
    pub item: CallListItem,
    pub company: Company,
    pub contacts: Vec<Contact>,
    pub last_calls: Vec<Activity>,
}

fn list_scope(actor: &Actor) -> Scope {
    if actor.sees_all() {
        Scope::All
    } else if actor.has(baton_domain::Role::Head) {
        Scope::Where(
            "region_id = ?".into(),
            vec![Value::from(actor.region_id.clone())],
        )
    } else {
        Scope::Where("owner_id = ?".into(), vec![Value::Text(actor.id.clone())])
    }
}

impl App {
    /// Writes an activity (call, meeting, e-mail, note, kickoff) with its audit event.
    pub(crate) fn record_activity(
        &self,
        tx: &mut baton_store::Tx<'_>,
        actor: &Actor,
        a: &Activity,
        action: &str,
    ) -> AppResult<()> {
        tx.insert(a)?;
        if let Some(on) = crate::insight::day(&a.local_date) {
            use super::journeys::{Step, arrived};
            let dm = a.outcome.as_deref().is_some_and(|o| o.starts_with("dm_"));
            let (company, person) = (a.company_id.as_str(), a.actor_id.as_str());
            match a.kind.as_str() {
                "call" if dm => arrived(
                    tx,
                    company,
                    person,
                    on,
                    &[Step::Call, Step::DecisionMaker],
                    &["calls", "dm_conversations"],
                )?,
                "call" => arrived(tx, company, person, on, &[Step::Call], &["calls"])?,
                // The kickoff is the client manager's, not a sales meeting; a meeting logged on
                // a lead is the one its move to the meeting stage counts.
                "meeting" if a.outcome.as_deref() != Some("kickoff") => {
                    let events: &[&str] = if a.lead_id.is_none() {
                        &["meetings"]
                    } else {
                        &[]
                    };
                    arrived(tx, company, person, on, &[Step::Meeting], events)?;
                }
                _ => {}
            }
        }
        self.audit(
            tx,
            Some(actor),
            "activity",
            &a.id,
            action,
            None::<&()>,
            Some(a),
        )
    }

    pub fn create_call_list(
        &self,
        actor: &Actor,
        name: &str,
        owner_id: Option<&str>,
        company_ids: &[String],
    ) -> AppResult<CallList> {
        require(actor, Action::ManageCallLists)?;
        crate::input::name("name", name, baton_domain::input::NAME_MAX)?;
        crate::input::count("company_ids", company_ids.len())?;
        let owner = owner_id.unwrap_or(&actor.id).to_string();
        if owner != actor.id
            && !actor.any(&[
                baton_domain::Role::Head,
                baton_domain::Role::Director,
                baton_domain::Role::Admin,
            ])
        {
            return Err(AppError::Forbidden(Text::new("err-call-list-for-other")));
        }
        if name.trim().is_empty() {
            return Err(AppError::invalid(
                "name",
                Text::new("err-call-list-name-required"),
            ));
        }
        let now = self.now();
        self.db.tx(|tx| {
            let o: Employee = tx.must(&owner)?;
            let list = CallList {
                id: self.new_id(),
                name: name.trim().into(),
                owner_id: owner.clone(),
                region_id: o
                    .region_id
                    .clone()
                    .or_else(|| actor.region_id.clone())
                    .ok_or_else(|| {
                        AppError::invalid("owner_id", Text::new("err-owner-no-region"))
                    })?,
                created_at: stamp(now),
            };
            tx.insert(&list)?;
            self.audit(
                tx,
                Some(actor),
                "call_list",
                &list.id,
                "call_list.created",
                None::<&()>,
                Some(&list),
            )?;
            self.add_to_list_in(tx, actor, &list, company_ids)?;
            Ok(list)
        })
    }

    fn add_to_list_in(
        &self,
        tx: &mut baton_store::Tx<'_>,
        actor: &Actor,
        list: &CallList,
        company_ids: &[String],
    ) -> AppResult<()> {
        let start =
            tx.count::<CallListItem>(&Filter::new().eq("call_list_id", list.id.as_str()))?;
        for (i, cid) in company_ids.iter().enumerate() {
            let _: Company = tx.get(cid)?.ok_or_else(|| {
                AppError::invalid(
                    &format!("company_ids[{i}]"),
                    Text::new("err-no-company").arg("id", cid),
                )
            })?;
            let item = CallListItem {
                id: self.new_id(),
                call_list_id: list.id.clone(),
                company_id: cid.clone(),
                position: start + i as i64,
                done: false,
            };
            tx.insert(&item)?;
            self.audit(
                tx,
                Some(actor),
                "call_list_item",
                &item.id,
                "call_list.item_added",
                None::<&()>,
                Some(&item),
            )?;
        }
        Ok(())
    }

    pub fn add_to_call_list(
        &self,
        actor: &Actor,
        list_id: &str,
        company_ids: &[String],
    ) -> AppResult<CallList> {
        require(actor, Action::ManageCallLists)?;
        crate::input::count("company_ids", company_ids.len())?;
        self.db.tx(|tx| {
            let list: CallList = visible(tx, &list_scope(actor), list_id, "call list")?;
            self.add_to_list_in(tx, actor, &list, company_ids)?;
            Ok(list)
        })
    }

    pub fn call_lists(&self, actor: &Actor) -> AppResult<Vec<CallList>> {
        self.db.read(|tx| {
            Ok(tx.list::<CallList>(&scoped(
                Filter::new().order("created_at", true),
                &list_scope(actor),
            ))?)
        })
    }

    /// The caller's queue: companies not yet called from the list, in list order.
    pub fn call_queue(
        &self,
        actor: &Actor,
        list_id: &str,
        limit: i64,
    ) -> AppResult<Vec<QueueItem>> {
        self.db.read(|tx| {
            let list: CallList = visible(tx, &list_scope(actor), list_id, "call list")?;
            let items = tx.list::<CallListItem>(
                &Filter::new()
                    .eq("call_list_id", list.id.as_str())
                    .eq("done", 0i64)
                    .order("position", false)
                    .page(limit.clamp(1, 200), 0),
            )?;
            let mut out = Vec::new();
            for item in items {
                let company: Company = tx.must(&item.company_id)?;
                out.push(queue_item_in(tx, item, company)?);
            }
            Ok(out)
        })
    }

    /// A company the caller owes a callback, as the queue shows it (contacts, last calls).
    pub fn callback_item(&self, actor: &Actor, company_id: &str) -> AppResult<QueueItem> {
        self.db.read(|tx| {
            let company: Company = visible(tx, &company_scope(actor), company_id, "company")?;
            let item = CallListItem {
                id: String::new(),
                call_list_id: String::new(),
                company_id: company.id.clone(),
                position: 0,
                done: false,
            };
            queue_item_in(tx, item, company)
        })
    }

    /// How many companies of a call list are still to be called.
    pub fn call_list_remaining(&self, actor: &Actor, list_id: &str) -> AppResult<i64> {
        self.db.read(|tx| {
            let list: CallList = visible(tx, &list_scope(actor), list_id, "call list")?;
            Ok(tx.count::<CallListItem>(
                &Filter::new()
                    .eq("call_list_id", list.id.as_str())
                    .eq("done", 0i64),
            )?)
        })
    }

    /// Logs a call. It closes the caller's callbacks owed to the company; `callback_at` (or the
    /// outcome «call back») sets a new one. The caller takes (or renews) the claim on the
    /// company; someone else's active claim refuses the call with their name.
    pub fn log_call(&self, actor: &Actor, req: NewCall) -> AppResult<Activity> {
        require(actor, Action::LogCall)?;
        self.checked(&req)?;
        if !CALL_OUTCOMES.contains(&req.outcome.as_str()) {
            return Err(AppError::invalid(
                "outcome",
                Text::new("err-unknown-outcome")
                    .arg("outcome", &req.outcome)
                    .arg("valid", CALL_OUTCOMES.join(", ")),
            ));
        }
        if !(0..=36_000).contains(&req.duration_sec) {
            return Err(AppError::invalid(
                "duration_sec",
                Text::new("err-call-duration"),
            ));
        }
        let cfg = self.config()?;
        let now = self.now();
        let local_date = self.today(&cfg);
        let callback = match super::non_empty(req.callback_at.clone()) {
            Some(at) => Some(super::tasks::due_of("callback_at", &at, cfg.tz(), now)?),
            None if req.outcome == "dm_callback" => {
                Some(baton_domain::task::next_working_morning(now, cfg.tz()))
            }
            None => None,
        };
        self.db.tx(|tx| {
            // Only a company the caller sees: a call claims it, so a call on someone else's
            // company would take it (the pool is claimed through `claim_company`).
            let company: Company = visible(tx, &company_scope(actor), &req.company_id, "company")?;
            let lead_id = lead_of(tx, actor, &company.id, req.lead_id.clone())?;
            let active = company.claim_until.as_deref().and_then(parse_stamp).is_some_and(|u| now < u);
            let holder = company.claim_holder_id.clone();
            // Renew the claim unless the actor's own claim is still fresh (saves a write per call).
            let fresh = active && holder.as_deref() == Some(actor.id.as_str())
                && company.claim_until.as_deref().and_then(parse_stamp).is_some_and(|u| u - now > Duration::days(cfg.claim_days - 1));
            let is_cm = company.client_manager_id.as_deref() == Some(actor.id.as_str());
            if !fresh && !is_cm {
                self.claim_in(tx, actor, company.clone(), now, cfg.claim_days)?;
            }
            let a = Activity {
                id: self.new_id(),
                kind: "call".into(),
                company_id: company.id.clone(),
                lead_id,
                actor_id: actor.id.clone(),
                outcome: Some(req.outcome.clone()),
                duration_sec: req.duration_sec,
                occurred_at: stamp(now),
                local_date: local_date.to_string(),
                note: non_empty(req.note.clone()),
            };
            self.record_activity(tx, actor, &a, "call.logged")?;
            // The call is the callback the caller owed; a new one is set if they were asked.
            self.fulfil_in(
                tx,
                Some(actor),
                super::tasks::Fulfils {
                    owner_id: &actor.id,
                    company_id: &company.id,
                    kind: "call_back",
                    invoice_id: None,
                },
            )?;
            if let Some(due) = callback {
                let t = self.new_task(
                    &actor.id,
                    "call_back",
                    due,
                    &company.id,
                    a.lead_id.clone(),
                    None,
                    a.note.clone(),
                    &actor.id,
                );
                self.add_task_in(tx, Some(actor), &t)?;
            }
            // Tick the company off the caller's lists.
            tx.exec(
                "UPDATE call_list_items SET done = 1 WHERE company_id = ? AND done = 0 AND call_list_id IN (SELECT id FROM call_lists WHERE owner_id = ?)",
                &[company.id.as_str().into(), actor.id.as_str().into()],
            )?;
            Ok(a)
        })
    }

    /// Meetings, e-mails and notes.
    pub fn log_activity(&self, actor: &Actor, req: NewActivity) -> AppResult<Activity> {
        require(actor, Action::LogCall)?;
        self.checked(&req)?;
        if !["meeting", "email", "note"].contains(&req.kind.as_str()) {
            return Err(AppError::invalid("kind", Text::new("err-activity-kind")));
        }
        let cfg = self.config()?;
        let now = self.now();
        let at = match &req.occurred_at {
            Some(s) => parse_stamp(s)
                .ok_or_else(|| AppError::invalid("occurred_at", Text::new("err-time-format")))?,
            None => now,
        };
        self.db.tx(|tx| {
            let company: Company = visible(tx, &company_scope(actor), &req.company_id, "company")?;
            let lead_id = lead_of(tx, actor, &company.id, req.lead_id.clone())?;
            let a = Activity {
                id: self.new_id(),
                kind: req.kind.clone(),
                company_id: company.id,
                lead_id,
                actor_id: actor.id.clone(),
                outcome: None,
                duration_sec: 0,
                occurred_at: stamp(at),
                local_date: at.with_timezone(&cfg.tz()).date_naive().to_string(),
                note: non_empty(req.note.clone()),
            };
            self.record_activity(tx, actor, &a, "activity.logged")?;
            // A meeting held is the next step the person owed the company.
            if a.kind == "meeting" {
                self.fulfil_in(
                    tx,
                    Some(actor),
                    super::tasks::Fulfils {
                        owner_id: &actor.id,
                        company_id: &a.company_id,
                        kind: "meeting",
                        invoice_id: None,
                    },
                )?;
            }
            Ok(a)
        })
    }

    pub fn activities(
        &self,
        actor: &Actor,
        company_id: Option<&str>,
        actor_id: Option<&str>,
        date: Option<&str>,
        paging: Paging,
    ) -> AppResult<Page<Activity>> {
        require(actor, Action::ReadActivities)?;
        let (cond, vals) = company_scope(actor).sql();
        let mut f = Filter::new()
            .raw(
                format!("company_id IN (SELECT id FROM companies WHERE {cond}) OR actor_id = ?"),
                [vals, vec![Value::Text(actor.id.clone())]].concat(),
            )
            .order("occurred_at", true);
        if let Some(c) = company_id {
            f = f.eq("company_id", c);
        }
        if let Some(a) = actor_id {
            f = f.eq("actor_id", a);
        }
        if let Some(d) = date {
            f = f.eq("local_date", d);
        }
        self.page::<Activity>(&f, paging)
    }
}

/// The lead a call or activity is logged on: one the person sees, of the same company.
fn lead_of(
    tx: &mut baton_store::Tx<'_>,
    actor: &Actor,
    company_id: &str,
    lead_id: Option<String>,
) -> AppResult<Option<String>> {
    let Some(id) = non_empty(lead_id) else {
        return Ok(None);
    };
    let lead: baton_store::records::LeadRow =
        visible(tx, &crate::rights::lead_scope(actor), &id, "lead")?;
    if lead.company_id != company_id {
        return Err(AppError::invalid(
            "lead_id",
            Text::new("err-lead-other-company"),
        ));
    }
    Ok(Some(lead.id))
}

fn queue_item_in(
    tx: &mut baton_store::Tx<'_>,
    item: CallListItem,
    company: Company,
) -> AppResult<QueueItem> {
    let contacts = tx.list(&Filter::new().eq("company_id", company.id.as_str()))?;
    let last_calls = tx.list(
        &Filter::new()
            .eq("company_id", company.id.as_str())
            .order("occurred_at", true)
            .page(5, 0),
    )?;
    Ok(QueueItem {
        item,
        company,
        contacts,
        last_calls,
    })
}
