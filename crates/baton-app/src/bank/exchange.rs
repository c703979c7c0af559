//! The 1CClientBankExchange text format: `Key=Value` lines, a header, sections of the
//! statement's accounts and one section per document. Pure: bytes in, a statement out.

use super::BankError;
use baton_domain::Money;
use chrono::NaiveDate;
use serde::Serialize;

/// The incoming documents of a statement, with the statement's own accounts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Statement {
    pub accounts: Vec<String>,
    /// Incoming documents only: paid to one of `accounts` from an account not ours.
    pub documents: Vec<Document>,
    /// Documents skipped: outgoing ones and transfers between our own accounts.
    pub skipped: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Document {
    /// The section's kind: `Платежное поручение`, `Банковский ордер` …
    pub kind: String,
    pub number: String,
    /// `ДатаПоступило` (the day the money arrived) when given, else `Дата`.
    pub date: NaiveDate,
    pub amount: Money,
    pub payer_inn: String,
    pub payer_name: String,
    pub payer_account: String,
    pub recipient_account: String,
    pub purpose: String,
    /// The line of `СекцияДокумент`.
    pub line: usize,
}

impl Document {
    /// What makes a document the same one in another statement: its number, date, payer and
    /// amount (a bank repeats a day's documents in the next statement that overlaps it).
    pub fn key(&self) -> String {
        format!(
            "{}|{}|{}|{}",
            self.number,
            self.date,
            self.payer_inn,
            self.amount.kopecks()
        )
    }
}

/// The text of the file: valid UTF-8 as it is, otherwise the encoding it declares.
fn decode(bytes: &[u8]) -> Result<String, BankError> {
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok(s.trim_start_matches('\u{feff}').to_string());
    }
    // The declaration is itself in the file's encoding: read it both ways.
    for guess in [encoding_rs::WINDOWS_1251, encoding_rs::IBM866] {
        let (text, _, _) = guess.decode(bytes);
        for (i, line) in text.lines().enumerate() {
            if let Some(v) = line.trim().strip_prefix("Кодировка=") {
                return match v.trim() {
                    "Windows" => Ok(encoding_rs::WINDOWS_1251.decode(bytes).0.into_owned()),
                    "DOS" => Ok(encoding_rs::IBM866.decode(bytes).0.into_owned()),
                    other => Err(BankError::Value {
                        line: i + 1,
                        key: "Кодировка".into(),
                        value: other.into(),
                        expected: "Windows or DOS",
                    }),
                };
            }
        }
    }
    // Most banks write Windows-1251 and some leave the declaration out.
    Ok(encoding_rs::WINDOWS_1251.decode(bytes).0.into_owned())
}

/// One open `СекцияДокумент`: its kind, line, and keys with their lines.
struct Open {
    kind: String,
    line: usize,
    fields: Vec<(String, String, usize)>,
}

impl Open {
    fn get(&self, key: &str) -> Option<(&str, usize)> {
        self.fields
            .iter()
            .find(|(k, v, _)| k == key && !v.trim().is_empty())
            .map(|(_, v, l)| (v.trim(), *l))
    }

    fn text(&self, keys: &[&str]) -> String {
        keys.iter()
            .find_map(|k| self.get(k))
            .map(|(v, _)| v.to_string())
            .unwrap_or_default()
    }

    fn required(&self, key: &str) -> Result<(&str, usize), BankError> {
        self.get(key).ok_or_else(|| BankError::Missing {
            line: self.line,
            key: key.into(),
        })
    }
}

fn date(value: &str, line: usize, key: &str) -> Result<NaiveDate, BankError> {
    NaiveDate::parse_from_str(value, "%d.%m.%Y").map_err(|_| BankError::Value {
        line,
        key: key.into(),
        value: value.into(),
        expected: "a date (ДД.ММ.ГГГГ)",
    })
}

/// `15000.00`: rubles, a dot, at most two decimals, more than zero. Anything else is refused
/// rather than guessed (the format fixes the dot).
fn amount(value: &str, line: usize, key: &str) -> Result<Money, BankError> {
    let bad = || BankError::Value {
        line,
        key: key.into(),
        value: value.into(),
        expected: "an amount (rubles with a dot, e.g. 15000.00)",
    };
    let (int, frac) = value.split_once('.').unwrap_or((value, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty() || int.len() > 15 || !digits(int) || frac.len() > 2 || !digits(frac) {
        return Err(bad());
    }
    let rub: i64 = int.parse().map_err(|_| bad())?;
    let kop: i64 = format!("{frac:0<2}").parse().map_err(|_| bad())?;
    let m = Money::from_kopecks(rub * 100 + kop);
    if m.is_positive() { Ok(m) } else { Err(bad()) }
}

/// The document of a closed section, if it is incoming.
fn finish(open: &Open, accounts: &[String]) -> Result<Option<Document>, BankError> {
    let ours = |keys: &[&str]| {
        let a = open.text(keys);
        !a.is_empty() && accounts.contains(&a)
    };
    if !ours(&["ПолучательСчет", "ПолучательРасчСчет"])
        || ours(&["ПлательщикСчет", "ПлательщикРасчСчет"])
    {
        return Ok(None);
    }
    let (number, _) = open.required("Номер")?;
    let (d, dl, dk) = match open.get("ДатаПоступило") {
        Some((v, l)) => (v, l, "ДатаПоступило"),
        None => {
            let (v, l) = open.required("Дата")?;
            (v, l, "Дата")
        }
    };
    let (sum, sl) = open.required("Сумма")?;
    Ok(Some(Document {
        kind: open.kind.clone(),
        number: number.to_string(),
        date: date(d, dl, dk)?,
        amount: amount(sum, sl, "Сумма")?,
        payer_inn: open.text(&["ПлательщикИНН"]),
        payer_name: open.text(&["Плательщик1", "Плательщик"]),
        payer_account: open.text(&["ПлательщикСчет", "ПлательщикРасчСчет"]),
        recipient_account: open.text(&["ПолучательСчет", "ПолучательРасчСчет"]),
        purpose: open.text(&["НазначениеПлатежа"]),
        line: open.line,
    }))
}

/// Reads a statement. Unknown keys and sections are ignored; a document that is ours and
/// lacks its number, date or amount, or has one that does not read, refuses the file.
pub fn parse(bytes: &[u8]) -> Result<Statement, BankError> {
    let text = decode(bytes)?;
    let mut lines = text.lines().enumerate().map(|(i, l)| (i + 1, l.trim()));
    match lines.by_ref().find(|(_, l)| !l.is_empty()) {
        Some((_, "1CClientBankExchange")) => {}
        other => {
            return Err(BankError::NotExchange {
                line: other.map_or(1, |(n, _)| n),
            });
        }
    }
    let mut accounts: Vec<String> = Vec::new();
    // Documents are judged once every account is known: banks may list accounts late.
    let mut closed: Vec<Open> = Vec::new();
    let mut open: Option<Open> = None;
    for (n, line) in lines {
        if line.is_empty() {
            continue;
        }
        let (key, value) = line.split_once('=').unwrap_or((line, ""));
        let (key, value) = (key.trim(), value.trim());
        if let Some(doc) = open.as_mut() {
            match key {
                "КонецДокумента" => closed.extend(open.take()),
                "СекцияДокумент" | "КонецФайла" => {
                    return Err(BankError::Unclosed { line: doc.line });
                }
                _ => doc.fields.push((key.into(), value.into(), n)),
            }
            continue;
        }
        match key {
            "СекцияДокумент" => {
                open = Some(Open {
                    kind: value.into(),
                    line: n,
                    fields: Vec::new(),
                })
            }
            "РасчСчет" if !value.is_empty() && !accounts.iter().any(|a| a == value) => {
                accounts.push(value.into())
            }
            "КонецФайла" => break,
            _ => {}
        }
    }
    if let Some(doc) = open {
        return Err(BankError::Unclosed { line: doc.line });
    }
    if accounts.is_empty() {
        return Err(BankError::NoAccounts);
    }
    let mut documents = Vec::new();
    for o in &closed {
        documents.extend(finish(o, &accounts)?);
    }
    let skipped = closed.len() - documents.len();
    Ok(Statement {
        accounts,
        documents,
        skipped,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const OURS: &str = "40702810900000000001";

    fn file(docs: &str) -> String {
        format!(
            "1CClientBankExchange\r\nВерсияФормата=1.03\r\nКодировка=Windows\r\nОтправитель=Бухгалтерия предприятия\r\nДатаНачала=01.11.2026\r\nДатаКонца=30.11.2026\r\nРасчСчет={OURS}\r\nСекцияРасчСчет\r\nДатаНачала=01.11.2026\r\nРасчСчет={OURS}\r\nНачальныйОстаток=0.00\r\nКонецРасчСчет\r\n{docs}КонецФайла\r\n"
        )
    }

    fn incoming(number: &str, sum: &str) -> String {
        format!(
            "СекцияДокумент=Платежное поручение\r\nНомер={number}\r\nДата=05.11.2026\r\nСумма={sum}\r\nПлательщикСчет=40702810100000000002\r\nПлательщикИНН=7707083893\r\nПлательщик1=ООО \"Ромашка\"\r\nПолучательСчет={OURS}\r\nПолучательИНН=7701234567\r\nНазначениеПлатежа=Оплата по счету № 45 от 01.11.2026. В т.ч. НДС 20%\r\nКонецДокумента\r\n"
        )
    }

    #[test]
    fn reads_windows_1251() {
        let text = file(&incoming("123", "15000.00"));
        let (bytes, _, bad) = encoding_rs::WINDOWS_1251.encode(&text);
        assert!(!bad);
        assert!(std::str::from_utf8(&bytes).is_err(), "really cp1251");
        let s = parse(&bytes).unwrap();
        assert_eq!(s.accounts, vec![OURS.to_string()]);
        assert_eq!(s.documents.len(), 1);
        let d = &s.documents[0];
        assert_eq!(d.kind, "Платежное поручение");
        assert_eq!(d.number, "123");
        assert_eq!(d.date, NaiveDate::from_ymd_opt(2026, 11, 5).unwrap());
        assert_eq!(d.amount, Money::from_kopecks(1_500_000));
        assert_eq!(d.payer_inn, "7707083893");
        assert_eq!(d.payer_name, "ООО \"Ромашка\"");
        assert_eq!(d.payer_account, "40702810100000000002");
        assert_eq!(d.recipient_account, OURS);
        assert!(d.purpose.starts_with("Оплата по счету № 45"));
        assert_eq!(d.line, 13);
        assert_eq!(d.key(), "123|2026-11-05|7707083893|1500000");
    }

    #[test]
    fn reads_dos_866() {
        let text = file(&incoming("7", "10.5")).replace("Кодировка=Windows", "Кодировка=DOS");
        let (bytes, _, bad) = encoding_rs::IBM866.encode(&text);
        assert!(!bad);
        let s = parse(&bytes).unwrap();
        assert_eq!(s.documents[0].amount, Money::from_kopecks(1050));
        assert_eq!(s.documents[0].payer_name, "ООО \"Ромашка\"");
    }

    #[test]
    fn reads_utf8_and_prefers_the_day_received() {
        let doc = incoming("9", "1.00").replace(
            "Дата=05.11.2026",
            "Дата=05.11.2026\nДатаПоступило=06.11.2026",
        );
        let s = parse(file(&doc).as_bytes()).unwrap();
        assert_eq!(
            s.documents[0].date,
            NaiveDate::from_ymd_opt(2026, 11, 6).unwrap()
        );
    }

    #[test]
    fn a_missing_amount_names_the_document_line() {
        let doc = incoming("9", "1.00").replace("Сумма=1.00\r\n", "");
        let e = parse(file(&doc).as_bytes()).unwrap_err();
        assert_eq!(
            e,
            BankError::Missing {
                line: 13,
                key: "Сумма".into()
            }
        );
        assert_eq!(e.to_string(), "line 13: the document has no Сумма");
    }

    #[test]
    fn a_comma_amount_is_refused_with_its_line() {
        let e = parse(file(&incoming("9", "15 000,00")).as_bytes()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "line 16: Сумма «15 000,00» is not an amount (rubles with a dot, e.g. 15000.00)"
        );
        for bad in ["0.00", "-5.00", "1.234", "", "abc"] {
            assert!(amount(bad, 1, "Сумма").is_err(), "{bad}");
        }
        assert_eq!(amount("7", 1, "Сумма").unwrap(), Money::from_kopecks(700));
    }

    #[test]
    fn outgoing_documents_are_skipped_and_unknown_keys_ignored() {
        let out = incoming("10", "500.00")
            .replace(
                "ПлательщикСчет=40702810100000000002",
                &format!("ПлательщикСчет={OURS}"),
            )
            .replace(
                &format!("ПолучательСчет={OURS}"),
                "ПолучательСчет=40702810100000000002",
            )
            // An outgoing document is not read further: a broken date there does not matter.
            .replace("Дата=05.11.2026", "Дата=вчера");
        let order = incoming("11", "20.00")
            .replace("Платежное поручение", "Банковский ордер")
            .replace("Плательщик1=", "НеизвестныйКлюч=1\r\nПлательщик=");
        let s = parse(file(&format!("{out}{order}")).as_bytes()).unwrap();
        assert_eq!(s.skipped, 1);
        assert_eq!(s.documents.len(), 1);
        assert_eq!(s.documents[0].kind, "Банковский ордер");
        assert_eq!(s.documents[0].payer_name, "ООО \"Ромашка\"");
    }

    #[test]
    fn bad_files_say_why() {
        assert_eq!(
            parse(b"hello").unwrap_err(),
            BankError::NotExchange { line: 1 }
        );
        let unclosed = file(&incoming("1", "1.00")).replace("КонецДокумента\r\n", "");
        assert_eq!(
            parse(unclosed.as_bytes()).unwrap_err(),
            BankError::Unclosed { line: 13 }
        );
        let no_accounts = file("").replace(&format!("РасчСчет={OURS}"), "");
        assert_eq!(
            parse(no_accounts.as_bytes()).unwrap_err(),
            BankError::NoAccounts
        );
        let date = file(&incoming("1", "1.00")).replace("Дата=05.11.2026", "Дата=2026-11-05");
        assert_eq!(
            parse(date.as_bytes()).unwrap_err().to_string(),
            "line 15: Дата «2026-11-05» is not a date (ДД.ММ.ГГГГ)"
        );
    }
}
