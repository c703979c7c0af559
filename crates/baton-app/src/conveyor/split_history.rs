//! The split's look back: what each person concerned would have been paid in the last three
//! months had they held their new role, and their new clients been theirs, from the first of
//! those months. Run in a transaction that is always rolled back: the roles are rewritten from
//! that day, the moved clients' payments since then carry the manager who takes them, and the
//! same pay engine computes the months before and after the rewrite, under the plans in force.
//!
//! Both sides are computed live from today's data (not the stored statements of closed
//! periods), so the difference is the roles' and the books' doing alone. Adjustments for
//! earlier months are left out of both. Receivables are read as the statements read them: who
//! held a client at a month's end comes from the audit trail, so a moved client's closing
//! receivables in those months stay with the manager who held them then.

use super::portfolios::MoveContext;
use super::split::{Checked, SplitMove, dealt};
use crate::error::AppResult;
use crate::payroll::facts::Who;
use crate::payroll::{Job, PAID_ROLES, Plans, period_bounds, period_of};
use crate::{Actor, App};
use baton_store::records::{Employee, RoleAssignmentRow};
use baton_store::{Tx, Value};
use chrono::Months;
use rust_decimal::Decimal;
use serde::Serialize;

/// How many months before the split's month are replayed.
pub const HISTORY_MONTHS: u32 = 3;

/// One month of one person: pay as recorded and under the new roles.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct MonthPay {
    pub period: String,
    #[schema(value_type = String)]
    #[serde(serialize_with = "baton_comp::number::money_text")]
    pub before: Decimal,
    #[schema(value_type = String)]
    #[serde(serialize_with = "baton_comp::number::money_text")]
    pub after: Decimal,
}

/// One person's last three months, before and after.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PersonHistory {
    pub employee_id: String,
    pub name: String,
    pub months: Vec<MonthPay>,
    #[schema(value_type = String)]
    #[serde(serialize_with = "baton_comp::number::money_text")]
    pub before: Decimal,
    #[schema(value_type = String)]
    #[serde(serialize_with = "baton_comp::number::money_text")]
    pub after: Decimal,
    /// Lines of the new role that paid nothing for want of a target in some replayed month
    /// (the plan's labels): targets are per role and month, and the new role had none then.
    pub no_target: Vec<String>,
}

impl App {
    /// The last three months replayed under the split (see the module's notes).
    pub(crate) fn split_history(
        &self,
        actor: &Actor,
        roles: &[Checked],
        moves: &[SplitMove],
        people: &[String],
        ctx: &MoveContext<'_>,
    ) -> AppResult<(Vec<String>, Vec<PersonHistory>)> {
        let (this_start, _) = period_bounds(ctx.this_month)?;
        let first = this_start
            .checked_sub_months(Months::new(HISTORY_MONTHS))
            .unwrap_or(this_start);
        let months: Vec<String> = (0..HISTORY_MONTHS)
            .filter_map(|k| first.checked_add_months(Months::new(k)))
            .map(period_of)
            .collect();
        let from = first.to_string();
        let run = |tx: &mut Tx<'_>| -> AppResult<Vec<PersonHistory>> {
            let mut rows = Vec::with_capacity(people.len());
            for id in people {
                let e: Employee = tx.must(id)?;
                let mut pay = Vec::with_capacity(months.len());
                for m in &months {
                    pay.push(MonthPay {
                        period: m.clone(),
                        before: self.month_total(tx, ctx, id, m)?.0,
                        after: Decimal::ZERO,
                    });
                }
                rows.push(PersonHistory {
                    employee_id: id.clone(),
                    name: e.name,
                    months: pay,
                    before: Decimal::ZERO,
                    after: Decimal::ZERO,
                    no_target: vec![],
                });
            }
            // The new roles from the first replayed month: the person's paid roles that reach
            // into it end there, later ones go, and the new role starts.
            let paid: Vec<Value> = PAID_ROLES.iter().map(|r| r.as_str().into()).collect();
            let marks = vec!["?"; paid.len()].join(", ");
            for r in roles {
                let mut p = vec![Value::from(from.clone()), r.employee_id.clone().into()];
                p.extend(paid.iter().cloned());
                p.extend([from.clone().into(), from.clone().into()]);
                tx.exec(
                    &format!(
                        "UPDATE role_assignments SET valid_to = ? WHERE employee_id = ? AND role IN ({marks}) \
                         AND valid_from < ? AND (valid_to IS NULL OR valid_to > ?)"
                    ),
                    &p,
                )?;
                let mut p = vec![Value::from(r.employee_id.clone())];
                p.extend(paid.iter().cloned());
                p.push(from.clone().into());
                tx.exec(
                    &format!(
                        "DELETE FROM role_assignments WHERE employee_id = ? AND role IN ({marks}) AND valid_from >= ?"
                    ),
                    &p,
                )?;
                tx.insert(&RoleAssignmentRow {
                    id: self.new_id(),
                    employee_id: r.employee_id.clone(),
                    role: r.checked.0.as_str().to_string(),
                    region_id: r.grant.region_id.clone(),
                    valid_from: from.clone(),
                    valid_to: None,
                })?;
            }
            // The moved clients, and their payments since then, are the taker's.
            for m in dealt(tx, actor, moves, ctx.today)? {
                let giver = m.from_id.clone().unwrap_or_default();
                for chunk in m.company_ids.chunks(500) {
                    let marks = vec!["?"; chunk.len()].join(", ");
                    let ids = chunk.iter().map(|c| Value::from(c.clone()));
                    let mut p = vec![Value::from(m.to_id.clone())];
                    p.extend(ids.clone());
                    tx.exec(
                        &format!(
                            "UPDATE companies SET client_manager_id = ? WHERE id IN ({marks})"
                        ),
                        &p,
                    )?;
                    let mut p = vec![Value::from(m.to_id.clone()), giver.clone().into()];
                    p.push(from.clone().into());
                    p.extend(ids);
                    tx.exec(
                        &format!(
                            "UPDATE payments SET client_manager_id = ? WHERE client_manager_id = ? \
                             AND paid_on >= ? AND company_id IN ({marks})"
                        ),
                        &p,
                    )?;
                }
            }
            for row in &mut rows {
                for m in &mut row.months {
                    let (total, missing) =
                        self.month_total(tx, ctx, &row.employee_id, &m.period)?;
                    m.after = total;
                    for label in missing {
                        if !row.no_target.contains(&label) {
                            row.no_target.push(label);
                        }
                    }
                }
                row.before = row.months.iter().map(|m| m.before).sum();
                row.after = row.months.iter().map(|m| m.after).sum();
            }
            Ok(rows)
        };
        let history = self.db.rehearse(run)?;
        Ok((months, history))
    }

    /// A person's pay for a month as the data stands, without adjustments for earlier months,
    /// and the labels of the lines that paid nothing for want of a target.
    fn month_total(
        &self,
        tx: &mut Tx<'_>,
        ctx: &MoveContext<'_>,
        id: &str,
        period: &str,
    ) -> AppResult<(Decimal, Vec<String>)> {
        let job = Job {
            period,
            who: Who::Person(id),
            region: None,
            plans: Plans::InForce,
            adjust: false,
            thresholds: false,
        };
        let list = self.compute_in(tx, ctx.cfg, &job, 0)?;
        let Some(s) = list.first() else {
            return Ok((Decimal::ZERO, vec![]));
        };
        let missing = s
            .parts
            .iter()
            .flat_map(|p| p.statement.lines.iter())
            .filter(|l| l.status == baton_comp::engine::NO_TARGET)
            .map(|l| l.label.clone())
            .collect();
        Ok((s.total, missing))
    }
}
