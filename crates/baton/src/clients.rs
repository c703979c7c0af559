//! `baton clients reassign`: moves clients to another client manager (docs/plans.md,
//! "Moving clients"). `--preview` shows the move and changes nothing.

use anyhow::Result;
use baton_app::App;
use baton_app::conveyor::portfolios::{MoveOutcome, Reassignment};
use baton_comp::number::rubles;
use clap::Subcommand;

const DEFAULT_DB: &str = "sqlite://data/baton.db";

#[derive(Subcommand)]
pub enum ClientsCmd {
    /// Move clients to another client manager in one transaction: the listed companies
    /// (--company, repeated or a file of ids with --companies-file), or every client of
    /// --from. Needs --as (a head in their region, the director or an admin).
    Reassign {
        /// The login of the client manager who takes the clients.
        #[arg(long)]
        to: String,
        /// The login of the manager whose whole book moves (when no companies are listed).
        #[arg(long)]
        from: Option<String>,
        /// A company id to move (repeat the option for several).
        #[arg(long = "company")]
        companies: Vec<String>,
        /// A file with one company id per line.
        #[arg(long)]
        companies_file: Option<std::path::PathBuf>,
        /// Show portfolios, revenue and pay before and after; change nothing.
        #[arg(long)]
        preview: bool,
        /// json prints what the API serves.
        #[arg(long, default_value = "text")]
        format: String,
        #[arg(long, env = "BATON_DB", default_value = DEFAULT_DB)]
        db: String,
    },
}

pub fn run(cmd: ClientsCmd) -> Result<()> {
    let ClientsCmd::Reassign {
        to,
        from,
        mut companies,
        companies_file,
        preview,
        format,
        db,
    } = cmd;
    let app = App::open(&db).map_err(crate::fail)?;
    let actor = crate::named(&app, "clients reassign")?;
    if let Some(f) = companies_file {
        let text =
            std::fs::read_to_string(&f).map_err(|e| anyhow::anyhow!("{}: {e}", f.display()))?;
        companies.extend(
            text.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_string),
        );
    }
    let id_of =
        |login: &str| -> Result<String> { Ok(app.actor_by_login(login).map_err(crate::fail)?.id) };
    let req = Reassignment {
        company_ids: companies,
        from_id: from.as_deref().map(id_of).transpose()?,
        to_id: id_of(&to)?,
    };
    let out = if preview {
        app.preview_reassignment(&actor, req)
    } else {
        app.reassign_clients(&actor, req)
    }
    .map_err(crate::fail)?;
    match format.as_str() {
        "json" => println!("{}", serde_json::to_string_pretty(&out)?),
        _ => print_outcome(&out),
    }
    Ok(())
}

fn print_outcome(o: &MoveOutcome) {
    println!(
        "{} {} client(s); {} kickoff(s) go with them.",
        if o.preview { "Would move" } else { "Moved" },
        o.moved,
        o.kickoffs_moved
    );
    let money = |v: Option<rust_decimal::Decimal>| v.map(rubles).unwrap_or_else(|| "—".into());
    for p in &o.people {
        println!(
            "  {:<28} clients {:>5} → {:<5} +{} −{}  revenue (12 months) +{} −{}",
            p.name,
            p.clients_before,
            p.clients_after,
            p.gained,
            p.lost,
            rubles(p.revenue_gained),
            rubles(p.revenue_lost)
        );
        if o.preview {
            println!(
                "  {:<28} pay {}: {} → {};  {}: {} → {}",
                "",
                o.this_month,
                money(p.pay_this_month_before),
                money(p.pay_this_month_after),
                o.next_month,
                money(p.pay_next_month_before),
                money(p.pay_next_month_after)
            );
        }
    }
}

#[derive(serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
struct FileRole {
    login: String,
    role: String,
}

/// One manager takes the whole book, or several take it in turn.
#[derive(serde::Deserialize, serde::Serialize)]
#[serde(untagged)]
enum FileTo {
    One(String),
    InTurn(Vec<String>),
}

#[derive(serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
struct FileMove {
    from: String,
    to: FileTo,
}

#[derive(serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
struct FileSplit {
    #[serde(default)]
    roles: Vec<FileRole>,
    #[serde(default)]
    moves: Vec<FileMove>,
}

/// `baton split --preset KIND --region CODE`: the preset's split file for the region, by login.
pub fn split_preset(kind: &str, region: &str, db: &str) -> Result<()> {
    let app = App::open(db).map_err(crate::fail)?;
    let actor = crate::named(&app, "split")?;
    let region_id = app
        .regions()
        .map_err(crate::fail)?
        .into_iter()
        .find(|r| r.code == region || r.id == region)
        .map(|r| r.id)
        .ok_or_else(|| anyhow::anyhow!("no region «{region}»: use its code, e.g. msk"))?;
    let split = app
        .split_preset(&actor, &region_id, kind)
        .map_err(crate::fail)?;
    let login = |id: &str| -> Result<String> { Ok(app.employee(id).map_err(crate::fail)?.login) };
    let file = FileSplit {
        roles: split
            .roles
            .iter()
            .map(|r| {
                Ok(FileRole {
                    login: login(&r.employee_id)?,
                    role: r.role.clone(),
                })
            })
            .collect::<Result<_>>()?,
        moves: split
            .moves
            .iter()
            .map(|m| {
                let mut to: Vec<String> = m
                    .to_id
                    .iter()
                    .chain(m.to_ids.iter())
                    .map(|id| login(id))
                    .collect::<Result<_>>()?;
                Ok(FileMove {
                    from: login(&m.from_id)?,
                    to: if to.len() == 1 {
                        FileTo::One(to.remove(0))
                    } else {
                        FileTo::InTurn(to)
                    },
                })
            })
            .collect::<Result<_>>()?,
    };
    println!("{}", serde_json::to_string_pretty(&file)?);
    Ok(())
}

/// `baton split FILE`: the split from a JSON file with logins, e.g.
/// `{"roles": [{"login": "um1.msk", "role": "caller"}], "moves": [{"from": "um1.msk", "to": "um3.msk"}]}`
/// (`"to": ["um3.msk", "um4.msk"]` deals the clients in turn).
pub fn split(file: &std::path::Path, preview: bool, format: &str, db: &str) -> Result<()> {
    use baton_app::conveyor::split::{Split, SplitMove, SplitRole};
    let text =
        std::fs::read_to_string(file).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    // serde_json's message names the line and column.
    let f: FileSplit =
        serde_json::from_str(&text).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    let app = App::open(db).map_err(crate::fail)?;
    let actor = crate::named(&app, "split")?;
    let id_of =
        |login: &str| -> Result<String> { Ok(app.actor_by_login(login).map_err(crate::fail)?.id) };
    let req = Split {
        roles: f
            .roles
            .iter()
            .map(|r| {
                Ok(SplitRole {
                    employee_id: id_of(&r.login)?,
                    role: r.role.clone(),
                })
            })
            .collect::<Result<_>>()?,
        moves: f
            .moves
            .iter()
            .map(|m| {
                let (to_id, to_ids) = match &m.to {
                    FileTo::One(l) => (Some(id_of(l)?), vec![]),
                    FileTo::InTurn(ls) => {
                        (None, ls.iter().map(|l| id_of(l)).collect::<Result<_>>()?)
                    }
                };
                Ok(SplitMove {
                    from_id: id_of(&m.from)?,
                    to_id,
                    to_ids,
                })
            })
            .collect::<Result<_>>()?,
    };
    let out = if preview {
        app.preview_split(&actor, req)
    } else {
        app.split(&actor, req)
    }
    .map_err(crate::fail)?;
    if format == "json" {
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(());
    }
    println!(
        "{} from {}: {} role change(s), {} client(s) moved.",
        if out.preview {
            "The split would run"
        } else {
            "The split ran"
        },
        out.on,
        out.roles_changed,
        out.clients_moved
    );
    print_outcome(&MoveOutcome {
        preview: out.preview,
        moved: out.clients_moved,
        kickoffs_moved: 0,
        this_month: out.this_month,
        next_month: out.next_month,
        people: out.people,
    });
    if !out.history.is_empty() {
        println!(
            "The last {} months ({}) replayed under the new roles (before → after):",
            out.history_months.len(),
            out.history_months.join(", ")
        );
        for h in &out.history {
            let months: Vec<String> = h
                .months
                .iter()
                .map(|m| format!("{} {} → {}", m.period, rubles(m.before), rubles(m.after)))
                .collect();
            println!(
                "  {:<28} {};  total {} → {}",
                h.name,
                months.join("; "),
                rubles(h.before),
                rubles(h.after)
            );
            if !h.no_target.is_empty() {
                println!(
                    "  {:<28} no target in those months for: {}",
                    "",
                    h.no_target.join("; ")
                );
            }
        }
    }
    Ok(())
}
