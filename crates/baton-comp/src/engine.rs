//! Evaluates a plan over one person's metric values for one period and explains every ruble.
//! Pure: the caller loads the metrics; the same inputs always give the same statement.

use crate::number::{human, round_money, rubles};
use crate::plan::{Kind, Plan};
use crate::table::{TierMode, tiered};
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::BTreeMap;

/// What the engine needs to know about one person in one period.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Inputs {
    /// Metric values by name, exactly as the plan names them (`attainment(x)` included).
    pub metrics: BTreeMap<String, Decimal>,
    /// Working days the person held the role and was present, and working days in the period.
    pub days_worked: Option<(i64, i64)>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Line {
    pub component: String,
    pub label: String,
    /// The formula written out with its numbers.
    pub formula: String,
    /// Input values used, by metric name.
    pub inputs: BTreeMap<String, String>,
    /// Exact, before rounding.
    pub exact: Decimal,
    /// Rounded to kopecks, half away from zero.
    pub amount: Decimal,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Statement {
    pub plan: String,
    pub lines: Vec<Line>,
    /// The sum of the rounded lines.
    pub total: Decimal,
    pub warnings: Vec<String>,
}

fn is_money(metric: &str) -> bool {
    metric.contains("collections") || metric.contains("receivables") || metric.contains("collected")
}

/// A metric as a person reads it: money in rubles, ratios and counts to four decimals.
fn show(metric: &str, v: Decimal) -> String {
    if is_money(metric) && !metric.starts_with("attainment(") {
        rubles(v)
    } else {
        human(v.round_dp(4))
    }
}

struct Ctx<'a> {
    inputs: &'a Inputs,
    warnings: Vec<String>,
    used: BTreeMap<String, String>,
}

impl Ctx<'_> {
    /// A metric's value; a missing one is a warning and counts as 0, never a silent 100 %.
    fn get(&mut self, metric: &str) -> Decimal {
        match self.inputs.metrics.get(metric) {
            Some(v) => {
                self.used.insert(metric.to_string(), show(metric, *v));
                *v
            }
            None => {
                let w = if metric.starts_with("attainment(") {
                    format!("no target for {metric}: the line that needs it pays 0")
                } else {
                    format!("no value for {metric}: counted as 0")
                };
                if !self.warnings.contains(&w) {
                    self.warnings.push(w);
                }
                self.used.insert(metric.to_string(), "—".into());
                Decimal::ZERO
            }
        }
    }
}

pub fn evaluate(plan: &Plan, inputs: &Inputs) -> Statement {
    let mut ctx = Ctx {
        inputs,
        warnings: Vec::new(),
        used: BTreeMap::new(),
    };
    let mut lines = Vec::new();
    for comp in plan.components.iter().filter(|c| !c.kind.is_modifier()) {
        ctx.used = BTreeMap::new();
        let (mut exact, mut formula) = match &comp.kind {
            Kind::Base { amount } => match inputs.days_worked {
                Some((worked, total)) if total > 0 && worked != total => {
                    let v = *amount * Decimal::from(worked) / Decimal::from(total);
                    (
                        v,
                        format!("{} × {worked} / {total} working days", rubles(*amount)),
                    )
                }
                _ => (*amount, rubles(*amount)),
            },
            Kind::PerUnit { metric, tiers } => {
                let n = ctx.get(metric);
                let (v, why) = tiered(n, tiers, TierMode::Marginal, human);
                (v, format!("{why} ₽ ({metric})"))
            }
            Kind::Percent {
                metric,
                tiers,
                mode,
            } => {
                let amount = ctx.get(metric);
                let (v, why) = tiered(amount, tiers, *mode, rubles);
                (v, format!("{why} ({metric})"))
            }
            Kind::Table {
                metric,
                table,
                target,
            } => {
                let x = ctx.get(metric);
                let k = plan
                    .tables
                    .get(table)
                    .map_or(Decimal::ZERO, |t| t.lookup(x));
                (
                    *target * k,
                    format!(
                        "{} × K({metric} = {}) = {} × {}",
                        rubles(*target),
                        show(metric, x),
                        rubles(*target),
                        human(k)
                    ),
                )
            }
            Kind::KpiIndex { target, indicators } => {
                let mut index = Decimal::ZERO;
                let mut parts = Vec::new();
                for ind in indicators {
                    let a = ctx.get(&ind.metric);
                    let k = plan
                        .tables
                        .get(&ind.table)
                        .map_or(Decimal::ZERO, |t| t.lookup(a));
                    index += ind.weight * k;
                    parts.push(format!(
                        "{}·K({})={}·{}",
                        human(ind.weight),
                        human(a.round_dp(4)),
                        human(ind.weight),
                        human(k)
                    ));
                }
                (
                    *target * index,
                    format!(
                        "{} × ({}) = {} × {}",
                        rubles(*target),
                        parts.join(" + "),
                        rubles(*target),
                        human(index)
                    ),
                )
            }
            Kind::Multiplier { .. } | Kind::Gate { .. } => continue,
        };
        // Modifiers that apply to this component, in plan order.
        for m in &plan.components {
            match &m.kind {
                Kind::Multiplier {
                    applies_to,
                    metric,
                    table,
                } if applies_to.contains(&comp.id) => {
                    let x = ctx.get(metric);
                    let k = plan.tables.get(table).map_or(Decimal::ONE, |t| t.lookup(x));
                    exact *= k;
                    formula = format!(
                        "({formula}) × {} [{}: {metric} = {}]",
                        human(k),
                        m.label,
                        show(metric, x)
                    );
                }
                Kind::Gate {
                    applies_to,
                    metric,
                    min,
                } if applies_to.contains(&comp.id) => {
                    let x = ctx.get(metric);
                    if x < *min {
                        exact = Decimal::ZERO;
                        formula = format!(
                            "0: {} not met, {metric} = {} < {} ({formula} not paid)",
                            m.label,
                            show(metric, x),
                            human(*min)
                        );
                    }
                }
                _ => {}
            }
        }
        if let Some(cap) = comp.cap
            && exact > cap
        {
            formula = format!("{formula} = {}, capped at {}", rubles(exact), rubles(cap));
            exact = cap;
        }
        if let Some(floor) = comp.floor
            && exact < floor
        {
            formula = format!(
                "{formula} = {}, raised to the floor {}",
                rubles(exact),
                rubles(floor)
            );
            exact = floor;
        }
        lines.push(Line {
            component: comp.id.clone(),
            label: comp.label.clone(),
            formula,
            inputs: ctx.used.clone(),
            exact,
            amount: round_money(exact),
        });
    }
    let total = lines.iter().map(|l| l.amount).sum();
    Statement {
        plan: plan.name.clone(),
        lines,
        total,
        warnings: ctx.warnings,
    }
}
