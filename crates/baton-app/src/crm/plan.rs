//! From rows to what Baton will hold: companies keyed by ИНН/КПП with their contacts, and
//! deals tied to their company. Everything a row can be wrong about is found here, before
//! anything is written, with its file, line and column.

use super::fields::{Columns, Field};
use super::mapping::{Mapping, StageMeaning, is_deals};
use super::table::{Table, column_letter};
use crate::error::ImportProblem;
use baton_catalog::Text;
use baton_domain::company::normalize_name;
use baton_domain::{Inn, Kpp, Money, Phone};
use chrono::{NaiveDate, NaiveDateTime};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactIn {
    pub name: String,
    pub position: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CompanyIn {
    pub inn: Option<String>,
    pub kpp: String,
    pub name: String,
    pub city: Option<String>,
    pub industry: Option<String>,
    pub responsible: Option<String>,
    pub contacts: Vec<ContactIn>,
    /// Where it was first seen (file, line), for a problem about the company as a whole.
    pub at: (String, u64),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DealIn {
    pub id: Option<String>,
    pub title: String,
    pub amount: Option<Money>,
    pub stage: String,
    pub meaning: StageMeaning,
    pub responsible: Option<String>,
    pub created_at: Option<NaiveDateTime>,
    pub closed_at: Option<NaiveDateTime>,
    pub loss_reason: Option<String>,
    pub company: usize,
    pub at: (String, u64),
}

/// Everything read from the files, with every problem found.
#[derive(Debug, Default)]
pub struct Plan {
    pub companies: Vec<CompanyIn>,
    pub deals: Vec<DealIn>,
    pub problems: Vec<ImportProblem>,
    /// Companies by ИНН|КПП and by normalized name, to merge rows about one company.
    by_inn: BTreeMap<String, usize>,
    by_name: BTreeMap<String, usize>,
}

/// One row being read: reports problems with the file, line and the column's header.
struct Cursor<'a> {
    file: &'a str,
    line: u64,
    headers: &'a [String],
    cols: &'a Columns,
    row: &'a [String],
}

impl Cursor<'_> {
    fn get(&self, f: Field) -> Option<&str> {
        self.cols.get(self.row, f).map(|(v, _)| v)
    }
    fn column(&self, f: Field) -> String {
        match self
            .cols
            .get(self.row, f)
            .map(|(_, i)| i)
            .or_else(|| self.cols.of.get(&f).and_then(|v| v.first().copied()))
        {
            Some(i) => format!(
                "{} ({})",
                self.headers.get(i).map_or("", |h| h.as_str()),
                column_letter(i)
            ),
            None => f.code().to_string(),
        }
    }
    fn problem(&self, f: Field, why: Text) -> ImportProblem {
        ImportProblem::new(self.file, self.line, &self.column(f), why)
    }
}

impl Plan {
    pub fn read(&mut self, file: &str, table: &Table, cols: &Columns, mapping: &Mapping) {
        let deals = is_deals(cols);
        if !cols.has(Field::Company) && !cols.has(Field::Inn) {
            self.problems.push(ImportProblem::new(
                file,
                table.header_line,
                "",
                Text::new("crm-no-company-column").arg("headers", table.headers.join(", ")),
            ));
            return;
        }
        for (row, &line) in table.rows.iter().zip(&table.lines) {
            let c = Cursor {
                file,
                line,
                headers: &table.headers,
                cols,
                row,
            };
            let Some(company) = self.company(&c, deals) else {
                continue;
            };
            if deals {
                self.deal(&c, company, mapping);
            }
        }
    }

    /// The row's company, merged with what other rows said about it.
    fn company(&mut self, c: &Cursor<'_>, deals: bool) -> Option<usize> {
        let is_company_row = c.get(Field::Kind).is_some_and(|k| {
            k.to_lowercase().starts_with("компан") || k.eq_ignore_ascii_case("company")
        });
        let name = c
            .get(Field::Company)
            .or_else(|| is_company_row.then(|| c.get(Field::Contact)).flatten())
            .map(str::to_string);
        let inn = match c.get(Field::Inn) {
            Some(raw) => match Inn::parse(raw) {
                Ok(i) => Some(i.to_string()),
                Err(e) => {
                    self.problems.push(c.problem(Field::Inn, e.text()));
                    return None;
                }
            },
            None => None,
        };
        let kpp = match c.get(Field::Kpp) {
            Some(raw) => match Kpp::parse(raw) {
                Ok(k) => k.as_str().to_string(),
                Err(e) => {
                    self.problems.push(c.problem(Field::Kpp, e.text()));
                    return None;
                }
            },
            None => String::new(),
        };
        let Some(name) = name.or_else(|| inn.clone()) else {
            // A contact with no company is not a B2B client; a deal with none cannot win one.
            self.problems
                .push(c.problem(Field::Company, Text::new("crm-no-company")));
            return None;
        };
        let norm = normalize_name(&name);
        let key = inn.as_ref().map(|i| format!("{i}|{kpp}"));
        let found = key
            .as_ref()
            .and_then(|k| self.by_inn.get(k))
            .or_else(|| self.by_name.get(&norm))
            .copied();
        let i = match found {
            Some(i) => i,
            None => {
                self.companies.push(CompanyIn {
                    name: name.clone(),
                    kpp: kpp.clone(),
                    at: (c.file.to_string(), c.line),
                    ..CompanyIn::default()
                });
                self.companies.len() - 1
            }
        };
        let co = &mut self.companies[i];
        if co.inn.is_none() && inn.is_some() {
            co.inn = inn;
            co.kpp = kpp;
        }
        if let Some(k) = co.inn.as_ref().map(|i| format!("{i}|{}", co.kpp)) {
            self.by_inn.entry(k).or_insert(i);
        }
        self.by_name.entry(norm).or_insert(i);
        let co = &mut self.companies[i];
        for (slot, f) in [
            (&mut co.city, Field::City),
            (&mut co.industry, Field::Industry),
        ] {
            if slot.is_none() {
                *slot = c.get(f).map(str::to_string);
            }
        }
        if co.responsible.is_none() && !deals {
            co.responsible = c.get(Field::Responsible).map(str::to_string);
        }
        if let Some(contact) = self.contact(c, is_company_row).ok()? {
            let co = &mut self.companies[i];
            let same = |x: &ContactIn| {
                x.name == contact.name && (x.phone == contact.phone || contact.phone.is_none())
            };
            if !co.contacts.iter().any(same) {
                co.contacts.push(contact);
            }
        }
        Some(i)
    }

    /// The person on the row, if any: a named contact, or the company's own phone as its
    /// «Приёмная» (reception) so a caller has the number.
    fn contact(&mut self, c: &Cursor<'_>, company_row: bool) -> Result<Option<ContactIn>, ()> {
        // A cell may list several numbers («+7 495 …, +7 916 …»): the first is the contact's.
        let first = c
            .get(Field::Phone)
            .and_then(|raw| raw.split([',', ';']).map(str::trim).find(|p| !p.is_empty()));
        let phone = match first {
            Some(raw) => match Phone::parse(raw) {
                Ok(p) => Some(p.as_str().to_string()),
                Err(e) => {
                    self.problems.push(c.problem(Field::Phone, e.text()));
                    return Err(());
                }
            },
            None => None,
        };
        let email = c.get(Field::Email).map(str::to_string);
        if let Some(e) = &email
            && (!e.contains('@') || e.starts_with('@') || e.ends_with('@'))
        {
            self.problems
                .push(c.problem(Field::Email, Text::new("err-email-format").arg("value", e)));
            return Err(());
        }
        let full = c.get(Field::Contact).map(str::to_string).or_else(|| {
            let parts: Vec<&str> = [c.get(Field::LastName), c.get(Field::FirstName)]
                .into_iter()
                .flatten()
                .collect();
            (!parts.is_empty()).then(|| parts.join(" "))
        });
        let name = match full {
            Some(n) if !company_row => n,
            _ if phone.is_some() || email.is_some() => "Приёмная".to_string(),
            _ => return Ok(None),
        };
        Ok(Some(ContactIn {
            name,
            position: c.get(Field::Position).map(str::to_string),
            phone,
            email,
        }))
    }

    fn deal(&mut self, c: &Cursor<'_>, company: usize, mapping: &Mapping) {
        let amount = match c.get(Field::Amount) {
            Some(raw) => match raw.parse::<Money>() {
                Ok(m) if !m.is_negative() => Some(m),
                Ok(_) | Err(_) => {
                    self.problems.push(c.problem(
                        Field::Amount,
                        Text::new("err-money-format").arg("value", raw),
                    ));
                    return;
                }
            },
            None => None,
        };
        let mut date = |f: Field| -> Result<Option<NaiveDateTime>, ()> {
            match c.get(f) {
                Some(raw) => match parse_when(raw) {
                    Some(t) => Ok(Some(t)),
                    None => {
                        self.problems
                            .push(c.problem(f, Text::new("crm-bad-date").arg("value", raw)));
                        Err(())
                    }
                },
                None => Ok(None),
            }
        };
        let (Ok(created_at), Ok(closed_at), Ok(expected)) = (
            date(Field::CreatedAt),
            date(Field::ClosedAt),
            date(Field::ExpectedOn),
        ) else {
            return;
        };
        let stage = c.get(Field::Stage).unwrap_or_default().to_string();
        let Some(meaning) = mapping.stage(&stage) else {
            let word = mapping
                .stages
                .get(stage.trim())
                .cloned()
                .unwrap_or_default();
            self.problems.push(
                c.problem(
                    Field::Stage,
                    Text::new("crm-bad-stage-meaning")
                        .arg("stage", &stage)
                        .arg("value", word),
                ),
            );
            return;
        };
        if meaning == StageMeaning::Won && !amount.is_some_and(|m| m.is_positive()) {
            self.problems
                .push(c.problem(Field::Amount, Text::new("crm-won-without-amount")));
            return;
        }
        let title = c
            .get(Field::Title)
            .map(str::to_string)
            .unwrap_or_else(|| self.companies[company].name.clone());
        self.deals.push(DealIn {
            id: c.get(Field::Id).map(str::to_string),
            title,
            amount,
            stage,
            meaning,
            responsible: c.get(Field::Responsible).map(str::to_string),
            created_at,
            // Bitrix24's grid has no closing date: a closed deal's expected one stands for it.
            closed_at: closed_at.or(expected),
            loss_reason: c.get(Field::LossReason).map(str::to_string),
            company,
            at: (c.file.to_string(), c.line),
        });
    }

    /// Companies still without an ИНН once every file is read are problems: Baton tells a
    /// new client from a returning one, and protects clients, by ИНН.
    pub fn check_inns(&mut self) {
        for co in &self.companies {
            if co.inn.is_none() {
                self.problems.push(ImportProblem::new(
                    &co.at.0,
                    co.at.1,
                    "ИНН",
                    Text::new("crm-no-inn").arg("name", &co.name),
                ));
            }
        }
    }
}

/// The dates amoCRM and Bitrix24 write: `dd.mm.yyyy[ hh:mm[:ss]]`, `dd-mm-yyyy[ hh:mm:ss]`,
/// and ISO `yyyy-mm-dd[ hh:mm:ss]` or with `T`.
pub fn parse_when(raw: &str) -> Option<NaiveDateTime> {
    let s = raw.trim();
    for f in [
        "%d.%m.%Y %H:%M:%S",
        "%d.%m.%Y %H:%M",
        "%d-%m-%Y %H:%M:%S",
        "%d-%m-%Y %H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, f) {
            return Some(t);
        }
    }
    for f in ["%d.%m.%Y", "%d-%m-%Y", "%Y-%m-%d", "%d.%m.%y"] {
        if let Ok(d) = NaiveDate::parse_from_str(s, f) {
            return d.and_hms_opt(0, 0, 0);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        let t = |s| parse_when(s).map(|d| d.to_string());
        assert_eq!(
            t("05.03.2026 14:07:09").as_deref(),
            Some("2026-03-05 14:07:09")
        );
        assert_eq!(
            t("05.03.2026 14:07").as_deref(),
            Some("2026-03-05 14:07:00")
        );
        assert_eq!(
            t("05-03-2026 14:07:09").as_deref(),
            Some("2026-03-05 14:07:09")
        );
        assert_eq!(t("05.03.2026").as_deref(), Some("2026-03-05 00:00:00"));
        assert_eq!(
            t("2026-03-05T14:07:09").as_deref(),
            Some("2026-03-05 14:07:09")
        );
        assert_eq!(t("31.02.2026"), None);
        assert_eq!(t("вчера"), None);
    }
}
