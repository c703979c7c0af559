//! The plan language: a TOML document a sales director can read. Every error names the line
//! and column it comes from and says what to write instead. See `docs/plans.md`.

use crate::number::parse_number;
use crate::table::{Point, Table, TableMode, Tier, TierMode};
use baton_domain::Role;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use toml::Spanned;

/// Metrics of PRODUCT.md §4.1 that plans may use. `name{filter}` and `attainment(name)` are
/// built on these; a plan may declare more under `[metrics]`.
pub const STANDARD_METRICS: [&str; 19] = [
    "calls",
    "dm_conversations",
    "leads_handed",
    "leads_accepted",
    "leads_rejected",
    "acceptance_rate",
    "leads_converted",
    "new_clients",
    "qualified_new_clients",
    "new_client_collections",
    "portfolio_collections",
    "lead_conversion",
    "receivables",
    "overdue_receivables",
    "overdue_share",
    "overdue_collected",
    "own_collections",
    "reactivations",
    "reactivation_collections",
];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("line {line}, column {column}: {message}")]
pub struct PlanError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    pub name: String,
    pub role: Role,
    pub effective_from: String,
    pub components: Vec<Component>,
    pub tables: BTreeMap<String, Table>,
    /// Custom metrics: filters over a standard collections metric.
    pub metrics: BTreeMap<String, CustomMetric>,
    /// Cap and floor on the statement's total.
    pub total_cap: Option<Decimal>,
    pub total_floor: Option<Decimal>,
    /// Whether a later change that lowers pay already approved may be deducted (Labour Code
    /// art. 137 allows it only in listed cases, so the default is no).
    pub allow_clawback: bool,
}

/// A custom metric: a standard collections metric restricted to payments that match.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomMetric {
    /// The standard metric it filters: one of [`FILTERABLE_METRICS`].
    pub of: String,
    #[serde(default)]
    pub label: Option<String>,
    /// Only the part of each payment that pays for lines of this product group.
    #[serde(default)]
    pub product_group: Option<String>,
    /// Only the part that pays for this product (SKU).
    #[serde(default)]
    pub sku: Option<String>,
    /// Only the part that pays for products of this regional edition (region code).
    #[serde(default)]
    pub edition: Option<String>,
    /// Only payments from companies of this region (region code).
    #[serde(default)]
    pub region: Option<String>,
}

/// Metrics a custom metric can filter (they are sums of payments).
pub const FILTERABLE_METRICS: [&str; 5] = [
    "new_client_collections",
    "reactivation_collections",
    "portfolio_collections",
    "own_collections",
    "overdue_collected",
];

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Component {
    pub id: String,
    pub label: String,
    pub kind: Kind,
    pub cap: Option<Decimal>,
    pub floor: Option<Decimal>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Kind {
    /// Salary, pro-rated by the working days the person held the role and was present.
    Base { amount: Decimal },
    /// Rate × count, optionally by tiers of the count (marginal).
    PerUnit { metric: String, tiers: Vec<Tier> },
    /// Rate × amount, optionally by tiers (marginal or retroactive).
    Percent {
        metric: String,
        tiers: Vec<Tier>,
        mode: TierMode,
    },
    /// Target bonus × K(metric) from a table.
    Table {
        metric: String,
        table: String,
        target: Decimal,
    },
    /// Target bonus × Σ wᵢ·K(aᵢ).
    KpiIndex {
        target: Decimal,
        indicators: Vec<Indicator>,
    },
    /// Multiplies the named components by K(metric).
    Multiplier {
        applies_to: Vec<String>,
        metric: String,
        table: String,
    },
    /// The named components pay only when metric ≥ min.
    Gate {
        applies_to: Vec<String>,
        metric: String,
        min: Decimal,
    },
    /// A fixed amount per new client whose collections inside the hunter window reach `min`
    /// rubles: pending until then, lapsed when the window closes without it.
    Bonus { amount: Decimal, min: Decimal },
    /// A safe expression over metrics and other components' results.
    Formula {
        expr: Expr,
        /// The components it reads, in plan order.
        components: Vec<String>,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Indicator {
    pub metric: String,
    pub weight: Decimal,
    pub table: String,
}

impl Kind {
    pub fn is_modifier(&self) -> bool {
        matches!(self, Kind::Multiplier { .. } | Kind::Gate { .. })
    }

    /// The metrics this component reads.
    pub fn metrics(&self) -> Vec<String> {
        match self {
            Kind::Base { .. } => vec![],
            Kind::PerUnit { metric, .. }
            | Kind::Percent { metric, .. }
            | Kind::Table { metric, .. }
            | Kind::Multiplier { metric, .. }
            | Kind::Gate { metric, .. } => vec![metric.clone()],
            Kind::KpiIndex { indicators, .. } => {
                indicators.iter().map(|i| i.metric.clone()).collect()
            }
            Kind::Bonus { min, .. } => vec![bonus_metric(*min)],
            Kind::Formula { expr, components } => expr
                .references()
                .iter()
                .filter(|r| !components.contains(r))
                .cloned()
                .collect(),
        }
    }
}

/// A compiled formula; plans compare and serialise it by its text.
#[derive(Clone)]
pub struct Expr(pub baton_formula::Formula);

impl Expr {
    pub fn references(&self) -> &BTreeSet<String> {
        self.0.references()
    }
    pub fn source(&self) -> &str {
        self.0.source()
    }
    pub fn eval(
        &self,
        values: &BTreeMap<String, Decimal>,
    ) -> Result<Decimal, baton_formula::FormulaError> {
        self.0.eval(values)
    }
}

impl std::fmt::Debug for Expr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Expr({:?})", self.source())
    }
}

impl PartialEq for Expr {
    fn eq(&self, other: &Self) -> bool {
        self.source() == other.source()
    }
}

impl Serialize for Expr {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.source())
    }
}

/// The count metric behind a bonus with this minimum.
pub fn bonus_metric(min: Decimal) -> String {
    format!("qualified_new_clients{{min={}}}", min.normalize())
}

impl Plan {
    /// Every metric the plan reads, sorted.
    pub fn metric_names(&self) -> BTreeSet<String> {
        self.components
            .iter()
            .flat_map(|c| c.kind.metrics())
            .collect()
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPlan {
    name: String,
    role: Spanned<String>,
    effective_from: Spanned<String>,
    #[serde(default)]
    metrics: BTreeMap<String, Spanned<RawMetric>>,
    total_cap: Option<Spanned<String>>,
    total_floor: Option<Spanned<String>>,
    #[serde(default)]
    allow_clawback: bool,
    #[serde(default)]
    tables: BTreeMap<String, Spanned<RawTable>>,
    #[serde(default)]
    component: Vec<Spanned<RawComponent>>,
}

/// `name = "what it is"` declares a metric whose values come from outside (a score entered
/// by the head, say); a table defines a custom metric over payments.
#[derive(Deserialize)]
#[serde(untagged)]
enum RawMetric {
    Declared(#[allow(dead_code)] String),
    Custom(CustomMetric),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTable {
    mode: Spanned<String>,
    below: Option<Spanned<String>>,
    points: Spanned<Vec<RawPoint>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPoint {
    at: String,
    value: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTier {
    from: String,
    rate: String,
}

#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
struct RawIndicator {
    metric: String,
    weight: String,
    table: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawComponent {
    id: Spanned<String>,
    kind: Spanned<String>,
    label: Option<String>,
    metric: Option<Spanned<String>>,
    amount: Option<Spanned<String>>,
    rate: Option<Spanned<String>>,
    tiers: Option<Spanned<Vec<RawTier>>>,
    mode: Option<Spanned<String>>,
    table: Option<Spanned<String>>,
    target: Option<Spanned<String>>,
    indicators: Option<Spanned<Vec<RawIndicator>>>,
    applies_to: Option<Spanned<Vec<String>>>,
    min: Option<Spanned<String>>,
    cap: Option<Spanned<String>>,
    floor: Option<Spanned<String>>,
    expr: Option<Spanned<String>>,
}

struct Checker<'a> {
    text: &'a str,
    errors: Vec<PlanError>,
    declared: BTreeSet<String>,
}

impl Checker<'_> {
    fn at(&mut self, span: Range<usize>, message: impl Into<String>) {
        let before = &self.text[..span.start.min(self.text.len())];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        self.errors.push(PlanError {
            line,
            column,
            message: message.into(),
        });
    }

    /// An error inside a formula, placed at its line and column in the plan's text.
    fn in_expr(&mut self, e: &Spanned<String>, fe: &baton_formula::FormulaError) {
        // The expression's text starts after the opening quote(s) (and a newline that follows
        // a triple quote, which TOML drops).
        let span = e.span();
        let raw = &self.text[span.start.min(self.text.len())..span.end.min(self.text.len())];
        let mut start = span.start
            + if raw.starts_with("\"\"\"") || raw.starts_with("'''") {
                3 + usize::from(raw[3..].starts_with('\n'))
            } else {
                1
            };
        // Walk to the formula's line and column.
        let mut line = 1;
        let mut col = 1;
        for ch in self.text[start.min(self.text.len())..].chars() {
            if line == fe.line && col == fe.column {
                break;
            }
            if ch == '\n' {
                line += 1;
                col = 1;
            } else {
                col += 1;
            }
            start += ch.len_utf8();
        }
        self.at(start..start, format!("formula: {}", fe.message));
    }

    fn number(&mut self, s: &Spanned<String>) -> Option<Decimal> {
        match parse_number(s.get_ref()) {
            Ok(v) => Some(v),
            Err(e) => {
                self.at(s.span(), e);
                None
            }
        }
    }

    fn num_in(&mut self, span: Range<usize>, text: &str, what: &str) -> Option<Decimal> {
        match parse_number(text) {
            Ok(v) => Some(v),
            Err(e) => {
                self.at(span, format!("{what}: {e}"));
                None
            }
        }
    }

    fn metric(&mut self, m: &Spanned<String>) -> Option<String> {
        let name = m.get_ref().trim().to_string();
        if self.metric_known(&name) {
            Some(name)
        } else {
            self.at(
                m.span(),
                format!("unknown metric «{name}»; use one of {}, attainment(metric), metric{{filter}}, or declare it under [metrics]", STANDARD_METRICS.join(", ")),
            );
            None
        }
    }

    fn metric_known(&self, name: &str) -> bool {
        let inner = name
            .strip_prefix("attainment(")
            .and_then(|r| r.strip_suffix(')'))
            .unwrap_or(name);
        let base = inner.split('{').next().unwrap_or(inner);
        (STANDARD_METRICS.contains(&base) || self.declared.contains(base))
            && (!inner.contains('{') || inner.ends_with('}'))
    }

    fn required<'b, T>(
        &mut self,
        v: &'b Option<T>,
        span: Range<usize>,
        id: &str,
        field: &str,
    ) -> Option<&'b T> {
        if v.is_none() {
            self.at(span, format!("component «{id}» needs `{field}`"));
        }
        v.as_ref()
    }

    fn tiers(&mut self, c: &RawComponent, span: Range<usize>, id: &str) -> Option<Vec<Tier>> {
        match (&c.rate, &c.tiers) {
            (Some(_), Some(t)) => {
                self.at(
                    t.span(),
                    format!("component «{id}» has both `rate` and `tiers`; keep one"),
                );
                None
            }
            (Some(r), None) => Some(vec![Tier {
                from: Decimal::ZERO,
                rate: self.number(r)?,
            }]),
            (None, Some(t)) => {
                let mut out = Vec::new();
                for raw in t.get_ref() {
                    let from = self.num_in(t.span(), &raw.from, "tier `from`")?;
                    let rate = self.num_in(t.span(), &raw.rate, "tier `rate`")?;
                    out.push(Tier { from, rate });
                }
                if out.first().is_some_and(|f| !f.from.is_zero()) {
                    self.at(
                        t.span(),
                        format!("tiers of «{id}» leave a gap: the first tier must start at 0"),
                    );
                    return None;
                }
                if out.windows(2).any(|w| w[1].from <= w[0].from) {
                    self.at(
                        t.span(),
                        format!(
                            "tiers of «{id}» overlap: each `from` must be above the previous one"
                        ),
                    );
                    return None;
                }
                Some(out)
            }
            (None, None) => {
                self.at(span, format!("component «{id}» needs `rate` or `tiers`"));
                None
            }
        }
    }
}

/// Parses and checks a plan. Returns every problem found, each with its line and column.
pub fn parse_plan(text: &str) -> Result<Plan, Vec<PlanError>> {
    let raw: RawPlan = match toml::from_str(text) {
        Ok(r) => r,
        Err(e) => {
            let mut c = Checker {
                text,
                errors: vec![],
                declared: BTreeSet::new(),
            };
            c.at(e.span().unwrap_or(0..0), e.message().to_string());
            return Err(c.errors);
        }
    };
    let mut c = Checker {
        text,
        errors: vec![],
        declared: raw.metrics.keys().cloned().collect(),
    };
    let role = Role::parse(raw.role.get_ref());
    if role.is_none() {
        c.at(
            raw.role.span(),
            format!("unknown role «{}»", raw.role.get_ref()),
        );
    }
    if raw
        .effective_from
        .get_ref()
        .parse::<chrono::NaiveDate>()
        .is_err()
    {
        c.at(
            raw.effective_from.span(),
            "effective_from is a date: write YYYY-MM-DD",
        );
    }
    let mut tables = BTreeMap::new();
    for (name, t) in &raw.tables {
        let t = t.get_ref();
        let mode = match t.mode.get_ref().as_str() {
            "step" => TableMode::Step,
            "linear" => TableMode::Linear,
            other => {
                c.at(
                    t.mode.span(),
                    format!("table mode «{other}» is unknown; use step or linear"),
                );
                continue;
            }
        };
        let below = match &t.below {
            Some(b) => c.number(b).unwrap_or_default(),
            None => Decimal::ZERO,
        };
        let mut points = Vec::new();
        for p in t.points.get_ref() {
            if let (Some(at), Some(value)) = (
                c.num_in(t.points.span(), &p.at, "point `at`"),
                c.num_in(t.points.span(), &p.value, "point `value`"),
            ) {
                points.push(Point { at, value });
            }
        }
        if points.is_empty() {
            c.at(
                t.points.span(),
                format!("table «{name}» needs at least one point"),
            );
        }
        if points.windows(2).any(|w| w[1].at <= w[0].at) {
            c.at(
                t.points.span(),
                format!(
                    "bands of table «{name}» overlap: each `at` must be above the previous one"
                ),
            );
        }
        tables.insert(
            name.clone(),
            Table {
                mode,
                points,
                below,
            },
        );
    }

    let mut components = Vec::new();
    let mut ids = BTreeSet::new();
    for sc in &raw.component {
        let span = sc.span();
        let rc = sc.get_ref();
        let id = rc.id.get_ref().trim().to_string();
        if !ids.insert(id.clone()) {
            c.at(rc.id.span(), format!("component id «{id}» is used twice"));
        }
        let table_ref = |c: &mut Checker, t: &Option<Spanned<String>>| -> Option<String> {
            let t = c.required(t, span.clone(), &id, "table")?;
            if tables.contains_key(t.get_ref()) {
                Some(t.get_ref().clone())
            } else {
                c.at(
                    t.span(),
                    format!("no table «{}» under [tables]", t.get_ref()),
                );
                None
            }
        };
        let kind = match rc.kind.get_ref().as_str() {
            "base" => c
                .required(&rc.amount, span.clone(), &id, "amount")
                .cloned()
                .and_then(|a| c.number(&a))
                .map(|amount| Kind::Base { amount }),
            "per_unit" => {
                let metric = c
                    .required(&rc.metric, span.clone(), &id, "metric")
                    .cloned()
                    .and_then(|m| c.metric(&m));
                let tiers = c.tiers(rc, span.clone(), &id);
                metric
                    .zip(tiers)
                    .map(|(metric, tiers)| Kind::PerUnit { metric, tiers })
            }
            "percent" => {
                let metric = c
                    .required(&rc.metric, span.clone(), &id, "metric")
                    .cloned()
                    .and_then(|m| c.metric(&m));
                let tiers = c.tiers(rc, span.clone(), &id);
                let mode = match rc.mode.as_ref().map(|m| (m.get_ref().as_str(), m.span())) {
                    None | Some(("marginal", _)) => Some(TierMode::Marginal),
                    Some(("retroactive", _)) => Some(TierMode::Retroactive),
                    Some((other, sp)) => {
                        c.at(
                            sp,
                            format!("mode «{other}» is unknown; use marginal or retroactive"),
                        );
                        None
                    }
                };
                match (metric, tiers, mode) {
                    (Some(metric), Some(tiers), Some(mode)) => Some(Kind::Percent {
                        metric,
                        tiers,
                        mode,
                    }),
                    _ => None,
                }
            }
            "table" => {
                let metric = c
                    .required(&rc.metric, span.clone(), &id, "metric")
                    .cloned()
                    .and_then(|m| c.metric(&m));
                let table = table_ref(&mut c, &rc.table);
                let target = c
                    .required(&rc.target, span.clone(), &id, "target")
                    .cloned()
                    .and_then(|t| c.number(&t));
                match (metric, table, target) {
                    (Some(metric), Some(table), Some(target)) => Some(Kind::Table {
                        metric,
                        table,
                        target,
                    }),
                    _ => None,
                }
            }
            "kpi_index" => {
                let target = c
                    .required(&rc.target, span.clone(), &id, "target")
                    .cloned()
                    .and_then(|t| c.number(&t));
                let mut inds = Vec::new();
                if let Some(list) = c
                    .required(&rc.indicators, span.clone(), &id, "indicators")
                    .cloned()
                {
                    for ri in list.get_ref() {
                        let m = Spanned::new(list.span(), ri.metric.clone());
                        let metric = c.metric(&m);
                        let weight = c.num_in(list.span(), &ri.weight, "indicator `weight`");
                        let table = if tables.contains_key(&ri.table) {
                            Some(ri.table.clone())
                        } else {
                            c.at(
                                list.span(),
                                format!("no table «{}» under [tables]", ri.table),
                            );
                            None
                        };
                        if let (Some(metric), Some(weight), Some(table)) = (metric, weight, table) {
                            inds.push(Indicator {
                                metric,
                                weight,
                                table,
                            });
                        }
                    }
                    let sum: Decimal = inds.iter().map(|i| i.weight).sum();
                    if inds.len() == list.get_ref().len() && sum != Decimal::ONE {
                        c.at(
                            list.span(),
                            format!(
                                "indicator weights of «{id}» sum to {}, not 1",
                                crate::number::human(sum)
                            ),
                        );
                    }
                    if inds.len() > 7 {
                        c.at(list.span(), "a KPI index has at most 7 indicators");
                    }
                }
                target.map(|target| Kind::KpiIndex {
                    target,
                    indicators: inds,
                })
            }
            "multiplier" | "gate" => {
                let applies = c
                    .required(&rc.applies_to, span.clone(), &id, "applies_to")
                    .cloned();
                let metric = c
                    .required(&rc.metric, span.clone(), &id, "metric")
                    .cloned()
                    .and_then(|m| c.metric(&m));
                let applies = applies.map(|a| a.into_inner());
                if rc.kind.get_ref() == "gate" {
                    let min = c
                        .required(&rc.min, span.clone(), &id, "min")
                        .cloned()
                        .and_then(|m| c.number(&m));
                    match (applies, metric, min) {
                        (Some(applies_to), Some(metric), Some(min)) => Some(Kind::Gate {
                            applies_to,
                            metric,
                            min,
                        }),
                        _ => None,
                    }
                } else {
                    let table = table_ref(&mut c, &rc.table);
                    match (applies, metric, table) {
                        (Some(applies_to), Some(metric), Some(table)) => Some(Kind::Multiplier {
                            applies_to,
                            metric,
                            table,
                        }),
                        _ => None,
                    }
                }
            }
            "bonus" => {
                let amount = c
                    .required(&rc.amount, span.clone(), &id, "amount")
                    .cloned()
                    .and_then(|a| c.number(&a));
                let min = c
                    .required(&rc.min, span.clone(), &id, "min")
                    .cloned()
                    .and_then(|m| c.number(&m));
                amount
                    .zip(min)
                    .map(|(amount, min)| Kind::Bonus { amount, min })
            }
            "formula" => c
                .required(&rc.expr, span.clone(), &id, "expr")
                .cloned()
                .and_then(|e| match baton_formula::Formula::compile(e.get_ref()) {
                    Ok(expr) => Some(Kind::Formula {
                        expr: Expr(expr),
                        components: vec![],
                    }),
                    Err(fe) => {
                        c.in_expr(&e, &fe);
                        None
                    }
                }),
            other => {
                c.at(rc.kind.span(), format!("component kind «{other}» is unknown; use base, per_unit, percent, table, kpi_index, multiplier, gate, bonus or formula"));
                None
            }
        };
        let cap = rc.cap.as_ref().and_then(|v| c.number(v));
        let floor = rc.floor.as_ref().and_then(|v| c.number(v));
        if let Some(kind) = kind {
            components.push((
                span.clone(),
                Component {
                    id: id.clone(),
                    label: rc.label.clone().unwrap_or_else(|| id.clone()),
                    kind,
                    cap,
                    floor,
                },
            ));
        }
    }
    // A formula reads metrics and other paying components; the components it reads must not
    // read it back, directly or through others.
    let all_ids: BTreeSet<String> = components.iter().map(|(_, k)| k.id.clone()).collect();
    let mut formula_spans = BTreeMap::new();
    for (span, comp) in &mut components {
        if let Kind::Formula {
            expr,
            components: reads,
        } = &mut comp.kind
        {
            for r in expr.references() {
                if all_ids.contains(r) {
                    reads.push(r.clone());
                } else if !c.metric_known(r) {
                    c.at(span.clone(), format!("formula of «{}» reads «{r}», which is neither a component of this plan nor a metric; use a component id, a metric such as {}, or m(\"attainment(metric)\")", comp.id, STANDARD_METRICS[..4].join(", ")));
                }
            }
            formula_spans.insert(comp.id.clone(), (span.clone(), reads.clone()));
        }
    }
    for (id, (span, reads)) in &formula_spans {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<(String, Vec<String>)> = reads
            .iter()
            .map(|r| (r.clone(), vec![id.clone(), r.clone()]))
            .collect();
        while let Some((at, path)) = stack.pop() {
            if at == *id {
                c.at(
                    span.clone(),
                    format!(
                        "cycle between components: {}; a formula cannot depend on itself",
                        path.join(" → ")
                    ),
                );
                break;
            }
            if !seen.insert(at.clone()) {
                continue;
            }
            if let Some((_, next)) = formula_spans.get(&at) {
                for n in next {
                    let mut p = path.clone();
                    p.push(n.clone());
                    stack.push((n.clone(), p));
                }
            }
        }
    }
    for (name, m) in &raw.metrics {
        if let RawMetric::Custom(def) = m.get_ref()
            && !FILTERABLE_METRICS.contains(&def.of.as_str())
        {
            c.at(
                m.span(),
                format!(
                    "custom metric «{name}» filters «{}»; `of` must be one of {}",
                    def.of,
                    FILTERABLE_METRICS.join(", ")
                ),
            );
        }
        if STANDARD_METRICS.contains(&name.as_str()) {
            c.at(
                m.span(),
                format!("«{name}» is a standard metric; give the custom metric another name"),
            );
        }
    }
    let total_cap = raw.total_cap.as_ref().and_then(|v| c.number(v));
    let total_floor = raw.total_floor.as_ref().and_then(|v| c.number(v));
    // Modifiers apply to paying components only: a modifier of a modifier would be a cycle.
    let payers: BTreeSet<String> = components
        .iter()
        .filter(|(_, k)| !k.kind.is_modifier())
        .map(|(_, k)| k.id.clone())
        .collect();
    for (span, comp) in &components {
        if let Kind::Multiplier { applies_to, .. } | Kind::Gate { applies_to, .. } = &comp.kind {
            for target in applies_to {
                if !payers.contains(target) {
                    let why = if ids.contains(target) {
                        "a modifier cannot apply to another modifier (that would be a cycle)"
                    } else {
                        "there is no such component"
                    };
                    c.at(
                        span.clone(),
                        format!("«{}» applies to «{target}»: {why}", comp.id),
                    );
                }
            }
        }
    }
    if c.errors.is_empty()
        && let Some(role) = role
    {
        Ok(Plan {
            name: raw.name,
            role,
            effective_from: raw.effective_from.into_inner(),
            components: components.into_iter().map(|(_, k)| k).collect(),
            tables,
            metrics: raw
                .metrics
                .into_iter()
                .filter_map(|(k, v)| match v.into_inner() {
                    RawMetric::Custom(def) => Some((k, def)),
                    RawMetric::Declared(_) => None,
                })
                .collect(),
            total_cap,
            total_floor,
            allow_clawback: raw.allow_clawback,
        })
    } else {
        Err(c.errors)
    }
}
