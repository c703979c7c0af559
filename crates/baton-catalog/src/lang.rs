//! The reader's language: the session's choice on the web, `Accept-Language` in the API,
//! `--lang` in the CLI. Russian is the default everywhere.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lang {
    #[default]
    Ru,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ru => "ru",
            Lang::En => "en",
        }
    }

    /// `ru`, `en`, `ru-RU`, `en_US`, any case; anything else is not a language Baton speaks.
    pub fn parse(s: &str) -> Option<Lang> {
        let primary = s
            .trim()
            .split(['-', '_'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        match primary.as_str() {
            "ru" => Some(Lang::Ru),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The best language of an `Accept-Language` header (RFC 9110 §12.5.4): the highest
    /// q-value Baton speaks; ties go to the earlier one; none at all is Russian.
    pub fn from_accept_language(header: &str) -> Lang {
        let mut best: Option<(u32, Lang)> = None;
        for item in header.split(',').take(32) {
            let mut parts = item.split(';');
            let Some(lang) = parts.next().and_then(Lang::parse) else {
                continue;
            };
            let q = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .filter_map(|q| q.trim().parse::<f64>().ok())
                .next()
                .unwrap_or(1.0);
            // Thousandths, so the comparison is exact.
            let q = (q.clamp(0.0, 1.0) * 1000.0).round() as u32;
            if q > 0 && best.is_none_or(|(b, _)| q > b) {
                best = Some((q, lang));
            }
        }
        best.map(|(_, l)| l).unwrap_or_default()
    }

    /// A catalog message without arguments (a page label), in this language.
    pub fn tr(self, id: &'static str) -> &'static str {
        crate::t(self, id)
    }

    /// A pair of texts written beside their markup; kept for the texts a company configures
    /// itself in both languages (checklist items, rejection reasons). Baton's own texts are in
    /// the catalog.
    pub fn t<'a>(self, ru: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Ru => ru,
            Lang::En => en,
        }
    }
}
