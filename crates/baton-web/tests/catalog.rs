//! The API speaks the request's language (issue 16): an error keeps its stable `code` and its
//! `message` is Russian unless `Accept-Language` asks for English. The other API tests pin
//! `Accept-Language: en` (common::english_api); this one sends none, or asks for each language.

mod common;

use common::{Server, on_every_database};
use serde_json::Value;

async fn send(
    s: &Server,
    path: &str,
    lang: Option<&str>,
    token: Option<&str>,
    body: Option<&str>,
) -> (u16, Value) {
    // A client without the English default of the other tests.
    let c = reqwest::Client::new();
    let mut rb = if body.is_some() {
        c.post(format!("{}{path}", s.base))
    } else {
        c.get(format!("{}{path}", s.base))
    };
    if let Some(l) = lang {
        rb = rb.header("accept-language", l);
    }
    if let Some(t) = token {
        rb = rb.bearer_auth(t);
    }
    if let Some(b) = body {
        rb = rb
            .header("content-type", "application/json")
            .body(b.to_string());
    }
    let r = rb.send().await.expect("request");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

#[test]
fn api_errors_speak_the_requests_language() {
    on_every_database(story);
}

async fn story(s: Server) {
    // No header: Russian, the default.
    let (status, b) = send(&s, "/api/no-such-thing", None, None, None).await;
    assert_eq!(
        (status, b["error"]["code"].as_str()),
        (404, Some("no_route"))
    );
    assert_eq!(
        b["error"]["message"],
        "GET /api/no-such-thing — такого адреса в API Baton нет; список: /api/openapi.json"
    );
    // English when asked, with the same code.
    let (_, b) = send(&s, "/api/no-such-thing", Some("en-GB,en;q=0.9"), None, None).await;
    assert_eq!(b["error"]["code"], "no_route");
    assert_eq!(
        b["error"]["message"],
        "GET /api/no-such-thing is not a Baton endpoint; see /api/openapi.json"
    );
    // A language Baton does not speak falls back to Russian; the best one it speaks wins.
    let (_, b) = send(&s, "/api/no-such-thing", Some("de, fr;q=0.8"), None, None).await;
    assert!(
        b["error"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("такого адреса"),
        "{b}"
    );
    let (_, b) = send(
        &s,
        "/api/no-such-thing",
        Some("de, en;q=0.5, ru;q=0.4"),
        None,
        None,
    )
    .await;
    assert!(
        b["error"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("is not a Baton endpoint"),
        "{b}"
    );

    // An unauthenticated call and a broken body: Russian sentences, codes unchanged.
    let (status, b) = send(&s, "/api/companies", None, None, None).await;
    assert_eq!(
        (status, b["error"]["code"].as_str()),
        (401, Some("unauthenticated"))
    );
    assert!(
        b["error"]["message"]
            .as_str()
            .unwrap_or("")
            .starts_with("Сначала войдите"),
        "{b}"
    );
    let token = s.login("caller1").await;
    let (status, b) = send(&s, "/api/companies", None, Some(&token), Some("{\"inn\": ")).await;
    assert_eq!(
        (status, b["error"]["code"].as_str()),
        (422, Some("bad_json")),
        "{b}"
    );
    assert!(
        b["error"]["message"]
            .as_str()
            .unwrap_or("")
            .starts_with("Тело запроса неверно: "),
        "{b}"
    );
    assert_eq!(
        (b["error"]["line"].as_u64(), b["error"]["column"].as_u64()),
        (Some(1), Some(8)),
        "{b}"
    );
}
