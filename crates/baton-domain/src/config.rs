//! The conveyor's settings (PRODUCT.md §2) in one place, with the documented defaults.
//! Stored as JSON in the database; `GET /api/config` shows what is in force.

use crate::calendar::WorkCalendar;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ChecklistItem {
    pub key: String,
    pub label_ru: String,
    pub label_en: String,
    pub required: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AssignmentRule {
    RoundRobin,
    LeastLoaded,
    Manual,
}

impl AssignmentRule {
    pub fn as_str(self) -> &'static str {
        match self {
            AssignmentRule::RoundRobin => "round_robin",
            AssignmentRule::LeastLoaded => "least_loaded",
            AssignmentRule::Manual => "manual",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Handoff2Point {
    FirstPayment,
    ContractSigned,
    DaysAfterFirstPayment,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FirstDealOwner {
    SalesManager,
    ClientManager,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ClientManagerRule {
    LeastLoaded,
    Manual,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RejectionReason {
    pub code: String,
    pub label_ru: String,
    pub label_en: String,
    /// `other` requires a free-text explanation.
    pub needs_text: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConveyorConfig {
    pub timezone: String,
    pub warm_lead_checklist: Vec<ChecklistItem>,
    pub assignment_rule: AssignmentRule,
    /// Open leads a sales manager may hold before the assignment skips them.
    pub open_lead_limit: i64,
    pub acceptance_sla_hours: i64,
    pub reassign_after_sla: bool,
    pub rejection_reasons: Vec<RejectionReason>,
    pub handoff2_point: Handoff2Point,
    pub handoff2_days_after_first_payment: i64,
    pub first_deal_owner: FirstDealOwner,
    pub handover_brief: Vec<ChecklistItem>,
    pub kickoff_sla_working_days: i64,
    pub client_manager_rule: ClientManagerRule,
    pub hunter_window_days: i64,
    pub dormancy_months: u32,
    pub claim_days: i64,
    pub calendar: WorkCalendar,
}

fn item(key: &str, ru: &str, en: &str, required: bool) -> ChecklistItem {
    ChecklistItem {
        key: key.into(),
        label_ru: ru.into(),
        label_en: en.into(),
        required,
    }
}

fn reason(code: &str, ru: &str, en: &str) -> RejectionReason {
    RejectionReason {
        code: code.into(),
        label_ru: ru.into(),
        label_en: en.into(),
        needs_text: code == "other",
    }
}

impl Default for ConveyorConfig {
    fn default() -> Self {
        ConveyorConfig {
            timezone: "Europe/Moscow".into(),
            warm_lead_checklist: vec![
                item(
                    "decision_maker",
                    "ЛПР найден (имя, должность, контакт)",
                    "Decision maker reached (name, position, contact)",
                    true,
                ),
                item(
                    "need",
                    "Потребность словами клиента",
                    "Need stated in the client's words",
                    true,
                ),
                item(
                    "budget",
                    "Бюджет или вилка цены обсуждены",
                    "Budget or price range discussed",
                    true,
                ),
                item(
                    "timing",
                    "Покупка в течение 90 дней",
                    "Buys within 90 days",
                    true,
                ),
                item(
                    "next_step",
                    "Согласован следующий шаг с датой",
                    "Dated next step agreed",
                    true,
                ),
            ],
            assignment_rule: AssignmentRule::RoundRobin,
            open_lead_limit: 40,
            acceptance_sla_hours: 24,
            reassign_after_sla: false,
            rejection_reasons: vec![
                reason("no_decision_maker", "Нет ЛПР", "No decision maker"),
                reason("no_need", "Нет потребности", "No need"),
                reason("no_budget", "Нет бюджета", "No budget"),
                reason("wrong_timing", "Не те сроки", "Wrong timing"),
                reason("already_client", "Уже клиент", "Already a client"),
                reason("duplicate", "Дубль", "Duplicate"),
                reason("bad_contact", "Неверные контакты", "Bad contact data"),
                reason("other", "Другое", "Other"),
            ],
            handoff2_point: Handoff2Point::FirstPayment,
            handoff2_days_after_first_payment: 30,
            first_deal_owner: FirstDealOwner::SalesManager,
            handover_brief: vec![
                item(
                    "sold",
                    "Что продано и обещано",
                    "What was sold and promised",
                    true,
                ),
                item(
                    "contacts",
                    "ЛПР и другие контакты",
                    "Decision maker and other contacts",
                    true,
                ),
                item("pains", "Боли клиента", "The client's pains", true),
                item("risks", "Риски", "Risks", false),
            ],
            kickoff_sla_working_days: 5,
            client_manager_rule: ClientManagerRule::LeastLoaded,
            hunter_window_days: 90,
            dormancy_months: 12,
            claim_days: 30,
            calendar: WorkCalendar::russia(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("configuration field `{field}`: {}", .text.render(baton_catalog::Lang::En))]
pub struct ConfigError {
    pub field: String,
    pub text: baton_catalog::Text,
}

impl ConveyorConfig {
    pub fn tz(&self) -> chrono_tz::Tz {
        self.timezone.parse().unwrap_or(chrono_tz::Europe::Moscow)
    }

    pub fn validate(&self) -> Result<(), ConfigError> {
        let bad = |field: &str, id: &str| ConfigError {
            field: field.into(),
            text: baton_catalog::Text::new(id),
        };
        if self.timezone.parse::<chrono_tz::Tz>().is_err() {
            return Err(bad("timezone", "err-config-timezone"));
        }
        if self.acceptance_sla_hours <= 0 {
            return Err(bad("acceptance_sla_hours", "err-config-hours-positive"));
        }
        if self.open_lead_limit <= 0 {
            return Err(bad("open_lead_limit", "err-config-positive"));
        }
        if self.hunter_window_days < 0 || self.claim_days <= 0 || self.dormancy_months == 0 {
            return Err(bad(
                "hunter_window_days/claim_days/dormancy_months",
                "err-config-positive",
            ));
        }
        if !self.rejection_reasons.iter().any(|r| r.code == "other") {
            return Err(bad("rejection_reasons", "err-config-keep-other-reason"));
        }
        let mut keys: Vec<&str> = self
            .warm_lead_checklist
            .iter()
            .map(|i| i.key.as_str())
            .collect();
        keys.sort();
        if keys.windows(2).any(|w| w[0] == w[1]) {
            return Err(bad("warm_lead_checklist", "err-config-unique-keys"));
        }
        Ok(())
    }

    pub fn reason(&self, code: &str) -> Option<&RejectionReason> {
        self.rejection_reasons.iter().find(|r| r.code == code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_documented_ones() {
        let c = ConveyorConfig::default();
        assert!(c.validate().is_ok());
        assert_eq!(c.acceptance_sla_hours, 24);
        assert_eq!(c.hunter_window_days, 90);
        assert_eq!(c.dormancy_months, 12);
        assert_eq!(c.claim_days, 30);
        assert_eq!(c.kickoff_sla_working_days, 5);
        assert_eq!(c.assignment_rule, AssignmentRule::RoundRobin);
        assert_eq!(c.handoff2_point, Handoff2Point::FirstPayment);
        assert_eq!(c.warm_lead_checklist.len(), 5);
        assert_eq!(c.rejection_reasons.len(), 8);
        let json = serde_json::to_string(&c).unwrap();
        let back: ConveyorConfig = serde_json::from_str(&json).unwrap();
        assert_eq!(back, c);
    }

    #[test]
    fn unknown_fields_are_refused() {
        let mut v = serde_json::to_value(ConveyorConfig::default()).unwrap();
        v["claim_dayz"] = 3.into();
        assert!(serde_json::from_value::<ConveyorConfig>(v).is_err());
    }
}
