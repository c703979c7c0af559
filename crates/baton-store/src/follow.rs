//! Several processes on one database (issue 19): every cache of derived data remembers
//! [`Db::writes`] when it was filled, so a process learns of another's commits by having that
//! count move.
//!
//! - **PostgreSQL:** each write transaction sends `NOTIFY baton_writes` with this process's
//!   token; the notification is delivered at commit, so a reader never hears of a write before
//!   it can see it. A listener thread counts the notifications of other processes.
//! - **SQLite:** a connection of the listener's own polls `PRAGMA data_version` (which moves
//!   when any other connection commits) every 200 ms. A move in a poll interval with no commit
//!   through this process is another writer's (a CLI import next to the server). When this
//!   process committed in the same interval the move is taken as its own: counting it would
//!   reload every cache after every local write. A foreign commit in that same 200 ms is then
//!   seen with the next change, or within the caches' 30-second age.

use crate::StoreError;
use crate::db::{Backend, Db, Tx};
use std::sync::OnceLock;
use std::sync::atomic::Ordering;
use std::time::Duration;

const CHANNEL: &str = "baton_writes";

/// This process's name in the notifications (its own are not counted twice).
fn token() -> &'static str {
    static TOKEN: OnceLock<String> = OnceLock::new();
    TOKEN.get_or_init(|| {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        format!("{}-{nanos}", std::process::id())
    })
}

/// Tells the other processes, at commit, that this transaction wrote (PostgreSQL).
pub(crate) fn announce(tx: &mut Tx<'_>) -> Result<(), StoreError> {
    if tx.dialect() == crate::Dialect::Postgres {
        tx.exec(
            &format!("SELECT pg_notify('{CHANNEL}', ?)"),
            &[token().into()],
        )?;
    }
    Ok(())
}

impl Db {
    /// Starts the thread that counts other processes' commits into [`Db::writes`] (see the
    /// module's notes). A server calls it once; it runs for the life of the process.
    pub fn follow_other_writers(&self) {
        let db = self.clone();
        let spawned = std::thread::Builder::new()
            .name("baton-follow".into())
            .spawn(move || match &db.backend {
                Backend::Postgres(_) => loop {
                    // A broken connection is opened again; what it missed is one change.
                    if let Err(e) = db.listen() {
                        eprintln!("baton: listening for other servers' writes failed: {e}");
                    }
                    db.writes.fetch_add(1, Ordering::SeqCst);
                    std::thread::sleep(Duration::from_secs(1));
                },
                // As above: a failed poll (the file locked or moved for a moment) starts again,
                // and what it may have missed counts as one change.
                _ => loop {
                    if let Err(e) = db.poll_data_version() {
                        eprintln!("baton: watching the SQLite file for other writers failed: {e}");
                    }
                    if db.path.is_none() {
                        break;
                    }
                    db.writes.fetch_add(1, Ordering::SeqCst);
                    std::thread::sleep(Duration::from_secs(1));
                },
            });
        if let Err(e) = spawned {
            eprintln!("baton: cannot start the writers' listener: {e}");
        }
    }

    fn listen(&self) -> Result<(), StoreError> {
        let Backend::Postgres(pool) = &self.backend else {
            return Ok(());
        };
        let mut c = pool.get()?;
        c.batch_execute(&format!("LISTEN {CHANNEL}"))?;
        loop {
            let mut notes = c.notifications();
            let mut it = notes.timeout_iter(Duration::from_millis(500));
            while let Some(note) = postgres::fallible_iterator::FallibleIterator::next(&mut it)? {
                if note.payload() != token() {
                    self.writes.fetch_add(1, Ordering::SeqCst);
                }
            }
        }
    }

    fn poll_data_version(&self) -> Result<(), StoreError> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        let c = rusqlite::Connection::open(path.as_path())?;
        let version = |c: &rusqlite::Connection| {
            c.query_row("PRAGMA data_version", [], |r| r.get::<_, i64>(0))
        };
        let mut seen = version(&c)?;
        let mut local = self.writes();
        loop {
            std::thread::sleep(Duration::from_millis(200));
            let now = version(&c)?;
            if now != seen && self.writes() == local {
                self.writes.fetch_add(1, Ordering::SeqCst);
            }
            seen = now;
            local = self.writes();
        }
    }
}

/// Who of several servers on one database does a background duty (the alert watcher), so that
/// a change is evaluated once, not once per server. On PostgreSQL the leader holds a session
/// advisory lock on a connection of its own; when it stops, the connection closes, the lock
/// goes, and the next server to ask takes over. On SQLite every process leads (several
/// servers on one SQLite file is not a deployment Baton makes).
pub struct Leadership {
    db: Db,
    key: i64,
    held: Option<r2d2::PooledConnection<crate::db::PgManager>>,
}

impl Db {
    /// Leadership of the duty `key` (see [`Leadership`]).
    pub fn leadership(&self, key: i64) -> Leadership {
        Leadership {
            db: self.clone(),
            key,
            held: None,
        }
    }
}

impl Leadership {
    /// Whether this process leads now: it keeps the lock it holds (if its connection still
    /// answers) or tries to take it. Blocking: call it off the async threads.
    pub fn lead(&mut self) -> bool {
        let Backend::Postgres(pool) = &self.db.backend else {
            return true;
        };
        if let Some(c) = &mut self.held {
            if c.simple_query("SELECT 1").is_ok() {
                return true;
            }
            self.held = None;
        }
        let Ok(mut c) = pool.get() else {
            return false;
        };
        let took = c
            .query_one("SELECT pg_try_advisory_lock($1)", &[&self.key])
            .and_then(|r| r.try_get::<_, bool>(0))
            .unwrap_or(false);
        if took {
            self.held = Some(c);
        }
        took
    }
}

impl Drop for Leadership {
    /// Gives the lock back before the connection returns to the pool (a process that stops
    /// gives it back by closing the connection).
    fn drop(&mut self) {
        if let Some(c) = &mut self.held {
            let _ = c.execute("SELECT pg_advisory_unlock($1)", &[&self.key]);
        }
    }
}
