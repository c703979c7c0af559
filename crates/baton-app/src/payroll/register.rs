//! The payroll register for accounting: one row per person and component, as CSV and as an
//! XLSX workbook with one sheet per region, totals, and money formatted as rubles.

use super::PersonStatement;
use crate::error::{AppError, AppResult};
use baton_catalog::Text;
use baton_comp::Line;
use rust_decimal::Decimal;
use rust_xlsxwriter::{Format, FormatAlign, Formula, Workbook};
use std::collections::BTreeMap;

/// One register row.
#[derive(Debug, Clone, PartialEq)]
pub struct RegisterRow {
    pub region: String,
    pub name: String,
    pub login: String,
    pub role: String,
    pub component: String,
    pub label: String,
    pub status: String,
    pub amount: Decimal,
}

const HEADERS: [&str; 8] = [
    "Регион",
    "Сотрудник",
    "Логин",
    "Роль",
    "Компонент",
    "Начисление",
    "Статус",
    "Сумма, ₽",
];

/// The role and the status as the accountant reads them (the register is in Russian; the API
/// keeps the codes).
fn words(r: &RegisterRow) -> (String, String) {
    use baton_catalog::{Lang, term};
    (
        term(Lang::Ru, "role", &r.role),
        term(Lang::Ru, "line", &r.status),
    )
}

/// Every paying line (accrued or adjusted) of every statement, in statement order. Pending and
/// lapsed lines pay nothing and are left to the statements.
pub fn rows(list: &[PersonStatement]) -> Vec<RegisterRow> {
    let mut out = Vec::new();
    for s in list {
        let mut push = |role: &str, l: &Line| {
            if l.status == "pending" || l.status == "lapsed" {
                return;
            }
            out.push(RegisterRow {
                region: s.region.clone(),
                name: s.name.clone(),
                login: s.login.clone(),
                role: role.to_string(),
                component: l.component.clone(),
                label: l.label_in(baton_catalog::Lang::Ru),
                status: l.status.clone(),
                amount: l.amount,
            });
        };
        for p in &s.parts {
            for l in &p.statement.lines {
                push(&p.role, l);
            }
        }
        for l in &s.adjustments {
            push(&s.role, l);
        }
    }
    out
}

/// The register as CSV (UTF-8, comma-separated, amounts with a dot: what 1C and Excel import).
pub fn csv(list: &[PersonStatement]) -> AppResult<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let io = unwritable;
    w.write_record(HEADERS).map_err(io)?;
    for r in rows(list) {
        let amount = r.amount.to_string();
        let (role, status) = words(&r);
        let texts = [
            r.region.as_str(),
            &r.name,
            &r.login,
            &role,
            &r.component,
            &r.label,
            &status,
            &amount,
        ];
        w.write_record(texts.map(crate::export::cell).iter().map(|c| c.as_bytes()))
            .map_err(io)?;
    }
    w.into_inner().map_err(unwritable)
}

/// A register that could not be written (the writer's own error, in the message).
pub(super) fn unwritable(e: impl std::fmt::Display) -> AppError {
    AppError::invalid(
        "register",
        Text::new("err-register-write").arg("error", e.to_string()),
    )
}

/// A text cell of the workbook (never a formula).
fn text(s: &str) -> std::borrow::Cow<'_, str> {
    crate::export::cell(s)
}

/// Excel forbids these in sheet names, and a name has at most 31 characters.
fn sheet_name(region: &str) -> String {
    let clean: String = region
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .take(31)
        .collect();
    if clean.trim().is_empty() {
        "Без региона".into()
    } else {
        clean
    }
}

/// The register as an XLSX workbook: a sheet per region with a total row, then a summary.
pub fn xlsx(period: &str, status: &str, list: &[PersonStatement]) -> AppResult<Vec<u8>> {
    let err = unwritable;
    let money = Format::new().set_num_format(super::zup::RUBLES);
    let bold = Format::new().set_bold();
    let bold_money = Format::new()
        .set_bold()
        .set_num_format(super::zup::RUBLES)
        .set_align(FormatAlign::Right);
    let mut book = Workbook::new();
    let mut by_region: BTreeMap<String, Vec<RegisterRow>> = BTreeMap::new();
    for r in rows(list) {
        by_region.entry(r.region.clone()).or_default().push(r);
    }
    let title = if status == "approved" || status == "paid" {
        format!("Реестр начислений за {period} ({status})")
    } else {
        format!("Реестр начислений за {period} — ЧЕРНОВИК, период не утверждён ({status})")
    };
    let mut summary: Vec<(String, Decimal)> = Vec::new();
    for (region, list) in &by_region {
        let ws = book.add_worksheet();
        ws.set_name(sheet_name(region)).map_err(err)?;
        ws.write_with_format(0, 0, title.as_str(), &bold)
            .map_err(err)?;
        for (c, h) in HEADERS.iter().enumerate() {
            ws.write_with_format(2, c as u16, *h, &bold).map_err(err)?;
        }
        let mut row = 3u32;
        for r in list {
            let (role, status) = words(r);
            let texts = [
                &r.region,
                &r.name,
                &r.login,
                &role,
                &r.component,
                &r.label,
                &status,
            ];
            for (c, t) in texts.into_iter().enumerate() {
                ws.write(row, c as u16, text(t).as_ref()).map_err(err)?;
            }
            ws.write_with_format(row, 7, r.amount, &money)
                .map_err(err)?;
            row += 1;
        }
        let total: Decimal = list.iter().map(|r| r.amount).sum();
        ws.write_with_format(row, 6, "Итого", &bold).map_err(err)?;
        // The formula keeps the sheet live for the accountant; the cached value is ours.
        ws.write_formula_with_format(
            row,
            7,
            Formula::new(format!("=SUM(H4:H{row})")).set_result(total.to_string()),
            &bold_money,
        )
        .map_err(err)?;
        ws.set_column_width(1, 28).map_err(err)?;
        ws.set_column_width(5, 48).map_err(err)?;
        ws.set_column_width(7, 16).map_err(err)?;
        summary.push((region.clone(), total));
    }
    let ws = book.add_worksheet();
    ws.set_name("Итого").map_err(err)?;
    ws.write_with_format(0, 0, title.as_str(), &bold)
        .map_err(err)?;
    ws.write_with_format(2, 0, "Регион", &bold).map_err(err)?;
    ws.write_with_format(2, 1, "Сумма, ₽", &bold).map_err(err)?;
    let mut row = 3u32;
    for (region, total) in &summary {
        ws.write(row, 0, text(region).as_ref()).map_err(err)?;
        ws.write_with_format(row, 1, *total, &money).map_err(err)?;
        row += 1;
    }
    let grand: Decimal = summary.iter().map(|(_, t)| *t).sum();
    ws.write_with_format(row, 0, "Всего", &bold).map_err(err)?;
    ws.write_with_format(row, 1, grand, &bold_money)
        .map_err(err)?;
    ws.set_column_width(0, 24).map_err(err)?;
    ws.set_column_width(1, 18).map_err(err)?;
    book.save_to_buffer().map_err(err)
}
