//! The web application: server-rendered pages over the same use cases and rights as the API.
//! Each workspace is one module; `shell` holds what every page shares (who is asking, the
//! language, the layout, the list component and the number formats).
//!
//! Pages are HTML rendered with `maud` on the server. The CSS and the small script are ours and
//! are embedded in the binary (`assets`). Forms post back to the page; on an error the page is
//! rendered again with what was typed and the message next to the field.

// A page's error is the error page itself (a `Response`), made at most once per request:
// boxing it would buy nothing.
#![allow(clippy::result_large_err)]

pub mod accruals;
pub mod assets;
pub mod caller;
pub mod chart;
pub mod client;
pub mod company;
pub mod dashboard;
pub mod events;
pub mod handovers;
pub mod import;
pub mod listing;
pub mod memo;
pub mod moves;
pub mod my_alerts;
pub mod my_day;
pub mod notifications;
pub mod payroll;
pub mod people;
pub mod record;
pub mod search;
pub mod seller;
pub mod shell;
pub mod split;
pub mod start;
pub mod targets;
pub mod webhooks;
pub mod whatif;

use crate::AppState;
use axum::Router;

/// Every page route. They are not part of the OpenAPI document: the API is `/api/…`.
pub fn router() -> Router<AppState> {
    Router::new()
        .merge(assets::routes())
        .merge(accruals::routes())
        .merge(start::routes())
        .merge(caller::routes())
        .merge(seller::routes())
        .merge(client::routes())
        .merge(handovers::routes())
        .merge(my_alerts::routes())
        .merge(my_day::routes())
        .merge(notifications::routes())
        .merge(webhooks::routes())
        .merge(import::routes())
        .merge(events::routes())
        .merge(moves::routes())
        .merge(split::routes())
        .merge(search::routes())
        .merge(company::routes())
        .merge(record::routes())
        .merge(dashboard::routes())
        .merge(payroll::routes())
        .merge(people::routes())
        .merge(targets::routes())
        .merge(whatif::routes())
}
