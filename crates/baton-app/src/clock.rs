//! Time and identity are injected: tests run a month in milliseconds, and the demo generates a
//! year of history through the same use cases with a simulated clock and seeded ids.

use chrono::{DateTime, Duration, Utc};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::sync::Mutex;

pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

pub struct SystemClock;
impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that moves only when told to.
pub struct SimClock(Mutex<DateTime<Utc>>);

impl SimClock {
    pub fn new(start: DateTime<Utc>) -> Self {
        SimClock(Mutex::new(start))
    }
    pub fn set(&self, t: DateTime<Utc>) {
        if let Ok(mut g) = self.0.lock() {
            *g = t;
        }
    }
    pub fn advance(&self, d: Duration) {
        if let Ok(mut g) = self.0.lock() {
            *g += d;
        }
    }
}

impl Clock for SimClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
            .lock()
            .map(|g| *g)
            .unwrap_or_else(|p| *p.into_inner())
    }
}

/// Makes ids (UUID v7: time-ordered) and random bytes (salts, tokens).
pub trait Ids: Send + Sync {
    fn id(&self, now: DateTime<Utc>) -> String;
    fn bytes(&self, out: &mut [u8]);
}

pub struct RandomIds;
impl Ids for RandomIds {
    fn id(&self, now: DateTime<Utc>) -> String {
        let mut r = [0u8; 10];
        rand::rng().fill_bytes(&mut r);
        uuid::Builder::from_unix_timestamp_millis(now.timestamp_millis() as u64, &r)
            .into_uuid()
            .to_string()
    }
    fn bytes(&self, out: &mut [u8]) {
        rand::rng().fill_bytes(out)
    }
}

/// Deterministic ids for a seed: the demo gives byte-identical exports for the same seed.
pub struct SeededIds(Mutex<ChaCha8Rng>);

impl SeededIds {
    pub fn new(seed: u64) -> Self {
        SeededIds(Mutex::new(ChaCha8Rng::seed_from_u64(seed)))
    }
}

impl Ids for SeededIds {
    fn id(&self, now: DateTime<Utc>) -> String {
        let mut r = [0u8; 10];
        self.bytes(&mut r);
        uuid::Builder::from_unix_timestamp_millis(now.timestamp_millis() as u64, &r)
            .into_uuid()
            .to_string()
    }
    fn bytes(&self, out: &mut [u8]) {
        match self.0.lock() {
            Ok(mut g) => g.fill_bytes(out),
            Err(p) => p.into_inner().fill_bytes(out),
        }
    }
}

/// Fixed-width RFC 3339 UTC, so that text order is time order in both databases.
pub fn stamp(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

pub fn parse_stamp(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// A stored `YYYY-MM-DD` (or the date part of a stamp).
pub(crate) fn stored_day(s: &str) -> Option<chrono::NaiveDate> {
    s.get(..10)?.parse().ok()
}
