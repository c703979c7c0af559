//! How the diagnosis's settings were chosen: detection, wrong names and false alarms of the
//! model at several thresholds, then with one setting at a time changed, on a tuning run whose
//! seed differs from the published one.
//!
//! `cargo run --release -p baton-analytics --example diagnosis_threshold_scan -- 3000 11`
//! (departments per history length, seed).

use baton_analytics::diagnosis::DiagnosisConfig;
use baton_analytics::diagnosis::validation::{ValidationConfig, validate_with};

fn run(departments: usize, seed: u64, label: &str, diagnosis: DiagnosisConfig) {
    let mut config = ValidationConfig::new(departments, seed);
    config.diagnosis = diagnosis;
    // The reference is not needed here.
    config.calibration_departments = 0;
    config.reference_points.clear();
    let table = validate_with(&config);
    for r in &table.rows {
        println!(
            "| {label} | {} months | {:.1} % | {:.1} % | {:.1} % | {:.1} % |",
            r.months,
            100.0 * r.model.detection(),
            100.0 * r.model.wrong_name_rate(),
            100.0 * r.model.false_alarm_rate(),
            100.0 * r.model_not_enough_data as f64 / r.model.departments.max(1) as f64,
        );
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let departments = args.next().and_then(|a| a.parse().ok()).unwrap_or(3000);
    let seed = args.next().and_then(|a| a.parse().ok()).unwrap_or(11);
    let defaults = DiagnosisConfig::default();
    println!("| threshold | history | detection | wrong names | false alarms | not enough data |");
    println!("|---|---|---|---|---|---|");
    for threshold in [0.55, 0.6, 0.65, 0.7, 0.75, 0.8] {
        let diagnosis = DiagnosisConfig {
            threshold,
            ..defaults
        };
        run(departments, seed, &threshold.to_string(), diagnosis);
    }
    println!();
    println!(
        "| one setting changed (threshold {}) | history | detection | wrong names | false alarms \
         | not enough data |",
        defaults.threshold
    );
    println!("|---|---|---|---|---|---|");
    let variants = [
        ("none", defaults),
        (
            "spread of the alike 0.03",
            DiagnosisConfig {
                equal_sd: 0.03,
                ..defaults
            },
        ),
        (
            "spread of the alike 0.10",
            DiagnosisConfig {
                equal_sd: 0.10,
                ..defaults
            },
        ),
        (
            "spread of the alike 0.15",
            DiagnosisConfig {
                equal_sd: 0.15,
                ..defaults
            },
        ),
        (
            "weak link at 0.2–0.9",
            DiagnosisConfig {
                weak_ratio: (0.2, 0.9),
                ..defaults
            },
        ),
        (
            "weak link at 0.4–0.7",
            DiagnosisConfig {
                weak_ratio: (0.4, 0.7),
                ..defaults
            },
        ),
        (
            "minimum 40 leads",
            DiagnosisConfig {
                min_accepted: 40,
                ..defaults
            },
        ),
    ];
    for (label, diagnosis) in variants {
        run(departments, seed, label, diagnosis);
    }
}
