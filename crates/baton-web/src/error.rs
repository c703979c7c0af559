//! One JSON error shape for every failure:
//! `{"error": {"code", "message", "field"?, "line"?, "column"?, "details"?}}`.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use baton_app::AppError;
use serde::Serialize;

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
}

impl ApiError {
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            body: ErrorBody {
                code: code.into(),
                message: message.into(),
                field: None,
                line: None,
                column: None,
                details: None,
            },
        }
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if status == StatusCode::INTERNAL_SERVER_ERROR {
            eprintln!("baton: internal error: {e}");
        }
        let message = if status == StatusCode::INTERNAL_SERVER_ERROR {
            "the database failed to answer; nothing was changed. Try again, and tell the administrator if it repeats".to_string()
        } else {
            e.to_string()
        };
        ApiError {
            status,
            body: ErrorBody {
                code: e.code().into(),
                message,
                field: e.field().map(str::to_string),
                line: None,
                column: None,
                details: e.details(),
            },
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(serde_json::json!({ "error": self.body }))).into_response()
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
