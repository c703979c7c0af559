//! Payments from the bank (issue 17): a 1CClientBankExchange statement is read, its incoming
//! documents are matched to invoices, and the matched ones are recorded as payments through
//! the same path as `record_payment`, each document once (docs/bank.md).

pub mod exchange;
pub mod matching;

use crate::clock::stamp;
use crate::conveyor::deals::{NewPayment, invoice_balance};
use crate::error::{AppError, AppResult};
use crate::rights::{Action, Actor, company_scope, money_scope, require};
use crate::{App, conveyor};
use baton_store::records::{BankDocument, Company, Invoice};
use baton_store::{Filter, Tx};
use exchange::Document;
use matching::{Book, Candidate, MatchedBy, Outcome, Reason};
use serde::Serialize;
use std::collections::HashSet;

/// What is wrong with a statement file: the line, and the key and value when there is one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BankError {
    #[error("line {line}: the file does not start with 1CClientBankExchange")]
    NotExchange { line: usize },
    #[error("line {line}: {key} «{value}» is not {expected}")]
    Value {
        line: usize,
        key: String,
        value: String,
        expected: &'static str,
    },
    #[error("line {line}: the document has no {key}")]
    Missing { line: usize, key: String },
    #[error("line {line}: the document is not closed with КонецДокумента")]
    Unclosed { line: usize },
    #[error("the statement names none of its own accounts (РасчСчет)")]
    NoAccounts,
}

/// The one place a bank error becomes an application error.
fn into_app(e: BankError) -> AppError {
    use baton_catalog::Text;
    let t = match e {
        BankError::NotExchange { line } => {
            Text::new("bank-err-not-exchange").num("line", line as i64)
        }
        BankError::Value {
            line,
            key,
            value,
            expected,
        } => Text::new("bank-err-value")
            .num("line", line as i64)
            .arg("key", key)
            .arg("value", value)
            .text(
                "expected",
                Text::new(match expected {
                    "Windows or DOS" => "bank-expect-encoding",
                    "a date (ДД.ММ.ГГГГ)" => "bank-expect-date",
                    _ => "bank-expect-amount",
                }),
            ),
        BankError::Missing { line, key } => Text::new("bank-err-missing")
            .num("line", line as i64)
            .arg("key", key),
        BankError::Unclosed { line } => Text::new("bank-err-unclosed").num("line", line as i64),
        BankError::NoAccounts => Text::new("bank-err-no-accounts"),
    };
    AppError::invalid("file", t)
}

#[derive(Debug, Clone, Serialize)]
pub struct Matched {
    pub document: Document,
    pub invoice_id: String,
    pub invoice_number: String,
    pub company_id: String,
    pub company_name: String,
    pub by: MatchedBy,
    /// The payment recorded (in a dry run, the one that would be; it is not kept).
    pub payment_id: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Unmatched {
    pub document: Document,
    pub reason: Reason,
}

#[derive(Debug, Clone, Serialize)]
pub struct Already {
    pub document: Document,
    /// The payment the document was recorded as; none for a repeat within the same file.
    pub payment_id: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BankImport {
    pub dry_run: bool,
    /// Outgoing documents and transfers between our own accounts, not looked at.
    pub skipped: usize,
    pub matched: Vec<Matched>,
    pub unmatched: Vec<Unmatched>,
    pub already: Vec<Already>,
}

impl App {
    /// Imports a bank statement: matched documents become payments dated the day the money
    /// arrived, in one transaction; unmatched ones are listed with the reason; a document
    /// imported before is reported as such and recorded nothing. `dry_run` runs the very
    /// same import and rolls it back.
    pub fn import_bank_statement(
        &self,
        actor: &Actor,
        bytes: &[u8],
        dry_run: bool,
    ) -> AppResult<BankImport> {
        require(actor, Action::Payment)?;
        let statement = exchange::parse(bytes).map_err(into_app)?;
        let run = |tx: &mut Tx<'_>| {
            let cfg = self.config_in(tx)?;
            let mut out = BankImport {
                dry_run,
                skipped: statement.skipped,
                matched: Vec::new(),
                unmatched: Vec::new(),
                already: Vec::new(),
            };
            let mut book = Book::default();
            let mut seen = HashSet::new();
            for doc in &statement.documents {
                let key = doc.key();
                // A document repeated in the file after it was recorded.
                if seen.contains(&key) {
                    out.already.push(Already {
                        document: doc.clone(),
                        payment_id: None,
                    });
                    continue;
                }
                if let Some(b) = tx.get::<BankDocument>(&key)? {
                    out.already.push(Already {
                        document: doc.clone(),
                        payment_id: Some(b.payment_id),
                    });
                    continue;
                }
                if !doc.payer_inn.is_empty() && !book.knows(&doc.payer_inn) {
                    let invoices = candidates(tx, actor, &doc.payer_inn)?;
                    book.put(&doc.payer_inn, invoices);
                }
                let (candidate, by) = match book.find(doc) {
                    Outcome::Matched { candidate, by } => (candidate, by),
                    Outcome::Unmatched(reason) => {
                        out.unmatched.push(Unmatched {
                            document: doc.clone(),
                            reason,
                        });
                        continue;
                    }
                };
                let req = NewPayment {
                    invoice_id: candidate.invoice_id.clone(),
                    paid_on: Some(doc.date.to_string()),
                    amount: doc.amount,
                };
                // A date the use case refuses (beyond its window) leaves the document unmatched.
                if let Err(e) = self.checked(&req) {
                    out.unmatched.push(Unmatched {
                        document: doc.clone(),
                        reason: Reason {
                            code: "bank-payment-refused",
                            args: vec![("message", e.text().render(baton_catalog::Lang::Ru))],
                        },
                    });
                    continue;
                }
                let (paid, _) = self.pay_in(tx, actor, &cfg, &req, doc.date)?;
                // Two documents of one file never pay the same kopeck twice.
                book.settle(&doc.payer_inn, &candidate.invoice_id, doc.amount);
                let b = BankDocument {
                    id: key,
                    payment_id: paid.payment.id.clone(),
                    imported_at: stamp(self.now()),
                    imported_by: actor.id.clone(),
                };
                tx.insert(&b)?;
                seen.insert(b.id.clone());
                self.audit(
                    tx,
                    Some(actor),
                    "bank_document",
                    &b.id,
                    "bank_document.imported",
                    None::<&()>,
                    Some(&b),
                )?;
                out.matched.push(Matched {
                    document: doc.clone(),
                    invoice_id: candidate.invoice_id,
                    invoice_number: candidate.number,
                    company_id: candidate.company_id,
                    company_name: candidate.company_name,
                    by,
                    payment_id: paid.payment.id,
                });
            }
            Ok(out)
        };
        if dry_run {
            self.db.rehearse(run)
        } else {
            self.db.tx(run)
        }
    }
}

/// The invoices of the companies with `inn` the actor sees, with their outstanding amounts;
/// `None` when the actor sees no company with it.
fn candidates(tx: &mut Tx<'_>, actor: &Actor, inn: &str) -> AppResult<Option<Vec<Candidate>>> {
    let companies: Vec<Company> = tx.list(&conveyor::scoped(
        Filter::new().eq("inn", inn),
        &company_scope(actor),
    ))?;
    if companies.is_empty() {
        return Ok(None);
    }
    let mut out = Vec::new();
    for c in &companies {
        let f = conveyor::scoped(
            Filter::new().eq("company_id", c.id.as_str()),
            &money_scope(actor),
        )
        .order("issued_on", false);
        for inv in tx.list::<Invoice>(&f)? {
            let (_, _, outstanding) = invoice_balance(tx, &inv)?;
            out.push(Candidate {
                invoice_id: inv.id,
                number: inv.number,
                company_id: c.id.clone(),
                company_name: c.name.clone(),
                outstanding,
            });
        }
    }
    Ok(Some(out))
}
