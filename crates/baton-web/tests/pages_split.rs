//! The split wizard on the web (issue 15): the head of Moscow takes the conveyor preset, sees
//! the preview with the last three months replayed, confirms; the roles and the books change,
//! the dashboard's API lists the split; a caller is refused. On every database.

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

/// The `<select>` named `name` in `html`, up to its end.
fn select<'a>(html: &'a str, name: &str) -> &'a str {
    let at = html
        .find(&format!("name=\"{name}\""))
        .unwrap_or_else(|| panic!("no select {name}: {html}"));
    let rest = &html[at..];
    &rest[..rest.find("</select>").unwrap_or(rest.len())]
}

#[test]
fn a_head_carries_out_the_conveyor_preset() {
    on_every_database(story);
}

async fn story(s: Server) {
    let director = s.login("director").await;
    let r = s
        .call(
            "POST",
            "/api/employees",
            Some(&director),
            Some(json!({"login": "um2", "name": "Второй Универсал", "password": "secret-um2",
                "region_id": s.regions["msk"], "role": "universal_manager", "valid_from": "2020-01-01"})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let um2 = r.body["id"].as_str().expect("um2").to_string();
    let (um1, cm1) = (s.id("um1"), s.id("cm1"));

    // um1 serves two clients, um2 one.
    let caller = s.login("caller1").await;
    let head = s.login("head").await;
    let mut ids = Vec::new();
    for (n, name) in [(81u32, "Альфа"), (82, "Бета"), (83, "Гамма")] {
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
    for (list, to) in [(&ids[..2], &um1), (&ids[2..], &um2)] {
        let r = s
            .call(
                "POST",
                "/api/clients/reassign",
                Some(&head),
                Some(json!({"company_ids": list, "to_id": to})),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
    }

    // The API's preset: um1 (the larger book) keeps it as client manager, um2 sells and its
    // client is dealt to the client managers (cm1 first).
    let msk = s.regions["msk"].clone();
    let r = s
        .call(
            "GET",
            &format!("/api/split/preset?region_id={msk}&preset=conveyor"),
            Some(&head),
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        r.body["roles"],
        json!([{"employee_id": um1, "role": "client_manager"},
               {"employee_id": um2, "role": "sales_manager"}]),
        "{}",
        r.body
    );
    assert_eq!(
        r.body["moves"],
        json!([{"from_id": um2, "to_ids": [cm1, um1]}])
    );

    // The wizard shows the same draft.
    let cookie = s.browser_login("head").await;
    let (status, html) = page(&s, &cookie, "/people/split?preset=conveyor").await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("id=\"split-people\""), "{html}");
    assert!(
        select(&html, &format!("role_{um1}")).contains("value=\"client_manager\" selected"),
        "{html}"
    );
    assert!(
        select(&html, &format!("role_{um2}")).contains("value=\"sales_manager\" selected"),
        "{html}"
    );
    assert!(
        select(&html, &format!("to_{um2}")).contains("value=\"turn\" selected"),
        "{html}"
    );

    let role_um1 = format!("role_{um1}");
    let role_um2 = format!("role_{um2}");
    let to_um2 = format!("to_{um2}");
    let form = [
        ("region", msk.as_str()),
        (role_um1.as_str(), "client_manager"),
        (role_um2.as_str(), "sales_manager"),
        (to_um2.as_str(), "turn"),
    ];
    let r = s
        .post_form_with_cookie(&cookie, "/people/split/preview", &form)
        .await;
    assert_eq!(r.status().as_u16(), 200);
    let html = r.text().await.unwrap_or_default();
    assert!(html.contains("смена ролей — <strong>2</strong>"), "{html}");
    assert!(
        html.contains("переходят клиентов — <strong>1</strong>"),
        "{html}"
    );
    assert!(html.contains("id=\"split-history\""), "{html}");
    assert!(html.contains("id=\"split-confirm\""), "{html}");
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
    assert_eq!(
        count(um2.clone()).await,
        Some(1),
        "the preview changes nothing"
    );

    // Confirmed.
    let r = s
        .post_form_with_cookie(&cookie, "/people/split", &form)
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let to = r
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    assert!(to.starts_with("/people?ok="), "{to}");
    assert_eq!(count(um2.clone()).await, Some(0));
    assert_eq!(count(cm1.clone()).await, Some(1));
    assert_eq!(count(um1.clone()).await, Some(2));
    let r = s
        .call("GET", &format!("/api/employees/{um2}"), Some(&head), None)
        .await;
    let open: Vec<&str> = r.body["roles"]
        .as_array()
        .expect("roles")
        .iter()
        .filter(|x| x["valid_to"].is_null())
        .filter_map(|x| x["role"].as_str())
        .collect();
    assert_eq!(open, ["sales_manager"], "{}", r.body);

    // The split is on record for the dashboard and the replay.
    let r = s
        .call(
            "GET",
            "/api/department/changes?region=msk",
            Some(&head),
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body.as_array().map(|a| a.len()), Some(1), "{}", r.body);
    assert_eq!(r.body[0]["roles_changed"], json!(2));
    assert_eq!(r.body[0]["clients_moved"], json!(1));
    assert_eq!(r.body[0]["regions"], json!(["msk"]));
    let (status, html) = page(&s, &cookie, "/dashboard").await;
    assert_eq!(status, 200);
    assert!(
        !html.contains("department-change"),
        "last month is before the split: {html}"
    );

    // A caller may not open the wizard.
    let caller_cookie = s.browser_login("caller1").await;
    let (status, _) = page(&s, &caller_cookie, "/people/split").await;
    assert_eq!(status, 403);
}
