//! Test harness: the real router on port 0 over a scratch database, and people to act as.
#![allow(dead_code)]

use baton_app::clock::{RandomIds, SystemClock};
use baton_app::conveyor::people::NewEmployee;
use baton_app::{App, PasswordCost};
use baton_store::scratch::ScratchDb;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::Arc;

pub const PASSWORD: &str = "secret-123";

pub struct Server {
    pub base: String,
    pub app: App,
    pub ids: BTreeMap<String, String>,
    pub regions: BTreeMap<String, String>,
    pub client: reqwest::Client,
}

pub struct Resp {
    pub status: u16,
    pub body: Value,
}

impl Resp {
    pub fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or("")
    }
}

/// Users: login → (role, region code).
pub const PEOPLE: [(&str, &str, &str); 11] = [
    ("admin", "admin", ""),
    ("director", "director", ""),
    ("accountant", "accountant", ""),
    ("head", "head", "msk"),
    ("caller1", "caller", "msk"),
    ("caller2", "caller", "msk"),
    ("sm1", "sales_manager", "msk"),
    ("sm2", "sales_manager", "msk"),
    ("cm1", "client_manager", "msk"),
    ("um1", "universal_manager", "msk"),
    ("sm_spb", "sales_manager", "spb"),
];

impl Server {
    pub async fn start(scratch: &ScratchDb) -> Server {
        let mut app = App::with(
            scratch.db.clone(),
            Arc::new(SystemClock),
            Arc::new(RandomIds),
        );
        app.password_cost = PasswordCost::Fast;
        let app2 = app.clone();
        let (ids, regions) = tokio::task::spawn_blocking(move || {
            let admin = app2
                .create_employee(
                    None,
                    NewEmployee {
                        login: "admin".into(),
                        name: "Админ".into(),
                        password: PASSWORD.into(),
                        region_id: None,
                        role: "admin".into(),
                        valid_from: Some("2020-01-01".into()),
                        open_lead_limit: None,
                    },
                )
                .expect("admin");
            let admin_actor = app2.actor(&admin.id).expect("actor");
            let mut regions = BTreeMap::new();
            for (code, name) in [("msk", "Москва"), ("spb", "Санкт-Петербург")]
            {
                regions.insert(
                    code.to_string(),
                    app2.create_region(&admin_actor, code, name)
                        .expect("region")
                        .id,
                );
            }
            let mut ids = BTreeMap::new();
            ids.insert("admin".to_string(), admin.id);
            for (login, role, region) in PEOPLE.iter().skip(1) {
                let e = app2
                    .create_employee(
                        Some(&admin_actor),
                        NewEmployee {
                            login: login.to_string(),
                            // Names sort in login order, so round-robin order is predictable.
                            name: format!("{login} Тестовый"),
                            password: PASSWORD.into(),
                            region_id: regions.get(*region).cloned(),
                            role: role.to_string(),
                            valid_from: Some("2020-01-01".into()),
                            open_lead_limit: None,
                        },
                    )
                    .expect("employee");
                ids.insert(login.to_string(), e.id);
            }
            (ids, regions)
        })
        .await
        .expect("setup");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let router = baton_web::router(app.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Server {
            base: format!("http://{addr}"),
            app,
            ids,
            regions,
            client: english_api(),
        }
    }

    pub async fn login(&self, login: &str) -> String {
        let r = self
            .call(
                "POST",
                "/api/auth/login",
                None,
                Some(json!({"login": login, "password": PASSWORD})),
            )
            .await;
        assert_eq!(r.status, 200, "login {login}: {}", r.body);
        r.body["token"].as_str().expect("token").to_string()
    }

    pub async fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Resp {
        let url = format!("{}{}", self.base, path);
        let m = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let mut rb = self.client.request(m, &url);
        if let Some(t) = token {
            rb = rb.bearer_auth(t);
        }
        if let Some(b) = body {
            rb = rb.json(&b);
        }
        let resp = rb.send().await.expect("request");
        let status = resp.status().as_u16();
        let text = resp.text().await.unwrap_or_default();
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Resp { status, body }
    }

    /// Logs in with the page form as a browser does; the `name=value` of the session cookie.
    pub async fn browser_login(&self, login: &str) -> String {
        self.browser_login_with(login, PASSWORD).await
    }

    pub async fn browser_login_with(&self, login: &str, password: &str) -> String {
        let r = no_redirects()
            .post(format!("{}/login", self.base))
            .header("origin", &self.base)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form_body(&[("login", login), ("password", password)]))
            .send()
            .await
            .expect("login");
        assert_eq!(r.status().as_u16(), 303, "login {login}");
        r.headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with(baton_web::extract::SESSION_COOKIE))
            .and_then(|v| v.split(';').next())
            .expect("session cookie")
            .to_string()
    }

    /// A form post as the browser sends it with the session cookie: this site's Origin and the
    /// session's CSRF token (what the page shell puts in every form).
    pub async fn post_form_with_cookie(
        &self,
        cookie: &str,
        path: &str,
        form: &[(&str, &str)],
    ) -> reqwest::Response {
        let mut form: Vec<(&str, &str)> = form.to_vec();
        let token = csrf_of(cookie);
        form.push(("csrf", &token));
        no_redirects()
            .post(format!("{}{}", self.base, path))
            .header("origin", &self.base)
            .header("cookie", cookie)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form_body(&form))
            .send()
            .await
            .expect("post")
    }

    pub fn id(&self, login: &str) -> String {
        self.ids[login].clone()
    }
}

/// The CSRF token of a `baton_session=…` cookie.
pub fn csrf_of(cookie: &str) -> String {
    let secret = cookie.split_once('=').map(|x| x.1).unwrap_or(cookie);
    baton_web::security::csrf_token(secret)
}

pub fn form_body(form: &[(&str, &str)]) -> String {
    serde_urlencoded::to_string(form).expect("form")
}

/// The API tests read the English catalog (`Accept-Language: en`), whose wording they assert;
/// `tests/catalog.rs` checks the Russian default. Pages follow the session's language, not
/// this header, so page tests stay Russian.
pub fn english_api() -> reqwest::Client {
    let mut h = reqwest::header::HeaderMap::new();
    h.insert(
        reqwest::header::ACCEPT_LANGUAGE,
        reqwest::header::HeaderValue::from_static("en"),
    );
    reqwest::Client::builder()
        .default_headers(h)
        .build()
        .unwrap_or_default()
}

pub fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

pub fn complete_checklist() -> Value {
    json!({
        "decision_maker": "Иванов И. И., директор, +7 912 000-00-00",
        "need": "«Хотим рекламу к открытию»",
        "budget": "50–80 тыс. ₽",
        "timing": "в этом месяце",
        "next_step": "встреча 3 декабря 11:00"
    })
}

/// Runs an async story once per database (SQLite always, PostgreSQL when configured).
/// The scratch databases are made and dropped outside the runtime: the synchronous
/// PostgreSQL client may not block inside it.
pub fn on_every_database<F, Fut>(story: F)
where
    F: Fn(Server) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for scratch in ScratchDb::all() {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(4)
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async {
            let s = Server::start(&scratch).await;
            story(s).await;
        });
        rt.shutdown_background();
    }
}
