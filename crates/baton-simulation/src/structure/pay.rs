//! Pay: the plans of the motivation engine (`baton-comp`) evaluated on the simulated facts.
//!
//! Everyone in a role shares the role's average facts for the month, so the engine runs once
//! per role per simulated month, not once per person; the statement's total is multiplied by
//! the headcount. Statements are cached by their inputs (the metrics the plan reads, rounded
//! to kopecks and to 1/10 000 for counts and ratios), which is what makes 10 000 simulated
//! department-months a second possible: months with the same facts reuse the same statement.
//! The cache changes no number: the engine is a pure function of those inputs.

use super::error::SimError;
use baton_comp::plan::Kind;
use baton_comp::{Inputs, Plan, evaluate, parse_plan};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// A role's plan (TOML in the plan language of `docs/plans.md`) and its monthly targets per
/// person, by metric (`attainment(m)` needs a target for `m`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RolePlan {
    pub plan: String,
    #[serde(default)]
    pub targets: BTreeMap<String, Decimal>,
}

/// The pay plans of the four roles.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PayPlans {
    pub caller: RolePlan,
    pub sales_manager: RolePlan,
    pub client_manager: RolePlan,
    pub universal: RolePlan,
}

fn targets(pairs: &[(&str, i64)]) -> BTreeMap<String, Decimal> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), Decimal::from(*v)))
        .collect()
}

impl PayPlans {
    /// The example plans shipped in `plans/` (PRODUCT.md §4.4) with the demo's targets.
    pub fn shipped() -> Self {
        PayPlans {
            caller: RolePlan {
                plan: include_str!("../../../../plans/caller.toml").into(),
                targets: targets(&[("leads_accepted", 12)]),
            },
            sales_manager: RolePlan {
                plan: include_str!("../../../../plans/sales_manager.toml").into(),
                targets: targets(&[("new_client_collections", 250_000)]),
            },
            client_manager: RolePlan {
                plan: include_str!("../../../../plans/client_manager.toml").into(),
                targets: targets(&[("portfolio_collections", 600_000)]),
            },
            universal: RolePlan {
                plan: include_str!("../../../../plans/universal_manager.toml").into(),
                targets: targets(&[("own_collections", 500_000)]),
            },
        }
    }

    /// One fixed loaded cost per head for every role (a plan with a base only), as in
    /// `domain-brief.md` §7 («2 × 90,000 loaded»).
    pub fn flat(per_head: Decimal) -> Self {
        let plan = |role: &str, name: &str| RolePlan {
            plan: format!(
                "name = \"{name}\"\nrole = \"{role}\"\neffective_from = \"2025-01-01\"\n\n\
                 [[component]]\nid = \"base\"\nlabel = \"Полная стоимость сотрудника\"\n\
                 kind = \"base\"\namount = \"{per_head}\"\n"
            ),
            targets: BTreeMap::new(),
        };
        PayPlans {
            caller: plan("caller", "Колл-менеджер (полная стоимость)"),
            sales_manager: plan("sales_manager", "МПП (полная стоимость)"),
            client_manager: plan("client_manager", "КМ (полная стоимость)"),
            universal: plan("universal_manager", "Универсал (полная стоимость)"),
        }
    }

    pub(crate) fn compile(&self) -> Result<[RolePay; 4], SimError> {
        Ok([
            RolePay::new("caller", &self.caller)?,
            RolePay::new("sales_manager", &self.sales_manager)?,
            RolePay::new("client_manager", &self.client_manager)?,
            RolePay::new("universal", &self.universal)?,
        ])
    }
}

/// The facts the simulator produces for one person of a role in one month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Fact {
    Calls,
    DmConversations,
    LeadsHanded,
    LeadsAccepted,
    LeadsRejected,
    AcceptanceRate,
    LeadsConverted,
    NewClients,
    NewClientCollections,
    PortfolioCollections,
    OwnCollections,
    LeadConversion,
    OverdueShare,
}

pub(crate) const FACTS: usize = 13;

impl Fact {
    fn parse(name: &str) -> Option<Fact> {
        let base = name.split('{').next().unwrap_or(name);
        Some(match base {
            "calls" => Fact::Calls,
            "dm_conversations" => Fact::DmConversations,
            "leads_handed" => Fact::LeadsHanded,
            "leads_accepted" => Fact::LeadsAccepted,
            "leads_rejected" => Fact::LeadsRejected,
            "acceptance_rate" => Fact::AcceptanceRate,
            // Within 90 days or not: nearly every win of a 45-day cycle lands inside 90 days.
            "leads_converted" => Fact::LeadsConverted,
            "new_clients" => Fact::NewClients,
            "new_client_collections" => Fact::NewClientCollections,
            "portfolio_collections" => Fact::PortfolioCollections,
            "own_collections" => Fact::OwnCollections,
            "lead_conversion" => Fact::LeadConversion,
            "overdue_share" => Fact::OverdueShare,
            _ => return None,
        })
    }

    fn is_money(self) -> bool {
        matches!(
            self,
            Fact::NewClientCollections | Fact::PortfolioCollections | Fact::OwnCollections
        )
    }
}

/// One person's facts: money in kopecks, counts and ratios as plain numbers; the qualified new
/// clients for each bonus minimum of the plan.
#[derive(Debug, Clone, Default)]
pub(crate) struct Facts {
    pub values: [f64; FACTS],
    pub qualified: Vec<f64>,
}

impl Facts {
    pub fn set(&mut self, f: Fact, v: f64) {
        self.values[f as usize] = v;
    }
}

#[derive(Debug, Clone)]
enum Source {
    Fact(Fact),
    /// fact / target
    Attainment(Fact, Decimal),
    /// index into `Facts::qualified`
    Qualified(usize),
    Missing,
}

/// A compiled role plan with its statement cache.
pub(crate) struct RolePay {
    plan: Plan,
    /// The metrics the plan reads, sorted, and how to get each.
    sources: Vec<(String, Source)>,
    /// The bonus minimums (₽) whose qualified new clients the model must count.
    pub bonus_mins: Vec<Decimal>,
    /// What the plan needs and the simulator cannot give.
    pub warnings: BTreeSet<String>,
    cache: HashMap<Vec<i64>, i64>,
    key: Vec<i64>,
}

impl RolePay {
    fn new(role: &str, rp: &RolePlan) -> Result<RolePay, SimError> {
        let plan = parse_plan(&rp.plan).map_err(|errors| SimError::InvalidPlan {
            role: role.into(),
            message: errors
                .iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join("; "),
        })?;
        let mut bonus_mins = Vec::new();
        for c in &plan.components {
            if let Kind::Bonus { min, .. } = &c.kind
                && !bonus_mins.contains(min)
            {
                bonus_mins.push(*min);
            }
        }
        let mut warnings = BTreeSet::new();
        let mut names: BTreeSet<String> = plan.metric_names();
        // The multipliers and gates read their metrics through `metrics()` as well.
        names.retain(|n| !n.is_empty());
        let mut sources = Vec::new();
        for name in names {
            let source = if let Some(inner) = name
                .strip_prefix("attainment(")
                .and_then(|r| r.strip_suffix(')'))
            {
                match (Fact::parse(inner), rp.targets.get(inner)) {
                    (Some(f), Some(t)) if !t.is_zero() => Source::Attainment(f, *t),
                    (Some(_), _) => {
                        warnings.insert(format!(
                            "{role}: no target for «{inner}», so «{name}» is missing and the line that needs it pays 0"
                        ));
                        Source::Missing
                    }
                    (None, _) => {
                        warnings.insert(format!(
                            "{role}: the simulator does not produce «{inner}»: «{name}» counted as missing"
                        ));
                        Source::Missing
                    }
                }
            } else if name.starts_with("qualified_new_clients") {
                let min = bonus_mins
                    .iter()
                    .position(|m| baton_comp::plan::bonus_metric(*m) == name);
                match min {
                    Some(i) => Source::Qualified(i),
                    None => {
                        warnings.insert(format!(
                            "{role}: «{name}» is not a bonus of the plan: counted as 0"
                        ));
                        Source::Missing
                    }
                }
            } else {
                match Fact::parse(&name) {
                    Some(f) => Source::Fact(f),
                    None => {
                        warnings.insert(format!(
                            "{role}: the simulator does not produce «{name}»: counted as 0"
                        ));
                        Source::Missing
                    }
                }
            };
            sources.push((name, source));
        }
        Ok(RolePay {
            plan,
            sources,
            bonus_mins,
            warnings,
            cache: HashMap::new(),
            key: Vec::new(),
        })
    }

    /// Pay of one person with these facts, in kopecks: the engine's statement total.
    pub fn pay(&mut self, facts: &Facts) -> i64 {
        // Quantize: kopecks for money, 1/10 000 for counts and ratios.
        self.key.clear();
        for (_, s) in &self.sources {
            let q = match s {
                Source::Fact(f) | Source::Attainment(f, _) => {
                    quantize(*f, facts.values[*f as usize])
                }
                Source::Qualified(i) => {
                    let v = facts.qualified.get(*i).copied().unwrap_or(0.0);
                    (v * 10_000.0).round() as i64
                }
                Source::Missing => 0,
            };
            self.key.push(q);
        }
        if let Some(v) = self.cache.get(&self.key) {
            return *v;
        }
        let mut inputs = Inputs::default();
        for ((name, s), q) in self.sources.iter().zip(&self.key) {
            let value = match s {
                Source::Fact(f) => Some(unquantize(*f, *q)),
                Source::Attainment(f, target) => {
                    let v = unquantize(*f, *q);
                    Some(v / *target)
                }
                Source::Qualified(_) => Some(Decimal::new(*q, 4)),
                Source::Missing => None,
            };
            if let Some(v) = value {
                inputs.metrics.insert(name.clone(), v);
            }
        }
        let statement = evaluate(&self.plan, &inputs);
        for w in &statement.warnings {
            if !w.starts_with("no value for") && !w.starts_with("no target for") {
                self.warnings.insert(w.clone());
            }
        }
        let kopecks = super::stats::kop(statement.total);
        self.cache.insert(self.key.clone(), kopecks);
        kopecks
    }
}

fn quantize(f: Fact, v: f64) -> i64 {
    if f.is_money() {
        v.round() as i64
    } else {
        (v * 10_000.0).round() as i64
    }
}

fn unquantize(f: Fact, q: i64) -> Decimal {
    if f.is_money() {
        Decimal::new(q, 2)
    } else {
        Decimal::new(q, 4)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_and_flat_plans_compile() {
        let [caller, sm, cm, uni] = PayPlans::shipped().compile().expect("shipped plans parse");
        assert!(caller.warnings.is_empty(), "{:?}", caller.warnings);
        assert!(sm.warnings.is_empty(), "{:?}", sm.warnings);
        assert!(cm.warnings.is_empty(), "{:?}", cm.warnings);
        assert!(uni.warnings.is_empty(), "{:?}", uni.warnings);
        assert_eq!(sm.bonus_mins, vec![Decimal::from(50_000)]);
        let mut flat = PayPlans::flat(Decimal::from(90_000))
            .compile()
            .expect("flat");
        assert_eq!(flat[0].pay(&Facts::default()), 9_000_000);
    }

    #[test]
    fn the_engine_computes_the_client_manager_example() {
        // crates/baton-comp/tests/example_plans.rs: 3 % × 600 000 × 1.0 × 0.8 + 35 000 = 49 400.
        let [_, _, mut cm, _] = PayPlans::shipped().compile().expect("plans");
        let mut f = Facts::default();
        f.set(Fact::PortfolioCollections, 60_000_000.0);
        f.set(Fact::OverdueShare, 0.06);
        assert_eq!(cm.pay(&f), 4_940_000);
        // Cached: the same again.
        assert_eq!(cm.pay(&f), 4_940_000);
    }
}
