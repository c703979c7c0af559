//! Plan replay (issue 6 §1): a draft plan run on recorded months by the same engine, against
//! what the plans in force paid. Nothing is stored.
//!
//! - *Actual* is the month's pay under the plans that were in force: the stored statements of
//!   a closed period (calculated, approved, paid), the live ones of an open period — exactly
//!   what `App::payroll` serves. Adjustments paid in the month for earlier months' changed data
//!   are not the plan's doing: they are shown apart (`adjustments`) and left out of the
//!   comparison, so `paid = actual + adjustments`.
//! - *Draft* is `App::payroll_under` on the same recorded data: the draft replaces the plan of
//!   its role (personal plans of that role included), every other role keeps its plan.
//! - A closed period whose data changed after it was closed (`changes_since_closed` > 0) is
//!   compared with the statements as they were approved; the draft sees the data as it is now.

use super::{may_read_pay, pct, share_pct};
use crate::App;
use crate::error::{AppError, AppResult};
use crate::payroll::{PersonStatement, period_bounds, period_of};
use crate::rights::Actor;
use baton_catalog::Text;
use baton_store::Value;
use chrono::{Duration, Months};
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::BTreeMap;

/// At most this many months in one replay.
pub const MAX_MONTHS: usize = 36;

/// The draft plan replayed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DraftInfo {
    pub name: String,
    pub role: String,
    pub effective_from: String,
}

/// One statement line whose amount changed (accrued lines, summed per role and component).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChangedLine {
    pub role: String,
    pub component: String,
    pub label: String,
    #[serde(serialize_with = "baton_comp::number::money_text")]
    pub actual: Decimal,
    #[serde(serialize_with = "baton_comp::number::money_text")]
    pub draft: Decimal,
    #[serde(serialize_with = "baton_comp::number::money_text")]
    pub difference: Decimal,
}

/// One person: actual pay against pay under the draft.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PersonReplay {
    pub employee_id: String,
    pub login: String,
    pub name: String,
    /// The role at the end of the (last) month.
    pub role: String,
    pub region: String,
    /// What the plans in force paid (adjustments for earlier months excluded).
    #[serde(serialize_with = "baton_comp::number::money_text")]
    pub actual: Decimal,
    /// What the draft would have paid on the same data.
    #[serde(serialize_with = "baton_comp::number::money_text")]
    pub draft: Decimal,
    /// draft − actual.
    #[serde(serialize_with = "baton_comp::number::money_text")]
    pub difference: Decimal,
    /// difference ÷ actual × 100, to 0.1; none when actual is 0.
    pub change_pct: Option<Decimal>,
    /// Would be paid less under the draft.
    pub loses: bool,
    /// Adjustments for earlier months paid with the actual statements (not replayed).
    #[serde(serialize_with = "baton_comp::number::money_text")]
    pub adjustments: Decimal,
    /// The lines that changed.
    pub lines: Vec<ChangedLine>,
}

/// One month of the replay.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonthReplay {
    pub period: String,
    /// The period's status: open, calculated, approved, paid.
    pub status: String,
    /// Writes dated inside a closed period after it was closed (the draft sees them, the
    /// stored actual statements do not).
    pub changes_since_closed: i64,
    pub totals: Totals,
    /// Everyone paid in the month, by name then id.
    pub people: Vec<PersonReplay>,
}

/// Totals and payroll as a share of collections.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Totals {
    #[serde(serialize_with = "baton_comp::number::money_text")]
    pub actual: Decimal,
    #[serde(serialize_with = "baton_comp::number::money_text")]
    pub draft: Decimal,
    #[serde(serialize_with = "baton_comp::number::money_text")]
    pub difference: Decimal,
    pub change_pct: Option<Decimal>,
    #[serde(serialize_with = "baton_comp::number::money_text")]
    pub adjustments: Decimal,
    /// Σ of payments dated in the month(s) (refunds negative), ₽.
    #[serde(serialize_with = "baton_comp::number::money_text")]
    pub collections: Decimal,
    /// Payroll ÷ collections × 100, to 0.1; none without collections.
    pub actual_share_pct: Option<Decimal>,
    pub draft_share_pct: Option<Decimal>,
    /// People who would gain, lose, or keep the same pay.
    pub winners: usize,
    pub losers: usize,
    pub unchanged: usize,
}

/// A draft plan replayed on a range of months.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Replay {
    pub plan: DraftInfo,
    pub from: String,
    pub to: String,
    /// The region the replay is limited to (a head sees their own region).
    pub region_id: Option<String>,
    pub months: Vec<MonthReplay>,
    /// Each person over the whole range, by name then id.
    pub people: Vec<PersonReplay>,
    pub totals: Totals,
    /// Splits carried out inside the range (and the region): the months before and after
    /// one are paid under different shapes of the department.
    pub department_changes: Vec<crate::conveyor::split::DepartmentChange>,
}

/// The periods from `from` to `to`, both included.
pub fn periods_between(from: &str, to: &str) -> AppResult<Vec<String>> {
    let (start, _) = period_bounds(from)?;
    let (last, _) = period_bounds(to)?;
    if last < start {
        return Err(AppError::invalid(
            "to",
            Text::new("err-range-reversed")
                .arg("from", from)
                .arg("to", to),
        ));
    }
    let mut out = Vec::new();
    let mut d = start;
    while d <= last {
        out.push(period_of(d));
        if out.len() > MAX_MONTHS {
            return Err(AppError::invalid(
                "to",
                Text::new("err-replay-too-long").num("max", MAX_MONTHS as i64),
            ));
        }
        d = d
            .checked_add_months(Months::new(1))
            .ok_or_else(|| AppError::invalid("to", Text::new("err-range-past-calendar")))?;
    }
    Ok(out)
}

/// Accrued line amounts by (role, component), with a label.
fn lines_of(s: &PersonStatement) -> BTreeMap<(String, String), (String, Decimal)> {
    let mut m: BTreeMap<(String, String), (String, Decimal)> = BTreeMap::new();
    for p in &s.parts {
        for l in p.statement.lines.iter().filter(|l| l.status == "accrued") {
            let e = m
                .entry((p.role.clone(), l.component.clone()))
                .or_insert_with(|| (l.label.clone(), Decimal::ZERO));
            e.1 += l.amount;
        }
    }
    m
}

fn plan_pay(s: &PersonStatement) -> Decimal {
    s.parts.iter().map(|p| p.statement.total).sum()
}

fn adjustments_of(s: &PersonStatement) -> Decimal {
    s.adjustments
        .iter()
        .filter(|l| l.status == "accrued")
        .map(|l| l.amount)
        .sum()
}

/// Per-person accumulator.
#[derive(Default)]
struct Acc {
    who: Option<(String, String, String, String)>,
    actual: Decimal,
    draft: Decimal,
    adjustments: Decimal,
    lines: BTreeMap<(String, String), (String, Decimal, Decimal)>,
}

impl Acc {
    fn add(&mut self, actual: Option<&PersonStatement>, draft: Option<&PersonStatement>) {
        if let Some(s) = draft.or(actual) {
            self.who = Some((
                s.login.clone(),
                s.name.clone(),
                s.role.clone(),
                s.region.clone(),
            ));
        }
        if let Some(a) = actual {
            self.actual += plan_pay(a);
            self.adjustments += adjustments_of(a);
            for (k, (label, v)) in lines_of(a) {
                let e = self
                    .lines
                    .entry(k)
                    .or_insert_with(|| (label, Decimal::ZERO, Decimal::ZERO));
                e.1 += v;
            }
        }
        if let Some(d) = draft {
            self.draft += plan_pay(d);
            for (k, (label, v)) in lines_of(d) {
                let e = self
                    .lines
                    .entry(k)
                    .or_insert_with(|| (label, Decimal::ZERO, Decimal::ZERO));
                e.2 += v;
            }
        }
    }

    fn person(self, id: String) -> PersonReplay {
        let (login, name, role, region) = self.who.unwrap_or_default();
        let difference = self.draft - self.actual;
        PersonReplay {
            employee_id: id,
            login,
            name,
            role,
            region,
            actual: self.actual,
            draft: self.draft,
            difference,
            change_pct: pct(difference, self.actual),
            loses: difference < Decimal::ZERO,
            adjustments: self.adjustments,
            lines: self
                .lines
                .into_iter()
                .filter(|(_, (_, a, d))| a != d)
                .map(|((role, component), (label, actual, draft))| ChangedLine {
                    role,
                    component,
                    label,
                    actual,
                    draft,
                    difference: draft - actual,
                })
                .collect(),
        }
    }
}

fn sorted(people: BTreeMap<String, Acc>) -> Vec<PersonReplay> {
    let mut out: Vec<PersonReplay> = people.into_iter().map(|(id, a)| a.person(id)).collect();
    out.sort_by(|a, b| (&a.name, &a.employee_id).cmp(&(&b.name, &b.employee_id)));
    out
}

fn totals(people: &[PersonReplay], collections: Decimal) -> Totals {
    let actual: Decimal = people.iter().map(|p| p.actual).sum();
    let draft: Decimal = people.iter().map(|p| p.draft).sum();
    let difference = draft - actual;
    Totals {
        actual,
        draft,
        difference,
        change_pct: pct(difference, actual),
        adjustments: people.iter().map(|p| p.adjustments).sum(),
        collections,
        actual_share_pct: share_pct(actual, collections),
        draft_share_pct: share_pct(draft, collections),
        winners: people
            .iter()
            .filter(|p| p.difference > Decimal::ZERO)
            .count(),
        losers: people.iter().filter(|p| p.loses).count(),
        unchanged: people.iter().filter(|p| p.difference.is_zero()).count(),
    }
}

impl App {
    /// Replays the draft plan `text` on the months `from`..=`to` (YYYY-MM): per person and
    /// month, actual pay against pay under the draft, the lines that changed, totals and
    /// payroll as a share of collections. Rights as for payroll: a head sees their region;
    /// director, admin and accountant everyone.
    pub fn replay(
        &self,
        actor: Option<&Actor>,
        text: &str,
        from: &str,
        to: &str,
    ) -> AppResult<Replay> {
        let region = may_read_pay(actor)?;
        let plan = self.check_plan(text)?;
        let periods = periods_between(from, to)?;
        let changes: BTreeMap<String, i64> = self
            .periods(actor)?
            .into_iter()
            .map(|p| (p.period, p.pending_changes))
            .collect();
        let mut months = Vec::new();
        let mut overall: BTreeMap<String, Acc> = BTreeMap::new();
        let mut all_collections = Decimal::ZERO;
        for period in &periods {
            let actual = self.payroll(actor, period)?;
            let draft = self.payroll_under(actor, period, text)?;
            let collections = self.collections(period, region.as_deref())?;
            all_collections += collections;
            let status = self.period_status(period)?;
            let by_id = |l: &[PersonStatement]| -> BTreeMap<String, usize> {
                l.iter()
                    .enumerate()
                    .map(|(i, s)| (s.employee_id.clone(), i))
                    .collect()
            };
            let (ai, di) = (by_id(&actual), by_id(&draft));
            let mut month: BTreeMap<String, Acc> = BTreeMap::new();
            for id in ai.keys().chain(di.keys()) {
                if month.contains_key(id) {
                    continue;
                }
                let a = ai.get(id).map(|i| &actual[*i]);
                let d = di.get(id).map(|i| &draft[*i]);
                month.entry(id.clone()).or_default().add(a, d);
                overall.entry(id.clone()).or_default().add(a, d);
            }
            let people = sorted(month);
            months.push(MonthReplay {
                period: period.clone(),
                status,
                changes_since_closed: changes.get(period).copied().unwrap_or(0),
                totals: totals(&people, collections),
                people,
            });
        }
        let people = sorted(overall);
        let (range_start, _) = period_bounds(&periods[0])?;
        let (_, range_end) = period_bounds(&periods[periods.len() - 1])?;
        let department_changes = self
            .splits_recorded()?
            .into_iter()
            .filter(|(c, ids)| {
                c.on >= range_start
                    && c.on <= range_end
                    && region.as_ref().is_none_or(|r| ids.contains(r))
            })
            .map(|(c, _)| c)
            .collect();
        Ok(Replay {
            department_changes,
            plan: DraftInfo {
                name: plan.name.clone(),
                role: plan.role.as_str().into(),
                effective_from: plan.effective_from.clone(),
            },
            from: periods.first().cloned().unwrap_or_default(),
            to: periods.last().cloned().unwrap_or_default(),
            region_id: region,
            totals: totals(&people, all_collections),
            months,
            people,
        })
    }

    /// Σ of the payments dated in `period` (refunds are negative payments), in rubles, for
    /// one region's companies or all.
    pub fn collections(&self, period: &str, region: Option<&str>) -> AppResult<Decimal> {
        let (start, end) = period_bounds(period)?;
        let mut sql = "SELECT CAST(SUM(p.amount) AS BIGINT) FROM payments p".to_string();
        let mut params = vec![Value::from(start.to_string()), Value::from(end.to_string())];
        if let Some(r) = region {
            sql.push_str(" JOIN companies co ON co.id = p.company_id WHERE co.region_id = ? AND");
            params.insert(0, Value::from(r.to_string()));
        } else {
            sql.push_str(" WHERE");
        }
        sql.push_str(" p.paid_on >= ? AND p.paid_on <= ?");
        let kopecks = self.db.read(|tx| {
            Ok::<i64, AppError>(match tx.query_one(&sql, &params)? {
                Some(r) => match r.get(0) {
                    Value::Int(k) => *k,
                    _ => 0,
                },
                None => 0,
            })
        })?;
        Ok(Decimal::new(kopecks, 2))
    }

    fn period_status(&self, period: &str) -> AppResult<String> {
        self.db.read(|tx| {
            Ok(tx
                .get::<baton_store::records::PayPeriod>(period)?
                .map_or_else(|| "open".to_string(), |p| p.status))
        })
    }
}

/// The last `n` complete months before `today`'s month, oldest first.
pub fn last_months(today: chrono::NaiveDate, n: u32) -> Vec<String> {
    let mut out = Vec::new();
    let Some(first_of_month) = today.checked_sub_days(chrono::Days::new(
        u64::from(chrono::Datelike::day(&today)) - 1,
    )) else {
        return out;
    };
    let mut d = first_of_month - Duration::days(1);
    for _ in 0..n {
        out.push(period_of(d));
        let Some(first) =
            d.checked_sub_days(chrono::Days::new(u64::from(chrono::Datelike::day(&d)) - 1))
        else {
            break;
        };
        d = first - Duration::days(1);
    }
    out.reverse();
    out
}
