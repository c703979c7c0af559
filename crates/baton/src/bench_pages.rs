//! `baton bench pages`: server time per web page on the demo data (issue 5: p95 ≤ 50 ms).
//!
//! The demo is generated into a scratch SQLite file, Baton serves it on a loopback port in this
//! process, and a load loop (reqwest, `--concurrency` clients in parallel, each with its own
//! session cookie) requests every main page of every workspace `--requests` times. The time is
//! measured from sending the request to the last byte of the answer, so it is an upper bound of
//! the server's time. The first request of each page is timed apart (it fills the caches); the
//! median and the 95th percentile (nearest rank) of the others are printed per page.

use crate::bench::{bench_demo, median};
use anyhow::{Context, Result, bail};
use baton_app::App;
use baton_store::scratch::ScratchDb;
use std::sync::Arc;
use std::time::Instant;

/// The pages measured, as the role that uses each.
const PAGES: &[(&str, &[&str])] = &[
    (
        "caller1.msk",
        &["/", "/money", "/calls", "/leads/mine", "/companies"],
    ),
    ("um3.msk", &["/inbox", "/pipeline", "/pipeline?view=list"]),
    ("um1.msk", &["/portfolio", "/overdue"]),
    (
        "head.msk",
        &[
            "/dashboard",
            "/alerts",
            "/payroll",
            "/people",
            "/targets",
            "/plans",
            "/settings",
            "/whatif",
        ],
    ),
];

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    // Nearest rank: the smallest value with at least p of the sample at or below it.
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

pub fn pages(requests: usize, concurrency: usize) -> Result<()> {
    let scratch = ScratchDb::sqlite().map_err(crate::fail)?;
    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Moscow)
        .date_naive();
    let t = Instant::now();
    let summary = bench_demo(scratch.db.clone(), 1, 1, today)?;
    println!(
        "demo: {} companies, {} calls, {} leads, {} payments; generated in {:.1} s",
        summary.companies,
        summary.calls,
        summary.leads,
        summary.payments,
        t.elapsed().as_secs_f64()
    );
    let mut app = App::with(
        scratch.db.clone(),
        Arc::new(baton_app::clock::SystemClock),
        Arc::new(baton_app::clock::RandomIds),
    );
    app.password_cost = baton_app::PasswordCost::Fast;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("runtime")?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let base = format!("http://{}", listener.local_addr()?);
        // As `baton serve`: the alert rules run after writes (the logins) and on the clock.
        tokio::spawn(baton_web::watch(
            app.clone(),
            std::time::Duration::from_secs(1),
        ));
        let router = baton_web::router(app);
        tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        println!(
            "{requests} requests per page, {concurrency} clients in parallel, over loopback ({base})\n"
        );
        println!(
            "{:<12} {:<22} {:>9} {:>9} {:>9} {:>9} {:>8}",
            "login", "page", "first ms", "median ms", "p95 ms", "max ms", "KiB"
        );
        let mut all = Vec::new();
        let mut worst: (f64, String) = (0.0, String::new());
        for (login, pages) in PAGES {
            let mut cookies = Vec::new();
            for _ in 0..concurrency {
                cookies.push(log_in(&base, login).await?);
            }
            for page in *pages {
                let url = format!("{base}{page}");
                // The first request, timed apart: it fills the caches (the live statement, the
                // remembered dashboard), so it is the cold time a person waits once.
                let t = Instant::now();
                let (status, body) = get(&url, &cookies[0]).await?;
                let first = t.elapsed().as_secs_f64() * 1000.0;
                if status != 200 {
                    bail!("{login} {page}: HTTP {status}");
                }
                let mut tasks = Vec::new();
                for cookie in cookies.clone() {
                    let url = url.clone();
                    let n = requests.div_ceil(concurrency);
                    tasks.push(tokio::spawn(async move {
                        let mut times = Vec::with_capacity(n);
                        for _ in 0..n {
                            let t = Instant::now();
                            let (status, _) = get(&url, &cookie).await?;
                            times.push(t.elapsed().as_secs_f64() * 1000.0);
                            if status != 200 {
                                bail!("HTTP {status}");
                            }
                        }
                        Ok::<_, anyhow::Error>(times)
                    }));
                }
                let mut times = Vec::new();
                for t in tasks {
                    times.extend(t.await??);
                }
                times.sort_by(f64::total_cmp);
                let p95 = percentile(&times, 0.95);
                if p95 > worst.0 {
                    worst = (p95, format!("{page} ({login})"));
                }
                println!(
                    "{:<12} {:<22} {:>9.2} {:>9.2} {:>9.2} {:>9.2} {:>8.1}",
                    login,
                    page,
                    first,
                    median(times.clone()),
                    p95,
                    times.last().copied().unwrap_or(0.0),
                    body.len() as f64 / 1024.0
                );
                all.extend(times);
            }
        }
        all.sort_by(f64::total_cmp);
        println!(
            "\nall pages: {} requests, median {:.2} ms, p95 {:.2} ms; slowest p95: {:.2} ms on {} (goal ≤ 50 ms)",
            all.len(),
            median(all.clone()),
            percentile(&all, 0.95),
            worst.0,
            worst.1
        );
        Ok::<_, anyhow::Error>(())
    })?;
    drop(scratch);
    Ok(())
}

fn client() -> Result<reqwest::Client> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .context("http client")
}

async fn log_in(base: &str, login: &str) -> Result<String> {
    let body = serde_urlencoded::to_string([
        ("login", login),
        ("password", baton_app::demo::DEMO_PASSWORD),
    ])?;
    let r = client()?
        .post(format!("{base}/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await?;
    let cookie = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(baton_web::extract::SESSION_COOKIE))
        .and_then(|v| v.split(';').next())
        .with_context(|| format!("{login} could not log in (HTTP {})", r.status()))?;
    Ok(cookie.to_string())
}

async fn get(url: &str, cookie: &str) -> Result<(u16, Vec<u8>)> {
    let r = CLIENT
        .get_or_init(|| client().unwrap_or_default())
        .get(url)
        .header("cookie", cookie)
        .send()
        .await?;
    let status = r.status().as_u16();
    let body = r.bytes().await?.to_vec();
    Ok((status, body))
}

/// One connection pool for the whole run, so connections are reused as a browser would.
static CLIENT: std::sync::OnceLock<reqwest::Client> = std::sync::OnceLock::new();

#[cfg(test)]
mod tests {
    use super::percentile;

    #[test]
    fn nearest_rank_percentile() {
        let v: Vec<f64> = (1..=20).map(f64::from).collect();
        assert_eq!(percentile(&v, 0.95), 19.0);
        assert_eq!(percentile(&v, 0.5), 10.0);
        assert_eq!(percentile(&[3.0], 0.95), 3.0);
    }
}
