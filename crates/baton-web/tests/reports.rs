//! The reports' endpoints: who may read them, and a wrong or missing parameter is a 422 that
//! names it.

mod common;

use common::{Server, on_every_database};
use serde_json::json;

#[test]
fn alerts_are_acknowledged_by_the_head_and_hidden_when_open() {
    on_every_database(acks);
}

async fn acks(s: Server) {
    let head = s.login("head").await;
    let director = s.login("director").await;
    let caller = s.login("caller1").await;

    let r = s.call("GET", "/api/alerts", Some(&head), None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let alerts = r.body["alerts"].as_array().cloned().unwrap_or_default();
    assert!(!alerts.is_empty(), "{}", r.body);
    assert!(alerts.iter().all(|a| a["acknowledged_at"].is_null()));
    let key = alerts[0]["key"].as_str().unwrap().to_string();
    assert!(
        key.starts_with(alerts[0]["rule"].as_str().unwrap()),
        "{key}"
    );

    // A caller may not acknowledge; a key that is not an alert's is a 422 naming it.
    let r = s
        .call(
            "POST",
            "/api/alerts/ack",
            Some(&caller),
            Some(json!({"key": key})),
        )
        .await;
    assert_eq!(r.status, 403, "{}", r.body);
    let r = s
        .call(
            "POST",
            "/api/alerts/ack",
            Some(&director),
            Some(json!({"key": "nonsense"})),
        )
        .await;
    assert_eq!(
        (r.status, &r.body["error"]["field"]),
        (422, &json!("key")),
        "{}",
        r.body
    );
    let r = s
        .call("GET", "/api/alerts?open=maybe", Some(&head), None)
        .await;
    assert_eq!(
        (r.status, &r.body["error"]["field"]),
        (422, &json!("open")),
        "{}",
        r.body
    );

    // The head acknowledges it: marked in the list, hidden with open=1.
    let r = s
        .call(
            "POST",
            "/api/alerts/ack",
            Some(&head),
            Some(json!({"key": key})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = s.call("GET", "/api/alerts", Some(&head), None).await;
    let same = r.body["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["key"] == json!(key))
        .cloned()
        .unwrap();
    assert!(same["acknowledged_by"].is_string(), "{same}");
    assert!(same["acknowledged_at"].is_string(), "{same}");
    let r = s.call("GET", "/api/alerts?open=1", Some(&head), None).await;
    let open = r.body["alerts"].as_array().unwrap();
    assert_eq!(open.len(), alerts.len() - 1, "{}", r.body);
    assert!(open.iter().all(|a| a["key"] != json!(key)));

    // Another region's alert is not the head's to acknowledge; the director's it is.
    let r = s
        .call("GET", "/api/alerts?region=spb", Some(&director), None)
        .await;
    if let Some(spb) = r.body["alerts"].as_array().and_then(|a| a.first()) {
        let body = json!({"key": spb["key"]});
        let r = s
            .call("POST", "/api/alerts/ack", Some(&head), Some(body.clone()))
            .await;
        assert_eq!(r.status, 403, "{}", r.body);
        let r = s
            .call("POST", "/api/alerts/ack", Some(&director), Some(body))
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
    }
}

#[test]
fn reports_answer_the_head_and_name_bad_parameters() {
    on_every_database(story);
}

async fn story(s: Server) {
    let head = s.login("head").await;
    let director = s.login("director").await;
    let caller = s.login("caller1").await;

    for path in [
        "/api/reports/matrix?from=2026-10&to=2026-11",
        "/api/reports/funnel?from=2026-10&to=2026-11",
        "/api/reports/aging?as_of=2026-11-30",
        "/api/reports/retention?to=2026-11&months=6",
        "/api/reports/costs?from=2026-10&to=2026-10",
        "/api/reports/plan-fact?period=2026-10",
        "/api/alerts",
    ] {
        let r = s.call("GET", path, Some(&head), None).await;
        assert_eq!(r.status, 200, "{path}: {}", r.body);
        let r = s.call("GET", path, Some(&caller), None).await;
        assert_eq!(r.status, 403, "{path}: {}", r.body);
    }
    // The head's reports are their region's; another region is refused.
    let r = s
        .call(
            "GET",
            "/api/reports/matrix?from=2026-10&to=2026-11",
            Some(&head),
            None,
        )
        .await;
    assert_eq!(r.body["region"], "msk");
    let r = s
        .call(
            "GET",
            "/api/reports/matrix?from=2026-10&to=2026-11&region=spb",
            Some(&head),
            None,
        )
        .await;
    assert_eq!(r.status, 403, "{}", r.body);
    let r = s
        .call(
            "GET",
            "/api/reports/matrix?from=2026-10&to=2026-11&region=spb",
            Some(&director),
            None,
        )
        .await;
    assert_eq!(
        (r.status, &r.body["region"]),
        (200, &json!("spb")),
        "{}",
        r.body
    );

    for (path, field) in [
        ("/api/reports/matrix?to=2026-11", "from"),
        ("/api/reports/matrix?from=2026-1&to=2026-11", "from"),
        ("/api/reports/matrix?from=2026-10&to=2026-09", "to"),
        (
            "/api/reports/matrix?from=2026-10&to=2026-11&region=zzz",
            "region",
        ),
        (
            "/api/reports/funnel?from=2026-10&to=2026-11&person=nobody",
            "person",
        ),
        ("/api/reports/aging?as_of=yesterday", "as_of"),
        ("/api/reports/aging?dso_days=ninety", "dso_days"),
        ("/api/reports/retention?to=2026-11&months=0", "months"),
        (
            "/api/reports/costs?from=2026-10&to=2026-10&revenue_months=x",
            "revenue_months",
        ),
        ("/api/alerts?stale_deal_days=-", "stale_deal_days"),
        ("/api/reports/plan-fact", "period"),
        ("/api/reports/plan-fact?period=2026-13", "period"),
    ] {
        let r = s.call("GET", path, Some(&director), None).await;
        assert_eq!(r.status, 422, "{path}: {}", r.body);
        assert_eq!(r.body["error"]["field"], field, "{path}: {}", r.body);
    }

    // Costs: the head enters one for the region; the report adds it to October.
    let r = s
        .call(
            "POST",
            "/api/costs",
            Some(&head),
            Some(json!({"month": "2026-10", "region": "msk", "kind": "telephony", "amount": "12 345,67"})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let r = s
        .call(
            "POST",
            "/api/costs",
            Some(&head),
            Some(json!({"month": "2026-10", "region": "spb", "kind": "ads", "amount": "1"})),
        )
        .await;
    assert_eq!(r.status, 403, "{}", r.body);
    let r = s
        .call(
            "GET",
            "/api/reports/costs?from=2026-10&to=2026-10",
            Some(&head),
            None,
        )
        .await;
    let total = r.body["rows"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (total["month"].as_str(), total["other_costs"].as_str()),
        (Some("total"), Some("12345.67"))
    );
}

#[test]
fn a_head_who_hands_over_an_incomplete_checklist_raises_an_alert() {
    on_every_database(overridden);
}

async fn overridden(s: Server) {
    let caller = s.login("caller1").await;
    let head = s.login("head").await;
    let r = s
        .call(
            "POST",
            "/api/companies",
            Some(&caller),
            Some(json!({"inn": "7707083893", "name": "ООО «Ромашка»"})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let company = r.body["company"]["id"].as_str().unwrap().to_string();
    let r = s
        .call(
            "POST",
            "/api/leads",
            Some(&caller),
            Some(json!({"company_id": company})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let lead = r.body["id"].as_str().unwrap().to_string();

    // The caller may not hand it over with the budget and the rest empty…
    let partial = json!({"checklist": {"decision_maker": "Иванов, директор", "need": "реклама"}});
    let r = s
        .call(
            "POST",
            &format!("/api/leads/{lead}/handoff"),
            Some(&caller),
            Some(partial.clone()),
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    let r = s.call("GET", "/api/alerts", Some(&head), None).await;
    assert!(
        !r.body.to_string().contains("checklist_overridden"),
        "{}",
        r.body
    );

    // …the head can, saying why, and that is the override the alert names, with the lead and
    // the items.
    let r = s
        .call(
            "POST",
            &format!("/api/leads/{lead}/handoff"),
            Some(&head),
            Some(partial.clone()),
        )
        .await;
    assert_eq!((r.status, r.code()), (403, "not_yours"), "{}", r.body);
    let mut overriding = partial;
    overriding["override_reason"] = json!("клиент ждёт сегодня, бюджет уточним на встрече");
    let r = s
        .call(
            "POST",
            &format!("/api/leads/{lead}/handoff"),
            Some(&caller),
            Some(overriding.clone()),
        )
        .await;
    // A caller cannot override: the refusal still names what to fill in.
    assert_eq!(
        (r.status, r.code()),
        (422, "checklist_incomplete"),
        "{}",
        r.body
    );
    let r = s
        .call(
            "POST",
            &format!("/api/leads/{lead}/handoff"),
            Some(&head),
            Some(overriding),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.body["handoff"]["explanation"]
            .as_str()
            .unwrap_or("")
            .ends_with("checklist overridden by head Тестовый (missing: budget, timing, next_step): клиент ждёт сегодня, бюджет уточним на встрече"),
        "{}",
        r.body
    );
    let r = s.call("GET", "/api/alerts", Some(&head), None).await;
    let alerts = r.body["alerts"].as_array().cloned().unwrap_or_default();
    let a = alerts
        .iter()
        .find(|a| a["rule"] == "checklist_overridden")
        .unwrap_or_else(|| panic!("no override alert: {}", r.body));
    assert_eq!(a["person"]["id"], s.id("head"));
    assert_eq!(a["records"], json!([lead]));
    assert_eq!(
        a["message"],
        "head Тестовый (head): 1 warm lead(s) handed over in the last 30 days with the checklist incomplete (missing: Budget or price range discussed, Buys within 90 days, Dated next step agreed)"
    );
    // Acknowledged like any other alert.
    let key = a["key"].as_str().unwrap().to_string();
    let r = s
        .call(
            "POST",
            "/api/alerts/ack",
            Some(&head),
            Some(json!({"key": key})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
}
