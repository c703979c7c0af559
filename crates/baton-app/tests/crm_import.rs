//! A department's CRM export comes in (issue 17 §1, §2, §6): the sample files of
//! tests/data/crm (README there says how each was made) are imported and the companies,
//! contacts, leads, contracts and losses checked against counts worked out by hand from the
//! files; on SQLite and PostgreSQL alike.

mod common;

use baton_app::conveyor::people::NewEmployee;
use baton_app::crm::mapping::{Mapping, Preset};
use baton_app::crm::{CrmFile, CrmImport, CrmReport};
use baton_domain::Money;
use baton_store::Filter;
use baton_store::records::{Company, Contact, Contract, CrmRecord, LeadRow};
use baton_store::scratch::ScratchDb;
use common::World;

fn sample(name: &str) -> CrmFile {
    let path = format!("{}/../../tests/data/crm/{name}", env!("CARGO_MANIFEST_DIR"));
    CrmFile {
        name: name.into(),
        bytes: std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}")),
    }
}

/// The admin, Moscow and St Petersburg, and the two sales managers the files name.
fn world(scratch: ScratchDb) -> World {
    let w = World::on(scratch, "2026-06-01T09:00:00Z", 5);
    w.app
        .create_region(&w.admin, "spb", "Санкт-Петербург")
        .expect("spb");
    for (login, name) in [("s1", "Анна Смирнова"), ("s2", "Иван Петров")] {
        w.app
            .create_employee(
                Some(&w.admin),
                NewEmployee {
                    login: login.into(),
                    name: name.into(),
                    password: "secret1".into(),
                    region_id: Some(w.region.clone()),
                    role: "sales_manager".into(),
                    valid_from: Some("2020-01-01".into()),
                    open_lead_limit: None,
                },
            )
            .expect("employee");
    }
    w
}

fn opts(preset: Preset, dry_run: bool) -> CrmImport {
    CrmImport {
        preset,
        mapping: Mapping::default(),
        dry_run,
        region: Some("msk".into()),
        skip_problems: false,
    }
}

fn run(w: &World, files: Vec<CrmFile>, o: &CrmImport) -> CrmReport {
    w.app.import_crm(&w.admin, &files, o).expect("import")
}

fn list<R: baton_store::Record>(w: &World) -> Vec<R> {
    w.app
        .db
        .read(|tx| tx.list::<R>(&Filter::new()))
        .expect("list")
}

fn company(w: &World, inn: &str) -> Company {
    list::<Company>(w)
        .into_iter()
        .find(|c| c.inn == inn)
        .unwrap_or_else(|| panic!("no company {inn}"))
}

fn leads_of(w: &World, company_id: &str) -> Vec<LeadRow> {
    let mut v: Vec<LeadRow> = list::<LeadRow>(w)
        .into_iter()
        .filter(|l| l.company_id == company_id)
        .collect();
    v.sort_by(|a, b| a.created_at.cmp(&b.created_at));
    v
}

/// amoCRM's contacts/companies export and its older full leads export, in the given form.
fn amocrm_full(scratch: ScratchDb, leads: CrmFile) {
    let label = format!("{:?} {}", scratch.db.dialect(), leads.name);
    let w = world(scratch);
    let files = || vec![sample("amocrm_contacts.csv"), clone(&leads)];

    // The dry run says what will happen and writes nothing.
    let dry = run(&w, files(), &opts(Preset::Amocrm, true));
    assert!(dry.problems.is_empty(), "{label}: {:?}", dry.problems);
    assert!(!dry.written);
    assert_eq!(
        (
            dry.companies_created,
            dry.contacts_created,
            dry.deals_created
        ),
        (3, 5, 4),
        "{label}"
    );
    assert!(list::<Company>(&w).is_empty(), "{label}: a dry run wrote");
    assert!(list::<CrmRecord>(&w).is_empty(), "{label}");

    let r = run(&w, files(), &opts(Preset::Amocrm, false));
    assert!(r.written, "{label}");
    // Ромашка, Лютик (both files) and Василёк (the leads file only).
    assert_eq!(
        (r.companies_created, r.companies_existing),
        (3, 0),
        "{label}"
    );
    // Ромашка: its reception line and Ирина Котова (named again in the leads file, not twice);
    // Лютик: reception and Пётр Сидоров; Василёк: the reception number of its deal row.
    assert_eq!(r.contacts_created, 5, "{label}");
    assert_eq!(
        (r.deals_created, r.deals_won, r.deals_lost, r.deals_open),
        (4, 1, 1, 2),
        "{label}"
    );
    assert_eq!(r.won_amount, Money::from_rubles(120_000), "{label}");
    assert_eq!(r.users.get("Анна Смирнова"), Some(&Some("s1".to_string())));
    assert_eq!(
        r.regions.get("Санкт-Петербург"),
        Some(&Some("spb".to_string()))
    );

    let romashka = company(&w, "7707083893");
    assert_eq!(romashka.name, "ООО «Ромашка»", "{label}");
    let mut phones: Vec<(String, Option<String>)> = list::<Contact>(&w)
        .into_iter()
        .filter(|c| c.company_id == romashka.id)
        .map(|c| (c.name, c.phone))
        .collect();
    phones.sort();
    assert_eq!(
        phones,
        [
            ("Ирина Котова".to_string(), Some("+79161000001".to_string())),
            ("Приёмная".to_string(), Some("+74951112233".to_string())),
        ],
        "{label}"
    );
    // Its deal was won: the contract is signed on the closing day for the budget, by the
    // responsible sales manager, and the lead waits for the payment that wins the client.
    let contracts = list::<Contract>(&w);
    assert_eq!(contracts.len(), 1, "{label}");
    assert_eq!(contracts[0].company_id, romashka.id);
    assert_eq!(contracts[0].signed_on, "2026-02-20", "{label}");
    assert_eq!(contracts[0].amount, Money::from_rubles(120_000));
    assert_eq!(
        contracts[0].win_kind.as_deref(),
        Some("new_client"),
        "{label}"
    );
    let r_leads = leads_of(&w, &romashka.id);
    assert_eq!(r_leads.len(), 1);
    assert_eq!(r_leads[0].stage, "contract", "{label}");
    let s1 = w.app.actor_by_login("s1").expect("s1");
    assert_eq!(r_leads[0].owner_id, s1.id);
    assert_eq!(r_leads[0].caller_id, None, "a CRM's deal has no caller");
    // The lead came to Baton on the deal's day, 11:00 in Moscow.
    assert!(
        r_leads[0].created_at.starts_with("2026-01-12T08:00:00"),
        "{label}: {}",
        r_leads[0].created_at
    );

    // Лютик: lost on 1 February, then a new deal in March still in work, in St Petersburg.
    let lutik = company(&w, "7736207543");
    let l_leads = leads_of(&w, &lutik.id);
    let stages: Vec<&str> = l_leads.iter().map(|l| l.stage.as_str()).collect();
    assert_eq!(stages, ["lost", "accepted"], "{label}");
    assert_eq!(
        l_leads[0].lost_reason.as_deref(),
        Some("Закрыто и не реализовано")
    );
    assert_eq!(l_leads[1].amount, Some(Money::from_rubles(80_000)));
    let spb = w.app.regions().expect("regions");
    let spb = spb.iter().find(|r| r.code == "spb").expect("spb");
    assert_eq!(lutik.region_id, spb.id, "{label}");
    assert_eq!(company(&w, "7702070139").region_id, w.region, "{label}");

    // Linked once at the end on PostgreSQL, per use case on SQLite: one intact audit chain.
    let chain = w.app.verify_audit(None).expect("verify");
    assert!(chain.ok, "{label}: {chain:?}");

    // The same files again change nothing.
    let again = run(&w, files(), &opts(Preset::Amocrm, false));
    assert_eq!(
        (
            again.companies_created,
            again.companies_existing,
            again.contacts_created,
            again.deals_created,
            again.deals_existing
        ),
        (0, 3, 0, 0, 4),
        "{label}"
    );
    assert_eq!(list::<LeadRow>(&w).len(), 4, "{label}");
    assert_eq!(list::<Contact>(&w).len(), 5, "{label}");
}

fn clone(f: &CrmFile) -> CrmFile {
    CrmFile {
        name: f.name.clone(),
        bytes: f.bytes.clone(),
    }
}

/// The UTF-8 leads file rewritten as an XLSX workbook: text cells as they are, the budget
/// as a number, as amoCRM's XLSX export has it.
fn as_xlsx(f: &CrmFile) -> CrmFile {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(f.bytes.as_slice());
    for (r, rec) in rdr.records().enumerate() {
        let rec = rec.expect("csv");
        for (c, v) in rec.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            match v.replace(' ', "").replace(',', ".").parse::<f64>() {
                Ok(n) if r > 0 && c == 2 => sheet.write_number(r, c, n),
                _ => sheet.write_string(r, c, v),
            }
            .expect("cell");
        }
    }
    CrmFile {
        name: "amocrm_leads_full.xlsx".into(),
        bytes: book.save_to_buffer().expect("xlsx"),
    }
}

#[test]
fn amocrm_full_export_in_utf8_cp1251_and_xlsx_on_every_database() {
    for scratch in ScratchDb::all() {
        amocrm_full(scratch, sample("amocrm_leads_full.csv"));
    }
    amocrm_full(
        ScratchDb::sqlite().expect("sqlite"),
        sample("amocrm_leads_full_cp1251.csv"),
    );
    amocrm_full(
        ScratchDb::sqlite().expect("sqlite"),
        as_xlsx(&sample("amocrm_leads_full.csv")),
    );
}

#[test]
fn amocrm_newer_export_with_suffixes() {
    for scratch in ScratchDb::all() {
        let label = format!("{:?}", scratch.db.dialect());
        let w = world(scratch);
        let r = run(
            &w,
            vec![sample("amocrm_leads_new.csv")],
            &opts(Preset::Amocrm, false),
        );
        assert!(r.problems.is_empty(), "{label}: {:?}", r.problems);
        assert_eq!(
            r.files[0].columns.get("inn").map(String::as_str),
            Some("ИНН (компания)")
        );
        assert_eq!(
            (
                r.companies_created,
                r.contacts_created,
                r.deals_created,
                r.deals_won,
                r.deals_open
            ),
            (2, 2, 2, 1, 1),
            "{label}"
        );
        assert_eq!(r.won_amount, Money::from_rubles(250_000));
        let hermes = company(&w, "7728168971");
        let c: Vec<Contact> = list::<Contact>(&w)
            .into_iter()
            .filter(|c| c.company_id == hermes.id)
            .collect();
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].name, "Олег Быстров");
        assert_eq!(c[0].email.as_deref(), Some("oleg@hermes.ru"));
        assert_eq!(c[0].phone.as_deref(), Some("+74957000001"));
        let k = list::<Contract>(&w);
        assert_eq!(k[0].signed_on, "2026-03-16", "{label}");
        // An individual entrepreneur's 12-digit ИНН.
        assert_eq!(company(&w, "500301234503").name, "ИП Кузнецов А. В.");
    }
}

#[test]
fn bitrix24_html_xls_deals_with_a_companies_csv() {
    for scratch in ScratchDb::all() {
        let label = format!("{:?}", scratch.db.dialect());
        let w = world(scratch);
        // The deals file first: the companies file still gives their ИНН.
        let r = run(
            &w,
            vec![
                sample("bitrix24_deals.xls"),
                sample("bitrix24_companies.csv"),
            ],
            &opts(Preset::Bitrix24, false),
        );
        assert!(r.problems.is_empty(), "{label}: {:?}", r.problems);
        assert_eq!(r.files[0].kind, "deals");
        assert_eq!(
            r.users.get("Смирнова Анна"),
            Some(&Some("s1".to_string())),
            "surname first is the same person"
        );
        assert_eq!((r.companies_created, r.contacts_created), (2, 2), "{label}");
        assert_eq!(
            (r.deals_created, r.deals_won, r.deals_lost, r.deals_open),
            (3, 1, 1, 1),
            "{label}"
        );
        assert_eq!(r.won_amount, Money::from_rubles(60_000));
        // Won deal 7: its expected closing date is the day it was won.
        let k = list::<Contract>(&w);
        assert_eq!(k.len(), 1);
        assert_eq!(k[0].signed_on, "2026-02-25", "{label}");
        let kuz = company(&w, "500301234503");
        let stages: Vec<String> = leads_of(&w, &kuz.id).into_iter().map(|l| l.stage).collect();
        assert_eq!(stages, ["lost", "accepted"], "{label}");
    }
}

#[test]
fn mistakes_are_listed_to_the_cell_and_nothing_is_written() {
    for scratch in ScratchDb::all() {
        let label = format!("{:?}", scratch.db.dialect());
        let w = world(scratch);
        let files = || vec![sample("amocrm_with_mistakes.csv")];
        let r = run(&w, files(), &opts(Preset::Amocrm, false));
        assert!(!r.written);
        let got: Vec<(u64, String)> = r
            .problems
            .iter()
            .map(|p| (p.line, p.column.clone()))
            .collect();
        assert_eq!(
            got,
            [
                (3, "ИНН (H)".to_string()),
                (4, "Дата создания (E)".to_string()),
                (6, "Бюджет (C)".to_string()),
                (5, "Ответственный".to_string()),
            ],
            "{label}: {:?}",
            r.problems
        );
        let unknown = r.problems[3].why.render(baton_catalog::Lang::Ru);
        assert!(unknown.contains("Мария Незнакомая"), "{unknown}");
        assert!(list::<Company>(&w).is_empty(), "{label}");
        // The suggested mapping names the unknown user for the director to fill in.
        assert!(r.suggested_mapping.contains("\"Мария Незнакомая\" = \"\""));

        // With --skip-problems the good row comes in and the rest stay listed.
        let mut o = opts(Preset::Amocrm, false);
        o.skip_problems = true;
        let r = run(&w, files(), &o);
        assert!(r.written);
        assert_eq!((r.companies_created, r.deals_created), (1, 1), "{label}");
        assert_eq!(r.problems.len(), 4);
        assert_eq!(list::<LeadRow>(&w).len(), 1);
    }
}

#[test]
fn a_mapping_names_what_the_aliases_miss() {
    let w = world(ScratchDb::sqlite().expect("sqlite"));
    let file = CrmFile {
        name: "clients.csv".into(),
        bytes: "Клиент;Налоговый номер;Менеджер;Телефон офиса\nООО «Сирень»;7707083893;Анна Смирнова;+7 495 000-11-22\n"
            .as_bytes()
            .to_vec(),
    };
    let clone = || CrmFile {
        name: file.name.clone(),
        bytes: file.bytes.clone(),
    };
    let r = run(&w, vec![clone()], &opts(Preset::Sheet, true));
    // «Клиент» is a company alias; the ИНН's column is not recognized, so it is missing.
    assert_eq!(r.problems.len(), 1, "{:?}", r.problems);
    let mapping = Mapping::parse(&r.suggested_mapping).expect("suggested mapping parses");
    assert_eq!(mapping.columns["Налоговый номер"], "skip");
    let mut mapping = mapping;
    mapping
        .columns
        .insert("Налоговый номер".into(), "inn".into());
    let o = CrmImport {
        mapping,
        ..opts(Preset::Sheet, false)
    };
    let r = run(&w, vec![clone()], &o);
    assert!(r.problems.is_empty(), "{:?}", r.problems);
    assert_eq!((r.companies_created, r.contacts_created), (1, 1));
    assert_eq!(company(&w, "7707083893").name, "ООО «Сирень»");
}

#[test]
fn a_refusal_by_the_rules_is_listed_at_its_row_and_stops_the_import() {
    for scratch in ScratchDb::all() {
        let label = format!("{:?}", scratch.db.dialect());
        let w = world(scratch);
        // Two deals of one company open at once: Baton keeps one open lead per company.
        let text = "ID;Название сделки;Бюджет;Ответственный;Дата создания;Этап сделки;Компания;ИНН\n\
            1;Первая;1000;Анна Смирнова;01.03.2026;Переговоры;ООО «Ромашка»;7707083893\n\
            2;Вторая;2000;Анна Смирнова;02.03.2026;Переговоры;ООО «Ромашка»;7707083893\n";
        let file = || CrmFile {
            name: "overlap.csv".into(),
            bytes: text.as_bytes().to_vec(),
        };
        let r = run(&w, vec![file()], &opts(Preset::Amocrm, false));
        assert!(!r.written, "{label}");
        assert_eq!(r.problems.len(), 1, "{label}: {:?}", r.problems);
        assert_eq!(
            (r.problems[0].file.as_str(), r.problems[0].line),
            ("overlap.csv", 3)
        );
        assert_eq!(r.problems[0].why.id, "err-lead-exists", "{label}");
        assert!(list::<Company>(&w).is_empty(), "{label}: nothing is kept");
        assert!(list::<LeadRow>(&w).is_empty(), "{label}");
        // Skipping keeps the company and the first deal.
        let mut o = opts(Preset::Amocrm, false);
        o.skip_problems = true;
        let r = run(&w, vec![file()], &o);
        assert!(r.written);
        assert_eq!(list::<LeadRow>(&w).len(), 1, "{label}");
    }
}
