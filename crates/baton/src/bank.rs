//! `baton import-bank FILE`: payments from a bank statement (docs/bank.md).

use anyhow::{Context, Result};
use baton_app::App;
use baton_app::bank::exchange::Document;
use baton_app::bank::matching::{MatchedBy, Reason};
use baton_catalog::Lang;
use baton_domain::Money;
use std::path::Path;

/// The command's words in its language.
fn t(ru: &'static str, en: &'static str) -> &'static str {
    if crate::lang() == Lang::En { en } else { ru }
}

/// An unmatched reason in words, from the catalog (`bank-*`).
fn reason(r: &Reason) -> String {
    let mut t = baton_catalog::Text::new(r.code);
    for (k, v) in &r.args {
        t = t.arg(k, v.clone());
    }
    t.render(crate::lang())
}

fn doc_line(d: &Document) -> String {
    format!(
        "{}  № {}  {}  ИНН {}  {}",
        d.date,
        d.number,
        d.amount.to_human(),
        if d.payer_inn.is_empty() {
            "—"
        } else {
            &d.payer_inn
        },
        d.payer_name
    )
}

fn sum<'a>(docs: impl Iterator<Item = &'a Document>) -> Money {
    docs.map(|d| d.amount).sum()
}

pub fn run(file: &Path, dry_run: bool, db: &str) -> Result<()> {
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let app = App::open(db).map_err(crate::fail)?;
    let actor = crate::named(&app, "import-bank")?;
    let r = app
        .import_bank_statement(&actor, &bytes, dry_run)
        .map_err(crate::fail)
        .with_context(|| file.display().to_string())?;
    println!("{} ({}):", t("Сопоставлено", "Matched"), r.matched.len());
    for m in &r.matched {
        println!(
            "  {} → {} {} «{}» ({})",
            doc_line(&m.document),
            t("счёт", "invoice"),
            m.invoice_number,
            m.company_name,
            match m.by {
                MatchedBy::Number => t("по номеру", "by number"),
                MatchedBy::Amount => t("по сумме", "by amount"),
            }
        );
    }
    println!(
        "{} ({}):",
        t("Не сопоставлено", "Unmatched"),
        r.unmatched.len()
    );
    for u in &r.unmatched {
        println!("  {}: {}", doc_line(&u.document), reason(&u.reason));
        if !u.document.purpose.is_empty() {
            println!("      {}", u.document.purpose);
        }
    }
    println!(
        "{} ({}):",
        t("Уже загружено", "Already imported"),
        r.already.len()
    );
    for a in &r.already {
        println!("  {}", doc_line(&a.document));
    }
    println!(
        "{}: {} {} ({}), {} {} ({}), {} {} ({}); {} {}.{}",
        t("Итого", "Totals"),
        t("сопоставлено", "matched"),
        r.matched.len(),
        sum(r.matched.iter().map(|m| &m.document)).to_human(),
        t("не сопоставлено", "unmatched"),
        r.unmatched.len(),
        sum(r.unmatched.iter().map(|u| &u.document)).to_human(),
        t("уже загружено", "already imported"),
        r.already.len(),
        sum(r.already.iter().map(|a| &a.document)).to_human(),
        t("исходящих пропущено", "outgoing skipped"),
        r.skipped,
        if dry_run {
            t(
                " Пробный прогон: ничего не записано.",
                " Dry run: nothing was written.",
            )
        } else {
            ""
        }
    );
    Ok(())
}
