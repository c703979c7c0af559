//! The payroll register laid out for 1C:ЗУП (issue 17 §5), on the hand-built October of
//! tests/payroll.rs: c1 30 000 base + 700 accepted lead + 3 000 converted = 33 700; s1 40 000
//! base + 8 400 commission + 5 000 new-client bonus = 53 400; k1 27 045,45 base (17 of 22 days)
//! and 0 portfolio. The accountant maps base to «Оклад», the lead and commission components to
//! «Премия ежемесячная», the new-client bonus to «Премия разовая», and enters c1's and s1's
//! табельные номера. Every expected byte below follows from those figures.

mod common;

use baton_app::AppError;
use common::{World, at, october};
use std::collections::BTreeMap;

fn lines(bytes: &[u8]) -> Vec<String> {
    let text = std::str::from_utf8(bytes).expect("utf-8");
    text.split("\r\n").map(str::to_string).collect()
}

#[test]
fn the_zup_layout_in_bytes_and_in_excel() {
    let w = World::new("2026-09-01T07:00:00Z", 17);
    let o = october(&w);
    let app = &w.app;
    at(&w.clock, "2026-11-02");
    let types: BTreeMap<String, String> = [
        ("base", "Оклад"),
        ("accepted_leads", "Премия ежемесячная"),
        ("converted", "Премия ежемесячная"),
        ("commission", "Премия ежемесячная"),
        ("new_clients", "Премия разовая"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    // Only whoever prepares the whole company's payroll names the accrual types.
    let refused = app.set_accrual_types(&o.s1, types.clone()).unwrap_err();
    assert!(matches!(refused, AppError::Forbidden(_)), "{refused:?}");
    app.set_accrual_types(&w.admin, types).unwrap();
    app.set_personnel_number(&w.admin, &o.c1.id, Some(" 000101 "))
        .unwrap();
    let s1 = app
        .set_personnel_number(&w.admin, &o.s1.id, Some("000102"))
        .unwrap();
    assert_eq!(s1.personnel_number.as_deref(), Some("000102"));
    // A seller may not set anyone's number, their own included.
    assert!(
        app.set_personnel_number(&o.s1, &o.s1.id, Some("1"))
            .is_err()
    );

    let bytes = app.payroll_register(None, "2026-10", "zup_csv").unwrap();
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF", "a BOM, so Excel reads UTF-8");
    let rows = lines(&bytes[3..]);
    assert_eq!(
        rows[0],
        "Табельный номер;ФИО;Подразделение;Вид начисления;Сумма;Месяц начисления;Дата начала;Дата окончания;Статус"
    );
    let tail = ";01.10.2026;01.10.2026;31.10.2026;открыт, считается на лету";
    let want = |s: &str| format!("{s}{tail}");
    for expected in [
        want("000101;c1;Москва;Оклад;30000,00"),
        want("000101;c1;Москва;Премия ежемесячная;3700,00"),
        want("000101;c1;Москва;Итого по сотруднику;33700,00"),
        want("000102;s1;Москва;Оклад;40000,00"),
        want("000102;s1;Москва;Премия ежемесячная;8400,00"),
        want("000102;s1;Москва;Премия разовая;5000,00"),
        want("000102;s1;Москва;Итого по сотруднику;53400,00"),
        want(";k1;Москва;Оклад;27045,45"),
        want(";k1;Москва;Итого по сотруднику;27045,45"),
    ] {
        assert!(rows.contains(&expected), "{expected}\n{rows:#?}");
    }
    // Each person's rows are together and end with their total.
    let c1: Vec<&String> = rows.iter().filter(|r| r.contains(";c1;")).collect();
    assert_eq!(c1.len(), 3);
    assert!(c1[2].contains("Итого по сотруднику"));
    // k1's unmapped portfolio component keeps its label, with 0,00.
    assert!(
        rows.iter()
            .any(|r| r.starts_with(";k1;Москва;") && r.contains(";0,00;")),
        "{rows:#?}"
    );
    // Header, 3 + 4 + 3 rows, and the empty string after the last CRLF.
    assert_eq!(rows.len(), 12, "{rows:#?}");

    // The XLSX: the same rows, amounts as numbers in the rubles format.
    use calamine::{Data, Reader, Xlsx};
    let x = app.payroll_register(None, "2026-10", "zup_xlsx").unwrap();
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(x.clone())).unwrap();
    assert_eq!(book.sheet_names(), vec!["Начисления".to_string()]);
    let sheet = book.worksheet_range("Начисления").unwrap();
    let total = sheet
        .rows()
        .find(|r| r[1] == "s1" && r[3] == "Итого по сотруднику")
        .expect("s1's total")[4]
        .clone();
    assert_eq!(total, Data::Float(53400.0));
    // The number format is stored locale-free: Russian Excel shows «53 400,00 ₽».
    let styles = {
        use std::io::Read;
        let mut zip = zip_entry(&x, "xl/styles.xml");
        let mut s = String::new();
        zip.read_to_string(&mut s).unwrap();
        s
    };
    assert!(
        styles.contains(r##"formatCode="#,##0.00\ &quot;₽&quot;""##),
        "{styles}"
    );
}

/// One file of the XLSX (a zip) as a reader.
fn zip_entry(bytes: &[u8], name: &str) -> std::io::Cursor<Vec<u8>> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut f = archive.by_name(name).unwrap();
    let mut out = Vec::new();
    std::io::Read::read_to_end(&mut f, &mut out).unwrap();
    std::io::Cursor::new(out)
}
