//! Money is an exact count of kopecks. Parsing accepts what people type in Russian
//! spreadsheets ("1 234,56", "1234.56", "-500"); display is `1 234 567,89 ₽`.

use baton_catalog::Text;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::ops::{Add, AddAssign, Neg, Sub, SubAssign};
use std::str::FromStr;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(i64);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "«{input}» is not an amount of money: write rubles with at most two decimals, e.g. 1234,56"
)]
pub struct MoneyError {
    pub input: String,
}

impl MoneyError {
    /// The refusal as a catalog text.
    pub fn text(&self) -> Text {
        Text::new("err-money-format").arg("value", &self.input)
    }
}

impl Money {
    pub const ZERO: Money = Money(0);

    pub const fn from_kopecks(k: i64) -> Self {
        Money(k)
    }
    pub const fn from_rubles(r: i64) -> Self {
        Money(r * 100)
    }
    pub const fn kopecks(self) -> i64 {
        self.0
    }
    pub fn is_negative(self) -> bool {
        self.0 < 0
    }
    pub fn is_positive(self) -> bool {
        self.0 > 0
    }
    pub fn abs(self) -> Self {
        Money(self.0.abs())
    }
    pub fn max(self, other: Money) -> Money {
        Money(self.0.max(other.0))
    }
    pub fn min(self, other: Money) -> Money {
        Money(self.0.min(other.0))
    }

    /// Canonical machine form: `-1234.50`. Used in JSON and CSV so that files round-trip.
    pub fn to_plain(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let a = self.0.unsigned_abs();
        format!("{sign}{}.{:02}", a / 100, a % 100)
    }

    /// Human form for Russian users: `1 234 567,89 ₽` (narrow no-break spaces are avoided
    /// on purpose: Excel and 1C paste plain U+00A0 best).
    pub fn to_human(self) -> String {
        let sign = if self.0 < 0 { "−" } else { "" };
        let a = self.0.unsigned_abs();
        let rub = (a / 100).to_string();
        let mut grouped = String::new();
        for (i, ch) in rub.chars().enumerate() {
            if i > 0 && (rub.len() - i).is_multiple_of(3) {
                grouped.push('\u{a0}');
            }
            grouped.push(ch);
        }
        format!("{sign}{grouped},{:02}\u{a0}₽", a % 100)
    }
}

impl FromStr for Money {
    type Err = MoneyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || MoneyError {
            input: s.to_string(),
        };
        let cleaned: String = s
            .trim()
            .trim_end_matches('₽')
            .trim_end_matches("руб.")
            .chars()
            .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '_'))
            .map(|c| if c == ',' { '.' } else { c })
            .map(|c| if c == '−' { '-' } else { c })
            .collect();
        if cleaned.is_empty() {
            return Err(err());
        }
        let (neg, body) = match cleaned.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, cleaned.as_str()),
        };
        let (int, frac) = match body.split_once('.') {
            Some((i, f)) => (i, f),
            None => (body, ""),
        };
        if int.is_empty() && frac.is_empty()
            || !int.chars().all(|c| c.is_ascii_digit())
            || !frac.chars().all(|c| c.is_ascii_digit())
            || frac.len() > 2
            || int.len() > 15
        {
            return Err(err());
        }
        let rub: i64 = if int.is_empty() {
            0
        } else {
            int.parse().map_err(|_| err())?
        };
        let kop: i64 = match frac.len() {
            0 => 0,
            1 => frac.parse::<i64>().map_err(|_| err())? * 10,
            _ => frac.parse().map_err(|_| err())?,
        };
        let v = rub * 100 + kop;
        Ok(Money(if neg { -v } else { v }))
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_plain())
    }
}

impl Add for Money {
    type Output = Money;
    fn add(self, o: Money) -> Money {
        Money(self.0 + o.0)
    }
}
impl Sub for Money {
    type Output = Money;
    fn sub(self, o: Money) -> Money {
        Money(self.0 - o.0)
    }
}
impl Neg for Money {
    type Output = Money;
    fn neg(self) -> Money {
        Money(-self.0)
    }
}
impl AddAssign for Money {
    fn add_assign(&mut self, o: Money) {
        self.0 += o.0
    }
}
impl SubAssign for Money {
    fn sub_assign(&mut self, o: Money) {
        self.0 -= o.0
    }
}
impl std::iter::Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        Money(iter.map(|m| m.0).sum())
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_plain())
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            S(String),
            I(i64),
        }
        match Raw::deserialize(d)? {
            Raw::S(s) => s.parse().map_err(serde::de::Error::custom),
            Raw::I(i) => Ok(Money::from_rubles(i)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_what_people_type() {
        assert_eq!("1 234,56".parse::<Money>().unwrap().kopecks(), 123_456);
        assert_eq!("1234.5".parse::<Money>().unwrap().kopecks(), 123_450);
        assert_eq!("-500".parse::<Money>().unwrap().kopecks(), -50_000);
        assert_eq!("0,07 ₽".parse::<Money>().unwrap().kopecks(), 7);
        assert!("12,345".parse::<Money>().is_err());
        assert!("abc".parse::<Money>().is_err());
        assert!("".parse::<Money>().is_err());
        assert!("1.2.3".parse::<Money>().is_err());
    }

    #[test]
    fn formats_for_russian_users() {
        assert_eq!(
            Money::from_kopecks(123_456_789).to_human(),
            "1\u{a0}234\u{a0}567,89\u{a0}₽"
        );
        assert_eq!(Money::from_kopecks(5).to_human(), "0,05\u{a0}₽");
        assert_eq!(
            Money::from_kopecks(-100_000).to_human(),
            "−1\u{a0}000,00\u{a0}₽"
        );
        assert_eq!(Money::from_kopecks(-5).to_plain(), "-0.05");
    }

    proptest! {
        #[test]
        fn plain_form_round_trips(k in -10_000_000_000_000i64..10_000_000_000_000i64) {
            let m = Money::from_kopecks(k);
            prop_assert_eq!(m.to_plain().parse::<Money>().unwrap(), m);
            prop_assert_eq!(m.to_human().parse::<Money>().unwrap(), m);
        }
    }
}
