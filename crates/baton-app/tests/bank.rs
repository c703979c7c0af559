//! Payments from a bank statement (issue 17): matched by the invoice number in the purpose or
//! by the amount, unknown payers listed, outgoing documents skipped, each document recorded
//! once, a dry run writing nothing; on SQLite and PostgreSQL alike.

mod common;

use baton_app::bank::matching::MatchedBy;
use baton_app::clock::SeededIds;
use baton_app::conveyor::deals::NewInvoice;
use baton_app::{Actor, App, AppError, Paging};
use baton_domain::Money;
use baton_store::Filter;
use baton_store::records::{BankDocument, Company, Payment};
use baton_store::scratch::ScratchDb;
use common::{World, at, signed_own};
use std::sync::Arc;

const OURS: &str = "40702810900000000001";

fn document(number: &str, dates: &str, sum: &str, inn: &str, purpose: &str) -> String {
    format!(
        "СекцияДокумент=Платежное поручение\r\nНомер={number}\r\n{dates}\r\nСумма={sum}\r\nПлательщикСчет=40702810100000000002\r\nПлательщикИНН={inn}\r\nПлательщик1=ООО \"Плательщик {inn}\"\r\nПолучательСчет={OURS}\r\nПолучательИНН=7701234567\r\nНазначениеПлатежа={purpose}\r\nКонецДокумента\r\n"
    )
}

/// One payment naming invoice 45, one for 10 000 naming none, one from an unknown ИНН, one
/// outgoing; in Windows-1251 as banks write it.
fn statement() -> Vec<u8> {
    let outgoing = document("900", "Дата=07.11.2026", "777.00", "7701234567", "Аренда")
        .replace(
            "ПлательщикСчет=40702810100000000002",
            &format!("ПлательщикСчет={OURS}"),
        )
        .replace(
            &format!("ПолучательСчет={OURS}"),
            "ПолучательСчет=40702810100000000009",
        );
    let text = format!(
        "1CClientBankExchange\r\nВерсияФормата=1.03\r\nКодировка=Windows\r\nДатаНачала=01.11.2026\r\nДатаКонца=30.11.2026\r\nРасчСчет={OURS}\r\n{}{}{}{}КонецФайла\r\n",
        document(
            "101",
            "Дата=05.11.2026",
            "120000.00",
            "7707083893",
            "Оплата по счету № 45 от 03.11.2026. В т.ч. НДС 20%"
        ),
        document(
            "102",
            "Дата=05.11.2026\r\nДатаПоступило=06.11.2026",
            "10000.00",
            "7736207543",
            "Оплата за товар, НДС не облагается"
        ),
        document(
            "103",
            "Дата=06.11.2026",
            "500.50",
            "7702070139",
            "Оплата по счету № 45"
        ),
        outgoing,
    );
    let (bytes, _, bad) = encoding_rs::WINDOWS_1251.encode(&text);
    assert!(!bad);
    bytes.into_owned()
}

fn invoice(w: &World, who: &Actor, company: &str, number: Option<&str>, rubles: i64) -> String {
    w.app
        .create_invoice(
            who,
            NewInvoice {
                company_id: company.into(),
                contract_id: None,
                order_id: None,
                number: number.map(Into::into),
                issued_on: None,
                due_on: None,
                amount: Money::from_rubles(rubles),
            },
        )
        .unwrap()
        .id
}

fn payments(w: &World) -> Vec<(String, String, Money)> {
    let mut v: Vec<(String, String, Money)> = w
        .app
        .payments(&w.admin, None, None, None, Paging::default())
        .unwrap()
        .items
        .into_iter()
        .map(|p: Payment| (p.invoice_id, p.paid_on, p.amount))
        .collect();
    v.sort();
    v
}

fn bank_documents(w: &World) -> Vec<BankDocument> {
    w.app
        .db
        .read(|tx| tx.list::<BankDocument>(&Filter::new().order("id", false)))
        .unwrap()
}

fn one(scratch: ScratchDb) {
    let label = format!("{:?}", scratch.db.dialect());
    let w = World::on(scratch, "2026-11-01T09:00:00Z", 17);
    let s1 = w.person("s1", "sales_manager");
    let c1 = w.person("c1", "caller");
    // «Ромашка»: a contract of 120 000 signed on 3 November, invoice 45 for it.
    let (romashka, _, _) = signed_own(
        &w,
        &s1,
        "7707083893",
        "Ромашка",
        "2026-11-02",
        "2026-11-03",
        120_000,
    );
    let inv45 = invoice(&w, &s1, &romashka, Some("45"), 120_000);
    // «Лютик»: two open invoices, 30 000 and 10 000.
    let (lutik, _, _) = signed_own(
        &w,
        &s1,
        "7736207543",
        "Лютик",
        "2026-11-02",
        "2026-11-03",
        40_000,
    );
    invoice(&w, &s1, &lutik, None, 30_000);
    let inv10 = invoice(&w, &s1, &lutik, None, 10_000);
    at(&w.clock, "2026-11-10");
    let bytes = statement();

    // A caller may not record payments.
    assert!(matches!(
        w.app.import_bank_statement(&c1, &bytes, true),
        Err(AppError::Forbidden(_))
    ));

    // The dry run reports what the import will do and writes nothing.
    let dry = w.app.import_bank_statement(&s1, &bytes, true).unwrap();
    assert!(dry.dry_run);
    assert_eq!(
        (
            dry.matched.len(),
            dry.unmatched.len(),
            dry.already.len(),
            dry.skipped
        ),
        (2, 1, 0, 1),
        "{label}"
    );
    assert!(payments(&w).is_empty(), "{label}");
    assert!(bank_documents(&w).is_empty(), "{label}");

    let r = w.app.import_bank_statement(&s1, &bytes, false).unwrap();
    assert_eq!(
        (
            r.matched.len(),
            r.unmatched.len(),
            r.already.len(),
            r.skipped
        ),
        (2, 1, 0, 1),
        "{label}"
    );
    let m = &r.matched[0];
    assert_eq!(
        (m.invoice_id.as_str(), m.invoice_number.as_str(), m.by),
        (inv45.as_str(), "45", MatchedBy::Number),
        "{label}"
    );
    assert_eq!(m.company_name, "Ромашка");
    assert_eq!(
        (r.matched[1].invoice_id.as_str(), r.matched[1].by),
        (inv10.as_str(), MatchedBy::Amount),
        "{label}"
    );
    let u = &r.unmatched[0];
    assert_eq!(
        (
            u.reason.code,
            u.reason.get("inn"),
            u.document.number.as_str()
        ),
        ("bank-unknown-inn", "7702070139", "103"),
        "{label}"
    );
    assert_eq!(u.document.amount, Money::from_kopecks(50_050));
    // 120 000 on invoice 45 on the 5th; 10 000 on the 6th, the day it arrived, not the 5th.
    let mut want = vec![
        (
            inv45.clone(),
            "2026-11-05".to_string(),
            Money::from_rubles(120_000),
        ),
        (
            inv10.clone(),
            "2026-11-06".to_string(),
            Money::from_rubles(10_000),
        ),
    ];
    want.sort();
    assert_eq!(payments(&w), want, "{label}");
    // The same path as a payment typed in: the first payment won «Ромашка» for s1.
    let company: Company = w.app.db.read(|tx| tx.must::<Company>(&romashka)).unwrap();
    assert_eq!(
        company.att_seller_id.as_deref(),
        Some(s1.id.as_str()),
        "{label}"
    );
    assert_eq!(company.att_won_on.as_deref(), Some("2026-11-05"), "{label}");
    let keys: Vec<String> = bank_documents(&w).into_iter().map(|b| b.id).collect();
    assert_eq!(
        keys,
        vec![
            "101|2026-11-05|7707083893|12000000".to_string(),
            "102|2026-11-06|7736207543|1000000".to_string(),
        ],
        "{label}"
    );

    // The same file again records nothing: the two payments are already there.
    let again = w.app.import_bank_statement(&s1, &bytes, false).unwrap();
    assert_eq!(
        (
            again.matched.len(),
            again.unmatched.len(),
            again.already.len()
        ),
        (0, 1, 2),
        "{label}"
    );
    assert_eq!(payments(&w), want, "{label}");
    assert_eq!(bank_documents(&w).len(), 2, "{label}");

    // The documents travel in the CSV bundle: imported into an empty database, the statement
    // is still imported there.
    let dir =
        std::env::temp_dir().join(format!("baton_bank_bundle_{}_{label}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    w.app.export(None, &dir).unwrap();
    let csv = std::fs::read_to_string(dir.join("bank_documents.csv")).unwrap();
    assert!(
        csv.starts_with("id,payment_id,imported_at,imported_by\n"),
        "{csv}"
    );
    assert_eq!(csv.lines().count(), 3, "{csv}");
    let copy = ScratchDb::sqlite().unwrap();
    let app2 = App::with(
        copy.db.clone(),
        w.clock.clone(),
        Arc::new(SeededIds::new(99)),
    );
    app2.import(None, &dir, false).unwrap();
    let s1_there = app2.actor(&s1.id).unwrap();
    let there = app2.import_bank_statement(&s1_there, &bytes, true).unwrap();
    assert_eq!(
        (there.matched.len(), there.already.len()),
        (0, 2),
        "{label}"
    );
    // A bundle from before the table, without the file, still imports.
    std::fs::remove_file(dir.join("bank_documents.csv")).unwrap();
    let older = ScratchDb::sqlite().unwrap();
    App::with(
        older.db.clone(),
        w.clock.clone(),
        Arc::new(SeededIds::new(98)),
    )
    .import(None, &dir, false)
    .unwrap();
    let _ = std::fs::remove_dir_all(&dir);

    // A file that is not a statement is refused with its line.
    let bad = String::from_utf8_lossy(&bytes)
        .replace("1CClientBankExchange", "hello")
        .into_bytes();
    let e = w.app.import_bank_statement(&s1, &bad, false).unwrap_err();
    assert!(e.to_string().starts_with("line 1:"), "{e}");
}

#[test]
fn a_statement_pays_invoices_once_on_every_database() {
    for scratch in ScratchDb::all() {
        one(scratch);
    }
}
