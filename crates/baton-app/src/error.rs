//! Application errors: each has a stable code, a message that says what to do, and where it
//! applies (field, row). The web layer maps them to one JSON shape and a status.

use baton_catalog::Text;
use baton_domain::RuleError;
use baton_store::StoreError;
use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("log in first")]
    Unauthenticated,
    #[error("wrong login or password")]
    BadCredentials,
    #[error("your role may not {0}")]
    Forbidden(String),
    #[error("{entity} «{id}» not found")]
    NotFound { entity: String, id: String },
    #[error("{message}")]
    Invalid {
        code: &'static str,
        field: String,
        message: String,
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
    #[error("{0} was changed by someone else at the same moment; reload and try again")]
    Conflict(String),
    /// A concurrent change took the record out of the person's hands (a reassignment, a
    /// rejection): they may know it existed, so it is a conflict, not "not found".
    #[error("{0}")]
    NoLongerYours(String),
    /// The record is not in a state that allows the step (a period already approved, say).
    #[error("{0}")]
    State(String),
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
    pub reason: String,
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict { entity, id } => AppError::Conflict(format!("{entity} {id}")),
            StoreError::NotFound { entity, id } => AppError::NotFound { entity, id },
            // A use case that missed a reference check must still answer the client, not 500.
            e if e.foreign_key_violation() => AppError::Invalid {
                code: "unknown_reference",
                field: String::new(),
                message: "a record the request names does not exist".into(),
            },
            other => AppError::Store(other),
        }
    }
}

impl AppError {
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        AppError::Invalid {
            code: "invalid",
            field: field.into(),
            message: message.into(),
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
            AppError::Store(_) => Text::new("err-storage"),
            // Not yet in the catalog: the English message, marked so a test can find it.
            other => Text::new("err-untranslated").arg("message", other.to_string()),
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
