//! Application errors: each has a stable code, a message that says what to do, and where it
//! applies (field, row). The web layer maps them to one JSON shape and a status.

use baton_catalog::{Lang, Text};
use baton_domain::RuleError;
use baton_store::StoreError;
use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("log in first")]
    Unauthenticated,
    #[error("wrong login or password")]
    BadCredentials,
    /// The whole refusal (`err-forbidden` with the action, or a sentence of its own).
    #[error("{}", forbidden(.0).render(Lang::En))]
    Forbidden(Text),
    #[error("{entity} «{id}» not found")]
    NotFound { entity: String, id: String },
    #[error("{}", .text.render(Lang::En))]
    Invalid {
        code: &'static str,
        field: String,
        text: Text,
    },
    #[error("{0}")]
    Rule(#[from] RuleError),
    #[error("a company with ИНН {inn} already exists: «{name}», owned by {owner}")]
    DuplicateCompany {
        inn: String,
        company_id: String,
        name: String,
        owner: String,
        owner_id: Option<String>,
    },
    /// What was changed (`err-conflict-record` or a text of its own): the refusal says it
    /// was changed by someone else at the same moment.
    #[error("{} was changed by someone else at the same moment; reload and try again", .0.render(Lang::En))]
    Conflict(Text),
    /// A concurrent change took the record out of the person's hands (a reassignment, a
    /// rejection): they may know it existed, so it is a conflict, not "not found".
    #[error("{}", .0.render(Lang::En))]
    NoLongerYours(Text),
    /// The record is not in a state that allows the step (a period already approved, say).
    #[error("{}", .0.render(Lang::En))]
    State(Text),
    #[error("the import has {} bad rows; nothing was written", .0.len())]
    Import(Vec<ImportProblem>),
    #[error("the plan has {} problem(s): {}", .0.len(), .0.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("; "))]
    InvalidPlan(Vec<baton_comp::PlanError>),
    #[error("{0}")]
    Store(StoreError),
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ImportProblem {
    pub file: String,
    pub line: u64,
    pub column: String,
    /// The reason in English, as the JSON of the import's report has always carried it.
    pub reason: String,
    /// The reason as a catalog text, for the reader's language.
    #[serde(skip)]
    pub why: Text,
}

impl ImportProblem {
    pub fn new(file: &str, line: u64, column: &str, why: Text) -> Self {
        ImportProblem {
            file: file.into(),
            line,
            column: column.into(),
            reason: why.render(Lang::En),
            why,
        }
    }

    /// The row's problem as a catalog text: where, then why.
    pub fn text(&self) -> Text {
        Text::new("err-import-row")
            .arg("file", &self.file)
            .num("line", self.line as i64)
            .arg("column", &self.column)
            .text("why", self.why.clone())
    }
}

/// A refusal of a right. A bare English action (the web crate's `"see the staff list".into()`)
/// is put in the sentence «your role may not …».
fn forbidden(t: &Text) -> Text {
    if t.id == "err-untranslated" {
        Text::new("err-forbidden").text("action", t.clone())
    } else {
        t.clone()
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict { entity, id } => AppError::Conflict(
                Text::new("err-conflict-record")
                    .term("entity", "entity", &entity.replace(' ', "_"))
                    .arg("id", id),
            ),
            StoreError::NotFound { entity, id } => AppError::NotFound { entity, id },
            // A use case that missed a reference check must still answer the client, not 500.
            e if e.foreign_key_violation() => AppError::Invalid {
                code: "unknown_reference",
                field: String::new(),
                text: Text::new("err-unknown-reference"),
            },
            other => AppError::Store(other),
        }
    }
}

impl AppError {
    pub fn invalid(field: &str, text: impl Into<Text>) -> Self {
        AppError::Invalid {
            code: "invalid",
            field: field.into(),
            text: text.into(),
        }
    }
    /// A refusal with its own code (`lead_exists`, `unknown_reference`).
    pub fn invalid_as(code: &'static str, field: &str, text: Text) -> Self {
        AppError::Invalid {
            code,
            field: field.into(),
            text,
        }
    }
    pub fn not_found(entity: &str, id: &str) -> Self {
        AppError::NotFound {
            entity: entity.into(),
            id: id.into(),
        }
    }

    /// What went wrong as a catalog text, rendered in the reader's language by the web, the
    /// API and the CLI. The English `Display` is for logs.
    pub fn text(&self) -> Text {
        match self {
            AppError::Unauthenticated => Text::new("err-unauthenticated"),
            AppError::BadCredentials => Text::new("err-bad-credentials"),
            AppError::NotFound { entity, id } => Text::new("err-not-found")
                .term("entity", "entity", &entity.replace(' ', "_"))
                .arg("id", id),
            AppError::Forbidden(t) => forbidden(t),
            AppError::NoLongerYours(t) | AppError::State(t) => t.clone(),
            AppError::Invalid { text, .. } => text.clone(),
            AppError::Rule(r) => r.text(),
            AppError::DuplicateCompany {
                inn, name, owner, ..
            } => Text::new("err-duplicate-company")
                .arg("inn", inn)
                .arg("name", name)
                .arg("owner", owner),
            AppError::Conflict(t) => Text::new("err-conflict").text("what", t.clone()),
            AppError::Import(rows) => Text::new("err-import-invalid")
                .num("n", rows.len() as i64)
                .list("rows", rows.iter().map(ImportProblem::text).collect(), "; "),
            // The plan compiler's messages are English with positions in the plan's text.
            AppError::InvalidPlan(errors) => Text::new("err-invalid-plan")
                .num("n", errors.len() as i64)
                .arg(
                    "problems",
                    errors
                        .iter()
                        .map(|e| e.to_string())
                        .collect::<Vec<_>>()
                        .join("; "),
                ),
            AppError::Store(_) => Text::new("err-storage"),
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthenticated => "unauthenticated",
            AppError::BadCredentials => "bad_credentials",
            AppError::Forbidden(_) => "forbidden",
            AppError::NotFound { .. } => "not_found",
            AppError::Invalid { code, .. } => code,
            AppError::Rule(r) => r.code(),
            AppError::DuplicateCompany { .. } => "duplicate_company",
            AppError::Conflict(_) => "conflict",
            AppError::NoLongerYours(_) => "no_longer_yours",
            AppError::State(_) => "wrong_state",
            AppError::Import(_) => "import_invalid",
            AppError::InvalidPlan(_) => "invalid_plan",
            AppError::Store(_) => "storage",
        }
    }

    /// The HTTP status this error means.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Unauthenticated | AppError::BadCredentials => 401,
            AppError::Forbidden(_) => 403,
            AppError::NotFound { .. } => 404,
            AppError::DuplicateCompany { .. }
            | AppError::Conflict(_)
            | AppError::NoLongerYours(_)
            | AppError::State(_) => 409,
            AppError::Rule(RuleError::Claimed { .. }) => 409,
            AppError::Rule(RuleError::WrongStage { .. }) => 409,
            AppError::Rule(RuleError::NotYours { .. }) => 403,
            AppError::Invalid { .. }
            | AppError::Rule(_)
            | AppError::Import(_)
            | AppError::InvalidPlan(_) => 422,
            AppError::Store(_) => 500,
        }
    }

    pub fn field(&self) -> Option<&str> {
        match self {
            AppError::Invalid { field, .. } => Some(field.as_str()).filter(|f| !f.is_empty()),
            AppError::DuplicateCompany { .. } => Some("inn"),
            _ => None,
        }
    }

    /// Structured details for clients: missing checklist items, the duplicate's owner, bad rows.
    pub fn details(&self) -> Option<serde_json::Value> {
        match self {
            AppError::Rule(
                RuleError::ChecklistIncomplete { missing } | RuleError::BriefIncomplete { missing },
            ) => Some(serde_json::json!({ "missing": missing })),
            AppError::Rule(RuleError::Claimed {
                holder_id,
                holder_name,
                until,
            }) => Some(
                serde_json::json!({ "holder_id": holder_id, "holder_name": holder_name, "until": until }),
            ),
            AppError::DuplicateCompany {
                company_id,
                name,
                owner,
                owner_id,
                ..
            } => Some(serde_json::json!({
                "company_id": company_id, "name": name, "owner": owner, "owner_id": owner_id
            })),
            AppError::Import(rows) => Some(serde_json::json!({ "rows": rows })),
            AppError::InvalidPlan(errors) => Some(serde_json::json!({ "errors": errors })),
            _ => None,
        }
    }
}

pub type AppResult<T> = Result<T, AppError>;
