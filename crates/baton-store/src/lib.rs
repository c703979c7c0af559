//! Storage: SQLite (default) and PostgreSQL behind one handle, one migration tree, and
//! generic record operations. No business rules live here.

pub mod chain;
pub mod db;
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

const MIGRATIONS: [(&str, &str); 13] = [
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
];

/// Applies pending migrations in one transaction each. Safe to call at every start.
pub fn migrate(db: &Db) -> Result<Vec<String>, StoreError> {
    db.execute_batch("CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")?;
    let mut applied = Vec::new();
    for (name, sql) in MIGRATIONS {
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
        for stmt in sql
            .split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty() && !s.lines().all(|l| l.trim().starts_with("--")))
        {
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
