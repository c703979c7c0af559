//! Web security (OWASP ASVS L2; docs/security.md "Web"), as a hostile tester drives it over HTTP:
//! open redirects, headers that crashed the server, CSRF, login throttling, cookies, security
//! headers, the password change and formula injection in exports.

mod common;

use baton_web::security::WebConfig;
use common::{PASSWORD, Server, csrf_of, form_body, no_redirects, on_every_database};
use serde_json::{Value, json};

fn location(r: &reqwest::Response) -> String {
    r.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

async fn post_form(s: &Server, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
    no_redirects()
        .post(format!("{}{path}", s.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form_body(form))
        .send()
        .await
        .expect("post")
}

async fn json_of(r: reqwest::Response) -> Value {
    serde_json::from_str(&r.text().await.unwrap_or_default()).unwrap_or(Value::Null)
}

#[test]
fn redirects_stay_on_the_site_and_bad_input_is_a_client_error() {
    on_every_database(redirects);
}

async fn redirects(s: Server) {
    for evil in [
        "/\\evil.example/",
        "//evil.example/",
        "https://evil.example/",
        "/\t/evil.example",
        "/x\r\nSet-Cookie: a=b",
        "/x\nLocation: //evil.example",
    ] {
        let r = post_form(
            &s,
            "/login",
            &[("login", "admin"), ("password", PASSWORD), ("next", evil)],
        )
        .await;
        assert_eq!(r.status().as_u16(), 303, "login next={evil:?}");
        assert_eq!(location(&r), "/", "login next={evil:?}");
        let r = post_form(&s, "/lang", &[("lang", "en"), ("back", evil)]).await;
        assert_eq!(r.status().as_u16(), 303, "lang back={evil:?}");
        assert_eq!(location(&r), "/", "lang back={evil:?}");
    }
    // A good path is kept.
    let r = post_form(
        &s,
        "/lang",
        &[("lang", "en"), ("back", "/money?period=2026-11")],
    )
    .await;
    assert_eq!(location(&r), "/money?period=2026-11");
    // The login redirect of a page keeps the address encoded.
    let r = no_redirects()
        .get(format!("{}/money?x=%0d%0a", s.base))
        .send()
        .await
        .expect("get");
    assert_eq!(r.status().as_u16(), 303);
    assert!(
        location(&r).starts_with("/login?next=/money%3Fx%3D"),
        "{}",
        location(&r)
    );

    // Unreadable credential headers are 400, never 500.
    for (name, value) in [
        ("cookie", b"baton_session=\xff\xfe".as_slice()),
        ("authorization", b"Bearer \xff\xfe".as_slice()),
    ] {
        for path in ["/api/me", "/money"] {
            let r = no_redirects()
                .get(format!("{}{path}", s.base))
                .header(
                    name,
                    reqwest::header::HeaderValue::from_bytes(value).expect("bytes"),
                )
                .send()
                .await
                .expect("get");
            assert_eq!(r.status().as_u16(), 400, "{name} on {path}");
        }
    }
    // Another site's unreadable cookie is not ours to judge.
    let r = no_redirects()
        .get(format!("{}/api/health", s.base))
        .header(
            "cookie",
            reqwest::header::HeaderValue::from_bytes(b"other=\xff; baton_lang=en").expect("b"),
        )
        .send()
        .await
        .expect("get");
    assert_eq!(r.status().as_u16(), 200);
}

#[test]
fn writes_from_another_site_or_without_the_token_are_refused() {
    on_every_database(csrf);
}

async fn csrf(s: Server) {
    let c = no_redirects();
    // Origin of another site: refused before anything happens, in the API's error shape...
    let r = c
        .post(format!("{}/api/auth/login", s.base))
        .header("origin", "http://evil.example")
        .json(&json!({"login": "admin", "password": PASSWORD}))
        .send()
        .await
        .expect("post");
    assert_eq!(r.status().as_u16(), 403);
    assert_eq!(json_of(r).await["error"]["code"], "csrf");
    // ... and as a Russian page for a form; Referer stands in when Origin is absent.
    for (h, v) in [
        ("origin", "http://evil.example"),
        ("origin", "null"),
        ("referer", "http://evil.example/page"),
    ] {
        let r = c
            .post(format!("{}/login", s.base))
            .header(h, v)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form_body(&[("login", "admin"), ("password", PASSWORD)]))
            .send()
            .await
            .expect("post");
        assert_eq!(r.status().as_u16(), 403, "{h}: {v}");
        assert!(r.headers().get("set-cookie").is_none());
        let body = r.text().await.unwrap_or_default();
        assert!(body.contains("с другого сайта"), "{body}");
    }

    // The page shell: the token in a meta tag and in every form that posts.
    let cookie = s.browser_login("head").await;
    let token = csrf_of(&cookie);
    for path in ["/money", "/people", "/companies", "/alerts"] {
        let page = c
            .get(format!("{}{path}", s.base))
            .header("cookie", &cookie)
            .send()
            .await
            .expect("get")
            .text()
            .await
            .expect("text");
        assert!(page.contains(&format!(r#"<meta name="csrf-token" content="{token}">"#)));
        let forms = page.matches(r#"method="post""#).count();
        let tokens = page
            .matches(&format!(r#"name="csrf" value="{token}""#))
            .count();
        assert!(forms >= 2, "{path}: the language and logout forms at least");
        assert_eq!(
            forms, tokens,
            "{path}: every posting form carries the token"
        );
    }

    // A cookie-authenticated page form without the token (or with another) is refused.
    let region = s.regions["msk"].clone();
    let person = |login: &'static str| {
        vec![
            ("login", login),
            ("name", "Чужой"),
            ("password", "secret-123"),
            ("role", "caller"),
            ("region_id", region.as_str()),
            ("valid_from", "2020-01-01"),
        ]
    };
    for bad in [None, Some("0".repeat(64))] {
        let mut form = person("forged");
        if let Some(t) = &bad {
            form.push(("csrf", t));
        }
        let r = c
            .post(format!("{}/people", s.base))
            .header("cookie", &cookie)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form_body(&form))
            .send()
            .await
            .expect("post");
        assert_eq!(r.status().as_u16(), 403, "token {bad:?}");
    }
    // Off the async threads: the PostgreSQL client blocks.
    let app = s.app.clone();
    let forged = tokio::task::spawn_blocking(move || app.actor_by_login("forged").is_ok())
        .await
        .expect("look up");
    assert!(!forged, "nobody was created");
    // With the token (as the browser posts the shell's form) it goes through.
    let r = s
        .post_form_with_cookie(&cookie, "/people", &person("welcome"))
        .await;
    assert_eq!(
        r.status().as_u16(),
        303,
        "{}",
        r.text().await.unwrap_or_default()
    );

    // The API with the cookie needs X-CSRF-Token; with a bearer token it does not.
    let check = json!({"role": "caller", "text": ""});
    let r = c
        .post(format!("{}/api/plans/check", s.base))
        .header("cookie", &cookie)
        .json(&check)
        .send()
        .await
        .expect("post");
    assert_eq!(r.status().as_u16(), 403);
    assert_eq!(json_of(r).await["error"]["code"], "csrf");
    let r = c
        .post(format!("{}/api/plans/check", s.base))
        .header("cookie", &cookie)
        .header("x-csrf-token", &token)
        .json(&check)
        .send()
        .await
        .expect("post");
    assert_ne!(r.status().as_u16(), 403);
    let bearer = s.login("head").await;
    let r = s
        .call("POST", "/api/plans/check", Some(&bearer), Some(check))
        .await;
    assert_ne!(r.status, 403, "{}", r.body);
    // Logout is a write too.
    let r = c
        .post(format!("{}/logout", s.base))
        .header("cookie", &cookie)
        .send()
        .await
        .expect("post");
    assert_eq!(r.status().as_u16(), 403);
}

#[test]
fn wrong_passwords_are_throttled() {
    on_every_database(throttled);
}

async fn throttled(s: Server) {
    let wrong = json!({"login": "caller1", "password": "wrong-one"});
    for i in 0..5 {
        let r = s
            .call("POST", "/api/auth/login", None, Some(wrong.clone()))
            .await;
        assert_eq!(r.status, 401, "attempt {i}");
    }
    let r = s
        .client
        .post(format!("{}/api/auth/login", s.base))
        .json(&json!({"login": "caller1", "password": PASSWORD}))
        .send()
        .await
        .expect("post");
    assert_eq!(r.status().as_u16(), 429, "even the right password waits");
    let wait: u64 = r
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("Retry-After");
    assert!((1..=2).contains(&wait), "{wait}");
    assert_eq!(json_of(r).await["error"]["code"], "too_many_attempts");
    // The page answers with the login form and a Russian message.
    let r = post_form(&s, "/login", &[("login", "CALLER1"), ("password", "x")]).await;
    assert_eq!(r.status().as_u16(), 429);
    assert!(r.headers().get("retry-after").is_some());
    let body = r.text().await.unwrap_or_default();
    assert!(body.contains("Слишком много неудачных попыток"), "{body}");
    assert!(body.contains(r#"id="login-submit""#));
    // Other logins are not held up; after the wait the right password works and clears it.
    s.login("caller2").await;
    tokio::time::sleep(std::time::Duration::from_millis(wait * 1000 + 100)).await;
    s.login("caller1").await;
    for _ in 0..4 {
        let r = s
            .call("POST", "/api/auth/login", None, Some(wrong.clone()))
            .await;
        assert_eq!(r.status, 401);
    }
    s.login("caller1").await;

    // Per client address, when the server knows it (as `baton serve` does): many logins tried
    // from one address.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(baton_web::serve_on(
        listener,
        s.app.clone(),
        WebConfig::default(),
        std::future::pending(),
    ));
    let mut last = 0;
    for i in 0..21 {
        let r = s
            .client
            .post(format!("{base}/api/auth/login"))
            .json(&json!({"login": format!("guess{i}"), "password": "x"}))
            .send()
            .await
            .expect("post");
        last = r.status().as_u16();
        if i < 20 {
            assert_eq!(last, 401, "guess {i}");
        }
    }
    assert_eq!(last, 429, "the address waits");
}

#[test]
fn cookies_headers_and_the_password_change() {
    on_every_database(cookies);
}

async fn cookies(s: Server) {
    // The browser session: 12 hours, HttpOnly, SameSite, not Secure over plain HTTP.
    let r = post_form(&s, "/login", &[("login", "sm1"), ("password", PASSWORD)]).await;
    let cookie = r
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    assert!(cookie.contains("Max-Age=43200"), "{cookie}");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"));
    assert!(!cookie.contains("Secure"), "{cookie}");
    // The API login gives a 30-day bearer token and sets no cookie.
    let r = s
        .client
        .post(format!("{}/api/auth/login", s.base))
        .json(&json!({"login": "sm1", "password": PASSWORD}))
        .send()
        .await
        .expect("post");
    assert!(r.headers().get("set-cookie").is_none());
    let body = json_of(r).await;
    let expires = chrono::DateTime::parse_from_rfc3339(body["expires_at"].as_str().expect("exp"))
        .expect("stamp");
    assert!(expires > chrono::Utc::now() + chrono::Duration::days(29));

    // Every response carries the security headers.
    for path in [
        "/login",
        "/api/health",
        "/no-such-page",
        "/api/nope",
        "/assets/baton.js",
    ] {
        let r = no_redirects()
            .get(format!("{}{path}", s.base))
            .send()
            .await
            .expect("get");
        let h = |n: &str| {
            r.headers()
                .get(n)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string()
        };
        assert_eq!(
            h("content-security-policy"),
            "default-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
            "{path}"
        );
        assert_eq!(h("x-frame-options"), "DENY", "{path}");
        assert_eq!(h("x-content-type-options"), "nosniff", "{path}");
        assert_eq!(h("referrer-policy"), "same-origin", "{path}");
    }

    // Secure cookies when configured, or behind a trusted HTTPS proxy.
    for (config, proto, secure) in [
        (
            WebConfig {
                secure_cookies: true,
                trust_proxy: false,
                webhooks_allow_private: false,
            },
            None,
            true,
        ),
        (
            WebConfig {
                secure_cookies: false,
                trust_proxy: true,
                webhooks_allow_private: false,
            },
            Some("https"),
            true,
        ),
        (
            WebConfig {
                secure_cookies: false,
                trust_proxy: false,
                webhooks_allow_private: false,
            },
            Some("https"),
            false,
        ),
    ] {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        tokio::spawn(baton_web::serve_on(
            listener,
            s.app.clone(),
            config,
            std::future::pending(),
        ));
        let mut rb = no_redirects()
            .post(format!("{base}/login"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form_body(&[("login", "cm1"), ("password", PASSWORD)]));
        if let Some(p) = proto {
            rb = rb.header("x-forwarded-proto", p);
        }
        let r = rb.send().await.expect("post");
        let c = r
            .headers()
            .get("set-cookie")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        assert_eq!(c.contains("; Secure"), secure, "{config:?} {proto:?}: {c}");
    }

    // The password change: the other sessions end, this one stays.
    let here = s.login("um1").await;
    let phone = s.login("um1").await;
    let cookie = s.browser_login("um1").await;
    let r = s
        .call(
            "POST",
            "/api/me/password",
            Some(&here),
            Some(json!({"current": "nope", "new": "brand-new-1"})),
        )
        .await;
    assert_eq!(
        (r.status, r.body["error"]["field"].as_str()),
        (422, Some("current"))
    );
    let r = s
        .call(
            "POST",
            "/api/me/password",
            Some(&here),
            Some(json!({"current": PASSWORD, "new": "brand-new-1"})),
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.body);
    assert_eq!(
        s.call("GET", "/api/me", Some(&here), None).await.status,
        200
    );
    assert_eq!(
        s.call("GET", "/api/me", Some(&phone), None).await.status,
        401
    );
    let r = no_redirects()
        .get(format!("{}/money", s.base))
        .header("cookie", &cookie)
        .send()
        .await
        .expect("get");
    assert_eq!(
        location(&r),
        "/login?next=/money",
        "the browser session ended"
    );
    // And from the page, with the form on "my money".
    let cookie = s.browser_login_with("um1", "brand-new-1").await;
    let page = no_redirects()
        .get(format!("{}/money", s.base))
        .header("cookie", &cookie)
        .send()
        .await
        .expect("get")
        .text()
        .await
        .expect("text");
    assert!(page.contains(r#"action="/password""#));
    let r = s
        .post_form_with_cookie(
            &cookie,
            "/password",
            &[("current", "brand-new-1"), ("new", PASSWORD)],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    assert!(location(&r).starts_with("/money?ok="), "{}", location(&r));
    assert_eq!(
        s.call("GET", "/api/me", Some(&here), None).await.status,
        401
    );
    s.login("um1").await;
}

#[test]
fn exports_do_not_carry_formulas() {
    on_every_database(exports);
}

async fn exports(s: Server) {
    let head = s.login("head").await;
    let region = s.regions["msk"].clone();
    for (i, name) in [
        "=HYPERLINK(\"http://evil.example\",\"x\")",
        "@SUM(1+1)",
        "-2+3",
    ]
    .into_iter()
    .enumerate()
    {
        let r = s
            .call(
                "POST",
                "/api/companies",
                Some(&head),
                Some(
                    json!({"inn": inn(770_708_300 + i as u64), "name": name, "region_id": region}),
                ),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.body);
    }
    let csv = s
        .client
        .get(format!("{}/companies?format=csv", s.base))
        .bearer_auth(&head)
        .send()
        .await
        .expect("get")
        .text()
        .await
        .expect("text");
    assert!(csv.contains("'=HYPERLINK("), "{csv}");
    assert!(csv.contains("'@SUM(1+1)"), "{csv}");
    assert!(csv.contains("'-2+3"), "{csv}");
    for line in csv.lines() {
        for cell in line.split(';') {
            let cell = cell.trim_start_matches('"');
            assert!(
                !cell.starts_with(['=', '@', '+']),
                "a formula cell in {line}"
            );
        }
    }
}

/// A 10-digit ИНН with its check digit.
fn inn(first9: u64) -> String {
    let d: Vec<u64> = format!("{first9:09}")
        .bytes()
        .map(|b| u64::from(b - b'0'))
        .collect();
    let w = [2, 4, 10, 3, 5, 9, 4, 6, 8];
    let sum: u64 = d.iter().zip(w).map(|(a, b)| a * b).sum();
    format!("{first9:09}{}", sum % 11 % 10)
}
