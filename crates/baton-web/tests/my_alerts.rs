//! «Мои сигналы» (issue 18): an alert about a person's own work reaches that person. The
//! universal manager um1 invoices a client of theirs, due ten days ago and unpaid: the standing
//! rules raise `overdue_invoices` (0–30 days) for um1, and um1 sees it. The sales managers have
//! held the role since 2020 without a new client: that alert (`no_new_client`) asks the head to
//! act and is not on their own list. A caller has nothing.

mod common;

use baton_app::insight::alerts::Trigger;
use common::on_every_database;

#[test]
fn an_alert_about_my_work_is_on_my_page_and_counted_in_my_navigation() {
    on_every_database(|s| async move {
        let um1 = s.login("um1").await;
        let co = s
            .call(
                "POST",
                "/api/companies",
                Some(&um1),
                Some(serde_json::json!({"inn": "7707083893", "name": "ООО «Ромашка»"})),
            )
            .await;
        assert_eq!(co.status, 201, "{}", co.body);
        let today = chrono::Utc::now().date_naive();
        let inv = s
            .call(
                "POST",
                "/api/invoices",
                Some(&um1),
                Some(
                    serde_json::json!({"company_id": co.body["company"]["id"], "amount": "5000",
                    "issued_on": (today - chrono::Duration::days(20)).to_string(),
                    "due_on": (today - chrono::Duration::days(10)).to_string()}),
                ),
            )
            .await;
        assert_eq!(inv.status, 201, "{}", inv.body);
        let number = inv.body["number"].as_str().expect("number").to_string();
        let app = s.app.clone();
        tokio::task::spawn_blocking(move || app.evaluate_alerts(Trigger::Command))
            .await
            .expect("task")
            .expect("evaluate");
        let r = s.call("GET", "/api/me/alerts", Some(&um1), None).await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.body["total"], 1, "{}", r.body);
        assert_eq!(r.body["items"][0]["rule"], "overdue_invoices");
        assert_eq!(r.body["items"][0]["person_id"], s.id("um1").as_str());
        assert_eq!(
            r.body["items"][0]["record_names"][0],
            format!("№ {number}, ООО «Ромашка»").as_str()
        );
        let html = s
            .client
            .get(format!("{}/my/alerts", s.base))
            .bearer_auth(&um1)
            .send()
            .await
            .expect("page")
            .text()
            .await
            .expect("html");
        assert!(
            html.contains("um1 Тестовый (um1): счетов с просрочкой 0–30 дн. — 1"),
            "{html}"
        );
        assert!(
            html.contains("напомните клиенту и договоритесь о дате оплаты"),
            "{html}"
        );
        assert!(
            html.contains(&format!("№ {number}, ООО «Ромашка»")),
            "{html}"
        );
        // The navigation counts it for um1, beside «Мои сигналы».
        assert!(
            html.contains("id=\"nav-alerts-count\" data-queue=\"alerts\""),
            "{html}"
        );
        assert!(html.contains(">Мои сигналы"), "{html}");
        assert!(
            html.contains("title=\"сигналов о вашей работе\">1</span>"),
            "{html}"
        );
        // sm1's «no new client» asks the head to act: not on sm1's list.
        let sm1 = s.login("sm1").await;
        let r = s.call("GET", "/api/me/alerts", Some(&sm1), None).await;
        assert_eq!(r.body["total"], 0, "{}", r.body);
        let head = s
            .call(
                "GET",
                "/api/alerts/log?open=1",
                Some(&s.login("admin").await),
                None,
            )
            .await;
        assert!(
            head.body["items"]
                .as_array()
                .expect("items")
                .iter()
                .any(|a| a["rule"] == "no_new_client" && a["person_id"] == s.id("sm1").as_str()),
            "{}",
            head.body
        );
        // A caller has none: an empty page, nothing counted, nobody else's alerts.
        let caller = s.login("caller1").await;
        let r = s.call("GET", "/api/me/alerts", Some(&caller), None).await;
        assert_eq!(r.body["total"], 0, "{}", r.body);
        let html = s
            .client
            .get(format!("{}/my/alerts", s.base))
            .bearer_auth(&caller)
            .send()
            .await
            .expect("page")
            .text()
            .await
            .expect("html");
        assert!(html.contains("id=\"my-alerts-empty\""), "{html}");
        assert!(!html.contains("sm1 Тестовый"), "{html}");
    });
}
