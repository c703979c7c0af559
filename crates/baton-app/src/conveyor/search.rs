//! One search for the top bar (issue 16 §6): companies, contacts, leads, invoices and people the
//! reader may see, by phone in any format (the last ten digits), ИНН, company name, a contact's
//! or a colleague's surname, or an invoice number.
//!
//! Phones are stored normalised (`+7XXXXXXXXXX`), so a phone is found by equality on its index.
//! Names and invoice numbers are substrings in any case, `lower(column) LIKE '%…%'` (`lower`
//! folds Cyrillic on both databases: baton-store gives SQLite a Unicode `lower`).
//!
//! Two readers, two plans, measured at 1 000 people (`baton bench search`, BENCHMARKS.md):
//! - A reader of every company searches every record through a trigram index (migration
//!   0014): on SQLite an FTS5 `trigram` table that also holds the sort key, so the first
//!   [`SEARCH_LIMIT`] in order are found there, without a lookup per match (a fragment that
//!   thousands of names hold costs ~20 ms instead of ~60); on PostgreSQL a `pg_trgm` GIN index,
//!   which its planner takes for the `LIKE` itself. Both list the same records.
//! - A reader of their own companies starts from those ([`crate::rights::company_ids`], a
//!   `UNION` of indexed lookups) and filters them; the trigram index would list every match in
//!   the department first.

use crate::error::AppResult;
use crate::rights::company_ids;
use crate::{Actor, App};
use baton_store::Value;
use serde::Serialize;

/// At most this many hits of each kind.
pub const SEARCH_LIMIT: usize = 20;

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct CompanyHit {
    pub id: String,
    pub name: String,
    pub inn: String,
    pub status: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ContactHit {
    pub id: String,
    pub name: String,
    pub phone: Option<String>,
    pub company_id: String,
    pub company: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct LeadHit {
    pub id: String,
    pub company_id: String,
    pub company: String,
    pub stage: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct InvoiceHit {
    pub id: String,
    pub number: String,
    pub company_id: String,
    pub company: String,
    pub due_on: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PersonHit {
    pub id: String,
    pub login: String,
    pub name: String,
}

/// What one search found.
#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SearchResults {
    pub query: String,
    pub companies: Vec<CompanyHit>,
    pub contacts: Vec<ContactHit>,
    pub leads: Vec<LeadHit>,
    pub invoices: Vec<InvoiceHit>,
    pub people: Vec<PersonHit>,
}

impl SearchResults {
    pub fn is_empty(&self) -> bool {
        self.companies.is_empty()
            && self.contacts.is_empty()
            && self.leads.is_empty()
            && self.invoices.is_empty()
            && self.people.is_empty()
    }
}

/// "`column` holds `text`", in any case (see the module's notes). `fts` is the SQLite trigram
/// table keeping `id_column`'s record and the order of the outer query in its own columns,
/// used for a reader of every company; `folded` says the column is already lower case.
fn holding(
    fts: Option<(&str, &str)>,
    id_column: &str,
    column: &str,
    text: &str,
    folded: bool,
) -> (String, Vec<Value>) {
    if let Some((fts, order)) = fts
        && text.chars().count() >= 3
    {
        let phrase = format!("\"{}\"", text.replace('"', "\"\""));
        return (
            format!(
                "{id_column} IN (SELECT id FROM {fts} WHERE {fts} MATCH ? ORDER BY {order} LIMIT {SEARCH_LIMIT})"
            ),
            vec![phrase.into()],
        );
    }
    let lowered = if folded {
        column.to_string()
    } else {
        format!("lower({column})")
    };
    (
        format!("{lowered} LIKE ? ESCAPE '\\'"),
        vec![containing(&text.to_lowercase())],
    )
}

/// The phone a query may be: ten or more digits (any punctuation), as the stored `+7` and its
/// last ten digits.
pub fn phone_of(text: &str) -> Option<String> {
    if text.chars().any(|c| c.is_alphabetic()) {
        return None;
    }
    let digits: String = text.chars().filter(|c| c.is_ascii_digit()).collect();
    (digits.len() >= 10 && digits.len() <= 11)
        .then(|| format!("+7{}", &digits[digits.len() - 10..]))
}

/// A `LIKE` pattern for a substring, with `%`, `_` and `\` in the text taken literally.
fn containing(text: &str) -> Value {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    Value::from(format!("%{escaped}%"))
}

impl App {
    /// The top bar's search (see the module's notes). A query under two characters finds nothing.
    pub fn search(&self, actor: &Actor, query: &str) -> AppResult<SearchResults> {
        let text: String = query
            .trim()
            .chars()
            .take(baton_domain::input::NAME_MAX)
            .collect();
        let mut out = SearchResults {
            query: text.clone(),
            ..Default::default()
        };
        if text.chars().count() < 2 {
            return Ok(out);
        }
        // The companies the reader sees; nothing to narrow for a reader of every company.
        let seen = company_ids(actor);
        let whole = seen.is_none();
        let (seen_sql, seen_vals) = seen.unwrap_or_default();
        let visible = |column: &str| {
            if whole {
                "1 = 1".to_string()
            } else {
                format!("{column} IN ({seen_sql})")
            }
        };
        // Only text with letters is a name; only text with a digit may be part of an invoice
        // number. (A phone or an ИНН is found by its indexes alone: no scan.)
        let wordy = text.chars().any(char::is_alphabetic);
        let norm = if wordy {
            baton_domain::company::normalize_name(&text)
        } else {
            String::new()
        };
        let digits: String = text.chars().filter(|c| c.is_ascii_digit()).collect();
        let inn = (digits.len() == 10 || digits.len() == 12) && digits.len() == text.len();
        let phone = phone_of(&text);
        let limit = SEARCH_LIMIT as i64;
        self.db.read(|tx| {
            let indexed = whole && !tx.is_postgres();
            let fts = |table, order| indexed.then_some((table, order));
            // Companies: by name, by ИНН, and those of the contacts found by phone, each its own
            // query so that an ИНН or a phone is an index lookup (an OR would scan the table).
            // A name that normalises to nothing (punctuation only) matches no name. Only a name
            // can match many: the others are sorted here, not by an ORDER BY that a planner
            // may answer by walking the name index.
            let mut conditions: Vec<(String, Vec<Value>, &str)> = Vec::new();
            if !norm.is_empty() {
                let (cond, vals) = holding(fts("search_companies", "text, id"), "id", "name_norm", &norm, true);
                conditions.push((cond, vals, "ORDER BY name_norm, id"));
            }
            if inn {
                conditions.push(("inn = ?".into(), vec![digits.clone().into()], ""));
            }
            if let Some(p) = &phone {
                conditions.push((
                    "id IN (SELECT company_id FROM contacts WHERE phone = ?)".into(),
                    vec![p.clone().into()],
                    "",
                ));
            }
            let mut found: std::collections::BTreeMap<(String, String), CompanyHit> =
                std::collections::BTreeMap::new();
            for (cond, values, order) in conditions {
                let sql = format!(
                    "SELECT id, name, inn, status, name_norm FROM companies WHERE {} AND {cond} \
                     {order} LIMIT {limit}",
                    visible("id"),
                );
                let mut params = if whole { vec![] } else { seen_vals.clone() };
                params.extend(values);
                for r in tx.query(&sql, &params)? {
                    found.insert(
                        (r.text(4), r.text(0)),
                        CompanyHit {
                            id: r.text(0),
                            name: r.text(1),
                            inn: r.text(2),
                            status: r.text(3),
                        },
                    );
                }
            }
            out.companies = found.into_values().take(SEARCH_LIMIT).collect();
            // Contacts: by phone or by name.
            let contact = if wordy {
                Some(holding(fts("search_contacts", "text, id"), "ct.id", "ct.name", &text, false))
            } else {
                phone.as_ref().map(|p| ("ct.phone = ?".to_string(), vec![p.clone().into()]))
            };
            if let Some((cond, values)) = contact {
                let sql = format!(
                    "SELECT ct.id, ct.name, ct.phone, co.id, co.name FROM contacts ct JOIN companies co ON co.id = ct.company_id \
                     WHERE {} AND {cond} ORDER BY ct.name, ct.id LIMIT {limit}",
                    visible("ct.company_id"),
                );
                let mut params = if whole { vec![] } else { seen_vals.clone() };
                params.extend(values);
                for r in tx.query(&sql, &params)? {
                    out.contacts.push(ContactHit {
                        id: r.text(0),
                        name: r.text(1),
                        phone: r.opt_text(2),
                        company_id: r.text(3),
                        company: r.text(4),
                    });
                }
            }
            // Open and closed leads of the companies found.
            let ids: Vec<Value> = out
                .companies
                .iter()
                .map(|c| Value::from(c.id.clone()))
                .chain(out.contacts.iter().map(|c| Value::from(c.company_id.clone())))
                .collect();
            if !ids.is_empty() {
                let sql = format!(
                    "SELECT l.id, co.id, co.name, l.stage FROM leads l JOIN companies co ON co.id = l.company_id \
                     WHERE l.company_id IN ({}) ORDER BY l.created_at DESC, l.id LIMIT {limit}",
                    vec!["?"; ids.len()].join(", ")
                );
                for r in tx.query(&sql, &ids)? {
                    out.leads.push(LeadHit {
                        id: r.text(0),
                        company_id: r.text(1),
                        company: r.text(2),
                        stage: r.text(3),
                    });
                }
            }
            // Invoices by number: as typed, or a part of it with a digit. (A phone or an ИНН
            // is not a part of an invoice number: no scan for them.)
            let numbered =
                text.chars().any(|c| c.is_ascii_digit()) && phone.is_none() && !inn;
            let mut params = if whole { vec![] } else { seen_vals.clone() };
            params.push(text.clone().into());
            let mut cond = "i.number = ?".to_string();
            if numbered {
                let (part, values) =
                    holding(
                    fts("search_invoices", "issued_on DESC, id"),
                    "i.id",
                    "i.number",
                    &text,
                    false,
                );
                cond = format!("({cond} OR {part})");
                params.extend(values);
            }
            let sql = format!(
                "SELECT i.id, i.number, co.id, co.name, i.due_on FROM invoices i JOIN companies co ON co.id = i.company_id \
                 WHERE {} AND {cond} ORDER BY i.issued_on DESC, i.id LIMIT {limit}",
                visible("i.company_id"),
            );
            for r in tx.query(&sql, &params)? {
                out.invoices.push(InvoiceHit {
                    id: r.text(0),
                    number: r.text(1),
                    company_id: r.text(2),
                    company: r.text(3),
                    due_on: r.text(4),
                });
            }
            // Colleagues by name or login (everyone may see colleagues' names).
            let (cond, mut params) = if wordy {
                let (c, v) = holding(None, "id", "name", &text, false);
                (format!("({c} OR login = ?)"), v)
            } else {
                ("login = ?".to_string(), vec![])
            };
            params.push(text.clone().into());
            let sql = format!(
                "SELECT id, login, name FROM employees WHERE {cond} ORDER BY name, id LIMIT {limit}"
            );
            for r in tx.query(&sql, &params)? {
                out.people.push(PersonHit {
                    id: r.text(0),
                    login: r.text(1),
                    name: r.text(2),
                });
            }
            Ok(out)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_phone_in_any_format_is_its_last_ten_digits() {
        for p in [
            "+79032030925",
            "9032030925",
            "89032030925",
            "+7 (903) 203-09-25",
            "8 903 203 09 25",
        ] {
            assert_eq!(phone_of(p).as_deref(), Some("+79032030925"), "{p}");
        }
        assert_eq!(phone_of("903203"), None);
        assert_eq!(phone_of("Иванов 9032030925"), None);
    }
}
