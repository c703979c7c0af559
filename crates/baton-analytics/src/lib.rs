//! Analytics for the head of sales, pure Rust over plain counts: no database, no IO.
//!
//! [`diagnosis`] answers the conveyor's central question, "is low conversion the closer's fault,
//! or does the caller pass on cold leads?", with a two-factor model, a reference classifier and
//! a validation on simulated departments whose truth is known. [`pairs`] builds the caller ×
//! sales-manager matrix it reads; [`funnel`], [`aging`], [`retention`], [`costs`] and [`alerts`]
//! are the other instruments of issue 4.

pub mod aging;
pub mod alerts;
pub mod costs;
pub mod diagnosis;
pub mod funnel;
pub mod pairs;
pub mod plan_fact;
pub mod retention;
