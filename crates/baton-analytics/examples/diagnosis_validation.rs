//! Prints the validation table of the weak-link diagnosis.
//!
//! `cargo run --release -p baton-analytics --example diagnosis_validation -- 600 42`
//! (departments per history length, seed). Two more numbers replace the simulated departments'
//! range of base conversion, e.g. `-- 3000 42 0.15 0.35` for the first generator's range.
//!
//! Then the same departments at 6 and 12 months with the window ending on the last handoff day:
//! fully matured, naive, and with the censoring model (issue 16, item 3); `--lengths 6,8,12`
//! chooses other history lengths for that second table, `--lag 30,0.6` another lognormal lag
//! (median days, σ).

use std::time::Instant;

use baton_analytics::diagnosis::validation::{ValidationConfig, validate_with};
use baton_analytics::diagnosis::validation_censored::{
    CensoredValidationConfig, validate_censored,
};

fn main() {
    let mut all: Vec<String> = std::env::args().skip(1).collect();
    let mut option = |name: &str| -> Option<Vec<f64>> {
        let i = all.iter().position(|a| a == name)?;
        let list = all.get(i + 1).cloned().unwrap_or_default();
        all.drain(i..(i + 2).min(all.len()));
        Some(
            list.split(',')
                .filter_map(|m| m.trim().parse::<f64>().ok())
                .collect(),
        )
    };
    let lengths: Option<Vec<u32>> =
        option("--lengths").map(|l| l.iter().map(|&m| m as u32).collect());
    let lag = option("--lag");
    let mut args = all.into_iter();
    let departments = args.next().and_then(|a| a.parse().ok()).unwrap_or(600);
    let seed = args.next().and_then(|a| a.parse().ok()).unwrap_or(42);
    let mut config = ValidationConfig::new(departments, seed);
    let low = args.next().and_then(|a| a.parse::<f64>().ok());
    let high = args.next().and_then(|a| a.parse::<f64>().ok());
    if let (Some(low), Some(high)) = (low, high) {
        config.generator.base_conversion = (low, high);
        println!("Base conversion drawn from {low}–{high}.\n");
    }
    let started = Instant::now();
    let table = validate_with(&config);
    let elapsed = started.elapsed();
    println!("{}", table.to_markdown());
    println!("Run time: {:.1} s.\n", elapsed.as_secs_f64());

    let mut censored = CensoredValidationConfig::new(departments, seed);
    censored.generator = config.generator;
    if let Some(lengths) = lengths {
        censored.lengths = lengths;
    }
    if let Some(&[median, sigma]) = lag.as_deref() {
        censored.lag.median_days = median;
        censored.lag.sigma = sigma;
    }
    let started = Instant::now();
    let table = validate_censored(&censored);
    let elapsed = started.elapsed();
    println!("{}", table.to_markdown());
    println!("Run time: {:.1} s.", elapsed.as_secs_f64());
}
