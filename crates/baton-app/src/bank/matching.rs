//! Which invoice an incoming payment pays. Pure: the candidates are the invoices of the
//! companies with the payer's ИНН, with what is still outstanding on each.

use super::exchange::Document;
use baton_domain::Money;
use serde::Serialize;
use std::collections::HashMap;

/// An invoice of a company with the payer's ИНН.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub invoice_id: String,
    pub number: String,
    pub company_id: String,
    pub company_name: String,
    pub outstanding: Money,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchedBy {
    /// The purpose names the invoice's number.
    Number,
    /// The only open invoice of the company with the same outstanding amount.
    Amount,
}

/// Why a payment matched no invoice: a catalog-ready code and its arguments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reason {
    pub code: &'static str,
    pub args: Vec<(&'static str, String)>,
}

impl Reason {
    fn new(code: &'static str) -> Reason {
        Reason {
            code,
            args: Vec::new(),
        }
    }
    fn arg(mut self, name: &'static str, value: impl ToString) -> Reason {
        self.args.push((name, value.to_string()));
        self
    }
    pub fn get(&self, name: &str) -> &str {
        self.args
            .iter()
            .find(|(n, _)| *n == name)
            .map_or("", |(_, v)| v.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Matched { candidate: Candidate, by: MatchedBy },
    Unmatched(Reason),
}

/// The invoices by payer ИНН, with outstanding amounts kept current as payments are recorded
/// (`settle`), so that two documents of one statement never pay the same kopeck twice.
#[derive(Debug, Default)]
pub struct Book {
    /// `None`: no company with this ИНН.
    by_inn: HashMap<String, Option<Vec<Candidate>>>,
}

impl Book {
    pub fn knows(&self, inn: &str) -> bool {
        self.by_inn.contains_key(inn)
    }

    /// The invoices of the companies with `inn`; `None` when no company has it.
    pub fn put(&mut self, inn: &str, invoices: Option<Vec<Candidate>>) {
        self.by_inn.insert(inn.to_string(), invoices);
    }

    /// The invoice one document pays, or why none.
    pub fn find(&self, doc: &Document) -> Outcome {
        match self.by_inn.get(doc.payer_inn.as_str()) {
            _ if doc.payer_inn.is_empty() => Outcome::Unmatched(Reason::new("bank-no-payer-inn")),
            Some(Some(invoices)) => choose(doc, invoices),
            _ => Outcome::Unmatched(Reason::new("bank-unknown-inn").arg("inn", &doc.payer_inn)),
        }
    }

    /// Takes a recorded payment off its invoice's outstanding.
    pub fn settle(&mut self, inn: &str, invoice_id: &str, amount: Money) {
        if let Some(Some(invoices)) = self.by_inn.get_mut(inn)
            && let Some(c) = invoices.iter_mut().find(|c| c.invoice_id == invoice_id)
        {
            c.outstanding -= amount;
        }
    }
}

fn choose(doc: &Document, invoices: &[Candidate]) -> Outcome {
    let named = named_invoices(&doc.purpose, invoices);
    if named.len() > 1 {
        return Outcome::Unmatched(
            Reason::new("bank-several-invoices").arg(
                "invoices",
                named
                    .iter()
                    .map(|c| c.number.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
        );
    }
    if let Some(c) = named.first() {
        return if !c.outstanding.is_positive() {
            Outcome::Unmatched(Reason::new("bank-invoice-paid").arg("invoice", &c.number))
        } else if doc.amount > c.outstanding {
            Outcome::Unmatched(
                Reason::new("bank-more-than-outstanding")
                    .arg("invoice", &c.number)
                    .arg("amount", doc.amount.to_plain())
                    .arg("outstanding", c.outstanding.to_plain()),
            )
        } else {
            Outcome::Matched {
                candidate: (*c).clone(),
                by: MatchedBy::Number,
            }
        };
    }
    let open: Vec<&Candidate> = invoices
        .iter()
        .filter(|c| c.outstanding.is_positive())
        .collect();
    if open.is_empty() {
        return Outcome::Unmatched(Reason::new("bank-no-open-invoice").arg("inn", &doc.payer_inn));
    }
    let same: Vec<&Candidate> = open
        .iter()
        .copied()
        .filter(|c| c.outstanding == doc.amount)
        .collect();
    match same.as_slice() {
        [c] => Outcome::Matched {
            candidate: (*c).clone(),
            by: MatchedBy::Amount,
        },
        [] => Outcome::Unmatched(
            Reason::new("bank-no-invoice-of-amount")
                .arg("amount", doc.amount.to_plain())
                .arg("open", open.len()),
        ),
        several => Outcome::Unmatched(
            Reason::new("bank-several-invoices").arg(
                "invoices",
                several
                    .iter()
                    .map(|c| c.number.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
        ),
    }
}

/// The invoices the purpose names. A number written exactly as Baton's (`СЧ-2026-000045`) is
/// found anywhere; a bare one (`45`) only after a marker (`№`, `N`, `счет`, `сч.` …), and then
/// also stands for a series number ending in it (`СЧ-2026-000045`). Exact names win.
fn named_invoices<'c>(purpose: &str, invoices: &'c [Candidate]) -> Vec<&'c Candidate> {
    let marked = marked_numbers(purpose);
    let words: Vec<String> = purpose
        .split(|c: char| c.is_whitespace() || c == ',' || c == ';' || c == '(' || c == ')')
        .map(|w| trim_token(w).to_lowercase())
        .filter(|w| w.chars().any(|c| c.is_ascii_digit()) && !w.chars().all(|c| c.is_ascii_digit()))
        .collect();
    let exact: Vec<&Candidate> = invoices
        .iter()
        .filter(|c| {
            let n = c.number.trim().to_lowercase();
            marked.contains(&n) || words.contains(&n)
        })
        .collect();
    if !exact.is_empty() {
        return exact;
    }
    invoices
        .iter()
        .filter(|c| {
            let tail = series_tail(&c.number);
            tail.is_some() && marked.iter().any(|m| m.parse::<u64>().ok() == tail)
        })
        .collect()
}

fn trim_token(w: &str) -> &str {
    w.trim_matches(|c: char| matches!(c, '.' | ',' | ':' | ';' | '-' | '"' | '«' | '»' | '\''))
}

/// The trailing run of digits of a number (`СЧ-2026-000045` → 45).
fn series_tail(number: &str) -> Option<u64> {
    let digits: String = number
        .chars()
        .rev()
        .take_while(|c| c.is_ascii_digit())
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    digits.parse().ok()
}

/// Tokens written after a number marker, lowercased: `№ 45`, `N45`, `No 45`, `счет 45`,
/// `счёту №45`, `сч. 45`, `счета 45`.
pub(crate) fn marked_numbers(purpose: &str) -> Vec<String> {
    let chars: Vec<char> = purpose.chars().collect();
    let lower: Vec<char> = purpose.to_lowercase().chars().collect();
    // Lowercasing keeps the length for the letters used here; refuse to guess otherwise.
    if lower.len() != chars.len() {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut i = 0;
    while i < lower.len() {
        let start_of_word = i == 0 || !lower[i - 1].is_alphanumeric();
        let marker_end = if lower[i] == '№' {
            Some(i + 1)
        } else if start_of_word && (lower[i] == 'n' || lower[i] == 'н') {
            // `N45`, `N 45`, `No 45`, `Nо.45`: N alone, or N followed by o.
            let mut j = i + 1;
            if j < lower.len() && (lower[j] == 'o' || lower[j] == 'о') {
                j += 1;
            }
            (j >= lower.len() || !lower[j].is_alphabetic()).then_some(j)
        } else if start_of_word && lower[i] == 'с' && lower.get(i + 1) == Some(&'ч') {
            // счет, счёт, счету, счёту, счета, сч.
            let mut j = i + 2;
            while j < lower.len() && lower[j].is_alphabetic() {
                j += 1;
            }
            let word: String = lower[i..j].iter().collect();
            [
                "сч",
                "счет",
                "счёт",
                "счету",
                "счёту",
                "счета",
                "счёта",
                "счетом",
            ]
            .contains(&word.as_str())
            .then_some(j)
        } else {
            None
        };
        let Some(mut j) = marker_end else {
            i += 1;
            continue;
        };
        while j < lower.len() && matches!(lower[j], ' ' | '.' | '№' | ':' | '\u{a0}') {
            j += 1;
        }
        // `N` of `№ N45` is skipped too.
        if j < lower.len()
            && (lower[j] == 'n' || lower[j] == 'н')
            && lower.get(j + 1).is_some_and(|c| c.is_ascii_digit())
        {
            j += 1;
        }
        let mut k = j;
        while k < lower.len() && (lower[k].is_alphanumeric() || matches!(lower[k], '-' | '/' | '_'))
        {
            k += 1;
        }
        let token: String = lower[j..k].iter().collect();
        let token = trim_token(&token).to_string();
        if token.chars().any(|c| c.is_ascii_digit()) && !out.contains(&token) {
            out.push(token);
        }
        i = k.max(i + 1);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn doc(inn: &str, rubles: i64, purpose: &str) -> Document {
        Document {
            kind: "Платежное поручение".into(),
            number: "1".into(),
            date: NaiveDate::from_ymd_opt(2026, 11, 5).unwrap(),
            amount: Money::from_rubles(rubles),
            payer_inn: inn.into(),
            payer_name: "ООО Ромашка".into(),
            payer_account: "40702810100000000002".into(),
            recipient_account: "40702810900000000001".into(),
            purpose: purpose.into(),
            line: 1,
        }
    }

    fn inv(number: &str, rubles: i64) -> Candidate {
        Candidate {
            invoice_id: format!("id-{number}"),
            number: number.into(),
            company_id: "c".into(),
            company_name: "Ромашка".into(),
            outstanding: Money::from_rubles(rubles),
        }
    }

    #[test]
    fn markers() {
        let cases = [
            (
                "Оплата по счету № 45 от 01.11.2026. В т.ч. НДС 20%",
                vec!["45"],
            ),
            ("Оплата N45", vec!["45"]),
            ("оплата по сч. 45, НДС нет", vec!["45"]),
            ("по счёту №45", vec!["45"]),
            ("Оплата счета 12/А за ноябрь", vec!["12/а"]),
            ("No 7 от 1 ноября", vec!["7"]),
            ("Оплата за товар, НДС 20% 2500.00", vec![]),
            ("СНИЛС 45", vec![]),
        ];
        for (purpose, want) in cases {
            assert_eq!(marked_numbers(purpose), want, "{purpose}");
        }
    }

    /// Finds and, when matched, records the payment, as the import does.
    fn take(b: &mut Book, d: &Document) -> Outcome {
        let out = b.find(d);
        if let Outcome::Matched { candidate, .. } = &out {
            b.settle(&d.payer_inn, &candidate.invoice_id, d.amount);
        }
        out
    }

    fn book(invoices: Vec<Candidate>) -> Book {
        let mut b = Book::default();
        b.put("7707083893", Some(invoices));
        b
    }

    #[test]
    fn by_number_then_by_amount() {
        let mut b = book(vec![
            inv("45", 15_000),
            inv("СЧ-2026-000046", 9_000),
            inv("47", 3_000),
        ]);
        // A partial payment of invoice 45, named in the purpose.
        match take(&mut b, &doc("7707083893", 10_000, "Оплата по счету № 45")) {
            Outcome::Matched { candidate, by } => {
                assert_eq!((candidate.number.as_str(), by), ("45", MatchedBy::Number))
            }
            other => panic!("{other:?}"),
        }
        // The series number written in full, and a bare tail after a marker.
        let full = take(&mut b, &doc("7707083893", 1_000, "оплата СЧ-2026-000046"));
        assert!(
            matches!(
                full,
                Outcome::Matched {
                    by: MatchedBy::Number,
                    ..
                }
            ),
            "{full:?}"
        );
        let tail = take(&mut b, &doc("7707083893", 1_000, "по сч. 46"));
        assert!(
            matches!(
                tail,
                Outcome::Matched {
                    by: MatchedBy::Number,
                    ..
                }
            ),
            "{tail:?}"
        );
        // No number: 3 000 is 47's outstanding only.
        match take(&mut b, &doc("7707083893", 3_000, "за товар")) {
            Outcome::Matched { candidate, by } => {
                assert_eq!((candidate.number.as_str(), by), ("47", MatchedBy::Amount))
            }
            other => panic!("{other:?}"),
        }
        // 45 has 5 000 left now: 6 000 is more than that.
        let Outcome::Unmatched(r) = take(&mut b, &doc("7707083893", 6_000, "счет 45")) else {
            panic!()
        };
        assert_eq!(r.code, "bank-more-than-outstanding");
        assert_eq!(
            (r.get("outstanding"), r.get("amount")),
            ("5000.00", "6000.00")
        );
        // 47 is paid: named again, it is refused; by amount, nothing is open at 3 000.
        let Outcome::Unmatched(r) = take(&mut b, &doc("7707083893", 3_000, "счет 47")) else {
            panic!()
        };
        assert_eq!(r.code, "bank-invoice-paid");
        let Outcome::Unmatched(r) = take(&mut b, &doc("7707083893", 3_000, "")) else {
            panic!()
        };
        assert_eq!((r.code, r.get("open")), ("bank-no-invoice-of-amount", "2"));
    }

    #[test]
    fn unmatched_reasons() {
        let mut b = book(vec![inv("1", 500), inv("2", 500)]);
        b.put("5000000000", None);
        let Outcome::Unmatched(r) = take(&mut b, &doc("7707083893", 500, "за услуги"))
        else {
            panic!()
        };
        assert_eq!(
            (r.code, r.get("invoices")),
            ("bank-several-invoices", "1, 2")
        );
        let Outcome::Unmatched(r) = take(&mut b, &doc("5000000000", 500, "№ 1")) else {
            panic!()
        };
        assert_eq!((r.code, r.get("inn")), ("bank-unknown-inn", "5000000000"));
        let Outcome::Unmatched(r) = take(&mut b, &doc("", 500, "№ 1")) else {
            panic!()
        };
        assert_eq!(r.code, "bank-no-payer-inn");
        let mut empty = book(vec![inv("1", 0)]);
        let Outcome::Unmatched(r) = take(&mut empty, &doc("7707083893", 500, "")) else {
            panic!()
        };
        assert_eq!(r.code, "bank-no-open-invoice");
    }
}
