//! `baton simulate …`: plan replay and the structure simulator (issue 6), thin over baton-app.

use anyhow::Result;
use clap::Subcommand;

#[derive(Subcommand)]
pub enum SimulateCmd {}

pub fn run(what: SimulateCmd) -> Result<()> {
    match what {}
}
