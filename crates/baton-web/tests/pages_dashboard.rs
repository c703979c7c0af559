//! The head's pages: the dashboard's figures are the report methods' figures, the rights are
//! the API's, alerts are acknowledged from the list, a broken draft plan is explained next to
//! its kept text, and a structure simulation runs to its charts.

mod common;

use baton_app::insight::funnel::FunnelSlice;
use common::{Server, on_every_database};
use serde_json::json;

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

async fn get(s: &Server, token: &str, path: &str) -> (u16, String) {
    let r = s
        .client
        .get(format!("{}{}", s.base, path))
        .bearer_auth(token)
        .send()
        .await
        .expect("get");
    let status = r.status().as_u16();
    (status, r.text().await.unwrap_or_default())
}

async fn post_form(
    s: &Server,
    token: &str,
    path: &str,
    form: &[(&str, &str)],
) -> (u16, Option<String>, String) {
    let r = no_redirects()
        .post(format!("{}{}", s.base, path))
        .bearer_auth(token)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(serde_urlencoded::to_string(form).expect("form"))
        .send()
        .await
        .expect("post");
    let status = r.status().as_u16();
    let location = r
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    (status, location, r.text().await.unwrap_or_default())
}

#[test]
fn the_dashboard_shows_the_report_figures_and_only_to_the_department_leads() {
    on_every_database(dashboard);
}

async fn dashboard(s: Server) {
    let head = s.login("head").await;
    let caller1 = s.login("caller1").await;

    // A company called twice this month, once reaching the decision maker.
    let r = s
        .call("POST", "/api/companies", Some(&caller1), Some(json!({
            "inn": "7707083893", "name": "ООО «Ромашка»",
            "contacts": [{"name": "Иванов Иван", "position": "директор", "is_dm": true, "phone": "8 (912) 345-67-89"}]
        })))
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let company = r.body["company"]["id"].as_str().unwrap().to_string();
    for outcome in ["no_answer", "dm_interested"] {
        let r = s
            .call(
                "POST",
                "/api/calls",
                Some(&caller1),
                Some(json!({"company_id": company, "outcome": outcome, "duration_sec": 95})),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.body);
    }

    let app = s.app.clone();
    let (month, report) = tokio::task::spawn_blocking(move || {
        let cfg = app.config().expect("config");
        let month = app.today(&cfg).format("%Y-%m").to_string();
        let slice = FunnelSlice {
            region: Some("msk".into()),
            ..Default::default()
        };
        let report = app.funnel(None, &month, &month, &slice).expect("funnel");
        (month, report)
    })
    .await
    .expect("join");
    // Computed by hand: one company first called this month, reaching the decision maker.
    assert_eq!(report.by_cohort.steps[0].count, 1);
    assert_eq!(report.by_cohort.steps[1].count, 1);
    assert_eq!(report.by_cohort.steps[2].count, 0);

    let (status, html) = get(&s, &head, &format!("/dashboard?period={month}")).await;
    assert_eq!(status, 200, "{html}");
    for (view, funnel) in [
        ("cohort", &report.by_cohort),
        ("activity", &report.by_activity),
    ] {
        for step in &funnel.steps {
            let cell = format!(r#"id="funnel-{view}-{}">{}</td>"#, step.step, step.count);
            assert!(html.contains(&cell), "{cell} missing");
        }
    }
    assert!(html.contains(r#"id="funnel-cohort-calls">1</td>"#));
    assert!(html.contains(r#"id="funnel-cohort-dm_conversations">1</td>"#));
    assert!(html.contains("100,0\u{a0}%"), "the DM step converts 1 of 1");
    for id in [
        r#"id="funnel""#,
        r#"id="diagnosis""#,
        r#"id="plan-fact""#,
        r#"id="costs""#,
        r#"id="aging""#,
        "<svg",
    ] {
        assert!(html.contains(id), "{id} missing");
    }
    // The matrix's window is asked with from and to, and said on the page.
    let (status, html) = get(&s, &head, "/dashboard?from=2020-01&to=2020-02").await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("2020-01 — 2020-02"), "{html}");
    assert!(html.contains(r#"id="matrix-verdict""#), "{html}");
    let (status, html) = get(&s, &head, "/dashboard?from=2020-13").await;
    assert_eq!(status, 422, "{html}");
    assert!(html.contains("2020-13"), "{html}");
    // The path form shows the same month.
    let (status, same) = get(&s, &head, &format!("/dashboard/{month}/msk")).await;
    assert_eq!(status, 200);
    assert!(same.contains(r#"id="funnel-cohort-calls">1</td>"#));

    // A caller is refused, on the dashboard and the alerts; a wrong month is named.
    let (status, html) = get(&s, &caller1, "/dashboard").await;
    assert_eq!(status, 403, "{html}");
    let (status, _) = get(&s, &caller1, "/alerts").await;
    assert_eq!(status, 403);
    let (status, html) = get(&s, &head, "/dashboard?period=2026-13").await;
    assert_eq!(status, 422, "{html}");
    assert!(html.contains(r#"<label class="missing">"#), "{html}");
    assert!(
        html.contains(r#"value="2026-13""#),
        "the typed month is kept"
    );
    // A head may not look at another region.
    let (status, _) = get(&s, &head, &format!("/dashboard/{month}/spb")).await;
    assert_eq!(status, 403);
}

/// The value of the first `name="key"` hidden input.
fn first_key(html: &str) -> Option<String> {
    let at = html.find(r#"name="key" value=""#)? + r#"name="key" value=""#.len();
    let end = html[at..].find('"')?;
    Some(html[at..at + end].to_string())
}

#[test]
fn acknowledging_an_alert_hides_it() {
    on_every_database(alerts);
}

async fn alerts(s: Server) {
    let head = s.login("head").await;
    let (status, html) = get(&s, &head, "/alerts").await;
    assert_eq!(status, 200, "{html}");
    let key = first_key(&html).expect("an alert to acknowledge");
    let total = html.matches(r#"name="key""#).count();

    let (status, location, body) = post_form(
        &s,
        &head,
        "/alerts/ack",
        &[("key", &key), ("back", "/alerts")],
    )
    .await;
    assert_eq!(status, 303, "{body}");
    assert!(location.unwrap_or_default().starts_with("/alerts?ok="));

    let (_, html) = get(&s, &head, "/alerts").await;
    assert!(!html.contains(&format!(r#"value="{key}""#)), "still shown");
    assert_eq!(html.matches(r#"name="key""#).count(), total - 1);
    // Shown again, marked, with "show acknowledged".
    let (_, html) = get(&s, &head, "/alerts?acknowledged=1").await;
    assert!(html.contains("принято"), "{html}");
    assert_eq!(html.matches(r#"name="key""#).count(), total - 1);

    // A key that is not an alert's is a readable error, not a crash.
    let (status, _, _) = post_form(&s, &head, "/alerts/ack", &[("key", "nonsense")]).await;
    assert_eq!(status, 422);
}

#[test]
fn what_if_replay_and_structure() {
    on_every_database(whatif);
}

async fn whatif(s: Server) {
    let director = s.login("director").await;
    let caller = s.login("caller1").await;

    let (status, html) = get(&s, &director, "/whatif").await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains(r#"id="replay-form""#) && html.contains(r#"id="structure-form""#));
    let (status, _) = get(&s, &caller, "/whatif").await;
    assert_eq!(status, 403);

    // A broken plan: the line and column next to the text, which is kept.
    let bad = "name = \"x\"\nrole = \"caller\"\neffective_from = \"2026-01-01\"\n[[component]]\nid = \"a\"\nkind = \"per_unit\"\nmetric = \"leads_acepted\"\nrate = \"700\"\n";
    let (status, _, html) = post_form(
        &s,
        &director,
        "/whatif/replay",
        &[("plan", bad), ("from", "2026-01"), ("to", "2026-01")],
    )
    .await;
    assert_eq!(status, 422, "{html}");
    assert!(html.contains("строка 7, столбец 10"), "{html}");
    assert!(
        html.contains("metric = &quot;leads_acepted&quot;")
            || html.contains("metric = \"leads_acepted\"")
    );
    assert!(html.contains(r#"id="plan-errors""#));

    // The shipped caller plan on an empty month changes nothing.
    let plan = baton_app::payroll::SHIPPED_PLANS[0].1;
    let (status, _, html) = post_form(
        &s,
        &director,
        "/whatif/replay",
        &[("plan", plan), ("from", "2026-01"), ("to", "2026-01")],
    )
    .await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains(r#"id="replay-difference">0,00"#), "{html}");

    // A wrong scenario is named on the form, the text kept.
    let (status, _, html) = post_form(
        &s,
        &director,
        "/whatif/structure",
        &[
            ("source", "defaults"),
            ("scenario1", "universal:3"),
            ("scenario2", "conveyer:2"),
            ("runs", "20"),
            ("horizon", "12"),
        ],
    )
    .await;
    assert_eq!(status, 422, "{html}");
    assert!(html.contains(r#"value="conveyer:2""#));

    // The simulation runs in the background to its charts.
    let (status, location, body) = post_form(
        &s,
        &director,
        "/whatif/structure",
        &[
            ("source", "defaults"),
            ("scenario1", "universal:3"),
            ("scenario2", "conveyor:2,2,1"),
            ("scenario3", ""),
            ("runs", "20"),
            ("horizon", "6"),
        ],
    )
    .await;
    assert_eq!(status, 303, "{body}");
    let job = location.expect("job location");
    assert!(job.starts_with("/whatif/structure/"), "{job}");
    // Another person does not see it.
    let head = s.login("head").await;
    let (status, _) = get(&s, &head, &job).await;
    assert_eq!(status, 404);
    let mut done = String::new();
    for _ in 0..600 {
        let (status, html) = get(&s, &director, &job).await;
        assert_eq!(status, 200, "{html}");
        assert!(!html.contains(r#"data-state="failed""#), "{html}");
        if html.contains(r#"data-state="done""#) {
            done = html;
            break;
        }
        assert!(html.contains(r#"data-refresh="1000""#) && html.contains("progress"));
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
    assert!(!done.is_empty(), "the simulation did not finish");
    assert!(done.contains("<svg"));
    for id in [
        "band-new-clients",
        "band-collections",
        "band-payroll",
        "band-profit-difference",
        "band-cost-per-client",
        "sim-sensitivity",
        "sim-recommendation",
    ] {
        assert!(done.contains(&format!(r#"id="{id}""#)), "{id} missing");
    }
}
