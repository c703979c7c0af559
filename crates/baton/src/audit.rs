//! `baton audit verify`: walks the audit chain (docs/operations.md, "The audit chain"). It only
//! reads, so it runs without a login, as the other local commands do.

use anyhow::Result;
use baton_app::App;
use clap::Subcommand;

const DEFAULT_DB: &str = "sqlite://data/baton.db";

#[derive(Subcommand)]
pub enum AuditCmd {
    /// Check that no audit event was edited, deleted or moved. Exit 0 when the chain is
    /// intact, 1 naming the first broken event otherwise. Prints the head: note it elsewhere
    /// to detect a later rewrite of the whole chain.
    Verify {
        /// json prints what `GET /api/audit/verify` serves.
        #[arg(long, default_value = "text")]
        format: String,
        #[arg(long, env = "BATON_DB", default_value = DEFAULT_DB)]
        db: String,
    },
}

pub fn run(cmd: AuditCmd) -> Result<()> {
    let AuditCmd::Verify { format, db } = cmd;
    let app = App::open(&db).map_err(crate::fail)?;
    let v = app.verify_audit(None).map_err(crate::fail)?;
    match format.as_str() {
        "json" => println!("{}", serde_json::to_string_pretty(&v)?),
        "text" => match &v.first_broken {
            None => println!(
                "The audit chain is intact: {} events. Head: event {} with hash {}",
                v.events, v.head_seq, v.head_hash
            ),
            Some(b) => eprintln!(
                "The audit chain is broken at event {} (place {}): {} ({}). {} events stored; the head records {} with hash {}",
                b.id.as_deref().unwrap_or("(none left)"),
                b.seq.map_or("-".to_string(), |s| s.to_string()),
                serde_json::to_value(b.reason)?.as_str().unwrap_or(""),
                b.message,
                v.events,
                v.head_seq,
                v.head_hash
            ),
        },
        other => anyhow::bail!("--format «{other}»: use text or json"),
    }
    if !v.ok {
        std::process::exit(1);
    }
    Ok(())
}
