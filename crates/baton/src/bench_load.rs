//! `baton bench load` (issue 19 item 6): simulated people against two `baton serve` processes
//! on one fresh PostgreSQL database, on loopback only, bounded in people and time.
//!
//! - callers log calls on their own company and, every fourth turn, find a new company, reach
//!   its decision maker, open a lead and hand it over (the rule picks the sales manager);
//! - sales managers open «Входящие» and accept the oldest warm lead waiting for them;
//! - client managers record a payment (1 ₽ against their client's large invoice) and now and
//!   then open their portfolio;
//! - heads open the dashboard and the alerts.
//!
//! Person *i* talks to server *i* mod 2. Each waits a think time (uniform, 0.5–1.5 × `think`)
//! between turns. At the end: latency percentiles per kind of request, errors, every
//! acknowledged write looked up in the database, and both servers asked the same totals.

use anyhow::{Context, Result, bail};
use baton_app::conveyor::companies::NewCompany;
use baton_app::conveyor::deals::NewInvoice;
use baton_app::conveyor::people::NewEmployee;
use baton_app::{App, PasswordCost};
use baton_domain::Money;
use baton_store::Filter;
use baton_store::records::{Activity, Handoff, Payment};
use baton_store::scratch::ScratchDb;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::process::{Child, Command, Stdio};
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const PASSWORD: &str = "bench-load";

/// How many of each kind of person, how long, and the think time.
pub struct Load {
    pub callers: usize,
    pub sellers: usize,
    pub client_managers: usize,
    pub heads: usize,
    pub seconds: u64,
    pub think_ms: u64,
}

struct Person {
    login: String,
    role: &'static str,
    /// The caller's own company, or the client manager's invoice.
    thing: String,
}

/// One request: its kind, milliseconds, and whether it succeeded.
type Sample = (&'static str, f64, bool);

#[derive(Default)]
struct Tally {
    samples: Vec<Sample>,
    /// Acknowledged writes: kind and the id the server answered.
    acked: Vec<(&'static str, String)>,
    errors: BTreeMap<String, usize>,
}

struct Servers(Vec<Child>);

impl Drop for Servers {
    fn drop(&mut self) {
        for c in &mut self.0 {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

fn free_port() -> Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

fn setup(app: &App, load: &Load) -> Result<Vec<Person>> {
    let person = |login: &str, role: &str, region: Option<String>| NewEmployee {
        login: login.into(),
        name: format!("Нагрузка {login}"),
        password: PASSWORD.into(),
        region_id: region,
        role: role.into(),
        valid_from: Some("2020-01-01".into()),
        open_lead_limit: (role == "sales_manager").then_some(1_000_000),
    };
    let admin = app
        .create_employee(None, person("admin", "admin", None))
        .map_err(crate::fail)?;
    let admin = app.actor(&admin.id).map_err(crate::fail)?;
    let region = app
        .create_region(&admin, "msk", "Москва")
        .map_err(crate::fail)?
        .id;
    let mut people = Vec::new();
    let mut inn = 200_000_000u32;
    let mut company = |by: &baton_app::Actor, name: String| -> Result<String> {
        inn += 7919;
        Ok(app
            .create_company(
                by,
                NewCompany {
                    inn: baton_domain::Inn::legal_from_body(inn).as_str().to_string(),
                    name,
                    region_id: Some(region.clone()),
                    ..Default::default()
                },
            )
            .map_err(crate::fail)?
            .company
            .id)
    };
    let groups: [(&str, &'static str, usize); 4] = [
        ("caller", "caller", load.callers),
        ("seller", "sales_manager", load.sellers),
        ("cm", "client_manager", load.client_managers),
        ("head", "head", load.heads),
    ];
    for (prefix, role, n) in groups {
        for i in 0..n {
            let login = format!("{prefix}{i}");
            let e = app
                .create_employee(Some(&admin), person(&login, role, Some(region.clone())))
                .map_err(crate::fail)?;
            let me = app.actor(&e.id).map_err(crate::fail)?;
            let thing = match role {
                "caller" => company(&me, format!("ООО «Звонок {i}»"))?,
                "client_manager" => {
                    let c = company(&admin, format!("АО «Клиент {i}»"))?;
                    app.assign_client_manager(&admin, &c, &me.id)
                        .map_err(crate::fail)?;
                    app.create_invoice(
                        &admin,
                        NewInvoice {
                            company_id: c,
                            contract_id: None,
                            order_id: None,
                            number: None,
                            issued_on: None,
                            due_on: None,
                            amount: Money::from_str("100000000")
                                .map_err(|e| anyhow::anyhow!("{e}"))?,
                        },
                    )
                    .map_err(crate::fail)?
                    .id
                }
                _ => String::new(),
            };
            people.push(Person { login, role, thing });
        }
    }
    Ok(people)
}

/// Percentile `q` of sorted `t` (nearest rank).
fn pct(t: &[f64], q: f64) -> f64 {
    if t.is_empty() {
        return 0.0;
    }
    let rank = ((q * t.len() as f64).ceil() as usize).clamp(1, t.len());
    t[rank - 1]
}

pub fn run(pg: &str, load: Load) -> Result<()> {
    if load.seconds > 3600 || load.callers + load.sellers + load.client_managers + load.heads > 2000
    {
        bail!("bench load is bounded: at most 3600 s and 2000 people");
    }
    let scratch = ScratchDb::postgres_at(pg).map_err(crate::fail)?;
    let mut app = App::with(
        scratch.db.clone(),
        Arc::new(baton_app::clock::SystemClock),
        Arc::new(baton_app::clock::RandomIds),
    );
    app.password_cost = PasswordCost::Fast;
    let t = Instant::now();
    let people = setup(&app, &load)?;
    println!(
        "set up {} people and their companies in {:.1} s",
        people.len(),
        t.elapsed().as_secs_f64()
    );
    let exe = std::env::current_exe().context("this program")?;
    let mut bases = Vec::new();
    let mut children = Vec::new();
    for _ in 0..2 {
        let port = free_port()?;
        children.push(
            Command::new(&exe)
                .args([
                    "serve",
                    "--db",
                    &scratch.url,
                    "--addr",
                    &format!("127.0.0.1:{port}"),
                ])
                .env("BATON_LOG", "warn")
                .stdout(Stdio::null())
                .stderr(Stdio::inherit())
                .spawn()
                .context("starting baton serve")?,
        );
        bases.push(format!("http://127.0.0.1:{port}"));
    }
    let servers = Servers(children);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("runtime")?;
    let tally = rt.block_on(drive(&bases, &people, &load))?;
    let agree = rt.block_on(agreement(&bases))?;
    drop(servers);
    report(&app, &load, &tally, &agree)
}

async fn drive(bases: &[String], people: &[Person], load: &Load) -> Result<Tally> {
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(512)
        .timeout(Duration::from_secs(30))
        .build()?;
    for b in bases {
        let t = Instant::now();
        while http.get(format!("{b}/healthz")).send().await.is_err() {
            if t.elapsed() > Duration::from_secs(60) {
                bail!("{b} never came up");
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
    // Everyone logs in (not measured).
    let mut tokens = Vec::new();
    for (i, p) in people.iter().enumerate() {
        let base = &bases[i % bases.len()];
        let r: Value = http
            .post(format!("{base}/api/auth/login"))
            .json(&json!({"login": p.login, "password": PASSWORD}))
            .send()
            .await?
            .json()
            .await?;
        tokens.push(r["token"].as_str().context("a token")?.to_string());
    }
    println!(
        "{} people logged in; running {} s",
        people.len(),
        load.seconds
    );
    let tally = Arc::new(Mutex::new(Tally::default()));
    let deadline = Instant::now() + Duration::from_secs(load.seconds);
    let mut tasks = Vec::new();
    for (i, p) in people.iter().enumerate() {
        let ctx = Ctx {
            http: http.clone(),
            base: bases[i % bases.len()].clone(),
            token: tokens[i].clone(),
            tally: tally.clone(),
        };
        let (role, thing, think) = (p.role, p.thing.clone(), load.think_ms);
        tasks.push(tokio::spawn(async move {
            let mut turn = 0u64;
            let mut seed = (i as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
            while Instant::now() < deadline {
                // Think: 0.5–1.5 × think, from a per-person xorshift.
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                let wait = think / 2 + seed % think.max(1);
                tokio::time::sleep(Duration::from_millis(wait)).await;
                if Instant::now() >= deadline {
                    break;
                }
                match role {
                    "caller" => caller_turn(&ctx, &thing, i, turn).await,
                    "sales_manager" => seller_turn(&ctx).await,
                    "client_manager" => cm_turn(&ctx, &thing, turn).await,
                    _ => head_turn(&ctx, turn).await,
                }
                turn += 1;
            }
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
    let out = std::mem::take(&mut *tally.lock().map_err(|_| anyhow::anyhow!("tally"))?);
    Ok(out)
}

struct Ctx {
    http: reqwest::Client,
    base: String,
    token: String,
    tally: Arc<Mutex<Tally>>,
}

impl Ctx {
    /// One request, timed and tallied; the JSON answer when it succeeded.
    async fn ask(
        &self,
        kind: &'static str,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> Option<Value> {
        let url = format!("{}{path}", self.base);
        let mut r = match method {
            "POST" => self.http.post(url),
            _ => self.http.get(url),
        }
        .bearer_auth(&self.token);
        if let Some(b) = body {
            r = r.json(&b);
        }
        let t = Instant::now();
        let sent = r.send().await;
        let (ok, answer, why) = match sent {
            Ok(resp) => {
                let status = resp.status();
                let text = resp.text().await.unwrap_or_default();
                let ms_ok = status.is_success();
                let why = (!ms_ok).then(|| {
                    format!(
                        "{kind}: {status} {}",
                        text.chars().take(120).collect::<String>()
                    )
                });
                (ms_ok, serde_json::from_str::<Value>(&text).ok(), why)
            }
            Err(e) => (false, None, Some(format!("{kind}: {e}"))),
        };
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        if let Ok(mut t) = self.tally.lock() {
            t.samples.push((kind, ms, ok));
            if let Some(w) = why {
                *t.errors.entry(w).or_default() += 1;
            }
        }
        if ok {
            Some(answer.unwrap_or(Value::Null))
        } else {
            None
        }
    }

    fn acked(&self, kind: &'static str, id: Option<&str>) {
        if let (Some(id), Ok(mut t)) = (id, self.tally.lock()) {
            t.acked.push((kind, id.to_string()));
        }
    }
}

async fn caller_turn(cx: &Ctx, own: &str, who: usize, turn: u64) {
    if turn % 4 != 3 {
        let a = cx
            .ask(
                "write: log a call",
                "POST",
                "/api/calls",
                Some(json!({"company_id": own, "outcome": "no_answer", "duration_sec": 30})),
            )
            .await;
        cx.acked("call", a.as_ref().and_then(|a| a["id"].as_str()));
        if turn.is_multiple_of(8) {
            cx.ask("page: /calls", "GET", "/calls", None).await;
        }
        return;
    }
    let n = 300_000_000 + (who as u32) * 10_000 + (turn as u32 % 10_000);
    let inn = baton_domain::Inn::legal_from_body(n);
    let Some(c) = cx
        .ask(
            "write: find a company",
            "POST",
            "/api/companies",
            Some(json!({"inn": inn.as_str(), "name": format!("ООО «Находка {n}»")})),
        )
        .await
    else {
        return;
    };
    let Some(company) = c["company"]["id"].as_str().map(str::to_string) else {
        return;
    };
    let a = cx
        .ask(
            "write: log a call",
            "POST",
            "/api/calls",
            Some(json!({"company_id": company, "outcome": "dm_interested", "duration_sec": 120})),
        )
        .await;
    cx.acked("call", a.as_ref().and_then(|a| a["id"].as_str()));
    let Some(lead) = cx
        .ask(
            "write: open a lead",
            "POST",
            "/api/leads",
            Some(json!({"company_id": company})),
        )
        .await
    else {
        return;
    };
    let Some(lead) = lead["id"].as_str().map(str::to_string) else {
        return;
    };
    let checklist: serde_json::Map<String, Value> =
        ["decision_maker", "need", "budget", "timing", "next_step"]
            .iter()
            .map(|k| (k.to_string(), json!("да")))
            .collect();
    let h = cx
        .ask(
            "write: hand a lead over",
            "POST",
            &format!("/api/leads/{lead}/handoff"),
            Some(json!({"checklist": checklist})),
        )
        .await;
    cx.acked("handoff", h.map(|_| lead.clone()).as_deref());
}

async fn seller_turn(cx: &Ctx) {
    cx.ask("page: /inbox", "GET", "/inbox", None).await;
    let Some(list) = cx
        .ask(
            "read: handoffs waiting",
            "GET",
            "/api/handoffs?status=pending&kind=lead&per_page=5",
            None,
        )
        .await
    else {
        return;
    };
    let me_first = list["items"].as_array().and_then(|a| a.first()).cloned();
    if let Some(h) = me_first
        && let Some(lead) = h["lead_id"].as_str()
    {
        let r = cx
            .ask(
                "write: accept a lead",
                "POST",
                &format!("/api/leads/{lead}/accept"),
                Some(json!({})),
            )
            .await;
        cx.acked("accept", r.map(|_| lead.to_string()).as_deref());
    }
}

async fn cm_turn(cx: &Ctx, invoice: &str, turn: u64) {
    let r = cx
        .ask(
            "write: record a payment",
            "POST",
            "/api/payments",
            Some(json!({"invoice_id": invoice, "amount": "1.00"})),
        )
        .await;
    cx.acked(
        "payment",
        r.as_ref().and_then(|r| r["payment"]["id"].as_str()),
    );
    if turn.is_multiple_of(3) {
        cx.ask("page: /portfolio", "GET", "/portfolio", None).await;
    }
}

async fn head_turn(cx: &Ctx, turn: u64) {
    if turn.is_multiple_of(2) {
        cx.ask("page: /dashboard", "GET", "/dashboard", None).await;
    } else {
        cx.ask("page: /alerts", "GET", "/alerts", None).await;
    }
}

/// The same totals asked of both servers: leads, payments, handoffs.
async fn agreement(bases: &[String]) -> Result<Vec<(String, Vec<i64>)>> {
    let http = reqwest::Client::new();
    let mut tokens = Vec::new();
    for b in bases {
        let r: Value = http
            .post(format!("{b}/api/auth/login"))
            .json(&json!({"login": "admin", "password": PASSWORD}))
            .send()
            .await?
            .json()
            .await?;
        tokens.push(r["token"].as_str().context("a token")?.to_string());
    }
    let mut out = Vec::new();
    for path in [
        "/api/leads?per_page=1",
        "/api/payments?per_page=1",
        "/api/handoffs?per_page=1",
    ] {
        let mut totals = Vec::new();
        for (b, t) in bases.iter().zip(&tokens) {
            let r: Value = http
                .get(format!("{b}{path}"))
                .bearer_auth(t)
                .send()
                .await?
                .json()
                .await?;
            totals.push(r["total"].as_i64().unwrap_or(-1));
        }
        out.push((path.to_string(), totals));
    }
    Ok(out)
}

fn report(app: &App, load: &Load, tally: &Tally, agree: &[(String, Vec<i64>)]) -> Result<()> {
    println!(
        "\n{} callers, {} sales managers, {} client managers, {} heads; two servers on one PostgreSQL; {} s; think {} ms",
        load.callers, load.sellers, load.client_managers, load.heads, load.seconds, load.think_ms
    );
    let mut kinds: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    let mut failed: BTreeMap<&str, usize> = BTreeMap::new();
    for (k, ms, ok) in &tally.samples {
        kinds.entry(k).or_default().push(*ms);
        if !ok {
            *failed.entry(k).or_default() += 1;
        }
    }
    println!(
        "{:<28} {:>7} {:>8} {:>8} {:>8} {:>8} {:>7}",
        "request", "n", "p50 ms", "p95 ms", "p99 ms", "max ms", "errors"
    );
    let (mut pages, mut writes) = (Vec::new(), Vec::new());
    for (k, v) in &mut kinds {
        v.sort_by(f64::total_cmp);
        println!(
            "{:<28} {:>7} {:>8.1} {:>8.1} {:>8.1} {:>8.1} {:>7}",
            k,
            v.len(),
            pct(v, 0.5),
            pct(v, 0.95),
            pct(v, 0.99),
            v.last().copied().unwrap_or(0.0),
            failed.get(k).copied().unwrap_or(0)
        );
        if k.starts_with("page") {
            pages.extend(v.iter().copied());
        } else if k.starts_with("write") {
            writes.extend(v.iter().copied());
        }
    }
    pages.sort_by(f64::total_cmp);
    writes.sort_by(f64::total_cmp);
    let errors: usize = failed.values().sum();
    println!(
        "all pages: p95 {:.1} ms (goal ≤ 50); all writes: p95 {:.1} ms (goal ≤ 20); {} requests, {} errors, {:.0} requests/s",
        pct(&pages, 0.95),
        pct(&writes, 0.95),
        tally.samples.len(),
        errors,
        tally.samples.len() as f64 / load.seconds.max(1) as f64
    );
    for (why, n) in tally.errors.iter().take(10) {
        println!("  error ×{n}: {why}");
    }
    // Every acknowledged write is in the database.
    let mut lost = Vec::new();
    app.db
        .read(|tx| -> Result<(), baton_store::StoreError> {
            for (kind, id) in &tally.acked {
                let there = match *kind {
                    "call" => tx.get::<Activity>(id)?.is_some(),
                    "payment" => tx.get::<Payment>(id)?.is_some(),
                    "handoff" => {
                        tx.count::<Handoff>(&Filter::new().eq("lead_id", id.as_str()))? > 0
                    }
                    "accept" => {
                        tx.count::<Handoff>(
                            &Filter::new()
                                .eq("lead_id", id.as_str())
                                .eq("status", "accepted"),
                        )? > 0
                    }
                    _ => true,
                };
                if !there {
                    lost.push(format!("{kind} {id}"));
                }
            }
            Ok(())
        })
        .map_err(crate::fail)?;
    println!(
        "acknowledged writes: {}, found in the database: {}, lost: {}",
        tally.acked.len(),
        tally.acked.len() - lost.len(),
        lost.len()
    );
    for l in lost.iter().take(5) {
        println!("  lost: {l}");
    }
    let mut agreed = true;
    for (path, totals) in agree {
        let same = totals.windows(2).all(|w| w[0] == w[1]);
        agreed &= same;
        println!(
            "servers agree on {path}: {totals:?}{}",
            if same { "" } else { "  ← DIFFER" }
        );
    }
    if !lost.is_empty() || !agreed {
        bail!("writes were lost or the servers disagree");
    }
    Ok(())
}
