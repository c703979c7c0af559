//! One database handle over SQLite (rusqlite) or PostgreSQL (postgres), chosen by URL.
//!
//! Why not sqlx: measured in `research/rust-stack.md` §0, sqlx on SQLite inserts ~13 k rows/s and
//! reads ~200 k rows/s, rusqlite 470 k and 6.4 M. Import, demo history and period facts are bulk
//! paths, so Baton talks to each database with its native synchronous driver and writes every
//! query once, in the portable subset described in `migrations/README.md`.

use crate::StoreError;
use crate::value::{Row, Value};
use r2d2::{Pool, PooledConnection};
use r2d2_postgres::PostgresConnectionManager;
use r2d2_sqlite::SqliteConnectionManager;
use rusqlite::types::{ToSqlOutput, ValueRef};
use std::sync::{Arc, Mutex};

/// A PostgreSQL connection and the statements prepared on it. Without the cache every query
/// is two round trips (prepare, then execute); with it, one after the first time (issue 19:
/// a logged call was ~25 round trips, 5 ms, against 0.2 ms for a commit).
pub struct PgConn {
    client: postgres::Client,
    statements: Statements,
}

/// Prepared statements by their SQL text (cleared when it holds too many: a query with an
/// `IN` list of any length is a new text each length).
pub type Statements = std::collections::HashMap<String, postgres::Statement>;

const MAX_STATEMENTS: usize = 2000;

impl std::ops::Deref for PgConn {
    type Target = postgres::Client;
    fn deref(&self) -> &postgres::Client {
        &self.client
    }
}

impl std::ops::DerefMut for PgConn {
    fn deref_mut(&mut self) -> &mut postgres::Client {
        &mut self.client
    }
}

/// r2d2's PostgreSQL manager, with a statement cache beside each connection.
pub struct PgManager(PostgresConnectionManager<postgres::NoTls>);

impl r2d2::ManageConnection for PgManager {
    type Connection = PgConn;
    type Error = postgres::Error;
    fn connect(&self) -> Result<PgConn, postgres::Error> {
        Ok(PgConn {
            client: self.0.connect()?,
            statements: Statements::new(),
        })
    }
    fn is_valid(&self, c: &mut PgConn) -> Result<(), postgres::Error> {
        self.0.is_valid(&mut c.client)
    }
    fn has_broken(&self, c: &mut PgConn) -> bool {
        self.0.has_broken(&mut c.client)
    }
}

/// A database: its connections, and the count of commits made through this handle and its
/// clones. Caches of derived data (the live statements) remember the count they were read
/// at: a different count means something was written since.
#[derive(Clone)]
pub struct Db {
    pub(crate) backend: Backend,
    pub(crate) writes: Arc<std::sync::atomic::AtomicU64>,
    /// The SQLite file, for a connection of its own that watches other writers.
    pub(crate) path: Option<Arc<std::path::PathBuf>>,
}

#[derive(Clone)]
pub(crate) enum Backend {
    Sqlite(Pool<SqliteConnectionManager>),
    Postgres(Pool<PgManager>),
    /// One SQLite connection inside a long transaction; each `tx` is a savepoint in it.
    /// Bulk writers (the demo generator) commit once per batch instead of once per use case:
    /// a commit rewrites every touched page into the WAL, which dominated the demo's time.
    SqliteBatch(Arc<Mutex<BatchConn>>),
    /// One PostgreSQL connection inside one transaction; each `tx` is a savepoint in it
    /// ([`Db::pinned`]).
    PgPinned(Arc<Mutex<PinnedPg>>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// Replaces SQLite's `lower`, which folds only ASCII, with Rust's Unicode one, so that
/// `lower(name) LIKE ?` finds «Иванов» by «иванов» as PostgreSQL's `lower` does in a UTF-8
/// locale: one query text for both databases. Anything but text passes through unchanged.
fn unicode_lower(c: &rusqlite::Connection) -> rusqlite::Result<()> {
    use rusqlite::functions::FunctionFlags;
    use rusqlite::types::{Value as Sql, ValueRef};
    c.create_scalar_function(
        "lower",
        1,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| {
            Ok(match ctx.get_raw(0) {
                ValueRef::Text(t) => Sql::Text(String::from_utf8_lossy(t).to_lowercase()),
                ValueRef::Null => Sql::Null,
                ValueRef::Integer(i) => Sql::Integer(i),
                ValueRef::Real(f) => Sql::Real(f),
                ValueRef::Blob(b) => Sql::Blob(b.to_vec()),
            })
        },
    )
}

/// An open transaction. Dropped without `commit` it rolls back, so an error anywhere in a use
/// case leaves nothing half-written.
pub enum Tx<'a> {
    Sqlite(rusqlite::Transaction<'a>),
    SqliteSavepoint(rusqlite::Savepoint<'a>),
    Postgres(postgres::Transaction<'a>, &'a mut Statements),
    /// A savepoint inside a pinned connection's open transaction ([`Db::pinned`]).
    PostgresPinned(&'a mut postgres::Client, &'a mut Statements),
}

/// A pinned PostgreSQL connection. Abandoned (dropped before `finish`), its open
/// transaction is rolled back before the connection returns to the pool.
pub struct PinnedPg(PooledConnection<PgManager>, bool);

impl Drop for PinnedPg {
    fn drop(&mut self) {
        if self.1 {
            let _ = self.0.client.batch_execute("ROLLBACK");
        }
    }
}

/// The batch's connection. If the batch is abandoned (an error), its open transaction is
/// rolled back before the connection returns to the pool.
pub struct BatchConn(PooledConnection<SqliteConnectionManager>);

impl Drop for BatchConn {
    fn drop(&mut self) {
        if !self.0.is_autocommit() {
            let _ = self.0.execute_batch("ROLLBACK");
        }
    }
}

// A checked-out connection lives on the stack for one transaction; boxing it would allocate
// on every checkout to save a few hundred bytes.
#[allow(clippy::large_enum_variant)]
pub enum Conn {
    Sqlite(PooledConnection<SqliteConnectionManager>),
    Postgres(PooledConnection<PgManager>),
}

impl rusqlite::ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Value::Null => ToSqlOutput::Owned(rusqlite::types::Value::Null),
            Value::Int(i) => ToSqlOutput::Owned(rusqlite::types::Value::Integer(*i)),
            Value::Text(s) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
        })
    }
}

impl postgres::types::ToSql for Value {
    fn to_sql(
        &self,
        ty: &postgres::types::Type,
        out: &mut postgres::types::private::BytesMut,
    ) -> Result<postgres::types::IsNull, Box<dyn std::error::Error + Sync + Send>> {
        use postgres::types::Type;
        match self {
            Value::Null => Ok(postgres::types::IsNull::Yes),
            Value::Int(i) => match *ty {
                Type::INT2 => i16::try_from(*i)?.to_sql(ty, out),
                Type::INT4 => i32::try_from(*i)?.to_sql(ty, out),
                _ => i.to_sql(ty, out),
            },
            Value::Text(s) => s.as_str().to_sql(ty, out),
        }
    }
    fn accepts(_ty: &postgres::types::Type) -> bool {
        true
    }
    postgres::types::to_sql_checked!();
}

/// `?` placeholders become `$1…$n` for PostgreSQL. Baton's SQL never has `?` inside literals.
pub fn pg_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 16);
    let mut n = 0;
    for ch in sql.chars() {
        if ch == '?' {
            n += 1;
            out.push('$');
            out.push_str(&n.to_string());
        } else {
            out.push(ch);
        }
    }
    out
}

fn pg_row(row: &postgres::Row) -> Result<Row, StoreError> {
    use postgres::types::Type;
    let mut vals = Vec::with_capacity(row.len());
    for (i, col) in row.columns().iter().enumerate() {
        let v = match *col.type_() {
            Type::INT8 => row
                .try_get::<_, Option<i64>>(i)?
                .map_or(Value::Null, Value::Int),
            Type::INT4 => row
                .try_get::<_, Option<i32>>(i)?
                .map_or(Value::Null, |x| Value::Int(i64::from(x))),
            Type::INT2 => row
                .try_get::<_, Option<i16>>(i)?
                .map_or(Value::Null, |x| Value::Int(i64::from(x))),
            _ => row
                .try_get::<_, Option<String>>(i)?
                .map_or(Value::Null, Value::Text),
        };
        vals.push(v);
    }
    Ok(Row(vals))
}

fn sqlite_row(row: &rusqlite::Row, n: usize) -> rusqlite::Result<Row> {
    let mut vals = Vec::with_capacity(n);
    for i in 0..n {
        vals.push(match row.get_ref(i)? {
            ValueRef::Null => Value::Null,
            ValueRef::Integer(x) => Value::Int(x),
            ValueRef::Real(f) => Value::Int(f as i64),
            ValueRef::Text(t) | ValueRef::Blob(t) => {
                Value::Text(String::from_utf8_lossy(t).into_owned())
            }
        });
    }
    Ok(Row(vals))
}

impl Db {
    fn new(backend: Backend) -> Db {
        Db {
            backend,
            writes: Arc::default(),
            path: None,
        }
    }

    /// The number of commits made through this handle (and its clones) so far, plus the
    /// commits of other processes once [`Db::follow_other_writers`] runs.
    pub fn writes(&self) -> u64 {
        self.writes.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Counts one commit; returns its number.
    fn committed(&self) -> u64 {
        self.writes
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst)
            + 1
    }

    /// Opens `sqlite://path` (created on first start, WAL mode), `sqlite::memory:` is refused
    /// (each pooled connection would see its own empty database), or `postgres://…`.
    pub fn open(url: &str) -> Result<Db, StoreError> {
        if let Some(path) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        {
            let path = path.split('?').next().unwrap_or(path);
            if path.is_empty() || path.contains(":memory:") {
                return Err(StoreError::Url(format!(
                    "«{url}»: give SQLite a file path, e.g. sqlite://data/baton.db"
                )));
            }
            if let Some(dir) = std::path::Path::new(path).parent()
                && !dir.as_os_str().is_empty()
            {
                std::fs::create_dir_all(dir).map_err(|e| {
                    StoreError::Url(format!("cannot create {}: {e}", dir.display()))
                })?;
            }
            let mgr = SqliteConnectionManager::file(path).with_init(|c| {
                // Every query text is fixed, so a larger statement cache means no re-parsing;
                // a larger auto-checkpoint interval means fewer checkpoints on bulk paths. The
                // busy timeout comes first: a new connection opened while an import holds the
                // write lock waits instead of failing its journal_mode statement.
                c.set_prepared_statement_cache_capacity(512);
                unicode_lower(c)?;
                c.execute_batch(
                    "PRAGMA busy_timeout=10000; PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL; PRAGMA wal_autocheckpoint=4000; PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;",
                )
            });
            let pool = Pool::builder().max_size(4).build(mgr)?;
            let mut db = Db::new(Backend::Sqlite(pool));
            db.path = Some(Arc::new(std::path::PathBuf::from(path)));
            Ok(db)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let cfg: postgres::Config = url
                .parse()
                .map_err(|e| StoreError::Url(format!("«{url}»: {e}")))?;
            let mgr = PgManager(PostgresConnectionManager::new(cfg, postgres::NoTls));
            let pool = Pool::builder()
                .max_size(8)
                .connection_timeout(std::time::Duration::from_secs(10))
                .build(mgr)?;
            Ok(Db::new(Backend::Postgres(pool)))
        } else {
            Err(StoreError::Url(format!(
                "«{url}» is not a database URL: use sqlite://path/to/file.db or postgres://user@host/db"
            )))
        }
    }

    pub fn dialect(&self) -> Dialect {
        match &self.backend {
            Backend::Sqlite(_) | Backend::SqliteBatch(_) => Dialect::Sqlite,
            Backend::Postgres(_) | Backend::PgPinned(_) => Dialect::Postgres,
        }
    }

    /// The connection pool now: (connections open, of them idle), for the metrics.
    pub fn pool_state(&self) -> (u32, u32) {
        let st = match &self.backend {
            Backend::Sqlite(p) => p.state(),
            Backend::Postgres(p) => p.state(),
            Backend::SqliteBatch(_) | Backend::PgPinned(_) => return (1, 0),
        };
        (st.connections, st.idle_connections)
    }

    pub fn conn(&self) -> Result<Conn, StoreError> {
        Ok(match &self.backend {
            Backend::Sqlite(p) => Conn::Sqlite(p.get()?),
            Backend::Postgres(p) => Conn::Postgres(p.get()?),
            Backend::SqliteBatch(_) | Backend::PgPinned(_) => {
                return Err(StoreError::Url("a batch has no free connection".into()));
            }
        })
    }

    /// A handle whose transactions all happen inside one long SQLite transaction, committed
    /// by `flush`. On PostgreSQL it is the same handle (COPY and the server's group commit
    /// make batching unnecessary there).
    pub fn batch(&self) -> Result<Db, StoreError> {
        match &self.backend {
            Backend::Sqlite(p) => {
                let c = p.get()?;
                // A generator writes a large file with random access to its indexes: a 1 GiB
                // page cache keeps the hot B-tree pages in memory (the default 64 MiB thrashed
                // at 1 000 people). The pool's other connections keep the default.
                c.execute_batch("PRAGMA cache_size=-1048576; BEGIN IMMEDIATE")?;
                Ok(Db {
                    backend: Backend::SqliteBatch(Arc::new(Mutex::new(BatchConn(c)))),
                    writes: self.writes.clone(),
                    path: self.path.clone(),
                })
            }
            _ => Ok(self.clone()),
        }
    }

    /// A handle whose every transaction is a savepoint inside one transaction, on SQLite and
    /// PostgreSQL alike: `finish` commits it all, dropping the last clone rolls it all back.
    /// An import runs its use cases through it, so it writes everything or nothing, and a
    /// dry run is the same import dropped.
    pub fn pinned(&self) -> Result<Db, StoreError> {
        match &self.backend {
            Backend::Postgres(p) => {
                let mut c = p.get()?;
                c.client.batch_execute("BEGIN")?;
                Ok(Db {
                    backend: Backend::PgPinned(Arc::new(Mutex::new(PinnedPg(c, true)))),
                    writes: self.writes.clone(),
                    path: self.path.clone(),
                })
            }
            _ => self.batch(),
        }
    }

    /// A transaction for bulk loading (import). On SQLite, foreign keys are checked once for
    /// the whole load (`PRAGMA foreign_key_check` before COMMIT) instead of row by row; any
    /// violation rolls everything back. On PostgreSQL it is an ordinary transaction.
    pub fn bulk<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&mut Tx<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        let Backend::Sqlite(pool) = &self.backend else {
            return self.tx(f);
        };
        let conn = pool.get().map_err(StoreError::from)?;
        conn.execute_batch("PRAGMA foreign_keys=OFF")
            .map_err(StoreError::from)?;
        let mut conn = conn;
        let result = (|| {
            let mut tx = Tx::Sqlite(
                conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
                    .map_err(StoreError::from)?,
            );
            let out = f(&mut tx)?;
            crate::chain::link_pending(&mut tx)?;
            let broken = tx.query("PRAGMA foreign_key_check", &[])?;
            if let Some(row) = broken.first() {
                return Err(StoreError::Decode(format!(
                    "{} row {} refers to a missing {} row; nothing was written",
                    row.text(0),
                    row.text(1),
                    row.text(2)
                ))
                .into());
            }
            tx.commit()?;
            self.committed();
            Ok(out)
        })();
        let _ = conn.execute_batch("PRAGMA foreign_keys=ON");
        result
    }

    /// Commits the batch; the handle is then an ordinary one for the rest of its life.
    pub fn finish(&self) -> Result<(), StoreError> {
        if let Backend::PgPinned(m) = &self.backend {
            self.pinned_commit(m, false)?;
        }
        if let Backend::SqliteBatch(m) = &self.backend {
            let c = m
                .lock()
                .map_err(|_| StoreError::Url("batch connection poisoned".into()))?;
            if !c.0.is_autocommit() {
                c.0.execute_batch("COMMIT")?;
            }
        }
        Ok(())
    }

    /// Commits a batch so far and starts the next one.
    pub fn flush(&self) -> Result<(), StoreError> {
        if let Backend::PgPinned(m) = &self.backend {
            return self.pinned_commit(m, true);
        }
        if let Backend::SqliteBatch(m) = &self.backend {
            let c = m
                .lock()
                .map_err(|_| StoreError::Url("batch connection poisoned".into()))?;
            c.0.execute_batch("COMMIT; BEGIN IMMEDIATE")?;
        }
        Ok(())
    }

    /// Commits a pinned transaction (and, with `again`, opens the next one). Just before the
    /// commit the audit events it wrote are linked into the chain, and other servers are told
    /// of the change.
    fn pinned_commit(&self, m: &Mutex<PinnedPg>, again: bool) -> Result<(), StoreError> {
        let mut c = m
            .lock()
            .map_err(|_| StoreError::Url("batch connection poisoned".into()))?;
        if !c.1 {
            return Ok(());
        }
        {
            let PgConn { client, statements } = &mut *c.0;
            let mut tx = Tx::PostgresPinned(&mut *client, &mut *statements);
            crate::chain::link_pending(&mut tx)?;
            crate::follow::announce(&mut tx)?;
        }
        c.0.client
            .batch_execute(if again { "COMMIT; BEGIN" } else { "COMMIT" })?;
        c.1 = again;
        self.committed();
        Ok(())
    }

    /// [`Db::batch_tx`] on a pinned PostgreSQL connection: a savepoint, released when `f`
    /// succeeds and rolled back to when it fails (PostgreSQL refuses every later statement
    /// of a transaction with a failed one in it, so the rollback is not optional).
    fn pinned_tx<T, E: From<StoreError>>(
        m: &Mutex<PinnedPg>,
        write: bool,
        f: impl FnOnce(&mut Tx<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        let mut g = m
            .try_lock()
            .map_err(|_| StoreError::Url("nested transaction on a batch".into()))?;
        if !g.1 {
            return Err(StoreError::Url("the pinned transaction is finished".into()).into());
        }
        let PgConn { client, statements } = &mut *g.0;
        // A read needs no savepoint (a failed read fails the whole import).
        if !write {
            let mut tx = Tx::PostgresPinned(&mut *client, &mut *statements);
            return f(&mut tx);
        }
        client
            .batch_execute("SAVEPOINT baton_pinned")
            .map_err(StoreError::from)?;
        // The audit chain is linked once, by `finish`: linking here would update the chain's
        // head row once per use case, and inside one PostgreSQL transaction every update is a
        // new version of that row which each later read walks (the import slowed
        // quadratically: 5 000 deals took 296 s).
        let out = {
            let mut tx = Tx::PostgresPinned(&mut *client, &mut *statements);
            match f(&mut tx) {
                Ok(out) => tx.commit().map(|()| out).map_err(E::from),
                Err(e) => Err(e),
            }
        };
        if out.is_err() {
            client
                .batch_execute("ROLLBACK TO SAVEPOINT baton_pinned; RELEASE SAVEPOINT baton_pinned")
                .map_err(StoreError::from)?;
        }
        out
    }

    fn batch_tx<T, E: From<StoreError>>(
        m: &Mutex<BatchConn>,
        write: bool,
        f: impl FnOnce(&mut Tx<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        // try_lock: a nested transaction would deadlock; fail loudly instead.
        let mut c = m
            .try_lock()
            .map_err(|_| StoreError::Url("nested transaction on a batch".into()))?;
        let mut tx = Tx::SqliteSavepoint(c.0.savepoint().map_err(StoreError::from)?);
        let out = f(&mut tx)?;
        if write {
            crate::chain::link_pending(&mut tx)?;
        }
        tx.commit()?;
        Ok(out)
    }

    /// Runs `f` in one transaction; commits when it returns Ok, rolls back otherwise. The
    /// audit events it wrote are linked into the audit chain just before the commit.
    pub fn tx<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&mut Tx<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        self.tx_numbered(f).map(|(out, _)| out)
    }

    /// [`Db::tx`], also returning the commit's number (see [`Db::writes`]).
    pub fn tx_numbered<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&mut Tx<'_>) -> Result<T, E>,
    ) -> Result<(T, u64), E> {
        let out = if let Backend::SqliteBatch(m) = &self.backend {
            Self::batch_tx(m, true, f)?
        } else if let Backend::PgPinned(m) = &self.backend {
            Self::pinned_tx(m, true, f)?
        } else {
            let mut conn = self.conn()?;
            let mut tx = conn.begin()?;
            let out = f(&mut tx)?;
            crate::chain::link_pending(&mut tx)?;
            crate::follow::announce(&mut tx)?;
            tx.commit()?;
            out
        };
        Ok((out, self.committed()))
    }

    /// Runs `f` in a write transaction that is always rolled back: a preview of a change,
    /// computed by the very code that makes it. Nothing it writes is kept or linked.
    pub fn rehearse<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&mut Tx<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        if let Backend::SqliteBatch(m) = &self.backend {
            let mut c = m
                .try_lock()
                .map_err(|_| StoreError::Url("nested transaction on a batch".into()))?;
            let mut tx = Tx::SqliteSavepoint(c.0.savepoint().map_err(StoreError::from)?);
            // A savepoint dropped without commit rolls back.
            return f(&mut tx);
        }
        if let Backend::PgPinned(m) = &self.backend {
            // Fails on purpose after `f`, so the savepoint is rolled back to.
            let mut kept = None;
            let r: Result<(), E> = Self::pinned_tx(m, true, |tx| {
                kept = Some(f(tx));
                Err(StoreError::Url("rehearsal".into()).into())
            });
            return match (kept, r) {
                (Some(out), _) => out,
                (None, Err(e)) => Err(e),
                (None, Ok(())) => Err(StoreError::Url("rehearsal".into()).into()),
            };
        }
        let mut conn = self.conn()?;
        let mut tx = conn.begin()?;
        // A transaction dropped without commit rolls back (rusqlite and postgres alike).
        f(&mut tx)
    }

    /// Runs `f` in a read transaction: on SQLite a deferred one, which takes no write lock,
    /// so reads never queue behind writers. Anything `f` writes is rolled back.
    pub fn read<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&mut Tx<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        self.read_as(false, f)
    }

    /// [`Db::read`] where every statement sees one snapshot of the database, also on
    /// PostgreSQL (REPEATABLE READ): for reads that must agree with each other across many
    /// statements, such as walking the audit chain in chunks. SQLite's read transaction is
    /// one snapshot already.
    pub fn snapshot<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&mut Tx<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        self.read_as(true, f)
    }

    fn read_as<T, E: From<StoreError>>(
        &self,
        snapshot: bool,
        f: impl FnOnce(&mut Tx<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        if let Backend::SqliteBatch(m) = &self.backend {
            return Self::batch_tx(m, false, f);
        }
        if let Backend::PgPinned(m) = &self.backend {
            return Self::pinned_tx(m, false, f);
        }
        let mut conn = self.conn()?;
        let mut tx = match &mut conn {
            Conn::Sqlite(c) => Tx::Sqlite(
                c.transaction_with_behavior(rusqlite::TransactionBehavior::Deferred)
                    .map_err(StoreError::from)?,
            ),
            Conn::Postgres(c) => {
                let PgConn { client, statements } = &mut **c;
                let mut b = client.build_transaction().read_only(true);
                if snapshot {
                    b = b.isolation_level(postgres::IsolationLevel::RepeatableRead);
                }
                Tx::Postgres(b.start().map_err(StoreError::from)?, statements)
            }
        };
        let out = f(&mut tx)?;
        drop(tx);
        Ok(out)
    }

    pub fn execute_batch(&self, sql: &str) -> Result<(), StoreError> {
        if let Backend::PgPinned(m) = &self.backend {
            let mut c = m
                .lock()
                .map_err(|_| StoreError::Url("batch connection poisoned".into()))?;
            c.0.client.batch_execute(sql)?;
            self.committed();
            return Ok(());
        }
        if let Backend::SqliteBatch(m) = &self.backend {
            let c = m
                .lock()
                .map_err(|_| StoreError::Url("batch connection poisoned".into()))?;
            c.0.execute_batch(sql)?;
            self.committed();
            return Ok(());
        }
        match self.conn()? {
            Conn::Sqlite(c) => c.execute_batch(sql)?,
            Conn::Postgres(mut c) => c.batch_execute(sql)?,
        }
        self.committed();
        Ok(())
    }
}

impl Conn {
    pub fn begin(&mut self) -> Result<Tx<'_>, StoreError> {
        Ok(match self {
            // IMMEDIATE takes the write lock at BEGIN: two writers queue instead of failing
            // with SQLITE_BUSY when a reader upgrades.
            Conn::Sqlite(c) => {
                Tx::Sqlite(c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?)
            }
            Conn::Postgres(c) => {
                let PgConn { client, statements } = &mut **c;
                Tx::Postgres(client.transaction()?, statements)
            }
        })
    }
}

/// The statement for `sql` (with `?` placeholders) on this connection, prepared once.
fn prepared(
    t: &mut impl postgres::GenericClient,
    cache: &mut Statements,
    sql: &str,
) -> Result<postgres::Statement, StoreError> {
    let text = pg_placeholders(sql);
    if let Some(st) = cache.get(&text) {
        return Ok(st.clone());
    }
    let st = t.prepare(&text)?;
    if cache.len() >= MAX_STATEMENTS {
        cache.clear();
    }
    cache.insert(text, st.clone());
    Ok(st)
}

impl Tx<'_> {
    fn sqlite(&self) -> Option<&rusqlite::Connection> {
        match self {
            Tx::Sqlite(t) => Some(t),
            Tx::SqliteSavepoint(t) => Some(t),
            Tx::Postgres(..) | Tx::PostgresPinned(..) => None,
        }
    }

    pub fn dialect(&self) -> Dialect {
        match self {
            Tx::Sqlite(_) | Tx::SqliteSavepoint(_) => Dialect::Sqlite,
            Tx::Postgres(..) | Tx::PostgresPinned(..) => Dialect::Postgres,
        }
    }

    pub fn commit(self) -> Result<(), StoreError> {
        match self {
            Tx::Sqlite(t) => t.commit()?,
            Tx::SqliteSavepoint(t) => t.commit()?,
            Tx::Postgres(t, _) => t.commit()?,
            Tx::PostgresPinned(c, _) => c.batch_execute("RELEASE SAVEPOINT baton_pinned")?,
        }
        Ok(())
    }

    pub fn exec(&mut self, sql: &str, params: &[Value]) -> Result<u64, StoreError> {
        if let Some(t) = self.sqlite() {
            let mut st = t.prepare_cached(sql)?;
            return Ok(st.execute(rusqlite::params_from_iter(params.iter()))? as u64);
        }
        let p: Vec<&(dyn postgres::types::ToSql + Sync)> = params
            .iter()
            .map(|v| v as &(dyn postgres::types::ToSql + Sync))
            .collect();
        Ok(match self {
            Tx::Postgres(t, cache) => {
                let st = prepared(t, cache, sql)?;
                t.execute(&st, &p)?
            }
            Tx::PostgresPinned(c, cache) => {
                let st = prepared(*c, cache, sql)?;
                c.execute(&st, &p)?
            }
            _ => return Err(StoreError::Url("no connection".into())),
        })
    }

    pub fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, StoreError> {
        if let Some(t) = self.sqlite() {
            let mut st = t.prepare_cached(sql)?;
            let n = st.column_count();
            let rows = st.query_map(rusqlite::params_from_iter(params.iter()), |r| {
                sqlite_row(r, n)
            })?;
            return Ok(rows.collect::<Result<Vec<_>, _>>()?);
        }
        let p: Vec<&(dyn postgres::types::ToSql + Sync)> = params
            .iter()
            .map(|v| v as &(dyn postgres::types::ToSql + Sync))
            .collect();
        let rows = match self {
            Tx::Postgres(t, cache) => {
                let st = prepared(t, cache, sql)?;
                t.query(&st, &p)?
            }
            Tx::PostgresPinned(c, cache) => {
                let st = prepared(*c, cache, sql)?;
                c.query(&st, &p)?
            }
            _ => return Err(StoreError::Url("no connection".into())),
        };
        rows.iter().map(pg_row).collect()
    }

    pub fn query_one(&mut self, sql: &str, params: &[Value]) -> Result<Option<Row>, StoreError> {
        Ok(self.query(sql, params)?.into_iter().next())
    }

    fn sqlite_each(&mut self, sql: &str, rows: &[Vec<Value>]) -> Result<Option<u64>, StoreError> {
        let Some(t) = self.sqlite() else {
            return Ok(None);
        };
        let mut st = t.prepare_cached(sql)?;
        for r in rows {
            st.execute(rusqlite::params_from_iter(r.iter()))?;
        }
        Ok(Some(rows.len() as u64))
    }

    /// Loads rows into a table as fast as the database allows. Into an empty table the
    /// secondary indexes are dropped, the rows inserted (COPY on PostgreSQL), and the indexes
    /// built once at the end (a sorted build instead of one B-tree insert per row and index);
    /// into a table with rows it upserts by id.
    pub fn load(
        &mut self,
        table: &str,
        columns: &[&str],
        rows: &[Vec<Value>],
    ) -> Result<u64, StoreError> {
        if rows.len() < 1000 {
            return self.upsert_many(table, columns, rows);
        }
        let empty = self
            .query_one(&format!("SELECT 1 FROM {table} LIMIT 1"), &[])?
            .is_none();
        if !empty {
            return self.upsert_many(table, columns, rows);
        }
        // Secondary indexes only: those that back a primary key or unique constraint stay.
        let sql = if self.sqlite().is_some() {
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL"
        } else {
            "SELECT CAST(i.relname AS TEXT), pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid \
             JOIN pg_class t ON t.oid = x.indrelid WHERE t.relname = ? AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid)"
        };
        let indexes: Vec<(String, String)> = self
            .query(sql, &[table.into()])?
            .iter()
            .map(|r| (r.text(0), r.text(1)))
            .collect();
        for (name, _) in &indexes {
            self.exec(&format!("DROP INDEX {name}"), &[])?;
        }
        // An empty table takes plain inserts (COPY on PostgreSQL), no conflict handling.
        let n = self.insert_many(table, columns, rows)?;
        for (_, sql) in &indexes {
            self.exec(sql, &[])?;
        }
        Ok(n)
    }

    /// Inserts or replaces many rows by id: a cached prepared upsert on SQLite; COPY into a
    /// temporary table and one `INSERT … ON CONFLICT` on PostgreSQL.
    pub fn upsert_many(
        &mut self,
        table: &str,
        columns: &[&str],
        rows: &[Vec<Value>],
    ) -> Result<u64, StoreError> {
        if rows.is_empty() {
            return Ok(0);
        }
        let sets: Vec<String> = columns[1..]
            .iter()
            .map(|c| format!("{c} = excluded.{c}"))
            .collect();
        let on_conflict = if sets.is_empty() {
            "DO NOTHING".to_string()
        } else {
            format!("DO UPDATE SET {}", sets.join(", "))
        };
        let marks = vec!["?"; columns.len()].join(",");
        let sql = format!(
            "INSERT INTO {table} ({}) VALUES ({marks}) ON CONFLICT (id) {on_conflict}",
            columns.join(",")
        );
        if let Some(n) = self.sqlite_each(&sql, rows)? {
            return Ok(n);
        }
        let tmp = format!("baton_import_{table}");
        self.exec(
            &format!("CREATE TEMP TABLE {tmp} (LIKE {table} INCLUDING DEFAULTS) ON COMMIT DROP"),
            &[],
        )?;
        self.insert_many(&tmp, columns, rows)?;
        let cols = columns.join(",");
        let n = self.exec(&format!("INSERT INTO {table} ({cols}) SELECT {cols} FROM {tmp} ON CONFLICT (id) {on_conflict}"), &[])?;
        self.exec(&format!("DROP TABLE {tmp}"), &[])?;
        Ok(n)
    }

    /// Inserts many rows fast: a cached prepared statement on SQLite, COPY on PostgreSQL.
    pub fn insert_many(
        &mut self,
        table: &str,
        columns: &[&str],
        rows: &[Vec<Value>],
    ) -> Result<u64, StoreError> {
        let marks = vec!["?"; columns.len()].join(",");
        let sql = format!(
            "INSERT INTO {table} ({}) VALUES ({marks})",
            columns.join(",")
        );
        if let Some(n) = self.sqlite_each(&sql, rows)? {
            return Ok(n);
        }
        use std::io::Write;
        let sql = format!("COPY {table} ({}) FROM STDIN", columns.join(","));
        let mut w = match self {
            Tx::Postgres(t, _) => t.copy_in(sql.as_str())?,
            Tx::PostgresPinned(c, _) => c.copy_in(sql.as_str())?,
            _ => return Err(StoreError::Url("no connection".into())),
        };
        let mut buf = String::new();
        for r in rows {
            buf.clear();
            for (i, v) in r.iter().enumerate() {
                if i > 0 {
                    buf.push('\t');
                }
                match v {
                    Value::Null => buf.push_str("\\N"),
                    Value::Int(x) => buf.push_str(&x.to_string()),
                    Value::Text(s) => {
                        for ch in s.chars() {
                            match ch {
                                '\\' => buf.push_str("\\\\"),
                                '\t' => buf.push_str("\\t"),
                                '\n' => buf.push_str("\\n"),
                                '\r' => buf.push_str("\\r"),
                                c => buf.push(c),
                            }
                        }
                    }
                }
            }
            buf.push('\n');
            w.write_all(buf.as_bytes())
                .map_err(|e| StoreError::Decode(format!("COPY into {table}: {e}")))?;
        }
        Ok(w.finish()?)
    }
}
