//! Evaluates a plan over one person's metric values for one period and explains every ruble.
//! Pure: the caller loads the metrics; the same inputs always give the same statement.

use crate::metrics::{Progress, ProgressStatus};
use crate::number::{human, round_money, rubles};
use crate::plan::{Kind, Plan, bonus_metric};
use crate::table::{TierMode, tiered};
use baton_catalog::{Lang, Text};
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
    /// The label when the engine names the line itself (a cap on the total): rendered in the
    /// reader's language instead of `label`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<Text>,
    /// The formula written out with its numbers, in English (logs, old clients). People read
    /// `why`, rendered in their language.
    pub formula: String,
    /// The formula as a catalog text. Statements frozen before the catalog have none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub why: Option<Text>,
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
    /// The warnings as catalog texts, in the same order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<Text>,
    /// Negative remainders carried to the next period, by component (empty when none).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub carry_out: BTreeMap<String, Decimal>,
}

impl Line {
    /// The formula in a reader's language (a statement frozen before the catalog keeps the
    /// text it was approved with).
    pub fn formula_in(&self, lang: Lang) -> String {
        self.why
            .as_ref()
            .map_or_else(|| self.formula.clone(), |w| w.render(lang))
    }
    /// The line's name in a reader's language: the plan's label, or the engine's own title.
    pub fn label_in(&self, lang: Lang) -> String {
        self.title
            .as_ref()
            .map_or_else(|| self.label.clone(), |t| t.render(lang))
    }
}

impl Statement {
    /// The warnings in a reader's language.
    pub fn notes_in(&self, lang: Lang) -> Vec<String> {
        if self.notes.is_empty() {
            return self.warnings.clone();
        }
        self.notes.iter().map(|n| n.render(lang)).collect()
    }
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
    notes: Vec<Text>,
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
                    Text::new("pay-warn-no-target").term("metric", "metric", metric)
                } else {
                    Text::new("pay-warn-no-value").term("metric", "metric", metric)
                };
                if !self.notes.contains(&w) {
                    self.notes.push(w);
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
    why: Text,
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
        title: None,
        formula: why.render(Lang::En),
        why: Some(why),
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
        notes: Vec::new(),
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
                        Text::new("pay-base-prorated")
                            .arg("amount", rubles(*amount))
                            .num("worked", worked)
                            .num("total", total),
                    )
                }
                _ => (*amount, Text::new("pay-expr").arg("expr", rubles(*amount))),
            },
            Kind::PerUnit { metric, tiers } => {
                let n = ctx.get(metric);
                let (v, why) = tiered(n, tiers, TierMode::Marginal, human);
                (
                    v,
                    Text::new("pay-per-unit")
                        .arg("expr", why)
                        .term("metric", "metric", metric),
                )
            }
            Kind::Percent {
                metric,
                tiers,
                mode,
            } => {
                let amount = ctx.get(metric);
                let (v, why) = tiered(amount, tiers, *mode, rubles);
                (
                    v,
                    Text::new("pay-of-metric")
                        .arg("expr", why)
                        .term("metric", "metric", metric),
                )
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
                    Text::new("pay-table")
                        .arg("target", rubles(*target))
                        .term("metric", "metric", metric)
                        .arg("value", show(metric, x))
                        .arg("k", human(k)),
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
                    Text::new("pay-kpi")
                        .arg("target", rubles(*target))
                        .arg("parts", parts.join(" + "))
                        .arg("index", human(index)),
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
                    let what: Vec<Text> = items
                        .iter()
                        .map(|p| {
                            Text::new("pay-bonus-client")
                                .arg("company", p.company.clone())
                                .arg("collected", rubles(Decimal::new(p.collected, 2)))
                                .arg("min", rubles(*min))
                                .arg("by", p.window_end.to_string())
                        })
                        .collect();
                    let worth = *amount * Decimal::from(items.len() as i64);
                    let id = match status {
                        ProgressStatus::Pending => "pay-bonus-pending",
                        _ => "pay-bonus-lapsed",
                    };
                    let text = Text::new(id)
                        .num("n", items.len() as i64)
                        .arg("amount", rubles(*amount))
                        .arg("min", rubles(*min))
                        .list("clients", what, "; ")
                        .arg("worth", rubles(worth));
                    let mut l = line(&comp.id, &comp.label, text, &ctx, Decimal::ZERO, status);
                    l.sources = items
                        .iter()
                        .map(|p| format!("companies/{}", p.company_id))
                        .collect();
                    extra.push(l);
                }
                (
                    *amount * n,
                    Text::new("pay-of-metric")
                        .arg("expr", format!("{} × {}", human(n), rubles(*amount)))
                        .term("metric", "metric", &metric),
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
                        Text::new("pay-formula")
                            .arg("expr", expr.source().trim())
                            .arg("values", shown.join(", ")),
                    ),
                    Err(e) => {
                        ctx.notes.push(
                            Text::new("pay-warn-formula-failed")
                                .arg("component", comp.id.clone())
                                .arg("error", e.to_string()),
                        );
                        (
                            Decimal::ZERO,
                            Text::new("pay-formula-failed").arg("error", e.to_string()),
                        )
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
                    formula = Text::new("pay-multiplied")
                        .text("formula", formula)
                        .arg("k", human(k))
                        .arg("label", m.label.clone())
                        .term("metric", "metric", metric)
                        .arg("value", show(metric, x));
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
                        formula = Text::new("pay-gate-unmet")
                            .arg("label", m.label.clone())
                            .term("metric", "metric", metric)
                            .arg("value", show(metric, x))
                            .arg("min", human(*min))
                            .text("formula", formula);
                    }
                }
                _ => {}
            }
        }
        // A line that needs an attainment without a target pays 0, never a table's value at 0.
        if !ctx.no_target.is_empty() && exact > Decimal::ZERO {
            let metrics = ctx
                .no_target
                .iter()
                .map(|m| Text::new("pay-metric").term("metric", "metric", m))
                .collect();
            formula = Text::new("pay-no-target")
                .list("metrics", metrics, ", ")
                .text("formula", formula);
            exact = Decimal::ZERO;
        }
        if let Some(cap) = comp.cap
            && exact > cap
        {
            formula = Text::new("pay-capped")
                .text("formula", formula)
                .arg("value", rubles(exact))
                .arg("cap", rubles(cap));
            exact = cap;
        }
        if let Some(floor) = comp.floor
            && exact < floor
        {
            formula = Text::new("pay-floored")
                .text("formula", formula)
                .arg("value", rubles(exact))
                .arg("floor", rubles(floor));
            exact = floor;
        }
        // A percentage never pays below zero: what is below is carried forward and offsets
        // the same component later (PRODUCT.md §4.2, deferred accrual).
        if matches!(comp.kind, Kind::Percent { .. }) {
            let carried = inputs.carry_in.get(&comp.id).copied().unwrap_or_default();
            if carried < Decimal::ZERO {
                formula = Text::new("pay-carried-in")
                    .text("formula", formula)
                    .arg("value", rubles(exact))
                    .arg("carried", rubles(-carried));
                exact += carried;
            }
            if exact < Decimal::ZERO {
                formula = Text::new("pay-carried-out")
                    .text("formula", formula)
                    .arg("value", rubles(exact))
                    .arg("carried", rubles(-exact));
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
    let mut limit = |bound: Decimal, over: bool, label: &str, title: &str| {
        let diff = bound - sum;
        if (over && diff < Decimal::ZERO) || (!over && diff > Decimal::ZERO) {
            let why = Text::new("pay-total-limit")
                .arg("sum", rubles(sum))
                .arg("bound", rubles(bound));
            lines.push(Line {
                component: "total".into(),
                label: label.into(),
                title: Some(Text::new(title)),
                formula: why.render(Lang::En),
                why: Some(why),
                inputs: BTreeMap::new(),
                exact: diff,
                amount: round_money(diff),
                status: "accrued".into(),
                sources: vec![],
            });
        }
    };
    if let Some(cap) = plan.total_cap {
        limit(cap, true, "Cap on the total", "pay-total-cap");
    }
    if let Some(floor) = plan.total_floor {
        limit(floor, false, "Floor on the total", "pay-total-floor");
    }
    let total = accrued(&lines);
    Statement {
        plan: plan.name.clone(),
        lines,
        total,
        warnings: ctx.notes.iter().map(|n| n.render(Lang::En)).collect(),
        notes: ctx.notes,
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
    /// The same in plain words, in English.
    pub text: String,
    /// The same as a catalog text.
    pub why: Text,
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
                        Text::new("pay-more")
                            .arg("amount", show(b, want - have))
                            .term("metric", "metric", b)
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
                    Text::new("pay-more")
                        .arg("amount", show(&metric, next - x))
                        .term("metric", "metric", &metric)
                }
            };
            let worth = evaluate(plan, &what_if).total - now;
            let why = Text::new("pay-next-threshold")
                .arg("label", comp.label.clone())
                .text("needed", needed.clone())
                .arg("from", show(&metric, x))
                .arg("to", show(&metric, next))
                .arg("worth", rubles(worth));
            out.push(Threshold {
                component: comp.id.clone(),
                metric: metric.clone(),
                current: show(&metric, x),
                next: show(&metric, next),
                needed: needed.render(Lang::En),
                worth,
                text: why.render(Lang::En),
                why,
            });
        }
        if let Kind::Bonus { amount, min } = &comp.kind {
            for p in inputs
                .progress
                .iter()
                .filter(|p| p.status == ProgressStatus::Pending)
            {
                let collected = Decimal::new(p.collected, 2);
                let why = Text::new("pay-next-bonus")
                    .arg("label", comp.label.clone())
                    .arg("amount", rubles(*min - collected))
                    .arg("company", p.company.clone())
                    .arg("by", p.window_end.to_string())
                    .arg("worth", rubles(*amount));
                out.push(Threshold {
                    component: comp.id.clone(),
                    metric: format!("window collections of «{}»", p.company),
                    current: rubles(collected),
                    next: rubles(*min),
                    needed: rubles(*min - collected),
                    worth: *amount,
                    text: why.render(Lang::En),
                    why,
                });
            }
        }
    }
    out
}
