//! The payroll register in the layout an accountant loads into 1C:ЗУП (issue 17 §5): one row per
//! person and вид начисления, then the person's total; Russian headings; CSV with a BOM, `;` and
//! a decimal comma, or XLSX with rubles formatted as Russian Excel shows them.
//!
//! ЗУП has no documented "load from Excel" layout for accruals (docs/payroll-1c.md says what is
//! known); the columns are those of its documents «Разовое начисление» and «Премия»: табельный
//! номер and ФИО to find the employee, подразделение, вид начисления (named as in the company's
//! ЗУП, mapped from the plan's components in the settings), the amount, the month of
//! registration and the period the pay is for.

use super::PersonStatement;
use crate::error::{AppError, AppResult};
use baton_catalog::Text;
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use rust_xlsxwriter::{Format, Workbook};
use std::collections::BTreeMap;

/// The settings row that maps plan components to the company's виды начислений.
pub const SETTING: &str = "accrual_types";

pub const HEADERS: [&str; 9] = [
    "Табельный номер",
    "ФИО",
    "Подразделение",
    "Вид начисления",
    "Сумма",
    "Месяц начисления",
    "Дата начала",
    "Дата окончания",
    "Статус",
];

/// What the row says in «Вид начисления» for a person's total.
pub const TOTAL: &str = "Итого по сотруднику";

/// One row of the layout: an accrual, or (with `total`) a person's total.
#[derive(Debug, Clone, PartialEq)]
pub struct ZupRow {
    pub personnel_number: String,
    pub name: String,
    pub department: String,
    pub accrual: String,
    pub amount: Decimal,
    pub total: bool,
}

/// The rows: each person's paying lines summed by вид начисления (components mapped to the same
/// вид become one row), in the statements' order, each person closed by their total. A
/// component with no mapping is named by its label, so nothing is dropped.
pub fn rows(
    list: &[PersonStatement],
    numbers: &BTreeMap<String, String>,
    types: &BTreeMap<String, String>,
) -> Vec<ZupRow> {
    let mut out = Vec::new();
    for s in list {
        let mut by_type: Vec<(String, Decimal)> = Vec::new();
        for r in super::register::rows(std::slice::from_ref(s)) {
            let name = types
                .get(&r.component)
                .cloned()
                .unwrap_or_else(|| r.label.clone());
            match by_type.iter_mut().find(|(t, _)| *t == name) {
                Some((_, a)) => *a += r.amount,
                None => by_type.push((name, r.amount)),
            }
        }
        if by_type.is_empty() {
            continue;
        }
        let number = numbers.get(&s.employee_id).cloned().unwrap_or_default();
        let total: Decimal = by_type.iter().map(|(_, a)| *a).sum();
        for (accrual, amount) in by_type {
            out.push(ZupRow {
                personnel_number: number.clone(),
                name: s.name.clone(),
                department: s.region.clone(),
                accrual,
                amount,
                total: false,
            });
        }
        out.push(ZupRow {
            personnel_number: number,
            name: s.name.clone(),
            department: s.region.clone(),
            accrual: TOTAL.into(),
            amount: total,
            total: true,
        });
    }
    out
}

/// `1234.5` as `1234,50`: two decimals and a comma, what Russian Excel and 1C read as a number.
pub fn decimal_comma(d: Decimal) -> String {
    format!("{:.2}", d.round_dp(2)).replace('.', ",")
}

/// The month's first and last day, `dd.mm.yyyy`.
fn month_days(period: &str) -> AppResult<(String, String)> {
    let first = NaiveDate::parse_from_str(&format!("{period}-01"), "%Y-%m-%d").map_err(|_| {
        AppError::invalid("period", Text::new("err-not-month").arg("value", period))
    })?;
    let next = if first.month() == 12 {
        NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)
    };
    let last = next.and_then(|d| d.pred_opt()).unwrap_or(first);
    Ok((
        first.format("%d.%m.%Y").to_string(),
        last.format("%d.%m.%Y").to_string(),
    ))
}

fn status_word(status: &str) -> String {
    baton_catalog::term(baton_catalog::Lang::Ru, "period", status)
}

/// The texts of one row, in `HEADERS` order (the amount as `amount`).
fn texts(r: &ZupRow, amount: String, month: &(String, String), status: &str) -> [String; 9] {
    [
        r.personnel_number.clone(),
        r.name.clone(),
        r.department.clone(),
        r.accrual.clone(),
        amount,
        month.0.clone(),
        month.0.clone(),
        month.1.clone(),
        status.to_string(),
    ]
}

/// The layout as CSV for Russian Excel: UTF-8 with a BOM (so Cyrillic opens as Cyrillic), `;`
/// between columns and a decimal comma (so columns and numbers open as such), CRLF line ends.
pub fn csv(
    period: &str,
    status: &str,
    list: &[PersonStatement],
    numbers: &BTreeMap<String, String>,
    types: &BTreeMap<String, String>,
) -> AppResult<Vec<u8>> {
    let month = month_days(period)?;
    let io = super::register::unwritable;
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(csv::Terminator::CRLF)
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    w.write_record(HEADERS).map_err(io)?;
    let word = status_word(status);
    for r in rows(list, numbers, types) {
        let t = texts(&r, decimal_comma(r.amount), &month, &word);
        w.write_record(t.iter().map(|c| crate::export::cell(c).into_owned()))
            .map_err(io)?;
    }
    w.into_inner().map_err(super::register::unwritable)
}

/// The Excel number format of rubles. In the file the separators are always `,` (thousands) and
/// `.` (decimals); Russian Excel shows them as a space and a comma: `1 234 567,89 ₽`.
pub const RUBLES: &str = "#,##0.00\\ \"₽\"";

/// The layout as an XLSX sheet «Начисления»: the amounts are numbers in rubles, each person's
/// total in bold.
pub fn xlsx(
    period: &str,
    status: &str,
    list: &[PersonStatement],
    numbers: &BTreeMap<String, String>,
    types: &BTreeMap<String, String>,
) -> AppResult<Vec<u8>> {
    let month = month_days(period)?;
    let err = super::register::unwritable;
    let money = Format::new().set_num_format(RUBLES);
    let bold = Format::new().set_bold();
    let bold_money = Format::new().set_bold().set_num_format(RUBLES);
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("Начисления").map_err(err)?;
    for (c, h) in HEADERS.iter().enumerate() {
        ws.write_with_format(0, c as u16, *h, &bold).map_err(err)?;
    }
    let word = status_word(status);
    for (i, r) in rows(list, numbers, types).iter().enumerate() {
        let row = i as u32 + 1;
        let t = texts(r, String::new(), &month, &word);
        for (c, text) in t.iter().enumerate() {
            if c == 4 {
                let f = if r.total { &bold_money } else { &money };
                ws.write_with_format(row, 4, r.amount, f).map_err(err)?;
            } else if r.total && c == 3 {
                ws.write_with_format(row, 3, text.as_str(), &bold)
                    .map_err(err)?;
            } else {
                ws.write(row, c as u16, crate::export::cell(text).as_ref())
                    .map_err(err)?;
            }
        }
    }
    for (c, w) in [(0u16, 16.0), (1, 30.0), (2, 20.0), (3, 36.0), (4, 16.0)] {
        ws.set_column_width(c, w).map_err(err)?;
    }
    for c in 5u16..8 {
        ws.set_column_width(c, 14.0).map_err(err)?;
    }
    book.save_to_buffer().map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_have_two_decimals_and_a_comma() {
        assert_eq!(decimal_comma(Decimal::new(12345, 1)), "1234,50");
        assert_eq!(decimal_comma(Decimal::new(-5, 0)), "-5,00");
        assert_eq!(decimal_comma(Decimal::new(1234567891, 2)), "12345678,91");
    }

    #[test]
    fn a_month_runs_from_its_first_to_its_last_day() {
        assert_eq!(
            month_days("2026-02").unwrap(),
            ("01.02.2026".to_string(), "28.02.2026".to_string())
        );
        assert_eq!(
            month_days("2026-12").unwrap(),
            ("01.12.2026".to_string(), "31.12.2026".to_string())
        );
        assert!(month_days("2026-13").is_err());
    }
}
