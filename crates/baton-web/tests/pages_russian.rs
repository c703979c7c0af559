//! Every page, as every role of the demo department, speaks Russian (issue 16): the walk starts
//! at each person's home page and follows every link of the site it finds, breadth first, and
//! every text a person reads (text nodes, `title`, `placeholder`, `aria-label`) is checked for
//! snake_case identifiers and English words. Allowed: a short list of names that are the same
//! in Russian (Baton, CSV, API, SLA, KPI, …) and the department's own data (logins, e-mails,
//! company and plan names, invoice numbers), read from the database.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::sync::Arc;

use baton_app::clock::{RandomIds, SystemClock};
use baton_app::demo::{DemoOptions, generate};
use baton_app::{App, PasswordCost};
use baton_store::scratch::ScratchDb;

/// Words that are the same in a Russian text: product and format names, abbreviations a
/// Russian sales department writes in Latin letters, and the formula's constant K.
const ALLOWED: &[&str] = &[
    "Baton", "English", "E-mail", "CSV", "XLSX", "JSON", "API", "SLA", "KPI", "NRR", "GRR",
    "HoReCa", "e-mail", "mail", "email", "K", "DSO", "PDF", "ID", "OpenAPI", "CRM", "UTC", "TOML",
    "ИНН", "Bearer", "Telegram", "amoCRM", "Kommo", "Excel", "Mango", "Office", "Zadarma",
    "Novofon", "UIS", "CoMagic",
];

/// Elements whose content is not prose.
const CODE: &[&str] = &["script", "style", "pre", "code", "textarea"];

/// Pages per person: enough to reach every kind of page from the menus and the lists, not
/// every one of the thousands of record cards.
const PER_PERSON: usize = 70;
/// Pages per person also read in English.
const ENGLISH_PAGES: usize = 25;
/// Record pages of one kind (`/companies/…`, `/leads/…`) visited per person.
const PER_KIND: usize = 3;

#[test]
fn every_page_speaks_russian_to_every_role() {
    let scratch = ScratchDb::sqlite().expect("scratch sqlite");
    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Moscow)
        .date_naive();
    let summary = generate(
        scratch.db.clone(),
        DemoOptions {
            seed: 42,
            scale: 1,
            today,
            password_cost: PasswordCost::Fast,
            intensity: 1,
        },
    )
    .expect("demo");
    let data = department_words(&scratch);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
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
        let router = baton_web::router(app.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        // One person of every role.
        let mut people: BTreeMap<String, String> = BTreeMap::new();
        for l in &summary.logins {
            people.entry(l.role.clone()).or_insert(l.login.clone());
        }
        let mut problems: Vec<String> = Vec::new();
        let mut pages = 0;
        for login in people.values() {
            let client = reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client");
            let token = login_token(&client, &base, login, &summary.password).await;
            let seen = walk(&client, &base, &token, login, &data, &mut problems).await;
            pages += seen;
        }
        eprintln!(
            "{pages} pages read as {} people ({})",
            people.len(),
            people.values().cloned().collect::<Vec<_>>().join(", ")
        );
        assert!(pages > 100, "the walk read only {pages} pages");
        assert!(
            problems.is_empty(),
            "{} English or internal words on Russian pages:\n{}",
            problems.len(),
            problems.join("\n")
        );
    });
    rt.shutdown_background();
}

async fn login_token(c: &reqwest::Client, base: &str, login: &str, password: &str) -> String {
    let r = c
        .post(format!("{base}/api/auth/login"))
        .json(&serde_json::json!({"login": login, "password": password}))
        .send()
        .await
        .expect("login");
    let v: serde_json::Value = r.json().await.expect("login json");
    v["token"].as_str().expect("token").to_string()
}

/// The kind of a page, for the per-kind limit: its path with ids replaced.
fn kind(path: &str) -> String {
    let p = path.split('?').next().unwrap_or(path);
    p.split('/')
        .map(|s| {
            if s.len() > 12 || s.chars().any(|c| c.is_ascii_digit()) {
                "*"
            } else {
                s
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

fn followable(href: &str) -> bool {
    href.starts_with('/')
        && !href.starts_with("//")
        && !href.starts_with("/api/")
        && !href.starts_with("/assets/")
        && !href.starts_with("/logout")
        && !href.starts_with("/lang")
        && !href.contains(".csv")
        && !href.contains(".xlsx")
        && !href.contains("format=")
        && !href.contains("download")
}

async fn walk(
    c: &reqwest::Client,
    base: &str,
    token: &str,
    login: &str,
    data: &BTreeSet<String>,
    problems: &mut Vec<String>,
) -> usize {
    let mut queue: VecDeque<(String, String)> =
        VecDeque::from(vec![("/".to_string(), String::new())]);
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    let mut read = 0;
    while let Some((path, from)) = queue.pop_front() {
        if read >= PER_PERSON {
            break;
        }
        if !seen.insert(path.clone()) {
            continue;
        }
        let k = kinds.entry(kind(&path)).or_default();
        if *k >= PER_KIND {
            continue;
        }
        *k += 1;
        let r = c
            .get(format!("{base}{path}"))
            .bearer_auth(token)
            .send()
            .await
            .expect("get");
        let status = r.status().as_u16();
        let is_html = r
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html"));
        let body = r.text().await.unwrap_or_default();
        if !is_html {
            continue;
        }
        read += 1;
        assert!(status < 500, "{login} {path}: {status}\n{body}");
        // A page links only to what its reader may open.
        if status == 403 || status == 404 {
            problems.push(format!(
                "{login}: {from} links to {path}, which answers {status}"
            ));
        }
        // The same page in English names no catalog id: every message exists in both.
        if read <= ENGLISH_PAGES {
            let en = c
                .get(format!("{base}{path}"))
                .bearer_auth(token)
                .header("cookie", "baton_lang=en")
                .send()
                .await
                .expect("get in English");
            let html = en.text().await.unwrap_or_default();
            for text in readable(&html) {
                for w in
                    text.split(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '-' || ch == '_'))
                {
                    let id = [
                        "page-", "err-", "act-", "pay-", "why-", "field-", "entity-", "api-",
                        "web-", "nav-",
                    ]
                    .iter()
                    .any(|p| w.starts_with(p) && w.len() > p.len());
                    if id {
                        problems.push(format!("{login} {path} in English shows the id «{w}»"));
                    }
                }
            }
        }
        for word in foreign_words(&body, data) {
            let p = format!("{login} {}: «{word}»", kind(&path));
            if !problems.contains(&p) {
                problems.push(p);
            }
        }
        for href in links(&body) {
            if followable(&href) && !seen.contains(&href) {
                queue.push_back((href, path.clone()));
            }
        }
    }
    read
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
}

fn links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find("href=\"") {
        rest = &rest[i + 6..];
        if let Some(j) = rest.find('"') {
            out.push(unescape(&rest[..j]));
            rest = &rest[j..];
        }
    }
    out
}

/// The texts a person reads: text nodes outside scripts and styles, and the attributes a
/// browser shows (`title`, `placeholder`, `aria-label`, a button's `value`).
fn readable(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    let mut skip_until: Option<&str> = None;
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            if skip_until.is_none() {
                out.push(unescape(rest));
            }
            break;
        };
        if skip_until.is_none() {
            out.push(unescape(&rest[..lt]));
        }
        rest = &rest[lt..];
        let Some(gt) = rest.find('>') else { break };
        let tag = &rest[1..gt];
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if let Some(end) = skip_until {
            if tag.starts_with('/') && name == end {
                skip_until = None;
            }
        } else if !tag.starts_with('/')
            && let Some(code) = CODE.iter().find(|c| **c == name)
        {
            // Scripts and styles are not read; a plan's text and code samples are a
            // configuration language, shown as written.
            skip_until = Some(code);
        } else {
            for attr in ["title=\"", "placeholder=\"", "aria-label=\"", "alt=\""] {
                let mut t = tag;
                while let Some(i) = t.find(attr) {
                    // `data-title=` is not read by a person.
                    let before = t[..i].chars().last();
                    t = &t[i + attr.len()..];
                    if let Some(j) = t.find('"') {
                        if before.is_none_or(|c| c == ' ') {
                            out.push(unescape(&t[..j]));
                        }
                        t = &t[j..];
                    }
                }
            }
        }
        rest = &rest[gt + 1..];
    }
    out
}

fn foreign_words(html: &str, data: &BTreeSet<String>) -> Vec<String> {
    let mut out = Vec::new();
    for text in readable(html) {
        for word in text
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
            .map(|w| w.trim_matches('-'))
        {
            let letters = word.chars().filter(|c| c.is_ascii_alphabetic()).count();
            // A record id (a UUID) is data, not a word.
            if word.len() == 36 && word.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
                continue;
            }
            if letters == 0 {
                continue;
            }
            let snake = word.contains('_');
            let english = letters >= 2;
            if !(snake || english) {
                continue;
            }
            if ALLOWED.contains(&word) || data.contains(word) || data.contains(&word.to_lowercase())
            {
                continue;
            }
            // A name cut short to fit a chart ("calle…") is still the department's data.
            if letters >= 3
                && text.contains(&format!("{word}…"))
                && data.iter().any(|d| d.starts_with(word))
            {
                continue;
            }
            // The word and the text around it, so the page is easy to fix.
            let w = format!(
                "{word}» in «{}",
                text.trim().chars().take(90).collect::<String>()
            );
            if !out
                .iter()
                .any(|o: &String| o.starts_with(&format!("{word}»")))
            {
                out.push(w);
            }
        }
    }
    out
}

/// The department's own words in Latin letters: logins, e-mails, region codes, company, plan
/// and product names, invoice numbers. They are data, shown as the department wrote them.
fn department_words(scratch: &ScratchDb) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let sqls = [
        "SELECT login FROM employees",
        "SELECT name FROM employees",
        "SELECT code FROM regions",
        "SELECT name FROM companies",
        "SELECT name FROM plan_versions",
        "SELECT id FROM plan_versions",
        "SELECT name FROM contacts",
        "SELECT name FROM products",
        "SELECT number FROM invoices",
    ];
    for sql in sqls {
        let rows = scratch
            .db
            .read(|tx| tx.query(sql, &[]))
            .expect("department words");
        for r in rows {
            let t = r.text(0);
            for w in t.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-')) {
                let w = w.trim_matches('-');
                if !w.is_empty() {
                    out.insert(w.to_string());
                    out.insert(w.to_lowercase());
                }
            }
        }
    }
    out
}
