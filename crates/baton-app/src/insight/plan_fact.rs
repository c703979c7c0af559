//! Plan against fact (docs/reports.md): every target of a period (table `targets`) against the
//! metric's actual value for the person in that period, as the pay engine computes it, with the
//! attainment and the region's sums for money and count metrics.

use super::{Person, parse_month, people, report_region};
use crate::error::AppResult;
use crate::{Actor, App};
use baton_analytics::plan_fact::{
    Kind, SCALE, TargetFact, attainment_tenths, kind_of, region_sums,
};
use baton_store::Filter;
use baton_store::records::{Employee, Region, Target};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;
use std::collections::BTreeMap;
use std::str::FromStr;

/// One person's target for one metric.
#[derive(Debug, Clone, Serialize)]
pub struct PlanFactRow {
    pub person: Person,
    pub region: Option<String>,
    pub metric: String,
    pub kind: Kind,
    pub target: Decimal,
    /// None when the pay engine does not compute this metric.
    pub actual: Option<Decimal>,
    /// actual / target × 100, rounded to 0.1; none when the target is zero or the actual unknown.
    pub attainment: Option<Decimal>,
}

/// A region's sum for a money or count metric.
#[derive(Debug, Clone, Serialize)]
pub struct PlanFactSum {
    pub region: Option<String>,
    pub metric: String,
    pub kind: Kind,
    pub people: usize,
    pub target: Decimal,
    pub actual: Decimal,
    pub attainment: Option<Decimal>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PlanFactReport {
    pub period: String,
    pub region: Option<String>,
    pub rows: Vec<PlanFactRow>,
    pub sums: Vec<PlanFactSum>,
}

fn fixed(d: Decimal) -> Option<i128> {
    let mut r = d.round_dp_with_strategy(SCALE, RoundingStrategy::MidpointAwayFromZero);
    r.rescale(SCALE);
    (r.scale() == SCALE).then(|| r.mantissa())
}

fn from_fixed(v: i128, kind: Kind) -> Decimal {
    let d = Decimal::try_from_i128_with_scale(v, SCALE).unwrap_or(Decimal::MAX);
    match kind {
        Kind::Money => shown(d, kind),
        _ => d.normalize(),
    }
}

/// Money to the kopeck ("150000.00"), other values as they are.
fn shown(d: Decimal, kind: Kind) -> Decimal {
    match kind {
        Kind::Money => {
            let mut m = d.round_dp(2);
            m.rescale(2);
            m
        }
        _ => d,
    }
}

fn percent(tenths: Option<i128>) -> Option<Decimal> {
    tenths.and_then(|t| Decimal::try_from_i128_with_scale(t, 1).ok())
}

impl App {
    /// Plan against fact for `period` (YYYY-MM): a head sees their region, the director and the
    /// admin every region or the one asked for.
    pub fn plan_fact(
        &self,
        actor: Option<&Actor>,
        period: &str,
        region: Option<&str>,
    ) -> AppResult<PlanFactReport> {
        let month = parse_month("period", period)?;
        let period = month.format("%Y-%m").to_string();
        let cfg = self.config()?;
        self.reports.read(|tx| {
            let region = report_region(tx, actor, region)?;
            let codes: BTreeMap<String, String> = tx
                .list::<Region>(&Filter::new())?
                .into_iter()
                .map(|r| (r.id, r.code))
                .collect();
            let home: BTreeMap<String, Option<String>> = tx
                .list::<Employee>(&Filter::new())?
                .into_iter()
                .map(|e| (e.id, e.region_id))
                .collect();
            let targets = tx.list::<Target>(&Filter::new().eq("period", period.as_str()))?;
            let targets: Vec<Target> = targets
                .into_iter()
                .filter(|t| {
                    region.as_ref().is_none_or(|r| {
                        home.get(&t.employee_id).and_then(|h| h.as_deref()) == Some(r.id.as_str())
                    })
                })
                .collect();
            // Each person's metrics over the month: money and counts add up across the
            // stretches of a month with two roles; a ratio is the last stretch's.
            let mut actual: BTreeMap<(String, String), Decimal> = BTreeMap::new();
            if !targets.is_empty() {
                for (who, values) in self.metric_values_in(tx, &cfg, &period)? {
                    for (metric, v) in values {
                        let slot = actual.entry((who.clone(), metric.clone())).or_default();
                        *slot = match kind_of(&metric) {
                            Kind::Ratio => v,
                            _ => *slot + v,
                        };
                    }
                }
            }
            let names = people(tx)?;
            let mut rows = Vec::new();
            let mut facts = Vec::new();
            for t in targets {
                let Ok(target) = Decimal::from_str(t.value.trim()) else {
                    continue;
                };
                let a = actual
                    .get(&(t.employee_id.clone(), t.metric.clone()))
                    .copied();
                let region_code = home
                    .get(&t.employee_id)
                    .and_then(|h| h.as_ref())
                    .and_then(|id| codes.get(id))
                    .cloned();
                let (tf, af) = (fixed(target), a.and_then(fixed));
                let attainment = match (tf, af) {
                    (Some(tf), Some(af)) => percent(attainment_tenths(af, tf)),
                    _ => None,
                };
                if let Some(tf) = tf {
                    facts.push(TargetFact {
                        person: t.employee_id.clone(),
                        region: region_code.clone(),
                        metric: t.metric.clone(),
                        target: tf,
                        actual: af,
                    });
                }
                let person = names.get(&t.employee_id).cloned().unwrap_or(Person {
                    id: t.employee_id.clone(),
                    login: String::new(),
                    name: String::new(),
                });
                let kind = kind_of(&t.metric);
                rows.push(PlanFactRow {
                    person,
                    region: region_code,
                    kind,
                    metric: t.metric,
                    target: shown(target, kind),
                    actual: a.map(|a| shown(a, kind)),
                    attainment,
                });
            }
            rows.sort_by(|a, b| {
                (&a.region, &a.person.name, &a.person.id, &a.metric).cmp(&(
                    &b.region,
                    &b.person.name,
                    &b.person.id,
                    &b.metric,
                ))
            });
            let sums = region_sums(&facts)
                .into_iter()
                .map(|s| PlanFactSum {
                    target: from_fixed(s.target, s.kind),
                    actual: from_fixed(s.actual, s.kind),
                    attainment: percent(s.attainment_tenths),
                    region: s.region,
                    metric: s.metric,
                    kind: s.kind,
                    people: s.people,
                })
                .collect();
            Ok(PlanFactReport {
                period,
                region: region.map(|r| r.code),
                rows,
                sums,
            })
        })
    }
}
