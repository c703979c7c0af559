//! Alerts raised as events arrive: the server's watcher evaluates the standing rules after a
//! write and on the clock, and the alert log says when and after what each alert was raised.
//! The head sees it on /alerts; the director sets the rules from /settings or the API.

mod common;

use common::{Server, on_every_database};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

/// Polls the open alert log until `found` picks an entry, for at most ten seconds.
async fn wait_for(s: &Server, token: &str, found: impl Fn(&Value) -> bool) -> Value {
    let start = Instant::now();
    loop {
        let r = s
            .call("GET", "/api/alerts/log?open=1", Some(token), None)
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        if let Some(a) = r.body["items"]
            .as_array()
            .and_then(|items| items.iter().find(|a| found(a)))
        {
            return a.clone();
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "not raised within 10 s: {}",
            r.body
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[test]
fn alerts_are_raised_when_events_arrive() {
    on_every_database(story);
}

async fn story(s: Server) {
    tokio::spawn(baton_web::watch(s.app.clone(), Duration::from_millis(50)));
    let head = s.login("head").await;
    let director = s.login("director").await;
    let caller1 = s.login("caller1").await;

    // The first evaluation runs on the clock: every sales manager here has been one since 2020
    // with no client, so sm1 has "no new client".
    let sm1 = s.id("sm1");
    let a = wait_for(&s, &head, |a| {
        a["rule"] == "no_new_client" && a["person_id"] == sm1.as_str()
    })
    .await;
    assert_eq!(a["raised_after"], "the clock");
    assert_eq!(a["region_id"], s.regions["msk"].as_str());
    assert!(a["cleared_at"].is_null());
    // A head sees their region only: the Petersburg sales manager's alert is not in it.
    let sm_spb = s.id("sm_spb");
    let r = s.call("GET", "/api/alerts/log", Some(&head), None).await;
    let items = r.body["items"].as_array().cloned().unwrap_or_default();
    assert!(items.iter().all(|a| a["person_id"] != sm_spb.as_str()));
    let r = s
        .call("GET", "/api/alerts/log", Some(&director), None)
        .await;
    let items = r.body["items"].as_array().cloned().unwrap_or_default();
    assert!(items.iter().any(|a| a["person_id"] == sm_spb.as_str()));
    // A caller has no alert log.
    let r = s.call("GET", "/api/alerts/log", Some(&caller1), None).await;
    assert_eq!(r.status, 403, "{}", r.body);

    // The head hands a lead over with the checklist empty: the override is raised after the
    // handoff, without anyone opening the alerts.
    let r = s
        .call(
            "POST",
            "/api/companies",
            Some(&caller1),
            Some(json!({"inn": "7707083893", "name": "ООО «Ромашка»"})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let company = r.body["company"]["id"].as_str().unwrap_or("").to_string();
    let r = s
        .call(
            "POST",
            "/api/leads",
            Some(&caller1),
            Some(json!({"company_id": company, "source": "cold_call"})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let lead = r.body["id"].as_str().unwrap_or("").to_string();
    let r = s
        .call(
            "POST",
            &format!("/api/leads/{lead}/handoff"),
            Some(&head),
            Some(json!({"override_reason": "клиент ждёт звонка сегодня", "receiver_id": sm1})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let head_id = s.id("head");
    let a = wait_for(&s, &head, |a| a["rule"] == "checklist_overridden").await;
    assert_eq!(a["person_id"], head_id.as_str());
    assert_eq!(a["raised_after"], format!("lead.handed lead {lead}"));
    assert_eq!(a["records"], json!([lead]));

    // Beside "Alerts" in the head's navigation: the alerts raised and not acknowledged in
    // their region; acknowledging one takes it off; a caller sees no count.
    let open_unacked = |body: &Value| {
        body["items"].as_array().map_or(0, |items| {
            items
                .iter()
                .filter(|a| a["acknowledged_at"].is_null())
                .count()
        })
    };
    let page_count = |html: &str| -> Option<usize> {
        let at = html.find(r#"id="nav-alerts-count""#)?;
        let from = at + html[at..].find('>')? + 1;
        let to = from + html[from..].find('<')?;
        html[from..to].trim().parse().ok()
    };
    let html_of = |token: String, path: &'static str| {
        let (client, base) = (s.client.clone(), s.base.clone());
        async move {
            let r = client
                .get(format!("{base}{path}"))
                .bearer_auth(token)
                .send()
                .await
                .expect("page");
            r.text().await.unwrap_or_default()
        }
    };
    let log = s
        .call(
            "GET",
            "/api/alerts/log?open=1&per_page=500",
            Some(&head),
            None,
        )
        .await;
    let n = open_unacked(&log.body);
    assert!(n >= 2, "{}", log.body);
    assert_eq!(
        page_count(&html_of(head.clone(), "/companies").await),
        Some(n)
    );
    let r = s
        .call(
            "POST",
            "/api/alerts/ack",
            Some(&head),
            Some(json!({"key": a["id"]})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        page_count(&html_of(head.clone(), "/companies").await),
        Some(n - 1)
    );
    // A caller does not see the head's count: theirs is «Мои сигналы», the alerts that ask
    // them to act, none here.
    let caller_page = html_of(caller1.clone(), "/companies").await;
    assert_eq!(page_count(&caller_page), Some(0));
    assert!(caller_page.contains("href=\"/my/alerts\""));
    assert!(!caller_page.contains("href=\"/alerts\""));

    // The standing rules: read by the head, set by the director only, checked.
    let r = s.call("GET", "/api/alerts/rules", Some(&head), None).await;
    assert_eq!(
        r.body,
        json!({"no_new_client_months": 3, "stale_deal_days": 14, "no_order_months": 3, "override_days": 30})
    );
    let rules = json!({"no_new_client_months": 3, "stale_deal_days": 14, "no_order_months": 3, "override_days": 0});
    let r = s
        .call("PUT", "/api/alerts/rules", Some(&head), Some(rules.clone()))
        .await;
    assert_eq!(r.status, 403, "{}", r.body);
    let r = s
        .call("PUT", "/api/alerts/rules", Some(&director), Some(rules))
        .await;
    assert_eq!(
        (r.status, r.body["error"]["field"].as_str()),
        (422, Some("override_days")),
        "{}",
        r.body
    );

    // The head's page: the rules in words, and when each alert was raised.
    let r = s
        .client
        .get(format!("{}/alerts", s.base))
        .bearer_auth(&head)
        .send()
        .await
        .expect("alerts page");
    let html = r.text().await.unwrap_or_default();
    assert!(html.contains(r#"id="alert-rules""#), "{html}");
    assert!(html.contains("Поднято") && html.contains("Передача в обход чек-листа"));

    // The director looks at overrides of the last day only (today's stays) and lengthens "no
    // new client" to 120 months: sm1, in the role since 1 January 2020, is cleared at once.
    let r = s
        .call(
            "PUT",
            "/api/alerts/rules",
            Some(&director),
            Some(json!({"no_new_client_months": 120, "stale_deal_days": 14, "no_order_months": 3, "override_days": 1})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = s.call("GET", "/api/alerts/log", Some(&head), None).await;
    let items = r.body["items"].as_array().cloned().unwrap_or_default();
    let nnc = items
        .iter()
        .find(|a| a["rule"] == "no_new_client" && a["person_id"] == sm1.as_str())
        .expect("sm1's alert stays in the log");
    assert!(nnc["cleared_at"].is_string(), "{nnc}");
    assert!(
        items
            .iter()
            .any(|a| a["rule"] == "checklist_overridden" && a["cleared_at"].is_null())
    );
}
