//! Several processes on one database (issue 19): two `baton serve` on the same database agree
//! within a second. The head's alerts page is remembered by each server (30 s at most) until
//! its commit count moves; a person added through server A, or by the command line next to
//! both, must show on server B's page within 1 s. On PostgreSQL the count moves by
//! `NOTIFY`, on SQLite by `PRAGMA data_version`.

use baton_store::scratch::ScratchDb;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const PASSWORD: &str = "secret12";

fn baton(url: &str, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_baton"))
        .args(args)
        .args(["--db", url])
        .env_remove("BATON_AS")
        .env("BATON_PASSWORD", PASSWORD)
        .output()
        .expect("baton runs");
    assert!(
        out.status.success(),
        "baton {args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).to_string()
}

/// A server process, stopped when dropped.
struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

async fn start(url: &str) -> Server {
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_baton"))
        .args(["serve", "--db", url, "--addr", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("baton serve starts");
    let server = Server {
        child,
        base: format!("http://127.0.0.1:{port}"),
    };
    let client = reqwest::Client::new();
    let t = Instant::now();
    while client
        .get(format!("{}/api/health", server.base))
        .send()
        .await
        .is_err()
    {
        assert!(
            t.elapsed() < Duration::from_secs(30),
            "server never came up"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    server
}

async fn post(
    base: &str,
    path: &str,
    token: Option<&str>,
    body: serde_json::Value,
) -> serde_json::Value {
    let mut r = reqwest::Client::new()
        .post(format!("{base}{path}"))
        .header("content-type", "application/json")
        .body(body.to_string());
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    let resp = r.send().await.expect("request");
    let status = resp.status();
    let text = resp.text().await.expect("body");
    assert!(status.is_success(), "{path}: {status} {text}");
    serde_json::from_str(&text).expect("json")
}

/// The server's count of alert evaluations (its `/metrics`, open to loopback).
async fn evaluations(base: &str) -> u64 {
    let text = reqwest::get(format!("{base}/metrics"))
        .await
        .expect("metrics")
        .text()
        .await
        .expect("text");
    text.lines()
        .find_map(|l| l.strip_prefix("baton_alert_evaluations_total "))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0)
}

async fn alerts_page(base: &str, token: &str) -> String {
    let r = reqwest::Client::new()
        .get(format!("{base}/alerts"))
        .bearer_auth(token)
        .send()
        .await
        .expect("alerts page");
    assert_eq!(r.status().as_u16(), 200);
    r.text().await.expect("html")
}

/// How long until server B's alerts page names `name`; fails after 1 s.
async fn seen_within_a_second(base: &str, token: &str, name: &str) -> Duration {
    let t = Instant::now();
    loop {
        if alerts_page(base, token).await.contains(name) {
            return t.elapsed();
        }
        assert!(
            t.elapsed() < Duration::from_secs(1),
            "{name} is not on the other server's page after 1 s"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[test]
fn two_servers_on_one_database_agree_within_a_second() {
    // The scratch databases are made and dropped outside the runtime (their driver blocks).
    for scratch in ScratchDb::all() {
        let rt = tokio::runtime::Runtime::new().expect("runtime");
        rt.block_on(agree(scratch.url.clone()));
    }
}

async fn agree(url: String) {
    {
        baton(
            &url,
            &[
                "user", "add", "--login", "boss", "--name", "Boss", "--role", "admin",
            ],
        );
        let (a, b) = (start(&url).await, start(&url).await);
        let login = post(
            &a.base,
            "/api/auth/login",
            None,
            serde_json::json!({"login": "boss", "password": PASSWORD}),
        )
        .await;
        let token = login["token"].as_str().expect("token").to_string();
        let region = post(
            &a.base,
            "/api/regions",
            Some(&token),
            serde_json::json!({"code": "msk", "name": "Москва"}),
        )
        .await["id"]
            .as_str()
            .expect("region id")
            .to_string();
        // B remembers its page before the write.
        let before = alerts_page(&b.base, &token).await;
        assert!(!before.contains("Зоя Продажина"));
        // A sales manager without targets: the head's alerts name her at once.
        post(
            &a.base,
            "/api/employees",
            Some(&token),
            serde_json::json!({"login": "zoya", "name": "Зоя Продажина", "password": PASSWORD,
                "role": "sales_manager", "region_id": region, "valid_from": "2020-01-01"}),
        )
        .await;
        let took = seen_within_a_second(&b.base, &token, "Зоя Продажина").await;
        println!("{}: a write through A seen by B in {took:?}", &url[..6]);
        // The command line next to both servers.
        let before = alerts_page(&b.base, &token).await;
        assert!(!before.contains("Ян Клиентов"));
        let _ = alerts_page(&a.base, &token).await;
        baton(
            &url,
            &[
                "user",
                "add",
                "--login",
                "yan",
                "--name",
                "Ян Клиентов",
                "--role",
                "sales_manager",
                "--region",
                "msk",
                "--as",
                "boss",
            ],
        );
        for server in [&a, &b] {
            let took = seen_within_a_second(&server.base, &token, "Ян Клиентов").await;
            println!("{}: a command-line write seen in {took:?}", &url[..6]);
        }

        // Issue 18: Зоя's page on server B is open (its event stream); a caller hands her a
        // lead through server A; the count beside «Входящие» reaches B's page within 1 s.
        let zoya = post(
            &a.base,
            "/api/auth/login",
            None,
            serde_json::json!({"login": "zoya", "password": PASSWORD}),
        )
        .await["token"]
            .as_str()
            .expect("token")
            .to_string();
        let zoya_id = reqwest::Client::new()
            .get(format!("{}/api/me", a.base))
            .bearer_auth(&zoya)
            .send()
            .await
            .expect("me")
            .text()
            .await
            .ok()
            .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
            .expect("json")["id"]
            .as_str()
            .expect("id")
            .to_string();
        post(
            &a.base,
            "/api/employees",
            Some(&token),
            serde_json::json!({"login": "kate", "name": "Катя Звонкова", "password": PASSWORD,
                "role": "caller", "region_id": region, "valid_from": "2020-01-01"}),
        )
        .await;
        let kate = post(
            &a.base,
            "/api/auth/login",
            None,
            serde_json::json!({"login": "kate", "password": PASSWORD}),
        )
        .await["token"]
            .as_str()
            .expect("token")
            .to_string();
        let mut stream = reqwest::Client::new()
            .get(format!("{}/events/queues", b.base))
            .bearer_auth(&zoya)
            .send()
            .await
            .expect("event stream");
        assert_eq!(stream.status().as_u16(), 200);
        let mut got = String::new();
        while !got.contains("\n\n") {
            let chunk = stream.chunk().await.expect("chunk").expect("an event");
            got.push_str(&String::from_utf8_lossy(&chunk));
        }
        assert!(got.contains("\"incoming\":0"), "{got}");
        let company = post(
            &a.base,
            "/api/companies",
            Some(&kate),
            serde_json::json!({"inn": "7707083893", "name": "Ромашка"}),
        )
        .await["company"]["id"]
            .as_str()
            .expect("company")
            .to_string();
        let lead = post(
            &a.base,
            "/api/leads",
            Some(&kate),
            serde_json::json!({"company_id": company}),
        )
        .await["id"]
            .as_str()
            .expect("lead")
            .to_string();
        let checklist: serde_json::Map<String, serde_json::Value> =
            ["decision_maker", "need", "budget", "timing", "next_step"]
                .iter()
                .map(|k| (k.to_string(), serde_json::json!("да")))
                .collect();
        post(
            &a.base,
            &format!("/api/leads/{lead}/handoff"),
            Some(&kate),
            serde_json::json!({"checklist": checklist, "receiver_id": zoya_id}),
        )
        .await;
        let t = Instant::now();
        let mut got = String::new();
        while !got.contains("\"incoming\":1") {
            let left = Duration::from_secs(1).saturating_sub(t.elapsed());
            let chunk = tokio::time::timeout(left, stream.chunk())
                .await
                .unwrap_or_else(|_| panic!("B's page did not hear of the lead within 1 s: {got}"))
                .expect("chunk")
                .expect("an event");
            got.push_str(&String::from_utf8_lossy(&chunk));
        }
        println!(
            "{}: a lead handed through A reached B's page in {:?}",
            &url[..6],
            t.elapsed()
        );

        // Issue 19: the alert watcher evaluates a change once, not once per server. On
        // PostgreSQL one server holds the watcher's advisory lock; a write through A moves
        // the evaluation count of exactly one server.
        if url.starts_with("postgres") {
            let counts = || async { (evaluations(&a.base).await, evaluations(&b.base).await) };
            // Quiet first: the evaluations of the writes above are done.
            let mut before = counts().await;
            loop {
                tokio::time::sleep(Duration::from_millis(1500)).await;
                let now = counts().await;
                if now == before {
                    break;
                }
                before = now;
            }
            post(
                &a.base,
                "/api/employees",
                Some(&token),
                serde_json::json!({"login": "solo", "name": "Олег Одинов", "password": PASSWORD,
                    "role": "caller", "region_id": region, "valid_from": "2020-01-01"}),
            )
            .await;
            tokio::time::sleep(Duration::from_millis(2500)).await;
            let after = counts().await;
            let moved = [after.0 > before.0, after.1 > before.1];
            assert_eq!(
                moved.iter().filter(|m| **m).count(),
                1,
                "evaluations before {before:?}, after {after:?}: exactly one server evaluates"
            );
            println!("{}: evaluations (A, B) {before:?} → {after:?}", &url[..6]);
        }
    }
}
