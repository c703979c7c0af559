//! ИНН and КПП. The checksum weights are those of the Federal Tax Service
//! (order of the Ministry of Finance No. 16-ФЗ …, the algorithm every 1C check uses).

use baton_catalog::Text;
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Inn(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InnError {
    #[error("ИНН must have 10 digits (organisation) or 12 digits (sole trader); «{0}» has {1}")]
    Length(String, usize),
    #[error("ИНН «{0}» may contain digits only")]
    NotDigits(String),
    #[error("ИНН «{0}» has a wrong check digit: check for a typo")]
    Checksum(String),
}

impl InnError {
    /// The refusal as a catalog text.
    pub fn text(&self) -> Text {
        match self {
            InnError::Length(v, n) => Text::new("err-inn-length")
                .arg("value", v)
                .num("n", *n as i64),
            InnError::NotDigits(v) => Text::new("err-inn-not-digits").arg("value", v),
            InnError::Checksum(v) => Text::new("err-inn-check-digit").arg("value", v),
        }
    }
}

impl KppError {
    /// The refusal as a catalog text.
    pub fn text(&self) -> Text {
        Text::new("err-kpp-format").arg("value", &self.0)
    }
}

const W10: [u32; 9] = [2, 4, 10, 3, 5, 9, 4, 6, 8];
const W11: [u32; 10] = [7, 2, 4, 10, 3, 5, 9, 4, 6, 8];
const W12: [u32; 11] = [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8];

fn check_digit(digits: &[u32], weights: &[u32]) -> u32 {
    let s: u32 = digits.iter().zip(weights).map(|(d, w)| d * w).sum();
    s % 11 % 10
}

impl Inn {
    pub fn parse(raw: &str) -> Result<Inn, InnError> {
        let s: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
        if !s.chars().all(|c| c.is_ascii_digit()) {
            return Err(InnError::NotDigits(raw.to_string()));
        }
        let d: Vec<u32> = s.chars().filter_map(|c| c.to_digit(10)).collect();
        // All zeros passes the check digits (0 = 0) but is no taxpayer's number.
        if !d.is_empty() && d.iter().all(|x| *x == 0) {
            return Err(InnError::Checksum(raw.to_string()));
        }
        let ok = match d.len() {
            10 => check_digit(&d[..9], &W10) == d[9],
            12 => check_digit(&d[..10], &W11) == d[10] && check_digit(&d[..11], &W12) == d[11],
            n => return Err(InnError::Length(raw.to_string(), n)),
        };
        if ok {
            Ok(Inn(s))
        } else {
            Err(InnError::Checksum(raw.to_string()))
        }
    }

    /// Makes a valid 10-digit ИНН from a 9-digit body (used by the demo generator).
    pub fn legal_from_body(body: u32) -> Inn {
        let s = format!("{:09}", body % 1_000_000_000);
        let d: Vec<u32> = s.chars().filter_map(|c| c.to_digit(10)).collect();
        let c = check_digit(&d, &W10);
        Inn(format!("{s}{c}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn is_legal_entity(&self) -> bool {
        self.0.len() == 10
    }
}

impl TryFrom<String> for Inn {
    type Error = InnError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Inn::parse(&s)
    }
}
impl From<Inn> for String {
    fn from(i: Inn) -> String {
        i.0
    }
}
impl fmt::Display for Inn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// КПП: 4 digits (tax office), 2 characters (reason, digits or capital Latin letters), 3 digits.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Kpp(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("КПП «{0}» must be 9 characters: 4 digits, 2 digits or capital Latin letters, 3 digits")]
pub struct KppError(pub String);

impl Kpp {
    pub fn parse(raw: &str) -> Result<Kpp, KppError> {
        let s = raw.trim().to_string();
        let b = s.as_bytes();
        let ok = b.len() == 9
            && b[..4].iter().all(u8::is_ascii_digit)
            && b[4..6]
                .iter()
                .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
            && b[6..].iter().all(u8::is_ascii_digit);
        if ok {
            Ok(Kpp(s))
        } else {
            Err(KppError(raw.to_string()))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}
impl TryFrom<String> for Kpp {
    type Error = KppError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Kpp::parse(&s)
    }
}
impl From<Kpp> for String {
    fn from(k: Kpp) -> String {
        k.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_inns() {
        // Sberbank (10 digits) and a hand-checked 12-digit one.
        assert!(Inn::parse("7707083893").is_ok());
        // 7707083893: 7*2+7*4+0*10+7*3+0*5+8*9+3*4+8*6+9*8 = 14+28+0+21+0+72+12+48+72 = 267;
        // 267 mod 11 = 3 → check digit 3. Change it and the check fails:
        assert_eq!(
            Inn::parse("7707083894"),
            Err(InnError::Checksum("7707083894".into()))
        );
        assert!(Inn::parse("500100732259").is_ok());
        assert!(matches!(
            Inn::parse("500100732258"),
            Err(InnError::Checksum(_))
        ));
        assert!(matches!(Inn::parse("12345"), Err(InnError::Length(_, 5))));
        assert!(matches!(
            Inn::parse("77070838a3"),
            Err(InnError::NotDigits(_))
        ));
    }

    #[test]
    fn kpp_shape() {
        assert!(Kpp::parse("773601001").is_ok());
        assert!(Kpp::parse("7736AB001").is_ok());
        assert!(Kpp::parse("7736ab001").is_err());
        assert!(Kpp::parse("77360100").is_err());
    }

    proptest! {
        #[test]
        fn generated_inns_are_valid(body in 0u32..1_000_000_000) {
            let inn = Inn::legal_from_body(body);
            prop_assert!(Inn::parse(inn.as_str()).is_ok());
        }

        #[test]
        fn one_wrong_digit_is_caught(body in 0u32..1_000_000_000, pos in 0usize..10, delta in 1u32..10) {
            // A single changed digit changes the weighted sum by w*delta with w in 2..=10 and
            // delta in 1..=9, which 11 never divides; the only blind spot is the `% 10` fold
            // (check value 10 → 0), so we accept that the mutated number may still pass there.
            let inn = Inn::legal_from_body(body);
            let mut d: Vec<u32> = inn.as_str().chars().filter_map(|c| c.to_digit(10)).collect();
            d[pos] = (d[pos] + delta) % 10;
            let s: String = d.iter().map(|x| char::from_digit(*x, 10).unwrap_or('0')).collect();
            let sum: u32 = d[..9].iter().zip(W10.iter()).map(|(a, b)| a * b).sum();
            if sum % 11 != 10 && (sum % 11) % 10 != d[9] {
                prop_assert!(Inn::parse(&s).is_err());
            }
        }
    }
}
