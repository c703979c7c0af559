//! `baton bench crm-import`: an amoCRM leads export of N deals (half the companies with a
//! closed deal and a later open one) imported into an empty department, through the rules,
//! on SQLite and (with --pg) PostgreSQL in one run. Issue 17 §7: 100 000 deals in ≤ 60 s.

use anyhow::Result;
use baton_app::conveyor::people::NewEmployee;
use baton_app::crm::mapping::{Mapping, Preset};
use baton_app::crm::{CrmFile, CrmImport};
use baton_app::{App, PasswordCost};
use baton_store::scratch::ScratchDb;
use std::fmt::Write;
use std::sync::Arc;
use std::time::Instant;

const SELLERS: usize = 20;

/// A valid 10-digit ИНН of an organisation from a serial number.
fn inn(n: usize) -> String {
    let body = format!("77{:07}", n % 10_000_000);
    let w = [2, 4, 10, 3, 5, 9, 4, 6, 8];
    let sum: u32 = body
        .bytes()
        .zip(w)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    format!("{body}{}", sum % 11 % 10)
}

/// The export: `deals` rows over companies of three kinds in turn: one deal won; one deal
/// lost, then a second one opened ten days later and still in work; one deal in work. (A
/// won company's next deal waits for its payments, docs/import.md, so none is generated.)
pub fn export(deals: usize) -> String {
    let mut out = String::from(
        "ID,Название сделки,Бюджет,Ответственный,Дата создания сделки,Дата закрытия,Этап сделки,Воронка,Компания,Рабочий телефон,Город,ИНН\n",
    );
    let start = chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap_or_default();
    let mut company = 0usize;
    let mut i = 0usize;
    while i < deals {
        let day = start + chrono::Duration::days((company % 300) as i64);
        let rows: Vec<(chrono::NaiveDate, Option<chrono::NaiveDate>, &str)> = match company % 3 {
            0 => vec![(
                day,
                Some(day + chrono::Duration::days(10)),
                "Успешно реализовано",
            )],
            1 => vec![
                (
                    day,
                    Some(day + chrono::Duration::days(10)),
                    "Закрыто и не реализовано",
                ),
                (day + chrono::Duration::days(20), None, "Переговоры"),
            ],
            _ => vec![(day, None, "Переговоры")],
        };
        for (created, closed, stage) in rows {
            if i >= deals {
                break;
            }
            let _ = writeln!(
                out,
                "{},Сделка {i},{},Менеджер {:02},{} 10:00:00,{},{stage},Продажи,ООО «Компания {company}»,+7 495 {:07},Москва,{}",
                100_000 + i,
                10_000 + (i % 90) * 1_000,
                company % SELLERS + 1,
                created.format("%d.%m.%Y"),
                closed.map_or(String::new(), |d| d.format("%d.%m.%Y 15:00:00").to_string()),
                company,
                inn(company),
            );
            i += 1;
        }
        company += 1;
    }
    out
}

fn department(db: baton_store::Db) -> Result<(App, baton_app::Actor)> {
    let mut app = App::with(
        db,
        Arc::new(baton_app::clock::SystemClock),
        Arc::new(baton_app::clock::RandomIds),
    );
    app.password_cost = PasswordCost::Fast;
    let person = |login: String, name: String, role: &str, region: Option<String>| NewEmployee {
        login,
        name,
        password: "bench-password".into(),
        region_id: region,
        role: role.into(),
        valid_from: Some("2020-01-01".into()),
        open_lead_limit: None,
    };
    let admin = app
        .create_employee(None, person("admin".into(), "Админ".into(), "admin", None))
        .map_err(crate::fail)?;
    let admin = app.actor(&admin.id).map_err(crate::fail)?;
    let msk = app
        .create_region(&admin, "msk", "Москва")
        .map_err(crate::fail)?;
    for k in 1..=SELLERS {
        app.create_employee(
            Some(&admin),
            person(
                format!("s{k:02}"),
                format!("Менеджер {k:02}"),
                "sales_manager",
                Some(msk.id.clone()),
            ),
        )
        .map_err(crate::fail)?;
    }
    Ok((app, admin))
}

pub fn crm_import(deals: usize, pg: Option<String>) -> Result<()> {
    let text = export(deals);
    println!(
        "amoCRM export: {deals} deals of {} companies, {:.1} MB",
        deals * 3 / 4,
        text.len() as f64 / 1e6
    );
    let mut dbs = vec![("SQLite", ScratchDb::sqlite().map_err(crate::fail)?)];
    if let Some(url) = pg {
        dbs.push((
            "PostgreSQL",
            ScratchDb::postgres_at(&url).map_err(crate::fail)?,
        ));
    }
    println!("| database | deals | seconds | deals/s | companies | won | lost | open |");
    println!("|---|---|---|---|---|---|---|---|");
    for (name, scratch) in dbs {
        let (app, admin) = department(scratch.db.clone())?;
        let files = vec![CrmFile {
            name: "leads.csv".into(),
            bytes: text.clone().into_bytes(),
        }];
        let opts = CrmImport {
            preset: Preset::Amocrm,
            mapping: Mapping::default(),
            dry_run: false,
            region: Some("msk".into()),
            skip_problems: false,
        };
        let t = Instant::now();
        let r = app.import_crm(&admin, &files, &opts).map_err(crate::fail)?;
        let secs = t.elapsed().as_secs_f64();
        if !r.problems.is_empty() {
            anyhow::bail!("the generated export has problems: {:?}", &r.problems[..1]);
        }
        println!(
            "| {name} | {} | {secs:.1} | {:.0} | {} | {} | {} | {} |",
            r.deals_created,
            r.deals_created as f64 / secs,
            r.companies_created,
            r.deals_won,
            r.deals_lost,
            r.deals_open
        );
    }
    Ok(())
}
