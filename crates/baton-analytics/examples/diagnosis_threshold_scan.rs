//! How the diagnosis's threshold was chosen: detection, wrong names and false alarms of the
//! model at several thresholds, on a tuning run whose seed differs from the published one.
//!
//! `cargo run --release -p baton-analytics --example diagnosis_threshold_scan -- 3000 11`
//! (departments per history length, seed).

use baton_analytics::diagnosis::validation::{ValidationConfig, validate_with};

fn main() {
    let mut args = std::env::args().skip(1);
    let departments = args.next().and_then(|a| a.parse().ok()).unwrap_or(3000);
    let seed = args.next().and_then(|a| a.parse().ok()).unwrap_or(11);
    println!("| threshold | history | detection | wrong names | false alarms | not enough data |");
    println!("|---|---|---|---|---|---|");
    for threshold in [0.98, 0.985, 0.99, 0.993, 0.995] {
        let mut config = ValidationConfig::new(departments, seed);
        config.diagnosis.threshold = threshold;
        // The reference is not needed here.
        config.calibration_departments = 0;
        config.reference_points.clear();
        let table = validate_with(&config);
        for r in &table.rows {
            println!(
                "| {threshold} | {} months | {:.1} % | {:.1} % | {:.1} % | {:.1} % |",
                r.months,
                100.0 * r.model.detection(),
                100.0 * r.model.wrong_name_rate(),
                100.0 * r.model.false_alarm_rate(),
                100.0 * r.model_not_enough_data as f64 / r.model.departments.max(1) as f64,
            );
        }
    }
}
