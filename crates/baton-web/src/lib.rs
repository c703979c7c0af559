//! HTTP: the JSON API and its OpenAPI document. Every route is declared once, in `routes()`;
//! the router and the OpenAPI document are both built from that table, and a test checks the
//! document against the live router.

pub mod api;
pub mod error;
pub mod extract;
pub mod insight;
pub mod openapi;
pub mod ops;
pub mod outbound;
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
    /// Files uploaded for an import's check, kept for the import after it.
    pub uploads: pages::import::Uploads,
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
    pub spec: openapi::Spec,
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
            spec: openapi::Spec::default(),
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
            spec: openapi::Spec::default(),
        },
        mr,
    )
}

/// The route table.
pub fn routes() -> Vec<(RouteDoc, Mr)> {
    let mut all = conveyor_routes();
    all.extend(insight::routes());
    all.extend(whatif::routes());
    all.extend(outbound::routes());
    all
}

fn conveyor_routes() -> Vec<(RouteDoc, Mr)> {
    use Method as M;
    use api::*;
    use openapi::Doc;
    const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    vec![
        public(
            M::GET,
            "/api/health",
            "system",
            "Health check: the database answers",
            get(health),
        ).any(openapi::object),
        public(
            M::GET,
            "/api/openapi.json",
            "system",
            "This OpenAPI document",
            get(openapi_handler),
        ).any(openapi::object),
        public(
            M::POST,
            "/api/auth/login",
            "auth",
            "Log in; returns a bearer token (30 days). Browsers log in with the page form (12-hour session cookie)",
            post(login),
        ).body::<LoginReq>().ok::<baton_app::auth::LoginResult>().errors(&[401, 422, 429]),
        public(
            M::POST,
            "/api/auth/logout",
            "auth",
            "Log out (ends the session or token)",
            post(logout),
        ).no_content().errors(&[400]),
        r(
            M::GET,
            "/api/me",
            "auth",
            "The logged-in person and the roles held today",
            get(me),
        ).ok::<baton_app::Actor>(),
        r(
            M::POST,
            "/api/me/password",
            "auth",
            "Change my password ({\"current\", \"new\"}); every other session and token of mine ends",
            post(change_password),
        ).body::<PasswordReq>().no_content(),
        r(
            M::GET,
            "/api/me/statement",
            "pay",
            "My money: my statement for a period (default: the current month, live), every line explained",
            get(my_statement),
        ).query::<PeriodQ>().any(openapi::object_or_null),
        r(
            M::GET,
            "/api/payroll",
            "pay",
            "Everyone's statements for ?period=YYYY-MM (head: the region; director, admin, accountant: all)",
            get(payroll),
        ).query::<PayrollQ>().any(openapi::objects),
        r(
            M::GET,
            "/api/payroll/register",
            "pay",
            "The payroll register of ?period=YYYY-MM as a file: &format=xlsx (default; a sheet per region, totals) or csv; zup_csv or zup_xlsx for 1C:ЗУП (табельный номер, вид начисления, per-person totals)",
            get(payroll_register),
        ).query::<RegisterQ>().file(&[XLSX, "text/csv"]),
        r(
            M::GET,
            "/api/periods",
            "pay",
            "Payroll periods and their status: open, calculated, approved, paid",
            get(periods),
        ).list::<baton_app::payroll::periods::PeriodInfo>(),
        r(
            M::POST,
            "/api/periods/{id}/calculate",
            "pay",
            "Calculate an ended period (YYYY-MM) and store its statements for review (head, director, accountant, admin)",
            post(calculate_period),
        ).id::<baton_domain::schema::Month>().ok::<baton_app::payroll::periods::PeriodInfo>(),
        r(
            M::POST,
            "/api/periods/{id}/approve",
            "pay",
            "Approve a calculated period: it is frozen from then on (head, director)",
            post(approve_period),
        ).id::<baton_domain::schema::Month>().ok::<baton_app::payroll::periods::PeriodInfo>(),
        r(
            M::POST,
            "/api/periods/{id}/pay",
            "pay",
            "Mark an approved period paid (accountant, director, admin)",
            post(pay_period),
        ).id::<baton_domain::schema::Month>().ok::<baton_app::payroll::periods::PeriodInfo>(),
        r(
            M::GET,
            "/api/plans",
            "pay",
            "Compensation plan versions (head, director, admin, accountant)",
            get(plans),
        ).list::<baton_app::payroll::plans::PlanInfo>(),
        r(
            M::POST,
            "/api/plans",
            "pay",
            "Save a plan text as the next version of its role's (or one person's) plan (head, director, admin)",
            post(add_plan),
        ).body::<baton_app::payroll::plans::NewPlan>().created::<baton_app::payroll::plans::PlanInfo>(),
        r(
            M::POST,
            "/api/plans/check",
            "pay",
            "Check a plan text without saving: every problem with its line and column",
            post(check_plan),
        ).body::<PlanCheck>().ok::<PlanChecked>(),
        r(
            M::GET,
            "/api/plans/{id}",
            "pay",
            "One plan version with its text (shipped:<role> for a shipped default)",
            get(plan),
        ).ok::<PlanText>(),
        r(
            M::GET,
            "/api/config",
            "settings",
            "The conveyor configuration in force",
            get(get_config),
        ).ok::<baton_domain::ConveyorConfig>(),
        r(
            M::PUT,
            "/api/config",
            "settings",
            "Replace the conveyor configuration (director, admin)",
            put(put_config),
        ).body::<baton_domain::ConveyorConfig>().ok::<baton_domain::ConveyorConfig>(),
        r(M::GET, "/api/regions", "people", "Regions", get(regions)).list::<baton_store::records::Region>(),
        r(
            M::POST,
            "/api/regions",
            "people",
            "Create a region",
            post(create_region),
        ).body::<NewRegion>().created::<baton_store::records::Region>(),
        r(
            M::GET,
            "/api/employees",
            "people",
            "Employees (filter: region_id; page, per_page)",
            get(employees),
        ).query::<EmployeesQ>().page::<baton_app::conveyor::people::EmployeeView>(),
        r(
            M::POST,
            "/api/employees",
            "people",
            "Create an employee with a first role",
            post(create_employee),
        ).body::<baton_app::conveyor::people::NewEmployee>().created::<baton_app::conveyor::people::EmployeeView>(),
        r(
            M::GET,
            "/api/employees/{id}",
            "people",
            "One employee with role history",
            get(employee),
        ).ok::<baton_app::conveyor::people::EmployeeView>(),
        r(
            M::POST,
            "/api/employees/{id}/roles",
            "people",
            "Assign a role from a date (replace: end the others)",
            post(assign_role),
        ).body::<baton_app::conveyor::people::NewRole>().ok::<baton_app::conveyor::people::EmployeeView>(),
        r(
            M::POST,
            "/api/employees/{id}/absences",
            "people",
            "Record an absence",
            post(add_absence),
        ).body::<NewAbsence>().created::<baton_store::records::AbsenceRow>(),
        r(
            M::PUT,
            "/api/employees/{id}/personnel-number",
            "people",
            "Set the person's табельный номер in 1C:ЗУП (empty clears it): the accountant, the head of the region, the director, the admin",
            put(set_personnel_number),
        ).body::<PersonnelNumberReq>().ok::<baton_app::conveyor::people::EmployeeView>(),
        r(
            M::GET,
            "/api/payroll/accrual-types",
            "payroll",
            "The plans' components named as the company's 1C:ЗУП виды начислений: {component: вид}",
            get(accrual_types),
        ).any(openapi::object),
        r(
            M::PUT,
            "/api/payroll/accrual-types",
            "payroll",
            "Replace the components' виды начислений {component: вид} (accountant, director, admin)",
            put(set_accrual_types),
        ).any(openapi::object),
        r(
            M::GET,
            "/api/targets",
            "people",
            "Plan targets (filter: period)",
            get(targets),
        ).query::<TargetsQ>().list::<baton_store::records::Target>(),
        r(
            M::POST,
            "/api/targets",
            "people",
            "Set a target for a person, period and metric",
            post(set_target),
        ).body::<NewTarget>().ok::<baton_store::records::Target>(),
        r(
            M::POST,
            "/api/targets/copy",
            "people",
            "Copy one month's targets to another where it has none (for review)",
            post(copy_targets),
        ).body::<CopyTargets>().ok::<baton_app::conveyor::people::TargetCopy>(),
        r(
            M::GET,
            "/api/products",
            "catalogue",
            "Products and list prices",
            get(products),
        ).list::<baton_store::records::Product>(),
        r(
            M::POST,
            "/api/products",
            "catalogue",
            "Create a product",
            post(create_product),
        ).body::<NewProduct>().created::<baton_store::records::Product>(),
        r(
            M::GET,
            "/api/companies",
            "companies",
            "Companies you may see (q, region_id, status, client_manager_id, sort, desc; page)",
            get(companies),
        ).query::<CompanyQ>().page::<baton_store::records::Company>(),
        r(
            M::POST,
            "/api/companies",
            "companies",
            "Create a company (ИНН checked; duplicates refused)",
            post(create_company),
        ).body::<baton_app::conveyor::companies::NewCompany>().created::<baton_app::conveyor::companies::CompanyCard>(),
        r(
            M::GET,
            "/api/companies/{id}",
            "companies",
            "Company card: contacts, activities, handoffs, attribution, contracts, invoices, payments",
            get(company),
        ).ok::<baton_app::conveyor::companies::CompanyCard>(),
        r(
            M::POST,
            "/api/companies/{id}/contacts",
            "companies",
            "Add a contact",
            post(add_contact),
        ).body::<baton_app::conveyor::companies::NewContact>().created::<baton_store::records::Contact>(),
        r(
            M::POST,
            "/api/companies/{id}/merge",
            "companies",
            "Merge a duplicate prospect into another company ({\"into\": id})",
            post(merge),
        ).body::<MergeReq>().ok::<baton_store::records::Company>(),
        r(
            M::POST,
            "/api/companies/{id}/claim",
            "companies",
            "Take or renew the claim on a company",
            post(claim),
        ).ok::<baton_store::records::Company>(),
        r(
            M::POST,
            "/api/companies/{id}/handover",
            "handoffs",
            "Handoff 2: hand the client to a client manager with the brief",
            post(handover),
        ).body::<baton_app::conveyor::deals::HandoverRequest>().created::<baton_store::records::Handoff>(),
        r(
            M::GET,
            "/api/search",
            "companies",
            "Search what the person may see: companies, contacts, leads, invoices and colleagues, by phone (any format), ИНН, name, surname or invoice number",
            get(search),
        ).query::<SearchQ>().ok::<baton_app::conveyor::search::SearchResults>(),
        r(
            M::GET,
            "/api/department/changes",
            "reports",
            "The splits carried out, oldest first: when the department changed its shape",
            get(department_changes),
        ).query::<ChangesQ>().list::<baton_app::conveyor::split::DepartmentChange>(),
        r(
            M::GET,
            "/api/split/preset",
            "people",
            "A preset split (universal, mixed or conveyor) for a region's people as they are today: a draft to edit, preview and apply",
            get(split_preset),
        ).query::<SplitPresetQ>().ok::<baton_app::conveyor::split::Split>(),
        r(
            M::POST,
            "/api/split/preview",
            "people",
            "Preview the split: roles from today and whose clients go to whom, with portfolios and pay before and after (nothing is changed)",
            post(split_preview),
        ).body::<baton_app::conveyor::split::Split>().ok::<baton_app::conveyor::split::SplitOutcome>(),
        r(
            M::POST,
            "/api/split",
            "people",
            "Carry out the split in one transaction: roles from today, then the moves of clients",
            post(split),
        ).body::<baton_app::conveyor::split::Split>().ok::<baton_app::conveyor::split::SplitOutcome>(),
        r(
            M::POST,
            "/api/clients/reassign/preview",
            "companies",
            "Preview moving clients to another client manager: portfolios, revenue and pay before and after (nothing is changed)",
            post(clients_reassign_preview),
        ).body::<baton_app::conveyor::portfolios::Reassignment>().ok::<baton_app::conveyor::portfolios::MoveOutcome>(),
        r(
            M::POST,
            "/api/clients/reassign",
            "companies",
            "Move clients (a list, or a manager's whole book) to another client manager in one transaction",
            post(clients_reassign),
        ).body::<baton_app::conveyor::portfolios::Reassignment>().ok::<baton_app::conveyor::portfolios::MoveOutcome>(),
        r(
            M::GET,
            "/api/call-lists",
            "calls",
            "Call lists",
            get(call_lists),
        ).list::<baton_store::records::CallList>(),
        r(
            M::POST,
            "/api/call-lists",
            "calls",
            "Create a call list",
            post(create_call_list),
        ).body::<NewCallList>().created::<baton_store::records::CallList>(),
        r(
            M::POST,
            "/api/call-lists/{id}/items",
            "calls",
            "Add companies to a call list",
            post(add_call_list_items),
        ).body::<CompanyIds>().ok::<baton_store::records::CallList>(),
        r(
            M::GET,
            "/api/call-lists/{id}/queue",
            "calls",
            "The next companies to call, with contacts and history",
            get(call_queue),
        ).query::<PageQ>().list::<baton_app::conveyor::calls::QueueItem>(),
        r(
            M::POST,
            "/api/calls",
            "calls",
            "Log a call outcome",
            post(log_call),
        ).body::<baton_app::conveyor::calls::NewCall>().created::<baton_store::records::Activity>(),
        r(
            M::GET,
            "/api/activities",
            "calls",
            "Activities (company_id, actor_id, date; page)",
            get(activities),
        ).query::<ActivitiesQ>().page::<baton_store::records::Activity>(),
        r(
            M::POST,
            "/api/activities",
            "calls",
            "Log a meeting, e-mail or note",
            post(log_activity),
        ).body::<baton_app::conveyor::calls::NewActivity>().created::<baton_store::records::Activity>(),
        r(
            M::GET,
            "/api/leads",
            "leads",
            "Leads you may see (stage, region_id, caller_id, seller_id, owner_id, source, sort; page)",
            get(leads),
        ).query::<LeadQ>().page::<baton_store::records::LeadRow>(),
        r(
            M::POST,
            "/api/leads",
            "leads",
            "Open a lead (a manager's own lead skips handoff 1)",
            post(open_lead),
        ).body::<baton_app::conveyor::leads::NewLead>().created::<baton_store::records::LeadRow>(),
        r(
            M::GET,
            "/api/leads/{id}",
            "leads",
            "One lead with its handoffs",
            get(lead),
        ).ok::<baton_app::conveyor::leads::LeadView>(),
        r(
            M::PUT,
            "/api/leads/{id}/checklist",
            "leads",
            "Save warm-lead checklist answers",
            put(save_checklist),
        ).body::<ChecklistReq>().ok::<baton_store::records::LeadRow>(),
        r(
            M::POST,
            "/api/leads/{id}/handoff",
            "handoffs",
            "Handoff 1: hand the warm lead to a sales manager by the rule",
            post(hand_off),
        ).body::<baton_app::conveyor::leads::HandOffRequest>().ok::<baton_app::conveyor::leads::HandOffResult>(),
        r(
            M::POST,
            "/api/leads/{id}/accept",
            "handoffs",
            "Accept a handed lead",
            post(accept),
        ).ok::<baton_store::records::LeadRow>(),
        r(
            M::POST,
            "/api/leads/{id}/reject",
            "handoffs",
            "Reject a handed lead with a reason; it returns to the caller",
            post(reject),
        ).body::<RejectReq>().ok::<baton_store::records::LeadRow>(),
        r(
            M::POST,
            "/api/leads/{id}/reassign",
            "handoffs",
            "Give a pending lead to another sales manager (head)",
            post(reassign),
        ).body::<ReassignReq>().ok::<baton_app::conveyor::leads::HandOffResult>(),
        r(
            M::POST,
            "/api/leads/{id}/move",
            "leads",
            "Move a deal between board stages",
            post(move_lead),
        ).body::<MoveReq>().ok::<baton_store::records::LeadRow>(),
        r(
            M::POST,
            "/api/leads/{id}/lose",
            "leads",
            "Close a lead as lost with a reason",
            post(lose),
        ).body::<LoseReq>().ok::<baton_store::records::LeadRow>(),
        r(
            M::POST,
            "/api/leads/{id}/contract",
            "money",
            "Sign the deal's first contract",
            post(sign_contract),
        ).body::<baton_app::conveyor::deals::NewContract>().created::<baton_store::records::Contract>(),
        r(
            M::GET,
            "/api/handoffs",
            "handoffs",
            "Handoffs you sent or received (status, kind; page)",
            get(handoffs),
        ).query::<HandoffsQ>().page::<baton_store::records::Handoff>(),
        r(
            M::GET,
            "/api/handoffs/overdue",
            "handoffs",
            "Pending warm leads past the acceptance SLA",
            get(overdue_handoffs),
        ).list::<baton_store::records::Handoff>(),
        r(
            M::POST,
            "/api/handoffs/{id}/kickoff",
            "handoffs",
            "The client manager held the kickoff meeting",
            post(kickoff),
        ).body::<NoteReq>().ok::<baton_store::records::Handoff>(),
        r(
            M::GET,
            "/api/tasks",
            "tasks",
            "Tasks, soonest first: yours, or a person's within your reach (owner_id), or a company's (company_id); status open (default), closed or all; page",
            get(tasks),
        ).query::<baton_app::conveyor::tasks::TaskQuery>().page::<baton_store::records::Task>().errors(&[404]),
        r(
            M::POST,
            "/api/tasks",
            "tasks",
            "Set a task: {kind, due_at (company time or RFC 3339), company_id, owner_id?, lead_id?, invoice_id?, note?}",
            post(add_task),
        ).body::<baton_app::conveyor::tasks::NewTask>().created::<baton_store::records::Task>(),
        r(
            M::POST,
            "/api/tasks/{id}/close",
            "tasks",
            "Close a task: {outcome: done | cancelled, result?}",
            post(close_task),
        ).body::<baton_app::conveyor::tasks::CloseTask>().ok::<baton_store::records::Task>(),
        r(
            M::GET,
            "/api/me/day",
            "tasks",
            "My day: my open tasks overdue, due today and tomorrow (company time), and how many later",
            get(my_day),
        ).ok::<baton_app::conveyor::tasks::MyDay>(),
        r(
            M::POST,
            "/api/invoices/{id}/promise",
            "tasks",
            "The client promised to pay the invoice on a day: {on, note?} — a «collect payment» task for the client's manager; paying the invoice in full closes it",
            post(promise),
        ).body::<PromiseReq>().created::<baton_store::records::Task>(),
        r(
            M::GET,
            "/api/contracts",
            "money",
            "Contracts (company_id; page)",
            get(contracts),
        ).query::<CompanyPageQ>().page::<baton_store::records::Contract>(),
        r(
            M::GET,
            "/api/orders",
            "money",
            "Orders (company_id; page)",
            get(orders),
        ).query::<CompanyPageQ>().page::<baton_store::records::Order>(),
        r(
            M::POST,
            "/api/orders",
            "money",
            "Record an order",
            post(create_order),
        ).body::<baton_app::conveyor::deals::NewOrder>().created::<baton_store::records::Order>(),
        r(
            M::GET,
            "/api/invoices",
            "money",
            "Invoices with paid and outstanding amounts (company_id, overdue; page)",
            get(invoices),
        ).query::<InvoicesQ>().page::<baton_app::conveyor::deals::InvoiceView>(),
        r(
            M::POST,
            "/api/invoices",
            "money",
            "Issue an invoice",
            post(create_invoice),
        ).body::<baton_app::conveyor::deals::NewInvoice>().created::<baton_store::records::Invoice>(),
        r(
            M::GET,
            "/api/payments",
            "money",
            "Payments (company_id, from, to; page)",
            get(payments),
        ).query::<PaymentsQ>().page::<baton_store::records::Payment>(),
        r(
            M::POST,
            "/api/payments",
            "money",
            "Record a payment (the first one wins the client)",
            post(record_payment),
        ).body::<baton_app::conveyor::deals::NewPayment>().created::<baton_app::conveyor::deals::PaymentResult>(),
        r(
            M::POST,
            "/api/refunds",
            "money",
            "Record a refund: a negative payment with a credit note",
            post(record_refund),
        ).body::<baton_app::conveyor::deals::NewRefund>().created::<RefundResult>(),
        r(
            M::GET,
            "/api/audit",
            "system",
            "Audit events (entity, entity_id; page)",
            get(audit),
        ).query::<AuditQ>().page::<baton_store::records::AuditEvent>(),
        r(
            M::GET,
            "/api/audit/verify",
            "system",
            "Walk the audit chain: ok, events, head, the first broken event (director, admin)",
            get(audit_verify),
        ).ok::<baton_app::audit::AuditVerdict>(),
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
        baton_catalog::Text::new("api-no-route")
            .arg("method", method.to_string())
            .arg("path", uri.path()),
    )
    .into_response()
}

async fn wrong_method(method: Method, uri: axum::http::Uri) -> impl IntoResponse {
    error::ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        baton_catalog::Text::new("api-wrong-method")
            .arg("method", method.to_string())
            .arg("path", uri.path()),
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
        .route("/healthz", get(ops::healthz))
        .route("/metrics", get(ops::metrics))
        // Every route above is counted, timed and logged by its pattern.
        .layer(axum::middleware::from_fn(ops::measure))
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

/// The OpenAPI 3.1 document, generated from the route table and the types (openapi.rs).
pub fn openapi() -> serde_json::Value {
    openapi::document()
}

/// What the server does by itself, checking every `tick`:
/// - once a minute, the acceptance-SLA sweep (late warm leads are reassigned when the
///   configuration asks for it), then the alert rules, for the alerts the clock raises;
/// - after every write through this server or another (`Db::writes` moved), the alert rules, so an alert
///   is in the log within about a tick of the event that raised it. Evaluations never overlap:
///   a burst of writes is evaluated once, after the evaluation in flight.
pub async fn watch(app: App, tick: Duration) {
    // Of several servers on one database only the leader evaluates (issue 19): a change is
    // evaluated once, and a late lead is reassigned once.
    let lead = std::sync::Arc::new(std::sync::Mutex::new(app.db.leadership(WATCHER_KEY)));
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
        let lead = lead.clone();
        let done = tokio::task::spawn_blocking(move || {
            if !lead.lock().map(|mut l| l.lead()).unwrap_or(false) {
                return writes;
            }
            // Counted per server: of several on one database only the leader's count moves.
            metrics::counter!("baton_alert_evaluations_total").increment(1);
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

/// The advisory-lock key of the alert watcher's leadership ("baton" and 1).
const WATCHER_KEY: i64 = 0x6261_746f_6e01;

/// Serves until Ctrl-C or SIGTERM, then finishes requests in flight.
pub async fn serve(app: App, addr: &str, config: WebConfig) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    // Other servers' and the command line's writes move this server's commit count too, so
    // its caches and the alert watcher learn of them within a second (issue 19).
    app.db.follow_other_writers();
    tokio::spawn(watch(app.clone(), Duration::from_secs(1)));
    // Webhooks, e-mail and Telegram (issue 18): their servers come from the environment.
    let senders = baton_delivery::Senders::from_env().map_err(std::io::Error::other)?;
    tokio::spawn(baton_delivery::run(
        app.clone(),
        senders,
        Duration::from_secs(1),
    ));
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
