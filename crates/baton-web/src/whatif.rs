//! What-if (issue 6): plan replay on recorded history and the structure simulator.

use crate::{Mr, RouteDoc};

pub(crate) fn routes() -> Vec<(RouteDoc, Mr)> {
    vec![]
}
