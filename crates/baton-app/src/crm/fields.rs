//! Which column is which: headers are matched by aliases, never by position, because amoCRM
//! and Bitrix24 export whatever columns the account has (custom fields, the user's grid).
//! A mapping file's `[columns]` names the ones the aliases miss.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Kind,
    Id,
    Title,
    Amount,
    Stage,
    Pipeline,
    Responsible,
    CreatedBy,
    CreatedAt,
    ClosedAt,
    ExpectedOn,
    LossReason,
    Company,
    Inn,
    Kpp,
    Contact,
    FirstName,
    LastName,
    Position,
    Phone,
    Email,
    City,
    Industry,
    Source,
}

impl Field {
    pub const ALL: [Field; 24] = [
        Field::Kind,
        Field::Id,
        Field::Title,
        Field::Amount,
        Field::Stage,
        Field::Pipeline,
        Field::Responsible,
        Field::CreatedBy,
        Field::CreatedAt,
        Field::ClosedAt,
        Field::ExpectedOn,
        Field::LossReason,
        Field::Company,
        Field::Inn,
        Field::Kpp,
        Field::Contact,
        Field::FirstName,
        Field::LastName,
        Field::Position,
        Field::Phone,
        Field::Email,
        Field::City,
        Field::Industry,
        Field::Source,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Field::Kind => "kind",
            Field::Id => "id",
            Field::Title => "title",
            Field::Amount => "amount",
            Field::Stage => "stage",
            Field::Pipeline => "pipeline",
            Field::Responsible => "responsible",
            Field::CreatedBy => "created_by",
            Field::CreatedAt => "created_at",
            Field::ClosedAt => "closed_at",
            Field::ExpectedOn => "expected_on",
            Field::LossReason => "loss_reason",
            Field::Company => "company",
            Field::Inn => "inn",
            Field::Kpp => "kpp",
            Field::Contact => "contact",
            Field::FirstName => "first_name",
            Field::LastName => "last_name",
            Field::Position => "position",
            Field::Phone => "phone",
            Field::Email => "email",
            Field::City => "city",
            Field::Industry => "industry",
            Field::Source => "source",
        }
    }

    pub fn parse(code: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.code() == code.trim())
    }

    /// Headers that mean this field, normalized (see [`norm`]). amoCRM's older and newer
    /// exports, its contacts/companies export, Bitrix24's deal, company and contact grids
    /// (research: import-formats.md §1–2).
    fn aliases(self) -> &'static [&'static str] {
        match self {
            Field::Kind => &["тип", "тип записи"],
            Field::Id => &["id", "ид", "id сделки", "номер сделки"],
            Field::Title => &["название сделки", "сделка", "lead title"],
            Field::Amount => &[
                "бюджет",
                "бюджет ₽",
                "бюджет, ₽",
                "бюджет руб",
                "бюджет, руб",
                "сумма",
                "сумма сделки",
                "sale",
            ],
            Field::Stage => &[
                "этап сделки",
                "этап",
                "статус",
                "статус сделки",
                "стадия сделки",
                "стадия",
                "lead status",
            ],
            Field::Pipeline => &["воронка", "название воронки", "направление", "pipeline"],
            Field::Responsible => &[
                "ответственный",
                "ответственный пользователь",
                "ответственный за сделку",
                "ответственный за контакт",
                "ответственный за компанию",
            ],
            Field::CreatedBy => &[
                "кем создана сделка",
                "кем создана",
                "кем создан",
                "кем создан контакт",
                "кем создана компания",
            ],
            Field::CreatedAt => &[
                "дата создания",
                "дата создания сделки",
                "дата создания контакта",
                "дата создания компании",
            ],
            Field::ClosedAt => &["дата закрытия", "дата закрытия сделки"],
            Field::ExpectedOn => &["предполагаемая дата закрытия"],
            Field::LossReason => &[
                "причина отказа",
                "причина закрытия",
                "причина потери",
                "причина провала",
            ],
            Field::Company => &[
                "компания",
                "название компании",
                "компания контакта",
                "название организации",
                "наименование",
                "наименование организации",
                "организация",
                "клиент",
            ],
            Field::Inn => &["инн", "инн компании", "инн организации", "инн клиента"],
            Field::Kpp => &["кпп", "кпп компании"],
            Field::Contact => &[
                "полное имя контакта",
                "основной контакт",
                "контакт",
                "фио",
                "фио контакта",
                "имя контакта",
                "контактное лицо",
            ],
            Field::FirstName => &["имя"],
            Field::LastName => &["фамилия"],
            Field::Position => &["должность"],
            Field::Phone => &[],
            Field::Email => &[],
            Field::City => &["город", "регион", "населенный пункт"],
            Field::Industry => &["отрасль", "сфера деятельности", "вид деятельности"],
            Field::Source => &["источник", "источник сделки"],
        }
    }
}

/// A header as the aliases are written: lower case, `ё` as `е`, single spaces, and the
/// entity marks amoCRM (`Рабочий телефон (контакт)`) and Bitrix24 (`Компания: Название
/// компании`) put on linked records' columns taken off.
pub fn norm(header: &str) -> String {
    let mut h = header.trim().to_lowercase().replace('ё', "е");
    for suffix in ["(контакт)", "(компания)", "(сделка)"] {
        if let Some(s) = h.strip_suffix(suffix) {
            h = s.trim().to_string();
        }
    }
    for prefix in ["компания:", "контакт:", "сделка:"] {
        if let Some(s) = h.strip_prefix(prefix) {
            let rest = s.trim();
            // «Компания: Название компании» is the company's name, not a deal's title.
            h = if prefix == "компания:" && (rest == "название компании" || rest == "название")
            {
                "компания".to_string()
            } else {
                rest.to_string()
            };
        }
    }
    h.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The field a header means, by alias; phones and e-mails by what the header contains,
/// because every account has its own set (`Рабочий телефон`, `Мобильный телефон`…).
pub fn recognize(header: &str) -> Option<Field> {
    let h = norm(header);
    if h.is_empty() {
        return None;
    }
    if let Some(f) = Field::ALL
        .into_iter()
        .find(|f| f.aliases().contains(&h.as_str()))
    {
        return Some(f);
    }
    if h.contains("телефон") || h == "phone" || h.contains("мобильный") {
        return Some(Field::Phone);
    }
    if h.contains("email") || h.contains("e-mail") || h.contains("почта") {
        return Some(Field::Email);
    }
    None
}

/// Which columns hold which field. A field's first column wins (amoCRM repeats names such
/// as `Источник`); phones and e-mails keep every column, and the first filled one is used.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Columns {
    pub of: BTreeMap<Field, Vec<usize>>,
    /// Headers nothing recognized, in order: reported, so a user sees what was left out.
    pub ignored: Vec<String>,
}

impl Columns {
    /// `overrides` maps a header (as written or normalized) to a field code from the mapping
    /// file; `""` or `"skip"` leaves the column out.
    pub fn of(headers: &[String], overrides: &BTreeMap<String, String>) -> Result<Columns, String> {
        let wanted: BTreeMap<String, &String> =
            overrides.iter().map(|(h, f)| (norm(h), f)).collect();
        let mut cols = Columns::default();
        for (i, h) in headers.iter().enumerate() {
            let field = match wanted.get(&norm(h)) {
                Some(code) if code.is_empty() || code.as_str() == "skip" => None,
                Some(code) => Some(Field::parse(code).ok_or_else(|| code.to_string())?),
                None => recognize(h),
            };
            match field {
                Some(f) => {
                    let list = cols.of.entry(f).or_default();
                    if list.is_empty() || matches!(f, Field::Phone | Field::Email) {
                        list.push(i);
                    }
                }
                None if !h.trim().is_empty() => cols.ignored.push(h.clone()),
                None => {}
            }
        }
        Ok(cols)
    }

    pub fn has(&self, f: Field) -> bool {
        self.of.contains_key(&f)
    }

    /// The field's value in a row: the first non-empty of its columns.
    pub fn get<'r>(&self, row: &'r [String], f: Field) -> Option<(&'r str, usize)> {
        self.of.get(&f)?.iter().find_map(|&i| {
            row.get(i)
                .map(|s| s.trim())
                .filter(|s| !s.is_empty())
                .map(|s| (s, i))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn heads(h: &[&str]) -> Vec<String> {
        h.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn amocrm_older_and_newer_headers() {
        let h = heads(&[
            "ID",
            "Название сделки",
            "Бюджет",
            "Ответственный",
            "Дата создания сделки",
            "Этап сделки",
            "Воронка",
            "Компания",
            "Рабочий телефон",
            "Мобильный телефон",
            "Товар",
            "Источник",
            "Товар",
            "Источник",
        ]);
        let c = Columns::of(&h, &BTreeMap::new()).unwrap();
        assert_eq!(c.of[&Field::Id], [0]);
        assert_eq!(c.of[&Field::Amount], [2]);
        assert_eq!(c.of[&Field::Phone], [8, 9]);
        assert_eq!(
            c.of[&Field::Source],
            [11],
            "the first of repeated names wins"
        );
        assert_eq!(c.ignored, ["Товар", "Товар"]);
        let newer = heads(&[
            "Название сделки",
            "Основной контакт",
            "Рабочий email (контакт)",
            "Рабочий телефон (контакт)",
            "Дата создания",
        ]);
        let c = Columns::of(&newer, &BTreeMap::new()).unwrap();
        assert_eq!(c.of[&Field::Contact], [1]);
        assert_eq!(c.of[&Field::Email], [2]);
        assert_eq!(c.of[&Field::Phone], [3]);
        assert_eq!(c.of[&Field::CreatedAt], [4]);
    }

    #[test]
    fn bitrix_prefixes_and_overrides() {
        let h = heads(&[
            "Стадия сделки",
            "Компания: Название компании",
            "ИНН клиента 2",
        ]);
        let mut o = BTreeMap::new();
        o.insert("инн клиента 2".to_string(), "inn".to_string());
        let c = Columns::of(&h, &o).unwrap();
        assert_eq!(c.of[&Field::Stage], [0]);
        assert_eq!(c.of[&Field::Company], [1]);
        assert_eq!(c.of[&Field::Inn], [2]);
        o.insert("Стадия сделки".into(), "nonsense".into());
        assert_eq!(Columns::of(&h, &o).unwrap_err(), "nonsense");
        o.insert("Стадия сделки".into(), "skip".into());
        o.remove("инн клиента 2");
        let c = Columns::of(&h, &o).unwrap();
        assert!(!c.has(Field::Stage));
        assert_eq!(c.ignored, ["Стадия сделки", "ИНН клиента 2"]);
    }

    #[test]
    fn values_skip_empty_phone_columns() {
        let h = heads(&["Рабочий телефон", "Мобильный телефон"]);
        let c = Columns::of(&h, &BTreeMap::new()).unwrap();
        let row = heads(&["", "+7 916 000-00-01"]);
        assert_eq!(c.get(&row, Field::Phone), Some(("+7 916 000-00-01", 1)));
        assert_eq!(c.get(&row, Field::Inn), None);
    }
}
