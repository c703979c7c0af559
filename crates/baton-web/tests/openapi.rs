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
