//! The calibration guard: the 80 % band of next quarter's new clients covers the quarter that
//! happened about 80 % of the time. The full run (1 000 histories) is in docs/simulator.md;
//! here 60 histories keep the test fast, so the accepted window is wider: with 60 histories
//! the coverage of a calibrated forecast has a standard deviation of √(0.8 × 0.2 ÷ 60) ≈ 5.2
//! points, and 65–95 % is about three of them either side.

use baton_simulation::structure::*;
use rust_decimal::Decimal;

#[test]
fn the_80_percent_band_covers_about_80_percent() {
    let r = calibrate(60, 2026);
    assert_eq!(r.histories, 60);
    assert_eq!(r.covered + r.below + r.above, 60);
    assert!(
        r.coverage >= Decimal::new(65, 2) && r.coverage <= Decimal::new(95, 2),
        "coverage {} ({r:?})",
        r.coverage
    );
    assert!(r.history_months_min >= 6 && r.history_months_max <= 12);
    assert_eq!(r.by_structure.len(), 3);
    // Deterministic.
    assert_eq!(r, calibrate(60, 2026));
}
