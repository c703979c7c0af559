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

type PgManager = PostgresConnectionManager<postgres::NoTls>;

#[derive(Clone)]
pub enum Db {
    Sqlite(Pool<SqliteConnectionManager>),
    Postgres(Pool<PgManager>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// An open transaction. Dropped without `commit` it rolls back, so an error anywhere in a use
/// case leaves nothing half-written.
pub enum Tx<'a> {
    Sqlite(rusqlite::Transaction<'a>),
    Postgres(postgres::Transaction<'a>),
}

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
                c.execute_batch(
                    "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=10000; PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL;",
                )
            });
            let pool = Pool::builder().max_size(4).build(mgr)?;
            Ok(Db::Sqlite(pool))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let cfg: postgres::Config = url
                .parse()
                .map_err(|e| StoreError::Url(format!("«{url}»: {e}")))?;
            let mgr = PostgresConnectionManager::new(cfg, postgres::NoTls);
            let pool = Pool::builder()
                .max_size(8)
                .connection_timeout(std::time::Duration::from_secs(10))
                .build(mgr)?;
            Ok(Db::Postgres(pool))
        } else {
            Err(StoreError::Url(format!(
                "«{url}» is not a database URL: use sqlite://path/to/file.db or postgres://user@host/db"
            )))
        }
    }

    pub fn dialect(&self) -> Dialect {
        match self {
            Db::Sqlite(_) => Dialect::Sqlite,
            Db::Postgres(_) => Dialect::Postgres,
        }
    }

    pub fn conn(&self) -> Result<Conn, StoreError> {
        Ok(match self {
            Db::Sqlite(p) => Conn::Sqlite(p.get()?),
            Db::Postgres(p) => Conn::Postgres(p.get()?),
        })
    }

    /// Runs `f` in one transaction; commits when it returns Ok, rolls back otherwise.
    pub fn tx<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&mut Tx<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        let mut conn = self.conn()?;
        let mut tx = conn.begin()?;
        let out = f(&mut tx)?;
        tx.commit()?;
        Ok(out)
    }

    pub fn execute_batch(&self, sql: &str) -> Result<(), StoreError> {
        match self.conn()? {
            Conn::Sqlite(c) => c.execute_batch(sql)?,
            Conn::Postgres(mut c) => c.batch_execute(sql)?,
        }
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
            Conn::Postgres(c) => Tx::Postgres(c.transaction()?),
        })
    }
}

impl Tx<'_> {
    pub fn dialect(&self) -> Dialect {
        match self {
            Tx::Sqlite(_) => Dialect::Sqlite,
            Tx::Postgres(_) => Dialect::Postgres,
        }
    }

    pub fn commit(self) -> Result<(), StoreError> {
        match self {
            Tx::Sqlite(t) => t.commit()?,
            Tx::Postgres(t) => t.commit()?,
        }
        Ok(())
    }

    pub fn exec(&mut self, sql: &str, params: &[Value]) -> Result<u64, StoreError> {
        match self {
            Tx::Sqlite(t) => {
                let mut st = t.prepare_cached(sql)?;
                Ok(st.execute(rusqlite::params_from_iter(params.iter()))? as u64)
            }
            Tx::Postgres(t) => {
                let p: Vec<&(dyn postgres::types::ToSql + Sync)> = params
                    .iter()
                    .map(|v| v as &(dyn postgres::types::ToSql + Sync))
                    .collect();
                Ok(t.execute(pg_placeholders(sql).as_str(), &p)?)
            }
        }
    }

    pub fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, StoreError> {
        match self {
            Tx::Sqlite(t) => {
                let mut st = t.prepare_cached(sql)?;
                let n = st.column_count();
                let rows = st.query_map(rusqlite::params_from_iter(params.iter()), |r| {
                    sqlite_row(r, n)
                })?;
                Ok(rows.collect::<Result<Vec<_>, _>>()?)
            }
            Tx::Postgres(t) => {
                let p: Vec<&(dyn postgres::types::ToSql + Sync)> = params
                    .iter()
                    .map(|v| v as &(dyn postgres::types::ToSql + Sync))
                    .collect();
                t.query(pg_placeholders(sql).as_str(), &p)?
                    .iter()
                    .map(pg_row)
                    .collect()
            }
        }
    }

    pub fn query_one(&mut self, sql: &str, params: &[Value]) -> Result<Option<Row>, StoreError> {
        Ok(self.query(sql, params)?.into_iter().next())
    }

    /// Inserts or replaces many rows by id: a cached prepared upsert on SQLite; COPY into a
    /// temporary table and one `INSERT … ON CONFLICT` on PostgreSQL.
    pub fn upsert_many(&mut self, table: &str, columns: &[&str], rows: &[Vec<Value>]) -> Result<u64, StoreError> {
        if rows.is_empty() {
            return Ok(0);
        }
        let sets: Vec<String> = columns[1..].iter().map(|c| format!("{c} = excluded.{c}")).collect();
        let on_conflict = if sets.is_empty() { "DO NOTHING".to_string() } else { format!("DO UPDATE SET {}", sets.join(", ")) };
        match self {
            Tx::Sqlite(t) => {
                let marks = vec!["?"; columns.len()].join(",");
                let sql = format!("INSERT INTO {table} ({}) VALUES ({marks}) ON CONFLICT (id) {on_conflict}", columns.join(","));
                let mut st = t.prepare_cached(&sql)?;
                for r in rows {
                    st.execute(rusqlite::params_from_iter(r.iter()))?;
                }
                Ok(rows.len() as u64)
            }
            Tx::Postgres(_) => {
                let tmp = format!("baton_import_{table}");
                self.exec(&format!("CREATE TEMP TABLE {tmp} (LIKE {table} INCLUDING DEFAULTS) ON COMMIT DROP"), &[])?;
                self.insert_many(&tmp, columns, rows)?;
                let cols = columns.join(",");
                let n = self.exec(&format!("INSERT INTO {table} ({cols}) SELECT {cols} FROM {tmp} ON CONFLICT (id) {on_conflict}"), &[])?;
                self.exec(&format!("DROP TABLE {tmp}"), &[])?;
                Ok(n)
            }
        }
    }

    /// Inserts many rows fast: a cached prepared statement on SQLite, COPY on PostgreSQL.
    pub fn insert_many(
        &mut self,
        table: &str,
        columns: &[&str],
        rows: &[Vec<Value>],
    ) -> Result<u64, StoreError> {
        match self {
            Tx::Sqlite(t) => {
                let marks = vec!["?"; columns.len()].join(",");
                let sql = format!(
                    "INSERT INTO {table} ({}) VALUES ({marks})",
                    columns.join(",")
                );
                let mut st = t.prepare_cached(&sql)?;
                for r in rows {
                    st.execute(rusqlite::params_from_iter(r.iter()))?;
                }
                Ok(rows.len() as u64)
            }
            Tx::Postgres(t) => {
                use std::io::Write;
                let sql = format!("COPY {table} ({}) FROM STDIN", columns.join(","));
                let mut w = t.copy_in(sql.as_str())?;
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
    }
}
