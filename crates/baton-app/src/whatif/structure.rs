//! The structure simulator wired to the database: the department's monthly history (the
//! inputs of `Params::estimate`), and a simulation run with a preset, the parameters estimated
//! from that history, or the defaults (`domain-brief.md` §7), with edits on top.
//!
//! How the history counts (complete calendar months before today, in the company's time zone):
//! - headcount by role: people holding the role on the month's last day (role assignments);
//! - calls and DM conversations (outcomes starting with `dm_`): calls by people who were
//!   callers on the day of the call;
//! - warm leads: distinct leads a caller handed on (lead handoffs created in the month);
//!   accepted: those of them with an accepted handoff. A warm lead whose DM call was logged
//!   in another month can make warm leads exceed DM conversations: they are capped;
//! - self-sourced leads: leads opened without a caller by someone who was a universal
//!   manager that day;
//! - new clients: companies first won in the month (`att_won_on`; reactivations excluded),
//!   and their payments in the month as first-order collections;
//! - collections: every payment dated in the month (refunds negative);
//! - active clients at the end of a month: won by then and paying in that month or the two
//!   before; churned: active at the end of the previous month and not at the end of this one;
//! - repeat orders: clients won before the month who paid in it.

use super::replay::last_months;
use super::sim::{
    Comparison, Estimates, History, HistoryMonth, ParamRow, Params, PayPlans, PortfolioMode,
    Preset, ProfitMeasure, RecommendQuery, Recommendation, Scenario, SensitivityTable, SimError,
    Verdict,
};
use super::{may_simulate, sim};
use crate::App;
use crate::error::{AppError, AppResult};
use crate::payroll::{period_bounds, period_of};
use crate::rights::Actor;
use baton_catalog::Text;
use baton_domain::Role;
use baton_domain::role::{RoleAssignment, roles_on};
use baton_store::records::{Employee, RoleAssignmentRow};
use baton_store::{Filter, Value};
use chrono::{Duration, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// At most this many months of history.
pub const MAX_HISTORY_MONTHS: u32 = 36;
/// Months a client may go without paying and still count as active (the month itself and
/// the two before it).
const ACTIVE_WINDOW: usize = 3;
/// Runs used by the sensitivity table and the recommendation unless asked otherwise: each
/// repeats the simulation dozens of times.
const SIDE_RUNS: u32 = 200;

/// A simulator error as an application error: the same code, the field it names.
pub fn sim_error(e: SimError) -> AppError {
    let field = match &e {
        SimError::InvalidParam { name, .. } | SimError::UnknownParam { name, .. } => name.clone(),
        SimError::InvalidScenario { field, .. }
        | SimError::InvalidSetting { field, .. }
        | SimError::InvalidHistory { field, .. } => field.clone(),
        SimError::InvalidPlan { role, .. } => format!("plans.{role}"),
    };
    // The simulator's own messages are English; the sentence around them is the catalog's.
    AppError::invalid_as(
        e.code(),
        &field,
        Text::new("err-simulation").arg("error", e.to_string()),
    )
}

/// A scenario written as text: `universal:3`, `conveyor:2,2,1` (callers, sales managers,
/// client managers), `hybrid:2,3` (callers, universal managers) or `mix:1,1,1,2` (callers,
/// sales managers, client managers, universal managers).
pub fn parse_scenario(text: &str) -> AppResult<Scenario> {
    let bad = || {
        AppError::invalid(
            "scenario",
            Text::new("err-scenario-format").arg("value", text),
        )
    };
    let (kind, counts) = text.trim().split_once(':').ok_or_else(bad)?;
    let n: Vec<u32> = counts
        .split(',')
        .map(|c| c.trim().parse::<u32>())
        .collect::<Result<_, _>>()
        .map_err(|_| bad())?;
    let s = match (kind.trim(), n.as_slice()) {
        ("universal", [u]) => Scenario::universal(*u),
        ("conveyor", [c, s, k]) => Scenario::conveyor(*c, *s, *k),
        ("conveyor", [c, s]) => Scenario::conveyor(*c, *s, 0),
        ("hybrid", [c, u]) => Scenario::callers_and_universals(*c, *u),
        ("mix", [c, s, k, u]) => Scenario::with(sim::Headcount {
            callers: *c,
            sales_managers: *s,
            client_managers: *k,
            universals: *u,
        }),
        _ => return Err(bad()),
    };
    s.validate().map_err(sim_error)?;
    Ok(s)
}

/// A scenario in a request: the text form or the full object.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum ScenarioSpec {
    Text(String),
    Full(Scenario),
}

/// Settings to change; the rest come from the preset or the defaults.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SettingsPatch {
    pub runs: Option<u32>,
    pub horizon_months: Option<u32>,
    pub seed: Option<u64>,
    pub portfolio: Option<PortfolioMode>,
    pub measure: Option<ProfitMeasure>,
    pub parameter_uncertainty: Option<bool>,
}

/// What to simulate (`POST /api/simulate/structure`, `baton simulate structure`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StructureRequest {
    /// `brief7` or `brief7_whole_clients`: parameters, plans, scenarios and settings of
    /// `domain-brief.md` §7.
    pub preset: Option<String>,
    /// Estimate the parameters from the company's history.
    pub from_history: bool,
    /// Months of history to estimate from (default 12).
    pub history_months: Option<u32>,
    /// Parameters to set, by name (`calls_per_day`: 80), on top of the preset, the estimates
    /// or the defaults.
    pub params: BTreeMap<String, Decimal>,
    /// Pay plans (default: the preset's, else the shipped plans).
    pub plans: Option<PayPlans>,
    /// The first is the baseline (default: the preset's two, else universal:3 and
    /// conveyor:2,2,1).
    pub scenarios: Vec<ScenarioSpec>,
    pub settings: SettingsPatch,
    /// The sensitivity table of the first two scenarios (default true).
    pub sensitivity: Option<bool>,
    /// The recommended ratio for the scenarios' total headcounts (default true).
    pub recommend: Option<bool>,
    /// Runs for the sensitivity table and the recommendation (default min(runs, 200)).
    pub side_runs: Option<u32>,
}

/// Where the parameters came from, and the estimates when they came from the history.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParamsUsed {
    /// `preset:brief7`, `history:12` or `defaults`.
    pub source: String,
    pub table: Vec<ParamRow>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub estimates: Option<Estimates>,
}

/// The comparison, a verdict for each scenario against the first, the sensitivity table and
/// the recommended ratio.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Simulation {
    pub comparison: Comparison,
    pub verdicts: Vec<Verdict>,
    pub sensitivity: Option<SensitivityTable>,
    pub recommendation: Option<Recommendation>,
}

/// The parameters used and what they gave.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StructureAnswer {
    pub params: ParamsUsed,
    #[serde(flatten)]
    pub simulation: Simulation,
}

/// The parameters estimated from history, with their uncertainty (`GET
/// /api/simulate/structure/params`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HistoryEstimates {
    pub history: History,
    pub estimates: Estimates,
    pub table: Vec<ParamRow>,
}

/// Runs the simulator on given inputs (no I/O): the comparison, the verdicts, and on request
/// the sensitivity table and the recommendation.
pub fn simulate(
    params: &Params,
    plans: &PayPlans,
    scenarios: &[Scenario],
    settings: &sim::Settings,
    sensitivity: bool,
    recommend: bool,
    side_runs: u32,
) -> AppResult<Simulation> {
    params.validate().map_err(sim_error)?;
    settings.validate().map_err(sim_error)?;
    let Some(baseline) = scenarios.first() else {
        return Err(AppError::invalid(
            "scenarios",
            Text::new("err-scenarios-required"),
        ));
    };
    let mut verdicts = Vec::new();
    let comparison = if scenarios.len() == 2 {
        let j = sim::judge(params, plans, baseline, &scenarios[1], settings).map_err(sim_error)?;
        verdicts.push(j.verdict);
        j.comparison
    } else {
        for s in &scenarios[1..] {
            verdicts.push(
                sim::judge(params, plans, baseline, s, settings)
                    .map_err(sim_error)?
                    .verdict,
            );
        }
        sim::compare(params, plans, scenarios, settings).map_err(sim_error)?
    };
    let side = sim::Settings {
        runs: side_runs.max(1),
        ..*settings
    };
    let table = match (sensitivity, scenarios.get(1)) {
        (true, Some(candidate)) => Some(
            sim::sensitivity(
                params,
                plans,
                baseline,
                candidate,
                &side,
                Decimal::new(2, 1),
            )
            .map_err(sim_error)?,
        ),
        _ => None,
    };
    let recommendation = if recommend {
        let totals: BTreeSet<u32> = scenarios.iter().map(|s| s.headcount.total()).collect();
        Some(
            sim::recommend(
                params,
                plans,
                &side,
                &RecommendQuery {
                    total_headcounts: totals.into_iter().collect(),
                    max_per_role: 0,
                },
            )
            .map_err(sim_error)?,
        )
    } else {
        None
    };
    Ok(Simulation {
        comparison,
        verdicts,
        sensitivity: table,
        recommendation,
    })
}

impl App {
    /// The department's last `months` complete months as the simulator's history (a head:
    /// their region's). Rights: head, director, admin.
    pub fn structure_history(&self, actor: Option<&Actor>, months: u32) -> AppResult<History> {
        let region = may_simulate(actor)?;
        if months == 0 || months > MAX_HISTORY_MONTHS {
            return Err(AppError::invalid(
                "months",
                Text::new("err-history-months").num("max", MAX_HISTORY_MONTHS as i64),
            ));
        }
        let cfg = self.config()?;
        let today = self.today(&cfg);
        let tz = cfg.tz();
        // ACTIVE_WINDOW − 1 months more before the history, for the clients active at its start.
        let lead = ACTIVE_WINDOW as u32;
        let ext = last_months(today, months + lead);
        let bounds: Vec<(NaiveDate, NaiveDate)> = ext
            .iter()
            .map(|p| period_bounds(p))
            .collect::<AppResult<_>>()?;
        let (Some(&(ext_start, _)), Some(&(_, end))) = (bounds.first(), bounds.last()) else {
            return Ok(History::default());
        };
        let hist_start = bounds[lead as usize].0;
        let index: HashMap<String, usize> = ext
            .iter()
            .enumerate()
            .map(|(i, p)| (p.clone(), i))
            .collect();
        let month_of = |d: NaiveDate| index.get(&period_of(d)).copied();
        let local = |stamp: &str| {
            crate::clock::parse_stamp(stamp).map(|t| t.with_timezone(&tz).date_naive())
        };
        let day = crate::clock::stored_day;
        let s = |d: NaiveDate| Value::from(d.to_string());

        self.db.read(|tx| {
            let employees = tx.list::<Employee>(&Filter::new())?;
            let home: HashMap<String, Option<String>> = employees
                .iter()
                .map(|e| (e.id.clone(), e.region_id.clone()))
                .collect();
            let in_region = |emp: &str| {
                region.is_none() || home.get(emp).is_some_and(|r| r.as_ref() == region.as_ref())
            };
            let rows = tx.list::<RoleAssignmentRow>(&Filter::new())?;
            let mut assignments: HashMap<String, Vec<RoleAssignment>> = HashMap::new();
            for e in &employees {
                assignments.insert(
                    e.id.clone(),
                    crate::conveyor::people::assignments_of(&rows, &e.id),
                );
            }
            let holds = |emp: &str, role: Role, d: NaiveDate| {
                assignments
                    .get(emp)
                    .is_some_and(|a| roles_on(a, d).contains(&role))
            };

            let mut hm: Vec<HistoryMonth> = ext
                .iter()
                .zip(&bounds)
                .map(|(p, (from, to))| HistoryMonth {
                    period: p.clone(),
                    working_days: from
                        .iter_days()
                        .take_while(|d| d <= to)
                        .filter(|d| cfg.calendar.is_working_day(*d))
                        .count() as u32,
                    ..HistoryMonth::default()
                })
                .collect();

            // Headcount on each month's last day.
            for (m, (_, to)) in hm.iter_mut().zip(&bounds) {
                for e in employees.iter().filter(|e| in_region(&e.id)) {
                    let Some(a) = assignments.get(&e.id) else {
                        continue;
                    };
                    let roles = roles_on(a, *to);
                    let held = |r: Role| u32::from(roles.contains(&r));
                    m.callers += held(Role::Caller);
                    m.sales_managers += held(Role::SalesManager);
                    m.client_managers += held(Role::ClientManager);
                    m.universals += held(Role::UniversalManager);
                }
            }

            // Callers' calls and DM conversations.
            for r in tx.query(
                "SELECT actor_id, local_date, CAST(COUNT(*) AS BIGINT), CAST(SUM(CASE WHEN outcome LIKE 'dm_%' THEN 1 ELSE 0 END) AS BIGINT) FROM activities WHERE kind = 'call' AND local_date >= ? AND local_date <= ? GROUP BY actor_id, local_date",
                &[s(hist_start), s(end)],
            )? {
                let actor = r.text(0);
                let Some(d) = day(&r.text(1)) else { continue };
                if !in_region(&actor) || !holds(&actor, Role::Caller, d) {
                    continue;
                }
                if let Some(i) = month_of(d) {
                    hm[i].calls += r.int(2).max(0) as u64;
                    hm[i].dm_conversations += r.int(3).max(0) as u64;
                }
            }

            // Warm leads handed by callers, and those accepted.
            let mut handed: Vec<BTreeMap<String, bool>> = vec![BTreeMap::new(); ext.len()];
            for r in tx.query(
                "SELECT lead_id, sender_id, created_at, status FROM handoffs WHERE kind = 'lead' AND created_at >= ? AND created_at < ?",
                &[s(hist_start - Duration::days(1)), s(end + Duration::days(2))],
            )? {
                let (Some(lead), sender) = (r.opt_text(0), r.text(1)) else {
                    continue;
                };
                let Some(d) = local(&r.text(2)) else { continue };
                if d < hist_start || d > end || !in_region(&sender) {
                    continue;
                }
                if !holds(&sender, Role::Caller, d) {
                    continue;
                }
                if let Some(i) = month_of(d) {
                    let accepted = r.text(3) == "accepted";
                    let e = handed[i].entry(lead).or_insert(false);
                    *e |= accepted;
                }
            }
            for (m, leads) in hm.iter_mut().zip(&handed) {
                m.warm_leads = leads.len() as u64;
                m.accepted = leads.values().filter(|a| **a).count() as u64;
            }

            // Leads universal managers found themselves.
            for r in tx.query(
                "SELECT owner_id, created_at FROM leads WHERE caller_id IS NULL AND created_at >= ? AND created_at < ?",
                &[s(hist_start - Duration::days(1)), s(end + Duration::days(2))],
            )? {
                let owner = r.text(0);
                let Some(d) = local(&r.text(1)) else { continue };
                if d < hist_start || d > end || !in_region(&owner) {
                    continue;
                }
                if holds(&owner, Role::UniversalManager, d)
                    && let Some(i) = month_of(d)
                {
                    hm[i].self_sourced_leads += 1;
                }
            }

            // Clients: first wins, payments by month.
            let mut won: HashMap<String, (NaiveDate, bool)> = HashMap::new();
            let (mut cf, mut cp) = (
                "SELECT id, att_won_on, att_kind FROM companies WHERE att_won_on IS NOT NULL"
                    .to_string(),
                vec![],
            );
            if let Some(r) = &region {
                cf.push_str(" AND region_id = ?");
                cp.push(Value::from(r.clone()));
            }
            for r in tx.query(&cf, &cp)? {
                if let Some(d) = r.opt_text(1).as_deref().and_then(day) {
                    let reactivation = r.opt_text(2).as_deref() == Some("reactivation");
                    won.insert(r.text(0), (d, !reactivation));
                }
            }
            let (mut pf, mut pp) = (
                "SELECT p.company_id, p.paid_on, p.amount FROM payments p".to_string(),
                vec![],
            );
            if let Some(r) = &region {
                pf.push_str(
                    " JOIN companies co ON co.id = p.company_id WHERE co.region_id = ? AND",
                );
                pp.push(Value::from(r.clone()));
            } else {
                pf.push_str(" WHERE");
            }
            pf.push_str(" p.paid_on >= ? AND p.paid_on <= ?");
            pp.push(s(ext_start));
            pp.push(s(end));
            let mut kopecks = vec![0i64; ext.len()];
            let mut first_kopecks = vec![0i64; ext.len()];
            // company → months with a positive payment
            let mut paying: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
            for r in tx.query(&pf, &pp)? {
                let company = r.text(0);
                let (Some(d), amount) = (day(&r.text(1)), r.int(2)) else {
                    continue;
                };
                let Some(i) = month_of(d) else { continue };
                kopecks[i] += amount;
                if let Some((w, true)) = won.get(&company)
                    && month_of(*w) == Some(i)
                {
                    first_kopecks[i] += amount;
                }
                if amount > 0 {
                    paying.entry(company).or_default().insert(i);
                }
            }
            let active = |company: &str, months: &BTreeSet<usize>, i: usize| {
                let won_by = won
                    .get(company)
                    .is_some_and(|(w, _)| *w <= bounds[i].1);
                won_by && months.range(i.saturating_sub(ACTIVE_WINDOW - 1)..=i).next().is_some()
            };
            for (company, months) in &paying {
                for i in 0..ext.len() {
                    let now = active(company, months, i);
                    if now {
                        hm[i].active_clients += 1;
                    }
                    if i > 0 && !now && active(company, months, i - 1) {
                        hm[i].churned_clients += 1;
                    }
                    if months.contains(&i)
                        && won.get(company).is_some_and(|(w, _)| *w < bounds[i].0)
                    {
                        hm[i].repeat_orders += 1;
                    }
                }
            }
            for (w, new) in won.values() {
                if *new && let Some(i) = month_of(*w) {
                    hm[i].new_clients += 1;
                }
            }
            for (i, m) in hm.iter_mut().enumerate() {
                m.collections = Decimal::new(kopecks[i], 2);
                m.first_order_collections =
                    Decimal::new(first_kopecks[i].clamp(0, kopecks[i].max(0)), 2);
                // A warm lead handed in a month after its DM call was logged: capped.
                m.warm_leads = m.warm_leads.min(m.dm_conversations);
                m.accepted = m.accepted.min(m.warm_leads);
                m.new_clients = m.new_clients.min(m.active_clients + m.churned_clients);
            }
            Ok(History {
                months: hm.split_off(lead as usize),
            })
        })
    }

    /// The parameters estimated from the last `months` complete months, with their
    /// uncertainty and notes. Rights: head (own region), director, admin.
    pub fn structure_estimates(
        &self,
        actor: Option<&Actor>,
        months: u32,
    ) -> AppResult<HistoryEstimates> {
        let history = self.structure_history(actor, months)?;
        let estimates = Params::estimate(&history).map_err(sim_error)?;
        Ok(HistoryEstimates {
            table: estimates.params.table(),
            history,
            estimates,
        })
    }

    /// Simulates the scenarios of `req`: with a preset, with the parameters estimated from
    /// the history (a head: their region's), or with the defaults, and the edits on top.
    /// Rights: head, director, admin.
    pub fn simulate_structure(
        &self,
        actor: Option<&Actor>,
        req: StructureRequest,
    ) -> AppResult<StructureAnswer> {
        may_simulate(actor)?;
        let estimates = if req.from_history && req.preset.is_none() {
            let months = req.history_months.unwrap_or(12);
            Some(self.structure_estimates(actor, months)?.estimates)
        } else {
            None
        };
        run_request(req, estimates)
    }
}

/// Resolves `req` (preset, estimates or defaults, edits, plans, scenarios, settings) and runs
/// the simulator (no I/O); `estimates` are the history's when `req.from_history`.
pub fn run_request(
    req: StructureRequest,
    estimates: Option<Estimates>,
) -> AppResult<StructureAnswer> {
    let preset = match &req.preset {
        Some(name) => Some(Preset::by_name(name).ok_or_else(|| {
            AppError::invalid("preset", Text::new("err-sim-preset").arg("name", name))
        })?),
        None => None,
    };
    if preset.is_some() && req.from_history {
        return Err(AppError::invalid(
            "from_history",
            Text::new("err-preset-or-history"),
        ));
    }
    let (mut params, source, estimates) = match (&preset, req.from_history) {
        (Some(p), _) => (p.params.clone(), format!("preset:{}", p.name), None),
        (None, true) => {
            let e = estimates.ok_or_else(|| {
                AppError::invalid("from_history", Text::new("err-history-estimates-missing"))
            })?;
            (e.params.clone(), format!("history:{}", e.months), Some(e))
        }
        (None, false) => (Params::brief(), "defaults".to_string(), None),
    };
    for (name, value) in &req.params {
        params.set(name, &value.to_string()).map_err(sim_error)?;
    }
    let plans = match (req.plans, &preset) {
        (Some(p), _) => p,
        (None, Some(p)) => p.plans.clone(),
        (None, None) => PayPlans::shipped(),
    };
    let mut scenarios = req
        .scenarios
        .into_iter()
        .map(|s| match s {
            ScenarioSpec::Text(t) => parse_scenario(&t),
            ScenarioSpec::Full(s) => Ok(s),
        })
        .collect::<AppResult<Vec<_>>>()?;
    if scenarios.is_empty() {
        scenarios = match &preset {
            Some(p) => vec![p.baseline.clone(), p.candidate.clone()],
            None => vec![Scenario::universal(3), Scenario::conveyor(2, 2, 1)],
        };
    }
    let mut settings = preset.as_ref().map(|p| p.settings).unwrap_or_default();
    let sp = &req.settings;
    settings.runs = sp.runs.unwrap_or(settings.runs);
    settings.horizon_months = sp.horizon_months.unwrap_or(settings.horizon_months);
    settings.seed = sp.seed.unwrap_or(settings.seed);
    settings.portfolio = sp.portfolio.unwrap_or(settings.portfolio);
    settings.measure = sp.measure.unwrap_or(settings.measure);
    settings.parameter_uncertainty = sp
        .parameter_uncertainty
        .unwrap_or(settings.parameter_uncertainty);
    let side_runs = req.side_runs.unwrap_or(settings.runs.min(SIDE_RUNS));
    let simulation = simulate(
        &params,
        &plans,
        &scenarios,
        &settings,
        req.sensitivity.unwrap_or(true),
        req.recommend.unwrap_or(true),
        side_runs,
    )?;
    Ok(StructureAnswer {
        params: ParamsUsed {
            source,
            table: params.table(),
            estimates,
        },
        simulation,
    })
}
