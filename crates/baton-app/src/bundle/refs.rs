//! References and unique keys across the bundle and the database. The database's ids and keys
//! are read once per table when first needed, so a check costs a hash lookup per value, never a
//! query per row.

use super::Parsed;
use super::checks::{self, Kind};
use crate::error::{AppResult, ImportProblem};
use baton_catalog::Text;
use baton_store::records::BUNDLE_TABLES;
use baton_store::{Tx, Value};
use rustc_hash::{FxHashMap, FxHashSet};

/// Unique keys the database enforces: (table, columns, what the message calls it).
const UNIQUE: &[(&str, &[&str], &str)] = &[
    ("regions", &["code"], "region code"),
    ("employees", &["login"], "login"),
    ("companies", &["inn", "kpp"], "ИНН+КПП"),
    ("products", &["sku"], "SKU"),
    ("contracts", &["number"], "contract number"),
    ("invoices", &["number"], "invoice number"),
    (
        "targets",
        &["employee_id", "period", "metric"],
        "target (employee, period, metric)",
    ),
];

/// A reference to a file later in the import order (a company's winning lead), checked when
/// every file has been read.
struct Deferred {
    file: String,
    line: u64,
    column: &'static str,
    target: &'static str,
    value: String,
}

#[derive(Default)]
pub(super) struct Checker {
    /// Ids of the bundle's files read so far.
    known: FxHashMap<&'static str, FxHashSet<String>>,
    /// Ids already in the database, by table.
    stored: FxHashMap<&'static str, FxHashSet<String>>,
    deferred: Vec<Deferred>,
}

fn order(table: &str) -> usize {
    BUNDLE_TABLES
        .iter()
        .position(|t| *t == table)
        .unwrap_or(usize::MAX)
}

fn as_text(v: &Value) -> Option<String> {
    match v {
        Value::Text(s) => Some(s.clone()),
        Value::Int(i) => Some(i.to_string()),
        Value::Null => None,
    }
}

fn missing(file: &str, line: u64, column: &str, value: &str, target: &str) -> ImportProblem {
    ImportProblem::new(
        file,
        line,
        column,
        Text::new("why-ref-missing")
            .arg("value", value)
            .arg("target", target),
    )
}

impl Checker {
    fn stored_has(&mut self, tx: &mut Tx<'_>, table: &'static str, id: &str) -> AppResult<bool> {
        if !self.stored.contains_key(table) {
            let ids = tx
                .query(&format!("SELECT id FROM {table}"), &[])?
                .into_iter()
                .map(|r| r.text(0))
                .collect();
            self.stored.insert(table, ids);
        }
        Ok(self.stored.get(table).is_some_and(|s| s.contains(id)))
    }

    /// Checks one file's references to the files before it and to the database (references
    /// to later files wait for `finish`) and its unique keys.
    pub(super) fn check(
        &mut self,
        tx: &mut Tx<'_>,
        p: &Parsed,
        problems: &mut Vec<ImportProblem>,
    ) -> AppResult<()> {
        let file = format!("{}.csv", p.table);
        let here = order(p.table);
        let kinds = checks::kinds(p.table, &p.columns);
        for (ci, kind) in kinds.iter().enumerate() {
            let (Some(Kind::Ref(target)) | Some(Kind::OptRef(target))) = *kind else {
                continue;
            };
            let column = p.columns[ci];
            for (line, row) in p.all_rows() {
                let Value::Text(v) = &row[ci] else { continue };
                if v.is_empty() || self.known.get(target).is_some_and(|s| s.contains(v)) {
                    continue;
                }
                if order(target) > here {
                    self.deferred.push(Deferred {
                        file: file.clone(),
                        line,
                        column,
                        target,
                        value: v.clone(),
                    });
                } else if !self.stored_has(tx, target, v)? {
                    problems.push(missing(&file, line, column, v, target));
                }
            }
        }
        // The key's name in a refusal is the catalog's `key-{table}`.
        for (_, cols, _) in UNIQUE.iter().filter(|u| u.0 == p.table) {
            self.unique(tx, p, &file, cols, problems)?;
        }
        Ok(())
    }

    fn unique(
        &self,
        tx: &mut Tx<'_>,
        p: &Parsed,
        file: &str,
        cols: &[&str],
        problems: &mut Vec<ImportProblem>,
    ) -> AppResult<()> {
        let Some(idx) = cols
            .iter()
            .map(|c| p.columns.iter().position(|x| x == c))
            .collect::<Option<Vec<usize>>>()
        else {
            return Ok(());
        };
        let key = |row: &[Value]| -> String {
            idx.iter()
                .map(|i| as_text(&row[*i]).unwrap_or_default())
                .collect::<Vec<_>>()
                .join("/")
        };
        // The database's keys, but for rows this file replaces (they are checked as the file
        // has them).
        let ids: FxHashSet<&str> = p.ids.iter().map(String::as_str).collect();
        let sql = format!("SELECT id, {} FROM {}", cols.join(", "), p.table);
        let mut stored: FxHashMap<String, String> = FxHashMap::default();
        for r in tx.query(&sql, &[])? {
            let id = r.text(0);
            if ids.contains(id.as_str()) {
                continue;
            }
            let k = (1..=cols.len())
                .map(|i| r.text(i))
                .collect::<Vec<_>>()
                .join("/");
            stored.insert(k, id);
        }
        let mut seen: FxHashMap<String, u64> = FxHashMap::default();
        for (line, row) in p.all_rows() {
            let k = key(row);
            if let Some(first) = seen.get(&k) {
                problems.push(ImportProblem::new(
                    file,
                    line,
                    cols[0],
                    Text::new("why-key-repeated")
                        .term("label", "key", p.table)
                        .arg("key", &k)
                        .num("first", *first as i64),
                ));
            } else if let Some(owner) = stored.get(&k) {
                problems.push(ImportProblem::new(
                    file,
                    line,
                    cols[0],
                    Text::new("why-key-taken")
                        .term("label", "key", p.table)
                        .arg("key", &k)
                        .arg("table", p.table)
                        .arg("owner", owner),
                ));
            } else {
                seen.insert(k, line);
            }
        }
        Ok(())
    }

    /// The file's ids are now known to the files after it.
    pub(super) fn know(&mut self, table: &'static str, ids: Vec<String>) {
        self.known.insert(table, ids.into_iter().collect());
    }

    /// References to files later in the order, now that every file has been read.
    pub(super) fn finish(
        &mut self,
        tx: &mut Tx<'_>,
        problems: &mut Vec<ImportProblem>,
    ) -> AppResult<()> {
        for d in std::mem::take(&mut self.deferred) {
            if self
                .known
                .get(d.target)
                .is_some_and(|s| s.contains(&d.value))
            {
                continue;
            }
            if !self.stored_has(tx, d.target, &d.value)? {
                problems.push(missing(&d.file, d.line, d.column, &d.value, d.target));
            }
        }
        Ok(())
    }
}
