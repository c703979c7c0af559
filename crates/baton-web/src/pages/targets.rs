//! Carrying a month's targets to another (`App::copy_targets`), from the targets page.

use super::caller::back_with_error;
use super::company::{Fields, field};
use super::shell::{Viewer, done, failure, message, run};
use crate::AppState;
use axum::Router;
use axum::extract::{Form, State};
use axum::response::Response;
use axum::routing::post;
use baton_app::AppError;

pub fn routes() -> Router<AppState> {
    Router::new().route("/targets/copy", post(copy))
}

async fn copy(State(s): State<AppState>, v: Viewer, Form(f): Form<Fields>) -> Response {
    let l = v.lang;
    let (from, to) = (field(&f, "from").to_string(), field(&f, "to").to_string());
    let actor = v.actor.clone();
    let (from2, to2) = (from.clone(), to.clone());
    match run(&s, move |app| app.copy_targets(&actor, &from2, &to2)).await {
        Ok(c) => done(
            "/targets",
            &format!(
                "{} {from} → {to}: {} {}, {} {}",
                l.tr("page-targets"),
                l.tr("page-copied"),
                c.copied,
                l.tr("page-already-set-and-kept"),
                c.kept
            ),
        ),
        Err(e @ AppError::Forbidden(_)) => failure(l, &e),
        Err(e) => back_with_error("/targets", &message(&e)),
    }
}
