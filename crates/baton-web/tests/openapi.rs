//! The OpenAPI document served at /api/openapi.json matches the live router: every documented
//! operation is routed (never the fallback, never 405), and an undocumented one is not.

mod common;

use common::{Server, on_every_database};

#[test]
fn openapi_matches_the_routes() {
    on_every_database(check);
}

async fn check(s: Server) {
    let admin = s.login("admin").await;
    let r = s.call("GET", "/api/openapi.json", None, None).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["openapi"], "3.1.0");
    let paths = r.body["paths"].as_object().expect("paths");
    let mut operations = 0;
    for (path, item) in paths {
        for (method, op) in item.as_object().expect("path item") {
            operations += 1;
            assert!(
                op["summary"].as_str().is_some_and(|s| !s.is_empty()),
                "{method} {path} has a summary"
            );
            if path == "/api/auth/logout" {
                continue;
            }
            let url = path.replace("{id}", "00000000-0000-0000-0000-000000000000");
            let resp = s
                .call(
                    &method.to_uppercase(),
                    &url,
                    Some(&admin),
                    Some(serde_json::json!({})),
                )
                .await;
            assert_ne!(
                resp.code(),
                "no_route",
                "{method} {path} is documented but not routed"
            );
            assert_ne!(resp.status, 405, "{method} {path}: method not allowed");
            assert!(
                resp.status < 500,
                "{method} {path}: {} {}",
                resp.status,
                resp.body
            );
        }
    }
    assert_eq!(
        operations,
        baton_web::routes().len(),
        "one operation per route"
    );
    let r = s.call("GET", "/api/not-a-thing", Some(&admin), None).await;
    assert_eq!((r.status, r.code()), (404, "no_route"));
    let r = s.call("DELETE", "/api/leads", Some(&admin), None).await;
    assert_eq!(
        (r.status, r.code()),
        (405, "method_not_allowed"),
        "an undocumented method on a documented path"
    );
}

/// The document is valid OpenAPI 3.1 by `openapi-spec-validator` (PyPI). Skipped when the
/// validator is missing, unless `BATON_REQUIRE_OPENAPI_VALIDATOR=1` (CI sets it; `.ci/run`
/// installs the pinned version).
#[test]
fn openapi_is_valid() {
    let required = std::env::var("BATON_REQUIRE_OPENAPI_VALIDATOR").as_deref() == Ok("1");
    let has = std::process::Command::new("python3")
        .args(["-c", "import openapi_spec_validator"])
        .status()
        .is_ok_and(|s| s.success());
    if !has {
        assert!(
            !required,
            "openapi-spec-validator is required but not installed"
        );
        eprintln!("openapi validation skipped: pip install openapi-spec-validator");
        return;
    }
    let path = std::env::temp_dir().join(format!("baton-openapi-{}.json", std::process::id()));
    let doc = serde_json::to_string_pretty(&baton_web::openapi()).expect("document");
    std::fs::write(&path, doc).expect("write the document");
    let out = std::process::Command::new("python3")
        .args(["-m", "openapi_spec_validator"])
        .arg(&path)
        .output()
        .expect("run the validator");
    let _ = std::fs::remove_file(&path);
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Every length and count limit in the document is one of `baton_domain::input`'s, and every
/// operation with a body or a success answer has a schema for it.
#[test]
fn openapi_states_the_input_limits() {
    use baton_domain::input::{CODE_MAX, DOCUMENT_MAX, LIST_MAX, MOVE_MAX, NAME_MAX, NOTE_MAX};
    let doc = baton_web::openapi();
    let mut lengths = std::collections::BTreeSet::new();
    let mut items = std::collections::BTreeSet::new();
    fn walk(
        v: &serde_json::Value,
        lengths: &mut std::collections::BTreeSet<u64>,
        items: &mut std::collections::BTreeSet<u64>,
    ) {
        match v {
            serde_json::Value::Object(o) => {
                if let Some(n) = o.get("maxLength").and_then(|n| n.as_u64()) {
                    lengths.insert(n);
                }
                if let Some(n) = o.get("maxItems").and_then(|n| n.as_u64()) {
                    items.insert(n);
                }
                o.values().for_each(|x| walk(x, lengths, items));
            }
            serde_json::Value::Array(a) => a.iter().for_each(|x| walk(x, lengths, items)),
            _ => {}
        }
    }
    walk(&doc, &mut lengths, &mut items);
    let known = [NAME_MAX, CODE_MAX, NOTE_MAX, DOCUMENT_MAX].map(|n| n as u64);
    for n in &lengths {
        assert!(
            known.contains(n),
            "maxLength {n} is not one of input.rs's limits"
        );
    }
    assert!(lengths.len() >= 4, "the limits are stated: {lengths:?}");
    // 3: the structure simulator's scenarios, bounded so that a request stays short.
    for n in &items {
        assert!(
            [LIST_MAX as u64, MOVE_MAX as u64, 3].contains(n),
            "maxItems {n}"
        );
    }
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("item") {
            let responses = op["responses"].as_object().expect("responses");
            assert!(
                responses.keys().any(|k| k.starts_with('2')),
                "{method} {path} answers a success"
            );
            // A body is typed: a named schema or one with its properties, never a bare object.
            if let Some(schema) = op["requestBody"]["content"]["application/json"].get("schema") {
                let typed = schema.get("$ref").is_some()
                    || schema.get("properties").is_some()
                    || schema.get("allOf").is_some()
                    || schema.get("oneOf").is_some();
                assert!(typed, "{method} {path}: the body is not typed: {schema}");
            }
            if method == "post" || method == "put" {
                let statuses: Vec<&str> = responses.keys().map(String::as_str).collect();
                for s in ["401", "403", "422"] {
                    assert!(
                        path.starts_with("/api/auth/") || statuses.contains(&s),
                        "{method} {path} declares {s}"
                    );
                }
            }
        }
    }
}
