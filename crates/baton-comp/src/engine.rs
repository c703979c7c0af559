//! Evaluates a plan over one person's metric values for one period and explains every ruble.
//! Pure: the caller loads the metrics; the same inputs always give the same statement.

use crate::metrics::{Progress, ProgressStatus};
use crate::number::{human, round_money, rubles};
use crate::plan::{Kind, Plan, bonus_metric};
use crate::table::{TierMode, tiered};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What the engine needs to know about one person in one period.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Inputs {
    /// Metric values by name, exactly as the plan names them (`attainment(x)` included).
    pub metrics: BTreeMap<String, Decimal>,
    /// Working days the person held the role and was present, and working days in the period.
    pub days_worked: Option<(i64, i64)>,
    /// Record references behind each metric ("payments/ID", …): the line's drill-down.
    #[serde(default)]
    pub sources: BTreeMap<String, Vec<String>>,
    /// New clients whose bonus is accrued, pending or lapsed in the period.
    #[serde(default)]
    pub progress: Vec<Progress>,
    /// Targets by metric, so "next threshold" can say how much of the metric itself it takes.
    #[serde(default)]
    pub targets: BTreeMap<String, Decimal>,
    /// Negative remainders of percentage components carried from earlier periods (≤ 0).
    #[serde(default)]
    pub carry_in: BTreeMap<String, Decimal>,
}

/// The status of a line that pays 0 because a target it needs is missing.
pub const NO_TARGET: &str = "no_target";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    #[serde(serialize_with = "crate::number::money_text")]
    pub amount: Decimal,
    /// accrued, pending (may still pay, not in the total), lapsed (will not pay) or
    /// no_target (pays 0 until the person has a target for the metric it needs).
    pub status: String,
    /// The records behind the line: "payments/ID", "handoffs/ID", "contracts/ID", …
    pub sources: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Statement {
    pub plan: String,
    pub lines: Vec<Line>,
    /// The sum of the rounded lines.
    #[serde(serialize_with = "crate::number::money_text")]
    pub total: Decimal,
    pub warnings: Vec<String>,
    /// Negative remainders carried to the next period, by component (empty when none).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub carry_out: BTreeMap<String, Decimal>,
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
    /// The attainments the current line needed and had no target for.
    no_target: Vec<String>,
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
                    self.no_target.push(metric.to_string());
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

fn line(
    component: &str,
    label: &str,
    formula: String,
    ctx: &Ctx,
    exact: Decimal,
    status: ProgressStatus,
) -> Line {
    let mut sources: Vec<String> = ctx
        .used
        .keys()
        .filter_map(|m| ctx.inputs.sources.get(m))
        .flatten()
        .cloned()
        .collect();
    sources.sort();
    sources.dedup();
    Line {
        component: component.to_string(),
        label: label.to_string(),
        formula,
        inputs: ctx.used.clone(),
        exact,
        amount: round_money(exact),
        status: status.as_str().to_string(),
        sources,
    }
}

/// Formula components after the components they read; the rest in plan order.
fn evaluation_order(plan: &Plan) -> Vec<usize> {
    let mut done: Vec<usize> = Vec::new();
    let mut placed = std::collections::BTreeSet::new();
    // The plan checker refused cycles, so this settles in at most n rounds.
    for _ in 0..=plan.components.len() {
        for (i, c) in plan.components.iter().enumerate() {
            if placed.contains(&c.id) || c.kind.is_modifier() {
                continue;
            }
            let ready = match &c.kind {
                Kind::Formula { components, .. } => components.iter().all(|r| placed.contains(r)),
                _ => true,
            };
            if ready {
                placed.insert(c.id.clone());
                done.push(i);
            }
        }
    }
    done
}

pub fn evaluate(plan: &Plan, inputs: &Inputs) -> Statement {
    let mut ctx = Ctx {
        inputs,
        warnings: Vec::new(),
        used: BTreeMap::new(),
        no_target: Vec::new(),
    };
    let mut by_index: BTreeMap<usize, Vec<Line>> = BTreeMap::new();
    let mut results: BTreeMap<String, Decimal> = BTreeMap::new();
    let mut carry_out = BTreeMap::new();
    for ci in evaluation_order(plan) {
        let comp = &plan.components[ci];
        ctx.used = BTreeMap::new();
        ctx.no_target.clear();
        let mut extra: Vec<Line> = Vec::new();
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
            Kind::Bonus { amount, min } => {
                let metric = bonus_metric(*min);
                let n = ctx.get(&metric);
                // The clients still in play and the ones lost, each on a line of its own
                // status, so nobody has to ask why a bonus did not come.
                for status in [ProgressStatus::Pending, ProgressStatus::Lapsed] {
                    let items: Vec<&Progress> = inputs
                        .progress
                        .iter()
                        .filter(|p| p.status == status)
                        .collect();
                    if items.is_empty() {
                        continue;
                    }
                    let what = items
                        .iter()
                        .map(|p| {
                            format!(
                                "«{}»: {} of {} by {}",
                                p.company,
                                rubles(Decimal::new(p.collected, 2)),
                                rubles(*min),
                                p.window_end
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("; ");
                    let worth = *amount * Decimal::from(items.len() as i64);
                    let text = match status {
                        ProgressStatus::Pending => format!(
                            "{} × {} pending (not in the total until the window collections reach {}): {what}",
                            items.len(),
                            rubles(*amount),
                            rubles(*min)
                        ),
                        _ => format!(
                            "{} × {} lapsed (the hunter window closed below {}): {what}",
                            items.len(),
                            rubles(*amount),
                            rubles(*min)
                        ),
                    };
                    let text = format!("{text} (worth {})", rubles(worth));
                    let mut l = line(&comp.id, &comp.label, text, &ctx, Decimal::ZERO, status);
                    l.sources = items
                        .iter()
                        .map(|p| format!("companies/{}", p.company_id))
                        .collect();
                    extra.push(l);
                }
                (
                    *amount * n,
                    format!("{} × {} ({metric})", human(n), rubles(*amount)),
                )
            }
            Kind::Formula { expr, .. } => {
                let mut values = BTreeMap::new();
                for r in expr.references() {
                    let v = match results.get(r) {
                        Some(v) => *v,
                        None => ctx.get(r),
                    };
                    values.insert(r.clone(), v);
                }
                let shown: Vec<String> = values
                    .iter()
                    .map(|(k, v)| format!("{k} = {}", human(v.round_dp(4))))
                    .collect();
                match expr.eval(&values) {
                    Ok(v) => (
                        v,
                        format!("{} with {}", expr.source().trim(), shown.join(", ")),
                    ),
                    Err(e) => {
                        ctx.warnings.push(format!(
                            "formula of «{}» failed: {e}; the line pays 0",
                            comp.id
                        ));
                        (Decimal::ZERO, format!("0: formula failed ({e})"))
                    }
                }
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
                    // A gate stops pay, not a negative remainder: that is still carried.
                    if x < *min && exact > Decimal::ZERO {
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
        // A line that needs an attainment without a target pays 0, never a table's value at 0.
        if !ctx.no_target.is_empty() && exact > Decimal::ZERO {
            formula = format!(
                "0: no target for {} ({formula} not paid)",
                ctx.no_target.join(", ")
            );
            exact = Decimal::ZERO;
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
        // A percentage never pays below zero: what is below is carried forward and offsets
        // the same component later (PRODUCT.md §4.2, deferred accrual).
        if matches!(comp.kind, Kind::Percent { .. }) {
            let carried = inputs.carry_in.get(&comp.id).copied().unwrap_or_default();
            if carried < Decimal::ZERO {
                formula = format!(
                    "{formula} = {}; minus {} carried from earlier periods",
                    rubles(exact),
                    rubles(-carried)
                );
                exact += carried;
            }
            if exact < Decimal::ZERO {
                formula = format!(
                    "{formula} = {}: nothing this period, {} carried forward",
                    rubles(exact),
                    rubles(-exact)
                );
                carry_out.insert(comp.id.clone(), exact);
                exact = Decimal::ZERO;
            }
        }
        results.insert(comp.id.clone(), exact);
        let mut lines = vec![line(
            &comp.id,
            &comp.label,
            formula,
            &ctx,
            exact,
            ProgressStatus::Accrued,
        )];
        // Nothing accrued because a target is missing: the status says so, not "accrued", so
        // nobody reads a 0 for a sale as the plan's answer.
        if !ctx.no_target.is_empty() && lines[0].amount.is_zero() {
            lines[0].status = NO_TARGET.into();
        }
        lines.extend(extra);
        by_index.insert(ci, lines);
    }
    let mut lines: Vec<Line> = by_index.into_values().flatten().collect();
    let accrued = |lines: &[Line]| -> Decimal {
        lines
            .iter()
            .filter(|l| l.status == "accrued")
            .map(|l| l.amount)
            .sum()
    };
    let sum = accrued(&lines);
    let mut limit = |bound: Decimal, over: bool, label: &str| {
        let diff = bound - sum;
        if (over && diff < Decimal::ZERO) || (!over && diff > Decimal::ZERO) {
            lines.push(Line {
                component: "total".into(),
                label: label.into(),
                formula: format!("{} → {}", rubles(sum), rubles(bound)),
                inputs: BTreeMap::new(),
                exact: diff,
                amount: round_money(diff),
                status: "accrued".into(),
                sources: vec![],
            });
        }
    };
    if let Some(cap) = plan.total_cap {
        limit(cap, true, "Cap on the total");
    }
    if let Some(floor) = plan.total_floor {
        limit(floor, false, "Floor on the total");
    }
    let total = accrued(&lines);
    Statement {
        plan: plan.name.clone(),
        lines,
        total,
        warnings: ctx.warnings,
        carry_out,
    }
}

/// What the next tier, band or gate takes and what it is worth.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Threshold {
    pub component: String,
    pub metric: String,
    pub current: String,
    /// The value of the metric at the next boundary.
    pub next: String,
    /// How much more of the metric (or of the collections behind an attainment) it takes.
    pub needed: String,
    /// The change of the total, in rubles, once it is reached (everything else unchanged).
    #[serde(serialize_with = "crate::number::money_text")]
    pub worth: Decimal,
    /// The same in plain words.
    pub text: String,
}

fn boundaries(plan: &Plan, kind: &Kind) -> Vec<(String, Vec<Decimal>)> {
    let points = |t: &str| -> Vec<Decimal> {
        plan.tables
            .get(t)
            .map(|t| t.points.iter().map(|p| p.at).collect())
            .unwrap_or_default()
    };
    match kind {
        Kind::PerUnit { metric, tiers } | Kind::Percent { metric, tiers, .. } => {
            vec![(metric.clone(), tiers.iter().map(|t| t.from).collect())]
        }
        Kind::Table { metric, table, .. } | Kind::Multiplier { metric, table, .. } => {
            vec![(metric.clone(), points(table))]
        }
        Kind::KpiIndex { indicators, .. } => indicators
            .iter()
            .map(|i| (i.metric.clone(), points(&i.table)))
            .collect(),
        Kind::Gate { metric, min, .. } => vec![(metric.clone(), vec![*min])],
        _ => vec![],
    }
}

/// For every tier, band or gate above the person's current value: what it takes to reach it
/// and what it would add to the total, computed by the same engine.
pub fn next_thresholds(plan: &Plan, inputs: &Inputs) -> Vec<Threshold> {
    let now = evaluate(plan, inputs).total;
    let mut out: Vec<Threshold> = Vec::new();
    for comp in &plan.components {
        for (metric, bounds) in boundaries(plan, &comp.kind) {
            let x = inputs.metrics.get(&metric).copied().unwrap_or_default();
            let Some(next) = bounds.iter().copied().filter(|b| *b > x).min() else {
                continue;
            };
            if out
                .iter()
                .any(|t| t.metric == metric && t.next == show(&metric, next))
            {
                continue;
            }
            let mut what_if = inputs.clone();
            what_if.metrics.insert(metric.clone(), next);
            // An attainment moves with its metric and the other way round.
            let base = metric
                .strip_prefix("attainment(")
                .and_then(|r| r.strip_suffix(')'))
                .map(str::to_string);
            let needed = match &base {
                Some(b) => match inputs.targets.get(b) {
                    Some(t) => {
                        let want = next * *t;
                        let have = inputs.metrics.get(b).copied().unwrap_or_default();
                        what_if.metrics.insert(b.clone(), want);
                        format!("{} more {b}", show(b, want - have))
                    }
                    None => continue,
                },
                None => {
                    if let Some(t) = inputs.targets.get(&metric)
                        && !t.is_zero()
                    {
                        what_if
                            .metrics
                            .insert(format!("attainment({metric})"), next / *t);
                    }
                    format!("{} more {metric}", show(&metric, next - x))
                }
            };
            let worth = evaluate(plan, &what_if).total - now;
            let text = format!(
                "«{}»: {needed} (from {} to {}) adds {} to the total",
                comp.label,
                show(&metric, x),
                show(&metric, next),
                rubles(worth)
            );
            out.push(Threshold {
                component: comp.id.clone(),
                metric: metric.clone(),
                current: show(&metric, x),
                next: show(&metric, next),
                needed,
                worth,
                text,
            });
        }
        if let Kind::Bonus { amount, min } = &comp.kind {
            for p in inputs
                .progress
                .iter()
                .filter(|p| p.status == ProgressStatus::Pending)
            {
                let collected = Decimal::new(p.collected, 2);
                out.push(Threshold {
                    component: comp.id.clone(),
                    metric: format!("window collections of «{}»", p.company),
                    current: rubles(collected),
                    next: rubles(*min),
                    needed: rubles(*min - collected),
                    worth: *amount,
                    text: format!(
                        "«{}»: {} more from «{}» by {} adds {}",
                        comp.label,
                        rubles(*min - collected),
                        p.company,
                        p.window_end,
                        rubles(*amount)
                    ),
                });
            }
        }
    }
    out
}
