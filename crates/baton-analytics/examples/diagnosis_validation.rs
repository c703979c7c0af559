//! Prints the validation table of the weak-link diagnosis.
//!
//! `cargo run --release -p baton-analytics --example diagnosis_validation -- 600 42`
//! (departments per history length, seed).

use std::time::Instant;

use baton_analytics::diagnosis::validation::validate;

fn main() {
    let mut args = std::env::args().skip(1);
    let departments = args.next().and_then(|a| a.parse().ok()).unwrap_or(600);
    let seed = args.next().and_then(|a| a.parse().ok()).unwrap_or(42);
    let started = Instant::now();
    let table = validate(departments, seed);
    let elapsed = started.elapsed();
    println!("{}", table.to_markdown());
    println!("Run time: {:.1} s.", elapsed.as_secs_f64());
}
