//! Web defences (OWASP ASVS L2; `docs/security.md`, section "Web"): same-site redirects, the
//! Origin check and the synchronizer token against CSRF, unreadable credential headers, the
//! security headers of every response, and the session cookie's attributes.

use crate::AppState;
use crate::error::ApiError;
use crate::extract::{Credential, credential};
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use baton_catalog::Lang;
use maud::{DOCTYPE, html};

/// How the server is deployed. `secure_cookies` marks the session cookie `Secure` (set it when
/// the site is served over HTTPS); `trust_proxy` believes a reverse proxy's `X-Forwarded-Proto`
/// and `X-Forwarded-For` (set it only when every request comes through that proxy).
#[derive(Clone, Copy, Debug, Default)]
pub struct WebConfig {
    pub secure_cookies: bool,
    pub trust_proxy: bool,
    /// Webhooks may point at loopback and private addresses (`BATON_WEBHOOKS_ALLOW_PRIVATE=1`:
    /// a receiver on the same network, or a test). Off, they are refused (SSRF).
    pub webhooks_allow_private: bool,
}

impl WebConfig {
    /// `BATON_SECURE_COOKIES=1`, `BATON_TRUST_PROXY=1`, `BATON_WEBHOOKS_ALLOW_PRIVATE=1`.
    pub fn from_env() -> WebConfig {
        let on = |k: &str| {
            std::env::var(k)
                .map(|v| matches!(v.trim(), "1" | "true" | "yes" | "on"))
                .unwrap_or(false)
        };
        WebConfig {
            secure_cookies: on("BATON_SECURE_COOKIES"),
            trust_proxy: on("BATON_TRUST_PROXY"),
            webhooks_allow_private: on("BATON_WEBHOOKS_ALLOW_PRIVATE"),
        }
    }

    /// Whether cookies set in answer to this request are `Secure`.
    pub fn secure(&self, headers: &HeaderMap) -> bool {
        self.secure_cookies
            || (self.trust_proxy
                && headers
                    .get("x-forwarded-proto")
                    .and_then(|v| v.to_str().ok())
                    .is_some_and(|p| p.trim().eq_ignore_ascii_case("https")))
    }
}

/// The session cookie (`max_age` in seconds; 0 ends it). HttpOnly, so no script reads the
/// secret; SameSite=Lax, so other sites' forms do not carry it.
pub fn session_cookie(secret: &str, max_age: i64, secure: bool) -> String {
    format!(
        "{}={secret}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{}",
        crate::extract::SESSION_COOKIE,
        if secure { "; Secure" } else { "" }
    )
}

/// The name of the form field and of the header that carry the CSRF token.
pub const CSRF_FIELD: &str = "csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The CSRF token of a session: derived from its secret, which never leaves the HttpOnly
/// cookie, so another site cannot know it, and nothing needs to be stored.
pub fn csrf_token(secret: &str) -> String {
    baton_app::auth::token_hash(&format!("baton-csrf-v1:{secret}"))
}

/// A same-site relative path (`/…`), or `None`: no second slash or backslash after the first
/// (a browser reads `//x` and `/\x` as another host), no scheme, no spaces, control or
/// non-ASCII characters (a browser drops tabs and newlines, and a header cannot carry them).
pub fn safe_path(p: &str) -> Option<&str> {
    let rest = p.strip_prefix('/')?;
    let ok = !rest.starts_with('/') && p.chars().all(|c| c.is_ascii_graphic() && c != '\\');
    ok.then_some(p)
}

/// A 303 to a same-site path; anything else goes home (and never panics on a bad header).
pub fn see_other(to: &str) -> Response {
    Redirect::to(safe_path(to).unwrap_or("/")).into_response()
}

fn is_write(m: &Method) -> bool {
    matches!(
        *m,
        Method::POST | Method::PUT | Method::PATCH | Method::DELETE
    )
}

/// Forms that open a session or choose a language: there is no session to derive a token from
/// yet, so only the Origin check stands for them.
fn needs_no_token(path: &str) -> bool {
    matches!(path, "/login" | "/lang" | "/api/auth/login")
}

/// `host[:port]` of an absolute URL, lower-cased.
fn authority(url: &str) -> Option<String> {
    let (_, rest) = url.split_once("://")?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let a = &rest[..end];
    let a = a.rsplit_once('@').map(|x| x.1).unwrap_or(a);
    (!a.is_empty()).then(|| a.to_ascii_lowercase())
}

/// Where a state-changing request was made from, by `Origin`, else `Referer`. `Some(None)`: a
/// header is there but names no site (`Origin: null`, garbage); `None`: neither is sent
/// (a non-browser client).
fn source(headers: &HeaderMap) -> Option<Option<String>> {
    let h = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))?;
    Some(h.to_str().ok().and_then(authority))
}

fn host(req: &Request) -> Option<String> {
    req.headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_string)
        .or_else(|| req.uri().authority().map(|a| a.to_string()))
        .map(|h| h.to_ascii_lowercase())
}

/// Equal without telling, by the time taken, how many first characters matched.
pub(crate) fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// A refusal in the shape the caller reads: JSON for `/api/`, a page for the browser. `id` is
/// the catalog message.
pub fn refuse(api: bool, lang: Lang, status: StatusCode, code: &str, id: &str) -> Response {
    let text = baton_catalog::Text::new(id);
    if api {
        return crate::error::LANG
            .sync_scope(lang, || ApiError::new(status, code, text).into_response());
    }
    let msg = text.render(lang);
    let title = baton_catalog::t(lang, "page-refused");
    let home = baton_catalog::t(lang, "page-home");
    let body = html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head { meta charset="utf-8"; title { (title) " · Baton" } link rel="stylesheet" href="/assets/baton.css"; }
            body { main.narrow { h1 { (title) } p.error role="alert" { (msg) } p { a href="/" { (home) } } } }
        }
    };
    (status, body).into_response()
}

const MAX_FORM: usize = baton_domain::input::BODY_MAX;

/// Runs before every handler: refuses unreadable credential headers (400), writes from another
/// site (Origin/Referer, 403) and cookie-authenticated writes without the session's CSRF token
/// (403). Bearer-token clients need no token: another site cannot make a browser send one.
/// Every answer is written in the request's language: the API's `Accept-Language`, the
/// session's choice on pages; Russian by default.
pub async fn guard(State(_s): State<AppState>, req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let lang = if api {
        req.headers()
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .map(Lang::from_accept_language)
            .unwrap_or_default()
    } else if cookie_says_en(req.headers()) {
        Lang::En
    } else {
        Lang::Ru
    };
    crate::error::LANG
        .scope(lang, check(req, next, api, lang))
        .await
}

async fn check(req: Request, next: Next, api: bool, ru: Lang) -> Response {
    let path = req.uri().path().to_string();
    let cred = match credential(req.headers()) {
        Ok(c) => c,
        Err(()) => {
            return refuse(
                api,
                ru,
                StatusCode::BAD_REQUEST,
                "bad_header",
                "web-bad-header",
            );
        }
    };
    if !is_write(req.method()) {
        return next.run(req).await;
    }
    let csrf = |id: &str| refuse(api, ru, StatusCode::FORBIDDEN, "csrf", id);
    if let Some(from) = source(req.headers())
        && (from.is_none() || from != host(&req))
    {
        return csrf("web-other-site");
    }
    let Some(Credential {
        secret,
        by_cookie: true,
    }) = cred
    else {
        return next.run(req).await;
    };
    if needs_no_token(&path) {
        return next.run(req).await;
    }
    let want = csrf_token(&secret);
    let sent = req
        .headers()
        .get(CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    if let Some(t) = sent {
        if same_secret(&t, &want) {
            return next.run(req).await;
        }
        return csrf("web-csrf-header-wrong");
    }
    let form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|c| c.starts_with("application/x-www-form-urlencoded"));
    let boundary = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .filter(|c| c.starts_with("multipart/form-data"))
        .and_then(|c| multer::parse_boundary(c).ok());
    if api || !(form || boundary.is_some()) {
        return csrf(if api {
            "web-csrf-header-missing"
        } else {
            "web-form-stale"
        });
    }
    // A page form: read the body to find the field, then hand the same bytes on.
    let (parts, body) = req.into_parts();
    // An upload form (multipart) may be as large as an upload.
    let limit = if boundary.is_some() {
        crate::pages::import::UPLOAD_MAX
    } else {
        MAX_FORM
    };
    let bytes = match to_bytes(body, limit).await {
        Ok(b) => b,
        Err(_) => {
            return refuse(
                api,
                ru,
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                "web-form-too-large",
            );
        }
    };
    let sent = match &boundary {
        Some(b) => multipart_field(&bytes, b, CSRF_FIELD).await,
        None => form_urlencoded_field(&bytes, CSRF_FIELD),
    };
    let ok = sent.is_some_and(|t| same_secret(&t, &want));
    if !ok {
        return csrf("web-form-stale");
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// The text of the multipart form's field `name` (the page puts the token first), read with
/// `multer`, the parser axum's own `Multipart` uses.
async fn multipart_field(body: &bytes::Bytes, boundary: &str, name: &str) -> Option<String> {
    let chunk = body.clone();
    let stream = futures_util::stream::once(async move { Ok::<_, std::io::Error>(chunk) });
    let mut m = multer::Multipart::new(stream, boundary);
    while let Ok(Some(field)) = m.next_field().await {
        if field.name() == Some(name) {
            return field.text().await.ok();
        }
    }
    None
}

fn form_urlencoded_field(body: &[u8], name: &str) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

fn cookie_says_en(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::COOKIE)
        .iter()
        .flat_map(|v| v.as_bytes().split(|b| *b == b';'))
        .any(|kv| kv.trim_ascii() == format!("{}=en", crate::pages::shell::LANG_COOKIE).as_bytes())
}

/// The headers every response carries. The pages use no inline script or style, so the policy
/// allows only this site's own files.
pub fn headers() -> [(HeaderName, HeaderValue); 4] {
    [
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
            ),
        ),
        (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        (
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_same_site_paths_are_followed() {
        for good in ["/", "/money", "/payroll/2026-11?ok=1", "/login?next=%2Fx"] {
            assert_eq!(safe_path(good), Some(good), "{good}");
        }
        for bad in [
            "",
            "money",
            "//evil.example/",
            "/\\evil.example/",
            "/\\/evil.example",
            "https://evil.example/",
            "/x\r\nSet-Cookie: a=b",
            "/\t/evil.example",
            "/ space",
            "/деньги",
            "javascript:alert(1)",
        ] {
            assert_eq!(safe_path(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn authority_of_origins_and_referers() {
        assert_eq!(
            authority("http://127.0.0.1:8080").as_deref(),
            Some("127.0.0.1:8080")
        );
        assert_eq!(
            authority("https://Baton.example/x?y").as_deref(),
            Some("baton.example")
        );
        assert_eq!(
            authority("https://u:p@evil.example/").as_deref(),
            Some("evil.example")
        );
        assert_eq!(authority("null"), None);
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "ab"));
    }
}
