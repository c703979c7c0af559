//! Phones normalized to E.164. Russian numbers come in every shape
//! ("8 (912) 345-67-89", "+7 912 3456789", "9123456789"); all become `+79123456789`.

use baton_catalog::Text;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Phone(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("«{0}» is not a phone number: write it as +7 912 345-67-89 or 8 912 345-67-89")]
pub struct PhoneError(pub String);

impl PhoneError {
    /// The refusal as a catalog text.
    pub fn text(&self) -> Text {
        Text::new("err-phone-format").arg("value", &self.0)
    }
}

impl Phone {
    pub fn parse(raw: &str) -> Result<Phone, PhoneError> {
        let trimmed = raw.trim();
        let plus = trimmed.starts_with('+');
        if trimmed
            .chars()
            .any(|c| !(c.is_ascii_digit() || " ()-.+\u{a0}".contains(c)))
        {
            return Err(PhoneError(raw.to_string()));
        }
        let digits: String = trimmed.chars().filter(char::is_ascii_digit).collect();
        let e164 = match (plus, digits.len()) {
            (false, 11) if digits.starts_with('8') || digits.starts_with('7') => {
                format!("+7{}", &digits[1..])
            }
            (false, 10) => format!("+7{digits}"),
            (true, 8..=15) if !digits.starts_with('0') => format!("+{digits}"),
            _ => return Err(PhoneError(raw.to_string())),
        };
        if e164.starts_with("+7") && e164.len() != 12 {
            return Err(PhoneError(raw.to_string()));
        }
        Ok(Phone(e164))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}
impl TryFrom<String> for Phone {
    type Error = PhoneError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Phone::parse(&s)
    }
}
impl From<Phone> for String {
    fn from(p: Phone) -> String {
        p.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn russian_shapes() {
        for raw in [
            "8 (912) 345-67-89",
            "+7 912 345 67 89",
            "9123456789",
            "79123456789",
        ] {
            assert_eq!(Phone::parse(raw).unwrap().as_str(), "+79123456789", "{raw}");
        }
        assert_eq!(
            Phone::parse("+375 29 123-45-67").unwrap().as_str(),
            "+375291234567"
        );
        assert!(Phone::parse("12345").is_err());
        assert!(Phone::parse("+7 912 345").is_err());
        assert!(Phone::parse("call me").is_err());
    }
}
