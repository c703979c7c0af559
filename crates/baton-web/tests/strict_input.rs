//! Input that must be refused is refused, with the field named and nothing stored: the hostile
//! walk's reproductions (issue 14), over HTTP, on SQLite and PostgreSQL.

mod common;

use common::{Server, on_every_database};
use serde_json::{Value, json};

#[test]
fn hostile_input_is_refused_and_nothing_is_stored() {
    on_every_database(walk);
}

fn inn(n: u32) -> String {
    baton_domain::Inn::legal_from_body(n).as_str().to_string()
}

async fn companies(s: &Server, tok: &str) -> u64 {
    s.call("GET", "/api/companies", Some(tok), None).await.body["total"]
        .as_u64()
        .unwrap_or(u64::MAX)
}

async fn walk(s: Server) {
    let caller = s.login("caller1").await;
    let head = s.login("head").await;
    let before = companies(&s, &caller).await;

    // (what, body, expected status, expected code, expected field)
    let contacts: Vec<Value> = (0..20_000)
        .map(|i| json!({"name": format!("Контакт {i}")}))
        .collect();
    let cases: Vec<(&str, Value, u16, &str, Option<&str>)> = vec![
        (
            "a 1 MB name",
            json!({"inn": inn(41), "name": "я".repeat(500_000)}),
            422,
            "invalid",
            Some("name"),
        ),
        (
            "20 000 contacts in one request",
            json!({"inn": inn(42), "name": "ООО «Много»", "contacts": contacts}),
            422,
            "invalid",
            Some("contacts"),
        ),
        (
            "an all-zero ИНН",
            json!({"inn": "0000000000", "name": "ООО «Ноль»"}),
            422,
            "invalid_inn",
            Some("inn"),
        ),
        (
            "a NUL in a name",
            json!({"inn": inn(43), "name": "ООО «Ро\u{0}машка»"}),
            422,
            "invalid",
            Some("name"),
        ),
        (
            "a name blank after trimming",
            json!({"inn": inn(44), "name": "  \t "}),
            422,
            "invalid",
            Some("name"),
        ),
        (
            "a line break in a one-line name",
            json!({"inn": inn(45), "name": "ООО\nРомашка"}),
            422,
            "invalid",
            Some("name"),
        ),
    ];
    for (what, body, status, code, field) in cases {
        let r = s
            .call("POST", "/api/companies", Some(&caller), Some(body))
            .await;
        assert_eq!(
            (r.status, r.code(), r.body["error"]["field"].as_str()),
            (status, code, field),
            "{what}: {}",
            r.body
        );
    }

    // JSON with trailing junk: refused where the junk starts.
    let raw = format!(
        r#"{{"inn": "{}", "name": "ООО «Хвост»"}} {{"x": 1}}"#,
        inn(46)
    );
    let r = s
        .client
        .post(format!("{}/api/companies", s.base))
        .bearer_auth(&caller)
        .header("content-type", "application/json")
        .body(raw)
        .send()
        .await
        .expect("request");
    assert_eq!(r.status().as_u16(), 422);
    let b: Value = r.json().await.expect("json");
    assert_eq!(b["error"]["code"], "bad_json", "{b}");
    assert_eq!(b["error"]["line"], 1, "{b}");
    assert!(
        b["error"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("after its JSON document"),
        "{b}"
    );

    // A body over the limit: 413 in the error shape.
    let big = "x".repeat(baton_domain::input::BODY_MAX + 10);
    let r = s
        .client
        .post(format!("{}/api/companies", s.base))
        .bearer_auth(&caller)
        .header("content-type", "application/json")
        .body(big)
        .send()
        .await
        .expect("request");
    assert_eq!(r.status().as_u16(), 413);
    let b: Value = r.json().await.expect("json");
    assert_eq!(b["error"]["code"], "too_large", "{b}");

    assert_eq!(
        companies(&s, &caller).await,
        before,
        "nothing refused was stored"
    );

    // A negative cost; a due date in the year 9999.
    let r = s
        .call(
            "POST",
            "/api/costs",
            Some(&head),
            Some(json!({"month": "2026-11", "region": "msk", "kind": "ads", "amount": "-5000"})),
        )
        .await;
    assert_eq!(
        (r.status, r.body["error"]["field"].as_str()),
        (422, Some("amount")),
        "{}",
        r.body
    );
    let r = s
        .call(
            "POST",
            "/api/companies",
            Some(&caller),
            Some(json!({"inn": inn(47), "name": "ООО «Срок»"})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let company = r.body["company"]["id"].as_str().expect("id").to_string();
    let r = s
        .call(
            "POST",
            "/api/invoices",
            Some(&head),
            Some(json!({"company_id": company, "amount": "1000", "due_on": "9999-12-31"})),
        )
        .await;
    assert_eq!(
        (r.status, r.body["error"]["field"].as_str()),
        (422, Some("due_on")),
        "{}",
        r.body
    );
    assert!(
        r.body["error"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("within 10 years of today"),
        "{}",
        r.body
    );

    // An unknown sort or filter value names the valid ones.
    let r = s
        .call("GET", "/api/companies?sort=evil", Some(&caller), None)
        .await;
    assert_eq!(
        (r.status, r.body["error"]["field"].as_str()),
        (422, Some("sort")),
        "{}",
        r.body
    );
    assert!(
        r.body["error"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("name, created_at, inn, last_paid_on"),
        "{}",
        r.body
    );
    let r = s
        .call("GET", "/api/leads?stage=won_maybe", Some(&caller), None)
        .await;
    assert_eq!(
        (r.status, r.body["error"]["field"].as_str()),
        (422, Some("stage")),
        "{}",
        r.body
    );
}
