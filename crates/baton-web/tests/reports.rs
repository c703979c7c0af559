//! The reports' endpoints: who may read them, and a wrong or missing parameter is a 422 that
//! names it.

mod common;

use common::{Server, on_every_database};
use serde_json::json;

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
