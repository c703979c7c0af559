//! Extractors that fail with Baton's error shape: who is calling, JSON bodies with the field,
//! line and column of a mistake, and query strings.

use crate::AppState;
use crate::error::ApiError;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use baton_app::Actor;
use serde::de::DeserializeOwned;

pub const SESSION_COOKIE: &str = "baton_session";

/// The secret a request is authenticated by, and whether it came in the cookie (a browser
/// sends that by itself, so a write with it also needs the CSRF token).
pub struct Credential {
    pub secret: String,
    pub by_cookie: bool,
}

/// The secret from `Authorization: Bearer …`, else from the session cookie. `Err` when one of
/// them cannot be read (not ASCII), which the guard answers with 400. Other cookies are not
/// looked at.
#[allow(clippy::result_unit_err)]
pub fn credential(headers: &HeaderMap) -> Result<Option<Credential>, ()> {
    for h in headers.get_all(header::AUTHORIZATION) {
        let h = h.to_str().map_err(|_| ())?;
        if let Some(t) = h.strip_prefix("Bearer ") {
            return Ok(Some(Credential {
                secret: t.trim().to_string(),
                by_cookie: false,
            }));
        }
    }
    let name = SESSION_COOKIE.as_bytes();
    for kv in headers
        .get_all(header::COOKIE)
        .iter()
        .flat_map(|v| v.as_bytes().split(|b| *b == b';'))
    {
        let kv = kv.trim_ascii();
        if let Some(v) = kv.strip_prefix(name).and_then(|r| r.strip_prefix(b"=")) {
            let v = std::str::from_utf8(v).map_err(|_| ())?;
            if !v.chars().all(|c| c.is_ascii_graphic()) {
                return Err(());
            }
            return Ok(Some(Credential {
                secret: v.to_string(),
                by_cookie: true,
            }));
        }
    }
    Ok(None)
}

/// The secret from `Authorization: Bearer …` or from the session cookie.
pub fn token_of(parts: &Parts) -> Option<String> {
    credential(&parts.headers).ok().flatten().map(|c| c.secret)
}

/// The logged-in person. Every API request except login acts as one.
pub struct Auth(pub Actor);

impl FromRequestParts<AppState> for Auth {
    type Rejection = ApiError;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = token_of(parts).ok_or_else(|| {
            ApiError::new(
                StatusCode::UNAUTHORIZED,
                "unauthenticated",
                baton_catalog::Text::new("api-log-in-first"),
            )
        })?;
        let app = state.app.clone();
        let actor = tokio::task::spawn_blocking(move || app.authenticate(&token))
            .await
            .map_err(ApiError::task_failed)??;
        Ok(Auth(actor))
    }
}

/// A JSON body. A syntax error names its line and column; a wrong field names the field.
pub struct Body<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequest<S> for Body<T> {
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "too_large",
                    baton_catalog::Text::new("api-too-large")
                        .num("bytes", baton_domain::input::BODY_MAX as i64),
                )
            } else {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "bad_body",
                    baton_catalog::Text::new("api-bad-body").arg("error", e.to_string()),
                )
            }
        })?;
        let bytes = if bytes.is_empty() {
            Bytes::from_static(b"{}")
        } else {
            bytes
        };
        let mut de = serde_json::Deserializer::from_slice(&bytes);
        let first = serde_path_to_error::deserialize(&mut de);
        let value = match first {
            Ok(value) => {
                // One JSON document, nothing after it: trailing data means a client put two
                // bodies together or cut one, and either way the request is not what it looks like.
                de.end().map_err(|e| {
                    let mut err = ApiError::new(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "bad_json",
                        baton_catalog::Text::new("api-trailing-json").arg("error", e.to_string()),
                    );
                    err.body.line = Some(e.line());
                    err.body.column = Some(e.column());
                    err
                })?;
                value
            }
            // JSON Schema counts 2.0 as the integer 2, and clients send it so: on a failure,
            // the body is read again with its whole floats as integers (a body with trailing
            // data fails this second read too).
            Err(e) => match whole_numbers(&bytes)
                .and_then(|v| serde_path_to_error::deserialize::<_, T>(&v).ok())
            {
                Some(value) => value,
                None => return Err(body_error(e)),
            },
        };
        Ok(Body(value))
    }
}

fn body_error(e: serde_path_to_error::Error<serde_json::Error>) -> ApiError {
    let path = e.path().to_string();
    let inner = e.into_inner();
    let mut err = ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "bad_json",
        baton_catalog::Text::new("api-bad-json").arg("error", inner.to_string()),
    );
    err.body.field = (path != ".").then_some(path);
    err.body.line = Some(inner.line());
    err.body.column = Some(inner.column());
    err
}

/// The body with every whole float (`2.0`) written as an integer, when it has one.
fn whole_numbers(bytes: &[u8]) -> Option<serde_json::Value> {
    fn walk(v: &mut serde_json::Value) -> bool {
        match v {
            serde_json::Value::Number(n) => match n.as_f64() {
                Some(f) if n.is_f64() && f.fract() == 0.0 && f.abs() < 9.0e15 => {
                    *v = serde_json::Value::from(f as i64);
                    true
                }
                _ => false,
            },
            serde_json::Value::Array(a) => a.iter_mut().fold(false, |c, x| walk(x) | c),
            serde_json::Value::Object(o) => o.values_mut().fold(false, |c, x| walk(x) | c),
            _ => false,
        }
    }
    let mut v: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    walk(&mut v).then_some(v)
}

/// Query parameters with the same error shape.
pub struct Q<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Q<T> {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let q = parts.uri.query().unwrap_or("");
        serde_urlencoded::from_str(q).map(Q).map_err(|e| {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "bad_query",
                baton_catalog::Text::new("api-bad-query").arg("error", e.to_string()),
            )
        })
    }
}
