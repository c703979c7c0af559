//! Simulated departments with a known truth, for validating the diagnosis.
//!
//! A department has 4–8 callers and 3–6 sales managers. Every month each caller gets 10–20 of
//! their leads accepted. Leads go to sales managers either round-robin (each caller's leads in
//! turn, from a random starting manager) or skewed: each caller has a favourite sales manager who
//! gets 40–60 % of that caller's leads, the rest spread evenly over the others. All of that is
//! issue 4 §3 word for word. A lead of caller `c` handled by sales manager `s` converts with
//! probability `base · quality(c) · skill(s)`, where both factors are 1 except for the weak
//! person's, which is one half ("conversion half the others'").
//!
//! The issue does not give the department's base conversion (accepted lead → first payment); it
//! is drawn from 20–40 %. The research (domain brief §5.1) puts that step at about 30 %: "20
//! meetings → 6 deals", the illustrative caller × closer matrix at 29 %, the later funnel stages
//! at 40–60 % × 50–70 % = 20–42 %, closers from 15 % (cold leads) to 40 % (inbound). With this
//! range the issue's own reference — told the effect size and that at most one member is weak —
//! lands near the figures the issue quotes for it (about 74 % at 6 % false alarms with 6 months,
//! 93 % at 2 % with 12 months, against "about 70 %" and "about 94 %"). The first version drew
//! from 15–35 %, centred below the research's 30 %, where the same reference reaches only 62 %
//! and 85 %; `docs/diagnosis.md` gives the results under both.

use std::collections::BTreeMap;

use rand::Rng;
use serde::{Deserialize, Serialize};

use super::censoring::{LeadTiming, TimedLead};
use super::{PairCounts, Role};

/// Which kind of truth a department is generated with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TruthKind {
    AllEqual,
    WeakCaller,
    WeakSalesManager,
}

impl TruthKind {
    pub const ALL: [TruthKind; 3] = [
        TruthKind::AllEqual,
        TruthKind::WeakCaller,
        TruthKind::WeakSalesManager,
    ];
}

/// The generated truth.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "truth", rename_all = "snake_case")]
pub enum Truth {
    AllEqual,
    Weak { role: Role, id: i64 },
}

impl Truth {
    /// The weak person, if there is one.
    pub fn weak(&self) -> Option<(Role, i64)> {
        match *self {
            Truth::AllEqual => None,
            Truth::Weak { role, id } => Some((role, id)),
        }
    }
}

/// How leads are assigned to sales managers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Assignment {
    RoundRobin,
    /// Each caller has a favourite sales manager who gets a larger share.
    Favourite,
}

/// The ranges departments are drawn from.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GeneratorConfig {
    pub callers: (usize, usize),
    pub sales_managers: (usize, usize),
    /// Accepted leads per caller per month, drawn anew each month.
    pub leads_per_caller_month: (u32, u32),
    pub base_conversion: (f64, f64),
    /// The weak person's conversion as a share of the others'.
    pub weak_factor: f64,
    /// Share of departments with favourite-skewed assignment; the rest are round-robin.
    pub skewed_departments: f64,
    /// The favourite sales manager's share of a caller's leads.
    pub favourite_share: (f64, f64),
}

impl Default for GeneratorConfig {
    fn default() -> Self {
        GeneratorConfig {
            callers: (4, 8),
            sales_managers: (3, 6),
            leads_per_caller_month: (10, 20),
            base_conversion: (0.20, 0.40),
            weak_factor: 0.5,
            skewed_departments: 0.5,
            favourite_share: (0.4, 0.6),
        }
    }
}

/// A department with its known truth and its matrix.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimulatedDepartment {
    /// Callers are numbered 1, 2, …; sales managers 101, 102, ….
    pub callers: Vec<i64>,
    pub sales_managers: Vec<i64>,
    pub months: u32,
    pub base_conversion: f64,
    pub assignment: Assignment,
    pub truth: Truth,
    /// One row per pair that got at least one lead, sorted by caller then sales manager.
    pub pairs: Vec<PairCounts>,
}

/// First id of the sales managers, so that caller and sales-manager ids never coincide.
pub const SALES_MANAGER_ID_BASE: i64 = 100;

fn draw_usize(rng: &mut impl Rng, (lo, hi): (usize, usize)) -> usize {
    rng.random_range(lo.min(hi)..=hi.max(lo))
}

fn draw_f64(rng: &mut impl Rng, (lo, hi): (f64, f64)) -> f64 {
    let (lo, hi) = (lo.min(hi), hi.max(lo));
    if hi > lo {
        rng.random_range(lo..hi)
    } else {
        lo
    }
}

/// Generates one department of `months` months with the given kind of truth.
pub fn generate(
    config: &GeneratorConfig,
    months: u32,
    truth: TruthKind,
    rng: &mut impl Rng,
) -> SimulatedDepartment {
    generate_leads(config, months, truth, rng).0
}

/// One lead as generated: positions of its caller and sales manager, its month, and whether it
/// converts (eventually).
type Lead = (usize, usize, u32, bool);

/// [`generate`], with every lead kept in the order drawn. The random draws are exactly those of
/// the original generator, so the published matured results do not move.
fn generate_leads(
    config: &GeneratorConfig,
    months: u32,
    truth: TruthKind,
    rng: &mut impl Rng,
) -> (SimulatedDepartment, Vec<Lead>) {
    let n_callers = draw_usize(rng, config.callers).max(1);
    let n_managers = draw_usize(rng, config.sales_managers).max(1);
    let callers: Vec<i64> = (1..=n_callers as i64).collect();
    let sales_managers: Vec<i64> = (1..=n_managers as i64)
        .map(|i| SALES_MANAGER_ID_BASE + i)
        .collect();
    let base = draw_f64(rng, config.base_conversion).clamp(0.0, 1.0);
    let assignment = if rng.random_bool(config.skewed_departments.clamp(0.0, 1.0)) {
        Assignment::Favourite
    } else {
        Assignment::RoundRobin
    };
    let weak_factor = config.weak_factor.clamp(0.0, 1.0);
    let mut quality = vec![1.0; n_callers];
    let mut skill = vec![1.0; n_managers];
    let truth = match truth {
        TruthKind::AllEqual => Truth::AllEqual,
        TruthKind::WeakCaller => {
            let k = rng.random_range(0..n_callers);
            quality[k] = weak_factor;
            Truth::Weak {
                role: Role::Caller,
                id: callers[k],
            }
        }
        TruthKind::WeakSalesManager => {
            let k = rng.random_range(0..n_managers);
            skill[k] = weak_factor;
            Truth::Weak {
                role: Role::SalesManager,
                id: sales_managers[k],
            }
        }
    };
    // Per caller: the favourite (with its share) or the round-robin position.
    let routing: Vec<(usize, f64)> = (0..n_callers)
        .map(|_| {
            let manager = rng.random_range(0..n_managers);
            let share = draw_f64(rng, config.favourite_share).clamp(0.0, 1.0);
            (manager, share)
        })
        .collect();
    let mut next = routing.iter().map(|r| r.0).collect::<Vec<usize>>();
    let mut counts: BTreeMap<(usize, usize), (u32, u32)> = BTreeMap::new();
    let (lo, hi) = config.leads_per_caller_month;
    let mut drawn = Vec::new();
    for month in 0..months {
        for c in 0..n_callers {
            let leads = rng.random_range(lo.min(hi)..=hi.max(lo));
            for _ in 0..leads {
                let s = match assignment {
                    Assignment::RoundRobin => {
                        let s = next[c];
                        next[c] = (s + 1) % n_managers;
                        s
                    }
                    Assignment::Favourite => {
                        let (favourite, share) = routing[c];
                        if n_managers == 1 || rng.random_bool(share) {
                            favourite
                        } else {
                            // Evenly over the others.
                            let other = rng.random_range(0..n_managers - 1);
                            if other >= favourite { other + 1 } else { other }
                        }
                    }
                };
                let p = (base * quality[c] * skill[s]).clamp(0.0, 1.0);
                let cell = counts.entry((c, s)).or_default();
                cell.0 += 1;
                let converts = rng.random_bool(p);
                if converts {
                    cell.1 += 1;
                }
                drawn.push((c, s, month, converts));
            }
        }
    }
    let pairs = counts
        .into_iter()
        .map(|((c, s), (accepted, converted))| PairCounts {
            caller: callers[c],
            sales_manager: sales_managers[s],
            accepted,
            converted,
        })
        .collect();
    let department = SimulatedDepartment {
        callers,
        sales_managers,
        months,
        base_conversion: base,
        assignment,
        truth,
        pairs,
    };
    (department, drawn)
}

/// Simulated months are 30 days long.
pub const DAYS_PER_MONTH: u32 = 30;

/// When a converting lead pays: a lognormal lag from acceptance to the first payment.
///
/// The research gives the department's cycle, not a distribution: mid-market cycles of 30–90
/// days (domain brief §5.4), a sales manager's 45-day cycle in its capacity example (§5.8), a
/// caller's kicker paid on clients whose first invoice is paid within 90 days of acceptance
/// (§3.3), BANT's "timeline within 90 days". A lognormal with a median of 40 days and σ = 0.6
/// has a mean of 48 days, 80 % of its lags within 18–86 days, 95 % within 107 and 99 % within
/// 162: a long right tail, as a cycle bounded below and not above has.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LagConfig {
    pub median_days: f64,
    /// Standard deviation of the lag's logarithm.
    pub sigma: f64,
}

impl Default for LagConfig {
    fn default() -> Self {
        LagConfig {
            median_days: 40.0,
            sigma: 0.6,
        }
    }
}

/// One simulated accepted lead with its dates, in days from the start of the history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SimulatedLead {
    pub caller: i64,
    pub sales_manager: i64,
    pub accepted_day: u32,
    /// Days from acceptance to the first payment, for a lead that converts (eventually).
    pub lag_days: Option<u32>,
}

/// A department with its leads' dates, to be seen with the window ending on its last day.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimedDepartment {
    /// The department fully matured: every converting lead counted.
    pub department: SimulatedDepartment,
    pub leads: Vec<SimulatedLead>,
}

impl TimedDepartment {
    /// The last day of the window (and of the handoffs): the last day of the last month.
    pub fn window_end(&self) -> u32 {
        (self.department.months * DAYS_PER_MONTH).saturating_sub(1)
    }

    /// Every accepted lead as seen at the window end: its age, and its lag if it has paid.
    pub fn timed_leads(&self) -> Vec<TimedLead> {
        let end = self.window_end();
        self.leads
            .iter()
            .map(|l| {
                let age_days = end.saturating_sub(l.accepted_day);
                TimedLead {
                    caller: l.caller,
                    sales_manager: l.sales_manager,
                    timing: LeadTiming {
                        age_days,
                        paid_after_days: l.lag_days.filter(|&lag| lag <= age_days),
                    },
                }
            })
            .collect()
    }

    /// The same department with one caller's leads moved into the last `days` days of the
    /// window, each keeping its lag: a recent hire who handed the same leads in less time. The
    /// matured counts are unchanged; only the leads' ages differ.
    pub fn with_recent_caller(&self, caller: i64, days: u32) -> TimedDepartment {
        let end = self.window_end();
        let days = days.clamp(1, end + 1);
        let mut moved = self.clone();
        for l in moved.leads.iter_mut().filter(|l| l.caller == caller) {
            l.accepted_day = end + 1 - days + l.accepted_day % days;
        }
        moved
    }

    /// The counts as the plain model sees them at the window end: a lead that has not paid yet
    /// counts as not converted.
    pub fn censored_counts(&self) -> Vec<PairCounts> {
        let mut counts: BTreeMap<(i64, i64), (u32, u32)> = BTreeMap::new();
        for l in self.timed_leads() {
            let cell = counts.entry((l.caller, l.sales_manager)).or_default();
            cell.0 += 1;
            cell.1 += u32::from(l.timing.paid_after_days.is_some());
        }
        counts
            .into_iter()
            .map(
                |((caller, sales_manager), (accepted, converted))| PairCounts {
                    caller,
                    sales_manager,
                    accepted,
                    converted,
                },
            )
            .collect()
    }
}

/// A standard normal draw (Box–Muller).
fn standard_normal(rng: &mut impl Rng) -> f64 {
    // `1 − u` lies in (0, 1], so its logarithm is finite.
    let u = 1.0 - rng.random::<f64>();
    let v = rng.random::<f64>();
    (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
}

/// [`generate`] with dates: each lead is accepted on a day drawn evenly within its month, and a
/// converting lead pays after a lag drawn from `lag`. The dates are drawn after everything else,
/// so the department (its matured counts) is the one [`generate`] gives from the same `rng`.
pub fn generate_timed(
    config: &GeneratorConfig,
    lag: &LagConfig,
    months: u32,
    truth: TruthKind,
    rng: &mut impl Rng,
) -> TimedDepartment {
    let (department, raw) = generate_leads(config, months, truth, rng);
    let leads = raw
        .into_iter()
        .map(|(c, s, month, converts)| {
            let accepted_day = month * DAYS_PER_MONTH + rng.random_range(0..DAYS_PER_MONTH);
            let lag_days = converts.then(|| {
                let days = lag.median_days * (lag.sigma * standard_normal(rng)).exp();
                // Whole days; the float-to-int cast saturates, so any draw is a valid lag.
                days.round() as u32
            });
            SimulatedLead {
                caller: department.callers[c],
                sales_manager: department.sales_managers[s],
                accepted_day,
                lag_days,
            }
        })
        .collect();
    TimedDepartment { department, leads }
}
