//! The weak-link diagnosis (issue 4 §3): is low conversion the closer's fault, or does the caller
//! pass on cold leads?
//!
//! Input: for each pair (caller, sales manager), the leads the sales manager accepted in the
//! window and how many of them converted (first payment). Output: for every person a verdict with
//! a probability, and one conclusion for the department, in words ([`Diagnosis::explain`]).
//!
//! The model is a two-factor logistic regression, `logit p(c, s) = μ + a_c + b_s` (`fit.rs`).
//! Because both people behind a lead are in the model, a caller is not blamed for having handed
//! most leads to a weak closer, and the other way round.
//!
//! The question "who is the weak link?" is answered by Bayesian model comparison (`compare.rs`):
//! the hypothesis "everyone is alike" against one hypothesis per person, "this person is the weak
//! link", the size of the gap not known but spread over a range (a conversion at 0.3–0.8 of the
//! others'). Every hypothesis gets a posterior probability and they add up to one, so people
//! compete for the same probability instead of each being tested on their own (which, in a
//! department of ten or more, makes chance look like a weak link far too often). The most
//! probable person is named — the only one **credibly below** the others — when their
//! probability reaches [`DiagnosisConfig::threshold`] (0.65); everyone else gets their
//! probability shown. The threshold and the other settings were tuned on simulated departments
//! ([`validation`], `examples/diagnosis_threshold_scan.rs`, a seed other than the published one)
//! so that false alarms stay under 5 % and wrong names under 2 % at every history length.
//!
//! With too little data the diagnosis says so: a person with fewer than
//! [`DiagnosisConfig::min_accepted`] accepted leads is not judged (nor named), and "no one is
//! below" is said only when everyone with leads was judged and either "no one is weak" is itself
//! probable enough (0.9) or a conversion at half the others' would, for every person, have been
//! named at least four times in five; otherwise the conclusion is "not enough data".
//!
//! The conversions "with the partners' mix taken out" and the gaps shown beside each person come
//! from a descriptive fit of the same regression with a weak ridge prior.
//!
//! [`reference`](mod@reference) is the likelihood-ratio classifier the model is measured against, and
//! [`simulated`] generates departments with a known truth. Results: `docs/diagnosis.md`.

pub mod censoring;
mod compare;
mod counts;
mod fit;
pub mod oracle;
pub mod reference;
pub mod simulated;
mod text;
pub mod validation;
pub mod validation_censored;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use counts::{Cells, Counts};
pub use counts::{PairCell, RateInterval, Z_95, matrix, pair_rate, wilson};
use counts::{merge, merge_exposed};
pub use text::Lang;

/// The two roles of the first handoff.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Caller,
    SalesManager,
}

/// What happened to the leads one caller handed to one sales manager in the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PairCounts {
    pub caller: i64,
    pub sales_manager: i64,
    /// Leads the sales manager accepted.
    pub accepted: u32,
    /// Of those, leads that became clients (first payment).
    pub converted: u32,
}

/// A pair's counts when some of its accepted leads may still pay (`censoring`): `exposure` is
/// the expected share of their eventual conversions already visible, `Σ F(age)` over the pair's
/// accepted leads, and takes the place of `accepted` in the model. With every lead matured it is
/// `accepted`, and the diagnosis is the one of [`PairCounts`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PairExposure {
    pub caller: i64,
    pub sales_manager: i64,
    pub accepted: u32,
    pub converted: u32,
    pub exposure: f64,
    /// Accepted leads that have not paid but are still young enough to ("not yet").
    #[serde(default)]
    pub open: u32,
}

impl From<PairCounts> for PairExposure {
    fn from(p: PairCounts) -> Self {
        PairExposure {
            caller: p.caller,
            sales_manager: p.sales_manager,
            accepted: p.accepted,
            converted: p.converted,
            exposure: f64::from(p.accepted),
            open: 0,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, thiserror::Error)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum DiagnosisError {
    #[error("{converted} converted out of {accepted} accepted: more converted than accepted")]
    MoreConvertedThanAccepted { accepted: u64, converted: u64 },
    #[error(
        "caller {caller} × sales manager {sales_manager}: {converted} converted out of \
         {accepted} accepted"
    )]
    PairMoreConvertedThanAccepted {
        caller: i64,
        sales_manager: i64,
        accepted: u64,
        converted: u64,
    },
    #[error("invalid diagnosis setting {field}: {message}")]
    InvalidConfig {
        field: &'static str,
        message: String,
    },
    #[error(
        "caller {caller} × sales manager {sales_manager}: exposure {exposure} is not between 0 \
         and the {accepted} accepted leads"
    )]
    InvalidExposure {
        caller: i64,
        sales_manager: i64,
        accepted: u64,
        exposure: f64,
    },
    #[error("a lead paid {paid_after_days} days after acceptance but was {age_days} days old")]
    PaidAfterWindowEnd { age_days: u32, paid_after_days: u32 },
    /// The model could not be fitted (non-finite arithmetic); counts cannot cause it.
    #[error("the model could not be fitted to these counts")]
    FitFailed,
}

/// The settings of the diagnosis. The defaults are the ones validated in `docs/diagnosis.md`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DiagnosisConfig {
    /// A person with fewer accepted leads than this in the window is not judged.
    pub min_accepted: u64,
    /// Posterior probability of being the weak link at which the most probable person is named.
    pub threshold: f64,
    /// How much people who are "alike" may still differ: the standard deviation of everyone's
    /// effect around the department's, in log-odds (0.15: a few per cent of conversion either
    /// way). The weak link's own effect has the same spread around their gap.
    pub equal_sd: f64,
    /// The weak link's conversion as a share of the others', `(low, high)`: the range over which
    /// the size of the gap is spread evenly (in log-odds, at the department's conversion). It is
    /// not known in advance, so the model weighs every size in the range.
    pub weak_ratio: (f64, f64),
    /// Prior probability that no one is weak. The rest is split evenly between the callers' side
    /// and the sales managers' side, and within a side evenly between everyone who can be
    /// compared with someone in the same role.
    pub prior_no_one: f64,
    /// Standard deviation of the weak ridge prior of the descriptive fit, which gives the
    /// conversions "with the partners' mix taken out" and the gaps shown beside each person.
    pub prior_sd: f64,
    /// "No one is below" is said only when every person with leads was judged, and either the
    /// posterior probability that no one is weak reaches `clear_probability`, or, for every
    /// person judged, a conversion at half the others' would have been named with at least
    /// `clearing_power`; otherwise the department gets "not enough data" rather than a clean
    /// bill.
    pub clearing_power: f64,
    /// See `clearing_power`.
    pub clear_probability: f64,
}

impl Default for DiagnosisConfig {
    fn default() -> Self {
        DiagnosisConfig {
            min_accepted: 50,
            threshold: 0.65,
            equal_sd: 0.05,
            weak_ratio: (0.3, 0.8),
            prior_no_one: 0.5,
            prior_sd: 1.0,
            clearing_power: 0.8,
            clear_probability: 0.9,
        }
    }
}

impl DiagnosisConfig {
    fn check(&self) -> Result<(), DiagnosisError> {
        let invalid = |field, message: &str| {
            Err(DiagnosisError::InvalidConfig {
                field,
                message: message.to_owned(),
            })
        };
        if !(self.threshold > 0.5 && self.threshold < 1.0) {
            return invalid("threshold", "must be above 0.5 and below 1");
        }
        if !(self.equal_sd.is_finite() && self.equal_sd > 0.0) {
            return invalid("equal_sd", "must be a positive number");
        }
        let (low, high) = self.weak_ratio;
        if !(low > 0.0 && low < high && high < 1.0) {
            return invalid("weak_ratio", "must be (low, high) with 0 < low < high < 1");
        }
        if !(self.prior_no_one > 0.0 && self.prior_no_one < 1.0) {
            return invalid("prior_no_one", "must be above 0 and below 1");
        }
        if !(self.prior_sd.is_finite() && self.prior_sd > 0.0) {
            return invalid("prior_sd", "must be a positive number");
        }
        if !(self.clearing_power > 0.0 && self.clearing_power < 1.0) {
            return invalid("clearing_power", "must be above 0 and below 1");
        }
        if !(self.clear_probability > 0.0 && self.clear_probability < 1.0) {
            return invalid("clear_probability", "must be above 0 and below 1");
        }
        Ok(())
    }
}

/// Why a person is not judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Shortage {
    /// Fewer accepted leads than the minimum.
    TooFewLeads { minimum: u64 },
    /// No one else in the same role has accepted leads to compare with.
    NoPeers,
}

/// The verdict on one person.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum Verdict {
    NotEnoughData {
        shortage: Shortage,
    },
    /// The weak link: `probability` is the posterior probability that this person is the weak
    /// link (see `probability_below`). At most one person gets this verdict.
    CrediblyBelow {
        probability: f64,
    },
    /// Not named; `probability` as above.
    NotBelow {
        probability: f64,
    },
}

/// One person's numbers and verdict.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PersonAssessment {
    pub role: Role,
    pub id: i64,
    pub accepted: u64,
    pub converted: u64,
    /// The raw conversion of the person's accepted leads, with its 95 % Wilson interval.
    pub conversion: RateInterval,
    /// The model's conversion for this person with the department's average partners (for a
    /// caller: the sales managers' mix of the whole department), so the mix is taken out.
    pub adjusted_conversion: f64,
    /// The same for the other members of the role, weighted by their leads.
    pub others_adjusted_conversion: f64,
    /// The person's effect minus the lead-weighted mean of the others' (a log odds ratio), and
    /// its posterior standard deviation, from the descriptive fit. `None` when there is no one to
    /// compare with.
    pub log_odds_gap: Option<f64>,
    pub gap_sd: Option<f64>,
    /// Posterior probability that this person is the weak link: that their conversion is at
    /// `weak_ratio` (0.3–0.8) of the others' while everyone else is alike. `None` without
    /// peers or without leads.
    pub probability_below: Option<f64>,
    pub verdict: Verdict,
}

impl PersonAssessment {
    fn judged(&self) -> bool {
        !matches!(self.verdict, Verdict::NotEnoughData { .. })
    }
}

/// Why the department gets "not enough data".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum DataShortage {
    /// No lead was accepted, or none converted.
    NoConversions,
    /// Neither role has two people with the minimum of accepted leads.
    TooFewPeople,
    /// No one is named, but these people cannot be cleared: they have fewer accepted leads than
    /// the minimum, or even a conversion at half the others' might well (more often than
    /// `1 − clearing_power`) not have been named yet — for instance because someone else's
    /// probability is already high.
    CannotRuleOutHalving { people: Vec<(Role, i64)> },
}

/// The department-level conclusion: exactly one of these.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "conclusion", rename_all = "snake_case")]
pub enum Conclusion {
    /// This person is the weak link, with the posterior probability that they are.
    WeakLink {
        role: Role,
        id: i64,
        probability: f64,
    },
    /// No one is credibly below, but this person is more likely the weak link than no one is
    /// (issue 16: the headline never says "no one" against its own numbers).
    MostLikely {
        role: Role,
        id: i64,
        probability: f64,
        probability_no_one: f64,
    },
    NoOneBelow,
    NotEnoughData {
        shortage: DataShortage,
    },
}

/// The diagnosis of one department over one window.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diagnosis {
    /// Callers by id, then sales managers by id.
    pub people: Vec<PersonAssessment>,
    pub accepted: u64,
    pub converted: u64,
    pub overall: RateInterval,
    /// Posterior probability that no one is weak; `None` when no one can be compared.
    pub probability_no_one: Option<f64>,
    pub conclusion: Conclusion,
    pub config: DiagnosisConfig,
}

impl Diagnosis {
    pub fn person(&self, role: Role, id: i64) -> Option<&PersonAssessment> {
        self.people.iter().find(|p| p.role == role && p.id == id)
    }

    /// Everyone named as the weak link: at most one person.
    pub fn credibly_below(&self) -> Vec<&PersonAssessment> {
        let mut named: Vec<&PersonAssessment> = self
            .people
            .iter()
            .filter(|p| matches!(p.verdict, Verdict::CrediblyBelow { .. }))
            .collect();
        named.sort_by(|x, y| {
            let px = x.probability_below.unwrap_or(0.0);
            let py = y.probability_below.unwrap_or(0.0);
            py.total_cmp(&px)
                .then(x.role.cmp(&y.role))
                .then(x.id.cmp(&y.id))
        });
        named
    }

    /// The conclusion in words, with what to look at next. `names` gives a person's name.
    pub fn explain(&self, lang: Lang, names: &dyn Fn(Role, i64) -> String) -> String {
        text::explain(self, lang, names)
    }
}

/// Diagnoses a department with the default, validated settings.
pub fn diagnose(pairs: &[PairCounts]) -> Result<Diagnosis, DiagnosisError> {
    diagnose_with(pairs, &DiagnosisConfig::default())
}

/// Diagnoses a department whose recent leads may still pay (`censoring`), with the default
/// settings: the model weighs each pair's conversions against its exposure instead of its
/// accepted leads.
pub fn diagnose_exposed(pairs: &[PairExposure]) -> Result<Diagnosis, DiagnosisError> {
    diagnose_exposed_with(pairs, &DiagnosisConfig::default())
}

/// One role's people, by id, with their totals.
struct Members {
    ids: Vec<i64>,
    accepted: Vec<u64>,
    converted: Vec<u64>,
    exposure: Vec<f64>,
}

impl Members {
    fn collect(cells: &Cells, role: Role) -> Members {
        let mut totals: BTreeMap<i64, Counts> = BTreeMap::new();
        for (&(caller, sales_manager), c) in cells {
            let id = match role {
                Role::Caller => caller,
                Role::SalesManager => sales_manager,
            };
            totals.entry(id).or_default().add(c);
        }
        Members {
            ids: totals.keys().copied().collect(),
            accepted: totals.values().map(|t| t.accepted).collect(),
            converted: totals.values().map(|t| t.converted).collect(),
            exposure: totals.values().map(|t| t.exposure).collect(),
        }
    }

    fn index(&self, id: i64) -> usize {
        // The ids are sorted and `id` comes from the same cells.
        self.ids.binary_search(&id).unwrap_or(0)
    }
}

/// Weights of the lead-weighted average over a role, skipping `skip`; `None` if no one else has
/// leads.
fn weighted_others(leads: &[u64], skip: Option<usize>) -> Option<Vec<f64>> {
    let total: u64 = leads
        .iter()
        .enumerate()
        .filter(|&(j, _)| Some(j) != skip)
        .map(|(_, &n)| n)
        .sum();
    if total == 0 {
        return None;
    }
    Some(
        leads
            .iter()
            .enumerate()
            .map(|(j, &n)| {
                if Some(j) == skip {
                    0.0
                } else {
                    n as f64 / total as f64
                }
            })
            .collect(),
    )
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn logit(p: f64) -> f64 {
    (p / (1.0 - p)).ln()
}

fn logistic(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// `P(Z ≤ x)` for a standard normal `Z`, accurate in the tails.
pub(crate) fn normal_cdf(x: f64) -> f64 {
    0.5 * statrs::function::erf::erfc(-x / std::f64::consts::SQRT_2)
}

/// The standard normal quantile.
pub(crate) fn normal_quantile(p: f64) -> f64 {
    use statrs::distribution::{ContinuousCDF, Normal};
    Normal::standard().inverse_cdf(p)
}

/// Diagnoses a department with explicit settings.
pub fn diagnose_with(
    pairs: &[PairCounts],
    config: &DiagnosisConfig,
) -> Result<Diagnosis, DiagnosisError> {
    config.check()?;
    diagnose_cells(&merge(pairs)?, config)
}

/// [`diagnose_exposed`] with explicit settings.
pub fn diagnose_exposed_with(
    pairs: &[PairExposure],
    config: &DiagnosisConfig,
) -> Result<Diagnosis, DiagnosisError> {
    config.check()?;
    diagnose_cells(&merge_exposed(pairs)?, config)
}

fn diagnose_cells(cells: &Cells, config: &DiagnosisConfig) -> Result<Diagnosis, DiagnosisError> {
    let callers = Members::collect(cells, Role::Caller);
    let sales_managers = Members::collect(cells, Role::SalesManager);
    let accepted: u64 = callers.accepted.iter().sum();
    let converted: u64 = callers.converted.iter().sum();
    let overall = wilson(accepted, converted)?;

    let exposure: f64 = callers.exposure.iter().sum();
    // The model weighs conversions against the exposure (fractional trials: `censoring`); with
    // every lead matured the exposure is the accepted count.
    let fit_cells: Vec<fit::Cell> = cells
        .iter()
        .filter(|(_, c)| c.accepted > 0 && c.exposure > 0.0)
        .map(|(&(caller, sales_manager), c)| fit::Cell {
            caller: callers.index(caller),
            sales_manager: sales_managers.index(sales_manager),
            accepted: c.exposure,
            converted: c.converted as f64,
        })
        .collect();
    // The descriptive fit: the adjusted conversions and gaps shown beside each person.
    let fitted = fit::fit(
        &fit_cells,
        callers.ids.len(),
        sales_managers.ids.len(),
        config.prior_sd,
    )
    .map_err(|_| DiagnosisError::FitFailed)?;

    // The department's conversion kept off 0 and 1, so that the weak link's range and a halving
    // have a finite size in log-odds even when no lead or every lead converted.
    let rate = (accepted > 0 && exposure > 0.0).then(|| {
        let half_lead = 0.5 / accepted as f64;
        (converted as f64 / exposure).clamp(half_lead, 1.0 - half_lead)
    });

    // The candidates for the weak link: everyone with leads and a peer with leads.
    let mut candidates = Vec::new();
    for (role, members) in [
        (Role::Caller, &callers),
        (Role::SalesManager, &sales_managers),
    ] {
        let with_leads: Vec<usize> = (0..members.ids.len())
            .filter(|&k| members.accepted[k] > 0 && members.exposure[k] > 0.0)
            .collect();
        if with_leads.len() >= 2 {
            candidates.extend(with_leads.into_iter().map(|k| (role, k)));
        }
    }
    let comparison = match rate {
        Some(rate) if !candidates.is_empty() => Some(
            compare::compare(
                &fit_cells,
                callers.ids.len(),
                sales_managers.ids.len(),
                &candidates,
                rate,
                &compare::Settings {
                    equal_sd: config.equal_sd,
                    weak_ratio: config.weak_ratio,
                    prior_no_one: config.prior_no_one,
                },
                (compare::REFIT_CANDIDATES, compare::REFIT_MOST_PROBABLE),
            )
            .map_err(|_| DiagnosisError::FitFailed)?,
        ),
        _ => None,
    };
    let judged = |role: Role, k: usize| {
        let members = match role {
            Role::Caller => &callers,
            Role::SalesManager => &sales_managers,
        };
        members.accepted[k] >= config.min_accepted.max(1)
    };
    // The one person named: the most probable weak link, if sure enough and judged.
    let named = comparison
        .as_ref()
        .and_then(|c| c.top())
        .filter(|t| t.posterior >= config.threshold && judged(t.role, t.index))
        .map(|t| (t.role, t.index));
    let probability_no_one = comparison.as_ref().map(|c| c.posterior_no_one);
    let no_one_sure = probability_no_one.is_some_and(|p| p >= config.clear_probability);
    // How far a halving of the department's conversion lies, in log-odds, and how far towards
    // the others the measurement may fall for the halving still to count as seen with
    // `clearing_power`.
    let halving_gap = rate.map(|p| logit(p) - logit(p / 2.0));
    let z_power = normal_quantile(config.clearing_power);

    let mut people = Vec::with_capacity(callers.ids.len() + sales_managers.ids.len());
    let mut unresolved = Vec::new();
    for (role, members, partners) in [
        (Role::Caller, &callers, &sales_managers),
        (Role::SalesManager, &sales_managers, &callers),
    ] {
        let effects = fitted.effects(role);
        let partner_effects = fitted.effects(partner_role(role));
        let partner_mix = weighted_others(&partners.accepted, None)
            .map(|w| dot(&w, partner_effects))
            .unwrap_or(0.0);
        for (k, &id) in members.ids.iter().enumerate() {
            let n = members.accepted[k];
            let y = members.converted[k];
            let weights = weighted_others(&members.accepted, Some(k));
            let others_effect = weights.as_ref().map(|w| dot(w, effects)).unwrap_or(0.0);
            let gap = weights.as_ref().map(|w| {
                let mut c: Vec<f64> = w.iter().map(|x| -x).collect();
                c[k] = 1.0;
                let mean = dot(&c, effects);
                let sd = fitted.variance(role, &c).sqrt();
                (mean, sd)
            });
            let probability_below = comparison.as_ref().and_then(|c| c.posterior(role, k));
            let verdict = match probability_below {
                _ if gap.is_none() => Verdict::NotEnoughData {
                    shortage: Shortage::NoPeers,
                },
                _ if !judged(role, k) => Verdict::NotEnoughData {
                    shortage: Shortage::TooFewLeads {
                        minimum: config.min_accepted,
                    },
                },
                Some(probability) if named == Some((role, k)) => {
                    Verdict::CrediblyBelow { probability }
                }
                probability => Verdict::NotBelow {
                    probability: probability.unwrap_or(0.0),
                },
            };
            // Can this person be cleared? People below the minimum never can (unless they have
            // no lead at all); a judged person can if "no one is weak" is itself probable
            // enough, or if a conversion at half the others' would have been named with at
            // least `clearing_power`: the measurement of their gap is normal around the halving
            // with the data's precision, so its `1 − clearing_power` quantile towards the others
            // (`z_power` standard deviations) must still be named.
            let cleared = match verdict {
                Verdict::NotBelow { .. } => {
                    no_one_sure
                        || match (&comparison, halving_gap) {
                            (Some(c), Some(halving)) => c
                                .likelihood(role, k)
                                .and_then(|(_, v)| {
                                    c.what_if(role, k, -halving + z_power * v.sqrt())
                                })
                                .is_some_and(|p| p >= config.threshold),
                            _ => false,
                        }
                }
                Verdict::NotEnoughData {
                    shortage: Shortage::TooFewLeads { .. },
                } => n == 0,
                _ => true,
            };
            if !cleared {
                unresolved.push((role, id));
            }
            people.push(PersonAssessment {
                role,
                id,
                accepted: n,
                converted: y,
                conversion: wilson(n, y)?,
                adjusted_conversion: logistic(fitted.intercept + effects[k] + partner_mix),
                others_adjusted_conversion: logistic(
                    fitted.intercept + others_effect + partner_mix,
                ),
                log_odds_gap: gap.map(|g| g.0),
                gap_sd: gap.map(|g| g.1),
                probability_below,
                verdict,
            });
        }
    }

    let mut diagnosis = Diagnosis {
        people,
        accepted,
        converted,
        overall,
        probability_no_one,
        conclusion: Conclusion::NoOneBelow,
        config: *config,
    };
    diagnosis.conclusion = conclude(&diagnosis, converted > 0, unresolved);
    Ok(diagnosis)
}

fn partner_role(role: Role) -> Role {
    match role {
        Role::Caller => Role::SalesManager,
        Role::SalesManager => Role::Caller,
    }
}

fn conclude(
    diagnosis: &Diagnosis,
    converted_some: bool,
    unresolved: Vec<(Role, i64)>,
) -> Conclusion {
    if let Some(top) = diagnosis.credibly_below().first() {
        return Conclusion::WeakLink {
            role: top.role,
            id: top.id,
            probability: top.probability_below.unwrap_or(0.0),
        };
    }
    if !converted_some {
        return Conclusion::NotEnoughData {
            shortage: DataShortage::NoConversions,
        };
    }
    let judged = |role: Role| {
        diagnosis
            .people
            .iter()
            .filter(|p| p.role == role && p.judged())
            .count()
    };
    if judged(Role::Caller) < 2 && judged(Role::SalesManager) < 2 {
        return Conclusion::NotEnoughData {
            shortage: DataShortage::TooFewPeople,
        };
    }
    if !unresolved.is_empty() {
        return Conclusion::NotEnoughData {
            shortage: DataShortage::CannotRuleOutHalving { people: unresolved },
        };
    }
    let no_one = diagnosis.probability_no_one.unwrap_or(1.0);
    let top = diagnosis
        .people
        .iter()
        .filter_map(|p| match p.verdict {
            Verdict::NotBelow { probability } => Some((p, probability)),
            _ => None,
        })
        .max_by(|a, b| a.1.total_cmp(&b.1).then_with(|| b.0.id.cmp(&a.0.id)));
    match top {
        Some((p, probability)) if probability > no_one => Conclusion::MostLikely {
            role: p.role,
            id: p.id,
            probability,
            probability_no_one: no_one,
        },
        _ => Conclusion::NoOneBelow,
    }
}
