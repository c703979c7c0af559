//! Every table Baton stores, in dependency order (a bundle imports in this order).
//! Dates are `YYYY-MM-DD`, instants RFC 3339 UTC with fixed width, money BIGINT kopecks.

use crate::value::Json;
use baton_domain::Money;

crate::records! {
    Region in "regions" { id: String, code: String, name: String }

    Employee in "employees" {
        id: String, login: String, name: String, region_id: Option<String>,
        password_hash: String, open_lead_limit: Option<i64>, active: bool, created_at: String,
        personnel_number: Option<String>,
    }

    RoleAssignmentRow in "role_assignments" {
        id: String, employee_id: String, role: String, region_id: Option<String>,
        valid_from: String, valid_to: Option<String>,
    }

    AbsenceRow in "absences" { id: String, employee_id: String, from_date: String, to_date: String, kind: String }

    Company in "companies" {
        id: String, inn: String, kpp: String, name: String, name_norm: String, region_id: String,
        industry: Option<String>, source: String, status: String,
        claim_holder_id: Option<String>, claim_until: Option<String>,
        client_manager_id: Option<String>,
        att_caller_id: Option<String>, att_seller_id: Option<String>, att_won_on: Option<String>,
        att_kind: Option<String>, att_lead_id: Option<String>,
        first_paid_on: Option<String>, last_paid_on: Option<String>,
        version: i64, created_at: String, created_by: String,
    }

    Contact in "contacts" {
        id: String, company_id: String, name: String, position: Option<String>, is_dm: bool,
        phone: Option<String>, email: Option<String>, created_at: String,
    }

    CallList in "call_lists" { id: String, name: String, owner_id: String, region_id: String, created_at: String }

    CallListItem in "call_list_items" { id: String, call_list_id: String, company_id: String, position: i64, done: bool }

    LeadRow in "leads" {
        id: String, company_id: String, region_id: String, owner_id: String,
        caller_id: Option<String>, seller_id: Option<String>, stage: String, source: String,
        campaign: Option<String>, checklist: Json, amount: Option<Money>, expected_on: Option<String>,
        last_rejection: Option<String>, lost_reason: Option<String>, version: i64,
        created_at: String, updated_at: String,
    }

    Activity in "activities" {
        id: String, kind: String, company_id: String, lead_id: Option<String>, actor_id: String,
        outcome: Option<String>, duration_sec: i64, occurred_at: String, local_date: String,
        note: Option<String>,
    }

    Handoff in "handoffs" {
        id: String, kind: String, lead_id: Option<String>, company_id: String, sender_id: String,
        receiver_id: String, rule: String, explanation: String, snapshot: Json,
        created_at: String, due_at: String, status: String, decided_at: Option<String>,
        reason: Option<String>, reason_text: Option<String>, explanation_text: Option<String>,
    }

    Product in "products" {
        id: String, sku: String, name: String, product_group: String, region_id: Option<String>,
        price: Money, active: bool,
    }

    Contract in "contracts" {
        id: String, number: String, company_id: String, lead_id: Option<String>, signed_by: String,
        signed_on: String, amount: Money, win_kind: Option<String>, won_on: Option<String>,
        created_at: String,
    }

    ContractLine in "contract_lines" {
        id: String, contract_id: String, product_id: String, qty: i64, price: Money, amount: Money,
    }

    Order in "orders" {
        id: String, company_id: String, contract_id: Option<String>, delivery_month: String,
        amount: Money, created_by: String, created_at: String,
    }

    OrderLine in "order_lines" { id: String, order_id: String, product_id: String, qty: i64, price: Money, amount: Money }

    /// `settled_on`: the day the invoice was paid in full for good; none while anything is open.
    Invoice in "invoices" {
        id: String, number: String, company_id: String, contract_id: Option<String>,
        order_id: Option<String>, issued_on: String, due_on: String, amount: Money,
        created_by: String, created_at: String, settled_on: Option<String>,
    }

    CreditNote in "credit_notes" { id: String, invoice_id: String, issued_on: String, amount: Money, reason: String, created_at: String }

    Payment in "payments" {
        id: String, invoice_id: String, company_id: String, paid_on: String, amount: Money,
        credit_note_id: Option<String>, client_manager_id: Option<String>, created_by: String,
        created_at: String,
    }

    Target in "targets" { id: String, employee_id: String, period: String, metric: String, value: String }

    /// One change, as written. `seq`, `prev_hash` and `hash` link it into the audit chain
    /// (chain.rs); they are empty until its transaction commits.
    AuditEvent in "audit_events" {
        id: String, at: String, actor_id: Option<String>, entity: String, entity_id: String,
        action: String, before_json: Option<Json>, after_json: Option<Json>,
        seq: Option<i64>, prev_hash: Option<String>, hash: Option<String>,
    }

    Setting in "settings" { id: String, value: String }

    /// A compensation plan version; `body` is the plan text, never edited once saved.
    PlanVersion in "plan_versions" {
        id: String, role: String, employee_id: Option<String>, version: i64,
        effective_from: String, name: String, body: String, status: String,
        created_by: Option<String>, created_at: String,
    }

    /// A payroll period `YYYY-MM`: open → calculated → approved → paid. `changes` counts writes
    /// dated inside it after it was closed; `checked` how many of them later statements saw.
    PayPeriod in "pay_periods" {
        id: String, status: String, end_on: String,
        calculated_at: Option<String>, calculated_by: Option<String>,
        approved_at: Option<String>, approved_by: Option<String>,
        paid_at: Option<String>, paid_by: Option<String>,
        changes: i64, checked: i64, version: i64,
    }

    /// A person's statement of a calculated period, stored as the exact JSON served.
    PayStatement in "pay_statements" {
        id: String, period: String, employee_id: String, total: Money, body: Json, created_at: String,
    }

    /// An acquisition cost other than pay (telephony, call lists, ads …) of a month `YYYY-MM`
    /// and region, for the cost per client (issue 4).
    AcquisitionCost in "acquisition_costs" {
        id: String, month: String, region_id: String, kind: String, amount: Money,
        note: Option<String>, created_by: Option<String>, created_at: String,
    }

    /// An acknowledged alert; the id is the alert's stable key.
    AlertAck in "alert_acks" {
        id: String, rule: String, region_id: Option<String>, acknowledged_by: String,
        acknowledged_at: String,
    }

    /// An alert as it was raised; the id is the alert's stable key. `records` is a JSON array
    /// of record ids; `cleared_at` is set when the rule stops raising it.
    AlertLogRow in "alert_log" {
        id: String, rule: String, person_id: String, region_id: Option<String>, message: String,
        action: String, message_ru: String, action_ru: String, records: String, raised_at: String,
        raised_after: String,
        cleared_at: Option<String>,
    }

    /// A bank statement's document recorded as a payment (issue 17): `id` is the document's
    /// key (number|date|payer ИНН|kopecks), so that it is never recorded twice.
    BankDocument in "bank_documents" {
        id: String, payment_id: String, imported_at: String, imported_by: String,
    }

    /// A record imported from a CRM's export (issue 17): `id` is the source's key
    /// (`amocrm|deal|4711`), so that the same file imported again changes nothing.
    CrmRecord in "crm_records" {
        id: String, entity: String, entity_id: String, imported_at: String, imported_by: String,
    }

    /// A task one person owes a client (issue 18): open while `closed_at` is empty; `outcome`
    /// is `done` or `cancelled`, `result` what the owner wrote when closing it.
    Task in "tasks" {
        id: String, owner_id: String, kind: String, due_at: String, company_id: String,
        lead_id: Option<String>, invoice_id: Option<String>, note: Option<String>,
        created_by: String, created_at: String, closed_at: Option<String>,
        outcome: Option<String>, result: Option<String>,
    }
}

/// The bundle's files, in the order they are imported (parents before children).
pub const BUNDLE_TABLES: [&str; 28] = [
    "regions",
    "employees",
    "role_assignments",
    "absences",
    "companies",
    "contacts",
    "call_lists",
    "call_list_items",
    "leads",
    "activities",
    "handoffs",
    "products",
    "contracts",
    "contract_lines",
    "orders",
    "order_lines",
    "invoices",
    "credit_notes",
    "payments",
    "targets",
    "audit_events",
    "settings",
    "plan_versions",
    "pay_periods",
    "pay_statements",
    "acquisition_costs",
    "bank_documents",
    "tasks",
];

crate::records! {
    /// A head's approval of their region's part of a calculated period (`id` = period:region).
    PeriodApproval in "period_approvals" {
        id: String, period: String, region_id: String, approved_at: String, approved_by: String,
    }

    /// An event to tell people and other systems about (issue 18), written in the transaction
    /// of the change it reports; `payload` is the JSON sent, `fanned_out_at` set once its
    /// deliveries are listed.
    OutboxEvent in "outbox_events" {
        id: String, kind: String, at: String, payload: String, fanned_out_at: Option<String>,
    }

    /// An integrator's subscription: events (a JSON array of kinds) are POSTed to `url`,
    /// signed with `secret`. `failures` counts failed attempts in a row; past the limit the
    /// webhook is disabled (`active` false, `disabled_at`).
    Webhook in "webhooks" {
        id: String, url: String, secret: String, events: String, active: bool, failures: i64,
        disabled_at: Option<String>, created_by: String, created_at: String,
    }

    /// One event's delivery to one webhook or person on one channel (`webhook`, `email`,
    /// `telegram`); `target` is the webhook's or the person's id.
    Delivery in "deliveries" {
        id: String, event_id: String, channel: String, target: String, status: String,
        attempts: i64, next_at: String, last_code: Option<i64>, last_error: Option<String>,
        delivered_at: Option<String>, created_at: String,
    }

    /// An in-app notification: the event's kind and data, read or not.
    Notification in "notifications" {
        id: String, employee_id: String, event_id: String, kind: String, payload: String,
        created_at: String, read_at: Option<String>,
    }

    /// A login session or an API token; `id` is the SHA-256 of the secret, never the secret.
    Session in "sessions" { id: String, employee_id: String, kind: String, created_at: String, expires_at: String }
}
