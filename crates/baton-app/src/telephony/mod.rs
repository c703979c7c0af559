//! Calls from the PBX (issue 17 §4): a call log of Mango Office, Zadarma/Novofon or UIS is
//! matched to companies by the last 10 digits of the client's number and to employees by
//! their extension, and logged through `log_call` at the call's own time, each call once
//! (docs/telephony.md).

pub mod cdr;

use crate::App;
use crate::clock::{RandomIds, SimClock, stamp};
use crate::conveyor::calls::NewCall;
use crate::error::{AppError, AppResult, ImportProblem};
use crate::rights::{Action, Actor, require};
use baton_catalog::Text;
use baton_store::Filter;
use baton_store::records::{Contact, CrmRecord, Employee};
use cdr::{Cdr, Provider, When, last10};
use chrono::TimeZone;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;

#[derive(Debug, Clone, Default, Serialize)]
pub struct UnmatchedNumber {
    pub phone: String,
    pub calls: usize,
    /// The first call's time (RFC 3339), to find it in the PBX.
    pub first: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct CallsReport {
    pub provider: String,
    pub dry_run: bool,
    pub written: bool,
    pub read: usize,
    pub logged: usize,
    pub answered: usize,
    pub talk_sec: i64,
    pub existing: usize,
    /// Client numbers no contact has: for a person to create or link the company.
    pub unmatched: Vec<UnmatchedNumber>,
    /// Extensions (or PBX employee ids) nobody in Baton has → calls not logged.
    pub unknown_employees: BTreeMap<String, usize>,
    pub problems: Vec<ImportProblem>,
}

/// How to read and log a call log.
pub struct CallImport {
    pub provider: Provider,
    /// Extension (or the PBX's employee id) → Baton login.
    pub users: BTreeMap<String, String>,
    pub dry_run: bool,
    pub skip_problems: bool,
}

/// Which employee an extension means: the mapping's login, else a login equal to it.
fn employee_of<'a>(
    key: &str,
    users: &BTreeMap<String, String>,
    people: &'a [Employee],
) -> Option<&'a Employee> {
    let login = users.get(key).map_or(key, String::as_str);
    people.iter().find(|e| e.login == login)
}

impl App {
    /// Reads a call log and logs its calls. `users` maps an extension (or the PBX's employee
    /// id) to a Baton login. A dry run does all of it and rolls it back.
    pub fn import_calls(
        &self,
        actor: &Actor,
        file: &str,
        bytes: &[u8],
        opts: &CallImport,
    ) -> AppResult<CallsReport> {
        let CallImport {
            provider,
            users,
            dry_run,
            skip_problems,
        } = opts;
        let (provider, dry_run, skip_problems) = (*provider, *dry_run, *skip_problems);
        require(actor, Action::ExportImport)?;
        let (cdrs, bad) = cdr::read(provider, bytes);
        let mut report = CallsReport {
            provider: provider.code().into(),
            dry_run,
            read: cdrs.len(),
            ..CallsReport::default()
        };
        for p in bad {
            report.problems.push(ImportProblem::new(
                file,
                p.line,
                &p.column,
                Text::new("tel-bad-record").arg("why", p.message),
            ));
        }
        // As every import: a problem stops it unless told to skip; a dry run goes on.
        if !report.problems.is_empty() && !skip_problems && !dry_run {
            return Ok(report);
        }
        let keep = !dry_run;
        self.log_cdrs(
            actor,
            provider,
            file,
            cdrs,
            users,
            keep,
            skip_problems,
            &mut report,
        )?;
        Ok(report)
    }

    /// Logs the calls through `log_call` on a pinned transaction, as the CRM import does.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn log_cdrs(
        &self,
        actor: &Actor,
        provider: Provider,
        file: &str,
        mut cdrs: Vec<Cdr>,
        users: &BTreeMap<String, String>,
        keep: bool,
        skip_problems: bool,
        report: &mut CallsReport,
    ) -> AppResult<()> {
        let people: Vec<Employee> = self
            .db
            .read(|tx| Ok::<_, AppError>(tx.list(&Filter::new())?))?;
        // Every contact's number by its last 10 digits; a number two companies share is
        // nobody's (the call cannot say whose it was).
        let mut by_phone: BTreeMap<String, Option<String>> = BTreeMap::new();
        for c in self
            .db
            .read(|tx| Ok::<_, AppError>(tx.list::<Contact>(&Filter::new())?))?
        {
            if let Some(k) = c.phone.as_deref().and_then(last10) {
                by_phone
                    .entry(k)
                    .and_modify(|v| {
                        if v.as_deref() != Some(c.company_id.as_str()) {
                            *v = None;
                        }
                    })
                    .or_insert(Some(c.company_id.clone()));
            }
        }
        let db = self.db.pinned()?;
        let clock = Arc::new(SimClock::new(self.now()));
        let app = App::with(db.clone(), clock.clone(), Arc::new(RandomIds));
        let tz = app.config()?.tz();
        let now = self.now();
        let at = |w: When| match w {
            When::Utc(t) => t,
            When::Local(t) => tz
                .from_local_datetime(&t)
                .earliest()
                .map_or_else(|| t.and_utc(), |x| x.with_timezone(&chrono::Utc)),
        };
        cdrs.sort_by_key(|c| at(c.started));
        let mut actors: BTreeMap<String, Actor> = BTreeMap::new();
        let mut unmatched: BTreeMap<String, UnmatchedNumber> = BTreeMap::new();
        let before = report.problems.len();
        for c in cdrs {
            let key = format!("{}|call|{}", provider.code(), c.id);
            if db
                .read(|tx| Ok::<_, AppError>(tx.get::<CrmRecord>(&key)?))?
                .is_some()
            {
                report.existing += 1;
                continue;
            }
            let when = at(c.started).min(now);
            let company = last10(&c.client).and_then(|k| by_phone.get(&k).cloned().flatten());
            let Some(company_id) = company else {
                let u = unmatched
                    .entry(c.client.clone())
                    .or_insert_with(|| UnmatchedNumber {
                        phone: c.client.clone(),
                        calls: 0,
                        first: stamp(when),
                    });
                u.calls += 1;
                continue;
            };
            let Some(e) = employee_of(&c.employee, users, &people) else {
                *report
                    .unknown_employees
                    .entry(c.employee.clone())
                    .or_default() += 1;
                continue;
            };
            clock.set(when);
            let who = match actors.get(&e.id) {
                Some(a) => a.clone(),
                None => {
                    let a = app.actor(&e.id)?;
                    actors.insert(e.id.clone(), a.clone());
                    a
                }
            };
            let req = NewCall {
                company_id,
                // The PBX knows whether they talked, not whether the decision maker was
                // reached: an answered call is «connected», the caller may add the rest.
                outcome: if c.talk_sec > 0 {
                    "connected"
                } else {
                    "no_answer"
                }
                .into(),
                duration_sec: c.talk_sec,
                note: Some(format!(
                    "{} · {}",
                    provider.code(),
                    if c.outgoing { "out" } else { "in" }
                )),
                lead_id: None,
                callback_at: None,
            };
            // A number from the pool was dialled as the caller would have: claimed first
            // (client protection refuses it if someone else holds the company).
            let mut logged = app.log_call(&who, req.clone());
            if matches!(logged, Err(AppError::NotFound { .. }))
                && app.claim_company(&who, &req.company_id).is_ok()
            {
                logged = app.log_call(&who, req);
            }
            match logged {
                Ok(a) => {
                    db.tx(|tx| {
                        tx.insert(&CrmRecord {
                            id: key,
                            entity: "call".into(),
                            entity_id: a.id.clone(),
                            imported_at: stamp(now),
                            imported_by: actor.id.clone(),
                        })?;
                        Ok::<_, AppError>(())
                    })?;
                    report.logged += 1;
                    if c.talk_sec > 0 {
                        report.answered += 1;
                        report.talk_sec += c.talk_sec;
                    }
                }
                Err(e) => report
                    .problems
                    .push(ImportProblem::new(file, c.line, "", e.text())),
            }
        }
        report.unmatched = unmatched.into_values().collect();
        // A refusal by the rules (a company outside the employee's reach) is listed at its
        // row and, unless skipped, keeps the whole log out.
        let refused = report.problems.len() > before;
        // Not kept: the pinned handles are dropped on return, which rolls everything back.
        if keep && (!refused || skip_problems) {
            db.finish()?;
            report.written = true;
        }
        Ok(())
    }
}
