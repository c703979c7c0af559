//! `baton tasks`: a person's tasks and reminders from the command line (issue 18) — list «my
//! day» or a company's tasks, set one, close one. Every subcommand acts as `--as LOGIN`, with
//! that person's rights, as the web and the API do.

use anyhow::Result;
use baton_app::App;
use baton_app::conveyor::tasks::{CloseTask, NewTask, TaskView};
use baton_catalog::Lang;
use clap::Subcommand;

const DEFAULT_DB: &str = "sqlite://data/baton.db";

#[derive(Subcommand)]
pub enum TasksCmd {
    /// My day: open tasks overdue, today and tomorrow (company time); with --company, that
    /// company's open tasks within your reach.
    List {
        #[arg(long)]
        company: Option<String>,
        /// json prints what the API serves.
        #[arg(long, default_value = "text")]
        format: String,
        #[arg(long, env = "BATON_DB", default_value = DEFAULT_DB)]
        db: String,
    },
    /// Set a task: --kind call_back|meeting|send_offer|collect_payment --due "2026-12-08 10:00"
    /// (company time) --company ID [--owner LOGIN] [--note TEXT].
    Add {
        #[arg(long)]
        kind: String,
        #[arg(long)]
        due: String,
        #[arg(long)]
        company: String,
        /// Whose task (a login within your reach); yours by default.
        #[arg(long)]
        owner: Option<String>,
        #[arg(long)]
        lead: Option<String>,
        #[arg(long)]
        invoice: Option<String>,
        #[arg(long)]
        note: Option<String>,
        #[arg(long, env = "BATON_DB", default_value = DEFAULT_DB)]
        db: String,
    },
    /// Close a task: --outcome done|cancelled [--result TEXT].
    Close {
        id: String,
        #[arg(long, default_value = "done")]
        outcome: String,
        #[arg(long)]
        result: Option<String>,
        #[arg(long, env = "BATON_DB", default_value = DEFAULT_DB)]
        db: String,
    },
}

pub fn run(cmd: TasksCmd) -> Result<()> {
    let l = crate::lang();
    match cmd {
        TasksCmd::List {
            company,
            format,
            db,
        } => {
            let app = App::open(&db).map_err(crate::fail)?;
            let actor = crate::named(&app, "tasks list")?;
            let json = format == "json";
            let tz = app.config().map_err(crate::fail)?.tz();
            if let Some(c) = company {
                let tasks = app.company_tasks(&actor, &c).map_err(crate::fail)?;
                if json {
                    println!("{}", serde_json::to_string_pretty(&tasks)?);
                } else {
                    for t in &tasks {
                        println!("{}", line(l, tz, t));
                    }
                }
                return Ok(());
            }
            let day = app.my_day(&actor).map_err(crate::fail)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&day)?);
                return Ok(());
            }
            for (title, tasks) in [
                ("page-my-day-overdue", &day.overdue),
                ("page-my-day-today", &day.today),
                ("page-my-day-tomorrow", &day.tomorrow),
            ] {
                if tasks.is_empty() {
                    continue;
                }
                println!("{} ({})", l.tr(title), tasks.len());
                for t in tasks {
                    println!("  {}", line(l, tz, t));
                }
            }
            if day.overdue.is_empty() && day.today.is_empty() && day.tomorrow.is_empty() {
                println!("{}", l.tr("page-my-day-none"));
            }
            if day.later > 0 {
                println!("{}: {}", l.tr("page-my-day-later"), day.later);
            }
        }
        TasksCmd::Add {
            kind,
            due,
            company,
            owner,
            lead,
            invoice,
            note,
            db,
        } => {
            let app = App::open(&db).map_err(crate::fail)?;
            let actor = crate::named(&app, "tasks add")?;
            let owner_id = match owner {
                Some(login) => Some(app.actor_by_login(&login).map_err(crate::fail)?.id),
                None => None,
            };
            let t = app
                .add_task(
                    &actor,
                    NewTask {
                        owner_id,
                        kind,
                        due_at: due,
                        company_id: company,
                        lead_id: lead,
                        invoice_id: invoice,
                        note,
                    },
                )
                .map_err(crate::fail)?;
            println!("{}\t{}", t.id, t.due_at);
        }
        TasksCmd::Close {
            id,
            outcome,
            result,
            db,
        } => {
            let app = App::open(&db).map_err(crate::fail)?;
            let actor = crate::named(&app, "tasks close")?;
            let t = app
                .close_task(&actor, &id, CloseTask { outcome, result })
                .map_err(crate::fail)?;
            println!("{}\t{}", t.id, t.outcome.unwrap_or_default());
        }
    }
    Ok(())
}

/// One task on a line: id, due (company time), kind, company, phone, note.
fn line(l: Lang, tz: chrono_tz::Tz, tv: &TaskView) -> String {
    let t = &tv.task;
    let mut s = format!(
        "{}  {}  {}  {}",
        t.id,
        local(&t.due_at, tz),
        baton_catalog::term(l, "task", &t.kind),
        tv.company_name
    );
    if let Some(p) = &tv.phone {
        s.push_str(&format!("  {p}"));
    }
    if let Some(n) = &tv.invoice_number {
        s.push_str(&format!("  {} {n}", l.tr("page-invoice-no")));
    }
    if let Some(n) = &t.note {
        s.push_str(&format!("  — {n}"));
    }
    s
}

/// A stored instant as the company's clock shows it.
fn local(stamp: &str, tz: chrono_tz::Tz) -> String {
    chrono::DateTime::parse_from_rfc3339(stamp)
        .map(|t| t.with_timezone(&tz).format("%d.%m.%Y %H:%M").to_string())
        .unwrap_or_else(|_| stamp.to_string())
}
