//! A department's data from its CRM (issue 17 §1, §2, §6): amoCRM and Bitrix24 exports and
//! any spreadsheet, read by aliases, checked to the cell, and replayed in date order through
//! the same use cases as live work, inside one transaction (docs/import.md).

pub mod fields;
pub mod mapping;
pub mod plan;
pub mod table;

use crate::App;
use crate::clock::{RandomIds, SimClock, stamp};
use crate::conveyor::companies::{NewCompany, NewContact};
use crate::conveyor::deals::NewContract;
use crate::conveyor::leads::NewLead;
use crate::error::{AppError, AppResult, ImportProblem};
use crate::rights::{Action, Actor, require};
use baton_catalog::Text;
use baton_domain::Money;
use baton_store::records::{Company, CrmRecord, Employee, Region};
use baton_store::{Db, Filter};
use chrono::{NaiveDateTime, TimeZone};
use fields::Columns;
use mapping::{Mapping, Preset, StageMeaning, is_deals};
use plan::Plan;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;

/// One file as uploaded or read from disk.
pub struct CrmFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

pub struct CrmImport {
    pub preset: Preset,
    pub mapping: Mapping,
    pub dry_run: bool,
    /// The region of companies whose city names none (else the importer's own region).
    pub region: Option<String>,
    /// Import what is right and leave out the rows with problems (they stay listed).
    pub skip_problems: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct FileSummary {
    pub name: String,
    pub format: table::Format,
    /// `companies` or `deals`.
    pub kind: &'static str,
    pub rows: usize,
    /// Field code → the header it was read from.
    pub columns: BTreeMap<&'static str, String>,
    pub ignored: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct CrmReport {
    pub preset: String,
    pub dry_run: bool,
    /// Whether anything was written (false on a dry run, or when problems stopped it).
    pub written: bool,
    pub files: Vec<FileSummary>,
    pub companies_created: usize,
    pub companies_existing: usize,
    pub contacts_created: usize,
    pub deals_created: usize,
    pub deals_existing: usize,
    pub deals_won: usize,
    pub deals_lost: usize,
    pub deals_open: usize,
    pub won_amount: Money,
    /// The source's users → Baton logins (`null`: matched to nobody).
    pub users: BTreeMap<String, Option<String>>,
    /// Cities → region codes (`null`: no region).
    pub regions: BTreeMap<String, Option<String>>,
    pub stages: BTreeMap<String, StageMeaning>,
    pub problems: Vec<ImportProblem>,
    /// The mapping file Baton suggests: what it understood, for the user to confirm.
    pub suggested_mapping: String,
}

/// Whom a source's user name means: the mapping's login, else an employee whose full name
/// has the same words in any order («Смирнова Анна» is «Анна Смирнова»), else a login.
fn match_user(name: &str, mapping: &Mapping, people: &[Employee]) -> Option<String> {
    if let Some(login) = mapping.users.get(name.trim()) {
        return people
            .iter()
            .find(|e| e.login == login.trim())
            .map(|e| e.login.clone());
    }
    let words = |s: &str| {
        let mut w: Vec<String> = s
            .to_lowercase()
            .replace('ё', "е")
            .split_whitespace()
            .map(str::to_string)
            .collect();
        w.sort();
        w
    };
    let want = words(name);
    let by_name: Vec<&Employee> = people.iter().filter(|e| words(&e.name) == want).collect();
    match by_name.as_slice() {
        [one] => Some(one.login.clone()),
        _ => people
            .iter()
            .find(|e| e.login.eq_ignore_ascii_case(name.trim()))
            .map(|e| e.login.clone()),
    }
}

fn match_region(city: &str, mapping: &Mapping, regions: &[Region]) -> Option<String> {
    let code = mapping
        .regions
        .get(city.trim())
        .map(|c| c.trim().to_string());
    let found = |r: &&Region| match &code {
        Some(c) => r.code == *c,
        None => {
            r.name.to_lowercase() == city.trim().to_lowercase()
                || r.code.eq_ignore_ascii_case(city.trim())
        }
    };
    regions.iter().find(found).map(|r| r.code.clone())
}

impl App {
    /// Reads the files, checks every row, and (unless a dry run, or problems without
    /// `skip_problems`) writes companies, contacts and deals in one transaction.
    pub fn import_crm(
        &self,
        actor: &Actor,
        files: &[CrmFile],
        opts: &CrmImport,
    ) -> AppResult<CrmReport> {
        require(actor, Action::ExportImport)?;
        let mut report = CrmReport {
            preset: opts.preset.code().into(),
            dry_run: opts.dry_run,
            ..CrmReport::default()
        };
        let mut plan = Plan::default();
        let mut tables = Vec::new();
        for f in files {
            let (t, format) = match table::read(&f.bytes) {
                Ok(x) => x,
                Err(e) => {
                    plan.problems.push(ImportProblem::new(
                        &f.name,
                        0,
                        "",
                        Text::new("crm-unreadable").arg("why", e.to_string()),
                    ));
                    continue;
                }
            };
            let cols = match Columns::of(&t.headers, &opts.mapping.columns) {
                Ok(c) => c,
                Err(code) => {
                    plan.problems.push(ImportProblem::new(
                        &f.name,
                        t.header_line,
                        "",
                        Text::new("crm-unknown-field").arg("field", code),
                    ));
                    continue;
                }
            };
            report.files.push(FileSummary {
                name: f.name.clone(),
                format,
                kind: if is_deals(&cols) {
                    "deals"
                } else {
                    "companies"
                },
                rows: t.rows.len(),
                columns: cols
                    .of
                    .iter()
                    .filter_map(|(f, v)| {
                        v.first()
                            .and_then(|&i| t.headers.get(i))
                            .map(|h| (f.code(), h.clone()))
                    })
                    .collect(),
                ignored: cols.ignored.clone(),
            });
            // Companies before deals, whatever order the files came in, so a deal finds the
            // ИНН its company's file gives.
            tables.push((is_deals(&cols), f.name.clone(), t, cols));
        }
        tables.sort_by_key(|h| h.0);
        for (_, name, t, cols) in &tables {
            plan.read(name, t, cols, &opts.mapping);
        }
        plan.check_inns();

        let people: Vec<Employee> = self
            .db
            .read(|tx| Ok::<_, AppError>(tx.list(&Filter::new())?))?;
        let regions = self.regions()?;
        let default_region = opts.region.clone().or_else(|| {
            let id = actor.region_id.as_ref()?;
            regions.iter().find(|r| &r.id == id).map(|r| r.code.clone())
        });
        if let Some(code) = &opts.region
            && !regions.iter().any(|r| &r.code == code)
        {
            plan.problems.push(ImportProblem::new(
                "",
                0,
                "--region",
                Text::new("crm-unknown-region").arg("region", code),
            ));
        }
        for d in &plan.deals {
            if let Some(u) = &d.responsible {
                report
                    .users
                    .entry(u.clone())
                    .or_insert_with(|| match_user(u, &opts.mapping, &people));
            }
            report.stages.entry(d.stage.clone()).or_insert(d.meaning);
        }
        for co in &plan.companies {
            if let Some(city) = &co.city {
                report
                    .regions
                    .entry(city.clone())
                    .or_insert_with(|| match_region(city, &opts.mapping, &regions));
            }
        }
        // A deal needs its sales manager in Baton; a company needs a region.
        let mut told = std::collections::BTreeSet::new();
        for d in &plan.deals {
            match &d.responsible {
                Some(u)
                    if report.users.get(u).is_some_and(Option::is_none)
                        && told.insert(u.clone()) =>
                {
                    plan.problems.push(ImportProblem::new(
                        &d.at.0,
                        d.at.1,
                        "Ответственный",
                        Text::new("crm-unknown-user").arg("user", u),
                    ));
                }
                None => plan.problems.push(ImportProblem::new(
                    &d.at.0,
                    d.at.1,
                    "Ответственный",
                    Text::new("crm-no-responsible"),
                )),
                _ => {}
            }
        }
        for co in &plan.companies {
            let region = co
                .city
                .as_ref()
                .and_then(|c| report.regions.get(c).cloned().flatten())
                .or_else(|| default_region.clone());
            if region.is_none() && told.insert(format!("city:{:?}", co.city)) {
                plan.problems.push(ImportProblem::new(
                    &co.at.0,
                    co.at.1,
                    "Город",
                    Text::new("crm-no-region").arg("city", co.city.clone().unwrap_or_default()),
                ));
            }
        }
        let heads: Vec<Vec<String>> = tables.iter().map(|t| t.2.headers.clone()).collect();
        let cols: Vec<Columns> = tables.into_iter().map(|t| t.3).collect();
        report.suggested_mapping = Mapping::suggest(
            &heads,
            &cols,
            &report.users,
            &report.regions,
            &report.stages,
        );
        report.problems = std::mem::take(&mut plan.problems);
        // A dry run goes on past problems, so its report also says what the good rows do.
        if !report.problems.is_empty() && !opts.skip_problems && !opts.dry_run {
            return Ok(report);
        }
        self.replay_crm(
            actor,
            &plan,
            opts,
            &regions,
            default_region.as_deref(),
            &people,
            &mut report,
        )?;
        Ok(report)
    }

    /// Writes the plan through the use cases under a clock set to each record's own date,
    /// on a pinned transaction: committed at the end, dropped on a dry run or an error.
    #[allow(clippy::too_many_arguments)]
    fn replay_crm(
        &self,
        actor: &Actor,
        plan: &Plan,
        opts: &CrmImport,
        regions: &[Region],
        default_region: Option<&str>,
        people: &[Employee],
        report: &mut CrmReport,
    ) -> AppResult<()> {
        let db: Db = self.db.pinned()?;
        let clock = Arc::new(SimClock::new(self.now()));
        let app = App::with(db.clone(), clock.clone(), Arc::new(RandomIds));
        let cfg = app.config()?;
        let tz = cfg.tz();
        let utc = |t: NaiveDateTime| {
            tz.from_local_datetime(&t)
                .earliest()
                .map_or_else(|| t.and_utc(), |x| x.with_timezone(&chrono::Utc))
        };
        let now = self.now();
        let source = opts.preset.code();
        let key_of = |entity: &str, id: &str| format!("{source}|{entity}|{id}");
        let known = |key: &str| -> AppResult<Option<CrmRecord>> {
            db.read(|tx| Ok::<_, AppError>(tx.get::<CrmRecord>(key)?))
        };
        let remember = |key: String, entity: &str, id: &str| -> AppResult<()> {
            db.tx(|tx| {
                tx.insert(&CrmRecord {
                    id: key,
                    entity: entity.into(),
                    entity_id: id.into(),
                    imported_at: stamp(now),
                    imported_by: actor.id.clone(),
                })?;
                Ok::<_, AppError>(())
            })
        };
        // A use case's refusal is listed where its row is; its savepoint is rolled back, so
        // the rest goes on, and the end decides whether anything is kept.
        let before = report.problems.len();
        let list_refusal = |report: &mut CrmReport, at: &(String, u64), e: AppError| {
            report
                .problems
                .push(ImportProblem::new(&at.0, at.1, "", e.text()));
        };

        // Companies: the earliest deal's date is when each came to the department.
        let mut first_seen: Vec<Option<NaiveDateTime>> = vec![None; plan.companies.len()];
        for d in &plan.deals {
            if let Some(t) = d.created_at {
                let slot = &mut first_seen[d.company];
                *slot = Some(slot.map_or(t, |s| s.min(t)));
            }
        }
        let mut company_ids: Vec<Option<String>> = vec![None; plan.companies.len()];
        for (i, co) in plan.companies.iter().enumerate() {
            let Some(inn) = &co.inn else { continue };
            let existing: Option<Company> = db.read(|tx| {
                Ok::<_, AppError>(
                    tx.list::<Company>(
                        &Filter::new()
                            .eq("inn", inn.as_str())
                            .eq("kpp", co.kpp.as_str()),
                    )?
                    .into_iter()
                    .next(),
                )
            })?;
            if let Some(c) = existing {
                report.companies_existing += 1;
                let have = db.read(|tx| {
                    Ok::<_, AppError>(tx.list::<baton_store::records::Contact>(
                        &Filter::new().eq("company_id", c.id.as_str()),
                    )?)
                })?;
                for ct in &co.contacts {
                    if have
                        .iter()
                        .any(|h| h.name == ct.name && (h.phone == ct.phone || ct.phone.is_none()))
                    {
                        continue;
                    }
                    match app.add_contact(actor, &c.id, new_contact(ct)) {
                        Ok(_) => report.contacts_created += 1,
                        Err(e) => list_refusal(report, &co.at, e),
                    }
                }
                company_ids[i] = Some(c.id);
                continue;
            }
            let region = co
                .city
                .as_ref()
                .and_then(|c| match_region(c, &opts.mapping, regions))
                .or_else(|| default_region.map(str::to_string));
            let region_id = region.and_then(|code| {
                regions
                    .iter()
                    .find(|r| r.code == code)
                    .map(|r| r.id.clone())
            });
            clock.set(first_seen[i].map_or(now, utc).min(now));
            let req = NewCompany {
                inn: inn.clone(),
                kpp: (!co.kpp.is_empty()).then(|| co.kpp.clone()),
                name: co.name.clone(),
                region_id,
                industry: co.industry.clone(),
                source: Some(format!("import:{source}")),
                contacts: co.contacts.iter().map(new_contact).collect(),
                confirm_distinct: true,
            };
            match app.create_company(actor, req) {
                Ok(card) => {
                    report.companies_created += 1;
                    report.contacts_created += co.contacts.len();
                    company_ids[i] = Some(card.company.id);
                }
                Err(e) => list_refusal(report, &co.at, e),
            }
        }

        // Deals in date order, each closed at its own date: open → contract or loss.
        enum Step {
            Open(usize),
            Close(usize),
        }
        let mut steps: Vec<(NaiveDateTime, u8, usize, Step)> = Vec::new();
        for (i, d) in plan.deals.iter().enumerate() {
            let opened = d.created_at.unwrap_or_else(|| now.naive_utc());
            steps.push((opened, 0, i, Step::Open(i)));
            if d.meaning != StageMeaning::Open {
                steps.push((
                    d.closed_at.unwrap_or(opened).max(opened),
                    1,
                    i,
                    Step::Close(i),
                ));
            }
        }
        steps.sort_by_key(|s| (s.0, s.1, s.2));
        let mut lead_ids: Vec<Option<String>> = vec![None; plan.deals.len()];
        let mut sellers: BTreeMap<String, Actor> = BTreeMap::new();
        for (when, _, _, step) in steps {
            let i = match step {
                Step::Open(i) | Step::Close(i) => i,
            };
            let d = &plan.deals[i];
            let Some(company_id) = company_ids[d.company].clone() else {
                continue;
            };
            let Some(login) = d
                .responsible
                .as_ref()
                .and_then(|u| report.users.get(u).cloned().flatten())
            else {
                continue;
            };
            let key = key_of(
                "deal",
                d.id.as_deref()
                    .unwrap_or(&format!("{}|{}|{when}", company_id, d.title)),
            );
            clock.set(utc(when).min(now));
            let seller = match sellers.get(&login) {
                Some(a) => a.clone(),
                None => {
                    let Some(e) = people.iter().find(|e| e.login == login) else {
                        continue;
                    };
                    let a = app.actor(&e.id)?;
                    sellers.insert(login.clone(), a.clone());
                    a
                }
            };
            match step {
                Step::Open(_) => {
                    if known(&key)?.is_some() {
                        report.deals_existing += 1;
                        continue;
                    }
                    let req = NewLead {
                        company_id,
                        source: None,
                        campaign: None,
                        checklist: Default::default(),
                        amount: d.amount,
                        expected_on: None,
                    };
                    match app.open_lead(&seller, req) {
                        Ok(lead) => {
                            remember(key, "lead", &lead.id)?;
                            lead_ids[i] = Some(lead.id);
                            report.deals_created += 1;
                            if d.meaning == StageMeaning::Open {
                                report.deals_open += 1;
                            }
                        }
                        Err(e) => list_refusal(report, &d.at, e),
                    }
                }
                Step::Close(_) => {
                    let Some(lead_id) = lead_ids[i].clone() else {
                        continue;
                    };
                    let done = match d.meaning {
                        StageMeaning::Won => {
                            // The plan refused a won deal without an amount.
                            let amount = d.amount.unwrap_or(Money::ZERO);
                            let req = NewContract {
                                amount: Some(amount),
                                signed_on: Some(when.date().to_string()),
                                number: None,
                                lines: Vec::new(),
                            };
                            app.sign_contract(&seller, &lead_id, req).map(|_| {
                                report.deals_won += 1;
                                report.won_amount += amount;
                            })
                        }
                        StageMeaning::Lost => {
                            let reason = d.loss_reason.clone().unwrap_or_else(|| d.stage.clone());
                            app.lose_lead(&seller, &lead_id, &reason)
                                .map(|_| report.deals_lost += 1)
                        }
                        StageMeaning::Open => Ok(()),
                    };
                    if let Err(e) = done {
                        list_refusal(report, &d.at, e);
                    }
                }
            }
        }
        let refused = report.problems.len() > before;
        // Not kept: the pinned handles are dropped on return, which rolls everything back.
        if !opts.dry_run && (!refused || opts.skip_problems) {
            db.finish()?;
            report.written = true;
        }
        Ok(())
    }
}

fn new_contact(c: &plan::ContactIn) -> NewContact {
    NewContact {
        name: c.name.clone(),
        position: c.position.clone(),
        is_dm: false,
        phone: c.phone.clone(),
        email: c.email.clone(),
    }
}
