//! `baton report …`: the head of sales' instruments (issue 4), thin over baton-app.

use anyhow::Result;
use clap::Subcommand;

#[derive(Subcommand)]
pub enum ReportCmd {}

pub fn run(what: ReportCmd) -> Result<()> {
    match what {}
}
