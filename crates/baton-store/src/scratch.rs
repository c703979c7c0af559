//! Throw-away databases for tests and benchmarks: a temporary SQLite file, or a fresh
//! PostgreSQL database on the server named by `BATON_TEST_PG_URL`. Both are removed on drop,
//! because the PostgreSQL server outlives every test run.

use crate::{Db, StoreError, migrate};
use std::sync::atomic::{AtomicU64, Ordering};

static SEQ: AtomicU64 = AtomicU64::new(0);

pub struct ScratchDb {
    pub db: Db,
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    File(std::path::PathBuf),
    Postgres { admin_url: String, name: String },
}

fn unique(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "{prefix}_{}_{}_{nanos}",
        std::process::id(),
        SEQ.fetch_add(1, Ordering::Relaxed)
    )
}

impl ScratchDb {
    pub fn sqlite() -> Result<ScratchDb, StoreError> {
        let path = std::env::temp_dir().join(format!("{}.db", unique("baton_test")));
        let url = format!("sqlite://{}", path.display());
        let db = Db::open(&url)?;
        migrate(&db)?;
        Ok(ScratchDb {
            db,
            url,
            cleanup: Cleanup::File(path),
        })
    }

    /// `None` when `BATON_TEST_PG_URL` is not set.
    pub fn postgres() -> Option<Result<ScratchDb, StoreError>> {
        let admin_url = std::env::var("BATON_TEST_PG_URL")
            .ok()
            .filter(|s| !s.is_empty())?;
        Some(Self::postgres_at(&admin_url))
    }

    pub fn postgres_at(admin_url: &str) -> Result<ScratchDb, StoreError> {
        let name = unique("baton_test");
        let mut admin = postgres::Client::connect(admin_url, postgres::NoTls)?;
        admin.batch_execute(&format!("CREATE DATABASE {name}"))?;
        let url = with_dbname(admin_url, &name);
        let db = Db::open(&url)?;
        migrate(&db)?;
        Ok(ScratchDb {
            db,
            url,
            cleanup: Cleanup::Postgres {
                admin_url: admin_url.to_string(),
                name,
            },
        })
    }

    /// The databases a conformance test must pass on: SQLite always, PostgreSQL when configured.
    /// With `BATON_REQUIRE_PG=1` (CI) a missing PostgreSQL is an error, not a skip.
    pub fn all() -> Vec<ScratchDb> {
        let mut v = vec![Self::sqlite().expect("temporary SQLite database")];
        match Self::postgres() {
            Some(pg) => v.push(pg.expect("PostgreSQL from BATON_TEST_PG_URL")),
            None => {
                assert!(
                    std::env::var("BATON_REQUIRE_PG").ok().as_deref() != Some("1"),
                    "BATON_REQUIRE_PG=1 but BATON_TEST_PG_URL is not set"
                );
                eprintln!(
                    "skipping PostgreSQL: set BATON_TEST_PG_URL=postgres://postgres@127.0.0.1:5432/test to run it"
                );
            }
        }
        v
    }
}

fn with_dbname(url: &str, name: &str) -> String {
    // postgres://user@host:port/db?params → replace the path segment.
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let path_start = base[scheme_end..].find('/').map(|i| i + scheme_end);
    let host_part = match path_start {
        Some(p) => &base[..p],
        None => base,
    };
    format!("{host_part}/{name}{query}")
}

impl Drop for ScratchDb {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::File(p) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", p.display()));
                }
            }
            Cleanup::Postgres { admin_url, name } => {
                // FORCE ends our own pool's idle connections too.
                if let Ok(mut admin) = postgres::Client::connect(admin_url, postgres::NoTls) {
                    let _ = admin
                        .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
                }
            }
        }
    }
}
