//! The conveyor's types and rules: pure Rust, no IO. Everything here is decided from plain data
//! and unit-tested in microseconds; storage and HTTP live in other crates.

pub mod assignment;
pub mod calendar;
pub mod company;
pub mod config;
pub mod error;
pub mod event;
pub mod inn;
pub mod input;
pub mod lead;
pub mod money;
pub mod phone;
pub mod role;
pub mod schema;
pub mod task;

pub use config::ConveyorConfig;
pub use error::RuleError;
pub use inn::{Inn, Kpp};
pub use lead::{Lead, LeadSource, LeadStage};
pub use money::Money;
pub use phone::Phone;
pub use role::Role;

/// Outcomes of a call (PRODUCT.md §4.1). The `dm_*` outcomes mean the decision maker was reached.
/// `connected` comes from telephony: they talked, and the PBX cannot say with whom.
pub const CALL_OUTCOMES: [&str; 7] = [
    "no_answer",
    "connected",
    "gatekeeper",
    "wrong_contact",
    "dm_interested",
    "dm_callback",
    "dm_not_interested",
];

pub fn is_dm_outcome(o: &str) -> bool {
    o.starts_with("dm_")
}
