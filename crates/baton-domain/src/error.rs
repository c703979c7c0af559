//! Rule violations. Each has a stable snake_case code that the API and the UI translate.

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
pub enum RuleError {
    #[error("the warm-lead checklist is incomplete: {}", .missing.join(", "))]
    ChecklistIncomplete { missing: Vec<String> },
    #[error("the handover brief is incomplete: {}", .missing.join(", "))]
    BriefIncomplete { missing: Vec<String> },
    #[error("this lead is at stage «{stage}», where «{action}» is not possible")]
    WrongStage { stage: String, action: String },
    #[error("only {who} may do this")]
    NotYours { who: String },
    #[error("no sales manager can take the lead: {why}")]
    NoReceiver { why: String },
    #[error("unknown rejection reason «{0}»")]
    UnknownReason(String),
    #[error("the reason «other» needs a short explanation")]
    ReasonTextRequired,
    #[error("the company is being worked by {holder_name} until {until}")]
    Claimed {
        holder_id: String,
        holder_name: String,
        until: String,
    },
    #[error("attribution is permanent and was already set")]
    AttributionFixed,
    #[error("{0}")]
    Invalid(String),
}

impl RuleError {
    pub fn code(&self) -> &'static str {
        match self {
            RuleError::ChecklistIncomplete { .. } => "checklist_incomplete",
            RuleError::BriefIncomplete { .. } => "brief_incomplete",
            RuleError::WrongStage { .. } => "wrong_stage",
            RuleError::NotYours { .. } => "not_yours",
            RuleError::NoReceiver { .. } => "no_receiver",
            RuleError::UnknownReason(_) => "unknown_reason",
            RuleError::ReasonTextRequired => "reason_text_required",
            RuleError::Claimed { .. } => "company_claimed",
            RuleError::AttributionFixed => "attribution_fixed",
            RuleError::Invalid(_) => "invalid",
        }
    }
}
