//! Errors for people: each names the field it concerns and says what to do.

use serde::Serialize;

/// Why a simulation could not run. `code()` is stable for the JSON API.
#[derive(Debug, Clone, PartialEq, Serialize, thiserror::Error)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum SimError {
    /// A parameter is outside its range.
    #[error("parameter «{name}» = {value}: {problem}; {hint}")]
    InvalidParam {
        name: String,
        value: String,
        problem: String,
        hint: String,
    },
    /// No parameter has this name.
    #[error("unknown parameter «{name}»; known parameters: {known}")]
    UnknownParam { name: String, known: String },
    /// A scenario cannot be simulated as given.
    #[error("scenario «{scenario}», {field}: {problem}; {hint}")]
    InvalidScenario {
        scenario: String,
        field: String,
        problem: String,
        hint: String,
    },
    /// A pay plan does not parse.
    #[error("pay plan for {role}: {message}")]
    InvalidPlan { role: String, message: String },
    /// A setting (runs, horizon, …) is outside its range.
    #[error("setting «{field}» = {value}: {problem}; {hint}")]
    InvalidSetting {
        field: String,
        value: String,
        problem: String,
        hint: String,
    },
    /// The history cannot be used for estimation.
    #[error("history, month {month} ({field}): {problem}; {hint}")]
    InvalidHistory {
        month: usize,
        field: String,
        problem: String,
        hint: String,
    },
}

impl SimError {
    /// A stable snake_case code for the error's kind.
    pub fn code(&self) -> &'static str {
        match self {
            SimError::InvalidParam { .. } => "invalid_param",
            SimError::UnknownParam { .. } => "unknown_param",
            SimError::InvalidScenario { .. } => "invalid_scenario",
            SimError::InvalidPlan { .. } => "invalid_plan",
            SimError::InvalidSetting { .. } => "invalid_setting",
            SimError::InvalidHistory { .. } => "invalid_history",
        }
    }

    pub(crate) fn setting(field: &str, value: impl ToString, problem: &str, hint: &str) -> Self {
        SimError::InvalidSetting {
            field: field.into(),
            value: value.to_string(),
            problem: problem.into(),
            hint: hint.into(),
        }
    }
}
