//! What-if through the API (issue 6): plan replay and the structure simulator, their rights
//! and errors, and the §7 preset saying plainly that the split does not pay.

mod common;

use common::{Server, on_every_database};
use serde_json::json;

#[test]
fn what_if_through_the_api() {
    on_every_database(story);
}

async fn story(s: Server) {
    let (head, director, caller, accountant) = (
        s.login("head").await,
        s.login("director").await,
        s.login("caller1").await,
        s.login("accountant").await,
    );
    let caller_plan = baton_app::payroll::SHIPPED_PLANS[0].1;

    // Replay: the plan in force on an empty quarter changes nothing.
    let r = s
        .call(
            "POST",
            "/api/simulate/replay",
            Some(&director),
            Some(json!({ "plan": caller_plan, "from": "2026-01", "to": "2026-03" })),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["months"].as_array().map(Vec::len), Some(3));
    assert_eq!(r.body["plan"]["role"], "caller");
    assert_eq!(
        (&r.body["totals"]["winners"], &r.body["totals"]["losers"]),
        (&json!(0), &json!(0))
    );
    // A head replays their region only; an accountant may too; a caller may not.
    let r = s
        .call(
            "POST",
            "/api/simulate/replay",
            Some(&head),
            Some(json!({ "plan": caller_plan, "from": "2026-01", "to": "2026-01" })),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["region_id"], s.regions["msk"].as_str());
    let r = s
        .call(
            "POST",
            "/api/simulate/replay",
            Some(&accountant),
            Some(json!({ "plan": caller_plan, "from": "2026-01", "to": "2026-01" })),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = s
        .call(
            "POST",
            "/api/simulate/replay",
            Some(&caller),
            Some(json!({ "plan": caller_plan, "from": "2026-01", "to": "2026-01" })),
        )
        .await;
    assert_eq!((r.status, r.code()), (403, "forbidden"), "{}", r.body);
    // A plan with a mistake: the same 422 invalid_plan, with line and column, as /api/plans.
    let bad = "name = \"x\"\nrole = \"caller\"\neffective_from = \"2026-01-01\"\n[[component]]\nid = \"a\"\nkind = \"per_unit\"\nmetric = \"leads_acepted\"\nrate = \"700\"\n";
    let r = s
        .call(
            "POST",
            "/api/simulate/replay",
            Some(&director),
            Some(json!({ "plan": bad, "from": "2026-01", "to": "2026-01" })),
        )
        .await;
    assert_eq!((r.status, r.code()), (422, "invalid_plan"), "{}", r.body);
    assert_eq!(r.body["error"]["details"]["errors"][0]["line"], 7);
    assert_eq!(r.body["error"]["details"]["errors"][0]["column"], 10);

    // The structure simulator on the §7 preset: the split does not pay at this volume.
    let r = s
        .call(
            "POST",
            "/api/simulate/structure",
            Some(&director),
            Some(json!({
                "preset": "brief7",
                "settings": { "runs": 2000 },
                "side_runs": 50,
                "recommend": false
            })),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["params"]["source"], "preset:brief7");
    assert_eq!(
        r.body["verdicts"][0]["outcome"], "does_not_pay",
        "{}",
        r.body["verdicts"]
    );
    let text = r.body["verdicts"][0]["text_en"].as_str().unwrap_or("");
    assert!(text.contains("does not pay at this volume"), "{text}");
    assert_eq!(
        r.body["comparison"]["results"].as_array().map(Vec::len),
        Some(2)
    );
    assert!(
        r.body["sensitivity"]["rows"]
            .as_array()
            .is_some_and(|a| !a.is_empty())
    );
    assert!(r.body["recommendation"].is_null());
    // Scenarios as text, parameters edited; a wrong one names the parameter.
    let r = s
        .call(
            "POST",
            "/api/simulate/structure",
            Some(&head),
            Some(json!({
                "scenarios": ["universal:3", "hybrid:2,3"],
                "params": { "dm_rate": 1.5 },
            })),
        )
        .await;
    assert_eq!((r.status, r.code()), (422, "invalid_param"), "{}", r.body);
    assert_eq!(r.body["error"]["field"], "dm_rate");
    let r = s
        .call(
            "POST",
            "/api/simulate/structure",
            Some(&accountant),
            Some(json!({ "preset": "brief7" })),
        )
        .await;
    assert_eq!((r.status, r.code()), (403, "forbidden"), "{}", r.body);

    // The estimates from history: head and director yes, the accountant no.
    let r = s
        .call(
            "GET",
            "/api/simulate/structure/params?months=3",
            Some(&head),
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        r.body["history"]["months"].as_array().map(Vec::len),
        Some(3)
    );
    assert!(r.body["table"].as_array().is_some_and(|a| a.len() > 20));
    let r = s
        .call(
            "GET",
            "/api/simulate/structure/params",
            Some(&accountant),
            None,
        )
        .await;
    assert_eq!((r.status, r.code()), (403, "forbidden"), "{}", r.body);
}
