//! The validation with the window ending on the last handoff day (issue 16, item 3).
//!
//! The departments are those of [`validation`](super::validation) (the same seeds), each lead
//! given an acceptance day and, if it converts, a lag to its first payment
//! ([`simulated::generate_timed`]). Each department is then seen three ways:
//!
//! - **matured**: every converting lead counted, as in the published validation;
//! - **naive**: the window ends on its last day and a lead that has not paid yet counts as not
//!   converted, the model as it was;
//! - **censoring**: the same observation, weighed by the censoring model (`censoring`): the
//!   department's lag distribution estimated from the window, each pair's conversions against
//!   its exposure.
//!
//! The reference is calibrated separately for each view, on equal departments seen the same way,
//! to the same false-alarm target; on the censoring view it weighs exposure too.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use super::censoring::censored_pairs;
use super::oracle;
use super::reference::{self, BaseRate, LikelihoodRatio};
use super::simulated::{self, GeneratorConfig, LagConfig, TimedDepartment, TruthKind};
use super::validation::{
    CALIBRATION_STREAM, Scores, VALIDATION_STREAM, department_seed, detection, false_alarms, pct,
    share, with_counts, wrong_names,
};
use super::{
    Conclusion, Diagnosis, DiagnosisConfig, DiagnosisError, PairExposure, Role,
    diagnose_exposed_with,
};

/// How the departments are observed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum View {
    Matured,
    Naive,
    Censoring,
}

impl View {
    pub const ALL: [View; 3] = [View::Matured, View::Naive, View::Censoring];

    fn label(self) -> &'static str {
        match self {
            View::Matured => "fully matured",
            View::Naive => "window ends today, naive",
            View::Censoring => "window ends today, censoring model",
        }
    }

    /// The department's pairs as this view sees them.
    fn pairs(self, d: &TimedDepartment) -> Result<Vec<PairExposure>, DiagnosisError> {
        match self {
            View::Matured => Ok(d.department.pairs.iter().map(|&p| p.into()).collect()),
            View::Naive => Ok(d.censored_counts().into_iter().map(|p| p.into()).collect()),
            View::Censoring => censored_pairs(&d.timed_leads()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CensoredValidationConfig {
    pub departments_per_length: usize,
    pub seed: u64,
    pub lengths: Vec<u32>,
    pub calibration_departments: usize,
    pub reference_false_alarm: f64,
    pub diagnosis: DiagnosisConfig,
    pub generator: GeneratorConfig,
    pub lag: LagConfig,
    /// Whether to run the oracle reference too (`oracle`; the slowest part).
    pub oracle: bool,
}

impl CensoredValidationConfig {
    pub fn new(departments_per_length: usize, seed: u64) -> Self {
        CensoredValidationConfig {
            departments_per_length,
            seed,
            lengths: vec![6, 12],
            calibration_departments: 2000,
            reference_false_alarm: 0.05,
            diagnosis: DiagnosisConfig::default(),
            generator: GeneratorConfig::default(),
            lag: LagConfig::default(),
            oracle: true,
        }
    }
}

/// One view at one history length.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CensoredRow {
    pub months: u32,
    pub view: View,
    pub model: Scores,
    pub model_not_enough_data: usize,
    pub model_errors: usize,
    pub reference: Scores,
    pub reference_threshold: f64,
    /// Σ exposure / Σ accepted over the departments: how much of the window's evidence is in.
    pub exposure_share: f64,
    /// The equal departments again, caller 1's leads moved into the last [`RECENT_HIRE_DAYS`]
    /// days (a recent hire): how many, how many got a name, and how many named caller 1.
    pub recent_hire: Found,
    pub recent_hire_named: usize,
    /// The censoring view only: the oracle reference (`oracle`: told the true lag distribution,
    /// exact likelihood), calibrated like the reference.
    pub oracle: Option<Scores>,
}

/// The recent hire's leads fall in the window's last 90 days.
pub const RECENT_HIRE_DAYS: u32 = 90;

/// Departments of one kind, and those where something was found.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Found {
    pub departments: usize,
    pub found: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CensoredTable {
    pub config: CensoredValidationConfig,
    pub rows: Vec<CensoredRow>,
}

/// One goal of the issue and whether the run met it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CensoredGoal {
    pub goal: String,
    pub display: String,
    pub met: bool,
}

fn timed(
    config: &CensoredValidationConfig,
    stream: u64,
    months: u32,
    index: usize,
    kind: TruthKind,
) -> TimedDepartment {
    let mut rng = ChaCha8Rng::seed_from_u64(department_seed(config.seed, stream, months, index));
    simulated::generate_timed(&config.generator, &config.lag, months, kind, &mut rng)
}

/// The reference's statistic on a view's pairs; a department it cannot read names no one.
fn statistic(pairs: &[PairExposure], weak_factor: f64) -> LikelihoodRatio {
    reference::likelihood_ratio_exposed(pairs, weak_factor, BaseRate::Estimated).unwrap_or(
        LikelihoodRatio {
            best: None,
            log_ratio: f64::NEG_INFINITY,
        },
    )
}

/// A person of the diagnosis.
type Person = (Role, i64);

/// The conclusion's name and everyone named.
fn answer(d: &Diagnosis) -> (Option<Person>, Vec<Person>) {
    let named = d.credibly_below().iter().map(|p| (p.role, p.id)).collect();
    match d.conclusion {
        Conclusion::WeakLink { role, id, .. } => (Some((role, id)), named),
        _ => (None, named),
    }
}

/// Runs the three views at every length.
pub fn validate_censored(config: &CensoredValidationConfig) -> CensoredTable {
    let weak_factor = config.generator.weak_factor;
    let mut rows = Vec::new();
    for &months in &config.lengths {
        let calibration: Vec<TimedDepartment> = (0..config.calibration_departments)
            .map(|i| timed(config, CALIBRATION_STREAM, months, i, TruthKind::AllEqual))
            .collect();
        let departments: Vec<TimedDepartment> = (0..config.departments_per_length)
            .map(|i| {
                let kind = TruthKind::ALL[i % TruthKind::ALL.len()];
                timed(config, VALIDATION_STREAM, months, i, kind)
            })
            .collect();
        for view in View::ALL {
            let null: Vec<f64> = calibration
                .iter()
                .map(|d| match view.pairs(d) {
                    Ok(pairs) => statistic(&pairs, weak_factor).log_ratio,
                    Err(_) => f64::NEG_INFINITY,
                })
                .collect();
            let threshold = reference::calibrate(&null, config.reference_false_alarm);
            let mut row = CensoredRow {
                months,
                view,
                model: Scores::default(),
                model_not_enough_data: 0,
                model_errors: 0,
                reference: Scores::default(),
                reference_threshold: threshold,
                exposure_share: 0.0,
                recent_hire: Found::default(),
                recent_hire_named: 0,
                oracle: None,
            };
            if view == View::Censoring && config.oracle {
                let oracle = |d: &TimedDepartment| {
                    oracle::likelihood_ratio(&d.timed_leads(), &config.lag, weak_factor)
                };
                let null: Vec<f64> = calibration.iter().map(|d| oracle(d).log_ratio).collect();
                let t = reference::calibrate(&null, config.reference_false_alarm);
                let mut scores = Scores::default();
                for d in &departments {
                    let named = oracle(d).named(t);
                    scores.record(d.department.truth.weak(), named, named.as_slice());
                }
                row.oracle = Some(scores);
            }
            let (mut exposure, mut accepted) = (0.0, 0.0);
            for d in &departments {
                let weak = d.department.truth.weak();
                let diagnosis = view.pairs(d).and_then(|pairs| {
                    exposure += pairs.iter().map(|p| p.exposure).sum::<f64>();
                    accepted += pairs.iter().map(|p| f64::from(p.accepted)).sum::<f64>();
                    let lr = statistic(&pairs, weak_factor).named(threshold);
                    row.reference.record(weak, lr, lr.as_slice());
                    diagnose_exposed_with(&pairs, &config.diagnosis)
                });
                match diagnosis {
                    Ok(diagnosis) => {
                        if matches!(diagnosis.conclusion, Conclusion::NotEnoughData { .. }) {
                            row.model_not_enough_data += 1;
                        }
                        let (name, named) = answer(&diagnosis);
                        row.model.record(weak, name, &named);
                    }
                    Err(_) => {
                        row.model_errors += 1;
                        row.model.record(weak, None, &[]);
                    }
                }
            }
            for d in departments
                .iter()
                .filter(|d| d.department.truth.weak().is_none())
            {
                let hire = d.with_recent_caller(1, RECENT_HIRE_DAYS);
                let diagnosis = view
                    .pairs(&hire)
                    .and_then(|pairs| diagnose_exposed_with(&pairs, &config.diagnosis));
                row.recent_hire.departments += 1;
                if let Ok(diagnosis) = diagnosis {
                    let (name, named) = answer(&diagnosis);
                    if !named.is_empty() {
                        row.recent_hire.found += 1;
                    }
                    if name == Some((Role::Caller, 1)) {
                        row.recent_hire_named += 1;
                    }
                }
            }
            row.exposure_share = if accepted > 0.0 {
                exposure / accepted
            } else {
                0.0
            };
            rows.push(row);
        }
    }
    CensoredTable {
        config: config.clone(),
        rows,
    }
}

impl CensoredTable {
    pub fn row(&self, months: u32, view: View) -> Option<&CensoredRow> {
        self.rows
            .iter()
            .find(|r| r.months == months && r.view == view)
    }

    /// Issue 16's goal for the censoring model at every length: detection within 5 points of the
    /// same departments fully matured, false alarms ≤ 5 %, wrong names ≤ 2 %.
    pub fn goals(&self) -> Vec<CensoredGoal> {
        let mut goals = Vec::new();
        for &months in &self.config.lengths {
            let (Some(matured), Some(censoring)) = (
                self.row(months, View::Matured),
                self.row(months, View::Censoring),
            ) else {
                continue;
            };
            let gap = matured.model.detection() - censoring.model.detection();
            goals.push(CensoredGoal {
                goal: format!("{months} months: detection within 5 points of fully matured"),
                display: format!(
                    "{} against {}, {:.1} points below",
                    pct(censoring.model.detection()),
                    pct(matured.model.detection()),
                    gap * 100.0
                ),
                met: gap <= 0.05,
            });
            let fa = censoring.model.false_alarm_rate();
            goals.push(CensoredGoal {
                goal: format!("{months} months: false alarms ≤ 5 %"),
                display: pct(fa),
                met: fa <= 0.05,
            });
            let wrong = censoring.model.wrong_name_rate();
            goals.push(CensoredGoal {
                goal: format!("{months} months: wrong names ≤ 2 %"),
                display: pct(wrong),
                met: wrong <= 0.02,
            });
        }
        goals
    }

    pub fn meets_goals(&self) -> bool {
        self.goals().iter().all(|g| g.met)
    }

    pub fn to_markdown(&self) -> String {
        let c = &self.config;
        let mut out = format!(
            "Window ending on the last handoff day: the same {} departments per history length \
             and seed {}, each lead accepted on a day drawn evenly within its month (30-day \
             months) and a converting lead paying after a lognormal lag (median {} days, σ {}). \
             Reference: base rate estimated, calibrated per view on {} equal departments seen the \
             same way to {} false alarms.\n\n",
            c.departments_per_length,
            c.seed,
            c.lag.median_days,
            c.lag.sigma,
            c.calibration_departments,
            pct(c.reference_false_alarm),
        );
        out.push_str(
            "| history | observation | detection: model | detection: reference | wrong names: \
             model | wrong names: reference | false alarms: model | false alarms: reference | \
             model says \"not enough data\" | exposure / accepted |\n",
        );
        out.push_str("|---|---|---|---|---|---|---|---|---|---|\n");
        for r in &self.rows {
            out.push_str(&format!(
                "| {} months | {} | {} | {} | {} | {} | {} | {} | {} | {:.3} |\n",
                r.months,
                r.view.label(),
                detection(&r.model),
                detection(&r.reference),
                wrong_names(&r.model),
                wrong_names(&r.reference),
                false_alarms(&r.model),
                false_alarms(&r.reference),
                with_counts(
                    share(r.model_not_enough_data, r.model.departments),
                    r.model_not_enough_data,
                    r.model.departments
                ),
                r.exposure_share,
            ));
        }
        out.push_str(
            "\nThe oracle: the reference also told the simulation's true lag distribution and \
             weighing each lead by its exact likelihood `p · F(age)` (no method can know `F`), on \
             the censoring view's departments, calibrated the same way.\n\n",
        );
        out.push_str(
            "| history | detection: oracle | wrong names: oracle | false alarms: oracle | \
             detection: reference, fully matured |\n",
        );
        out.push_str("|---|---|---|---|---|\n");
        for r in self.rows.iter().filter(|r| r.view == View::Censoring) {
            let (Some(o), Some(m)) = (r.oracle, self.row(r.months, View::Matured)) else {
                continue;
            };
            out.push_str(&format!(
                "| {} months | {} | {} | {} | {} |\n",
                r.months,
                detection(&o),
                wrong_names(&o),
                false_alarms(&o),
                detection(&m.reference),
            ));
        }
        out.push_str(&format!(
            "\nThe equal departments again, with caller 1's leads moved into the window's last {} \
             days (a recent hire handing the same leads in less time; the matured counts do not \
             change): how often anyone, and the recent hire, is named.\n\n",
            RECENT_HIRE_DAYS
        ));
        out.push_str("| history | observation | false alarms | the recent hire named |\n");
        out.push_str("|---|---|---|---|\n");
        for r in &self.rows {
            let h = &r.recent_hire;
            out.push_str(&format!(
                "| {} months | {} | {} | {} |\n",
                r.months,
                r.view.label(),
                with_counts(share(h.found, h.departments), h.found, h.departments),
                with_counts(
                    share(r.recent_hire_named, h.departments),
                    r.recent_hire_named,
                    h.departments
                ),
            ));
        }
        out.push_str("\nGoals of issue 16, item 3 (the censoring model):\n\n");
        for g in self.goals() {
            out.push_str(&format!(
                "- {} {}: {}\n",
                if g.met { "met" } else { "**not met**" },
                g.goal,
                g.display
            ));
        }
        out
    }
}
