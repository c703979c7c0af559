//! Every request a person sends is checked here before its use case runs, field by field, with
//! the limits of `baton_domain::input`: texts not blank where required, no control characters,
//! no longer than their kind allows; lists no longer than `LIST_MAX`; business dates within ten
//! years of today; money not negative where it cannot be. A refusal names the field.

use crate::conveyor::calls::{NewActivity, NewCall};
use crate::conveyor::companies::{NewCompany, NewContact};
use crate::conveyor::deals::{
    HandoverRequest, Line, NewContract, NewInvoice, NewOrder, NewPayment, NewRefund,
};
use crate::conveyor::leads::{HandOffRequest, NewLead};
use crate::conveyor::people::{NewEmployee, NewRole};
use crate::conveyor::tasks::{CloseTask, NewTask};
use crate::error::{AppError, AppResult};
use crate::insight::costs::NewCost;
use crate::payroll::plans::NewPlan;
use baton_catalog::Text;
use baton_domain::input::{self, CODE_MAX, DOCUMENT_MAX, InputError, LIST_MAX, NAME_MAX, NOTE_MAX};
use baton_domain::lead::Answers;
use chrono::NaiveDate;

fn refuse(field: &str, e: InputError) -> AppError {
    AppError::invalid(field, e.text(field))
}

/// A required text of at most `max` characters (one line).
pub fn name(field: &str, v: &str, max: usize) -> AppResult<String> {
    input::text(v, max, false).map_err(|e| refuse(field, e))
}

/// An optional text; `multiline` lets line breaks and tabs through.
pub fn optional(field: &str, v: Option<&str>, max: usize, multiline: bool) -> AppResult<()> {
    if let Some(v) = v {
        input::optional_text(v, max, multiline).map_err(|e| refuse(field, e))?;
    }
    Ok(())
}

/// An optional business date.
pub fn date(field: &str, v: Option<&str>, today: NaiveDate) -> AppResult<()> {
    if let Some(v) = v.filter(|v| !v.trim().is_empty()) {
        input::business_date(v, today).map_err(|e| refuse(field, e))?;
    }
    Ok(())
}

/// A filter or sort value that must be one of `valid`; a wrong one is refused with the list.
pub fn one_of(field: &str, v: Option<String>, valid: &[&str]) -> AppResult<Option<String>> {
    match v.map(|v| v.trim().to_string()).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) if valid.contains(&v.as_str()) => Ok(Some(v)),
        Some(v) => Err(AppError::invalid(
            field,
            Text::new("err-not-one-of")
                .term("field", "field", field)
                .arg("value", v)
                .arg("valid", valid.join(", ")),
        )),
    }
}

/// A list of at most `LIST_MAX` items.
pub fn count(field: &str, len: usize) -> AppResult<()> {
    list(field, len)
}

fn list(field: &str, len: usize) -> AppResult<()> {
    input::count(len, LIST_MAX).map_err(|e| refuse(field, e))
}

/// Checklist or brief answers: at most `LIST_MAX` keys, each answer a note.
pub fn answers(field: &str, a: &Answers) -> AppResult<()> {
    list(field, a.len())?;
    for (k, v) in a {
        name(&format!("{field}.{k}"), k, CODE_MAX)?;
        optional(&format!("{field}.{k}"), Some(v), NOTE_MAX, true)?;
    }
    Ok(())
}

fn lines(field: &str, ls: &[Line]) -> AppResult<()> {
    list(field, ls.len())?;
    for (i, l) in ls.iter().enumerate() {
        name(&format!("{field}[{i}].product_id"), &l.product_id, CODE_MAX)?;
        if let Some(p) = l.price
            && p.is_negative()
        {
            return Err(refuse(&format!("{field}[{i}].price"), InputError::Negative));
        }
    }
    Ok(())
}

/// A request checked before its use case runs.
pub trait Checked {
    fn check(&self, today: NaiveDate) -> AppResult<()>;
}

impl Checked for NewContact {
    fn check(&self, _: NaiveDate) -> AppResult<()> {
        name("name", &self.name, NAME_MAX)?;
        optional("position", self.position.as_deref(), NAME_MAX, false)?;
        optional("phone", self.phone.as_deref(), CODE_MAX, false)?;
        optional("email", self.email.as_deref(), NAME_MAX, false)
    }
}

impl Checked for NewCompany {
    fn check(&self, today: NaiveDate) -> AppResult<()> {
        name("inn", &self.inn, CODE_MAX)?;
        optional("kpp", self.kpp.as_deref(), CODE_MAX, false)?;
        name("name", &self.name, NAME_MAX)?;
        optional("industry", self.industry.as_deref(), CODE_MAX, false)?;
        optional("source", self.source.as_deref(), CODE_MAX, false)?;
        list("contacts", self.contacts.len())?;
        for c in &self.contacts {
            c.check(today)?;
        }
        Ok(())
    }
}

impl Checked for NewCall {
    fn check(&self, _: NaiveDate) -> AppResult<()> {
        name("company_id", &self.company_id, CODE_MAX)?;
        optional("note", self.note.as_deref(), NOTE_MAX, true)?;
        optional("callback_at", self.callback_at.as_deref(), CODE_MAX, false)?;
        optional("lead_id", self.lead_id.as_deref(), CODE_MAX, false)
    }
}

impl Checked for NewTask {
    fn check(&self, _: NaiveDate) -> AppResult<()> {
        optional("owner_id", self.owner_id.as_deref(), CODE_MAX, false)?;
        name("kind", &self.kind, CODE_MAX)?;
        name("due_at", &self.due_at, CODE_MAX)?;
        name("company_id", &self.company_id, CODE_MAX)?;
        optional("lead_id", self.lead_id.as_deref(), CODE_MAX, false)?;
        optional("invoice_id", self.invoice_id.as_deref(), CODE_MAX, false)?;
        optional("note", self.note.as_deref(), NOTE_MAX, true)
    }
}

impl Checked for CloseTask {
    fn check(&self, _: NaiveDate) -> AppResult<()> {
        name("outcome", &self.outcome, CODE_MAX)?;
        optional("result", self.result.as_deref(), NOTE_MAX, true)
    }
}

impl Checked for NewActivity {
    fn check(&self, _: NaiveDate) -> AppResult<()> {
        name("company_id", &self.company_id, CODE_MAX)?;
        optional("note", self.note.as_deref(), NOTE_MAX, true)?;
        optional("lead_id", self.lead_id.as_deref(), CODE_MAX, false)
    }
}

impl Checked for NewLead {
    fn check(&self, today: NaiveDate) -> AppResult<()> {
        name("company_id", &self.company_id, CODE_MAX)?;
        optional("campaign", self.campaign.as_deref(), NAME_MAX, false)?;
        answers("checklist", &self.checklist)?;
        if self.amount.is_some_and(|a| a.is_negative()) {
            return Err(refuse("amount", InputError::Negative));
        }
        date("expected_on", self.expected_on.as_deref(), today)
    }
}

impl Checked for HandOffRequest {
    fn check(&self, _: NaiveDate) -> AppResult<()> {
        answers("checklist", &self.checklist)?;
        optional(
            "override_reason",
            self.override_reason.as_deref(),
            NOTE_MAX,
            true,
        )
    }
}

impl Checked for HandoverRequest {
    fn check(&self, _: NaiveDate) -> AppResult<()> {
        answers("brief", &self.brief)
    }
}

impl Checked for NewContract {
    fn check(&self, today: NaiveDate) -> AppResult<()> {
        optional("number", self.number.as_deref(), CODE_MAX, false)?;
        date("signed_on", self.signed_on.as_deref(), today)?;
        if self.amount.is_some_and(|a| a.is_negative()) {
            return Err(refuse("amount", InputError::Negative));
        }
        lines("lines", &self.lines)
    }
}

impl Checked for NewInvoice {
    fn check(&self, today: NaiveDate) -> AppResult<()> {
        optional("number", self.number.as_deref(), CODE_MAX, false)?;
        date("issued_on", self.issued_on.as_deref(), today)?;
        date("due_on", self.due_on.as_deref(), today)
    }
}

impl Checked for NewPayment {
    fn check(&self, today: NaiveDate) -> AppResult<()> {
        date("paid_on", self.paid_on.as_deref(), today)
    }
}

impl Checked for NewRefund {
    fn check(&self, today: NaiveDate) -> AppResult<()> {
        date("refunded_on", self.refunded_on.as_deref(), today)?;
        name("reason", &self.reason, NOTE_MAX)?;
        Ok(())
    }
}

impl Checked for NewOrder {
    fn check(&self, _: NaiveDate) -> AppResult<()> {
        name("delivery_month", &self.delivery_month, CODE_MAX)?;
        if self.amount.is_some_and(|a| a.is_negative()) {
            return Err(refuse("amount", InputError::Negative));
        }
        lines("lines", &self.lines)
    }
}

impl Checked for NewEmployee {
    fn check(&self, today: NaiveDate) -> AppResult<()> {
        name("login", &self.login, CODE_MAX)?;
        name("name", &self.name, NAME_MAX)?;
        if self.password.chars().count() > NAME_MAX {
            return Err(refuse(
                "password",
                InputError::TooLong {
                    len: self.password.chars().count(),
                    max: NAME_MAX,
                },
            ));
        }
        date("valid_from", self.valid_from.as_deref(), today)
    }
}

impl Checked for NewRole {
    fn check(&self, today: NaiveDate) -> AppResult<()> {
        date("valid_from", Some(&self.valid_from), today)?;
        date("valid_to", self.valid_to.as_deref(), today)
    }
}

impl Checked for NewCost {
    fn check(&self, _: NaiveDate) -> AppResult<()> {
        name("kind", &self.kind, CODE_MAX)?;
        optional("note", self.note.as_deref(), NOTE_MAX, true)?;
        if !self.amount.is_positive() {
            return Err(AppError::invalid(
                "amount",
                Text::new("err-cost-not-positive"),
            ));
        }
        Ok(())
    }
}

impl Checked for NewPlan {
    fn check(&self, _: NaiveDate) -> AppResult<()> {
        input::text(&self.text, DOCUMENT_MAX, true).map_err(|e| refuse("text", e))?;
        optional("employee", self.employee.as_deref(), CODE_MAX, false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 7).expect("date")
    }

    fn company(name: &str, contacts: usize) -> NewCompany {
        NewCompany {
            inn: "7707083893".into(),
            kpp: None,
            name: name.into(),
            region_id: None,
            industry: None,
            source: None,
            contacts: (0..contacts)
                .map(|i| NewContact {
                    name: format!("Контакт {i}"),
                    position: None,
                    is_dm: false,
                    phone: None,
                    email: None,
                })
                .collect(),
            confirm_distinct: false,
        }
    }

    #[test]
    fn the_hostile_walks_inputs_are_refused_with_the_field_named() {
        let e = company(&"x".repeat(1_000_000), 0)
            .check(today())
            .unwrap_err();
        assert_eq!(e.field(), Some("name"));
        let e = company("ООО «Ромашка»", 20_000).check(today()).unwrap_err();
        assert_eq!(e.field(), Some("contacts"));
        assert!(e.to_string().contains("20000 items"), "{e}");
        let e = company("Ромашка\u{0}", 0).check(today()).unwrap_err();
        assert_eq!(e.field(), Some("name"));
        let e = company("   ", 0).check(today()).unwrap_err();
        assert_eq!(e.field(), Some("name"));
        assert!(company("ООО «Ромашка»", 3).check(today()).is_ok());
    }
}
