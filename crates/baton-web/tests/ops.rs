//! Operations (issue 19 §7): `/healthz`, Prometheus metrics counted by route pattern and served
//! only to this machine or to the token's holder. The counts are exact: this binary has one
//! test, so the process's recorder sees only its requests.

use baton_app::clock::{RandomIds, SystemClock};
use baton_app::{App, PasswordCost};
use baton_store::scratch::ScratchDb;
use baton_web::security::WebConfig;
use std::sync::Arc;

#[test]
fn health_and_metrics() {
    // SAFETY: set before the runtime and its threads start; nothing else reads the environment
    // concurrently.
    unsafe { std::env::set_var("BATON_METRICS_TOKEN", "s3cret-token") };
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let scratch = ScratchDb::sqlite().expect("sqlite");
        let mut app = App::with(
            scratch.db.clone(),
            Arc::new(SystemClock),
            Arc::new(RandomIds),
        );
        app.password_cost = PasswordCost::Fast;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        tokio::spawn(baton_web::serve_on(
            listener,
            app,
            WebConfig::default(),
            std::future::pending(),
        ));
        let c = reqwest::Client::new();
        let get = |path: &str, token: Option<&str>| {
            let mut r = c.get(format!("{base}{path}"));
            if let Some(t) = token {
                r = r.bearer_auth(t);
            }
            r.send()
        };

        let r = get("/healthz", None).await.expect("healthz");
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["cache-control"], "no-store");
        let body: serde_json::Value = r.json().await.expect("json");
        assert_eq!(body, serde_json::json!({"status": "ok"}));

        for _ in 0..2 {
            assert_eq!(
                get("/api/health", None).await.expect("health").status(),
                200
            );
        }
        // A record's path: counted under its pattern, never under the id.
        let r = get("/api/leads/zz-record-id-77", None).await.expect("lead");
        assert_eq!(r.status(), 401);

        // A wrong token is refused even from this machine; the right one is served.
        assert_eq!(
            get("/metrics", Some("wrong")).await.expect("m").status(),
            403
        );
        let r = get("/metrics", Some("s3cret-token"))
            .await
            .expect("metrics");
        assert_eq!(r.status(), 200);
        let text = r.text().await.expect("text");
        let series = |name: &str, labels: &[&str]| -> Option<String> {
            text.lines()
                .find(|l| l.starts_with(name) && labels.iter().all(|x| l.contains(x)))
                .and_then(|l| l.rsplit(' ').next())
                .map(str::to_string)
        };
        let health = ["method=\"GET\"", "route=\"/api/health\"", "status=\"200\""];
        assert_eq!(
            series("baton_http_requests_total{", &health).as_deref(),
            Some("2"),
            "{text}"
        );
        let lead = ["route=\"/api/leads/{id}\"", "status=\"401\""];
        assert_eq!(
            series("baton_http_requests_total{", &lead).as_deref(),
            Some("1"),
            "{text}"
        );
        assert!(!text.contains("zz-record-id-77"), "{text}");
        let hz = ["route=\"/healthz\"", "status=\"200\""];
        assert_eq!(
            series("baton_http_requests_total{", &hz).as_deref(),
            Some("1"),
            "{text}"
        );
        assert!(
            series(
                "baton_http_request_duration_seconds_count{",
                &["route=\"/api/health\""]
            )
            .as_deref()
                == Some("2"),
            "{text}"
        );
        let pool = series("baton_db_pool_connections", &[]).expect("pool gauge");
        assert!(pool.parse::<f64>().expect("a number") >= 1.0, "{text}");
    });
}
