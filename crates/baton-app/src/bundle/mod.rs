//! The CSV bundle: one file per table, with ids, so that a re-import is idempotent.
//! Import checks every row first (types, ИНН, phones, references, duplicates) and writes
//! nothing when any row is bad; the report names the file, line, column and reason.

mod checks;
mod refs;

use crate::App;
use crate::error::{AppError, AppResult, ImportProblem};
use crate::rights::{Action, Actor, require};
use baton_catalog::Text;
use baton_store::records::*;
use baton_store::{Filter, Record, Tx, Value};
use chrono::NaiveDate;
use rustc_hash::FxHashMap;
use std::path::Path;

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct ImportReport {
    pub files: Vec<(String, u64)>,
    pub rows: u64,
    pub dry_run: bool,
}

/// Parsed rows of one file, ready to write.
struct Parsed {
    table: &'static str,
    /// The columns the file has (all of the record's but the missing optional ones).
    columns: Vec<&'static str>,
    rows: Vec<Vec<Value>>,
    /// Every id of the file, of good and bad rows alike (a bad row's id is not dangling).
    ids: Vec<String>,
    lines: Vec<u64>,
    /// Rows with a problem, as text with their lines: never written, but their references
    /// and keys are still checked so that every problem is listed.
    refused: Vec<(u64, Vec<Value>)>,
}

impl Parsed {
    /// Every row with its line, good and refused.
    fn all_rows(&self) -> impl Iterator<Item = (u64, &[Value])> {
        self.lines
            .iter()
            .copied()
            .zip(self.rows.iter().map(Vec::as_slice))
            .chain(self.refused.iter().map(|(l, r)| (*l, r.as_slice())))
    }
}

/// Columns added after the bundle format was published: a bundle from before may lack them.
/// A missing one is not written, so a row already in the database keeps its value; a new row
/// gets none. Audit events without a link are linked when the import commits
/// (baton_store::chain), after the chain the database already has.
const OPTIONAL: &[(&str, &str)] = &[
    ("handoffs", "explanation_text"),
    ("employees", "personnel_number"),
    ("audit_events", "seq"),
    ("audit_events", "prev_hash"),
    ("audit_events", "hash"),
];

fn export_table<R: Record>(tx: &mut Tx<'_>, dir: &Path) -> AppResult<u64> {
    let path = dir.join(format!("{}.csv", R::TABLE));
    let mut w = csv::Writer::from_path(&path).map_err(|e| {
        AppError::invalid(
            "dir",
            Text::new("err-bundle-write")
                .arg("path", path.display().to_string())
                .arg("error", e.to_string()),
        )
    })?;
    let io = |e: csv::Error| {
        AppError::invalid(
            "dir",
            Text::new("err-bundle-write")
                .arg("path", R::TABLE)
                .arg("error", e.to_string()),
        )
    };
    w.write_record(R::COLUMNS).map_err(io)?;
    let mut n = 0;
    for r in tx.list::<R>(&Filter::new().order("id", false))? {
        w.write_record(r.to_texts()).map_err(io)?;
        n += 1;
    }
    w.flush().map_err(|e| {
        AppError::invalid(
            "dir",
            Text::new("err-bundle-flush").arg("error", e.to_string()),
        )
    })?;
    Ok(n)
}

/// One file's rows (if the file is there) and its problems.
type FileResult = AppResult<(Option<Parsed>, Vec<ImportProblem>)>;

fn parse_table<R: Record>(dir: &Path, today: NaiveDate) -> FileResult {
    let mut problems = Vec::new();
    let parsed = parse_rows::<R>(dir, today, &mut problems)?;
    Ok((parsed, problems))
}

fn problem(file: &str, line: u64, column: &str, why: Text) -> ImportProblem {
    ImportProblem::new(file, line, column, why)
}

fn parse_rows<R: Record>(
    dir: &Path,
    today: NaiveDate,
    problems: &mut Vec<ImportProblem>,
) -> AppResult<Option<Parsed>> {
    let file = format!("{}.csv", R::TABLE);
    let path = dir.join(&file);
    if !path.exists() {
        return Ok(None);
    }
    let mut rd = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_path(&path)
        .map_err(|e| {
            AppError::invalid(
                "dir",
                Text::new("err-bundle-read")
                    .arg("path", path.display().to_string())
                    .arg("error", e.to_string()),
            )
        })?;
    let headers: Vec<String> = match rd.headers() {
        Ok(h) => h
            .iter()
            .map(|s| s.trim_start_matches('\u{feff}').to_string())
            .collect(),
        Err(e) => {
            problems.push(problem(
                &file,
                1,
                "",
                Text::new("why-header-unreadable").arg("error", e.to_string()),
            ));
            return Ok(None);
        }
    };
    // Map file columns to the record's columns; unknown and missing columns are errors,
    // but for the optional ones.
    let mut pos = Vec::new();
    let mut missing_optional = Vec::new();
    for (i, c) in R::COLUMNS.iter().enumerate() {
        match headers.iter().position(|h| h == c) {
            Some(p) => pos.push(Some(p)),
            None if OPTIONAL.contains(&(R::TABLE, c)) => {
                pos.push(None);
                missing_optional.push(i);
            }
            None => problems.push(problem(
                &file,
                1,
                c,
                Text::new("why-column-missing").arg("column", *c),
            )),
        }
    }
    for h in &headers {
        if !R::COLUMNS.contains(&h.as_str()) {
            problems.push(problem(
                &file,
                1,
                h,
                Text::new("why-column-unknown")
                    .arg("column", h)
                    .arg("expected", R::COLUMNS.join(", ")),
            ));
        }
    }
    if pos.len() != R::COLUMNS.len() {
        return Ok(None);
    }
    let kinds = checks::kinds(R::TABLE, R::COLUMNS);
    let mut parsed = Parsed {
        table: R::TABLE,
        columns: R::COLUMNS
            .iter()
            .enumerate()
            .filter(|(i, _)| !missing_optional.contains(i))
            .map(|(_, c)| *c)
            .collect(),
        rows: Vec::new(),
        ids: Vec::new(),
        lines: Vec::new(),
        refused: Vec::new(),
    };
    let mut seen: FxHashMap<String, u64> = FxHashMap::default();
    let mut rec = csv::StringRecord::new();
    let mut bad = Vec::new();
    loop {
        match rd.read_record(&mut rec) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                problems.push(problem(
                    &file,
                    line,
                    "",
                    Text::new("why-not-csv").arg("error", e.to_string()),
                ));
                if e.is_io_error() {
                    break;
                }
                continue;
            }
        }
        // The csv crate counts lines from 1, the header being line 1: the file's own numbers.
        let line = rec.position().map_or(0, |p| p.line());
        let texts: Vec<&str> = pos
            .iter()
            .map(|p| p.and_then(|p| rec.get(p)).unwrap_or(""))
            .collect();
        // Every column is checked, so that a row lists all of its problems at once.
        let before = problems.len();
        bad.clear();
        for (i, (c, kind)) in R::COLUMNS.iter().zip(&kinds).enumerate() {
            if missing_optional.contains(&i) {
                continue;
            }
            if let Some(k) = kind
                && let Err(reason) = checks::check(*k, texts[i], today)
            {
                problems.push(problem(&file, line, c, reason));
                bad.push(i);
            }
        }
        let get = |c: &str| {
            R::COLUMNS
                .iter()
                .position(|x| *x == c)
                .filter(|i| !bad.contains(i))
                .map(|i| texts[i])
        };
        for (c, reason) in checks::row(R::TABLE, &get) {
            problems.push(problem(&file, line, c, reason));
        }
        let id = texts[0];
        if !id.trim().is_empty() {
            if let Some(first) = seen.get(id) {
                problems.push(problem(
                    &file,
                    line,
                    "id",
                    Text::new("why-id-repeated")
                        .arg("id", id)
                        .num("first", *first as i64),
                ));
            } else {
                seen.insert(id.to_string(), line);
                parsed.ids.push(id.to_string());
            }
        }
        let ok = problems.len() == before;
        match R::from_texts(&texts) {
            Ok(r) if ok => {
                parsed.lines.push(line);
                let mut values = r.into_values();
                for i in missing_optional.iter().rev() {
                    values.remove(*i);
                }
                parsed.rows.push(values);
            }
            Ok(_) => {}
            // Every type the record parses has its column's check; this is a safety net.
            Err((col, reason)) if ok => problems.push(problem(
                &file,
                line,
                col,
                Text::new("why-value").arg("error", reason),
            )),
            Err(_) => {}
        }
        if !ok {
            // Kept as text so that its references and unique keys are still checked.
            let values = texts
                .iter()
                .enumerate()
                .filter(|(i, _)| !missing_optional.contains(i))
                .map(|(_, t)| {
                    if t.is_empty() {
                        Value::Null
                    } else {
                        Value::Text(t.to_string())
                    }
                })
                .collect();
            parsed.refused.push((line, values));
        }
    }
    Ok(Some(parsed))
}

/// Calls `$f::<Record>($args)` for the record of `$table`, or gives `$default`.
macro_rules! by_table {
    ($table:expr, $f:ident ( $($args:expr),* ), $default:expr) => {
        match $table {
            "regions" => $f::<Region>($($args),*),
            "employees" => $f::<Employee>($($args),*),
            "role_assignments" => $f::<RoleAssignmentRow>($($args),*),
            "absences" => $f::<AbsenceRow>($($args),*),
            "companies" => $f::<Company>($($args),*),
            "contacts" => $f::<Contact>($($args),*),
            "call_lists" => $f::<CallList>($($args),*),
            "call_list_items" => $f::<CallListItem>($($args),*),
            "leads" => $f::<LeadRow>($($args),*),
            "activities" => $f::<Activity>($($args),*),
            "handoffs" => $f::<Handoff>($($args),*),
            "products" => $f::<Product>($($args),*),
            "contracts" => $f::<Contract>($($args),*),
            "contract_lines" => $f::<ContractLine>($($args),*),
            "orders" => $f::<Order>($($args),*),
            "order_lines" => $f::<OrderLine>($($args),*),
            "invoices" => $f::<Invoice>($($args),*),
            "credit_notes" => $f::<CreditNote>($($args),*),
            "payments" => $f::<Payment>($($args),*),
            "targets" => $f::<Target>($($args),*),
            "audit_events" => $f::<AuditEvent>($($args),*),
            "settings" => $f::<Setting>($($args),*),
            "plan_versions" => $f::<PlanVersion>($($args),*),
            "pay_periods" => $f::<PayPeriod>($($args),*),
            "pay_statements" => $f::<PayStatement>($($args),*),
            "acquisition_costs" => $f::<AcquisitionCost>($($args),*),
            "bank_documents" => $f::<BankDocument>($($args),*),
            "tasks" => $f::<Task>($($args),*),
            "crm_records" => $f::<CrmRecord>($($args),*),
            _ => $default,
        }
    };
}

fn parse_one(table: &str, dir: &Path, today: NaiveDate) -> FileResult {
    by_table!(table, parse_table(dir, today), Ok((None, vec![])))
}

#[cfg(test)]
fn record_columns<R: Record>() -> Vec<&'static str> {
    R::COLUMNS.to_vec()
}

/// The columns of a bundle file's record.
#[cfg(test)]
fn columns_of(table: &str) -> Vec<&'static str> {
    by_table!(table, record_columns(), vec![])
}

macro_rules! each_table {
    ($f:ident, $($args:expr),*) => {
        vec![
            $f::<Region>($($args),*)?,
            $f::<Employee>($($args),*)?,
            $f::<RoleAssignmentRow>($($args),*)?,
            $f::<AbsenceRow>($($args),*)?,
            $f::<Company>($($args),*)?,
            $f::<Contact>($($args),*)?,
            $f::<CallList>($($args),*)?,
            $f::<CallListItem>($($args),*)?,
            $f::<LeadRow>($($args),*)?,
            $f::<Activity>($($args),*)?,
            $f::<Handoff>($($args),*)?,
            $f::<Product>($($args),*)?,
            $f::<Contract>($($args),*)?,
            $f::<ContractLine>($($args),*)?,
            $f::<Order>($($args),*)?,
            $f::<OrderLine>($($args),*)?,
            $f::<Invoice>($($args),*)?,
            $f::<CreditNote>($($args),*)?,
            $f::<Payment>($($args),*)?,
            $f::<Target>($($args),*)?,
            $f::<AuditEvent>($($args),*)?,
            $f::<Setting>($($args),*)?,
            $f::<PlanVersion>($($args),*)?,
            $f::<PayPeriod>($($args),*)?,
            $f::<PayStatement>($($args),*)?,
            $f::<AcquisitionCost>($($args),*)?,
            $f::<BankDocument>($($args),*)?,
            $f::<Task>($($args),*)?,
            $f::<CrmRecord>($($args),*)?,
        ]
    };
}

impl App {
    /// Writes every table to `dir/<table>.csv`, rows ordered by id.
    pub fn export(&self, actor: Option<&Actor>, dir: &Path) -> AppResult<Vec<(String, u64)>> {
        if let Some(a) = actor {
            require(a, Action::ExportImport)?;
        }
        std::fs::create_dir_all(dir).map_err(|e| {
            AppError::invalid(
                "dir",
                Text::new("err-bundle-create")
                    .arg("path", dir.display().to_string())
                    .arg("error", e.to_string()),
            )
        })?;
        self.db.tx(|tx| {
            let counts = each_table!(export_table, tx, dir);
            Ok(BUNDLE_TABLES
                .iter()
                .map(|t| t.to_string())
                .zip(counts)
                .collect())
        })
    }

    /// Imports a bundle. All rows are checked first; any problem means nothing is written and
    /// the error lists every bad row. `dry_run` checks only.
    pub fn import(
        &self,
        actor: Option<&Actor>,
        dir: &Path,
        dry_run: bool,
    ) -> AppResult<ImportReport> {
        if let Some(a) = actor {
            require(a, Action::ExportImport)?;
        }
        if !dir.is_dir() {
            return Err(AppError::invalid(
                "dir",
                Text::new("err-bundle-not-folder").arg("path", dir.display().to_string()),
            ));
        }
        if !BUNDLE_TABLES
            .iter()
            .any(|t| dir.join(format!("{t}.csv")).exists())
        {
            return Err(AppError::invalid(
                "dir",
                Text::new("err-bundle-empty")
                    .arg("path", dir.display().to_string())
                    .arg("first", BUNDLE_TABLES[0]),
            ));
        }
        // A pipeline over two cores: a worker parses the files in import order while this
        // thread checks and loads each one as it arrives. Parents come before children, so the
        // ids a file refers to are known when it is checked. Nothing is committed unless every
        // row of every file is valid.
        let today = self.now().date_naive();
        let report = std::thread::scope(|sc| {
            let (send, receive) = std::sync::mpsc::sync_channel::<(&'static str, FileResult)>(1);
            sc.spawn(move || {
                for t in BUNDLE_TABLES {
                    if send.send((t, parse_one(t, dir, today))).is_err() {
                        break;
                    }
                }
            });
            self.db.bulk(|tx| {
                let mut problems = Vec::new();
                let mut refs = refs::Checker::default();
                let mut report = ImportReport {
                    dry_run,
                    ..Default::default()
                };
                for (_, result) in receive {
                    let (parsed, probs) = result?;
                    problems.extend(probs);
                    let Some(p) = parsed else { continue };
                    refs.check(tx, &p, &mut problems)?;
                    report
                        .files
                        .push((format!("{}.csv", p.table), p.rows.len() as u64));
                    report.rows += p.rows.len() as u64;
                    if problems.is_empty() && !dry_run {
                        tx.load(p.table, &p.columns, &p.rows).map_err(|e| {
                            match e.unique_violation() {
                                Some(c) => AppError::Import(vec![ImportProblem::new(
                                    &format!("{}.csv", p.table),
                                    0,
                                    "",
                                    if c.contains("seq") && p.table == "audit_events" {
                                        Text::new("why-audit-seq-taken").arg("constraint", c)
                                    } else {
                                        Text::new("why-unique-in-db").arg("constraint", c)
                                    },
                                )]),
                                None => e.into(),
                            }
                        })?;
                    }
                    refs.know(p.table, p.ids);
                }
                refs.finish(tx, &mut problems)?;
                if !problems.is_empty() {
                    problems.sort_by(|a, b| {
                        (&a.file, a.line, &a.column).cmp(&(&b.file, b.line, &b.column))
                    });
                    return Err(AppError::Import(problems));
                }
                if !dry_run {
                    // A bundle's linked audit events keep their links; the head follows them.
                    baton_store::chain::adopt_head(tx)?;
                    // `settled_on` is a cache of the payments: a bundle edited by hand may claim
                    // an open invoice settled, and payroll would then miss it. Clearing it is
                    // always safe (an unsettled invoice is simply read and found paid).
                    tx.exec(
                        "UPDATE invoices SET settled_on = NULL WHERE settled_on IS NOT NULL AND amount > COALESCE((SELECT SUM(p.amount) FROM payments p WHERE p.invoice_id = invoices.id), 0) + COALESCE((SELECT SUM(c.amount) FROM credit_notes c WHERE c.invoice_id = invoices.id), 0)",
                        &[],
                    )?;
                }
                // A dry run loaded nothing, so its commit writes nothing.
                Ok(report)
            })
        })?;
        // PostgreSQL plans by table statistics, and freshly loaded tables have none until
        // autovacuum gets to them: without this the period's payroll took 85 s instead of
        // well under one (BENCHMARKS.md). SQLite's queries are written for its statistics-free
        // planner and are left as they are.
        if !dry_run && self.db.dialect() == baton_store::Dialect::Postgres {
            self.db.execute_batch("ANALYZE")?;
        }
        // The funnel's tallies are kept by the use cases; imported rows came around them.
        // So are the alerts: the log learns what the imported history raises.
        if !dry_run {
            self.rebuild_funnel()?;
            self.evaluate_alerts(crate::insight::alerts::Trigger::Command)?;
        }
        Ok(report)
    }
}
