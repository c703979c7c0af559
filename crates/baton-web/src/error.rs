//! One JSON error shape for every failure:
//! `{"error": {"code", "message", "field"?, "line"?, "column"?, "details"?}}`.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use baton_app::AppError;
use baton_catalog::{Lang, Text};
use serde::Serialize;

tokio::task_local! {
    /// The language of the request being answered (`Accept-Language`, Russian by default),
    /// set by `security::guard` around every handler.
    pub static LANG: Lang;
}

/// The language of the request being answered.
pub fn request_lang() -> Lang {
    LANG.try_with(|l| *l).unwrap_or_default()
}

#[derive(Debug, Serialize)]
pub struct ErrorBody {
    pub code: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<serde_json::Value>,
}

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub body: ErrorBody,
    /// The message, rendered into `body.message` in the request's language.
    pub text: Text,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &str, text: Text) -> Self {
        ApiError {
            status,
            text,
            body: ErrorBody {
                code: code.into(),
                message: String::new(),
                field: None,
                line: None,
                column: None,
                details: None,
            },
        }
    }
}

impl ApiError {
    /// A blocking task of the request died (a panic): logged, and answered as a failed store,
    /// without its internals.
    pub fn task_failed(e: tokio::task::JoinError) -> Self {
        eprintln!("baton: a request's task failed: {e}");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            Text::new("err-storage"),
        )
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if status == StatusCode::INTERNAL_SERVER_ERROR {
            eprintln!("baton: internal error: {e}");
        }
        ApiError {
            status,
            text: e.text(),
            body: ErrorBody {
                code: e.code().into(),
                message: String::new(),
                field: e.field().map(str::to_string),
                line: None,
                column: None,
                details: e.details(),
            },
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(mut self) -> Response {
        self.body.message = self.text.render(request_lang());
        (self.status, Json(serde_json::json!({ "error": self.body }))).into_response()
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
