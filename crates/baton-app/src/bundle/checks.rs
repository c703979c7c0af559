//! What every column of the bundle may hold, checked with the parsers the API uses: business
//! dates within the window, instants as the store writes them, the domain's enums, ИНН, КПП,
//! phones, money, texts within their limits. References and unique keys need the other files
//! and the database; they are checked in `refs.rs`.

use crate::clock::{parse_stamp, stamp};
use baton_catalog::Text;
use baton_domain::input::{self, CODE_MAX, DOCUMENT_MAX, NAME_MAX, NOTE_MAX};
use baton_domain::{CALL_OUTCOMES, Inn, Kpp, Money, Phone};
use baton_store::value::Field;
use chrono::NaiveDate;

/// What one column holds. `Ref` and `OptRef` name the table the value must be an id of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    /// A row's id: not blank, one line, at most `NAME_MAX` characters.
    Id,
    /// A required one-line text of at most this many characters.
    Text(usize),
    /// An optional one-line text.
    OptText(usize),
    /// An optional text that may span lines.
    Note(usize),
    /// A required text that may span lines.
    Body(usize),
    Date,
    OptDate,
    Instant,
    OptInstant,
    /// `YYYY-MM`.
    Month,
    Enum(&'static [&'static str]),
    OptEnum(&'static [&'static str]),
    Ref(&'static str),
    OptRef(&'static str),
    /// A whole number (any sign, as stored).
    OptInt,
    /// A whole number ≥ 0 (or > 0 with `Positive`).
    NonNegative,
    OptNonNegative,
    Positive,
    Money,
    /// Money ≥ 0.
    NonNegMoney,
    OptNonNegMoney,
    /// Money > 0: what the use cases require of an amount invoiced, signed or paid.
    PositiveMoney,
    /// Money ≠ 0 (payments are negative for refunds; a cost may be a correction).
    NonZeroMoney,
    Bool,
    Json,
    OptJson,
    Inn,
    OptKpp,
    OptPhone,
}

use Kind::*;

const ROLES: &[&str] = &[
    "caller",
    "sales_manager",
    "client_manager",
    "universal_manager",
    "head",
    "director",
    "accountant",
    "admin",
];
const STAGES: &[&str] = &[
    "working", "handed", "accepted", "meeting", "proposal", "contract", "won", "lost",
];
const LEAD_SOURCES: &[&str] = &["cold_call", "inbound", "referral", "campaign"];
const COMPANY_STATUSES: &[&str] = &["prospect", "client", "merged"];
const WIN_KINDS: &[&str] = &["new_client", "reactivation"];
const ACTIVITY_KINDS: &[&str] = &["call", "meeting", "email", "note"];
/// What a meeting may record: the kick-off with a new client (the client handoff's end).
const MEETING_OUTCOMES: &[&str] = &["kickoff"];
const HANDOFF_KINDS: &[&str] = &["lead", "client"];
const HANDOFF_STATUSES: &[&str] = &["pending", "accepted", "rejected", "reassigned", "done"];
const PERIOD_STATUSES: &[&str] = &["open", "calculated", "approved", "paid"];
const PLAN_STATUSES: &[&str] = &["active", "draft", "shipped"];

/// Every column of every bundle file, in the record's column order.
pub(super) fn spec(table: &str) -> &'static [(&'static str, Kind)] {
    match table {
        "regions" => &[
            ("id", Id),
            ("code", Text(CODE_MAX)),
            ("name", Text(NAME_MAX)),
        ],
        "employees" => &[
            ("id", Id),
            ("login", Text(CODE_MAX)),
            ("name", Text(NAME_MAX)),
            ("region_id", OptRef("regions")),
            ("password_hash", Text(NOTE_MAX)),
            ("open_lead_limit", OptNonNegative),
            ("active", Bool),
            ("created_at", Instant),
            ("personnel_number", OptText(CODE_MAX)),
        ],
        "role_assignments" => &[
            ("id", Id),
            ("employee_id", Ref("employees")),
            ("role", Enum(ROLES)),
            ("region_id", OptRef("regions")),
            ("valid_from", Date),
            ("valid_to", OptDate),
        ],
        "absences" => &[
            ("id", Id),
            ("employee_id", Ref("employees")),
            ("from_date", Date),
            ("to_date", Date),
            ("kind", Text(CODE_MAX)),
        ],
        "companies" => &[
            ("id", Id),
            ("inn", Inn),
            ("kpp", OptKpp),
            ("name", Text(NAME_MAX)),
            ("name_norm", Text(NAME_MAX)),
            ("region_id", Ref("regions")),
            ("industry", OptText(NAME_MAX)),
            ("source", Text(CODE_MAX)),
            ("status", Enum(COMPANY_STATUSES)),
            ("claim_holder_id", OptRef("employees")),
            ("claim_until", OptInstant),
            ("client_manager_id", OptRef("employees")),
            ("att_caller_id", OptRef("employees")),
            ("att_seller_id", OptRef("employees")),
            ("att_won_on", OptDate),
            ("att_kind", OptEnum(WIN_KINDS)),
            ("att_lead_id", OptRef("leads")),
            ("first_paid_on", OptDate),
            ("last_paid_on", OptDate),
            ("version", NonNegative),
            ("created_at", Instant),
            ("created_by", Ref("employees")),
        ],
        "contacts" => &[
            ("id", Id),
            ("company_id", Ref("companies")),
            ("name", Text(NAME_MAX)),
            ("position", OptText(NAME_MAX)),
            ("is_dm", Bool),
            ("phone", OptPhone),
            ("email", OptText(NOTE_MAX)),
            ("created_at", Instant),
        ],
        "call_lists" => &[
            ("id", Id),
            ("name", Text(NAME_MAX)),
            ("owner_id", Ref("employees")),
            ("region_id", Ref("regions")),
            ("created_at", Instant),
        ],
        "call_list_items" => &[
            ("id", Id),
            ("call_list_id", Ref("call_lists")),
            ("company_id", Ref("companies")),
            ("position", NonNegative),
            ("done", Bool),
        ],
        "leads" => &[
            ("id", Id),
            ("company_id", Ref("companies")),
            ("region_id", Ref("regions")),
            ("owner_id", Ref("employees")),
            ("caller_id", OptRef("employees")),
            ("seller_id", OptRef("employees")),
            ("stage", Enum(STAGES)),
            ("source", Enum(LEAD_SOURCES)),
            ("campaign", OptText(NAME_MAX)),
            ("checklist", Json),
            ("amount", OptNonNegMoney),
            ("expected_on", OptDate),
            ("last_rejection", Note(NOTE_MAX)),
            ("lost_reason", Note(NOTE_MAX)),
            ("version", NonNegative),
            ("created_at", Instant),
            ("updated_at", Instant),
        ],
        "activities" => &[
            ("id", Id),
            ("kind", Enum(ACTIVITY_KINDS)),
            ("company_id", Ref("companies")),
            ("lead_id", OptRef("leads")),
            ("actor_id", Ref("employees")),
            ("outcome", OptText(CODE_MAX)),
            ("duration_sec", NonNegative),
            ("occurred_at", Instant),
            ("local_date", Date),
            ("note", Note(NOTE_MAX)),
        ],
        "handoffs" => &[
            ("id", Id),
            ("kind", Enum(HANDOFF_KINDS)),
            ("lead_id", OptRef("leads")),
            ("company_id", Ref("companies")),
            ("sender_id", Ref("employees")),
            ("receiver_id", Ref("employees")),
            ("rule", Text(CODE_MAX)),
            ("explanation", Body(NOTE_MAX)),
            ("snapshot", Json),
            ("created_at", Instant),
            ("due_at", Instant),
            ("status", Enum(HANDOFF_STATUSES)),
            ("decided_at", OptInstant),
            ("reason", OptText(CODE_MAX)),
            ("reason_text", Note(NOTE_MAX)),
            ("explanation_text", Note(NOTE_MAX)),
        ],
        "products" => &[
            ("id", Id),
            ("sku", Text(CODE_MAX)),
            ("name", Text(NAME_MAX)),
            ("product_group", Text(NAME_MAX)),
            ("region_id", OptRef("regions")),
            ("price", NonNegMoney),
            ("active", Bool),
        ],
        "contracts" => &[
            ("id", Id),
            ("number", Text(CODE_MAX)),
            ("company_id", Ref("companies")),
            ("lead_id", OptRef("leads")),
            ("signed_by", Ref("employees")),
            ("signed_on", Date),
            ("amount", PositiveMoney),
            ("win_kind", OptEnum(WIN_KINDS)),
            ("won_on", OptDate),
            ("created_at", Instant),
        ],
        "contract_lines" => &[
            ("id", Id),
            ("contract_id", Ref("contracts")),
            ("product_id", Ref("products")),
            ("qty", Positive),
            ("price", NonNegMoney),
            ("amount", NonNegMoney),
        ],
        "orders" => &[
            ("id", Id),
            ("company_id", Ref("companies")),
            ("contract_id", OptRef("contracts")),
            ("delivery_month", Month),
            ("amount", PositiveMoney),
            ("created_by", Ref("employees")),
            ("created_at", Instant),
        ],
        "order_lines" => &[
            ("id", Id),
            ("order_id", Ref("orders")),
            ("product_id", Ref("products")),
            ("qty", Positive),
            ("price", NonNegMoney),
            ("amount", NonNegMoney),
        ],
        "invoices" => &[
            ("id", Id),
            ("number", Text(CODE_MAX)),
            ("company_id", Ref("companies")),
            ("contract_id", OptRef("contracts")),
            ("order_id", OptRef("orders")),
            ("issued_on", Date),
            ("due_on", Date),
            ("amount", PositiveMoney),
            ("created_by", Ref("employees")),
            ("created_at", Instant),
            ("settled_on", OptDate),
        ],
        "credit_notes" => &[
            ("id", Id),
            ("invoice_id", Ref("invoices")),
            ("issued_on", Date),
            ("amount", PositiveMoney),
            ("reason", Text(NOTE_MAX)),
            ("created_at", Instant),
        ],
        "payments" => &[
            ("id", Id),
            ("invoice_id", Ref("invoices")),
            ("company_id", Ref("companies")),
            ("paid_on", Date),
            ("amount", NonZeroMoney),
            ("credit_note_id", OptRef("credit_notes")),
            ("client_manager_id", OptRef("employees")),
            ("created_by", Ref("employees")),
            ("created_at", Instant),
        ],
        "targets" => &[
            ("id", Id),
            ("employee_id", Ref("employees")),
            ("period", Month),
            ("metric", Text(CODE_MAX)),
            ("value", Text(CODE_MAX)),
        ],
        "audit_events" => &[
            ("id", Id),
            ("at", Instant),
            ("actor_id", OptRef("employees")),
            ("entity", Text(CODE_MAX)),
            ("entity_id", Text(NAME_MAX)),
            ("action", Text(CODE_MAX)),
            ("before_json", OptJson),
            ("after_json", OptJson),
            ("seq", OptInt),
            ("prev_hash", OptText(CODE_MAX)),
            ("hash", OptText(CODE_MAX)),
        ],
        "settings" => &[("id", Id), ("value", Body(DOCUMENT_MAX))],
        "plan_versions" => &[
            ("id", Id),
            ("role", Enum(ROLES)),
            ("employee_id", OptRef("employees")),
            ("version", NonNegative),
            ("effective_from", Date),
            ("name", Text(NAME_MAX)),
            ("body", Body(DOCUMENT_MAX)),
            ("status", Enum(PLAN_STATUSES)),
            ("created_by", OptRef("employees")),
            ("created_at", Instant),
        ],
        "pay_periods" => &[
            ("id", Month),
            ("status", Enum(PERIOD_STATUSES)),
            ("end_on", Date),
            ("calculated_at", OptInstant),
            ("calculated_by", OptRef("employees")),
            ("approved_at", OptInstant),
            ("approved_by", OptRef("employees")),
            ("paid_at", OptInstant),
            ("paid_by", OptRef("employees")),
            ("changes", NonNegative),
            ("checked", NonNegative),
            ("version", NonNegative),
        ],
        "pay_statements" => &[
            ("id", Id),
            ("period", Ref("pay_periods")),
            ("employee_id", Ref("employees")),
            ("total", Money),
            ("body", Json),
            ("created_at", Instant),
        ],
        "acquisition_costs" => &[
            ("id", Id),
            ("month", Month),
            ("region_id", Ref("regions")),
            ("kind", Text(CODE_MAX)),
            ("amount", NonZeroMoney),
            ("note", Note(NOTE_MAX)),
            ("created_by", OptRef("employees")),
            ("created_at", Instant),
        ],
        // A file added after the format was published: a bundle from before has none.
        "bank_documents" => &[
            ("id", Id),
            ("payment_id", Ref("payments")),
            ("imported_at", Instant),
            ("imported_by", Ref("employees")),
        ],
        // Added with tasks (issue 18): a bundle from before has none.
        "tasks" => &[
            ("id", Id),
            ("owner_id", Ref("employees")),
            ("kind", Enum(&baton_domain::task::TASK_KINDS)),
            ("due_at", Instant),
            ("company_id", Ref("companies")),
            ("lead_id", OptRef("leads")),
            ("invoice_id", OptRef("invoices")),
            ("note", Note(NOTE_MAX)),
            ("created_by", Ref("employees")),
            ("created_at", Instant),
            ("closed_at", OptInstant),
            ("outcome", OptEnum(&baton_domain::task::TASK_OUTCOMES)),
            ("result", Note(NOTE_MAX)),
        ],
        // Added with CRM imports (issue 17): a bundle from before has none.
        "crm_records" => &[
            ("id", Text(NAME_MAX)),
            ("entity", Text(CODE_MAX)),
            ("entity_id", Text(CODE_MAX)),
            ("imported_at", Instant),
            ("imported_by", Ref("employees")),
        ],
        _ => &[],
    }
}

/// The kinds of `columns` in their order (a column the spec lacks is only type-checked).
pub(super) fn kinds(table: &str, columns: &[&str]) -> Vec<Option<Kind>> {
    let s = spec(table);
    columns
        .iter()
        .map(|c| s.iter().find(|(n, _)| n == c).map(|(_, k)| *k))
        .collect()
}

fn one_of(v: &str, valid: &[&str]) -> Result<(), Text> {
    if valid.contains(&v) {
        Ok(())
    } else {
        Err(Text::new("why-not-one-of")
            .arg("value", v)
            .arg("valid", valid.join(", ")))
    }
}

/// Whether `v` has ASCII digits at every position but the separators `seps` (position, byte).
fn shaped(v: &[u8], len: usize, seps: &[(usize, u8)]) -> bool {
    v.len() == len
        && v.iter()
            .enumerate()
            .all(|(i, b)| match seps.iter().find(|s| s.0 == i) {
                Some((_, sep)) => b == sep,
                None => b.is_ascii_digit(),
            })
}

fn date(v: &str, today: NaiveDate) -> Result<(), Text> {
    let d = input::business_date(v, today).map_err(|e| e.why())?;
    // The store compares dates as text: only the canonical form sorts right.
    if !shaped(v.as_bytes(), 10, &[(4, b'-'), (7, b'-')]) {
        return Err(Text::new("why-date-canonical").arg("date", d.to_string()));
    }
    Ok(())
}

/// `YYYY-MM-DDTHH:MM:SS.ffffffZ`, as `clock::stamp` writes it.
const STAMP_SHAPE: &[(usize, u8)] = &[
    (4, b'-'),
    (7, b'-'),
    (10, b'T'),
    (13, b':'),
    (16, b':'),
    (19, b'.'),
    (26, b'Z'),
];

fn instant(v: &str) -> Result<(), Text> {
    // The fixed-width form is checked by shape: formatting every stamp back to compare it
    // was a measurable part of the import's time.
    if shaped(v.as_bytes(), 27, STAMP_SHAPE) && parse_stamp(v).is_some() {
        return Ok(());
    }
    let t = parse_stamp(v).ok_or_else(|| Text::new("why-not-instant").arg("value", v))?;
    // Stamps are compared as text in both databases: only the fixed-width form sorts right.
    Err(Text::new("why-instant-canonical").arg("stamp", stamp(t)))
}

fn month(v: &str) -> Result<(), Text> {
    let ok = shaped(v.as_bytes(), 7, &[(4, b'-')])
        && v.get(5..)
            .and_then(|m| m.parse::<u32>().ok())
            .is_some_and(|m| (1..=12).contains(&m));
    if ok {
        Ok(())
    } else {
        Err(Text::new("err-not-month").arg("value", v))
    }
}

// The store's parsers say why in English: their words go inside a catalog sentence.
fn money(v: &str) -> Result<Money, Text> {
    <Money as Field>::parse_text(v).map_err(|_| Text::new("err-money-format").arg("value", v))
}

fn int(v: &str) -> Result<i64, Text> {
    <i64 as Field>::parse_text(v).map_err(|_| Text::new("why-not-integer").arg("value", v))
}

fn text(v: &str, max: usize, multiline: bool) -> Result<(), Text> {
    input::text(v, max, multiline)
        .map(|_| ())
        .map_err(|e| e.why())
}

fn opt_text(v: &str, max: usize, multiline: bool) -> Result<(), Text> {
    input::optional_text(v, max, multiline)
        .map(|_| ())
        .map_err(|e| e.why())
}

/// `check` with the reason in English, as the unit tests read it.
#[cfg(test)]
fn value(kind: Kind, v: &str, today: NaiveDate) -> Result<(), String> {
    check(kind, v, today).map_err(|t| t.render(baton_catalog::Lang::En))
}

/// Checks one value. References are only checked not to be blank here.
pub(super) fn check(kind: Kind, v: &str, today: NaiveDate) -> Result<(), Text> {
    let optional = matches!(
        kind,
        OptText(_)
            | Note(_)
            | OptDate
            | OptInstant
            | OptEnum(_)
            | OptRef(_)
            | OptInt
            | OptNonNegative
            | OptNonNegMoney
            | OptJson
            | OptKpp
            | OptPhone
    );
    if optional && v.is_empty() {
        return Ok(());
    }
    match kind {
        Id => text(v, NAME_MAX, false),
        Text(max) | OptText(max) => text(v, max, false),
        Note(max) => opt_text(v, max, true),
        Body(max) => text(v, max, true),
        Date | OptDate => date(v, today),
        Instant | OptInstant => instant(v),
        Month => month(v),
        Enum(valid) | OptEnum(valid) => one_of(v, valid),
        Ref(_) | OptRef(_) => text(v, NAME_MAX, false),
        OptInt => int(v).map(|_| ()),
        NonNegative | OptNonNegative => match int(v)? {
            n if n < 0 => Err(Text::new("why-number-negative").num("n", n)),
            _ => Ok(()),
        },
        Positive => match int(v)? {
            n if n <= 0 => Err(Text::new("why-number-not-positive").num("n", n)),
            _ => Ok(()),
        },
        Kind::Money => money(v).map(|_| ()),
        NonNegMoney | OptNonNegMoney => match money(v)? {
            m if m.is_negative() => {
                Err(Text::new("why-amount-negative").arg("amount", m.to_plain()))
            }
            _ => Ok(()),
        },
        PositiveMoney => match money(v)? {
            m if !m.is_positive() => {
                Err(Text::new("why-amount-not-positive").arg("amount", m.to_plain()))
            }
            _ => Ok(()),
        },
        NonZeroMoney => match money(v)? {
            m if m == baton_domain::Money::ZERO => Err(Text::new("err-amount-zero")),
            _ => Ok(()),
        },
        Bool => <bool as Field>::parse_text(v)
            .map(|_| ())
            .map_err(|_| Text::new("why-not-bool").arg("value", v)),
        Json | OptJson => <baton_store::Json as Field>::parse_text(v)
            .map(|_| ())
            .map_err(|e| Text::new("why-not-json").arg("error", e)),
        Kind::Inn => Inn::parse(v).map(|_| ()).map_err(|e| e.text()),
        OptKpp => Kpp::parse(v).map(|_| ()).map_err(|e| e.text()),
        OptPhone => match Phone::parse(v) {
            Ok(p) if p.as_str() != v => Err(Text::new("why-phone-e164").arg("phone", p.as_str())),
            Ok(_) => Ok(()),
            Err(e) => Err(e.text()),
        },
    }
}

/// Rules between the columns of one row, as the use cases refuse them. Only values that passed
/// their own column's check are compared.
pub(super) fn row<'t>(
    table: &str,
    get: &dyn Fn(&str) -> Option<&'t str>,
) -> Vec<(&'static str, Text)> {
    let mut out = Vec::new();
    let day = |c: &str| get(c).and_then(|v| v.parse::<NaiveDate>().ok());
    match table {
        "role_assignments" => {
            // `valid_to` is exclusive: the first day the role is no longer held.
            if let (Some(from), Some(to)) = (day("valid_from"), day("valid_to"))
                && to <= from
            {
                out.push((
                    "valid_to",
                    Text::new("why-role-end-not-after-start")
                        .arg("from", from.to_string())
                        .arg("to", to.to_string()),
                ));
            }
        }
        "absences" => {
            if let (Some(from), Some(to)) = (day("from_date"), day("to_date"))
                && to < from
            {
                out.push((
                    "to_date",
                    Text::new("why-absence-reversed")
                        .arg("from", from.to_string())
                        .arg("to", to.to_string()),
                ));
            }
        }
        "activities" => {
            // A call has one of the call outcomes; a meeting may record its kick-off.
            if let (Some(kind), Some(o)) = (get("kind"), get("outcome")) {
                let valid: &[&str] = match kind {
                    "call" => &CALL_OUTCOMES,
                    "meeting" => MEETING_OUTCOMES,
                    _ => &[],
                };
                if kind == "call" && o.is_empty() {
                    out.push((
                        "outcome",
                        Text::new("why-call-outcome-required").arg("valid", valid.join(", ")),
                    ));
                } else if !o.is_empty() && !valid.contains(&o) {
                    out.push((
                        "outcome",
                        if valid.is_empty() {
                            Text::new("why-no-outcome-for-kind")
                                .arg("outcome", o)
                                .arg("kind", kind)
                        } else {
                            Text::new("why-not-one-of")
                                .arg("value", o)
                                .arg("valid", valid.join(", "))
                        },
                    ));
                }
            }
        }
        "payments" => {
            // A refund is a negative payment with its credit note; any other is positive.
            if let Some(Ok(m)) = get("amount").map(money)
                && m.is_negative()
                && get("credit_note_id").is_none_or(str::is_empty)
            {
                out.push((
                    "amount",
                    Text::new("why-payment-negative").arg("amount", m.to_plain()),
                ));
            }
        }
        _ => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use baton_store::records::BUNDLE_TABLES;

    /// The spec names every column of every bundle file, in order, and nothing else.
    #[test]
    fn every_column_has_a_kind() {
        for t in BUNDLE_TABLES {
            let cols = crate::bundle::columns_of(t);
            let named: Vec<&str> = spec(t).iter().map(|(c, _)| *c).collect();
            assert_eq!(named, cols, "{t}");
        }
    }

    /// The lists here are the domain's.
    #[test]
    fn enums_are_the_domains() {
        let roles: Vec<&str> = baton_domain::Role::ALL.iter().map(|r| r.as_str()).collect();
        assert_eq!(roles, ROLES);
        let stages: Vec<&str> = baton_domain::LeadStage::ALL
            .iter()
            .map(|s| s.as_str())
            .collect();
        assert_eq!(stages, STAGES);
        for s in LEAD_SOURCES {
            assert!(baton_domain::LeadSource::parse(s).is_some(), "{s}");
        }
        for k in WIN_KINDS {
            assert!(
                [
                    baton_domain::company::WinKind::NewClient.as_str(),
                    baton_domain::company::WinKind::Reactivation.as_str()
                ]
                .contains(k)
            );
        }
    }

    #[test]
    fn values() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 7).expect("date");
        assert!(value(Date, "2026-12-01", today).is_ok());
        assert!(value(Date, "2026-13-01", today).is_err());
        assert!(value(Date, "9999-12-31", today).is_err());
        assert!(value(OptDate, "", today).is_ok());
        assert!(value(Date, "", today).is_err());
        assert!(value(Instant, "2026-11-27T10:00:00.000000Z", today).is_ok());
        assert!(value(Instant, "garbage", today).is_err());
        assert!(
            value(Instant, "2026-11-27T10:00:00Z", today)
                .is_err_and(|e| e.contains("2026-11-27T10:00:00.000000Z"))
        );
        assert!(value(Instant, "2026-11-27T10:00:00.000000+03:00", today).is_err());
        assert!(value(Instant, "2026-02-30T10:00:00.000000Z", today).is_err());
        assert!(value(Date, "2026-1-05", today).is_err());
        assert!(
            value(Enum(COMPANY_STATUSES), "vip", today)
                .is_err_and(|e| e.contains("prospect, client, merged"))
        );
        assert!(value(PositiveMoney, "-5.00", today).is_err());
        assert!(value(NonNegMoney, "0.00", today).is_ok());
        assert!(value(Text(NAME_MAX), "a\u{0}b", today).is_err());
        assert!(value(Kind::Inn, "0000000000", today).is_err());
        assert!(value(Month, "2026-10", today).is_ok());
        assert!(value(Month, "2026-1", today).is_err());
    }
}
