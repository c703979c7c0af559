//! Payroll: one statement per person per period. A period's facts are loaded in a few
//! set-based queries (facts.rs), the pure core computes the metrics of PRODUCT.md §4.1 for each
//! stretch a person held a paying role (one statement part per role) and evaluates the plan
//! version in force (plans.rs). Closed periods are frozen (periods.rs): their stored JSON is
//! served byte for byte, and a later change to their data comes back as adjustment lines in the
//! next open period.

pub mod facts;
pub mod live;
pub mod periods;
pub mod plans;
pub mod register;
pub mod zup;

use crate::App;
use crate::error::{AppError, AppResult};
use crate::rights::Actor;
use baton_catalog::Text;
use baton_comp::metrics::{Stretch, compute, wanted_metrics};
use baton_comp::{Inputs, Line, Statement, Threshold, evaluate, next_thresholds};
use baton_domain::role::{absent_on, roles_on};
use baton_domain::{ConveyorConfig, Role};
use baton_store::records::{AbsenceRow, Employee, Region, RoleAssignmentRow, Target};
use baton_store::{Filter, Tx, Value};
use chrono::{Datelike, Duration, Months, NaiveDate};
use facts::{Load, Who};
use plans::{UsedPlan, plan_for};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::str::FromStr;

pub use plans::SHIPPED_PLANS;

/// The roles a plan pays.
pub const PAID_ROLES: [Role; 4] = [
    Role::Caller,
    Role::SalesManager,
    Role::ClientManager,
    Role::UniversalManager,
];

/// How far back an open period looks for a negative remainder to carry (older periods should
/// be closed; docs/plans.md).
const CARRY_LOOKBACK: u32 = 12;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Part {
    pub role: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The plan version used: a stored id or `shipped:<role>`.
    pub plan_id: String,
    pub plan_version: i64,
    pub days_worked: i64,
    pub days_total: i64,
    pub statement: Statement,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonStatement {
    pub employee_id: String,
    pub login: String,
    pub name: String,
    pub role: String,
    pub region: String,
    pub region_id: Option<String>,
    pub period: String,
    /// The period's status when this statement was made: open, calculated, approved, paid.
    pub status: String,
    pub parts: Vec<Part>,
    /// Changes to closed periods' data, paid (or, when the plan does not allow deductions,
    /// shown and not deducted) in this period.
    #[serde(default)]
    pub adjustments: Vec<Line>,
    /// Σ of the accrued rounded lines of every part plus the adjustments.
    #[serde(serialize_with = "baton_comp::number::money_text")]
    pub total: Decimal,
    /// Live statements only: what the next tier, band or gate takes and is worth.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub thresholds: Vec<Threshold>,
}

impl PersonStatement {
    /// The last part's statement (the role held at the end of the period).
    pub fn statement(&self) -> Option<&Statement> {
        self.parts.last().map(|p| &p.statement)
    }
}

/// A period `YYYY-MM`: its first and last day.
pub fn period_bounds(period: &str) -> AppResult<(NaiveDate, NaiveDate)> {
    month_bounds("period", period)
}

/// A month `YYYY-MM` given in `field`: its first and last day; the error names the field.
pub fn month_bounds(field: &str, month: &str) -> AppResult<(NaiveDate, NaiveDate)> {
    let bad = || AppError::invalid(field, Text::new("err-not-month").arg("value", month));
    let m = month.trim();
    if m.len() != 7 || m.as_bytes()[4] != b'-' {
        return Err(bad());
    }
    let start = NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d").map_err(|_| bad())?;
    let end = start.checked_add_months(Months::new(1)).ok_or_else(bad)? - Duration::days(1);
    Ok((start, end))
}

pub fn period_of(day: NaiveDate) -> String {
    format!("{}-{:02}", day.year(), day.month())
}

fn prev_period(period: &str) -> AppResult<String> {
    let (start, _) = period_bounds(period)?;
    Ok(period_of(start - Duration::days(1)))
}

/// Which plans to use: the versions in force, or the ones a frozen period used.
#[derive(Clone)]
pub(crate) enum Plans<'a> {
    InForce,
    /// (employee, role) → plan id, from a frozen period.
    Pinned(&'a BTreeMap<(String, String), String>),
    /// What-if: this plan for every stretch of its role.
    Draft(&'a UsedPlan),
}

pub(crate) struct Job<'a> {
    pub period: &'a str,
    pub who: Who<'a>,
    pub region: Option<String>,
    pub plans: Plans<'a>,
    /// Add adjustments for changed closed periods (an open period being computed).
    pub adjust: bool,
    pub thresholds: bool,
}

impl<'a> Job<'a> {
    /// Everyone's statements for a period under `plans`, without "next threshold".
    fn everyone(
        period: &'a str,
        region: Option<String>,
        plans: Plans<'a>,
        adjust: bool,
    ) -> Job<'a> {
        Job {
            period,
            who: Who::Everyone,
            region,
            plans,
            adjust,
            thresholds: false,
        }
    }
}

impl App {
    /// Every person's statement for `period`: frozen if the period is closed, live otherwise.
    pub fn payroll(&self, actor: Option<&Actor>, period: &str) -> AppResult<Vec<PersonStatement>> {
        let region = payroll_region(actor)?;
        let cfg = self.config()?;
        self.db.read(|tx| {
            if let Some(stored) = periods::stored(tx, period)? {
                return Ok(stored
                    .into_iter()
                    .filter(|s| region.is_none() || s.region_id == region)
                    .collect());
            }
            self.compute_in(
                tx,
                &cfg,
                &Job::everyone(period, region.clone(), Plans::InForce, true),
                0,
            )
        })
    }

    /// Loads a period's facts for everyone, for timing the pure computation on its own.
    pub fn prepare_payroll(&self, period: &str) -> AppResult<Prepared> {
        let cfg = self.config()?;
        self.db.read(|tx| {
            self.prepare_in(
                tx,
                &cfg,
                &Job::everyone(period, None, Plans::InForce, false),
                0,
            )
        })
    }

    /// Read-only, for plan against fact: every stretch's computed metric values for `period`,
    /// in order, with the employee's id (a person with two roles in the month has two).
    pub(crate) fn metric_values_in(
        &self,
        tx: &mut Tx<'_>,
        cfg: &ConveyorConfig,
        period: &str,
    ) -> AppResult<Vec<(String, BTreeMap<String, Decimal>)>> {
        let p = self.prepare_in(
            tx,
            cfg,
            &Job::everyone(period, None, Plans::InForce, false),
            0,
        )?;
        let values = compute(&p.facts, &p.stretches, &p.wanted, &p.custom);
        Ok(values
            .into_iter()
            .enumerate()
            .filter_map(|(si, mv)| {
                let e = p.owner.get(si).and_then(|&o| p.employees.get(o))?;
                Some((e.id.clone(), mv.values))
            })
            .collect())
    }

    /// What-if: every person's statement for `period` from the data as it is now, with the draft
    /// plan `text` in place of the plan of its role (nothing is stored).
    pub fn payroll_under(
        &self,
        actor: Option<&Actor>,
        period: &str,
        text: &str,
    ) -> AppResult<Vec<PersonStatement>> {
        let region = payroll_region(actor)?;
        let draft = UsedPlan {
            id: "draft".into(),
            version: 0,
            plan: plans::checked(text)?,
        };
        let cfg = self.config()?;
        self.db.read(|tx| {
            self.compute_in(
                tx,
                &cfg,
                &Job::everyone(period, region.clone(), Plans::Draft(&draft), false),
                0,
            )
        })
    }

    /// The payroll register of a period as CSV or XLSX bytes, with the period's status.
    pub fn payroll_register(
        &self,
        actor: Option<&Actor>,
        period: &str,
        format: &str,
    ) -> AppResult<Vec<u8>> {
        let list = self.payroll(actor, period)?;
        let status = self.db.read(|tx| periods::status_of(tx, period))?;
        match format {
            "csv" => register::csv(&list),
            "xlsx" => register::xlsx(period, &status, &list),
            "zup_csv" | "zup_xlsx" => {
                let numbers = self.db.read(|tx| {
                    Ok::<_, AppError>(
                        tx.list::<Employee>(&Filter::new())?
                            .into_iter()
                            .filter_map(|e| e.personnel_number.map(|n| (e.id, n)))
                            .collect::<BTreeMap<_, _>>(),
                    )
                })?;
                let types = self.accrual_types()?;
                if format == "zup_csv" {
                    zup::csv(period, &status, &list, &numbers, &types)
                } else {
                    zup::xlsx(period, &status, &list, &numbers, &types)
                }
            }
            other => Err(AppError::invalid(
                "format",
                Text::new("err-register-format").arg("value", other),
            )),
        }
    }

    /// How the plans' components are called in the company's 1C:ЗУП (its виды начислений), for
    /// the register's ЗУП layout: component code → вид начисления. Empty until set.
    pub fn accrual_types(&self) -> AppResult<BTreeMap<String, String>> {
        self.db.read(
            |tx| match tx.get::<baton_store::records::Setting>(zup::SETTING)? {
                Some(s) => serde_json::from_str(&s.value).map_err(|e| {
                    AppError::invalid(
                        zup::SETTING,
                        Text::new("err-config-unreadable").arg("error", e.to_string()),
                    )
                }),
                None => Ok(BTreeMap::new()),
            },
        )
    }

    /// Replaces the components' виды начислений (the whole company's: the accountant, the
    /// director, the admin).
    pub fn set_accrual_types(
        &self,
        actor: &Actor,
        types: BTreeMap<String, String>,
    ) -> AppResult<BTreeMap<String, String>> {
        crate::rights::require_region(actor, crate::rights::Action::CalculatePeriod, None)?;
        crate::input::count(zup::SETTING, types.len())?;
        let mut clean = BTreeMap::new();
        for (k, v) in &types {
            let field = format!("{}.{k}", zup::SETTING);
            let k = crate::input::name(&field, k, baton_domain::input::CODE_MAX)?;
            let v = crate::input::name(&field, v, baton_domain::input::NAME_MAX)?;
            clean.insert(k.trim().to_string(), v.trim().to_string());
        }
        self.db.tx(|tx| {
            let before = self.accrual_types_in(tx)?;
            let value = serde_json::to_string(&clean).map_err(|e| {
                AppError::invalid(
                    zup::SETTING,
                    Text::new("err-config-unwritable").arg("error", e.to_string()),
                )
            })?;
            tx.upsert(&baton_store::records::Setting {
                id: zup::SETTING.into(),
                value,
            })?;
            self.audit(
                tx,
                Some(actor),
                "settings",
                zup::SETTING,
                "settings.accrual_types",
                Some(&before),
                Some(&clean),
            )
        })?;
        Ok(clean)
    }

    /// Every component of the shipped and the stored active plans, with its label: what the
    /// accountant maps to виды начислений.
    pub fn accrual_components(&self, actor: &Actor) -> AppResult<BTreeMap<String, String>> {
        crate::rights::require(actor, crate::rights::Action::CalculatePeriod)?;
        let mut texts: Vec<String> = plans::SHIPPED_PLANS
            .iter()
            .map(|(_, t)| t.to_string())
            .collect();
        self.db.read(|tx| {
            for v in
                tx.list::<baton_store::records::PlanVersion>(&Filter::new().eq("status", "active"))?
            {
                texts.push(v.body);
            }
            Ok::<_, AppError>(())
        })?;
        let mut out = BTreeMap::new();
        for t in texts {
            // A stored plan that no longer parses names nothing here; payroll reports it.
            if let Ok(plan) = plans::checked(&t) {
                for c in plan.components {
                    out.entry(c.id).or_insert(c.label);
                }
            }
        }
        Ok(out)
    }

    fn accrual_types_in(&self, tx: &mut Tx<'_>) -> AppResult<BTreeMap<String, String>> {
        Ok(tx
            .get::<baton_store::records::Setting>(zup::SETTING)?
            .and_then(|s| serde_json::from_str(&s.value).ok())
            .unwrap_or_default())
    }

    /// "My money": the person's own statement for a period (default: the current month, live,
    /// with what the next threshold takes). Only this person's rows are read.
    /// How "my statement" was served so far (from memory, loaded, payments taken in).
    pub fn live_stats(&self) -> live::LiveStats {
        self.live.stats()
    }

    pub fn my_statement(
        &self,
        actor: &Actor,
        period: Option<&str>,
    ) -> AppResult<Option<PersonStatement>> {
        let cfg = self.config()?;
        let period = match period {
            Some(p) => p.to_string(),
            None => period_of(self.today(&cfg)),
        };
        let key = (actor.id.clone(), period.clone());
        if let Some(cached) = self.live.get(&key, self.db.writes()) {
            return Ok(cached.into_iter().next());
        }
        let seen = self.db.writes();
        self.db.read(|tx| {
            if let Some(stored) = periods::stored(tx, &period)? {
                return Ok(stored.into_iter().find(|s| s.employee_id == actor.id));
            }
            let live = self.live_in(
                tx,
                &cfg,
                &Job {
                    period: &period,
                    who: Who::Person(&actor.id),
                    region: None,
                    plans: Plans::InForce,
                    adjust: true,
                    thresholds: true,
                },
                0,
            )?;
            let out = live.statements().into_iter().next();
            self.live.put(key, seen, live);
            Ok(out)
        })
    }

    /// Loads everything a period's statements need (the I/O half of [`App::compute_in`]).
    fn prepare_in(
        &self,
        tx: &mut Tx<'_>,
        cfg: &ConveyorConfig,
        job: &Job<'_>,
        depth: u32,
    ) -> AppResult<Prepared> {
        let period = job.period;
        let (start, end) = period_bounds(period)?;
        let mut ef = Filter::new().order("name", false);
        if let Some(r) = &job.region {
            ef = ef.eq("region_id", r.as_str());
        }
        if let Who::Person(p) = job.who {
            ef = ef.eq("id", p);
        }
        let employees = tx.list::<Employee>(&ef)?;
        let regions: BTreeMap<String, String> = tx
            .list::<Region>(&Filter::new())?
            .into_iter()
            .map(|r| (r.id, r.name))
            .collect();
        let mut rf = Filter::new().raw(
            "valid_from <= ? AND (valid_to IS NULL OR valid_to >= ?)",
            vec![end.to_string().into(), start.to_string().into()],
        );
        let mut af = Filter::new().raw(
            "from_date <= ? AND to_date >= ?",
            vec![end.to_string().into(), start.to_string().into()],
        );
        let mut tf = Filter::new().eq("period", period);
        if let Who::Person(p) = job.who {
            rf = rf.eq("employee_id", p);
            af = af.eq("employee_id", p);
            tf = tf.eq("employee_id", p);
        }
        let roles = tx.list::<RoleAssignmentRow>(&rf)?;
        let absences = tx.list::<AbsenceRow>(&af)?;
        let targets = tx.list::<Target>(&tf)?;
        let versions = plans::all_versions(tx)?;
        let mut plan_cache = HashMap::new();
        let work_days: Vec<NaiveDate> = start
            .iter_days()
            .take_while(|x| *x <= end)
            .filter(|x| cfg.calendar.is_working_day(*x))
            .collect();

        // Stretches: each run of days a person held a paid role inside the period.
        let mut stretches: Vec<Stretch> = Vec::new();
        let mut used: Vec<UsedPlan> = Vec::new();
        let mut owner: Vec<usize> = Vec::new();
        for (ei, e) in employees.iter().enumerate() {
            let ras = crate::conveyor::people::assignments_of(&roles, &e.id);
            let abs = crate::conveyor::people::absences_of(&absences, &e.id);
            let mut person_targets = BTreeMap::new();
            for t in targets.iter().filter(|t| t.employee_id == e.id) {
                if let Ok(v) = Decimal::from_str(t.value.trim()) {
                    person_targets.insert(t.metric.clone(), v);
                }
            }
            // The paid role of each day (the first paid role, in role order, if two overlap).
            let mut runs: Vec<(Role, NaiveDate, NaiveDate)> = Vec::new();
            for d in start.iter_days().take_while(|x| *x <= end) {
                let Some(role) = roles_on(&ras, d)
                    .into_iter()
                    .find(|r| PAID_ROLES.contains(r))
                else {
                    continue;
                };
                match runs.last_mut() {
                    Some((r, _, to)) if *r == role && *to + Duration::days(1) == d => *to = d,
                    _ => runs.push((role, d, d)),
                }
            }
            for (role, from, to) in runs {
                let plan = match &job.plans {
                    Plans::InForce => plan_for(&versions, &mut plan_cache, &e.id, role, to)?,
                    Plans::Pinned(pins) => {
                        match pins.get(&(e.id.clone(), role.as_str().to_string())) {
                            Some(id) if id.starts_with("shipped:") => plans::shipped(role)?,
                            Some(id) => match tx.get::<baton_store::records::PlanVersion>(id)? {
                                Some(v) => Some(UsedPlan {
                                    id: v.id.clone(),
                                    version: v.version,
                                    plan: plans::checked(&v.body)?,
                                }),
                                None => None,
                            },
                            None => plan_for(&versions, &mut plan_cache, &e.id, role, to)?,
                        }
                    }
                    Plans::Draft(d) if d.plan.role == role => Some((*d).clone()),
                    Plans::Draft(_) => plan_for(&versions, &mut plan_cache, &e.id, role, to)?,
                };
                let Some(plan) = plan else { continue };
                let held = work_days
                    .iter()
                    .filter(|x| **x >= from && **x <= to)
                    .filter(|x| roles_on(&ras, **x).contains(&role) && !absent_on(&abs, **x))
                    .count() as i64;
                stretches.push(Stretch {
                    person: e.id.clone(),
                    role,
                    from,
                    to,
                    days_worked: held,
                    days_total: work_days.len() as i64,
                    targets: person_targets.clone(),
                });
                used.push(plan);
                owner.push(ei);
            }
        }

        let mut wanted = std::collections::BTreeSet::new();
        let mut custom = BTreeMap::new();
        for u in &used {
            wanted.extend(wanted_metrics(&u.plan));
            custom.extend(u.plan.metrics.clone());
        }
        let with_mix = filters_by_product(&custom);
        let mut facts = Load {
            start,
            end,
            tz: cfg.tz(),
            hunter_window_days: cfg.hunter_window_days,
            who: job.who,
            with_mix,
        }
        .run(tx)?;
        // An open period is read as of today: what can still be earned is pending.
        let today = self.today(cfg);
        facts.as_of = (today <= end).then_some(today);
        let carry = self.carry_in(tx, cfg, job, depth)?;
        let status = periods::status_of(tx, period)?;
        let prepared = Prepared {
            period: period.to_string(),
            status,
            employees,
            regions,
            stretches,
            used,
            owner,
            facts,
            wanted,
            custom,
            carry,
            thresholds: job.thresholds,
        };
        Ok(prepared)
    }

    /// Computes statements from the data as it is now.
    pub(crate) fn compute_in(
        &self,
        tx: &mut Tx<'_>,
        cfg: &ConveyorConfig,
        job: &Job<'_>,
        depth: u32,
    ) -> AppResult<Vec<PersonStatement>> {
        Ok(self.live_in(tx, cfg, job, depth)?.statements())
    }

    /// Everything `job`'s statements need, loaded (see [`live::Live::statements`]).
    fn live_in(
        &self,
        tx: &mut Tx<'_>,
        cfg: &ConveyorConfig,
        job: &Job<'_>,
        depth: u32,
    ) -> AppResult<live::Live> {
        let prepared = self.prepare_in(tx, cfg, job, depth)?;
        let adjustments = if job.adjust {
            Some(periods::adjustments(self, tx, cfg, job)?)
        } else {
            None
        };
        Ok(live::Live {
            prepared,
            adjustments,
        })
    }

    /// Negative remainders carried into `job.period`, by (employee, role) and component: from
    /// the previous period's stored statements, or computed from it when it is still open.
    fn carry_in(
        &self,
        tx: &mut Tx<'_>,
        cfg: &ConveyorConfig,
        job: &Job<'_>,
        depth: u32,
    ) -> AppResult<BTreeMap<(String, String), BTreeMap<String, Decimal>>> {
        let prev = prev_period(job.period)?;
        let (prev_start, _) = period_bounds(&prev)?;
        let from_statements = |list: &[PersonStatement]| {
            let mut m: BTreeMap<(String, String), BTreeMap<String, Decimal>> = BTreeMap::new();
            for s in list {
                // The last part of each role holds what is still to carry.
                for p in &s.parts {
                    m.insert(
                        (s.employee_id.clone(), p.role.clone()),
                        p.statement.carry_out.clone(),
                    );
                }
            }
            m.retain(|_, v| !v.is_empty());
            m
        };
        if let Some(stored) = periods::stored_with_carry(tx, &prev)? {
            return Ok(from_statements(&stored));
        }
        // Nothing can be carried if no refund was recorded before the period (collections are
        // only negative through refunds), or when the history is too deep.
        let refunds = tx.query_one(
            "SELECT id FROM payments WHERE amount < 0 AND paid_on <= ? LIMIT 1",
            &[Value::from(
                prev_start
                    .checked_add_months(Months::new(1))
                    .map(|d| (d - Duration::days(1)).to_string())
                    .unwrap_or_default(),
            )],
        )?;
        if refunds.is_none() || depth >= CARRY_LOOKBACK {
            return Ok(BTreeMap::new());
        }
        let prev_job = Job {
            period: &prev,
            who: job.who,
            region: job.region.clone(),
            plans: job.plans.clone(),
            adjust: false,
            thresholds: false,
        };
        let list = self.compute_in(tx, cfg, &prev_job, depth + 1)?;
        Ok(from_statements(&list))
    }
}

/// Everything a period's statements need, loaded from the database: what remains is pure
/// computation ([`Prepared::finish`]), which `baton bench payroll` times on its own.
pub struct Prepared {
    period: String,
    status: String,
    employees: Vec<Employee>,
    regions: BTreeMap<String, String>,
    stretches: Vec<Stretch>,
    used: Vec<UsedPlan>,
    owner: Vec<usize>,
    facts: baton_comp::metrics::Facts,
    wanted: std::collections::BTreeSet<String>,
    custom: BTreeMap<String, baton_comp::plan::CustomMetric>,
    carry: BTreeMap<(String, String), BTreeMap<String, Decimal>>,
    thresholds: bool,
}

impl Prepared {
    /// Some plan filters collections by product: the facts need invoice lines.
    pub(crate) fn needs_mix(&self) -> bool {
        filters_by_product(&self.custom)
    }

    /// The metrics of every stretch and the statements they give (no I/O).
    pub fn finish(&self) -> Vec<PersonStatement> {
        let values = compute(&self.facts, &self.stretches, &self.wanted, &self.custom);

        let mut out: Vec<PersonStatement> = Vec::new();
        // The remainder carried into a role runs through its parts in order: two stretches of
        // the same role in one month offset it once.
        let mut running: BTreeMap<(String, String), BTreeMap<String, Decimal>> = self.carry.clone();
        for (si, (s, mv)) in self.stretches.iter().zip(values).enumerate() {
            let e = &self.employees[self.owner[si]];
            let key = (e.id.clone(), s.role.as_str().to_string());
            let inputs = Inputs {
                metrics: mv.values,
                days_worked: Some((s.days_worked, s.days_total)),
                sources: mv.sources,
                progress: mv.progress,
                targets: s.targets.clone(),
                carry_in: running.get(&key).cloned().unwrap_or_default(),
            };
            let plan = &self.used[si];
            let statement = evaluate(&plan.plan, &inputs);
            running.insert(key, statement.carry_out.clone());
            let thresholds = if self.thresholds {
                next_thresholds(&plan.plan, &inputs)
            } else {
                vec![]
            };
            let part = Part {
                role: s.role.as_str().into(),
                from: s.from,
                to: s.to,
                plan_id: plan.id.clone(),
                plan_version: plan.version,
                days_worked: s.days_worked,
                days_total: s.days_total,
                statement,
            };
            match out.last_mut() {
                Some(p) if p.employee_id == e.id => {
                    p.role = part.role.clone();
                    p.parts.push(part);
                    p.thresholds = thresholds;
                }
                _ => out.push(PersonStatement {
                    employee_id: e.id.clone(),
                    login: e.login.clone(),
                    name: e.name.clone(),
                    role: part.role.clone(),
                    region: e
                        .region_id
                        .as_ref()
                        .and_then(|r| self.regions.get(r))
                        .cloned()
                        .unwrap_or_default(),
                    region_id: e.region_id.clone(),
                    period: self.period.clone(),
                    status: self.status.clone(),
                    parts: vec![part],
                    adjustments: vec![],
                    total: Decimal::ZERO,
                    thresholds,
                }),
            }
        }
        out.sort_by(|a, b| (&a.name, &a.employee_id).cmp(&(&b.name, &b.employee_id)));
        settle_totals(&mut out);
        out
    }

    /// How many facts were loaded (for the benchmark's report).
    pub fn size(&self) -> (usize, usize, usize, usize) {
        (
            self.stretches.len(),
            self.facts.calls.len(),
            self.facts.handoffs.len(),
            self.facts.payments.len(),
        )
    }
}

fn filters_by_product(custom: &BTreeMap<String, baton_comp::plan::CustomMetric>) -> bool {
    custom
        .values()
        .any(|c| c.product_group.is_some() || c.sku.is_some() || c.edition.is_some())
}

/// Σ of the accrued rounded lines of every part plus the paid adjustments.
fn settle_totals(out: &mut [PersonStatement]) {
    for p in out {
        p.total = p.parts.iter().map(|x| x.statement.total).sum::<Decimal>()
            + p.adjustments
                .iter()
                .filter(|l| l.status == "accrued")
                .map(|l| l.amount)
                .sum::<Decimal>();
    }
}

/// The region a head's payroll is limited to; None for everyone else allowed to read it.
fn payroll_region(actor: Option<&Actor>) -> AppResult<Option<String>> {
    let Some(a) = actor else { return Ok(None) };
    crate::rights::region_limit(a, crate::rights::Action::ReadPayroll)
}
