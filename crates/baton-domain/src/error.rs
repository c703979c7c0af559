//! Rule violations. Each has a stable snake_case code, and a catalog text (`text`) that the
//! API, the pages and the CLI render in the reader's language; `Display` is English, for logs.

use baton_catalog::{Lang, Text};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
pub enum RuleError {
    #[error("the warm-lead checklist is incomplete: {}", .missing.join(", "))]
    ChecklistIncomplete { missing: Vec<String> },
    #[error("the handover brief is incomplete: {}", .missing.join(", "))]
    BriefIncomplete { missing: Vec<String> },
    /// `stage` is a stage (or company status) code, `action` a step code (`hand_off`).
    #[error("this lead is at stage «{stage}», where «{action}» is not possible")]
    WrongStage { stage: String, action: String },
    #[error("only {} may do this", .who.render(Lang::En))]
    NotYours { who: Text },
    #[error("no sales manager can take the lead: {}", .why.render(Lang::En))]
    NoReceiver { why: Text },
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
    #[error("{}", .0.render(Lang::En))]
    Invalid(Text),
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

    /// The violation as a catalog text, its data as arguments.
    pub fn text(&self) -> Text {
        match self {
            RuleError::ChecklistIncomplete { missing } => {
                Text::new("err-checklist-incomplete").arg("missing", missing.join(", "))
            }
            RuleError::BriefIncomplete { missing } => {
                Text::new("err-brief-incomplete").arg("missing", missing.join(", "))
            }
            // A client's kickoff is refused by the company's status, not a lead stage.
            RuleError::WrongStage { stage, action } if action == "kickoff" => {
                Text::new("err-kickoff-wrong-status").term("status", "company", stage)
            }
            RuleError::WrongStage { stage, action } => Text::new("err-wrong-stage")
                .term("stage", "stage", stage)
                .term("action", "lead_act", action),
            RuleError::NotYours { who } => Text::new("err-not-yours").text("who", who.clone()),
            RuleError::NoReceiver { why } => Text::new("err-no-receiver").text("why", why.clone()),
            RuleError::UnknownReason(r) => Text::new("err-unknown-reason").arg("reason", r),
            RuleError::ReasonTextRequired => Text::new("err-reason-text-required"),
            RuleError::Claimed {
                holder_name, until, ..
            } => {
                // The date as Russians write it; anything else is shown as stored.
                let until = chrono::NaiveDate::parse_from_str(until, "%Y-%m-%d")
                    .map(|d| d.format("%d.%m.%Y").to_string())
                    .unwrap_or_else(|_| until.clone());
                Text::new("err-company-claimed")
                    .arg("holder", holder_name)
                    .arg("until", until)
            }
            RuleError::AttributionFixed => Text::new("err-attribution-fixed"),
            RuleError::Invalid(t) => t.clone(),
        }
    }
}
