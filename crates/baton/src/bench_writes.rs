//! `baton bench writes` (issue 19 item 3): the relay's commonest write, a logged call, through
//! HTTP with concurrent clients, beside the same use case called in process on the same kind of
//! database (the database's own rate for that transaction, with Baton's rules and audit chain).
//! Each side gets a fresh database: a region, one caller per client, each with a company of
//! their own. SQLite always; PostgreSQL with `--pg`.
//!
//! Only the logged call is measured: it is what a call centre writes all day. Hand-over,
//! accept and payment need a lead in a given stage per write and are left to a later bench.

use crate::bench::median;
use anyhow::{Context, Result, bail};
use baton_app::conveyor::calls::NewCall;
use baton_app::conveyor::companies::NewCompany;
use baton_app::conveyor::people::NewEmployee;
use baton_app::{Actor, App};
use baton_store::scratch::ScratchDb;
use std::sync::Arc;
use std::time::Instant;

const PASSWORD: &str = "bench-writes";

/// The callers and their companies on a fresh database.
fn world(app: &App, clients: usize) -> Result<Vec<(Actor, String)>> {
    let person = |login: &str, role: &str, region: Option<String>| NewEmployee {
        login: login.into(),
        name: login.into(),
        password: PASSWORD.into(),
        region_id: region,
        role: role.into(),
        valid_from: Some("2020-01-01".into()),
        open_lead_limit: None,
    };
    let admin = app
        .create_employee(None, person("admin", "admin", None))
        .map_err(crate::fail)?;
    let admin = app.actor(&admin.id).map_err(crate::fail)?;
    let region = app
        .create_region(&admin, "msk", "Москва")
        .map_err(crate::fail)?
        .id;
    let mut out = Vec::new();
    for i in 0..clients {
        let e = app
            .create_employee(
                Some(&admin),
                person(&format!("caller{i}"), "caller", Some(region.clone())),
            )
            .map_err(crate::fail)?;
        let caller = app.actor(&e.id).map_err(crate::fail)?;
        let inn = baton_domain::Inn::legal_from_body(100_000_000 + i as u32 * 7919);
        let company = app
            .create_company(
                &caller,
                NewCompany {
                    inn: inn.as_str().to_string(),
                    name: format!("ООО «Клиент {i}»"),
                    ..Default::default()
                },
            )
            .map_err(crate::fail)?
            .company
            .id;
        out.push((caller, company));
    }
    Ok(out)
}

fn call(company: &str) -> NewCall {
    NewCall {
        company_id: company.to_string(),
        outcome: "no_answer".into(),
        duration_sec: 30,
        note: None,
        lead_id: None,
        callback_at: None,
    }
}

/// Rate (writes/s) and latencies (ms) of one side.
struct Side {
    rate: f64,
    times: Vec<f64>,
}

impl Side {
    fn p(&self, q: f64) -> f64 {
        let mut t = self.times.clone();
        t.sort_by(f64::total_cmp);
        let rank = ((q * t.len() as f64).ceil() as usize).clamp(1, t.len().max(1));
        t.get(rank - 1).copied().unwrap_or(0.0)
    }
}

fn in_process(app: &App, people: &[(Actor, String)], per_client: usize) -> Result<Side> {
    let t = Instant::now();
    let times = std::thread::scope(|sc| {
        let handles: Vec<_> = people
            .iter()
            .map(|(caller, company)| {
                sc.spawn(move || {
                    let mut times = Vec::with_capacity(per_client);
                    for _ in 0..per_client {
                        let t = Instant::now();
                        app.log_call(caller, call(company)).map_err(crate::fail)?;
                        times.push(t.elapsed().as_secs_f64() * 1000.0);
                    }
                    Ok::<_, anyhow::Error>(times)
                })
            })
            .collect();
        let mut all = Vec::new();
        for h in handles {
            all.extend(
                h.join()
                    .map_err(|_| anyhow::anyhow!("a writer panicked"))??,
            );
        }
        Ok::<_, anyhow::Error>(all)
    })?;
    Ok(Side {
        rate: times.len() as f64 / t.elapsed().as_secs_f64(),
        times,
    })
}

fn over_http(app: App, people: &[(Actor, String)], per_client: usize) -> Result<Side> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("runtime")?;
    let logins: Vec<(String, String)> = people
        .iter()
        .map(|(a, c)| (a.login.clone(), c.clone()))
        .collect();
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let base = format!("http://{}", listener.local_addr()?);
        let router = baton_web::router(app);
        tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        let client = reqwest::Client::new();
        let mut tokens = Vec::new();
        for (login, company) in &logins {
            let r = client
                .post(format!("{base}/api/auth/login"))
                .header("content-type", "application/json")
                .body(serde_json::json!({"login": login, "password": PASSWORD}).to_string())
                .send()
                .await?;
            let body: serde_json::Value = serde_json::from_str(&r.text().await?)?;
            let token = body["token"].as_str().context("token")?.to_string();
            tokens.push((token, company.clone()));
        }
        let t = Instant::now();
        let mut tasks = Vec::new();
        for (token, company) in tokens {
            let (client, base) = (client.clone(), base.clone());
            tasks.push(tokio::spawn(async move {
                let body = serde_json::json!({"company_id": company, "outcome": "no_answer",
                    "duration_sec": 30})
                .to_string();
                let mut times = Vec::with_capacity(per_client);
                for _ in 0..per_client {
                    let t = Instant::now();
                    let r = client
                        .post(format!("{base}/api/calls"))
                        .bearer_auth(&token)
                        .header("content-type", "application/json")
                        .body(body.clone())
                        .send()
                        .await?;
                    let status = r.status().as_u16();
                    let _ = r.bytes().await?;
                    times.push(t.elapsed().as_secs_f64() * 1000.0);
                    if status != 201 && status != 200 {
                        bail!("POST /api/calls: HTTP {status}");
                    }
                }
                Ok::<_, anyhow::Error>(times)
            }));
        }
        let mut times = Vec::new();
        for task in tasks {
            times.extend(task.await??);
        }
        Ok(Side {
            rate: times.len() as f64 / t.elapsed().as_secs_f64(),
            times,
        })
    })
}

pub fn writes(clients: usize, per_client: usize, runs: usize, pg: Option<String>) -> Result<()> {
    type MakeDb = Box<dyn Fn() -> Result<ScratchDb>>;
    let mut targets: Vec<(&str, MakeDb)> = vec![(
        "sqlite",
        Box::new(|| ScratchDb::sqlite().map_err(crate::fail)),
    )];
    if let Some(url) = pg {
        targets.push((
            "postgres",
            Box::new(move || ScratchDb::postgres_at(&url).map_err(crate::fail)),
        ));
    }
    println!(
        "logged calls: {clients} clients × {per_client} writes, {runs} runs each side, a fresh database per run"
    );
    println!(
        "{:<9} {:<11} {:>10} {:>9} {:>9}",
        "database", "path", "writes/s", "p50 ms", "p95 ms"
    );
    for (name, make) in &targets {
        let (mut raw_rates, mut http_rates) = (Vec::new(), Vec::new());
        for _ in 0..runs {
            for http in [false, true] {
                let scratch = make()?;
                let mut app = App::with(
                    scratch.db.clone(),
                    Arc::new(baton_app::clock::SystemClock),
                    Arc::new(baton_app::clock::RandomIds),
                );
                app.password_cost = baton_app::PasswordCost::Fast;
                let people = world(&app, clients)?;
                let side = if http {
                    over_http(app, &people, per_client)?
                } else {
                    in_process(&app, &people, per_client)?
                };
                println!(
                    "{name:<9} {:<11} {:>10.0} {:>9.2} {:>9.2}",
                    if http { "HTTP" } else { "in process" },
                    side.rate,
                    side.p(0.5),
                    side.p(0.95)
                );
                if http {
                    http_rates.push(side.rate);
                } else {
                    raw_rates.push(side.rate);
                }
            }
        }
        let (raw, web) = (median(raw_rates), median(http_rates));
        println!(
            "{name}: median {raw:.0} writes/s in process, {web:.0} through HTTP: HTTP at {:.0} % of the in-process rate (goal ≥ 50 %)",
            100.0 * web / raw
        );
    }
    Ok(())
}
