//! What a person may type, in one place: the maximum length of every kind of text, the most
//! items a list may carry, the window of business dates, and the checks that refuse blank,
//! control-character and out-of-window values. The API, the pages and the import use these
//! parsers; the OpenAPI document states the same limits.

use baton_catalog::Text;
use chrono::{Datelike, NaiveDate};

/// A name: a company, a person, a contact, a product, a region, a call list.
pub const NAME_MAX: usize = 200;
/// A short code or key: a login, a region code, a SKU, a metric, a reason, a kind.
pub const CODE_MAX: usize = 64;
/// A note, a comment, a checklist answer, a brief item, an e-mail, a phone as typed.
pub const NOTE_MAX: usize = 2_000;
/// A plan text or a configuration document.
pub const DOCUMENT_MAX: usize = 100_000;
/// Items in one request's list (contacts, companies added to a call list, contract lines).
pub const LIST_MAX: usize = 500;
/// The most clients one move between client managers takes (a whole book of a large
/// department fits in one transaction).
pub const MOVE_MAX: usize = 20_000;
/// A request body, in bytes.
pub const BODY_MAX: usize = 2 * 1024 * 1024;
/// Business dates lie within this many years of today.
pub const DATE_WINDOW_YEARS: i32 = 10;

/// Why a typed value is refused; the field is named by the caller.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    #[error("is empty: write something")]
    Blank,
    #[error("is {len} characters long; at most {max} are allowed")]
    TooLong { len: usize, max: usize },
    #[error("holds a control character (code {code}); remove it")]
    Control { code: u32 },
    #[error("has {len} items; at most {max} are allowed in one request")]
    TooMany { len: usize, max: usize },
    #[error("«{0}» is not a date: write it as YYYY-MM-DD")]
    NotDate(String),
    #[error("{date} is outside {from}…{to}: business dates lie within {years} years of today")]
    OutOfWindow {
        date: NaiveDate,
        from: NaiveDate,
        to: NaiveDate,
        years: i32,
    },
    #[error("cannot be negative")]
    Negative,
}

impl InputError {
    /// The refusal as a catalog text: the field (the machine name, shown by its label
    /// `field-{name}`) and what is wrong with it.
    pub fn text(&self, field: &str) -> Text {
        Text::new("err-input")
            .term("field", "field", field)
            .text("why", self.why())
    }

    /// What is wrong, without the field (an import names the column itself).
    pub fn why(&self) -> Text {
        match self {
            InputError::Blank => Text::new("why-blank"),
            InputError::TooLong { len, max } => Text::new("why-too-long")
                .num("len", *len as i64)
                .num("max", *max as i64),
            InputError::Control { code } => Text::new("why-control").num("code", i64::from(*code)),
            InputError::TooMany { len, max } => Text::new("why-too-many")
                .num("len", *len as i64)
                .num("max", *max as i64),
            InputError::NotDate(v) => Text::new("why-not-date").arg("value", v),
            InputError::OutOfWindow {
                date,
                from,
                to,
                years,
            } => Text::new("why-out-of-window")
                .arg("date", date.to_string())
                .arg("from", from.to_string())
                .arg("to", to.to_string())
                .num("years", i64::from(*years)),
            InputError::Negative => Text::new("why-negative"),
        }
    }
}

/// A text that must not be blank: trimmed, at most `max` characters, no control characters
/// (line breaks and tabs are allowed where `multiline`).
pub fn text(value: &str, max: usize, multiline: bool) -> Result<String, InputError> {
    let t = optional_text(value, max, multiline)?;
    if t.is_empty() {
        return Err(InputError::Blank);
    }
    Ok(t)
}

/// A text that may be empty (then `""`), with the same checks.
pub fn optional_text(value: &str, max: usize, multiline: bool) -> Result<String, InputError> {
    let t = value.trim();
    if let Some(c) = t
        .chars()
        .find(|c| c.is_control() && !(multiline && matches!(c, '\n' | '\r' | '\t')))
    {
        return Err(InputError::Control { code: c as u32 });
    }
    let len = t.chars().count();
    if len > max {
        return Err(InputError::TooLong { len, max });
    }
    Ok(t.to_string())
}

/// A list of at most `max` items.
pub fn count(len: usize, max: usize) -> Result<(), InputError> {
    if len > max {
        return Err(InputError::TooMany { len, max });
    }
    Ok(())
}

/// A business date (`YYYY-MM-DD`) within `DATE_WINDOW_YEARS` of `today`.
pub fn business_date(value: &str, today: NaiveDate) -> Result<NaiveDate, InputError> {
    let d: NaiveDate = value
        .trim()
        .parse()
        .map_err(|_| InputError::NotDate(value.to_string()))?;
    in_window(d, today)
}

/// Refuses a date further than `DATE_WINDOW_YEARS` from `today`.
pub fn in_window(d: NaiveDate, today: NaiveDate) -> Result<NaiveDate, InputError> {
    let years = DATE_WINDOW_YEARS;
    let shift = |y: i32| {
        NaiveDate::from_ymd_opt(today.year() + y, today.month(), today.day().min(28))
            .unwrap_or(today)
    };
    let (from, to) = (shift(-years), shift(years));
    if d < from || d > to {
        return Err(InputError::OutOfWindow {
            date: d,
            from,
            to,
            years,
        });
    }
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts() {
        assert_eq!(
            text("  ООО «Ромашка» ", NAME_MAX, false),
            Ok("ООО «Ромашка»".into())
        );
        assert_eq!(text("   ", NAME_MAX, false), Err(InputError::Blank));
        assert_eq!(
            text("a\u{0}b", NAME_MAX, false),
            Err(InputError::Control { code: 0 })
        );
        assert_eq!(
            text("a\nb", NAME_MAX, false),
            Err(InputError::Control { code: 10 })
        );
        assert_eq!(text("a\nb", NOTE_MAX, true), Ok("a\nb".into()));
        let long = "я".repeat(NAME_MAX + 1);
        assert_eq!(
            text(&long, NAME_MAX, false),
            Err(InputError::TooLong {
                len: NAME_MAX + 1,
                max: NAME_MAX
            })
        );
        assert!(text(&"я".repeat(NAME_MAX), NAME_MAX, false).is_ok());
        assert_eq!(optional_text(" ", NOTE_MAX, true), Ok(String::new()));
    }

    #[test]
    fn dates_lie_within_ten_years() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 7).expect("date");
        assert!(business_date("2026-12-31", today).is_ok());
        assert!(business_date("2036-12-07", today).is_ok());
        assert!(matches!(
            business_date("9999-12-31", today),
            Err(InputError::OutOfWindow { .. })
        ));
        assert!(matches!(
            business_date("1900-01-01", today),
            Err(InputError::OutOfWindow { .. })
        ));
        assert_eq!(
            business_date("2026-13-01", today),
            Err(InputError::NotDate("2026-13-01".into()))
        );
    }

    #[test]
    fn lists() {
        assert!(count(LIST_MAX, LIST_MAX).is_ok());
        assert_eq!(
            count(20_000, LIST_MAX),
            Err(InputError::TooMany {
                len: 20_000,
                max: LIST_MAX
            })
        );
    }
}
