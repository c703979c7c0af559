//! `baton targets copy`: carries one month's targets to another for review (docs/plans.md,
//! "Targets").

use anyhow::Result;
use baton_app::App;
use clap::Subcommand;

const DEFAULT_DB: &str = "sqlite://data/baton.db";

#[derive(Subcommand)]
pub enum TargetsCmd {
    /// Copy every target of --from to --to where --to has none for that person and metric.
    /// Needs --as (a head copies their region's, the director or an admin everyone's).
    Copy {
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: String,
        #[arg(long, env = "BATON_DB", default_value = DEFAULT_DB)]
        db: String,
    },
}

pub fn run(cmd: TargetsCmd) -> Result<()> {
    let TargetsCmd::Copy { from, to, db } = cmd;
    let app = App::open(&db).map_err(crate::fail)?;
    let actor = crate::named(&app, "targets copy")?;
    let c = app.copy_targets(&actor, &from, &to).map_err(crate::fail)?;
    println!(
        "Targets {from} → {to}: {} copied, {} already set for {to} and kept.",
        c.copied, c.kept
    );
    Ok(())
}
