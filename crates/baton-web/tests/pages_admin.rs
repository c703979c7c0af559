//! The payroll, people, plans and settings pages over HTTP, as real users, on every database.

mod common;

use chrono::{Datelike, Duration, NaiveDate, Utc};
use common::{Server, on_every_database};

/// A month that has certainly ended (two months back), as `YYYY-MM`.
fn ended_month() -> String {
    let today = Utc::now().date_naive();
    let first = NaiveDate::from_ymd_opt(today.year(), today.month(), 1).expect("first");
    let prev = first - Duration::days(1);
    let first_prev = NaiveDate::from_ymd_opt(prev.year(), prev.month(), 1).expect("first");
    let two = first_prev - Duration::days(1);
    format!("{:04}-{:02}", two.year(), two.month())
}

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

async fn get(c: &reqwest::Client, s: &Server, token: &str, path: &str) -> (u16, String) {
    let r = c
        .get(format!("{}{}", s.base, path))
        .bearer_auth(token)
        .send()
        .await
        .expect("get");
    let status = r.status().as_u16();
    (status, r.text().await.unwrap_or_default())
}

async fn post(
    c: &reqwest::Client,
    s: &Server,
    token: &str,
    path: &str,
    form: &[(&str, &str)],
) -> (u16, String, String) {
    let r = c
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
        .unwrap_or("")
        .to_string();
    (status, location, r.text().await.unwrap_or_default())
}

#[test]
fn payroll_pages() {
    on_every_database(payroll);
}

async fn payroll(s: Server) {
    let c = no_redirects();
    let head = s.login("head").await;
    let caller = s.login("caller1").await;
    let period = ended_month();

    // A caller may not see payroll.
    let (status, body) = get(&c, &s, &caller, "/payroll").await;
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("Нет доступа"), "{body}");

    // The head sees the month open, with the actions.
    let (status, body) = get(&c, &s, &head, &format!("/payroll/{period}")).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("id=\"calculate\""), "{body}");
    assert!(body.contains("id=\"approve\""), "{body}");
    assert!(body.contains("id=\"register-xlsx\""), "{body}");
    assert!(
        !body.contains("id=\"pay\""),
        "the head does not pay: {body}"
    );

    // Approving before calculating is refused with the app's message.
    let (status, _, body) = post(&c, &s, &head, &format!("/payroll/{period}/approve"), &[]).await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body.contains(&format!(
            "Период {period} ещё открыт: сначала рассчитайте его."
        )),
        "{body}"
    );

    // Calculating the current month is refused: it has not ended.
    let today = Utc::now().date_naive();
    let this = format!("{:04}-{:02}", today.year(), today.month());
    let (status, _, body) = post(&c, &s, &head, &format!("/payroll/{this}/calculate"), &[]).await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("ещё не закончился"), "{body}");

    // Calculate, then approve.
    let (status, location, _) =
        post(&c, &s, &head, &format!("/payroll/{period}/calculate"), &[]).await;
    assert_eq!(status, 303);
    assert!(
        location.starts_with(&format!("/payroll/{period}?ok=")),
        "{location}"
    );
    let (_, body) = get(&c, &s, &head, &format!("/payroll/{period}")).await;
    assert!(body.contains("рассчитан, на проверке"), "{body}");

    // The first press asks again, with the people and the total to be frozen; nothing yet.
    let (status, _, body) = post(&c, &s, &head, &format!("/payroll/{period}/approve"), &[]).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("id=\"approve-yes\""), "{body}");
    assert!(body.contains("id=\"confirm-people\""), "{body}");
    let (_, review) = get(&c, &s, &head, &format!("/payroll/{period}")).await;
    assert!(!review.contains("id=\"approved-regions\""), "{review}");
    let (status, location, body) = post(
        &c,
        &s,
        &head,
        &format!("/payroll/{period}/approve"),
        &[("confirm", "1")],
    )
    .await;
    assert_eq!(status, 303, "{body}");
    assert!(
        location.starts_with(&format!("/payroll/{period}?ok=")),
        "{location}"
    );
    // The head approves Moscow's part; Saint Petersburg (sm_spb) still waits, so the period
    // is not frozen until the director approves it.
    let (_, body) = get(&c, &s, &head, &location).await;
    assert!(body.contains("рассчитан, на проверке"), "{body}");
    assert!(
        body.contains("<b id=\"approved-regions\">Москва</b>"),
        "{body}"
    );
    assert!(body.contains("id=\"own-region-approved\""), "{body}");
    assert!(!body.contains("id=\"approve\""), "{body}");
    assert!(
        body.contains("Ваш регион утверждён. Период заморозится"),
        "the note says what happened: {body}"
    );
    // An approval is not a change to the period's data.
    assert!(!body.contains("Изменений после расчёта"), "{body}");
    let director = s.login("director").await;
    let (status, _, body) = post(
        &c,
        &s,
        &director,
        &format!("/payroll/{period}/approve"),
        &[("confirm", "1")],
    )
    .await;
    assert_eq!(status, 303, "{body}");
    let (_, body) = get(&c, &s, &head, &format!("/payroll/{period}")).await;
    assert!(body.contains("утверждён"), "{body}");
    assert!(!body.contains("id=\"approve\""), "{body}");

    // The accountant pays it.
    let accountant = s.login("accountant").await;
    let (_, body) = get(&c, &s, &accountant, &format!("/payroll/{period}")).await;
    assert!(body.contains("id=\"pay\""), "{body}");
    assert!(!body.contains("id=\"approve\""), "{body}");
    let (status, _, body) = post(&c, &s, &accountant, &format!("/payroll/{period}/pay"), &[]).await;
    assert_eq!(status, 303, "{body}");
    let (_, body) = get(&c, &s, &head, &format!("/payroll/{period}")).await;
    assert!(body.contains("выплачен"), "{body}");

    // The period list links to it.
    let (status, body) = get(&c, &s, &head, "/payroll").await;
    assert_eq!(status, 200);
    assert!(
        body.contains(&format!("href=\"/payroll/{period}\"")),
        "{body}"
    );

    // The register is an XLSX file (a ZIP: it starts with PK).
    let r = c
        .get(format!("{}/payroll/{period}/register.xlsx", s.base))
        .bearer_auth(&head)
        .send()
        .await
        .expect("register");
    assert_eq!(r.status().as_u16(), 200);
    let bytes = r.bytes().await.expect("bytes");
    assert!(
        bytes.starts_with(b"PK"),
        "{:?}",
        &bytes[..bytes.len().min(8)]
    );

    // The caller's statement: a full month of the 30 000 ₽ base, nothing else.
    let id = s.id("caller1");
    let (status, body) = get(&c, &s, &head, &format!("/payroll/{period}/{id}")).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("Оклад"), "{body}");
    assert!(body.contains("30\u{a0}000,00\u{a0}₽"), "{body}");
    // ... and its total is the API's.
    let api = s
        .call(
            "GET",
            &format!("/api/payroll?period={period}"),
            Some(&head),
            None,
        )
        .await;
    assert_eq!(api.status, 200, "{}", api.body);
    let mine = api
        .body
        .as_array()
        .expect("list")
        .iter()
        .find(|st| st["employee_id"] == id.as_str())
        .expect("caller1");
    let total: rust_decimal::Decimal = mine["total"]
        .as_str()
        .map(|t| t.parse().expect("decimal"))
        .or_else(|| {
            mine["total"]
                .as_f64()
                .map(|f| rust_decimal::Decimal::try_from(f).expect("decimal"))
        })
        .expect("total");
    assert_eq!(total, rust_decimal::Decimal::from(30_000));

    // The review's CSV export lists the caller with the amount.
    let (status, csv) = get(&c, &s, &head, &format!("/payroll/{period}?format=csv")).await;
    assert_eq!(status, 200);
    assert!(csv.contains("caller1;"), "{csv}");
    assert!(csv.contains("30000,00"), "{csv}");
}

#[test]
fn people_plans_and_settings() {
    on_every_database(people);
}

async fn people(s: Server) {
    let c = no_redirects();
    let head = s.login("head").await;
    let admin = s.login("admin").await;
    let region = s.regions["msk"].clone();

    // A too-short password keeps what was typed and says why.
    let (status, _, body) = post(
        &c,
        &s,
        &head,
        "/people",
        &[
            ("login", "novichok"),
            ("name", "Новиков Пётр"),
            ("password", "123"),
            ("region_id", &region),
            ("role", "caller"),
            ("valid_from", "2026-01-01"),
        ],
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("value=\"novichok\""), "{body}");
    assert!(body.contains("value=\"Новиков Пётр\""), "{body}");
    assert!(
        body.contains("Пароль должен быть не короче 6 символов."),
        "{body}"
    );
    assert!(body.contains("class=\"missing\""), "{body}");

    // With a good password the employee is created and shown.
    let (status, location, body) = post(
        &c,
        &s,
        &head,
        "/people",
        &[
            ("login", "novichok"),
            ("name", "Новиков Пётр"),
            ("password", "secret-456"),
            ("region_id", &region),
            ("role", "caller"),
            ("valid_from", "2026-01-01"),
        ],
    )
    .await;
    assert_eq!(status, 303, "{body}");
    let path = location.split('?').next().expect("path").to_string();
    assert!(path.starts_with("/people/"), "{location}");
    let (status, body) = get(&c, &s, &head, &path).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("Менеджер по звонкам"), "{body}");
    assert!(body.contains("01.01.2026"), "{body}");

    // An absence ending before it starts is refused, the dates kept.
    let (status, _, body) = post(
        &c,
        &s,
        &head,
        &format!("{path}/absences"),
        &[
            ("from", "2026-03-10"),
            ("to", "2026-03-01"),
            ("kind", "отпуск"),
        ],
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("value=\"2026-03-10\""), "{body}");
    assert!(
        body.contains("Отсутствие заканчивается раньше, чем начинается."),
        "{body}"
    );

    // A broken plan text: the line and column next to the text, which is kept.
    let text = "name = \"Тест\"\nrole = \"caller\"\neffective_from = \"2026-01-01\"\n\n[[component]]\nid = \"base\"\nlabel = \"Оклад\"\nkind = \"base\"\namount = = \"1\"\n";
    let (status, _, body) = post(
        &c,
        &s,
        &head,
        "/plans",
        &[("text", text), ("action", "save"), ("status", "active")],
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("Строка 9, столбец"), "{body}");
    assert!(body.contains("amount = = "), "{body}");

    // A good text checks, names its role and start, and is kept for saving.
    let good = text.replace("amount = = ", "amount = ");
    let (status, _, body) = post(
        &c,
        &s,
        &head,
        "/plans",
        &[
            ("text", good.as_str()),
            ("action", "check"),
            ("status", "active"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("id=\"plan-ok\""), "{body}");
    assert!(body.contains("01.01.2026"), "{body}");
    let (status, location, body) = post(
        &c,
        &s,
        &head,
        "/plans",
        &[
            ("text", good.as_str()),
            ("action", "save"),
            ("status", "draft"),
        ],
    )
    .await;
    assert_eq!(status, 303, "{body}");
    assert!(location.starts_with("/plans/"), "{location}");
    let (status, body) = get(&c, &s, &head, location.split('?').next().expect("path")).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("amount = &quot;1&quot;"), "{body}");

    // Settings: a broken JSON shows the line and column and keeps the text.
    let (status, _, body) = post(
        &c,
        &s,
        &admin,
        "/settings",
        &[("json", "{\n  \"timezone\": oops\n}")],
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("Строка 2, столбец"), "{body}");
    assert!(body.contains("oops"), "{body}");
    // The head reads the settings but has no editor, and may not post.
    let (status, body) = get(&c, &s, &head, "/settings").await;
    assert_eq!(status, 200);
    assert!(body.contains("Europe/Moscow"), "{body}");
    assert!(!body.contains("id=\"settings-json\""), "{body}");
}
