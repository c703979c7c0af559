//! «Виды начислений для 1С:ЗУП» (issue 17 §5): the accountant names each plan component as the
//! company's ЗУП calls the accrual, for the register's ЗУП layout (`/payroll/{period}/zup.*`).

use super::caller::back_with_error;
use super::shell::{PageResult, Viewer, done, message, or_fail, page, respond, run};
use crate::AppState;
use axum::Router;
use axum::extract::{Form, State};
use axum::routing::get;
use maud::html;
use std::collections::BTreeMap;

pub fn routes() -> Router<AppState> {
    Router::new().route("/payroll/accruals", get(show).post(save))
}

async fn show(State(s): State<AppState>, v: Viewer) -> PageResult {
    let l = v.lang;
    let actor = v.actor.clone();
    let (components, types) = or_fail(
        l,
        run(&s, move |app| {
            Ok((app.accrual_components(&actor)?, app.accrual_types()?))
        })
        .await,
    )?;
    let body = html! {
        @if let Some(e) = super::caller::param(&v, "err") { p.error role="alert" { (e) } }
        p.explain { (l.tr("page-accruals-explain")) }
        form.stack method="post" action="/payroll/accruals" id="accruals-form" {
            div.scroll { table {
                thead { tr {
                    th scope="col" { (l.tr("page-accruals-component")) }
                    th scope="col" { (l.tr("page-accruals-type")) }
                } }
                tbody {
                    @for (id, label) in &components {
                        tr {
                            td { label for=(format!("type-{id}")) { (label) } br; code { (id) } }
                            td { input type="text" name=(id) id=(format!("type-{id}")) maxlength="200"
                                placeholder=(label) value=(types.get(id).cloned().unwrap_or_default()); }
                        }
                    }
                }
            } }
            button type="submit" id="accruals-save" { (l.tr("page-save")) }
        }
    };
    Ok(respond(page(&v, l.tr("page-accruals"), body)))
}

async fn save(
    State(s): State<AppState>,
    v: Viewer,
    Form(form): Form<Vec<(String, String)>>,
) -> PageResult {
    let l = v.lang;
    let actor = v.actor.clone();
    // An empty field leaves the component under its own label.
    let types: BTreeMap<String, String> = form
        .into_iter()
        .filter(|(k, v)| k != crate::security::CSRF_FIELD && !v.trim().is_empty())
        .collect();
    let r = run(&s, move |app| app.set_accrual_types(&actor, types)).await;
    Ok(match r {
        Ok(_) => done("/payroll/accruals", l.tr("page-accruals-saved")),
        Err(e) => back_with_error("/payroll/accruals", &message(&e)),
    })
}
