//! `baton import FILES --preset amocrm|bitrix24|sheet`: a department's CRM export
//! (docs/import.md).

use anyhow::{Context, Result, bail};
use baton_app::crm::mapping::{Mapping, Preset, StageMeaning};
use baton_app::crm::{CrmFile, CrmImport, CrmReport};
use baton_app::telephony::CallImport;
use baton_app::telephony::cdr::Provider;
use baton_app::{Actor, App};
use baton_catalog::{Lang, Text};
use std::path::PathBuf;

pub struct Args {
    pub paths: Vec<PathBuf>,
    pub preset: String,
    pub mapping: Option<PathBuf>,
    pub suggest_mapping: Option<PathBuf>,
    pub region: Option<String>,
    pub dry_run: bool,
    pub skip_problems: bool,
    pub json: bool,
}

fn t(ru: &'static str, en: &'static str) -> &'static str {
    if crate::lang() == Lang::En { en } else { ru }
}

/// The files named, a directory standing for the files in it (sorted, hidden ones skipped).
fn files(paths: &[PathBuf]) -> Result<Vec<CrmFile>> {
    let mut out = Vec::new();
    for p in paths {
        let mut list = vec![p.clone()];
        if p.is_dir() {
            list = std::fs::read_dir(p)
                .with_context(|| format!("reading {}", p.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| {
                    f.is_file()
                        && !f
                            .file_name()
                            .is_some_and(|n| n.to_string_lossy().starts_with('.'))
                })
                .collect();
            list.sort();
        }
        for f in list {
            let bytes = std::fs::read(&f).with_context(|| format!("reading {}", f.display()))?;
            let name = f.file_name().map_or_else(
                || f.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            out.push(CrmFile { name, bytes });
        }
    }
    Ok(out)
}

pub fn run(app: &App, actor: &Actor, a: Args) -> Result<()> {
    let mapping = match &a.mapping {
        Some(p) => {
            let text =
                std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?;
            Mapping::parse(&text).map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))?
        }
        None => Mapping::default(),
    };
    if let Some(provider) = Provider::parse(&a.preset) {
        return calls(app, actor, provider, &a, &mapping);
    }
    let Some(preset) = Preset::parse(&a.preset) else {
        bail!(
            "unknown preset «{}»: use amocrm, bitrix24, sheet, bank, mango, zadarma or uis",
            a.preset
        );
    };
    let opts = CrmImport {
        preset,
        mapping,
        dry_run: a.dry_run,
        region: a.region.clone(),
        skip_problems: a.skip_problems,
    };
    let started = std::time::Instant::now();
    let r = app
        .import_crm(actor, &files(&a.paths)?, &opts)
        .map_err(crate::fail)?;
    if let Some(p) = &a.suggest_mapping {
        std::fs::write(p, &r.suggested_mapping)
            .with_context(|| format!("writing {}", p.display()))?;
    }
    if a.json {
        println!("{}", serde_json::to_string_pretty(&r)?);
    } else {
        print_report(&r, started.elapsed().as_secs_f64());
    }
    if !r.problems.is_empty() && !r.written && !a.dry_run {
        std::process::exit(2);
    }
    Ok(())
}

/// A PBX's call log: each file on its own, calls matched by number and extension.
fn calls(app: &App, actor: &Actor, provider: Provider, a: &Args, mapping: &Mapping) -> Result<()> {
    let mut failed = false;
    for f in files(&a.paths)? {
        let r = app
            .import_calls(
                actor,
                &f.name,
                &f.bytes,
                &CallImport {
                    provider,
                    users: mapping.users.clone(),
                    dry_run: a.dry_run,
                    skip_problems: a.skip_problems,
                },
            )
            .map_err(crate::fail)?;
        if a.json {
            println!("{}", serde_json::to_string_pretty(&r)?);
        } else {
            println!(
                "{} ({}): {} {}, {} {} ({} {}, {} {}), {} {}",
                f.name,
                r.provider,
                r.read,
                t("звонков в файле", "calls in the file"),
                r.logged,
                t("записано", "logged"),
                r.answered,
                t("с разговором", "answered"),
                r.talk_sec / 60,
                t("мин разговора", "min of talk"),
                r.existing,
                t("уже были", "already here"),
            );
            for u in &r.unmatched {
                println!(
                    "  {} {} — {} {} ({} {})",
                    t("номер", "number"),
                    u.phone,
                    u.calls,
                    t(
                        "звонков, контакта с таким номером нет",
                        "calls, no contact has it"
                    ),
                    t("первый", "first"),
                    u.first
                );
            }
            for (ext, n) in &r.unknown_employees {
                println!(
                    "  {} «{ext}» — {n} {}",
                    t("внутренний номер", "extension"),
                    t(
                        "звонков, сотрудник не найден: впишите логин в [users]",
                        "calls, no employee: write the login in [users]"
                    ),
                );
            }
            print_problems(&r.problems);
            println!(
                "{}",
                if r.written {
                    t("Записано.", "Written.")
                } else if r.dry_run {
                    t("Проверка: ничего не записано.", "Dry run: nothing written.")
                } else {
                    t("Ничего не записано.", "Nothing written.")
                }
            );
        }
        failed |= !r.problems.is_empty() && !r.written && !a.dry_run;
    }
    if failed {
        std::process::exit(2);
    }
    Ok(())
}

fn print_problems(problems: &[baton_app::ImportProblem]) {
    if problems.is_empty() {
        return;
    }
    eprintln!(
        "{}",
        Text::new("cli-crm-problems")
            .num("n", problems.len() as i64)
            .render(crate::lang())
    );
    for p in problems {
        let line = Text::new("cli-import-problem")
            .arg("file", p.file.clone())
            .arg("line", p.line.to_string())
            .arg("column", p.column.clone())
            .text("why", p.why.clone());
        eprintln!("  {}", line.render(crate::lang()));
    }
}

fn print_report(r: &CrmReport, secs: f64) {
    for f in &r.files {
        println!(
            "{} ({:?}, {}: {} {})",
            f.name,
            f.format,
            if f.kind == "deals" {
                t("сделки", "deals")
            } else {
                t("компании и контакты", "companies and contacts")
            },
            f.rows,
            t("строк", "rows")
        );
        let cols: Vec<String> = f
            .columns
            .iter()
            .map(|(k, v)| format!("{k} ← «{v}»"))
            .collect();
        println!("  {}: {}", t("понято", "understood"), cols.join(", "));
        if !f.ignored.is_empty() {
            println!("  {}: {}", t("пропущено", "left out"), f.ignored.join(", "));
        }
    }
    for (u, login) in &r.users {
        println!(
            "  {} «{u}» → {}",
            t("пользователь", "user"),
            login.as_deref().unwrap_or(t("не найден", "not found"))
        );
    }
    for (c, code) in &r.regions {
        println!(
            "  {} «{c}» → {}",
            t("город", "city"),
            code.as_deref().unwrap_or("—")
        );
    }
    for (s, m) in &r.stages {
        let m = match m {
            StageMeaning::Open => t("в работе", "open"),
            StageMeaning::Won => t("выиграна", "won"),
            StageMeaning::Lost => t("проиграна", "lost"),
        };
        println!("  {} «{s}» → {m}", t("этап", "stage"));
    }
    print_problems(&r.problems);
    let verb = if r.written {
        t("Импортировано", "Imported")
    } else if r.dry_run {
        t("Проверка: ничего не записано", "Dry run: nothing written")
    } else {
        t("Ничего не записано", "Nothing written")
    };
    println!("{verb} ({secs:.2} {})", t("с", "s"));
    println!(
        "  {}: {} {}, {} {}",
        t("компании", "companies"),
        r.companies_created,
        t("новых", "new"),
        r.companies_existing,
        t("уже в Baton", "already in Baton"),
    );
    println!(
        "  {}: {}",
        t("новых контактов", "new contacts"),
        r.contacts_created
    );
    println!(
        "  {}: {} {} ({} {}, {} {}, {} {}), {} {}",
        t("сделки", "deals"),
        r.deals_created,
        t("новых", "new"),
        r.deals_won,
        t("выиграно", "won"),
        r.deals_lost,
        t("проиграно", "lost"),
        r.deals_open,
        t("в работе", "open"),
        r.deals_existing,
        t("уже в Baton", "already in Baton"),
    );
    println!(
        "  {}: {}",
        t("договоры по выигранным", "contracts of won deals"),
        r.won_amount.to_human()
    );
}
