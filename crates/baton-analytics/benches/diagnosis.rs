//! `cargo bench -p baton-analytics`: the weak-link diagnosis of a department at the
//! 1 000-person scale (340 callers, 130 sales managers, one month of accepted leads) and of a
//! department of the size it was validated on. A plain harness: each case runs 7 times and
//! prints the median.

use baton_analytics::diagnosis::diagnose;
use baton_analytics::diagnosis::simulated::{GeneratorConfig, TruthKind, generate};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::time::Instant;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn case(name: &str, callers: usize, sales_managers: usize, months: u32) {
    let config = GeneratorConfig {
        callers: (callers, callers),
        sales_managers: (sales_managers, sales_managers),
        ..GeneratorConfig::default()
    };
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let department = generate(&config, months, TruthKind::WeakCaller, &mut rng);
    let mut times = Vec::new();
    for _ in 0..7 {
        let t = Instant::now();
        let d = diagnose(&department.pairs).expect("diagnosis");
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        std::hint::black_box(d);
    }
    println!(
        "{name}: {} pairs, median {:.2} ms over {} runs",
        department.pairs.len(),
        median(times.clone()),
        times.len()
    );
}

fn main() {
    case(
        "validated size (6 callers × 4 sales managers, 12 months)",
        6,
        4,
        12,
    );
    case(
        "1 000-person scale (340 callers × 130 sales managers, 1 month)",
        340,
        130,
        1,
    );
    // The demo's 1 000 people have as many sales managers as callers.
    case(
        "1 000-person demo shape (336 callers × 336 sales managers, 1 month)",
        336,
        336,
        1,
    );
}
