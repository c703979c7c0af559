//! The CSV bundle: one file per table, with ids, so that a re-import is idempotent.
//! Import checks every row first (types, ИНН, phones, references, duplicates) and writes
//! nothing when any row is bad; the report names the file, line, column and reason.

use crate::App;
use crate::error::{AppError, AppResult, ImportProblem};
use crate::rights::{Action, Actor, require};
use baton_domain::{Inn, Kpp, Phone};
use baton_store::records::*;
use baton_store::{Filter, Record, Tx, Value};
use rustc_hash::FxHashSet;
use std::collections::HashMap;
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
    ids: Vec<String>,
    lines: Vec<u64>,
}

/// Columns added after the bundle format was published: a bundle from before may lack them.
/// A missing one is not written, so a row already in the database keeps its value; a new row
/// gets none. Audit events without a link are linked when the import commits
/// (baton_store::chain), after the chain the database already has.
const OPTIONAL: &[(&str, &str)] = &[
    ("audit_events", "seq"),
    ("audit_events", "prev_hash"),
    ("audit_events", "hash"),
];

/// References checked on import: (table, column, referenced table).
const REFS: &[(&str, &str, &str)] = &[
    ("employees", "region_id", "regions"),
    ("role_assignments", "employee_id", "employees"),
    ("absences", "employee_id", "employees"),
    ("companies", "region_id", "regions"),
    ("contacts", "company_id", "companies"),
    ("call_lists", "owner_id", "employees"),
    ("call_list_items", "call_list_id", "call_lists"),
    ("call_list_items", "company_id", "companies"),
    ("leads", "company_id", "companies"),
    ("leads", "owner_id", "employees"),
    ("activities", "company_id", "companies"),
    ("activities", "actor_id", "employees"),
    ("handoffs", "company_id", "companies"),
    ("contracts", "company_id", "companies"),
    ("contract_lines", "contract_id", "contracts"),
    ("contract_lines", "product_id", "products"),
    ("orders", "company_id", "companies"),
    ("order_lines", "order_id", "orders"),
    ("order_lines", "product_id", "products"),
    ("invoices", "company_id", "companies"),
    ("credit_notes", "invoice_id", "invoices"),
    ("payments", "invoice_id", "invoices"),
    ("payments", "company_id", "companies"),
    ("targets", "employee_id", "employees"),
];

fn export_table<R: Record>(tx: &mut Tx<'_>, dir: &Path) -> AppResult<u64> {
    let path = dir.join(format!("{}.csv", R::TABLE));
    let mut w = csv::Writer::from_path(&path)
        .map_err(|e| AppError::invalid("dir", format!("cannot write {}: {e}", path.display())))?;
    let io = |e: csv::Error| AppError::invalid("dir", format!("cannot write {}: {e}", R::TABLE));
    w.write_record(R::COLUMNS).map_err(io)?;
    let mut n = 0;
    for r in tx.list::<R>(&Filter::new().order("id", false))? {
        w.write_record(r.to_texts()).map_err(io)?;
        n += 1;
    }
    w.flush()
        .map_err(|e| AppError::invalid("dir", e.to_string()))?;
    Ok(n)
}

/// One file's rows (if the file is there) and its problems.
type FileResult = AppResult<(Option<Parsed>, Vec<ImportProblem>)>;

fn parse_table<R: Record>(dir: &Path) -> FileResult {
    let mut problems = Vec::new();
    let parsed = parse_rows::<R>(dir, &mut problems)?;
    Ok((parsed, problems))
}

fn parse_rows<R: Record>(
    dir: &Path,
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
        .map_err(|e| AppError::invalid("dir", format!("cannot read {}: {e}", path.display())))?;
    let headers: Vec<String> = match rd.headers() {
        Ok(h) => h
            .iter()
            .map(|s| s.trim_start_matches('\u{feff}').to_string())
            .collect(),
        Err(e) => {
            problems.push(ImportProblem {
                file,
                line: 1,
                column: String::new(),
                reason: format!("unreadable header: {e}"),
            });
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
            None => problems.push(ImportProblem {
                file: file.clone(),
                line: 1,
                column: (*c).into(),
                reason: format!("the column «{c}» is missing from the header"),
            }),
        }
    }
    for h in &headers {
        if !R::COLUMNS.contains(&h.as_str()) {
            problems.push(ImportProblem {
                file: file.clone(),
                line: 1,
                column: h.clone(),
                reason: format!("unknown column «{h}»; expected {}", R::COLUMNS.join(", ")),
            });
        }
    }
    if pos.len() != R::COLUMNS.len() {
        return Ok(None);
    }
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
    };
    let mut seen: FxHashSet<String> = FxHashSet::default();
    let mut rec = csv::StringRecord::new();
    loop {
        match rd.read_record(&mut rec) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                problems.push(ImportProblem {
                    file: file.clone(),
                    line,
                    column: String::new(),
                    reason: format!("not valid CSV: {e}"),
                });
                if e.is_io_error() {
                    break;
                }
                continue;
            }
        }
        let line = rec.position().map_or(0, |p| p.line());
        let texts: Vec<&str> = pos
            .iter()
            .map(|p| p.and_then(|p| rec.get(p)).unwrap_or(""))
            .collect();
        match R::from_texts(&texts) {
            Ok(r) => {
                if r.id().trim().is_empty() {
                    problems.push(ImportProblem {
                        file: file.clone(),
                        line,
                        column: "id".into(),
                        reason: "every row needs an id".into(),
                    });
                    continue;
                }
                if !seen.insert(r.id().to_string()) {
                    problems.push(ImportProblem {
                        file: file.clone(),
                        line,
                        column: "id".into(),
                        reason: format!("id «{}» appears twice in this file", r.id()),
                    });
                    continue;
                }
                for (col, reason) in domain_checks(R::TABLE, R::COLUMNS, &texts) {
                    problems.push(ImportProblem {
                        file: file.clone(),
                        line,
                        column: col,
                        reason,
                    });
                }
                parsed.ids.push(r.id().to_string());
                parsed.lines.push(line);
                let mut values = r.into_values();
                for i in missing_optional.iter().rev() {
                    values.remove(*i);
                }
                parsed.rows.push(values);
            }
            Err((col, reason)) => problems.push(ImportProblem {
                file: file.clone(),
                line,
                column: col.into(),
                reason,
            }),
        }
    }
    Ok(Some(parsed))
}

/// The domain's own rules on imported values: ИНН checksums, КПП shape, phones, roles.
fn domain_checks(table: &str, cols: &[&str], texts: &[&str]) -> Vec<(String, String)> {
    let get = |c: &str| cols.iter().position(|x| *x == c).map(|i| texts[i]);
    let mut out = Vec::new();
    match table {
        "companies" => {
            if let Some(inn) = get("inn")
                && let Err(e) = Inn::parse(inn)
            {
                out.push(("inn".into(), e.to_string()));
            }
            if let Some(kpp) = get("kpp").filter(|k| !k.is_empty())
                && let Err(e) = Kpp::parse(kpp)
            {
                out.push(("kpp".into(), e.to_string()));
            }
        }
        "contacts" => {
            if let Some(p) = get("phone").filter(|p| !p.is_empty()) {
                match Phone::parse(p) {
                    Ok(ph) if ph.as_str() != p => out.push((
                        "phone".into(),
                        format!("write the phone in E.164 form: {}", ph.as_str()),
                    )),
                    Ok(_) => {}
                    Err(e) => out.push(("phone".into(), e.to_string())),
                }
            }
        }
        "role_assignments" => {
            if let Some(r) = get("role")
                && baton_domain::Role::parse(r).is_none()
            {
                out.push(("role".into(), format!("unknown role «{r}»")));
            }
        }
        "leads" => {
            if let Some(s) = get("stage")
                && baton_domain::LeadStage::parse(s).is_none()
            {
                out.push(("stage".into(), format!("unknown stage «{s}»")));
            }
        }
        _ => {}
    }
    out
}

fn parse_one(table: &str, dir: &Path) -> FileResult {
    match table {
        "regions" => parse_table::<Region>(dir),
        "employees" => parse_table::<Employee>(dir),
        "role_assignments" => parse_table::<RoleAssignmentRow>(dir),
        "absences" => parse_table::<AbsenceRow>(dir),
        "companies" => parse_table::<Company>(dir),
        "contacts" => parse_table::<Contact>(dir),
        "call_lists" => parse_table::<CallList>(dir),
        "call_list_items" => parse_table::<CallListItem>(dir),
        "leads" => parse_table::<LeadRow>(dir),
        "activities" => parse_table::<Activity>(dir),
        "handoffs" => parse_table::<Handoff>(dir),
        "products" => parse_table::<Product>(dir),
        "contracts" => parse_table::<Contract>(dir),
        "contract_lines" => parse_table::<ContractLine>(dir),
        "orders" => parse_table::<Order>(dir),
        "order_lines" => parse_table::<OrderLine>(dir),
        "invoices" => parse_table::<Invoice>(dir),
        "credit_notes" => parse_table::<CreditNote>(dir),
        "payments" => parse_table::<Payment>(dir),
        "targets" => parse_table::<Target>(dir),
        "audit_events" => parse_table::<AuditEvent>(dir),
        "settings" => parse_table::<Setting>(dir),
        "plan_versions" => parse_table::<PlanVersion>(dir),
        "pay_periods" => parse_table::<PayPeriod>(dir),
        "pay_statements" => parse_table::<PayStatement>(dir),
        "acquisition_costs" => parse_table::<AcquisitionCost>(dir),
        _ => Ok((None, vec![])),
    }
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
            AppError::invalid("dir", format!("cannot create {}: {e}", dir.display()))
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
                format!("{} is not a folder with a CSV bundle", dir.display()),
            ));
        }
        if !BUNDLE_TABLES
            .iter()
            .any(|t| dir.join(format!("{t}.csv")).exists())
        {
            return Err(AppError::invalid(
                "dir",
                format!(
                    "{} has none of the bundle's files ({}.csv …)",
                    dir.display(),
                    BUNDLE_TABLES[0]
                ),
            ));
        }
        // A pipeline over two cores: a worker parses the files in import order while this
        // thread checks and loads each one as it arrives. Parents come before children, so the
        // ids a file refers to are known when it is checked. Nothing is committed unless every
        // row of every file is valid.
        let report = std::thread::scope(|sc| {
            let (send, receive) = std::sync::mpsc::sync_channel::<(&'static str, FileResult)>(1);
            sc.spawn(move || {
                for t in BUNDLE_TABLES {
                    if send.send((t, parse_one(t, dir))).is_err() {
                        break;
                    }
                }
            });
            self.db.bulk(|tx| {
                let mut problems = Vec::new();
                let mut known: HashMap<&'static str, FxHashSet<String>> = HashMap::new();
                let mut report = ImportReport {
                    dry_run,
                    ..Default::default()
                };
                for (_, result) in receive {
                    let (parsed, probs) = result?;
                    problems.extend(probs);
                    let Some(p) = parsed else { continue };
                    self.check_references(tx, &p, &known, &mut problems)?;
                    report
                        .files
                        .push((format!("{}.csv", p.table), p.rows.len() as u64));
                    report.rows += p.rows.len() as u64;
                    if problems.is_empty() && !dry_run {
                        tx.load(p.table, &p.columns, &p.rows).map_err(|e| {
                            match e.unique_violation() {
                                Some(c) => AppError::Import(vec![ImportProblem {
                                    file: format!("{}.csv", p.table),
                                    line: 0,
                                    column: String::new(),
                                    reason: if c.contains("seq") && p.table == "audit_events" {
                                        format!(
                                            "an event's place in the audit chain is taken by another event in the database ({c}): a bundle's linked audit events import into a database with no audit events or with the same chain"
                                        )
                                    } else {
                                        format!(
                                            "a row repeats a unique value already in the database ({c})"
                                        )
                                    },
                                }]),
                                None => e.into(),
                            }
                        })?;
                    }
                    known.insert(p.table, p.ids.into_iter().collect());
                }
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

    /// Checks one file's references against the files before it and the database, and the
    /// companies' ИНН+КПП uniqueness.
    fn check_references(
        &self,
        tx: &mut Tx<'_>,
        p: &Parsed,
        known: &HashMap<&'static str, FxHashSet<String>>,
        problems: &mut Vec<ImportProblem>,
    ) -> AppResult<()> {
        let mut db_cache: HashMap<(&str, String), bool> = HashMap::new();
        for (table, col, target) in REFS.iter().filter(|r| r.0 == p.table) {
            let Some(ci) = p.columns.iter().position(|c| c == col) else {
                continue;
            };
            for (i, row) in p.rows.iter().enumerate() {
                let Value::Text(v) = &row[ci] else { continue };
                if known.get(target).is_some_and(|s| s.contains(v.as_str())) {
                    continue;
                }
                let key = (*target, v.clone());
                let exists = match db_cache.get(&key) {
                    Some(e) => *e,
                    None => {
                        let e = tx
                            .query_one(
                                &format!("SELECT id FROM {target} WHERE id = ?"),
                                &[Value::Text(v.clone())],
                            )?
                            .is_some();
                        db_cache.insert(key, e);
                        e
                    }
                };
                if !exists {
                    problems.push(ImportProblem {
                        file: format!("{table}.csv"),
                        line: p.lines[i],
                        column: (*col).into(),
                        reason: format!("«{v}» is not in {target}.csv nor in the database"),
                    });
                }
            }
        }
        if p.table == "companies"
            && let (Some(ii), Some(ki)) = (
                p.columns.iter().position(|c| *c == "inn"),
                p.columns.iter().position(|c| *c == "kpp"),
            )
        {
            let mut seen: HashMap<(String, String), usize> = HashMap::new();
            for (i, row) in p.rows.iter().enumerate() {
                let key = (text(&row[ii]), text(&row[ki]));
                if let Some(first) = seen.insert(key.clone(), i) {
                    problems.push(ImportProblem {
                        file: "companies.csv".into(),
                        line: p.lines[i],
                        column: "inn".into(),
                        reason: format!("ИНН {} is already on line {}", key.0, p.lines[first]),
                    });
                    continue;
                }
                if let Some(r) = tx.query_one(
                    "SELECT id FROM companies WHERE inn = ? AND kpp = ?",
                    &[key.0.clone().into(), key.1.clone().into()],
                )? && r.text(0) != p.ids[i]
                {
                    problems.push(ImportProblem {
                        file: "companies.csv".into(),
                        line: p.lines[i],
                        column: "inn".into(),
                        reason: format!(
                            "ИНН {} already belongs to company {} in the database",
                            key.0,
                            r.text(0)
                        ),
                    });
                }
            }
        }
        Ok(())
    }
}

fn text(v: &Value) -> String {
    match v {
        Value::Text(s) => s.clone(),
        Value::Int(i) => i.to_string(),
        Value::Null => String::new(),
    }
}
