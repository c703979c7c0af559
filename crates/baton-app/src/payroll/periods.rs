//! Payroll periods: open (live) → calculated → approved → paid (PRODUCT.md §4.3).
//!
//! - *Calculate* stores every statement as the exact JSON it serves.
//! - *Approve* (head or director only) recomputes and refuses if anything changed since the
//!   calculation, so what is approved is what was reviewed. From then on the period is frozen.
//! - Any later write dated inside a closed period counts as a change of that period
//!   (`App::audit` calls [`touch`]); the next open period recomputes the changed period with
//!   the plan versions it used and pays the difference as adjustment lines.

use super::{Job, PersonStatement, Plans, period_bounds, period_of};
use crate::App;
use crate::error::{AppError, AppResult};
use crate::rights::{Action, Actor};
use baton_catalog::{Lang, Text};
use baton_comp::Line;
use baton_comp::number::{round_money, rubles};
use baton_domain::{ConveyorConfig, Role};
use baton_store::records::{PayPeriod, PayStatement, PeriodApproval};
use baton_store::{Filter, Json, Tx, Value};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::BTreeMap;

const CLOSED: [&str; 3] = ["calculated", "approved", "paid"];

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PeriodInfo {
    pub period: String,
    pub status: String,
    pub calculated_at: Option<String>,
    pub approved_at: Option<String>,
    pub approved_by: Option<String>,
    pub paid_at: Option<String>,
    /// Writes dated inside the period after it was closed, not yet paid as adjustments.
    pub pending_changes: i64,
    pub statements: i64,
    #[schema(value_type = String)]
    #[serde(serialize_with = "baton_comp::number::money_text")]
    pub total: Decimal,
    /// Regions (their names) whose head approved their part of a calculated period.
    pub approved_regions: Vec<String>,
    /// The same regions' ids.
    pub approved_region_ids: Vec<String>,
}

pub(crate) fn status_of(tx: &mut Tx<'_>, period: &str) -> AppResult<String> {
    Ok(tx
        .get::<PayPeriod>(period)?
        .map_or_else(|| "open".to_string(), |p| p.status))
}

/// The stored statements of a calculated, approved or paid period, in name order.
pub(crate) fn stored(tx: &mut Tx<'_>, period: &str) -> AppResult<Option<Vec<PersonStatement>>> {
    let Some(p) = tx.get::<PayPeriod>(period)? else {
        return Ok(None);
    };
    if !CLOSED.contains(&p.status.as_str()) {
        return Ok(None);
    }
    let mut out = Vec::new();
    for s in tx.list::<PayStatement>(&Filter::new().eq("period", period))? {
        let st: PersonStatement = serde_json::from_str(s.body.text()).map_err(|e| {
            AppError::invalid(
                "pay_statements",
                Text::new("err-statement-unreadable")
                    .arg("id", &s.id)
                    .arg("error", e.to_string()),
            )
        })?;
        // The body is written once; the status is the period's, now.
        let mut st = st;
        st.status = p.status.clone();
        out.push(st);
    }
    out.sort_by(|a, b| (&a.name, &a.employee_id).cmp(&(&b.name, &b.employee_id)));
    Ok(Some(out))
}

/// The stored statements of a closed period that carry a negative remainder forward (only
/// those are read: `carry_out` is written only when it is not empty).
pub(crate) fn stored_with_carry(
    tx: &mut Tx<'_>,
    period: &str,
) -> AppResult<Option<Vec<PersonStatement>>> {
    let Some(p) = tx.get::<PayPeriod>(period)? else {
        return Ok(None);
    };
    if !CLOSED.contains(&p.status.as_str()) {
        return Ok(None);
    }
    let mut out = Vec::new();
    for s in tx.list::<PayStatement>(
        &Filter::new()
            .eq("period", period)
            .raw("body LIKE ?", vec![Value::from("%\"carry_out\"%")]),
    )? {
        out.push(serde_json::from_str(s.body.text()).map_err(|e| {
            AppError::invalid(
                "pay_statements",
                Text::new("err-statement-unreadable")
                    .arg("id", &s.id)
                    .arg("error", e.to_string()),
            )
        })?);
    }
    Ok(Some(out))
}

/// The stored JSON texts of a closed period, exactly as saved (for byte-identical output).
pub(crate) fn stored_texts(tx: &mut Tx<'_>, period: &str) -> AppResult<Vec<(String, String)>> {
    Ok(tx
        .list::<PayStatement>(&Filter::new().eq("period", period))?
        .into_iter()
        .map(|s| (s.employee_id, s.body.text().to_string()))
        .collect())
}

/// A write dated `day` changed every closed period that ends on or after it.
pub(crate) fn touch(tx: &mut Tx<'_>, day: NaiveDate) -> AppResult<()> {
    tx.exec(
        "UPDATE pay_periods SET changes = changes + 1 WHERE status <> 'open' AND end_on >= ?",
        &[Value::from(day.to_string())],
    )?;
    Ok(())
}

fn component_totals(s: &PersonStatement) -> BTreeMap<String, (String, Decimal)> {
    let mut m: BTreeMap<String, (String, Decimal)> = BTreeMap::new();
    for p in &s.parts {
        for l in p.statement.lines.iter().filter(|l| l.status == "accrued") {
            let e = m
                .entry(format!("{}:{}", p.role, l.component))
                .or_insert_with(|| (l.label.clone(), Decimal::ZERO));
            e.1 += l.amount;
        }
    }
    m
}

/// Adjustment lines for the period of `job`: for each closed period before it whose data
/// changed, the difference per person and component between a recomputation (with the plan
/// versions that period used) and what was approved, less adjustments already made for it.
pub(crate) fn adjustments(
    app: &App,
    tx: &mut Tx<'_>,
    cfg: &ConveyorConfig,
    job: &Job<'_>,
) -> AppResult<BTreeMap<String, Vec<Line>>> {
    let changed = tx.list::<PayPeriod>(
        &Filter::new()
            .raw(
                "status IN ('approved', 'paid') AND changes > checked AND id < ?",
                vec![job.period.into()],
            )
            .order("id", false),
    )?;
    let mut out: BTreeMap<String, Vec<Line>> = BTreeMap::new();
    for q in changed {
        let Some(frozen) = stored(tx, &q.id)? else {
            continue;
        };
        let mut pins = BTreeMap::new();
        for s in &frozen {
            for p in &s.parts {
                pins.insert((s.employee_id.clone(), p.role.clone()), p.plan_id.clone());
            }
        }
        let again = app.compute_in(
            tx,
            cfg,
            &Job {
                period: &q.id,
                who: job.who,
                region: job.region.clone(),
                plans: Plans::Pinned(&pins),
                adjust: false,
                thresholds: false,
            },
            0,
        )?;
        // Adjustments for q already made in closed periods after it.
        let mut before: BTreeMap<(String, String), Decimal> = BTreeMap::new();
        let later = tx.list::<PayPeriod>(&Filter::new().raw(
            "status IN ('calculated', 'approved', 'paid') AND id > ? AND id < ?",
            vec![q.id.clone().into(), job.period.into()],
        ))?;
        for r in later {
            for s in stored(tx, &r.id)?.unwrap_or_default() {
                for l in s
                    .adjustments
                    .iter()
                    .filter(|l| l.component.starts_with(&format!("{}:", q.id)))
                {
                    *before
                        .entry((s.employee_id.clone(), l.component.clone()))
                        .or_default() += l.exact;
                }
            }
        }
        let mut people: BTreeMap<&str, (Option<&PersonStatement>, Option<&PersonStatement>)> =
            BTreeMap::new();
        for s in &frozen {
            people.entry(&s.employee_id).or_default().0 = Some(s);
        }
        for s in &again {
            people.entry(&s.employee_id).or_default().1 = Some(s);
        }
        for (person, (old, new)) in people {
            let old_t = old.map(component_totals).unwrap_or_default();
            let new_t = new.map(component_totals).unwrap_or_default();
            let mut keys: Vec<&String> = old_t.keys().chain(new_t.keys()).collect();
            keys.sort();
            keys.dedup();
            for key in keys {
                let (label, was) = old_t.get(key).cloned().unwrap_or_default();
                let (label2, now) = new_t.get(key).cloned().unwrap_or_default();
                let component = format!("{}:{key}", q.id);
                let prior = before
                    .get(&(person.to_string(), component.clone()))
                    .copied()
                    .unwrap_or_default();
                let delta = now - was - prior;
                if delta.is_zero() {
                    continue;
                }
                let label = if label.is_empty() { label2 } else { label };
                let allowed = new
                    .or(old)
                    .and_then(|s| {
                        s.parts
                            .iter()
                            .find(|p| key.starts_with(&format!("{}:", p.role)))
                    })
                    .map(|p| p.plan_id.clone());
                let clawback = match allowed {
                    Some(id) => plan_allows_clawback(app, tx, &id)?,
                    None => false,
                };
                let deducted = delta > Decimal::ZERO || clawback;
                let mut why = Text::new(if prior.is_zero() {
                    "pay-adjustment"
                } else {
                    "pay-adjustment-prior"
                })
                .arg("now", rubles(now))
                .arg("was", rubles(was))
                .arg("prior", rubles(prior))
                .arg("delta", rubles(delta));
                if !deducted {
                    why = Text::new("pay-adjustment-kept").text("formula", why);
                }
                out.entry(person.to_string()).or_default().push(Line {
                    component,
                    label: format!("Корректировка за {}: {label}", q.id),
                    title: Some(
                        Text::new("pay-adjustment-title")
                            .arg("period", q.id.clone())
                            .arg("label", label.clone()),
                    ),
                    formula: why.render(Lang::En),
                    why: Some(why),
                    inputs: BTreeMap::new(),
                    exact: delta,
                    amount: if deducted {
                        round_money(delta)
                    } else {
                        Decimal::ZERO
                    },
                    status: if deducted {
                        "accrued".into()
                    } else {
                        "not_deducted".into()
                    },
                    sources: vec![format!("pay_periods/{}", q.id)],
                });
            }
        }
    }
    Ok(out)
}

fn plan_allows_clawback(app: &App, tx: &mut Tx<'_>, id: &str) -> AppResult<bool> {
    let _ = app;
    if let Some(role) = id.strip_prefix("shipped:") {
        return Ok(Role::parse(role)
            .map(super::plans::shipped)
            .transpose()?
            .flatten()
            .is_some_and(|p| p.plan.allow_clawback));
    }
    Ok(match tx.get::<baton_store::records::PlanVersion>(id)? {
        Some(v) => super::plans::checked(&v.body)?.allow_clawback,
        None => false,
    })
}

/// A period is the whole company's month: its steps need the company-wide reach.
fn may(actor: Option<&Actor>, action: Action) -> AppResult<()> {
    if let Some(a) = actor {
        crate::rights::require_region(a, action, None)?;
    }
    Ok(())
}

impl App {
    pub fn periods(&self, actor: Option<&Actor>) -> AppResult<Vec<PeriodInfo>> {
        if let Some(a) = actor {
            crate::rights::require(a, Action::ReadPayroll)?;
        }
        self.db.read(|tx| {
            let mut out = Vec::new();
            for p in tx.list::<PayPeriod>(&Filter::new().order("id", true))? {
                let r = tx.query_one(
                    "SELECT CAST(COUNT(*) AS BIGINT), CAST(COALESCE(SUM(total), 0) AS BIGINT) FROM pay_statements WHERE period = ?",
                    &[p.id.clone().into()],
                )?;
                let (n, total) = r.map_or((0, 0), |r| (r.int(0), r.int(1)));
                let (approved_regions, approved_region_ids) = tx
                    .query(
                        "SELECT r.name, r.id FROM period_approvals a JOIN regions r ON r.id = a.region_id WHERE a.period = ? ORDER BY r.name",
                        &[p.id.clone().into()],
                    )?
                    .into_iter()
                    .map(|r| (r.text(0), r.text(1)))
                    .unzip();
                out.push(PeriodInfo {
                    period: p.id,
                    status: p.status,
                    calculated_at: p.calculated_at,
                    approved_at: p.approved_at,
                    approved_by: p.approved_by,
                    paid_at: p.paid_at,
                    pending_changes: p.changes - p.checked,
                    statements: n,
                    total: Decimal::new(total, 2),
                    approved_regions,
                    approved_region_ids,
                });
            }
            Ok(out)
        })
    }

    /// Computes and stores every statement of an ended period for review.
    pub fn calculate_period(&self, actor: Option<&Actor>, period: &str) -> AppResult<PeriodInfo> {
        // Calculating is derived and redone at will (a head reviews their region): any reach.
        if let Some(a) = actor {
            crate::rights::require(a, Action::CalculatePeriod)?;
        }
        let (_, end) = period_bounds(period)?;
        let cfg = self.config()?;
        if end >= self.today(&cfg) {
            return Err(AppError::invalid(
                "period",
                Text::new("err-period-not-ended")
                    .arg("period", period)
                    .arg("end", end.to_string()),
            ));
        }
        self.db.tx(|tx| {
            let row = tx.get::<PayPeriod>(period)?;
            if let Some(p) = &row
                && (p.status == "approved" || p.status == "paid")
            {
                return Err(AppError::State(
                    Text::new("err-period-frozen")
                        .arg("period", period)
                        .term("status", "period", &p.status)
                        .arg("status_code", &p.status),
                ));
            }
            let list = self.compute_in(
                tx,
                &cfg,
                &Job::everyone(period, None, Plans::InForce, true),
                0,
            )?;
            tx.exec(
                "DELETE FROM pay_statements WHERE period = ?",
                &[period.into()],
            )?;
            let now = self.now();
            let stamp = crate::clock::stamp(now);
            let mut p = row.unwrap_or(PayPeriod {
                id: period.into(),
                status: "open".into(),
                end_on: end.to_string(),
                calculated_at: None,
                calculated_by: None,
                approved_at: None,
                approved_by: None,
                paid_at: None,
                paid_by: None,
                changes: 0,
                checked: 0,
                version: 1,
            });
            let before = p.clone();
            p.status = "calculated".into();
            p.calculated_at = Some(stamp.clone());
            p.calculated_by = actor.map(|a| a.id.clone());
            if before.status == "open" && tx.get::<PayPeriod>(period)?.is_none() {
                tx.insert(&p)?;
            } else {
                p.version += 1;
                tx.update(&p, Some(before.version))?;
            }
            // Regions approved what the last calculation said; a new one asks them again.
            tx.exec(
                "DELETE FROM period_approvals WHERE period = ?",
                &[period.into()],
            )?;
            let mut rows = Vec::with_capacity(list.len());
            for mut s in list {
                s.status = "calculated".into();
                let body = serde_json::to_string(&s).map_err(|e| {
                    AppError::invalid(
                        "statement",
                        Text::new("err-statement-unwritable").arg("error", e.to_string()),
                    )
                })?;
                rows.push(PayStatement {
                    id: self.ids.id(now),
                    period: period.into(),
                    employee_id: s.employee_id.clone(),
                    total: baton_domain::Money::from_kopecks(
                        (s.total * Decimal::ONE_HUNDRED)
                            .trunc()
                            .try_into()
                            .unwrap_or(i64::MAX),
                    ),
                    body: Json::from_text(body).map_err(|e| {
                        AppError::invalid(
                            "statement",
                            Text::new("err-statement-bad-json").arg("error", e.to_string()),
                        )
                    })?,
                    created_at: stamp.clone(),
                });
            }
            tx.insert_records(&rows)?;
            self.audit(
                tx,
                actor,
                "pay_period",
                period,
                "period.calculated",
                Some(&before),
                Some(&p),
            )?;
            Ok(())
        })?;
        self.period_info(period)
    }

    /// Freezes a calculated period, periods in order, and only when nothing changed since the
    /// calculation. The director approves the whole period; a head approves their region's
    /// part, and the period is frozen when every region with statements is approved (people
    /// without a region, if any have statements, need the director).
    pub fn approve_period(&self, actor: Option<&Actor>, period: &str) -> AppResult<PeriodInfo> {
        let reach = match actor {
            Some(a) => Some(crate::rights::require(a, Action::ApprovePeriod)?),
            None => None,
        };
        let regional = reach.is_some_and(|r| r < crate::rights::Reach::All);
        if regional && actor.is_some_and(|a| a.region_id.is_none()) {
            return Err(AppError::Forbidden(Text::new("err-approve-without-region")));
        }
        let cfg = self.config()?;
        self.db.tx(|tx| {
            let p = tx
                .get::<PayPeriod>(period)?
                .ok_or_else(|| AppError::invalid("period", Text::new("err-period-open-calculate").arg("period", period)))?;
            if p.status != "calculated" {
                return Err(AppError::State(Text::new("err-approve-not-calculated").arg("period", period).term("status", "period", &p.status)
                        .arg("status_code", &p.status)));
            }
            let prev = period_of(period_bounds(period)?.0 - chrono::Duration::days(1));
            if let Some(q) = tx.get::<PayPeriod>(&prev)?
                && q.status == "calculated"
            {
                return Err(AppError::State(Text::new("err-approve-in-order").arg("prev", &prev)));
            }
            let again = self.compute_in(
                tx,
                &cfg,
                &Job::everyone(period, None, Plans::InForce, true),
                0,
            )?;
            let mut fresh: Vec<(String, String)> = Vec::new();
            for mut s in again {
                s.status = "calculated".into();
                fresh.push((s.employee_id.clone(), serde_json::to_string(&s).unwrap_or_default()));
            }
            let mut saved = stored_texts(tx, period)?;
            fresh.sort();
            saved.sort();
            if fresh != saved {
                return Err(AppError::State(Text::new("err-period-data-changed").arg("period", period)));
            }
            if let (true, Some(a)) = (regional, actor) {
                let region = a.region_id.clone().unwrap_or_default();
                let row = PeriodApproval {
                    id: format!("{period}:{region}"),
                    period: period.into(),
                    region_id: region.clone(),
                    approved_at: crate::clock::stamp(self.now()),
                    approved_by: a.id.clone(),
                };
                if tx.get::<PeriodApproval>(&row.id)?.is_none() {
                    tx.insert(&row)?;
                    // Without the `period` field: the audit would count it as a change to the
                    // closed period's data (`DATED_FIELDS`), which an approval is not.
                    let what = serde_json::json!({"region_id": row.region_id, "approved_by": row.approved_by});
                    self.audit(tx, actor, "pay_period", period, "period.region_approved", None::<&()>, Some(&what))?;
                }
                // Regions (and the region-less) whose people have statements in the period.
                let waiting = tx.query_one(
                    "SELECT CAST(COUNT(*) AS BIGINT) FROM (SELECT DISTINCT e.region_id FROM pay_statements s \
                     JOIN employees e ON e.id = s.employee_id WHERE s.period = ? AND (e.region_id IS NULL OR e.region_id NOT IN \
                     (SELECT region_id FROM period_approvals WHERE period = ?))) w",
                    &[period.into(), period.into()],
                )?.map_or(0, |r| r.int(0));
                if waiting > 0 {
                    return Ok(());
                }
            }
            let before = p.clone();
            let mut after = p;
            after.status = "approved".into();
            after.approved_at = Some(crate::clock::stamp(self.now()));
            after.approved_by = actor.map(|a| a.id.clone());
            after.version += 1;
            tx.update(&after, Some(before.version))?;
            // The adjustments for changed earlier periods are now part of an approved period.
            tx.exec("UPDATE pay_periods SET checked = changes WHERE id < ? AND status IN ('approved', 'paid')", &[period.into()])?;
            self.audit(tx, actor, "pay_period", period, "period.approved", Some(&before), Some(&after))?;
            Ok(())
        })?;
        self.period_info(period)
    }

    /// Marks an approved period paid (the accountant or the director).
    pub fn pay_period(&self, actor: Option<&Actor>, period: &str) -> AppResult<PeriodInfo> {
        may(actor, Action::PayPeriod)?;
        self.db.tx(|tx| {
            let p = tx.get::<PayPeriod>(period)?.ok_or_else(|| {
                AppError::invalid(
                    "period",
                    Text::new("err-period-open-approve").arg("period", period),
                )
            })?;
            if p.status != "approved" {
                return Err(AppError::State(
                    Text::new("err-pay-not-approved")
                        .arg("period", period)
                        .term("status", "period", &p.status)
                        .arg("status_code", &p.status),
                ));
            }
            let before = p.clone();
            let mut after = p;
            after.status = "paid".into();
            after.paid_at = Some(crate::clock::stamp(self.now()));
            after.paid_by = actor.map(|a| a.id.clone());
            after.version += 1;
            tx.update(&after, Some(before.version))?;
            self.audit(
                tx,
                actor,
                "pay_period",
                period,
                "period.paid",
                Some(&before),
                Some(&after),
            )?;
            Ok(())
        })?;
        self.period_info(period)
    }

    fn period_info(&self, period: &str) -> AppResult<PeriodInfo> {
        self.periods(None)?
            .into_iter()
            .find(|p| p.period == period)
            .ok_or_else(|| AppError::not_found("pay_period", period))
    }

    /// The statements of a period as JSON text: the stored bytes for a closed period.
    pub fn payroll_json(&self, actor: Option<&Actor>, period: &str) -> AppResult<String> {
        let list = self.payroll(actor, period)?;
        serde_json::to_string_pretty(&list).map_err(|e| {
            AppError::invalid(
                "statement",
                Text::new("err-statement-unwritable").arg("error", e.to_string()),
            )
        })
    }
}
