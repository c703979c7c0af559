//! Instruments for the head of sales (issue 4). The analytics are pure (crate
//! `baton-analytics`); this module loads their facts in a few set-based queries and applies the
//! rights: a head sees their region, the director and the admin every region, the command line
//! (no actor) everything.

pub mod aging;
pub mod alerts;
pub mod costs;
pub mod funnel;
pub mod matrix;
pub mod plan_fact;
pub mod retention;

use crate::error::{AppError, AppResult};
use crate::rights::Actor;
use baton_catalog::Text;
use baton_store::records::Region;
use baton_store::{Filter, Tx};
use chrono::NaiveDate;
use chrono_tz::Tz;
use serde::Serialize;
use std::collections::BTreeMap;

/// A report's months: from the first day of `from` to the last day of `to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Span {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// Parses `YYYY-MM`, naming the parameter when it is wrong.
pub fn parse_month(field: &str, s: &str) -> AppResult<NaiveDate> {
    Ok(crate::payroll::month_bounds(field, s)?.0)
}

/// Parses `YYYY-MM-DD`, naming the parameter when it is wrong.
pub fn parse_day(field: &str, s: &str) -> AppResult<NaiveDate> {
    crate::conveyor::parse_date(field, s)
}

/// The months `from..=to` (YYYY-MM each).
pub fn months(from: &str, to: &str) -> AppResult<Span> {
    let (f, _) = crate::payroll::month_bounds("from", from)?;
    let (t, end) = crate::payroll::month_bounds("to", to)?;
    if t < f {
        return Err(AppError::invalid(
            "to",
            Text::new("err-period-reversed")
                .arg("from", from)
                .arg("to", to),
        ));
    }
    Ok(Span { from: f, to: end })
}

/// The region a report covers: a head sees their own region only (and gets it without asking);
/// the director, the admin and the command line see every region or the one asked for.
pub(crate) fn report_region(
    tx: &mut Tx<'_>,
    actor: Option<&Actor>,
    code: Option<&str>,
) -> AppResult<Option<Region>> {
    let code = code.map(str::trim).filter(|c| !c.is_empty());
    let asked = match code {
        Some(c) => Some(
            tx.list::<Region>(&Filter::new().eq("code", c))?
                .into_iter()
                .next()
                .ok_or_else(|| {
                    AppError::invalid("region", Text::new("err-no-region").arg("code", c))
                })?,
        ),
        None => None,
    };
    let Some(a) = actor else { return Ok(asked) };
    match crate::rights::region_limit(a, crate::rights::Action::ReadReports)? {
        None => Ok(asked),
        Some(own) => match asked {
            Some(r) if r.id != own => {
                Err(AppError::Forbidden(Text::new("err-reports-other-region")))
            }
            Some(r) => Ok(Some(r)),
            None => Ok(tx.get::<Region>(&own)?),
        },
    }
}

/// A person as reports show them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Person {
    pub id: String,
    pub login: String,
    pub name: String,
}

/// Everyone's names, by id.
pub(crate) fn people(tx: &mut Tx<'_>) -> AppResult<BTreeMap<String, Person>> {
    Ok(tx
        .query("SELECT id, login, name FROM employees", &[])?
        .into_iter()
        .map(|r| {
            (
                r.text(0),
                Person {
                    id: r.text(0),
                    login: r.text(1),
                    name: r.text(2),
                },
            )
        })
        .collect())
}

/// "Name (login)", or the id when the person is unknown.
pub(crate) fn label(people: &BTreeMap<String, Person>, id: &str) -> String {
    people
        .get(id)
        .map(|p| format!("{} ({})", p.name, p.login))
        .unwrap_or_else(|| id.to_string())
}

/// The local date of an RFC 3339 stamp.
pub(crate) fn local_day(stamp: &str, tz: &Tz) -> Option<NaiveDate> {
    crate::clock::parse_stamp(stamp).map(|t| t.with_timezone(tz).date_naive())
}

pub(crate) use crate::clock::stored_day as day;

/// Stamp bounds a day wider than the local dates `from..=to`, for a first cut in SQL; the local
/// date decides afterwards.
pub(crate) fn stamp_bounds(from: NaiveDate, to: NaiveDate) -> (String, String) {
    (
        (from - chrono::Duration::days(1)).to_string(),
        (to + chrono::Duration::days(2)).to_string(),
    )
}
