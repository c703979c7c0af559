//! Tasks and reminders (issue 18): a dated piece of work one person owes a client. The kinds,
//! the outcomes and when a time a person typed in the company's time zone is due.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

/// What the task is for.
pub const TASK_KINDS: [&str; 4] = ["call_back", "meeting", "send_offer", "collect_payment"];

/// How a task ended.
pub const TASK_OUTCOMES: [&str; 2] = ["done", "cancelled"];

/// The hour a reminder given only a day is due at, in the company's time zone.
pub const DEFAULT_HOUR: u32 = 10;

/// Reads a due time as people give it: RFC 3339 (`2026-12-08T07:00:00Z`), a local date-time in
/// the company's zone (`2026-12-08T10:00`, `2026-12-08 10:00`, `08.12.2026 10:00`, what a
/// `datetime-local` input sends) or a day alone (due at `DEFAULT_HOUR`). `None`: not a time.
pub fn parse_due(text: &str, tz: Tz) -> Option<DateTime<Utc>> {
    let t = text.trim();
    if let Ok(d) = DateTime::parse_from_rfc3339(t) {
        return Some(d.with_timezone(&Utc));
    }
    let local = [
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%d.%m.%Y %H:%M",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(t, f).ok())
    .or_else(|| {
        ["%Y-%m-%d", "%d.%m.%Y"]
            .iter()
            .find_map(|f| NaiveDate::parse_from_str(t, f).ok())
            .and_then(|d| d.and_hms_opt(DEFAULT_HOUR, 0, 0))
    })?;
    // A time the clocks skip (spring forward) is taken as the hour after; a repeated one as
    // its first occurrence.
    tz.from_local_datetime(&local)
        .earliest()
        .or_else(|| {
            tz.from_local_datetime(&(local + chrono::Duration::hours(1)))
                .earliest()
        })
        .map(|d| d.with_timezone(&Utc))
}

/// The next working day's `DEFAULT_HOUR` after `now` in `tz`: when a callback nobody dated is
/// due (Saturday and Sunday are skipped).
pub fn next_working_morning(now: DateTime<Utc>, tz: Tz) -> DateTime<Utc> {
    use chrono::Datelike;
    let mut day = now.with_timezone(&tz).date_naive();
    loop {
        day = day.succ_opt().unwrap_or(day);
        if day.weekday().num_days_from_monday() < 5 {
            break;
        }
    }
    let at = day.and_time(NaiveTime::from_hms_opt(DEFAULT_HOUR, 0, 0).unwrap_or_default());
    tz.from_local_datetime(&at)
        .earliest()
        .map_or(now, |d| d.with_timezone(&Utc))
}

/// Where a task stands on the owner's day: past due, due today, due tomorrow or later.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum When {
    Overdue,
    Today,
    Tomorrow,
    Later,
}

/// `due` against `now`, by the calendar of `tz`: overdue once its minute has passed.
pub fn when(due: DateTime<Utc>, now: DateTime<Utc>, tz: Tz) -> When {
    if due < now {
        return When::Overdue;
    }
    let today = now.with_timezone(&tz).date_naive();
    let day = due.with_timezone(&tz).date_naive();
    if day <= today {
        When::Today
    } else if Some(day) == today.succ_opt() {
        When::Tomorrow
    } else {
        When::Later
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn a_moscow_time_is_three_hours_ahead_of_utc() {
        let m = chrono_tz::Europe::Moscow;
        assert_eq!(
            parse_due("2026-12-08T10:00", m),
            Some(utc("2026-12-08T07:00:00Z"))
        );
        assert_eq!(
            parse_due("08.12.2026 18:30", m),
            Some(utc("2026-12-08T15:30:00Z"))
        );
        assert_eq!(
            parse_due("2026-12-08", m),
            Some(utc("2026-12-08T07:00:00Z"))
        );
        assert_eq!(
            parse_due("2026-12-08T07:00:00Z", m),
            Some(utc("2026-12-08T07:00:00Z"))
        );
        let vl = chrono_tz::Asia::Vladivostok;
        assert_eq!(
            parse_due("2026-12-08 10:00", vl),
            Some(utc("2026-12-08T00:00:00Z"))
        );
        assert_eq!(parse_due("завтра", m), None);
        assert_eq!(parse_due("2026-13-01", m), None);
    }

    #[test]
    fn a_skipped_hour_moves_forward() {
        // Berlin springs forward at 02:00 on 2026-03-29: 02:30 does not exist.
        let b = chrono_tz::Europe::Berlin;
        assert_eq!(
            parse_due("2026-03-29T02:30", b),
            Some(utc("2026-03-29T01:30:00Z"))
        );
    }

    #[test]
    fn an_undated_callback_waits_for_the_next_working_morning() {
        let m = chrono_tz::Europe::Moscow;
        // Friday 2026-12-11 17:00 MSK → Monday 14th 10:00 MSK.
        assert_eq!(
            next_working_morning(utc("2026-12-11T14:00:00Z"), m),
            utc("2026-12-14T07:00:00Z")
        );
        // Monday 23:30 MSK (20:30 UTC) → Tuesday 10:00.
        assert_eq!(
            next_working_morning(utc("2026-12-07T20:30:00Z"), m),
            utc("2026-12-08T07:00:00Z")
        );
    }

    #[test]
    fn the_day_is_the_company_day() {
        let m = chrono_tz::Europe::Moscow;
        let now = utc("2026-12-07T20:30:00Z"); // 23:30 MSK on Monday
        assert_eq!(when(utc("2026-12-07T20:00:00Z"), now, m), When::Overdue);
        assert_eq!(when(utc("2026-12-07T20:45:00Z"), now, m), When::Today);
        // 00:30 MSK Tuesday is still Monday in UTC, but tomorrow for the company.
        assert_eq!(when(utc("2026-12-07T21:30:00Z"), now, m), When::Tomorrow);
        assert_eq!(when(utc("2026-12-09T21:30:00Z"), now, m), When::Later);
    }
}
