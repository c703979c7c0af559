//! The validation run: the diagnosis and the reference classifier on the same simulated
//! departments, by history length, against the goals of issue 4 §3.
//!
//! For every history length, `departments_per_length` departments are generated, a third with a
//! weak caller, a third with a weak sales manager and a third where everyone is equal. Counted:
//!
//! - **detection**: among departments that have a weak person, the share whose conclusion names
//!   exactly that person;
//! - **wrong names**: among all departments, the share where someone who is not the weak person
//!   is named (for the model: anyone with the verdict "credibly below", not only the one in the
//!   conclusion; in an equal department every name is wrong);
//! - **false alarms**: among equal departments, the share where anyone is named.
//!
//! The reference's threshold is calibrated per history length on a separate set of equal
//! departments (another random stream) to a 5 % false-alarm target. It is also reported at the
//! model's own false-alarm rate, held to the limits (false alarms ≤ 5 %, wrong names
//! ≤ 2 %, chosen in-sample), and at the operating points quoted in the issue (6 % at 6 months,
//! 2 % at 12 months) with an estimated and with a known base rate.
//!
//! Every department has its own seed derived from `(seed, stream, months, index)`, so the result
//! depends only on the arguments.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use super::reference::{self, BaseRate, LikelihoodRatio};
use super::simulated::{self, GeneratorConfig, SimulatedDepartment, TruthKind};
use super::{Conclusion, DiagnosisConfig, Role, diagnose_with};

/// The history lengths of the issue, in months.
pub const HISTORY_LENGTHS: [u32; 3] = [3, 6, 12];

/// Everything a validation run depends on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ValidationConfig {
    pub departments_per_length: usize,
    pub seed: u64,
    pub lengths: Vec<u32>,
    /// Equal departments per length used to calibrate the reference's thresholds.
    pub calibration_departments: usize,
    /// The reference's false-alarm target for the main comparison.
    pub reference_false_alarm: f64,
    /// The reference's extra operating points, (months, false-alarm target), reported for both
    /// an estimated and a known base rate.
    pub reference_points: Vec<(u32, f64)>,
    pub diagnosis: DiagnosisConfig,
    pub generator: GeneratorConfig,
}

impl ValidationConfig {
    pub fn new(departments_per_length: usize, seed: u64) -> Self {
        ValidationConfig {
            departments_per_length,
            seed,
            lengths: HISTORY_LENGTHS.to_vec(),
            calibration_departments: 2000,
            reference_false_alarm: 0.05,
            reference_points: vec![(6, 0.06), (12, 0.02)],
            diagnosis: DiagnosisConfig::default(),
            generator: GeneratorConfig::default(),
        }
    }
}

/// Counts for one method at one history length.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Scores {
    pub departments: usize,
    /// Departments with a weak person.
    pub with_weak: usize,
    pub equal: usize,
    pub detected: usize,
    pub wrong_name: usize,
    pub false_alarms: usize,
}

pub(super) fn share(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

impl Scores {
    pub fn detection(&self) -> f64 {
        share(self.detected, self.with_weak)
    }

    pub fn wrong_name_rate(&self) -> f64 {
        share(self.wrong_name, self.departments)
    }

    pub fn false_alarm_rate(&self) -> f64 {
        share(self.false_alarms, self.equal)
    }

    /// Records one department: the weak person (if any), the method's main answer, and
    /// everyone the method names.
    pub(super) fn record(
        &mut self,
        weak: Option<(Role, i64)>,
        answer: Option<(Role, i64)>,
        named: &[(Role, i64)],
    ) {
        self.departments += 1;
        match weak {
            Some(w) => {
                self.with_weak += 1;
                if answer == Some(w) {
                    self.detected += 1;
                }
            }
            None => {
                self.equal += 1;
                if !named.is_empty() {
                    self.false_alarms += 1;
                }
            }
        }
        if named.iter().any(|&n| Some(n) != weak) {
            self.wrong_name += 1;
        }
    }
}

/// The results at one history length.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ValidationRow {
    pub months: u32,
    pub model: Scores,
    /// Departments where the model's conclusion was "not enough data".
    pub model_not_enough_data: usize,
    /// Departments where the model's conclusion was "no one is credibly below".
    pub model_no_one_below: usize,
    /// Departments told "most likely X, not yet certain" (no one named).
    pub model_most_likely: usize,
    /// Departments the model could not diagnose (an error); zero in every run so far.
    pub model_errors: usize,
    /// The model's conclusions by truth.
    pub conclusions: ConclusionsByTruth,
    /// The reference (estimated base) at the main false-alarm target.
    pub reference: Scores,
    pub reference_threshold: f64,
}

/// Counts of one kind of department and of those where the model named the weak person.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Found {
    pub departments: usize,
    pub found: usize,
}

impl Found {
    pub fn rate(&self) -> f64 {
        share(self.found, self.departments)
    }
}

/// The model's conclusions broken down by the truth, for the words around the names: which role
/// is seen sooner, how often an equal department is cleared, and how often a department with a
/// weak person is wrongly given a clean bill.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ConclusionsByTruth {
    pub weak_caller: Found,
    pub weak_sales_manager: Found,
    /// Equal departments told "no one is below" and "not enough data".
    pub equal_no_one: usize,
    pub equal_not_enough_data: usize,
    /// Departments with a weak person told "no one is below".
    pub weak_no_one: usize,
}

impl ConclusionsByTruth {
    fn record(&mut self, weak: Option<(Role, i64)>, conclusion: &Conclusion) {
        let named = match *conclusion {
            Conclusion::WeakLink { role, id, .. } => Some((role, id)),
            _ => None,
        };
        let no_one = matches!(conclusion, Conclusion::NoOneBelow);
        match weak {
            Some(w) => {
                let found = match w.0 {
                    Role::Caller => &mut self.weak_caller,
                    Role::SalesManager => &mut self.weak_sales_manager,
                };
                found.departments += 1;
                if named == Some(w) {
                    found.found += 1;
                }
                if no_one {
                    self.weak_no_one += 1;
                }
            }
            None => {
                if no_one {
                    self.equal_no_one += 1;
                }
                if matches!(conclusion, Conclusion::NotEnoughData { .. }) {
                    self.equal_not_enough_data += 1;
                }
            }
        }
    }
}

/// What the reference was told about the base rate, for reporting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferenceBase {
    Estimated,
    Known,
}

/// How a reference operating point was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Calibration {
    /// A fixed false-alarm target.
    Fixed,
    /// The model's own measured false-alarm rate at that length: a like-for-like comparison.
    MatchedToModel,
    /// The most detecting threshold that still keeps, on these very departments, false alarms
    /// ≤ 5 % and wrong names ≤ 2 % (the limits). Chosen in-sample, so it flatters the
    /// reference.
    HeldToLimits,
}

/// The reference at another operating point.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ReferencePoint {
    pub months: u32,
    pub base: ReferenceBase,
    /// The false-alarm target the threshold was calibrated to (on the calibration departments).
    pub false_alarm_target: f64,
    pub calibration: Calibration,
    pub threshold: f64,
    pub scores: Scores,
}

/// One goal of the issue and whether the run met it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GoalCheck {
    pub goal: String,
    pub measured: f64,
    /// The measured value as written in the table.
    pub display: String,
    pub met: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ValidationTable {
    pub departments_per_length: usize,
    pub seed: u64,
    pub calibration_departments: usize,
    pub diagnosis: DiagnosisConfig,
    pub reference_false_alarm: f64,
    pub rows: Vec<ValidationRow>,
    pub reference_points: Vec<ReferencePoint>,
}

/// SplitMix64's finaliser: spreads a counter over 64 bits.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The seed of one department.
pub(super) fn department_seed(seed: u64, stream: u64, months: u32, index: usize) -> u64 {
    mix(mix(mix(mix(seed) ^ stream) ^ u64::from(months)) ^ index as u64)
}

pub(super) const VALIDATION_STREAM: u64 = 1;
pub(super) const CALIBRATION_STREAM: u64 = 2;

/// The validation of issue 4 §3 with the default settings: `departments_per_length` departments
/// for each of 3, 6 and 12 months of history.
pub fn validate(departments_per_length: usize, seed: u64) -> ValidationTable {
    validate_with(&ValidationConfig::new(departments_per_length, seed))
}

/// The reference statistics of a department, with an estimated and with a known base rate; a
/// department it cannot read counts as "no one".
fn statistics(d: &SimulatedDepartment, weak_factor: f64) -> (LikelihoodRatio, LikelihoodRatio) {
    let none = LikelihoodRatio {
        best: None,
        log_ratio: f64::NEG_INFINITY,
    };
    let estimated = reference::likelihood_ratio(&d.pairs, weak_factor, BaseRate::Estimated);
    let known =
        reference::likelihood_ratio(&d.pairs, weak_factor, BaseRate::Known(d.base_conversion));
    (estimated.unwrap_or(none), known.unwrap_or(none))
}

fn department(
    config: &ValidationConfig,
    stream: u64,
    months: u32,
    index: usize,
    kind: TruthKind,
) -> SimulatedDepartment {
    let mut rng = ChaCha8Rng::seed_from_u64(department_seed(config.seed, stream, months, index));
    simulated::generate(&config.generator, months, kind, &mut rng)
}

/// A validation department as the reference sees it: the truth and both statistics.
type Stored = (Option<(Role, i64)>, LikelihoodRatio, LikelihoodRatio);

/// Scores a reference variant at a threshold over the stored departments.
fn score_reference(departments: &[Stored], base: ReferenceBase, threshold: f64) -> Scores {
    let mut scores = Scores::default();
    for (weak, estimated, known) in departments {
        let lr = match base {
            ReferenceBase::Estimated => estimated,
            ReferenceBase::Known => known,
        };
        let answer = lr.named(threshold);
        scores.record(*weak, answer, answer.as_slice());
    }
    scores
}

/// The validation with explicit settings.
pub fn validate_with(config: &ValidationConfig) -> ValidationTable {
    let weak_factor = config.generator.weak_factor;
    let mut rows = Vec::new();
    let mut reference_points = Vec::new();
    for &months in &config.lengths {
        let (null_estimated, null_known): (Vec<f64>, Vec<f64>) = (0..config
            .calibration_departments)
            .map(|i| {
                let d = department(config, CALIBRATION_STREAM, months, i, TruthKind::AllEqual);
                let (e, k) = statistics(&d, weak_factor);
                (e.log_ratio, k.log_ratio)
            })
            .unzip();
        let threshold = reference::calibrate(&null_estimated, config.reference_false_alarm);

        let mut row = ValidationRow {
            months,
            model: Scores::default(),
            model_not_enough_data: 0,
            model_no_one_below: 0,
            model_most_likely: 0,
            model_errors: 0,
            conclusions: ConclusionsByTruth::default(),
            reference: Scores::default(),
            reference_threshold: threshold,
        };
        let mut stored = Vec::with_capacity(config.departments_per_length);
        for i in 0..config.departments_per_length {
            let kind = TruthKind::ALL[i % TruthKind::ALL.len()];
            let d = department(config, VALIDATION_STREAM, months, i, kind);
            let weak = d.truth.weak();
            match diagnose_with(&d.pairs, &config.diagnosis) {
                Ok(diagnosis) => {
                    let named: Vec<(Role, i64)> = diagnosis
                        .credibly_below()
                        .iter()
                        .map(|p| (p.role, p.id))
                        .collect();
                    let answer = match diagnosis.conclusion {
                        Conclusion::WeakLink { role, id, .. } => Some((role, id)),
                        Conclusion::NoOneBelow => {
                            row.model_no_one_below += 1;
                            None
                        }
                        Conclusion::MostLikely { .. } => {
                            row.model_most_likely += 1;
                            None
                        }
                        Conclusion::NotEnoughData { .. } => {
                            row.model_not_enough_data += 1;
                            None
                        }
                    };
                    row.model.record(weak, answer, &named);
                    row.conclusions.record(weak, &diagnosis.conclusion);
                }
                Err(_) => {
                    row.model_errors += 1;
                    row.model.record(weak, None, &[]);
                }
            }
            let (estimated, known) = statistics(&d, weak_factor);
            stored.push((weak, estimated, known));
        }
        row.reference = score_reference(&stored, ReferenceBase::Estimated, threshold);

        // Like for like: the reference at the model's own false-alarm rate.
        let matched = row.model.false_alarm_rate();
        let matched_threshold = reference::calibrate(&null_estimated, matched);
        reference_points.push(ReferencePoint {
            months,
            base: ReferenceBase::Estimated,
            false_alarm_target: matched,
            calibration: Calibration::MatchedToModel,
            threshold: matched_threshold,
            scores: score_reference(&stored, ReferenceBase::Estimated, matched_threshold),
        });
        // The reference held to the limits: the best of a grid of targets.
        let held = (1..=40)
            .map(|k| f64::from(k) * 0.0025)
            .map(|target| {
                let t = reference::calibrate(&null_estimated, target);
                (
                    target,
                    t,
                    score_reference(&stored, ReferenceBase::Estimated, t),
                )
            })
            .filter(|(_, _, s)| s.false_alarm_rate() <= 0.05 && s.wrong_name_rate() <= 0.02)
            .max_by(|a, b| a.2.detected.cmp(&b.2.detected).then(b.1.total_cmp(&a.1)));
        if let Some((target, t, scores)) = held {
            reference_points.push(ReferencePoint {
                months,
                base: ReferenceBase::Estimated,
                false_alarm_target: target,
                calibration: Calibration::HeldToLimits,
                threshold: t,
                scores,
            });
        }
        for &(_, target) in config.reference_points.iter().filter(|(m, _)| *m == months) {
            for (base, null) in [
                (ReferenceBase::Estimated, &null_estimated),
                (ReferenceBase::Known, &null_known),
            ] {
                let t = reference::calibrate(null, target);
                reference_points.push(ReferencePoint {
                    months,
                    base,
                    false_alarm_target: target,
                    calibration: Calibration::Fixed,
                    threshold: t,
                    scores: score_reference(&stored, base, t),
                });
            }
        }
        rows.push(row);
    }
    ValidationTable {
        departments_per_length: config.departments_per_length,
        seed: config.seed,
        calibration_departments: config.calibration_departments,
        diagnosis: config.diagnosis,
        reference_false_alarm: config.reference_false_alarm,
        rows,
        reference_points,
    }
}

pub(super) fn pct(x: f64) -> String {
    format!("{:.1} %", x * 100.0)
}

pub(super) fn with_counts(rate: f64, part: usize, whole: usize) -> String {
    format!("{} ({part}/{whole})", pct(rate))
}

pub(super) fn detection(s: &Scores) -> String {
    with_counts(s.detection(), s.detected, s.with_weak)
}

pub(super) fn wrong_names(s: &Scores) -> String {
    with_counts(s.wrong_name_rate(), s.wrong_name, s.departments)
}

pub(super) fn false_alarms(s: &Scores) -> String {
    with_counts(s.false_alarm_rate(), s.false_alarms, s.equal)
}

impl ValidationTable {
    pub fn row(&self, months: u32) -> Option<&ValidationRow> {
        self.rows.iter().find(|r| r.months == months)
    }

    /// The goals of issue 4 §3, checked against this run.
    pub fn goals(&self) -> Vec<GoalCheck> {
        let mut goals = Vec::new();
        for r in &self.rows {
            let fa = r.model.false_alarm_rate();
            goals.push(GoalCheck {
                goal: format!("{} months: false alarms ≤ 5 %", r.months),
                measured: fa,
                display: pct(fa),
                met: fa <= 0.05,
            });
            let wrong = r.model.wrong_name_rate();
            goals.push(GoalCheck {
                goal: format!("{} months: wrong names ≤ 2 %", r.months),
                measured: wrong,
                display: pct(wrong),
                met: wrong <= 0.02,
            });
        }
        for (months, target) in [(12, 0.90), (6, 0.60)] {
            if let Some(r) = self.row(months) {
                let det = r.model.detection();
                goals.push(GoalCheck {
                    goal: format!("{months} months: detection ≥ {:.0} %", target * 100.0),
                    measured: det,
                    display: pct(det),
                    met: det >= target,
                });
                let gap = r.reference.detection() - det;
                goals.push(GoalCheck {
                    goal: format!("{months} months: detection within 10 points of the reference"),
                    measured: gap,
                    display: format!("{:.1} points behind", gap * 100.0),
                    met: gap <= 0.10,
                });
            }
        }
        goals
    }

    pub fn meets_goals(&self) -> bool {
        self.goals().iter().all(|g| g.met)
    }

    /// The table in Markdown, with the reference at other operating points and the goals.
    pub fn to_markdown(&self) -> String {
        let mut out = String::new();
        let c = &self.diagnosis;
        out.push_str(&format!(
            "{} simulated departments per history length (a third with a weak caller, a third \
             with a weak sales manager, a third all equal), seed {}. Model: the most probable \
             weak link is named when its posterior probability is {} or more (weak link's \
             conversion {}–{} of the others', spread of the alike {} in log-odds, prior \
             probability of no one {}), with at least {} accepted leads. Reference: told the \
             effect (half) and that at most one person is weak, base rate estimated, threshold \
             calibrated on {} equal departments per length to {} false alarms.\n\n",
            self.departments_per_length,
            self.seed,
            c.threshold,
            c.weak_ratio.0,
            c.weak_ratio.1,
            c.equal_sd,
            c.prior_no_one,
            c.min_accepted,
            self.calibration_departments,
            pct(self.reference_false_alarm),
        ));
        out.push_str(
            "| history | detection: model | detection: reference | wrong names: model | wrong \
             names: reference | false alarms: model | false alarms: reference | model says \
             \"not enough data\" |\n",
        );
        out.push_str("|---|---|---|---|---|---|---|---|\n");
        for r in &self.rows {
            out.push_str(&format!(
                "| {} months | {} | {} | {} | {} | {} | {} | {} |\n",
                r.months,
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
            ));
        }
        out.push_str(
            "\nThe model's conclusions by truth: the share of weak callers and of weak sales \
             managers named; what equal departments were told; and how many departments with a \
             weak person were told \"no one is below\" (a wrong clean bill).\n\n",
        );
        out.push_str(
            "| history | weak caller named | weak sales manager named | equal: \"no one\" | \
             equal: \"not enough data\" | weak person, yet \"no one\" |\n",
        );
        out.push_str("|---|---|---|---|---|---|\n");
        for r in &self.rows {
            let c = &r.conclusions;
            out.push_str(&format!(
                "| {} months | {} | {} | {} | {} | {} |\n",
                r.months,
                with_counts(
                    c.weak_caller.rate(),
                    c.weak_caller.found,
                    c.weak_caller.departments
                ),
                with_counts(
                    c.weak_sales_manager.rate(),
                    c.weak_sales_manager.found,
                    c.weak_sales_manager.departments
                ),
                with_counts(
                    share(c.equal_no_one, r.model.equal),
                    c.equal_no_one,
                    r.model.equal
                ),
                with_counts(
                    share(c.equal_not_enough_data, r.model.equal),
                    c.equal_not_enough_data,
                    r.model.equal
                ),
                with_counts(
                    share(c.weak_no_one, r.model.with_weak),
                    c.weak_no_one,
                    r.model.with_weak
                ),
            ));
        }
        if !self.reference_points.is_empty() {
            out.push_str(
                "\nThe reference at other operating points, on the same departments. \"The \
                 model's\": calibrated to the model's measured false-alarm rate at that length. \
                 \"Held to the limits\": the most detecting threshold that keeps false alarms \
                 ≤ 5 % and wrong names ≤ 2 % on these very departments (chosen in-sample, so it \
                 flatters the reference). \"Known\" base rate: also told the department's true \
                 base conversion, an oracle.\n\n",
            );
            out.push_str(
                "| history | base rate | false-alarm target | detection | wrong names | false \
                 alarms |\n",
            );
            out.push_str("|---|---|---|---|---|---|\n");
            for p in &self.reference_points {
                let target = match p.calibration {
                    Calibration::Fixed => pct(p.false_alarm_target),
                    Calibration::MatchedToModel => {
                        format!("{}, the model's", pct(p.false_alarm_target))
                    }
                    Calibration::HeldToLimits => {
                        format!("{}, held to the limits", pct(p.false_alarm_target))
                    }
                };
                out.push_str(&format!(
                    "| {} months | {} | {} | {} | {} | {} |\n",
                    p.months,
                    match p.base {
                        ReferenceBase::Estimated => "estimated",
                        ReferenceBase::Known => "known",
                    },
                    target,
                    detection(&p.scores),
                    wrong_names(&p.scores),
                    false_alarms(&p.scores),
                ));
            }
        }
        let held: Vec<String> = self
            .reference_points
            .iter()
            .filter(|p| p.calibration == Calibration::HeldToLimits && p.months >= 6)
            .filter_map(|p| {
                let r = self.row(p.months)?;
                Some(format!(
                    "{} months: {:.1} points behind",
                    p.months,
                    (p.scores.detection() - r.model.detection()) * 100.0
                ))
            })
            .collect();
        if !held.is_empty() {
            out.push_str(&format!(
                "\nLike for like, against the reference held to the same limits: {}.\n",
                held.join("; ")
            ));
        }
        out.push_str("\nGoals of issue 4 §3:\n\n");
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
