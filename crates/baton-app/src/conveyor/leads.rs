//! Leads and handoff 1: open, qualify, hand over by rule, accept or reject, work the deal.

use super::journeys;
use super::{non_empty, scoped, visible};
use crate::clock::{parse_stamp, stamp};
use crate::error::{AppError, AppResult};
use crate::rights::{Action, Actor, company_scope, lead_scope, require};
use crate::{App, Page, Paging};
use baton_catalog::{Lang, Text};
use baton_domain::assignment::{Assignment, Candidate, choose_receiver};
use baton_domain::lead::{Answers, Transition};
use baton_domain::role::{absent_on, roles_on};
use baton_domain::{ConveyorConfig, Lead, LeadSource, LeadStage, Money, Role, RuleError};
use baton_store::records::{AbsenceRow, Company, Employee, Handoff, LeadRow, RoleAssignmentRow};
use baton_store::{Filter, Tx, Value};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct NewLead {
    #[schema(max_length = 64)]
    pub company_id: String,
    #[schema(value_type = Option<baton_domain::LeadSource>)]
    pub source: Option<String>,
    #[schema(max_length = 200)]
    pub campaign: Option<String>,
    #[serde(default)]
    #[schema(value_type = std::collections::BTreeMap<String, baton_domain::schema::Note>)]
    pub checklist: Answers,
    #[schema(value_type = Option<baton_domain::schema::Amount>)]
    pub amount: Option<Money>,
    #[schema(value_type = Option<baton_domain::schema::Date>)]
    pub expected_on: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct HandOffRequest {
    /// Answers typed with the handoff; merged over the saved ones.
    #[serde(default)]
    #[schema(value_type = std::collections::BTreeMap<String, baton_domain::schema::Note>)]
    pub checklist: Answers,
    /// Required when assignment is manual; otherwise it overrides the rule.
    #[schema(max_length = 64)]
    pub receiver_id: Option<String>,
    /// A head (or director) hands over a lead with required checklist items empty, and says
    /// why. The override is written into the handoff's explanation and raises an alert.
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub override_reason: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct HandOffResult {
    pub lead: LeadRow,
    pub handoff: Handoff,
    pub receiver_name: String,
    pub rule: String,
    /// Who got the lead and why, in English (the API's words since the first version).
    pub explanation: String,
    /// The same as a catalog text, rendered in the reader's language.
    pub why: Text,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LeadView {
    pub lead: LeadRow,
    pub company_name: String,
    pub handoffs: Vec<Handoff>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct LeadQuery {
    pub stage: Option<String>,
    pub region_id: Option<String>,
    pub caller_id: Option<String>,
    pub seller_id: Option<String>,
    pub owner_id: Option<String>,
    pub source: Option<String>,
    pub sort: Option<String>,
    pub desc: Option<bool>,
}

pub(crate) fn to_domain(r: &LeadRow) -> AppResult<Lead> {
    Ok(Lead {
        id: r.id.clone(),
        company_id: r.company_id.clone(),
        region_id: r.region_id.clone(),
        owner_id: r.owner_id.clone(),
        caller_id: r.caller_id.clone(),
        seller_id: r.seller_id.clone(),
        stage: LeadStage::parse(&r.stage).ok_or_else(|| {
            AppError::invalid(
                "stage",
                Text::new("err-stored-stage-unknown").arg("stage", &r.stage),
            )
        })?,
        source: LeadSource::parse(&r.source).unwrap_or(LeadSource::ColdCall),
        campaign: r.campaign.clone(),
        checklist: serde_json::from_str(r.checklist.text()).unwrap_or_default(),
        amount: r.amount,
        expected_on: r.expected_on.as_deref().and_then(|d| d.parse().ok()),
        last_rejection: r.last_rejection.clone(),
        lost_reason: r.lost_reason.clone(),
        version: r.version,
    })
}

pub(crate) fn to_row(l: &Lead, created_at: &str, updated_at: String) -> LeadRow {
    LeadRow {
        id: l.id.clone(),
        company_id: l.company_id.clone(),
        region_id: l.region_id.clone(),
        owner_id: l.owner_id.clone(),
        caller_id: l.caller_id.clone(),
        seller_id: l.seller_id.clone(),
        stage: l.stage.as_str().into(),
        source: l.source.as_str().into(),
        campaign: l.campaign.clone(),
        checklist: baton_store::Json::from_value(
            &serde_json::to_value(&l.checklist).unwrap_or_default(),
        ),
        amount: l.amount,
        expected_on: l.expected_on.map(|d| d.to_string()),
        last_rejection: l.last_rejection.clone(),
        lost_reason: l.lost_reason.clone(),
        version: l.version,
        created_at: created_at.into(),
        updated_at,
    }
}

/// Where to look for a receiver: the lead's (or client's) region first; everyone only when
/// nobody there can take it or the person chosen by hand works elsewhere. Loading one region
/// keeps a handoff's cost independent of the company's size (one load query per candidate).
pub(crate) struct Near<'a> {
    pub region_id: &'a str,
    pub manual: Option<&'a str>,
    /// Someone who must not receive it (the receiver whose SLA ran out).
    pub skip: Option<&'a str>,
    /// False for client managers: the open-lead limit does not apply to a portfolio.
    pub limited: bool,
}

/// People who hold one of `roles` on `day`, with their load, absence and limit.
pub(crate) fn candidates(
    tx: &mut Tx<'_>,
    roles: &[Role],
    day: NaiveDate,
    cfg: &ConveyorConfig,
    load_sql: &str,
    near: Near<'_>,
) -> AppResult<Vec<Candidate>> {
    let local = candidates_in(tx, roles, day, cfg, load_sql, &near, Some(near.region_id))?;
    let manual_elsewhere = near
        .manual
        .is_some_and(|m| !local.iter().any(|c| c.id == m));
    let none_free = !local.iter().any(|c| !c.absent && c.open_leads < c.limit);
    if manual_elsewhere || none_free {
        return candidates_in(tx, roles, day, cfg, load_sql, &near, None);
    }
    Ok(local)
}

fn candidates_in(
    tx: &mut Tx<'_>,
    roles: &[Role],
    day: NaiveDate,
    cfg: &ConveyorConfig,
    load_sql: &str,
    near: &Near<'_>,
    region_id: Option<&str>,
) -> AppResult<Vec<Candidate>> {
    let mut emps = Filter::new().eq("active", 1i64).order("name", false);
    let mut roles_filter = Filter::new();
    if let Some(r) = region_id {
        emps = emps.eq("region_id", r.to_string());
        roles_filter = roles_filter.raw(
            "employee_id IN (SELECT id FROM employees WHERE region_id = ?)",
            vec![r.into()],
        );
    }
    let emps = tx.list::<Employee>(&emps)?;
    let all_roles = tx.list::<RoleAssignmentRow>(&roles_filter)?;
    let absences = tx.list::<AbsenceRow>(&Filter::new().raw(
        "from_date <= ? AND to_date >= ?",
        vec![day.to_string().into(), day.to_string().into()],
    ))?;
    let mut out = Vec::new();
    for e in emps {
        if near.skip == Some(e.id.as_str()) {
            continue;
        }
        let ras = crate::conveyor::people::assignments_of(&all_roles, &e.id);
        if !roles_on(&ras, day).iter().any(|r| roles.contains(r)) {
            continue;
        }
        let abs = crate::conveyor::people::absences_of(&absences, &e.id);
        let load = tx
            .query_one(
                load_sql,
                &[Value::Text(e.id.clone()), Value::Text(e.id.clone())],
            )?
            .map_or(0, |r| r.int(0));
        out.push(Candidate {
            id: e.id.clone(),
            name: e.name.clone(),
            region_id: e.region_id.clone(),
            absent: absent_on(&abs, day),
            open_leads: load,
            limit: if near.limited {
                e.open_lead_limit.unwrap_or(cfg.open_lead_limit)
            } else {
                i64::MAX
            },
        });
    }
    Ok(out)
}

/// Open deals plus leads waiting for acceptance. Two sub-counts, so that each uses its index
/// (`leads_owner`, `leads_seller`); an OR here would scan every lead once per candidate.
const OPEN_LEADS_SQL: &str = "SELECT CAST((SELECT COUNT(*) FROM leads WHERE owner_id = ? AND stage IN ('accepted','meeting','proposal','contract')) + (SELECT COUNT(*) FROM leads WHERE seller_id = ? AND stage = 'handed') AS BIGINT)";

impl App {
    fn save_lead(
        &self,
        tx: &mut Tx<'_>,
        actor: Option<&Actor>,
        before: &LeadRow,
        t: Transition,
    ) -> AppResult<LeadRow> {
        let after = to_row(&t.lead, &before.created_at, stamp(self.now()));
        tx.update(&after, Some(before.version))?;
        if after.stage != before.stage {
            self.lead_moved_in(tx, actor, &after.id, after.stage == "lost")?;
        }
        self.audit(
            tx,
            actor,
            "lead",
            &after.id,
            t.event,
            Some(before),
            Some(&after),
        )?;
        Ok(after)
    }

    fn lead_for_change(
        &self,
        tx: &mut Tx<'_>,
        actor: &Actor,
        id: &str,
    ) -> AppResult<(LeadRow, Lead)> {
        let row: LeadRow = match visible(tx, &lead_scope(actor), id, "lead") {
            Ok(r) => r,
            Err(AppError::NotFound { .. }) => return Err(self.why_gone(tx, actor, id)),
            Err(e) => return Err(e),
        };
        let lead = to_domain(&row)?;
        Ok((row, lead))
    }

    /// A lead the person no longer sees: if it passed through their hands (they sent or
    /// received one of its handoffs), someone else's change won the race, and they are told
    /// what happened (409); otherwise it is not found, as for anyone.
    fn why_gone(&self, tx: &mut Tx<'_>, actor: &Actor, id: &str) -> AppError {
        let last = tx
            .list::<Handoff>(
                &Filter::new()
                    .eq("lead_id", id)
                    .raw(
                        "receiver_id = ? OR sender_id = ?",
                        vec![actor.id.as_str().into(), actor.id.as_str().into()],
                    )
                    .order("created_at", true),
            )
            .ok()
            .and_then(|l| l.into_iter().next());
        match last {
            Some(h) => AppError::NoLongerYours(match h.decided_at.as_deref() {
                Some(at) => Text::new("err-no-longer-yours")
                    .term("status", "handoff", &h.status)
                    .arg("status_code", &h.status)
                    .arg("at", at),
                None => Text::new("err-no-longer-yours-now")
                    .term("status", "handoff", &h.status)
                    .arg("status_code", &h.status),
            }),
            None => AppError::not_found("lead", id),
        }
    }

    /// Opens a lead. A caller's lead starts with the caller; a sales or universal manager's
    /// own lead skips handoff 1 and starts accepted, with no caller credit.
    pub fn open_lead(&self, actor: &Actor, req: NewLead) -> AppResult<LeadRow> {
        require(actor, Action::OpenLead)?;
        self.checked(&req)?;
        let source = match non_empty(req.source.clone()) {
            Some(s) => LeadSource::parse(&s)
                .ok_or_else(|| AppError::invalid("source", Text::new("err-lead-source")))?,
            None => LeadSource::ColdCall,
        };
        let campaign = non_empty(req.campaign.clone());
        if source == LeadSource::Campaign && campaign.is_none() {
            return Err(AppError::invalid(
                "campaign",
                Text::new("err-campaign-required"),
            ));
        }
        let expected_on = match &req.expected_on {
            Some(d) if !d.trim().is_empty() => Some(super::parse_date("expected_on", d)?),
            _ => None,
        };
        let as_caller = actor.has(Role::Caller);
        if !as_caller
            && !actor.any(&[
                Role::SalesManager,
                Role::UniversalManager,
                Role::Head,
                Role::Director,
                Role::Admin,
            ])
        {
            return Err(AppError::Forbidden(
                Text::new("err-forbidden").text("action", Text::new("act-open-lead")),
            ));
        }
        let cfg = self.config()?;
        let now = self.now();
        self.db.tx(|tx| {
            let company: Company = tx
                .get(&req.company_id)?
                .ok_or_else(|| AppError::not_found("company", &req.company_id))?;
            let open = tx.count::<LeadRow>(
                &Filter::new()
                    .eq("company_id", company.id.as_str())
                    .raw("stage NOT IN ('won','lost')", vec![]),
            )?;
            if open > 0 {
                return Err(AppError::invalid_as(
                    "lead_exists",
                    "company_id",
                    Text::new("err-lead-exists").arg("name", &company.name),
                ));
            }
            let region_id = company.region_id.clone();
            self.claim_in(tx, actor, company, now, cfg.claim_days)?;
            let lead = Lead {
                id: self.new_id(),
                company_id: req.company_id.clone(),
                region_id,
                owner_id: actor.id.clone(),
                caller_id: as_caller.then(|| actor.id.clone()),
                seller_id: (!as_caller).then(|| actor.id.clone()),
                stage: if as_caller {
                    LeadStage::Working
                } else {
                    LeadStage::Accepted
                },
                source,
                campaign: campaign.clone(),
                checklist: req.checklist.clone(),
                amount: if as_caller { None } else { req.amount },
                expected_on,
                last_rejection: None,
                lost_reason: None,
                version: 0,
            };
            let row = to_row(&lead, &stamp(now), stamp(now));
            tx.insert(&row)?;
            journeys::lead_opened(tx, &row.company_id, &row.source, &row.created_at)?;
            // A universal manager's own lead is a warm lead they handed to themselves and
            // accepted (docs/reports.md, "Universal managers in the instruments").
            if !as_caller && actor.has(Role::UniversalManager) {
                journeys::arrived(
                    tx,
                    &row.company_id,
                    &actor.id,
                    self.today(&cfg),
                    &[journeys::Step::WarmLead, journeys::Step::Accepted],
                    &["warm_leads", "accepted"],
                )?;
            }
            self.audit(
                tx,
                Some(actor),
                "lead",
                &row.id,
                "lead.opened",
                None::<&()>,
                Some(&row),
            )?;
            Ok(row)
        })
    }

    /// Saves checklist answers while the caller qualifies the lead (nothing typed is lost).
    pub fn save_checklist(
        &self,
        actor: &Actor,
        lead_id: &str,
        answers: Answers,
    ) -> AppResult<LeadRow> {
        crate::input::answers("checklist", &answers)?;
        self.db.tx(|tx| {
            let (row, lead) = self.lead_for_change(tx, actor, lead_id)?;
            if lead.owner_id != actor.id || lead.stage != LeadStage::Working {
                return Err(RuleError::NotYours {
                    who: Text::new("who-lead-caller-qualifying"),
                }
                .into());
            }
            let mut l = lead.clone();
            l.checklist.extend(answers);
            l.version += 1;
            self.save_lead(
                tx,
                Some(actor),
                &row,
                Transition {
                    lead: l,
                    event: "lead.checklist_saved",
                },
            )
        })
    }

    /// Handoff 1. The checklist is checked first; then the receiver is chosen by the rule.
    pub fn hand_off(
        &self,
        actor: &Actor,
        lead_id: &str,
        req: HandOffRequest,
    ) -> AppResult<HandOffResult> {
        self.checked(&req)?;
        let typed = req.checklist.clone();
        match self.try_hand_off(actor, lead_id, req) {
            // A refused handoff keeps what the caller typed: the answers are saved as a
            // draft, so the next attempt only adds the missing items.
            Err(AppError::Rule(RuleError::ChecklistIncomplete { missing })) => {
                if !typed.is_empty() {
                    self.save_checklist(actor, lead_id, typed)?;
                }
                Err(RuleError::ChecklistIncomplete { missing }.into())
            }
            other => other,
        }
    }

    fn try_hand_off(
        &self,
        actor: &Actor,
        lead_id: &str,
        req: HandOffRequest,
    ) -> AppResult<HandOffResult> {
        require(actor, Action::HandOff)?;
        let cfg = self.config()?;
        let now = self.now();
        let today = self.today(&cfg);
        self.db.tx(|tx| {
            let (row, lead) = self.lead_for_change(tx, actor, lead_id)?;
            let mut answers = lead.checklist.clone();
            answers.extend(req.checklist.clone());
            // Refuse an incomplete checklist before choosing anyone, but keep the answers.
            let missing = baton_domain::lead::missing_items(&cfg.warm_lead_checklist, &answers);
            if !missing.is_empty() && lead.stage == LeadStage::Working && lead.owner_id == actor.id {
                return Err(RuleError::ChecklistIncomplete { missing }.into());
            }
            let near = Near { region_id: &lead.region_id, manual: req.receiver_id.as_deref(), skip: None, limited: true };
            let cands = candidates(tx, &[Role::SalesManager, Role::UniversalManager], today, &cfg, OPEN_LEADS_SQL, near)?;
            let last = tx
                .query_one(
                    "SELECT h.receiver_id FROM handoffs h JOIN leads l ON l.id = h.lead_id WHERE h.kind = 'lead' AND l.region_id = ? ORDER BY h.created_at DESC, h.id DESC LIMIT 1",
                    &[lead.region_id.as_str().into()],
                )?
                .map(|r| r.text(0));
            let Assignment { receiver_id, rule, explanation } =
                choose_receiver(cfg.assignment_rule, &lead.region_id, &cands, last.as_deref(), req.receiver_id.as_deref())?;
            let overriding = req.override_reason.as_deref().map(str::trim).filter(|r| !r.is_empty());
            let (t, explanation) = match overriding {
                Some(why) => {
                    require(actor, Action::OverrideChecklist)?;
                    let missing = baton_domain::lead::missing_items(&cfg.warm_lead_checklist, &answers);
                    let t = lead.hand_off_overriding(&receiver_id, &answers)?;
                    let note = if missing.is_empty() {
                        explanation
                    } else {
                        Text::new("assign-overridden")
                            .text("explanation", explanation)
                            .arg("by", actor.name.clone())
                            .arg("missing", missing.join(", "))
                            .arg("why", why)
                    };
                    (t, note)
                }
                None => (lead.hand_off(&actor.id, &receiver_id, &answers, &cfg)?, explanation),
            };
            let after = self.save_lead(tx, Some(actor), &row, t)?;
            let due = cfg.calendar.add_working_hours(now, cfg.acceptance_sla_hours, cfg.tz());
            let h = Handoff {
                id: self.new_id(),
                kind: "lead".into(),
                lead_id: Some(after.id.clone()),
                company_id: after.company_id.clone(),
                sender_id: actor.id.clone(),
                receiver_id: receiver_id.clone(),
                rule: rule.clone(),
                explanation: explanation.render(Lang::En),
                snapshot: after.checklist.clone(),
                created_at: stamp(now),
                due_at: stamp(due),
                status: "pending".into(),
                decided_at: None,
                reason: None,
                reason_text: None,
                explanation_text: stored(&explanation),
            };
            tx.insert(&h)?;
            self.audit(tx, Some(actor), "handoff", &h.id, "handoff.created", None::<&()>, Some(&h))?;
            journeys::arrived(tx, &h.company_id, &actor.id, today, &[journeys::Step::WarmLead], &["warm_leads"])?;
            let receiver_name = cands.iter().find(|c| c.id == receiver_id).map_or(receiver_id.clone(), |c| c.name.clone());
            Ok(HandOffResult { lead: after, handoff: h, receiver_name, rule, explanation: explanation.render(Lang::En), why: explanation })
        })
    }

    fn pending_handoff(&self, tx: &mut Tx<'_>, lead_id: &str) -> AppResult<Handoff> {
        tx.list::<Handoff>(&Filter::new().eq("lead_id", lead_id).eq("status", "pending"))?
            .into_iter()
            .next()
            .ok_or_else(|| AppError::not_found("pending handoff of lead", lead_id))
    }

    fn decide(
        &self,
        tx: &mut Tx<'_>,
        actor: Option<&Actor>,
        status: &str,
        reason: Option<(&str, Option<&str>)>,
        lead_id: &str,
    ) -> AppResult<()> {
        let mut h = self.pending_handoff(tx, lead_id)?;
        let before = h.clone();
        h.status = status.into();
        h.decided_at = Some(stamp(self.now()));
        if let Some((r, text)) = reason {
            h.reason = Some(r.into());
            h.reason_text = text.map(str::to_string);
        }
        // Guard against a concurrent decision: only a still-pending handoff changes.
        let n = tx.exec(
            "UPDATE handoffs SET status = ?, decided_at = ?, reason = ?, reason_text = ? WHERE id = ? AND status = 'pending'",
            &[h.status.as_str().into(), h.decided_at.clone().into(), h.reason.clone().into(), h.reason_text.clone().into(), h.id.as_str().into()],
        )?;
        if n != 1 {
            return Err(AppError::Conflict(
                Text::new("err-conflict-record")
                    .term("entity", "entity", "handoff")
                    .arg("id", &h.id),
            ));
        }
        self.audit(
            tx,
            actor,
            "handoff",
            &h.id,
            &format!("handoff.{status}"),
            Some(&before),
            Some(&h),
        )
    }

    pub fn accept_lead(&self, actor: &Actor, lead_id: &str) -> AppResult<LeadRow> {
        require(actor, Action::DecideLead)?;
        let cfg = self.config()?;
        let today = self.today(&cfg);
        let now = self.now();
        self.db.tx(|tx| {
            let (row, lead) = self.lead_for_change(tx, actor, lead_id)?;
            let t = lead.accept(&actor.id)?;
            let after = self.save_lead(tx, Some(actor), &row, t)?;
            self.decide(tx, Some(actor), "accepted", None, lead_id)?;
            // The checklist's next step becomes the seller's task: at the time the caller
            // agreed with the client (`next_step_at`), else the next working morning.
            let answers: baton_domain::lead::Answers =
                serde_json::from_str(after.checklist.text()).unwrap_or_default();
            let tz = cfg.tz();
            let due = answers
                .get("next_step_at")
                .and_then(|t| baton_domain::task::parse_due(t, tz))
                .filter(|d| *d > now)
                .unwrap_or_else(|| baton_domain::task::next_working_morning(now, tz));
            let t = self.new_task(
                &actor.id,
                "meeting",
                due,
                &after.company_id,
                Some(after.id.clone()),
                None,
                answers.get("next_step").cloned(),
                &actor.id,
            );
            self.add_task_in(tx, Some(actor), &t)?;
            journeys::arrived(
                tx,
                &after.company_id,
                &actor.id,
                today,
                &[journeys::Step::Accepted],
                &["accepted"],
            )?;
            Ok(after)
        })
    }

    /// Rejection with a reason from the closed list; the lead returns to its caller.
    pub fn reject_lead(
        &self,
        actor: &Actor,
        lead_id: &str,
        reason: &str,
        text: Option<&str>,
    ) -> AppResult<LeadRow> {
        require(actor, Action::DecideLead)?;
        crate::input::optional("text", text, baton_domain::input::NOTE_MAX, true)?;
        let cfg = self.config()?;
        self.db.tx(|tx| {
            let (row, lead) = self.lead_for_change(tx, actor, lead_id)?;
            let t = lead.reject(&actor.id, reason, text, &cfg)?;
            let after = self.save_lead(tx, Some(actor), &row, t)?;
            self.decide(
                tx,
                Some(actor),
                "rejected",
                Some((reason, text.map(str::trim).filter(|t| !t.is_empty()))),
                lead_id,
            )?;
            Ok(after)
        })
    }

    /// After the SLA the head gives a pending lead to someone else.
    pub fn reassign_lead(
        &self,
        actor: &Actor,
        lead_id: &str,
        receiver_id: &str,
    ) -> AppResult<HandOffResult> {
        require(actor, Action::ReassignLead)?;
        let cfg = self.config()?;
        let today = self.today(&cfg);
        self.db.tx(|tx| {
            let (row, lead) = self.lead_for_change(tx, actor, lead_id)?;
            let near = Near {
                region_id: &lead.region_id,
                manual: Some(receiver_id),
                skip: None,
                limited: true,
            };
            let cands = candidates(
                tx,
                &[Role::SalesManager, Role::UniversalManager],
                today,
                &cfg,
                OPEN_LEADS_SQL,
                near,
            )?;
            let a = choose_receiver(
                cfg.assignment_rule,
                &lead.region_id,
                &cands,
                None,
                Some(receiver_id),
            )?;
            let why = Text::new("assign-reassigned")
                .arg("by", actor.name.clone())
                .text("explanation", a.explanation.clone());
            self.reassign_in(tx, Some(actor), row, lead, &cands, a, why, &cfg)
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn reassign_in(
        &self,
        tx: &mut Tx<'_>,
        actor: Option<&Actor>,
        row: LeadRow,
        lead: Lead,
        cands: &[Candidate],
        a: Assignment,
        why: Text,
        cfg: &ConveyorConfig,
    ) -> AppResult<HandOffResult> {
        let now = self.now();
        let t = lead.reassign(&a.receiver_id)?;
        let after = self.save_lead(tx, actor, &row, t)?;
        self.decide(tx, actor, "reassigned", None, &row.id)?;
        let h = Handoff {
            id: self.new_id(),
            kind: "lead".into(),
            lead_id: Some(after.id.clone()),
            company_id: after.company_id.clone(),
            sender_id: after
                .caller_id
                .clone()
                .or_else(|| actor.map(|a| a.id.clone()))
                .unwrap_or_default(),
            receiver_id: a.receiver_id.clone(),
            rule: if actor.is_some() {
                "manual".into()
            } else {
                a.rule.clone()
            },
            explanation: why.render(Lang::En),
            explanation_text: stored(&why),
            snapshot: after.checklist.clone(),
            created_at: stamp(now),
            due_at: stamp(
                cfg.calendar
                    .add_working_hours(now, cfg.acceptance_sla_hours, cfg.tz()),
            ),
            status: "pending".into(),
            decided_at: None,
            reason: None,
            reason_text: None,
        };
        tx.insert(&h)?;
        self.audit(
            tx,
            actor,
            "handoff",
            &h.id,
            "handoff.created",
            None::<&()>,
            Some(&h),
        )?;
        let receiver_name = cands
            .iter()
            .find(|c| c.id == a.receiver_id)
            .map_or(a.receiver_id.clone(), |c| c.name.clone());
        Ok(HandOffResult {
            lead: after,
            handoff: h,
            receiver_name,
            rule: a.rule,
            explanation: a.explanation.render(Lang::En),
            why: a.explanation,
        })
    }

    /// The acceptance SLA sweep (the server runs it every minute). With `reassign_after_sla`,
    /// each warm lead still pending past its due time goes to the next eligible sales manager
    /// by the rule, never back to the late one; without it, late leads stay on the head's
    /// overdue list. Returns the handoffs it made.
    pub fn sweep_acceptance_sla(&self) -> AppResult<Vec<HandOffResult>> {
        let cfg = self.config()?;
        if !cfg.reassign_after_sla {
            return Ok(vec![]);
        }
        let now = stamp(self.now());
        let today = self.today(&cfg);
        let late: Vec<Handoff> = self.db.read(|tx| {
            Ok::<_, AppError>(
                tx.list::<Handoff>(
                    &Filter::new()
                        .eq("kind", "lead")
                        .eq("status", "pending")
                        .raw("due_at < ?", vec![now.as_str().into()]),
                )?,
            )
        })?;
        let mut out = Vec::new();
        for h in late {
            let Some(lead_id) = h.lead_id.clone() else {
                continue;
            };
            let r = self.db.tx(|tx| {
                let row: LeadRow = tx.must(&lead_id)?;
                let lead = to_domain(&row)?;
                let near = Near {
                    region_id: &lead.region_id,
                    manual: None,
                    skip: Some(&h.receiver_id),
                    limited: true,
                };
                let cands = candidates(
                    tx,
                    &[Role::SalesManager, Role::UniversalManager],
                    today,
                    &cfg,
                    OPEN_LEADS_SQL,
                    near,
                )?;
                let a = choose_receiver(
                    cfg.assignment_rule,
                    &lead.region_id,
                    &cands,
                    Some(&h.receiver_id),
                    None,
                )?;
                let why = Text::new("assign-sla-passed")
                    .num("hours", cfg.acceptance_sla_hours)
                    .text("explanation", a.explanation.clone());
                self.reassign_in(tx, None, row, lead, &cands, a, why, &cfg)
            });
            match r {
                Ok(done) => out.push(done),
                // Nobody else is free: the lead stays on the overdue list for the head.
                Err(AppError::Rule(RuleError::NoReceiver { .. })) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(out)
    }

    pub fn move_lead(&self, actor: &Actor, lead_id: &str, stage: &str) -> AppResult<LeadRow> {
        require(actor, Action::WorkDeal)?;
        let to = LeadStage::parse(stage).ok_or_else(|| {
            AppError::invalid("stage", Text::new("err-unknown-stage").arg("stage", stage))
        })?;
        let today = self.today(&self.config()?);
        self.db.tx(|tx| {
            let (row, lead) = self.lead_for_change(tx, actor, lead_id)?;
            let t = lead.move_to(&actor.id, to)?;
            let moved = t.event == "lead.stage_changed" && to == LeadStage::Meeting;
            let after = self.save_lead(tx, Some(actor), &row, t)?;
            if moved {
                journeys::arrived(
                    tx,
                    &after.company_id,
                    &actor.id,
                    today,
                    &[journeys::Step::Meeting],
                    &["meetings"],
                )?;
            }
            Ok(after)
        })
    }

    pub fn lose_lead(&self, actor: &Actor, lead_id: &str, reason: &str) -> AppResult<LeadRow> {
        require(actor, Action::LoseLead)?;
        self.db.tx(|tx| {
            let (row, lead) = self.lead_for_change(tx, actor, lead_id)?;
            let t = lead.lose(&actor.id, reason)?;
            self.save_lead(tx, Some(actor), &row, t)
        })
    }

    pub(crate) fn save_lead_transition(
        &self,
        tx: &mut Tx<'_>,
        actor: Option<&Actor>,
        row: &LeadRow,
        t: Transition,
    ) -> AppResult<LeadRow> {
        self.save_lead(tx, actor, row, t)
    }

    pub fn lead(&self, actor: &Actor, id: &str) -> AppResult<LeadView> {
        self.db.read(|tx| {
            let lead: LeadRow = visible(tx, &lead_scope(actor), id, "lead")?;
            let company: Company = tx.must(&lead.company_id)?;
            let handoffs = tx.list(&Filter::new().eq("lead_id", id).order("created_at", false))?;
            Ok(LeadView {
                lead,
                company_name: company.name,
                handoffs,
            })
        })
    }

    pub fn leads(&self, actor: &Actor, q: LeadQuery, paging: Paging) -> AppResult<Page<LeadRow>> {
        let stages: Vec<&str> = LeadStage::ALL.iter().map(|s| s.as_str()).collect();
        let stage = crate::input::one_of("stage", q.stage, &stages)?;
        let source = crate::input::one_of(
            "source",
            q.source,
            &["cold_call", "inbound", "referral", "campaign"],
        )?;
        let sort = crate::input::one_of(
            "sort",
            q.sort,
            &["created_at", "updated_at", "stage", "amount"],
        )?;
        let mut f = scoped(Filter::new(), &lead_scope(actor));
        for (col, v) in [
            ("stage", stage),
            ("region_id", q.region_id),
            ("caller_id", q.caller_id),
            ("seller_id", q.seller_id),
            ("owner_id", q.owner_id),
            ("source", source),
        ] {
            if let Some(v) = non_empty(v) {
                f = f.eq(col, v);
            }
        }
        let sort = match sort.as_deref() {
            Some("updated_at") => "updated_at",
            Some("stage") => "stage",
            Some("amount") => "amount",
            _ => "created_at",
        };
        let f = f.order(sort, q.desc.unwrap_or(true));
        self.page::<LeadRow>(&f, paging)
    }

    /// Handoffs the actor sent or received (a head sees the region's; the director all).
    pub fn handoffs(
        &self,
        actor: &Actor,
        status: Option<&str>,
        kind: Option<&str>,
        paging: Paging,
    ) -> AppResult<Page<Handoff>> {
        let mut f = if actor.sees_all() {
            Filter::new()
        } else if actor.has(Role::Head) {
            let (c, v) = company_scope(actor).sql();
            Filter::new().raw(
                format!("company_id IN (SELECT id FROM companies WHERE {c})"),
                v,
            )
        } else {
            Filter::new().raw(
                "receiver_id = ? OR sender_id = ?",
                vec![actor.id.as_str().into(), actor.id.as_str().into()],
            )
        };
        if let Some(s) = status {
            f = f.eq("status", s);
        }
        if let Some(k) = kind {
            f = f.eq("kind", k);
        }
        let f = f.order("created_at", true);
        self.page::<Handoff>(&f, paging)
    }

    /// Pending handoffs whose acceptance SLA has passed (for the head's alert).
    pub fn overdue_handoffs(&self, actor: &Actor) -> AppResult<Vec<Handoff>> {
        let now = stamp(self.now());
        let page = self.handoffs(
            actor,
            Some("pending"),
            Some("lead"),
            Paging {
                page: 1,
                per_page: 500,
            },
        )?;
        Ok(page
            .items
            .into_iter()
            .filter(|h| h.due_at < now)
            .filter(|h| parse_stamp(&h.due_at).is_some())
            .collect())
    }
}

/// A catalog text as the handoff keeps it (JSON), for pages in any language.
pub(crate) fn stored(t: &Text) -> Option<String> {
    serde_json::to_string(t).ok()
}
