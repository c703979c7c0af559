//! The motivation engine's core: the plan language, tiers and tables, and the evaluation of a
//! plan into a statement whose every line says how it was computed. Pure Rust over plain
//! data; the metrics come from the caller. (Issue 3 builds crediting, periods and payroll on it.)

pub mod engine;
pub mod metrics;
pub mod number;
pub mod plan;
pub mod table;

pub use engine::{Inputs, Line, Statement, Threshold, evaluate, next_thresholds};
pub use plan::{Plan, PlanError, parse_plan};
