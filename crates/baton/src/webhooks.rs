//! `baton webhooks`: integrators' subscriptions and the delivery log from the command line
//! (issue 18 §5) — list, add, enable, disable, remove, the log and a redelivery. Every
//! subcommand acts as `--as LOGIN` (a director or an admin), as the web and the API do.

use anyhow::Result;
use baton_app::webhooks::NewWebhook;
use baton_app::{App, Paging};
use clap::Subcommand;

const DEFAULT_DB: &str = "sqlite://data/baton.db";

#[derive(Subcommand)]
pub enum WebhooksCmd {
    /// The subscriptions: id, on/off, failures in a row, address, events.
    List {
        #[arg(long, env = "BATON_DB", default_value = DEFAULT_DB)]
        db: String,
    },
    /// Subscribe an address to events (--event lead.handed --event payment.recorded; none:
    /// all). Prints the id and the signing secret, shown this once.
    Add {
        url: String,
        #[arg(long = "event")]
        events: Vec<String>,
        #[arg(long, env = "BATON_DB", default_value = DEFAULT_DB)]
        db: String,
    },
    /// Turn a subscription on again (its failure count restarts).
    Enable {
        id: String,
        #[arg(long, env = "BATON_DB", default_value = DEFAULT_DB)]
        db: String,
    },
    /// Turn a subscription off.
    Disable {
        id: String,
        #[arg(long, env = "BATON_DB", default_value = DEFAULT_DB)]
        db: String,
    },
    /// Remove a subscription (its log stays).
    Remove {
        id: String,
        #[arg(long, env = "BATON_DB", default_value = DEFAULT_DB)]
        db: String,
    },
    /// The delivery log, newest first: --channel webhook|email|telegram, --status
    /// pending|delivered|failed.
    Log {
        #[arg(long)]
        channel: Option<String>,
        #[arg(long)]
        status: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: i64,
        #[arg(long, env = "BATON_DB", default_value = DEFAULT_DB)]
        db: String,
    },
    /// Send a delivery again now.
    Redeliver {
        id: String,
        #[arg(long, env = "BATON_DB", default_value = DEFAULT_DB)]
        db: String,
    },
}

fn on(env: &str) -> bool {
    std::env::var(env).is_ok_and(|v| matches!(v.trim(), "1" | "true" | "yes" | "on"))
}

pub fn run(cmd: WebhooksCmd) -> Result<()> {
    let open = |db: &str, what: &str| -> Result<(App, baton_app::Actor)> {
        let app = App::open(db).map_err(crate::fail)?;
        let actor = crate::named(&app, what)?;
        Ok((app, actor))
    };
    match cmd {
        WebhooksCmd::List { db } => {
            let (app, actor) = open(&db, "webhooks list")?;
            for h in app.webhooks(&actor).map_err(crate::fail)? {
                println!(
                    "{}\t{}\t{}\t{}\t{}",
                    h.id,
                    if h.active { "on" } else { "off" },
                    h.failures,
                    h.url,
                    h.events.join(",")
                );
            }
        }
        WebhooksCmd::Add { url, events, db } => {
            let (app, actor) = open(&db, "webhooks add")?;
            let allow = on("BATON_WEBHOOKS_ALLOW_PRIVATE");
            let c = app
                .add_webhook(&actor, NewWebhook { url, events }, allow)
                .map_err(crate::fail)?;
            println!("{}\t{}", c.webhook.id, c.secret);
        }
        WebhooksCmd::Enable { id, db } => {
            let (app, actor) = open(&db, "webhooks enable")?;
            let h = app
                .set_webhook_active(&actor, &id, true)
                .map_err(crate::fail)?;
            println!("{}\ton", h.id);
        }
        WebhooksCmd::Disable { id, db } => {
            let (app, actor) = open(&db, "webhooks disable")?;
            let h = app
                .set_webhook_active(&actor, &id, false)
                .map_err(crate::fail)?;
            println!("{}\toff", h.id);
        }
        WebhooksCmd::Remove { id, db } => {
            let (app, actor) = open(&db, "webhooks remove")?;
            app.remove_webhook(&actor, &id).map_err(crate::fail)?;
        }
        WebhooksCmd::Log {
            channel,
            status,
            limit,
            db,
        } => {
            let (app, actor) = open(&db, "webhooks log")?;
            let page = app
                .deliveries(
                    &actor,
                    channel.as_deref(),
                    status.as_deref(),
                    Paging::new(Some(1), Some(limit)),
                )
                .map_err(crate::fail)?;
            for d in page.items {
                let d2 = &d.delivery;
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    d2.id,
                    d2.created_at,
                    d.kind,
                    d2.channel,
                    d2.status,
                    d2.attempts,
                    d2.last_code.map(|c| c.to_string()).unwrap_or_default(),
                    d2.last_error.as_deref().unwrap_or("")
                );
            }
        }
        WebhooksCmd::Redeliver { id, db } => {
            let (app, actor) = open(&db, "webhooks redeliver")?;
            let d = app.redeliver(&actor, &id).map_err(crate::fail)?;
            println!("{}\t{}", d.id, d.status);
        }
    }
    Ok(())
}
