//! What-if (issue 6): plan replay on recorded months and the structure simulator, whose
//! model is pure (crate `baton-simulation`); this module loads history and applies the rights.
//!
//! - `replay.rs`: a draft plan replayed on past months against what was paid.
//! - `structure.rs`: the department's monthly history for the simulator's estimates, and the
//!   simulator run with a preset, the estimated or the default parameters.

pub mod replay;
pub mod structure;

/// The structure simulator's types (parameters, scenarios, settings, results).
pub use baton_simulation::structure as sim;

use crate::error::AppResult;
use crate::rights::Actor;
use rust_decimal::{Decimal, RoundingStrategy};

/// Who may replay pay: as for payroll (head: own region; director, admin, accountant: all).
/// Returns the region a head is limited to.
pub(crate) fn may_read_pay(actor: Option<&Actor>) -> AppResult<Option<String>> {
    let Some(a) = actor else { return Ok(None) };
    crate::rights::region_limit(a, crate::rights::Action::Replay)
}

/// Who may simulate the department's structure: head (own region's history), director, admin.
pub(crate) fn may_simulate(actor: Option<&Actor>) -> AppResult<Option<String>> {
    let Some(a) = actor else { return Ok(None) };
    crate::rights::region_limit(a, crate::rights::Action::Simulate)
}

/// `part ÷ whole × 100`, rounded to 0.1 (half away from zero); none when `whole` is 0.
pub fn pct(part: Decimal, whole: Decimal) -> Option<Decimal> {
    if whole.is_zero() {
        return None;
    }
    part.checked_mul(Decimal::ONE_HUNDRED)?
        .checked_div(whole)
        .map(|v| v.round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero))
}

/// Payroll as a percentage of collections, to 0.1; none without positive collections.
pub fn share_pct(payroll: Decimal, collections: Decimal) -> Option<Decimal> {
    if collections <= Decimal::ZERO {
        return None;
    }
    pct(payroll, collections)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn percentages_round_half_away_from_zero() {
        let d = |s: &str| Decimal::from_str(s).unwrap_or_default();
        assert_eq!(pct(d("1"), d("3")), Some(d("33.3")));
        assert_eq!(pct(d("-1"), d("8")), Some(d("-12.5")));
        assert_eq!(pct(d("1"), d("1600")), Some(d("0.1")));
        assert_eq!(pct(d("-1"), d("1600")), Some(d("-0.1")));
        assert_eq!(pct(d("5"), d("0")), None);
        assert_eq!(share_pct(d("5"), d("-10")), None);
    }
}
