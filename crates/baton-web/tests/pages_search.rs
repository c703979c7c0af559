//! The top bar's search on the web and the API (issue 16 §6): a caller finds their company by
//! a phone typed any way; every page carries the search box. On every database.

mod common;

use common::{Server, no_redirects, on_every_database};
use serde_json::json;

#[test]
fn the_top_bar_finds_a_company_by_phone() {
    on_every_database(story);
}

async fn story(s: Server) {
    let caller = s.login("caller1").await;
    let inn = baton_domain::Inn::legal_from_body(91);
    let r = s
        .call(
            "POST",
            "/api/companies",
            Some(&caller),
            Some(json!({"inn": inn.as_str(), "name": "Василёк",
                "contacts": [{"name": "Анна Смирнова", "is_dm": true, "phone": "+7 (903) 203-09-25"}]})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let id = r.body["company"]["id"].as_str().expect("id").to_string();

    let r = s
        .call("GET", "/api/search?q=89032030925", Some(&caller), None)
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["companies"][0]["id"], json!(id));
    assert_eq!(r.body["contacts"][0]["name"], json!("Анна Смирнова"));
    // Another caller sees nothing of it.
    let other = s.login("caller2").await;
    let r = s
        .call("GET", "/api/search?q=9032030925", Some(&other), None)
        .await;
    assert_eq!(r.body["companies"], json!([]), "{}", r.body);

    let cookie = s.browser_login("caller1").await;
    let get = |path: String| {
        let cookie = cookie.clone();
        let base = s.base.clone();
        async move {
            let r = no_redirects()
                .get(format!("{base}{path}"))
                .header("cookie", cookie)
                .send()
                .await
                .expect("get");
            (r.status().as_u16(), r.text().await.unwrap_or_default())
        }
    };
    let (status, html) = get("/".into()).await;
    assert_eq!(status, 200);
    assert!(html.contains(r#"id="top-search""#), "{html}");
    let (status, html) = get("/search?q=%2B7%20903%20203-09-25".into()).await;
    assert_eq!(status, 200, "{html}");
    assert!(
        html.contains(&format!("href=\"/companies/{id}\"")),
        "{html}"
    );
    assert!(html.contains("Анна Смирнова"), "{html}");
    // The phone as people write it.
    assert!(html.contains("Анна Смирнова · +7 903 203-09-25"), "{html}");
    let (status, html) = get("/search?q=смирнова".into()).await;
    assert_eq!(status, 200);
    assert!(html.contains("Анна Смирнова"), "{html}");
    let (_, html) = get("/search?q=nobody-like-this".into()).await;
    assert!(html.contains(r#"id="search-none""#), "{html}");
}
