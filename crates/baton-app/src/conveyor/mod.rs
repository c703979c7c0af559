//! The conveyor's use cases, one room per stage of the relay.

pub mod absences;
pub mod calls;
pub mod companies;
pub mod deals;
pub(crate) mod journeys;
pub mod leads;
pub mod people;
pub mod portfolios;
pub mod queues;
pub mod search;
pub mod split;
pub mod split_history;
pub mod split_presets;
pub mod tasks;

use crate::error::{AppError, AppResult};
use crate::rights::Scope;
use baton_catalog::Text;
use baton_store::{Filter, Record, Tx};

/// Loads a record the actor may see; someone else's record is reported as not found, so
/// its existence does not leak.
pub(crate) fn visible<R: Record>(
    tx: &mut Tx<'_>,
    scope: &Scope,
    id: &str,
    entity: &str,
) -> AppResult<R> {
    let (cond, vals) = scope.sql();
    let f = Filter::new().eq("id", id).raw(cond, vals);
    tx.list::<R>(&f)?
        .into_iter()
        .next()
        .ok_or_else(|| AppError::not_found(entity, id))
}

pub(crate) fn scoped(f: Filter, scope: &Scope) -> Filter {
    let (cond, vals) = scope.sql();
    f.raw(cond, vals)
}

pub(crate) fn non_empty(s: Option<String>) -> Option<String> {
    s.map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
}

pub(crate) fn parse_date(field: &str, s: &str) -> AppResult<chrono::NaiveDate> {
    s.trim()
        .parse()
        .map_err(|_| AppError::invalid(field, Text::new("err-not-date").arg("value", s)))
}
