//! A crash neither loses nor invents a webhook delivery (issue 18 §5). Four clients hand warm
//! leads over through `baton serve` while a webhook receiver listens; the server is killed
//! with SIGKILL mid-stream and started again. Then:
//! - every handoff the API acknowledged is stored;
//! - every stored handoff has exactly one `lead.handed` event, and every event its handoff
//!   (the event is written in the handoff's own transaction);
//! - the receiver has every event, by id, at least once (a delivery sent but not recorded
//!   before the kill is sent again: receivers drop duplicates by `Baton-Event-Id`).

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use baton_store::Filter;
use baton_store::records::{Handoff, OutboxEvent};
use baton_store::scratch::ScratchDb;
use std::collections::{BTreeMap, BTreeSet};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const PASSWORD: &str = "secret12";

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn baton(url: &str, args: &[&str]) {
    let out = Command::new(env!("CARGO_BIN_EXE_baton"))
        .args(args)
        .args(["--db", url])
        .env_remove("BATON_AS")
        .env("BATON_PASSWORD", PASSWORD)
        .output()
        .expect("baton runs");
    assert!(
        out.status.success(),
        "baton {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

async fn start(url: &str, port: u16) -> Child {
    let child = Command::new(env!("CARGO_BIN_EXE_baton"))
        .args(["serve", "--db", url, "--addr", &format!("127.0.0.1:{port}")])
        .env("BATON_WEBHOOKS_ALLOW_PRIVATE", "1")
        .env("BATON_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("baton serve starts");
    let t = Instant::now();
    while reqwest::get(format!("http://127.0.0.1:{port}/api/health"))
        .await
        .is_err()
    {
        assert!(
            t.elapsed() < Duration::from_secs(30),
            "server never came up"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    child
}

async fn post(
    base: &str,
    path: &str,
    token: Option<&str>,
    body: serde_json::Value,
) -> Result<serde_json::Value, String> {
    let mut r = reqwest::Client::new()
        .post(format!("{base}{path}"))
        .header("content-type", "application/json")
        .body(body.to_string());
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    let resp = r.send().await.map_err(|e| e.to_string())?;
    let status = resp.status();
    let text = resp.text().await.map_err(|e| e.to_string())?;
    if !status.is_success() {
        return Err(format!("{path}: {status} {text}"));
    }
    serde_json::from_str(&text).map_err(|e| e.to_string())
}

/// A valid 10-digit ИНН from a serial number (the tax service's check digit).
fn inn(n: u64) -> String {
    let base = format!("77{:07}", n % 10_000_000);
    let w = [2, 4, 10, 3, 5, 9, 4, 6, 8];
    let s: u32 = base
        .chars()
        .zip(w)
        .map(|(c, w)| c.to_digit(10).unwrap() * w)
        .sum();
    format!("{base}{}", s % 11 % 10)
}

async fn receive(State(seen): State<Arc<Mutex<Vec<String>>>>, headers: HeaderMap) -> StatusCode {
    if let Some(id) = headers.get("baton-event-id").and_then(|v| v.to_str().ok()) {
        seen.lock().unwrap().push(id.to_string());
    }
    StatusCode::OK
}

#[test]
fn a_crash_neither_loses_nor_invents_a_delivery() {
    for scratch in ScratchDb::all() {
        let rt = tokio::runtime::Runtime::new().expect("runtime");
        rt.block_on(crash(scratch.url.clone()));
    }
}

async fn crash(url: String) {
    let seen: Arc<Mutex<Vec<String>>> = Arc::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let receiver = format!("http://{}/hook", listener.local_addr().unwrap());
    let router = axum::Router::new()
        .route("/hook", axum::routing::post(receive))
        .with_state(seen.clone());
    tokio::spawn(async move { axum::serve(listener, router).await });

    baton(
        &url,
        &[
            "user", "add", "--login", "boss", "--name", "Boss", "--role", "admin",
        ],
    );
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut server = start(&url, port).await;
    let login = |who: &'static str| {
        let base = base.clone();
        async move {
            post(
                &base,
                "/api/auth/login",
                None,
                serde_json::json!({"login": who, "password": PASSWORD}),
            )
            .await
            .unwrap()["token"]
                .as_str()
                .unwrap()
                .to_string()
        }
    };
    let boss = login("boss").await;
    let region = post(
        &base,
        "/api/regions",
        Some(&boss),
        serde_json::json!({"code": "msk", "name": "Москва"}),
    )
    .await
    .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    for (who, role) in [("kate", "caller"), ("zoya", "sales_manager")] {
        post(
            &base,
            "/api/employees",
            Some(&boss),
            serde_json::json!({"login": who, "name": who,
            "password": PASSWORD, "role": role, "region_id": region, "valid_from": "2020-01-01",
            "open_lead_limit": 100000}),
        )
        .await
        .unwrap();
    }
    post(
        &base,
        "/api/webhooks",
        Some(&boss),
        serde_json::json!({"url": receiver, "events": ["lead.handed"]}),
    )
    .await
    .unwrap();
    let kate = login("kate").await;
    let zoya_id = {
        let zoya = login("zoya").await;
        reqwest::Client::new()
            .get(format!("{base}/api/me"))
            .bearer_auth(&zoya)
            .send()
            .await
            .unwrap()
            .json::<serde_json::Value>()
            .await
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string()
    };

    // Four clients hand leads over until the server dies.
    let acked: Arc<Mutex<Vec<String>>> = Arc::default();
    let mut clients = Vec::new();
    for c in 0..4u64 {
        let (base, kate, zoya_id, acked) =
            (base.clone(), kate.clone(), zoya_id.clone(), acked.clone());
        clients.push(tokio::spawn(async move {
            for i in 0.. {
                let n = c * 100_000 + i;
                let Ok(company) = post(
                    &base,
                    "/api/companies",
                    Some(&kate),
                    serde_json::json!({"inn": inn(n), "name": format!("Компания {n}")}),
                )
                .await
                else {
                    return;
                };
                let company = company["company"]["id"].as_str().unwrap().to_string();
                let Ok(lead) = post(
                    &base,
                    "/api/leads",
                    Some(&kate),
                    serde_json::json!({"company_id": company}),
                )
                .await
                else {
                    return;
                };
                let lead = lead["id"].as_str().unwrap().to_string();
                let checklist: serde_json::Map<String, serde_json::Value> =
                    ["decision_maker", "need", "budget", "timing", "next_step"]
                        .iter()
                        .map(|k| (k.to_string(), serde_json::json!("да")))
                        .collect();
                match post(
                    &base,
                    &format!("/api/leads/{lead}/handoff"),
                    Some(&kate),
                    serde_json::json!({"checklist": checklist, "receiver_id": zoya_id}),
                )
                .await
                {
                    Ok(_) => acked.lock().unwrap().push(lead),
                    Err(_) => return,
                }
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(2500)).await;
    server.kill().expect("SIGKILL"); // std's kill is SIGKILL on Unix
    let _ = server.wait();
    for c in clients {
        let _ = c.await;
    }
    let acked = acked.lock().unwrap().clone();
    assert!(
        acked.len() >= 3,
        "too few handoffs before the kill: {}",
        acked.len()
    );

    let mut server = start(&url, port).await;
    // PostgreSQL's driver blocks: its calls run where blocking is allowed.
    let db = tokio::task::block_in_place(|| baton_store::Db::open(&url)).expect("db");
    let read = || {
        tokio::task::block_in_place(|| {
            db.read(|tx| -> Result<_, baton_store::StoreError> {
                Ok((
                    tx.list::<Handoff>(&Filter::new().eq("kind", "lead"))?,
                    tx.list::<OutboxEvent>(&Filter::new().eq("kind", "lead.handed"))?,
                ))
            })
            .expect("read")
        })
    };
    let t = Instant::now();
    loop {
        let (_, events) = read();
        let got: BTreeSet<String> = seen.lock().unwrap().iter().cloned().collect();
        if events.iter().all(|e| got.contains(&e.id)) {
            break;
        }
        assert!(
            t.elapsed() < Duration::from_secs(60),
            "deliveries did not finish: {} of {}",
            got.len(),
            events.len()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _ = server.kill();
    let _ = server.wait();

    let (handoffs, events) = read();
    tokio::task::block_in_place(move || drop(db));
    let by_lead: BTreeSet<String> = handoffs.iter().filter_map(|h| h.lead_id.clone()).collect();
    for lead in &acked {
        assert!(
            by_lead.contains(lead),
            "an acknowledged handoff was lost: {lead}"
        );
    }
    let mut per_handoff: BTreeMap<String, usize> = BTreeMap::new();
    for e in &events {
        let p: serde_json::Value = serde_json::from_str(&e.payload).unwrap();
        *per_handoff
            .entry(p["data"]["id"].as_str().unwrap().to_string())
            .or_default() += 1;
    }
    let stored: BTreeSet<String> = handoffs.iter().map(|h| h.id.clone()).collect();
    assert_eq!(
        per_handoff.keys().cloned().collect::<BTreeSet<_>>(),
        stored,
        "events and handoffs differ"
    );
    assert!(
        per_handoff.values().all(|n| *n == 1),
        "a handoff with two events"
    );
    let received = seen.lock().unwrap().clone();
    let unique: BTreeSet<&String> = received.iter().collect();
    let ids: BTreeSet<&String> = events.iter().map(|e| &e.id).collect();
    assert_eq!(unique, ids, "the receiver got exactly the stored events");
    println!(
        "{}: {} handoffs acknowledged before SIGKILL, {} stored, {} events, {} received ({} duplicates)",
        &url[..6],
        acked.len(),
        handoffs.len(),
        events.len(),
        received.len(),
        received.len() - unique.len()
    );
}
