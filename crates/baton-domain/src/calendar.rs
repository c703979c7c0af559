//! Working time for SLAs. Weekends and the fixed Russian public holidays (Labour Code art. 112)
//! are non-working; the yearly transfers decreed by the government are kept as an editable list
//! in the configuration (`extra_holidays`, `extra_workdays`), because they change every year.

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkCalendar {
    #[serde(default)]
    pub extra_holidays: BTreeSet<NaiveDate>,
    #[serde(default)]
    pub extra_workdays: BTreeSet<NaiveDate>,
}

fn fixed_holiday(d: NaiveDate) -> bool {
    matches!(
        (d.month(), d.day()),
        (1, 1..=8) | (2, 23) | (3, 8) | (5, 1) | (5, 9) | (6, 12) | (11, 4)
    )
}

impl WorkCalendar {
    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        if self.extra_workdays.contains(&d) {
            return true;
        }
        if self.extra_holidays.contains(&d) || fixed_holiday(d) {
            return false;
        }
        !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
    }

    /// Adds `hours` of working time: the clock runs through the whole of each working day and
    /// stops on non-working days (local dates in `tz`). A lead handed on Friday at 15:00 with a
    /// 24-hour SLA is due on Monday at 15:00.
    pub fn add_working_hours(&self, start: DateTime<Utc>, hours: i64, tz: Tz) -> DateTime<Utc> {
        let mut remaining = Duration::hours(hours);
        let mut t = start.with_timezone(&tz);
        // Guard: never loop for more than ten years of calendar days.
        for _ in 0..3660 {
            let day = t.date_naive();
            let next_midnight = day
                .succ_opt()
                .and_then(|n| n.and_hms_opt(0, 0, 0))
                .and_then(|n| tz.from_local_datetime(&n).earliest());
            let Some(next) = next_midnight else { break };
            if self.is_working_day(day) {
                let left_today = next.signed_duration_since(t);
                if remaining <= left_today {
                    return (t + remaining).with_timezone(&Utc);
                }
                remaining -= left_today;
            }
            t = next;
        }
        (t + remaining).with_timezone(&Utc)
    }

    pub fn working_days_between(&self, from: NaiveDate, to_inclusive: NaiveDate) -> i64 {
        from.iter_days()
            .take_while(|d| *d <= to_inclusive)
            .filter(|d| self.is_working_day(*d))
            .count() as i64
    }

    /// Adds working days to a date (the kickoff SLA counts days).
    pub fn add_working_days(&self, from: NaiveDate, days: i64) -> NaiveDate {
        let mut d = from;
        let mut left = days;
        while left > 0 {
            d = d.succ_opt().unwrap_or(d);
            if self.is_working_day(d) {
                left -= 1;
            }
        }
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn sla_skips_the_weekend() {
        let cal = WorkCalendar::default();
        // Friday 2026-11-27 15:00 Moscow = 12:00 UTC. 24 working hours → Monday 15:00 Moscow.
        let due = cal.add_working_hours(utc("2026-11-27T12:00:00Z"), 24, chrono_tz::Europe::Moscow);
        assert_eq!(due, utc("2026-11-30T12:00:00Z"));
        // Saturday start: the clock starts on Monday 00:00 Moscow, due Tuesday 00:00 Moscow.
        let due = cal.add_working_hours(utc("2026-11-28T09:00:00Z"), 24, chrono_tz::Europe::Moscow);
        assert_eq!(due, utc("2026-11-30T21:00:00Z"));
    }

    #[test]
    fn holidays_and_transfers() {
        let mut cal = WorkCalendar::default();
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert!(!cal.is_working_day(d("2026-01-05")));
        assert!(!cal.is_working_day(d("2026-11-04")));
        assert!(cal.is_working_day(d("2026-11-05")));
        cal.extra_holidays.insert(d("2026-11-05"));
        assert!(!cal.is_working_day(d("2026-11-05")));
        cal.extra_workdays.insert(d("2026-11-07"));
        assert!(cal.is_working_day(d("2026-11-07")));
        // November 2026: 30 days, 9 weekend days (1,7,8,14,15,21,22,28,29), 4 Nov holiday → 20.
        assert_eq!(
            WorkCalendar::default().working_days_between(d("2026-11-01"), d("2026-11-30")),
            20
        );
        assert_eq!(
            WorkCalendar::default().add_working_days(d("2026-11-27"), 5),
            d("2026-12-04")
        );
    }
}
