//! Moving clients on the web (issue 15): the head ticks clients, sees the preview, confirms;
//! the API moves a book; a caller is refused. On every database.

mod common;

use common::{Server, no_redirects, on_every_database};
use serde_json::json;

async fn page(s: &Server, cookie: &str, path: &str) -> (u16, String) {
    let r = no_redirects()
        .get(format!("{}{}", s.base, path))
        .header("cookie", cookie)
        .send()
        .await
        .expect("get");
    let status = r.status().as_u16();
    (status, r.text().await.unwrap_or_default())
}

#[test]
fn a_head_moves_clients_through_the_preview() {
    on_every_database(story);
}

async fn story(s: Server) {
    let director = s.login("director").await;
    let r = s
        .call(
            "POST",
            "/api/employees",
            Some(&director),
            Some(json!({"login": "cm2", "name": "Вторая Клиентская", "password": "secret-cm2",
                "region_id": s.regions["msk"], "role": "client_manager", "valid_from": "2020-01-01"})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let cm2 = r.body["id"].as_str().expect("cm2").to_string();
    let cm1 = s.id("cm1");

    // Three companies, given to cm1 through the API by the head.
    let caller = s.login("caller1").await;
    let mut ids = Vec::new();
    for (n, name) in [(71u32, "Альфа"), (72, "Бета"), (73, "Гамма")] {
        let inn = baton_domain::Inn::legal_from_body(n);
        let r = s
            .call(
                "POST",
                "/api/companies",
                Some(&caller),
                Some(json!({"inn": inn.as_str(), "name": name})),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.body);
        ids.push(r.body["company"]["id"].as_str().expect("id").to_string());
    }
    let head = s.login("head").await;
    let r = s
        .call(
            "POST",
            "/api/clients/reassign",
            Some(&head),
            Some(json!({"company_ids": ids, "to_id": cm1})),
        )
        .await;
    assert_eq!(
        (r.status, r.body["moved"].as_i64()),
        (200, Some(3)),
        "{}",
        r.body
    );
    // A caller may not move clients.
    let r = s
        .call(
            "POST",
            "/api/clients/reassign/preview",
            Some(&caller),
            Some(json!({"from_id": cm1, "to_id": cm2})),
        )
        .await;
    assert_eq!(r.status, 403, "{}", r.body);

    // The head's page lists cm1's clients.
    let cookie = s.browser_login("head").await;
    let (status, html) = page(&s, &cookie, &format!("/portfolio/move?from={cm1}")).await;
    assert_eq!(status, 200, "{html}");
    for name in ["Альфа", "Бета", "Гамма"] {
        assert!(html.contains(name), "{name}");
    }
    assert!(html.contains("id=\"move-clients\""));

    // Two ticked: the preview says so, and changes nothing.
    let form = [
        ("from", cm1.as_str()),
        ("to", cm2.as_str()),
        ("company", ids[0].as_str()),
        ("company", ids[1].as_str()),
    ];
    let r = s
        .post_form_with_cookie(&cookie, "/portfolio/move/preview", &form)
        .await;
    assert_eq!(r.status().as_u16(), 200);
    let html = r.text().await.unwrap_or_default();
    assert!(html.contains("id=\"move-preview\""), "{html}");
    assert!(
        html.contains("Перемещаются клиентов: <strong>2</strong>"),
        "{html}"
    );
    assert!(
        html.contains("3 → <strong>1</strong>"),
        "cm1 keeps one: {html}"
    );
    assert!(
        html.contains("0 → <strong>2</strong>"),
        "cm2 takes two: {html}"
    );
    let count = |id: String| {
        let (s, head) = (&s, head.clone());
        async move {
            s.call(
                "GET",
                &format!("/api/companies?client_manager_id={id}"),
                Some(&head),
                None,
            )
            .await
            .body["total"]
                .as_i64()
        }
    };
    assert_eq!(count(cm2.clone()).await, Some(0));

    // Confirmed: two move, the portfolio page says so.
    let r = s
        .post_form_with_cookie(&cookie, "/portfolio/move", &form)
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let to = r
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    assert!(to.starts_with(&format!("/portfolio?cm={cm2}&ok=")), "{to}");
    assert_eq!(count(cm2.clone()).await, Some(2));
    assert_eq!(count(cm1.clone()).await, Some(1));

    // Nothing ticked: the list comes back with the error, nothing moves.
    let r = s
        .post_form_with_cookie(
            &cookie,
            "/portfolio/move/preview",
            &[("from", &cm1), ("to", &cm2)],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let back = r
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    assert!(
        back.starts_with("/portfolio/move?from=") && back.contains("err="),
        "{back}"
    );

    // The caller's browser gets the refusal page.
    let caller_cookie = s.browser_login("caller1").await;
    let (status, _) = page(&s, &caller_cookie, "/portfolio/move").await;
    assert_eq!(status, 403);
}
