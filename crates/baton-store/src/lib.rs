//! Storage: SQLite (default) and PostgreSQL behind one handle, one migration tree, and
//! generic record operations. No business rules live here.

pub mod chain;
pub mod db;
pub mod follow;
pub mod record;
pub mod records;
pub mod scratch;
pub mod value;

pub use db::{Db, Dialect, Tx};
pub use record::{Filter, Record};
pub use value::{Json, Row, Value};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("database: {0}")]
    Postgres(#[from] postgres::Error),
    #[error("database pool: {0}")]
    Pool(#[from] r2d2::Error),
    #[error("{0}")]
    Url(String),
    #[error("stored data: {0}")]
    Decode(String),
    #[error("{entity} {id} was changed by someone else; reload and try again")]
    Conflict { entity: String, id: String },
    #[error("{entity} {id} does not exist")]
    NotFound { entity: String, id: String },
}

impl StoreError {
    /// A row names a record that does not exist (a foreign key), when that is what failed.
    pub fn foreign_key_violation(&self) -> bool {
        match self {
            StoreError::Sqlite(rusqlite::Error::SqliteFailure(e, msg)) => {
                e.code == rusqlite::ErrorCode::ConstraintViolation
                    && msg.as_deref().is_some_and(|m| m.contains("FOREIGN KEY"))
            }
            StoreError::Postgres(e) => {
                e.code() == Some(&postgres::error::SqlState::FOREIGN_KEY_VIOLATION)
            }
            _ => false,
        }
    }

    /// The name of the violated unique constraint, when that is what failed.
    pub fn unique_violation(&self) -> Option<String> {
        match self {
            StoreError::Sqlite(rusqlite::Error::SqliteFailure(e, msg))
                if e.code == rusqlite::ErrorCode::ConstraintViolation =>
            {
                let m = msg.clone().unwrap_or_default();
                m.contains("UNIQUE").then_some(m)
            }
            StoreError::Postgres(e)
                if e.code() == Some(&postgres::error::SqlState::UNIQUE_VIOLATION) =>
            {
                Some(
                    e.as_db_error()
                        .and_then(|d| d.constraint())
                        .unwrap_or("unique")
                        .to_string(),
                )
            }
            _ => None,
        }
    }
}

const MIGRATIONS: [(&str, &str); 17] = [
    (
        "0001_conveyor",
        include_str!("../migrations/0001_conveyor.sql"),
    ),
    (
        "0002_payroll",
        include_str!("../migrations/0002_payroll.sql"),
    ),
    ("0003_costs", include_str!("../migrations/0003_costs.sql")),
    (
        "0004_alert_acks",
        include_str!("../migrations/0004_alert_acks.sql"),
    ),
    (
        "0005_journeys",
        include_str!("../migrations/0005_journeys.sql"),
    ),
    (
        "0006_alert_log",
        include_str!("../migrations/0006_alert_log.sql"),
    ),
    (
        "0007_funnel_from_the_start",
        include_str!("../migrations/0007_funnel_from_the_start.sql"),
    ),
    (
        "0008_audit_chain",
        include_str!("../migrations/0008_audit_chain.sql"),
    ),
    (
        "0009_region_approvals",
        include_str!("../migrations/0009_region_approvals.sql"),
    ),
    (
        "0010_winning_payments",
        include_str!("../migrations/0010_winning_payments.sql"),
    ),
    (
        "0011_universal_own_leads",
        include_str!("../migrations/0011_universal_own_leads.sql"),
    ),
    (
        "0012_handoff_explanation_text",
        include_str!("../migrations/0012_handoff_explanation_text.sql"),
    ),
    (
        "0013_bank_documents",
        include_str!("../migrations/0013_bank_documents.sql"),
    ),
    ("0015_tasks", include_str!("../migrations/0015_tasks.sql")),
    (
        "0016_personnel_numbers",
        include_str!("../migrations/0016_personnel_numbers.sql"),
    ),
    ("0017_outbox", include_str!("../migrations/0017_outbox.sql")),
    (
        "0018_crm_records",
        include_str!("../migrations/0018_crm_records.sql"),
    ),
];

/// Migrations whose text differs by database, as whole statements (a trigger body holds `;`):
/// the search indexes (issue 16 §6). SQLite has FTS5 with the `trigram` tokenizer, kept by
/// triggers; PostgreSQL has `pg_trgm` GIN indexes on the lower-cased text, which serve
/// `lower(column) LIKE '%…%'` directly.
/// Each FTS table stores the record's id (SQLite may renumber rowids, ids stay) and the search's
/// sort key, so the first hits in order come from the FTS table alone.
const DIALECT_MIGRATIONS: [(&str, &[&str], &[&str]); 1] = [(
    "0014_search_trigrams",
    &[
        "CREATE VIRTUAL TABLE search_companies USING fts5(id UNINDEXED, text, tokenize = 'trigram')",
        "CREATE TRIGGER search_companies_in AFTER INSERT ON companies BEGIN \
         INSERT INTO search_companies (id, text) VALUES (new.id, new.name_norm); END",
        "CREATE TRIGGER search_companies_up AFTER UPDATE OF name_norm ON companies \
         WHEN old.name_norm IS NOT new.name_norm BEGIN \
         DELETE FROM search_companies WHERE id = old.id; \
         INSERT INTO search_companies (id, text) VALUES (new.id, new.name_norm); END",
        "CREATE TRIGGER search_companies_out AFTER DELETE ON companies BEGIN \
         DELETE FROM search_companies WHERE id = old.id; END",
        "INSERT INTO search_companies (id, text) SELECT id, name_norm FROM companies",
        "CREATE VIRTUAL TABLE search_contacts USING fts5(id UNINDEXED, text, tokenize = 'trigram')",
        "CREATE TRIGGER search_contacts_in AFTER INSERT ON contacts BEGIN \
         INSERT INTO search_contacts (id, text) VALUES (new.id, new.name); END",
        "CREATE TRIGGER search_contacts_up AFTER UPDATE OF name ON contacts \
         WHEN old.name IS NOT new.name BEGIN \
         DELETE FROM search_contacts WHERE id = old.id; \
         INSERT INTO search_contacts (id, text) VALUES (new.id, new.name); END",
        "CREATE TRIGGER search_contacts_out AFTER DELETE ON contacts BEGIN \
         DELETE FROM search_contacts WHERE id = old.id; END",
        "INSERT INTO search_contacts (id, text) SELECT id, name FROM contacts",
        "CREATE VIRTUAL TABLE search_invoices USING fts5(id UNINDEXED, issued_on UNINDEXED, text, tokenize = 'trigram')",
        "CREATE TRIGGER search_invoices_in AFTER INSERT ON invoices BEGIN \
         INSERT INTO search_invoices (id, issued_on, text) VALUES (new.id, new.issued_on, new.number); END",
        "CREATE TRIGGER search_invoices_up AFTER UPDATE OF number, issued_on ON invoices \
         WHEN old.number IS NOT new.number OR old.issued_on IS NOT new.issued_on BEGIN \
         DELETE FROM search_invoices WHERE id = old.id; \
         INSERT INTO search_invoices (id, issued_on, text) VALUES (new.id, new.issued_on, new.number); END",
        "CREATE TRIGGER search_invoices_out AFTER DELETE ON invoices BEGIN \
         DELETE FROM search_invoices WHERE id = old.id; END",
        "INSERT INTO search_invoices (id, issued_on, text) SELECT id, issued_on, number FROM invoices",
    ],
    &[
        "CREATE EXTENSION IF NOT EXISTS pg_trgm",
        "CREATE INDEX companies_name_trgm ON companies USING gin (name_norm gin_trgm_ops)",
        "CREATE INDEX contacts_name_trgm ON contacts USING gin (lower(name) gin_trgm_ops)",
        "CREATE INDEX invoices_number_trgm ON invoices USING gin (lower(number) gin_trgm_ops)",
    ],
)];

/// Applies pending migrations in one transaction each. Safe to call at every start.
pub fn migrate(db: &Db) -> Result<Vec<String>, StoreError> {
    db.execute_batch("CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")?;
    let mut applied = Vec::new();
    let split = |sql: &'static str| -> Vec<&'static str> {
        sql.split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty() && !s.lines().all(|l| l.trim().starts_with("--")))
            .collect()
    };
    let mut all: Vec<(&str, Vec<&str>)> = MIGRATIONS
        .iter()
        .map(|(name, sql)| (*name, split(sql)))
        .collect();
    for (name, sqlite, postgres) in DIALECT_MIGRATIONS {
        let stmts = match db.dialect() {
            Dialect::Sqlite => sqlite,
            Dialect::Postgres => postgres,
        };
        all.push((name, stmts.to_vec()));
    }
    all.sort_by_key(|(name, _)| *name);
    for (name, stmts) in all {
        let mut conn = db.conn()?;
        let mut tx = conn.begin()?;
        if tx
            .query_one(
                "SELECT id FROM schema_migrations WHERE id = ?",
                &[name.into()],
            )?
            .is_some()
        {
            continue;
        }
        for stmt in stmts {
            tx.exec(stmt, &[])?;
        }
        let now = chrono::Utc::now()
            .format("%Y-%m-%dT%H:%M:%S%.6fZ")
            .to_string();
        tx.exec(
            "INSERT INTO schema_migrations (id, applied_at) VALUES (?, ?)",
            &[name.into(), now.into()],
        )?;
        tx.commit()?;
        applied.push(name.to_string());
    }
    // Events written before the audit chain (0008) are linked once, here, in (at, id) order:
    // the order they were written in, as near as the stored fields tell. Afterwards this
    // finds nothing to link (every write links its own events before it commits).
    db.tx(|tx| chain::link_pending(tx).map(|_| ()))?;
    Ok(applied)
}
