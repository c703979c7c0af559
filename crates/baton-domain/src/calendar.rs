//! Working time for SLAs. Weekends and the fixed Russian public holidays (Labour Code art. 112)
//! are non-working; the yearly transfers decreed by the government are kept as an editable list
//! in the configuration (`extra_holidays`, `extra_workdays`), because they change every year.

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct WorkCalendar {
    #[serde(default)]
    pub extra_holidays: BTreeSet<NaiveDate>,
    #[serde(default)]
    pub extra_workdays: BTreeSet<NaiveDate>,
}

/// The Russian production calendar's transfers for 2025–2027, shipped as the default of
/// `extra_holidays` / `extra_workdays` (editable in the configuration):
/// - 2025, decree № 1335 of 4.10.2024: off 2 and 8 May, 13 June, 3 November, 31 December;
///   Saturday 1 November worked. 247 working days.
/// - 2026, decree № 1466 of 24.09.2025: off 9 January, 9 March, 11 May, 31 December.
///   247 working days.
/// - 2027: the art. 112 carry-overs (3 and 10 May, 14 June) and the Ministry of Labour's draft
///   (5 November off, Saturday 13 November worked). The decree also moves 2–3 January, which
///   fall on a weekend; add those days when it is published (docs/configuration.md).
pub const RU_TRANSFERS: [(&str, bool); 15] = [
    ("2025-05-02", false),
    ("2025-05-08", false),
    ("2025-06-13", false),
    ("2025-11-03", false),
    ("2025-12-31", false),
    ("2025-11-01", true),
    ("2026-01-09", false),
    ("2026-03-09", false),
    ("2026-05-11", false),
    ("2026-12-31", false),
    ("2027-05-03", false),
    ("2027-05-10", false),
    ("2027-06-14", false),
    ("2027-11-05", false),
    ("2027-11-13", true),
];

impl WorkCalendar {
    /// The Russian production calendar 2025–2027 (see [`RU_TRANSFERS`]).
    pub fn russia() -> WorkCalendar {
        let mut c = WorkCalendar::default();
        for (day, worked) in RU_TRANSFERS {
            if let Ok(d) = day.parse::<NaiveDate>() {
                if worked {
                    c.extra_workdays.insert(d);
                } else {
                    c.extra_holidays.insert(d);
                }
            }
        }
        c
    }
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

    fn working_days(c: &WorkCalendar, year: i32, month: Option<u32>) -> usize {
        let from = NaiveDate::from_ymd_opt(year, month.unwrap_or(1), 1).unwrap();
        from.iter_days()
            .take_while(|d| d.year() == year && month.is_none_or(|m| d.month() == m))
            .filter(|d| c.is_working_day(*d))
            .count()
    }

    #[test]
    fn the_production_calendar_counts_the_official_working_days() {
        let c = WorkCalendar::russia();
        // The official norms: 247 working days in 2025 and in 2026.
        assert_eq!(working_days(&c, 2025, None), 247);
        assert_eq!(working_days(&c, 2026, None), 247);
        // 2026 by month, as published: Jan 15, Feb 19, Mar 21, May 19, Nov 20, Dec 22.
        let months = [(1, 15), (2, 19), (3, 21), (5, 19), (11, 20), (12, 22)];
        for (m, n) in months {
            assert_eq!(working_days(&c, 2026, Some(m)), n, "2026-{m:02}");
        }
        // November 2025 works on Saturday the 1st and rests on Monday the 3rd.
        assert!(c.is_working_day("2025-11-01".parse().unwrap()));
        assert!(!c.is_working_day("2025-11-03".parse().unwrap()));
    }

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
