//! HTTP: the JSON API and its OpenAPI document. Every route is declared once, in `routes()`;
//! the router and the OpenAPI document are both built from that table, and a test checks the
//! document against the live router.

pub mod api;
pub mod error;
pub mod extract;
pub mod insight;
pub mod pages;
pub mod security;
pub mod throttle;
pub mod whatif;

use axum::http::{Method, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{MethodRouter, get, post, put};
use axum::{Json, Router};
use baton_app::App;
use baton_app::insight::alerts::Trigger;
use security::WebConfig;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub web: Arc<Web>,
}

/// What the web layer keeps beside the use cases: how it is deployed and the login counts.
#[derive(Default)]
pub struct Web {
    pub config: WebConfig,
    pub throttle: throttle::Throttle,
}

impl Web {
    /// The client's address: the peer (`ConnectInfo`, when the server was started with it), or,
    /// behind a trusted proxy, the last address that proxy appended to `X-Forwarded-For`.
    pub fn client_addr(&self, parts: &axum::http::request::Parts) -> Option<IpAddr> {
        if self.config.trust_proxy
            && let Some(a) = parts
                .headers
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .filter_map(|a| a.trim().parse::<IpAddr>().ok())
                .next_back()
        {
            return Some(a);
        }
        parts
            .extensions
            .get::<axum::extract::ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip())
    }
}

/// One documented route.
#[derive(Clone, Debug)]
pub struct RouteDoc {
    pub method: Method,
    pub path: &'static str,
    pub tag: &'static str,
    pub summary: &'static str,
    pub public: bool,
}

pub(crate) type Mr = MethodRouter<AppState>;

pub(crate) fn r(
    method: Method,
    path: &'static str,
    tag: &'static str,
    summary: &'static str,
    mr: Mr,
) -> (RouteDoc, Mr) {
    (
        RouteDoc {
            method,
            path,
            tag,
            summary,
            public: false,
        },
        mr,
    )
}

fn public(
    method: Method,
    path: &'static str,
    tag: &'static str,
    summary: &'static str,
    mr: Mr,
) -> (RouteDoc, Mr) {
    (
        RouteDoc {
            method,
            path,
            tag,
            summary,
            public: true,
        },
        mr,
    )
}

/// The route table.
pub fn routes() -> Vec<(RouteDoc, Mr)> {
    let mut all = conveyor_routes();
    all.extend(insight::routes());
    all.extend(whatif::routes());
    all
}

fn conveyor_routes() -> Vec<(RouteDoc, Mr)> {
    use Method as M;
    use api::*;
    vec![
        public(
            M::GET,
            "/api/health",
            "system",
            "Health check: the database answers",
            get(health),
        ),
        public(
            M::GET,
            "/api/openapi.json",
            "system",
            "This OpenAPI document",
            get(openapi_handler),
        ),
        public(
            M::POST,
            "/api/auth/login",
            "auth",
            "Log in; returns a bearer token (30 days). Browsers log in with the page form (12-hour session cookie)",
            post(login),
        ),
        public(
            M::POST,
            "/api/auth/logout",
            "auth",
            "Log out (ends the session or token)",
            post(logout),
        ),
        r(
            M::GET,
            "/api/me",
            "auth",
            "The logged-in person and the roles held today",
            get(me),
        ),
        r(
            M::POST,
            "/api/me/password",
            "auth",
            "Change my password ({\"current\", \"new\"}); every other session and token of mine ends",
            post(change_password),
        ),
        r(
            M::GET,
            "/api/me/statement",
            "pay",
            "My money: my statement for a period (default: the current month, live), every line explained",
            get(my_statement),
        ),
        r(
            M::GET,
            "/api/payroll",
            "pay",
            "Everyone's statements for ?period=YYYY-MM (head: the region; director, admin, accountant: all)",
            get(payroll),
        ),
        r(
            M::GET,
            "/api/payroll/register",
            "pay",
            "The payroll register of ?period=YYYY-MM as a file: &format=xlsx (default; a sheet per region, totals) or csv",
            get(payroll_register),
        ),
        r(
            M::GET,
            "/api/periods",
            "pay",
            "Payroll periods and their status: open, calculated, approved, paid",
            get(periods),
        ),
        r(
            M::POST,
            "/api/periods/{id}/calculate",
            "pay",
            "Calculate an ended period (YYYY-MM) and store its statements for review (head, director, accountant, admin)",
            post(calculate_period),
        ),
        r(
            M::POST,
            "/api/periods/{id}/approve",
            "pay",
            "Approve a calculated period: it is frozen from then on (head, director)",
            post(approve_period),
        ),
        r(
            M::POST,
            "/api/periods/{id}/pay",
            "pay",
            "Mark an approved period paid (accountant, director, admin)",
            post(pay_period),
        ),
        r(
            M::GET,
            "/api/plans",
            "pay",
            "Compensation plan versions (head, director, admin, accountant)",
            get(plans),
        ),
        r(
            M::POST,
            "/api/plans",
            "pay",
            "Save a plan text as the next version of its role's (or one person's) plan (head, director, admin)",
            post(add_plan),
        ),
        r(
            M::POST,
            "/api/plans/check",
            "pay",
            "Check a plan text without saving: every problem with its line and column",
            post(check_plan),
        ),
        r(
            M::GET,
            "/api/plans/{id}",
            "pay",
            "One plan version with its text (shipped:<role> for a shipped default)",
            get(plan),
        ),
        r(
            M::GET,
            "/api/config",
            "settings",
            "The conveyor configuration in force",
            get(get_config),
        ),
        r(
            M::PUT,
            "/api/config",
            "settings",
            "Replace the conveyor configuration (director, admin)",
            put(put_config),
        ),
        r(M::GET, "/api/regions", "people", "Regions", get(regions)),
        r(
            M::POST,
            "/api/regions",
            "people",
            "Create a region",
            post(create_region),
        ),
        r(
            M::GET,
            "/api/employees",
            "people",
            "Employees (filter: region_id; page, per_page)",
            get(employees),
        ),
        r(
            M::POST,
            "/api/employees",
            "people",
            "Create an employee with a first role",
            post(create_employee),
        ),
        r(
            M::GET,
            "/api/employees/{id}",
            "people",
            "One employee with role history",
            get(employee),
        ),
        r(
            M::POST,
            "/api/employees/{id}/roles",
            "people",
            "Assign a role from a date (replace: end the others)",
            post(assign_role),
        ),
        r(
            M::POST,
            "/api/employees/{id}/absences",
            "people",
            "Record an absence",
            post(add_absence),
        ),
        r(
            M::GET,
            "/api/targets",
            "people",
            "Plan targets (filter: period)",
            get(targets),
        ),
        r(
            M::POST,
            "/api/targets",
            "people",
            "Set a target for a person, period and metric",
            post(set_target),
        ),
        r(
            M::GET,
            "/api/products",
            "catalogue",
            "Products and list prices",
            get(products),
        ),
        r(
            M::POST,
            "/api/products",
            "catalogue",
            "Create a product",
            post(create_product),
        ),
        r(
            M::GET,
            "/api/companies",
            "companies",
            "Companies you may see (q, region_id, status, client_manager_id, sort, desc; page)",
            get(companies),
        ),
        r(
            M::POST,
            "/api/companies",
            "companies",
            "Create a company (ИНН checked; duplicates refused)",
            post(create_company),
        ),
        r(
            M::GET,
            "/api/companies/{id}",
            "companies",
            "Company card: contacts, activities, handoffs, attribution, contracts, invoices, payments",
            get(company),
        ),
        r(
            M::POST,
            "/api/companies/{id}/contacts",
            "companies",
            "Add a contact",
            post(add_contact),
        ),
        r(
            M::POST,
            "/api/companies/{id}/merge",
            "companies",
            "Merge a duplicate prospect into another company ({\"into\": id})",
            post(merge),
        ),
        r(
            M::POST,
            "/api/companies/{id}/claim",
            "companies",
            "Take or renew the claim on a company",
            post(claim),
        ),
        r(
            M::POST,
            "/api/companies/{id}/handover",
            "handoffs",
            "Handoff 2: hand the client to a client manager with the brief",
            post(handover),
        ),
        r(
            M::GET,
            "/api/call-lists",
            "calls",
            "Call lists",
            get(call_lists),
        ),
        r(
            M::POST,
            "/api/call-lists",
            "calls",
            "Create a call list",
            post(create_call_list),
        ),
        r(
            M::POST,
            "/api/call-lists/{id}/items",
            "calls",
            "Add companies to a call list",
            post(add_call_list_items),
        ),
        r(
            M::GET,
            "/api/call-lists/{id}/queue",
            "calls",
            "The next companies to call, with contacts and history",
            get(call_queue),
        ),
        r(
            M::POST,
            "/api/calls",
            "calls",
            "Log a call outcome",
            post(log_call),
        ),
        r(
            M::GET,
            "/api/activities",
            "calls",
            "Activities (company_id, actor_id, date; page)",
            get(activities),
        ),
        r(
            M::POST,
            "/api/activities",
            "calls",
            "Log a meeting, e-mail or note",
            post(log_activity),
        ),
        r(
            M::GET,
            "/api/leads",
            "leads",
            "Leads you may see (stage, region_id, caller_id, seller_id, owner_id, source, sort; page)",
            get(leads),
        ),
        r(
            M::POST,
            "/api/leads",
            "leads",
            "Open a lead (a manager's own lead skips handoff 1)",
            post(open_lead),
        ),
        r(
            M::GET,
            "/api/leads/{id}",
            "leads",
            "One lead with its handoffs",
            get(lead),
        ),
        r(
            M::PUT,
            "/api/leads/{id}/checklist",
            "leads",
            "Save warm-lead checklist answers",
            put(save_checklist),
        ),
        r(
            M::POST,
            "/api/leads/{id}/handoff",
            "handoffs",
            "Handoff 1: hand the warm lead to a sales manager by the rule",
            post(hand_off),
        ),
        r(
            M::POST,
            "/api/leads/{id}/accept",
            "handoffs",
            "Accept a handed lead",
            post(accept),
        ),
        r(
            M::POST,
            "/api/leads/{id}/reject",
            "handoffs",
            "Reject a handed lead with a reason; it returns to the caller",
            post(reject),
        ),
        r(
            M::POST,
            "/api/leads/{id}/reassign",
            "handoffs",
            "Give a pending lead to another sales manager (head)",
            post(reassign),
        ),
        r(
            M::POST,
            "/api/leads/{id}/move",
            "leads",
            "Move a deal between board stages",
            post(move_lead),
        ),
        r(
            M::POST,
            "/api/leads/{id}/lose",
            "leads",
            "Close a lead as lost with a reason",
            post(lose),
        ),
        r(
            M::POST,
            "/api/leads/{id}/contract",
            "money",
            "Sign the deal's first contract",
            post(sign_contract),
        ),
        r(
            M::GET,
            "/api/handoffs",
            "handoffs",
            "Handoffs you sent or received (status, kind; page)",
            get(handoffs),
        ),
        r(
            M::GET,
            "/api/handoffs/overdue",
            "handoffs",
            "Pending warm leads past the acceptance SLA",
            get(overdue_handoffs),
        ),
        r(
            M::POST,
            "/api/handoffs/{id}/kickoff",
            "handoffs",
            "The client manager held the kickoff meeting",
            post(kickoff),
        ),
        r(
            M::GET,
            "/api/contracts",
            "money",
            "Contracts (company_id; page)",
            get(contracts),
        ),
        r(
            M::GET,
            "/api/orders",
            "money",
            "Orders (company_id; page)",
            get(orders),
        ),
        r(
            M::POST,
            "/api/orders",
            "money",
            "Record an order",
            post(create_order),
        ),
        r(
            M::GET,
            "/api/invoices",
            "money",
            "Invoices with paid and outstanding amounts (company_id, overdue; page)",
            get(invoices),
        ),
        r(
            M::POST,
            "/api/invoices",
            "money",
            "Issue an invoice",
            post(create_invoice),
        ),
        r(
            M::GET,
            "/api/payments",
            "money",
            "Payments (company_id, from, to; page)",
            get(payments),
        ),
        r(
            M::POST,
            "/api/payments",
            "money",
            "Record a payment (the first one wins the client)",
            post(record_payment),
        ),
        r(
            M::POST,
            "/api/refunds",
            "money",
            "Record a refund: a negative payment with a credit note",
            post(record_refund),
        ),
        r(
            M::GET,
            "/api/audit",
            "system",
            "Audit events (entity, entity_id; page)",
            get(audit),
        ),
        r(
            M::GET,
            "/api/audit/verify",
            "system",
            "Walk the audit chain: ok, events, head, the first broken event (director, admin)",
            get(audit_verify),
        ),
    ]
}

async fn openapi_handler() -> Json<serde_json::Value> {
    Json(openapi())
}

async fn no_route(
    method: Method,
    uri: axum::http::Uri,
    parts: axum::http::request::Parts,
) -> axum::response::Response {
    if !uri.path().starts_with("/api/") {
        return pages::start::not_found(parts).await;
    }
    error::ApiError::new(
        StatusCode::NOT_FOUND,
        "no_route",
        format!(
            "{method} {} is not a Baton endpoint; see /api/openapi.json",
            uri.path()
        ),
    )
    .into_response()
}

async fn wrong_method(method: Method, uri: axum::http::Uri) -> impl IntoResponse {
    error::ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        format!(
            "{} does not take {method}; see /api/openapi.json",
            uri.path()
        ),
    )
}

/// The whole site with the default deployment (plain HTTP, no proxy).
pub fn router(app: App) -> Router {
    router_with(app, WebConfig::default())
}

pub fn router_with(app: App, config: WebConfig) -> Router {
    let state = AppState {
        app,
        web: Arc::new(Web {
            config,
            ..Web::default()
        }),
    };
    let mut router: Router<AppState> = Router::new();
    for (doc, mr) in routes() {
        router = router.route(doc.path, mr);
    }
    let mut router = router
        .merge(pages::router())
        .fallback(no_route)
        .method_not_allowed_fallback(wrong_method)
        .layer(axum::extract::DefaultBodyLimit::max(
            baton_domain::input::BODY_MAX,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::guard,
        ))
        .with_state(state);
    for (name, value) in security::headers() {
        router = router.layer(tower_http::set_header::SetResponseHeaderLayer::overriding(
            name, value,
        ));
    }
    router
}

/// The OpenAPI 3.1 document, built from the route table.
pub fn openapi() -> serde_json::Value {
    let mut paths = serde_json::Map::new();
    for (doc, _) in routes() {
        let params: Vec<serde_json::Value> = doc
            .path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .map(|name| serde_json::json!({ "name": name, "in": "path", "required": true, "schema": { "type": "string" } }))
            .collect();
        let mut op = serde_json::json!({
            "tags": [doc.tag],
            "summary": doc.summary,
            "operationId": format!("{}_{}", doc.method.as_str().to_lowercase(), doc.path.trim_start_matches("/api/").replace(['/', '{', '}', '-', '.'], "_")),
            "parameters": params,
            "responses": {
                "200": { "description": "OK", "content": { "application/json": { "schema": { "type": "object" } } } },
                "default": { "description": "Error", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } }
            }
        });
        if matches!(doc.method, Method::POST | Method::PUT) {
            op["requestBody"] = serde_json::json!({ "content": { "application/json": { "schema": { "type": "object" } } } });
        }
        if doc.public {
            op["security"] = serde_json::json!([]);
        }
        let entry = paths
            .entry(doc.path.to_string())
            .or_insert_with(|| serde_json::json!({}));
        entry[doc.method.as_str().to_lowercase()] = op;
    }
    serde_json::json!({
        "openapi": "3.1.0",
        "info": { "title": "Baton API", "version": env!("CARGO_PKG_VERSION"),
                  "description": "The conveyor sales department: leads, handoffs, clients and money. Log in with POST /api/auth/login and send Authorization: Bearer <token>." },
        "paths": paths,
        "security": [{ "bearer": [] }, { "cookie": [] }],
        "components": {
            "securitySchemes": {
                "bearer": { "type": "http", "scheme": "bearer" },
                "cookie": { "type": "apiKey", "in": "cookie", "name": extract::SESSION_COOKIE }
            },
            "schemas": {
                "Error": { "type": "object", "required": ["error"], "properties": { "error": { "type": "object", "required": ["code", "message"], "properties": {
                    "code": { "type": "string" }, "message": { "type": "string" }, "field": { "type": "string" },
                    "line": { "type": "integer" }, "column": { "type": "integer" }, "details": { "type": "object" } } } } }
            }
        }
    })
}

/// What the server does by itself, checking every `tick`:
/// - once a minute, the acceptance-SLA sweep (late warm leads are reassigned when the
///   configuration asks for it), then the alert rules, for the alerts the clock raises;
/// - after every write through this server (`Db::writes` moved), the alert rules, so an alert
///   is in the log within about a tick of the event that raised it. Evaluations never overlap:
///   a burst of writes is evaluated once, after the evaluation in flight.
pub async fn watch(app: App, tick: Duration) {
    let mut every = tokio::time::interval(tick);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut seen: Option<u64> = None;
    let mut last_clock: Option<std::time::Instant> = None;
    loop {
        every.tick().await;
        let clock_due = last_clock.is_none_or(|t| t.elapsed() >= Duration::from_secs(60));
        let writes = app.db.writes();
        if !clock_due && seen == Some(writes) {
            continue;
        }
        let a = app.clone();
        let done = tokio::task::spawn_blocking(move || {
            if clock_due {
                match a.sweep_acceptance_sla() {
                    Ok(done) if !done.is_empty() => println!(
                        "baton: reassigned {} warm leads past the acceptance SLA",
                        done.len()
                    ),
                    Ok(_) => {}
                    Err(e) => eprintln!("baton: acceptance-SLA sweep failed: {e}"),
                }
            }
            let before = a.db.writes();
            let trigger = if clock_due {
                Trigger::Clock
            } else {
                Trigger::Write
            };
            match a.evaluate_alerts(trigger) {
                Ok(c) => {
                    if !c.raised.is_empty() || !c.cleared.is_empty() {
                        println!(
                            "baton: alerts raised {}, cleared {}",
                            c.raised.len(),
                            c.cleared.len()
                        );
                    }
                    // Its own commit (if any) is not a write to evaluate again.
                    let own =
                        u64::from(!c.raised.is_empty() || !c.cleared.is_empty() || c.updated > 0);
                    before + own
                }
                Err(e) => {
                    eprintln!("baton: alert evaluation failed: {e}");
                    before
                }
            }
        })
        .await;
        if clock_due {
            last_clock = Some(std::time::Instant::now());
        }
        seen = done.ok().or(Some(writes));
    }
}

/// Serves until Ctrl-C or SIGTERM, then finishes requests in flight.
pub async fn serve(app: App, addr: &str, config: WebConfig) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    tokio::spawn(watch(app.clone(), Duration::from_secs(1)));
    serve_on(listener, app, config, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
}

/// Serves the site on `listener` with each peer's address known (login throttling counts per
/// address) until `stop` completes.
pub async fn serve_on(
    listener: tokio::net::TcpListener,
    app: App,
    config: WebConfig,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        router_with(app, config).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(stop)
    .await
}
