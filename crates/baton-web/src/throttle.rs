//! Login throttling (ASVS L2 2.2.1): after a few wrong passwords for a login, or from one client
//! address, the next attempt waits, twice as long after each further failure (1 s, 2 s, 4 s, …
//! up to 15 minutes), and is answered 429 with `Retry-After` until then. A success clears the
//! login's count.
//!
//! The counts live in this process's memory: `governor` and similar crates limit a steady rate,
//! not a delay that doubles per failure, and the counts need no durability (a restart forgets
//! them, which costs an attacker nothing he could not get by waiting). Several app servers behind
//! one address keep their own counts, so an attacker spread over N servers gets N times the
//! attempts; put a shared limit in the reverse proxy if that matters.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failures allowed before the delays start: a login (a person mistyping) and an address (an
/// office behind one NAT has many people).
const FREE_PER_LOGIN: u32 = 5;
const FREE_PER_ADDR: u32 = 20;
const MAX_DELAY: Duration = Duration::from_secs(15 * 60);
/// A count not added to for this long is forgotten.
const FORGET: Duration = Duration::from_secs(24 * 3600);
const MAX_ENTRIES: usize = 100_000;

#[derive(Clone, PartialEq, Eq, Hash)]
enum Key {
    Login(String),
    Addr(IpAddr),
}

struct Count {
    failures: u32,
    last: Instant,
}

#[derive(Default)]
pub struct Throttle {
    counts: Mutex<HashMap<Key, Count>>,
}

fn delay(failures: u32, free: u32) -> Duration {
    if failures < free {
        return Duration::ZERO;
    }
    let doublings = (failures - free).min(20);
    Duration::from_secs(1u64 << doublings).min(MAX_DELAY)
}

fn login_key(login: &str) -> Key {
    // Bounded, so junk logins cannot grow the memory per entry.
    Key::Login(login.trim().to_lowercase().chars().take(64).collect())
}

impl Throttle {
    fn keys(login: &str, addr: Option<IpAddr>) -> Vec<(Key, u32)> {
        let mut k = vec![(login_key(login), FREE_PER_LOGIN)];
        if let Some(a) = addr {
            k.push((Key::Addr(a), FREE_PER_ADDR));
        }
        k
    }

    /// `Err(wait)` when an attempt for this login or from this address must wait.
    pub fn check(&self, login: &str, addr: Option<IpAddr>) -> Result<(), Duration> {
        let Ok(counts) = self.counts.lock() else {
            return Ok(());
        };
        let now = Instant::now();
        let wait = Self::keys(login, addr)
            .into_iter()
            .filter_map(|(k, free)| {
                let c = counts.get(&k)?;
                let until = c.last + delay(c.failures, free);
                (until > now).then(|| until - now)
            })
            .max();
        match wait {
            Some(w) => Err(w),
            None => Ok(()),
        }
    }

    pub fn failed(&self, login: &str, addr: Option<IpAddr>) {
        let Ok(mut counts) = self.counts.lock() else {
            return;
        };
        let now = Instant::now();
        if counts.len() >= MAX_ENTRIES {
            counts.retain(|_, c| now.duration_since(c.last) < FORGET);
        }
        for (k, _) in Self::keys(login, addr) {
            let c = counts.entry(k).or_insert(Count {
                failures: 0,
                last: now,
            });
            if now.duration_since(c.last) >= FORGET {
                c.failures = 0;
            }
            c.failures = c.failures.saturating_add(1);
            c.last = now;
        }
    }

    pub fn succeeded(&self, login: &str) {
        if let Ok(mut counts) = self.counts.lock() {
            counts.remove(&login_key(login));
        }
    }
}

/// Whole seconds for `Retry-After`, at least 1.
pub fn retry_after(wait: Duration) -> String {
    (wait.as_secs() + u64::from(wait.subsec_nanos() > 0))
        .max(1)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_delay_doubles_after_the_free_failures() {
        assert_eq!(delay(4, 5), Duration::ZERO);
        assert_eq!(delay(5, 5), Duration::from_secs(1));
        assert_eq!(delay(6, 5), Duration::from_secs(2));
        assert_eq!(delay(9, 5), Duration::from_secs(16));
        assert_eq!(delay(60, 5), MAX_DELAY);
        assert_eq!(retry_after(Duration::from_millis(1500)), "2");
        assert_eq!(retry_after(Duration::ZERO), "1");
    }

    #[test]
    fn a_login_waits_after_five_failures_and_a_success_clears_it() {
        let t = Throttle::default();
        for _ in 0..4 {
            t.failed("Anna", None);
        }
        assert!(t.check("anna", None).is_ok());
        t.failed("anna ", None);
        assert!(t.check("ANNA", None).is_err());
        assert!(t.check("boris", None).is_ok());
        t.succeeded("anna");
        assert!(t.check("anna", None).is_ok());
    }
}
