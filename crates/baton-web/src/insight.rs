//! Instruments for the head of sales (issue 4): funnel, caller × sales-manager matrix and
//! weak-link diagnosis, cost per client, plan against fact, receivables, retention, alerts.

use crate::{Mr, RouteDoc};

pub(crate) fn routes() -> Vec<(RouteDoc, Mr)> {
    vec![]
}
