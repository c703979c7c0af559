//! The relay from the issue, through the JSON API as real users, on SQLite and PostgreSQL:
//! calls → refused handoff → handoff by rule → rejection → handoff → acceptance → contract,
//! invoice, first payment (new client, attributed) → handover to a client manager.

mod common;

use common::{Server, complete_checklist, on_every_database};
use serde_json::json;

#[test]
fn relay_through_the_api() {
    on_every_database(relay);
}

async fn relay(s: Server) {
    {
        let caller1 = s.login("caller1").await;
        let caller2 = s.login("caller2").await;
        let sm1 = s.login("sm1").await;
        let sm2 = s.login("sm2").await;
        let cm1 = s.login("cm1").await;
        let director = s.login("director").await;
        let accountant = s.login("accountant").await;
        let sm_spb = s.login("sm_spb").await;
        let head = s.login("head").await;

        // A wrong ИНН checksum is refused with the field named.
        let r = s
            .call(
                "POST",
                "/api/companies",
                Some(&caller1),
                Some(json!({"inn": "7707083894", "name": "ООО «Ромашка»"})),
            )
            .await;
        assert_eq!((r.status, r.code()), (422, "invalid_inn"), "{}", r.body);
        assert_eq!(r.body["error"]["field"], "inn");

        let r = s
            .call("POST", "/api/companies", Some(&caller1), Some(json!({
                "inn": "7707083893", "name": "ООО «Ромашка»",
                "contacts": [{"name": "Иванов Иван", "position": "директор", "is_dm": true, "phone": "8 (912) 345-67-89"}]
            })))
            .await;
        assert_eq!(r.status, 201, "{}", r.body);
        let company = r.body["company"]["id"].as_str().unwrap().to_string();
        assert_eq!(r.body["contacts"][0]["phone"], "+79123456789");
        assert_eq!(r.body["company"]["claim_holder_id"], s.id("caller1"));

        // The same ИНН again: 409, naming the current owner.
        let r = s
            .call(
                "POST",
                "/api/companies",
                Some(&caller2),
                Some(json!({"inn": "7707083893", "name": "Ромашка"})),
            )
            .await;
        assert_eq!(
            (r.status, r.code()),
            (409, "duplicate_company"),
            "{}",
            r.body
        );
        assert_eq!(r.body["error"]["details"]["owner"], "caller1 Тестовый");
        assert_eq!(r.body["error"]["details"]["owner_id"], s.id("caller1"));

        // 1. The caller logs calls.
        for outcome in ["no_answer", "dm_interested"] {
            let r = s
                .call(
                    "POST",
                    "/api/calls",
                    Some(&caller1),
                    Some(json!({"company_id": company, "outcome": outcome, "duration_sec": 95})),
                )
                .await;
            assert_eq!(r.status, 201, "{}", r.body);
        }
        let r = s
            .call(
                "POST",
                "/api/calls",
                Some(&caller2),
                Some(json!({"company_id": company, "outcome": "no_answer"})),
            )
            .await;
        // A call claims the company, so a caller may call only companies they see; someone
        // else's company is not found, and claiming it names the holder.
        assert_eq!(
            (r.status, r.code()),
            (404, "not_found"),
            "another caller's company: {}",
            r.body
        );
        let r = s
            .call(
                "POST",
                &format!("/api/companies/{company}/claim"),
                Some(&caller2),
                None,
            )
            .await;
        assert_eq!(
            (r.status, r.code()),
            (409, "company_claimed"),
            "another caller's claim: {}",
            r.body
        );

        let r = s
            .call(
                "POST",
                "/api/leads",
                Some(&caller1),
                Some(json!({"company_id": company, "source": "cold_call"})),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.body);
        let lead = r.body["id"].as_str().unwrap().to_string();
        let path = |action: &str| format!("/api/leads/{lead}/{action}");

        // 2. An incomplete checklist is refused, naming every missing item.
        let r = s
            .call(
                "POST",
                &path("handoff"),
                Some(&caller1),
                Some(json!({"checklist": {"decision_maker": "Иванов, директор"}})),
            )
            .await;
        assert_eq!(
            (r.status, r.code()),
            (422, "checklist_incomplete"),
            "{}",
            r.body
        );
        assert_eq!(
            r.body["error"]["details"]["missing"],
            json!(["need", "budget", "timing", "next_step"])
        );
        let r = s
            .call("GET", &format!("/api/leads/{lead}"), Some(&caller1), None)
            .await;
        assert_eq!(
            r.body["lead"]["checklist"]["decision_maker"], "Иванов, директор",
            "the typed answer is kept"
        );
        assert_eq!(r.body["lead"]["stage"], "working");

        // 3. Complete: assigned by the rule (round-robin in the region: sm1 first by name).
        let r = s
            .call(
                "POST",
                &path("handoff"),
                Some(&caller1),
                Some(json!({"checklist": complete_checklist()})),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.body["handoff"]["receiver_id"], s.id("sm1"));
        assert_eq!(r.body["rule"], "round_robin");
        assert_eq!(r.body["receiver_name"], "sm1 Тестовый");
        assert!(
            r.body["explanation"]
                .as_str()
                .unwrap()
                .contains("sm1 Тестовый")
        );

        // 4. The sales manager rejects with a reason; the lead returns to the caller.
        let r = s
            .call(
                "POST",
                &path("reject"),
                Some(&sm1),
                Some(json!({"reason": "no_budget"})),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let r = s
            .call("GET", &format!("/api/leads/{lead}"), Some(&caller1), None)
            .await;
        assert_eq!(r.body["lead"]["stage"], "working");
        assert_eq!(r.body["lead"]["owner_id"], s.id("caller1"));
        assert_eq!(r.body["lead"]["last_rejection"], "no_budget");
        assert_eq!(r.body["handoffs"][0]["status"], "rejected");
        assert_eq!(r.body["handoffs"][0]["reason"], "no_budget");

        // 5. Handed again: the next in turn (sm2) receives it; sm1 no longer sees it.
        let r = s.call("POST", &path("handoff"), Some(&caller1), None).await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.body["handoff"]["receiver_id"], s.id("sm2"));
        // sm1 once held it: the answer says it is no longer theirs (409), not that it is gone.
        let r = s.call("POST", &path("accept"), Some(&sm1), None).await;
        assert_eq!((r.status, r.code()), (409, "no_longer_yours"), "{}", r.body);
        let r = s.call("POST", &path("accept"), Some(&sm2), None).await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.body["owner_id"], s.id("sm2"));
        let r = s
            .call(
                "POST",
                &path("move"),
                Some(&sm2),
                Some(json!({"stage": "meeting"})),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let r = s
            .call(
                "POST",
                &path("move"),
                Some(&sm2),
                Some(json!({"stage": "won"})),
            )
            .await;
        assert_eq!((r.status, r.code()), (422, "invalid"), "{}", r.body);

        // 6. Contract, invoice, first payment: a new client attributed to both.
        let r = s
            .call(
                "POST",
                &path("contract"),
                Some(&sm2),
                Some(json!({"amount": "120 000,00"})),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.body);
        assert_eq!(r.body["win_kind"], "new_client");
        assert_eq!(r.body["amount"], "120000.00");
        let contract = r.body["id"].as_str().unwrap().to_string();
        let r = s
            .call(
                "POST",
                "/api/invoices",
                Some(&sm2),
                Some(json!({"company_id": company, "contract_id": contract, "amount": "120000"})),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.body);
        let invoice = r.body["id"].as_str().unwrap().to_string();
        let r = s
            .call(
                "POST",
                "/api/payments",
                Some(&sm2),
                Some(json!({"invoice_id": invoice, "amount": "120001"})),
            )
            .await;
        assert_eq!(
            (r.status, r.code()),
            (422, "invalid"),
            "overpayment: {}",
            r.body
        );
        let r = s
            .call(
                "POST",
                "/api/payments",
                Some(&sm2),
                Some(json!({"invoice_id": invoice, "amount": "120000"})),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.body);
        assert_eq!(r.body["won"]["caller_id"], s.id("caller1"));
        assert_eq!(r.body["won"]["seller_id"], s.id("sm2"));
        assert_eq!(r.body["won"]["kind"], "new_client");
        assert_eq!(r.body["handover_due"], true);
        let r = s
            .call(
                "GET",
                &format!("/api/companies/{company}"),
                Some(&director),
                None,
            )
            .await;
        let c = &r.body["company"];
        assert_eq!(
            (
                c["status"].as_str(),
                c["att_caller_id"].as_str(),
                c["att_seller_id"].as_str()
            ),
            (
                Some("client"),
                Some(s.id("caller1").as_str()),
                Some(s.id("sm2").as_str())
            )
        );
        assert_eq!(r.body["leads"][0]["stage"], "won");

        // 7. Handoff 2 with the brief; the only client manager in the region receives it.
        let r = s
            .call(
                "POST",
                &format!("/api/companies/{company}/handover"),
                Some(&sm2),
                Some(json!({"brief": {"sold": "полоса"}})),
            )
            .await;
        assert_eq!(
            (r.status, r.code()),
            (422, "brief_incomplete"),
            "{}",
            r.body
        );
        assert_eq!(
            r.body["error"]["details"]["missing"],
            json!(["contacts", "pains"])
        );
        let r = s
            .call("POST", &format!("/api/companies/{company}/handover"), Some(&sm2), Some(json!({"brief": {"sold": "полоса 1/1", "contacts": "Иванов", "pains": "мало клиентов"}})))
            .await;
        assert_eq!(r.status, 201, "{}", r.body);
        assert_eq!(r.body["receiver_id"], s.id("cm1"));
        let handoff2 = r.body["id"].as_str().unwrap().to_string();
        // Issue 18: the client manager's handover inbox shows it with its brief under the
        // company's item names, the deadline at the end of a Moscow day, and the count in the
        // navigation; the event stream sends the same count.
        let due = r.body["due_at"].as_str().unwrap().to_string();
        assert!(
            due.ends_with("T20:59:59.999999Z"),
            "end of the day in Moscow: {due}"
        );
        let page = s
            .client
            .get(format!("{}/handovers", s.base))
            .bearer_auth(&cm1)
            .send()
            .await
            .unwrap();
        assert_eq!(page.status().as_u16(), 200);
        let html = page.text().await.unwrap();
        assert!(
            html.contains(&format!("id=\"handover-{handoff2}\"")),
            "{html}"
        );
        assert!(
            html.contains("полоса 1/1") && html.contains("мало клиентов"),
            "{html}"
        );
        assert!(html.contains("23:59 МСК"), "{html}");
        assert!(
            html.contains("id=\"nav-handovers-count\" data-queue=\"handovers\""),
            "{html}"
        );
        let mut events = s
            .client
            .get(format!("{}/events/queues", s.base))
            .bearer_auth(&cm1)
            .send()
            .await
            .unwrap();
        assert_eq!(
            events.headers()["content-type"].to_str().unwrap(),
            "text/event-stream"
        );
        let mut got = String::new();
        while !got.contains("\n\n") {
            let chunk = events.chunk().await.unwrap().expect("an event");
            got.push_str(&String::from_utf8_lossy(&chunk));
        }
        assert!(
            got.contains(
                "event: queues\ndata: {\"incoming\":0,\"handovers\":1,\"alerts\":0,\"tasks\":0,\"notes\":0,\"deals_due\":0,\"overdue_invoices\":0}"
            ),
            "{got}"
        );
        drop(events);
        let r = s
            .call("GET", "/api/companies?status=client", Some(&cm1), None)
            .await;
        assert_eq!(r.body["total"], 1, "{}", r.body);
        assert_eq!(r.body["items"][0]["id"], company.as_str());
        // The first meeting, recorded from the page.
        let r = common::no_redirects()
            .post(format!("{}/handovers/{handoff2}/kickoff", s.base))
            .bearer_auth(&cm1)
            .header("content-type", "application/x-www-form-urlencoded")
            .body("note=%D0%BF%D0%BE%D0%B7%D0%BD%D0%B0%D0%BA%D0%BE%D0%BC%D0%B8%D0%BB%D0%B8%D1%81%D1%8C")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 303);
        let to = r.headers()["location"].to_str().unwrap().to_string();
        assert!(to.starts_with("/handovers?ok="), "{to}");
        let r = s
            .call(
                "GET",
                "/api/handoffs?kind=client&status=done",
                Some(&cm1),
                None,
            )
            .await;
        assert_eq!(r.body["items"][0]["id"], handoff2.as_str(), "{}", r.body);

        // Each step shows in the audit trail of the lead, in order.
        let r = s
            .call(
                "GET",
                &format!("/api/audit?entity=lead&entity_id={lead}&per_page=50"),
                Some(&director),
                None,
            )
            .await;
        let mut events: Vec<(String, String)> = r.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["at"].as_str().unwrap().to_string(),
                    e["action"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        events.sort();
        let actions: Vec<&str> = events.iter().map(|e| e.1.as_str()).collect();
        assert_eq!(
            actions,
            [
                "lead.opened",
                "lead.checklist_saved",
                "lead.handed",
                "lead.rejected",
                "lead.handed",
                "lead.accepted",
                "lead.stage_changed",
                "lead.contract_signed",
                "lead.won"
            ]
        );
        let r = s
            .call(
                "GET",
                &format!("/api/audit?entity=company&entity_id={company}"),
                Some(&caller1),
                None,
            )
            .await;
        assert_eq!(
            r.status, 403,
            "a caller may not read the audit log: {}",
            r.body
        );

        // Each role saw only what it may see.
        let r = s
            .call("GET", &format!("/api/leads/{lead}"), Some(&caller2), None)
            .await;
        assert_eq!(r.status, 404, "another caller's lead: {}", r.body);
        assert_eq!(
            s.call("GET", "/api/leads", Some(&caller2), None).await.body["total"],
            0
        );
        assert_eq!(
            s.call("GET", "/api/leads", Some(&caller1), None).await.body["total"],
            1
        );
        assert_eq!(
            s.call("GET", "/api/leads", Some(&accountant), None)
                .await
                .body["total"],
            0
        );
        assert_eq!(
            s.call("GET", "/api/payments", Some(&accountant), None)
                .await
                .body["total"],
            1
        );
        assert_eq!(
            s.call("GET", "/api/payments", Some(&caller1), None)
                .await
                .body["total"],
            0
        );
        assert_eq!(
            s.call(
                "GET",
                &format!("/api/companies/{company}"),
                Some(&sm_spb),
                None
            )
            .await
            .status,
            404
        );
        assert_eq!(
            s.call("GET", &format!("/api/leads/{lead}"), Some(&head), None)
                .await
                .status,
            200
        );
        assert_eq!(s.call("GET", "/api/leads", None, None).await.status, 401);

        // "My money": the caller's live statement for this month, every line explained.
        let r = s
            .call("GET", "/api/me/statement", Some(&caller1), None)
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let lines: Vec<(String, String)> = r.body["parts"][0]["statement"]["lines"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| {
                (
                    l["component"].as_str().unwrap().to_string(),
                    l["amount"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        assert_eq!(
            lines,
            [
                ("base".to_string(), "30000.00".to_string()),
                ("accepted_leads".into(), "700.00".into()),
                ("converted".into(), "3000.00".into())
            ]
        );
        assert_eq!(r.body["total"], "33700.00");
        // Each line links to its records; the accepted lead is the handoff of this relay.
        let sources = r.body["parts"][0]["statement"]["lines"][1]["sources"].clone();
        assert_eq!(sources.as_array().map(|a| a.len()), Some(1), "{sources}");
        assert!(sources[0].as_str().unwrap().starts_with("handoffs/"));
        // What the next tier takes: 11 more accepted leads reach the 875 ₽ band, and are worth
        // 11 × 700 ₽ = 7 700 ₽.
        assert_eq!(r.body["thresholds"][0]["needed"], "11 more leads accepted");
        assert_eq!(r.body["thresholds"][0]["worth"], "7700.00");

        let period = r.body["period"].as_str().unwrap().to_string();
        // A plan with a mistake is refused with the line and column of each problem.
        let bad = "name = \"x\"\nrole = \"caller\"\neffective_from = \"2026-01-01\"\n[[component]]\nid = \"a\"\nkind = \"per_unit\"\nmetric = \"leads_acepted\"\nrate = \"700\"\n";
        let pc = s
            .call(
                "POST",
                "/api/plans/check",
                Some(&head),
                Some(serde_json::json!({ "text": bad })),
            )
            .await;
        assert_eq!((pc.status, pc.code()), (422, "invalid_plan"), "{}", pc.body);
        assert_eq!(
            pc.body["error"]["details"]["errors"][0]["line"], 7,
            "{}",
            pc.body
        );
        assert_eq!(pc.body["error"]["details"]["errors"][0]["column"], 10);
        assert_eq!(
            s.call(
                "GET",
                &format!("/api/payroll?period={period}"),
                Some(&caller1),
                None
            )
            .await
            .status,
            403
        );
        let r = s
            .call(
                "GET",
                &format!("/api/payroll?period={period}"),
                Some(&accountant),
                None,
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(
            r.body
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p["login"] == "sm2")
        );
    }
}

#[test]
fn two_accepts_at_the_same_moment_one_wins() {
    on_every_database(concurrent_accepts);
}

async fn concurrent_accepts(s: Server) {
    {
        let caller1 = s.login("caller1").await;
        let head = s.login("head").await;
        for round in 0..6 {
            let inn = baton_domain::Inn::legal_from_body(100_000_000 + round);
            let r = s
                .call(
                    "POST",
                    "/api/companies",
                    Some(&caller1),
                    Some(json!({"inn": inn.as_str(), "name": format!("Компания {round}")})),
                )
                .await;
            assert_eq!(r.status, 201, "{}", r.body);
            let company = r.body["company"]["id"].as_str().unwrap().to_string();
            let lead = s
                .call(
                    "POST",
                    "/api/leads",
                    Some(&caller1),
                    Some(json!({"company_id": company})),
                )
                .await
                .body["id"]
                .as_str()
                .unwrap()
                .to_string();
            let r = s
                .call(
                    "POST",
                    &format!("/api/leads/{lead}/handoff"),
                    Some(&caller1),
                    Some(json!({"checklist": complete_checklist()})),
                )
                .await;
            assert_eq!(r.status, 200, "{}", r.body);
            let receiver = r.body["handoff"]["receiver_id"]
                .as_str()
                .unwrap()
                .to_string();
            let login = common::PEOPLE
                .iter()
                .find(|p| s.id(p.0) == receiver)
                .unwrap()
                .0;
            // Two sessions of the receiver, plus the head reassigning at the same moment.
            let (t1, t2) = (s.login(login).await, s.login(login).await);
            let url = format!("/api/leads/{lead}/accept");
            let (a, b) = tokio::join!(
                s.call("POST", &url, Some(&t1), None),
                s.call("POST", &url, Some(&t2), None)
            );
            let mut statuses = [a.status, b.status];
            statuses.sort();
            assert_eq!(
                statuses,
                [200, 409],
                "round {round}: {} / {}",
                a.body,
                b.body
            );
            let r = s
                .call(
                    "GET",
                    &format!("/api/audit?entity=lead&entity_id={lead}"),
                    Some(&head),
                    None,
                )
                .await;
            let accepted = r.body["items"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|e| e["action"] == "lead.accepted")
                .count();
            assert_eq!(accepted, 1, "exactly one acceptance recorded");
        }
    }
}

#[test]
fn possible_duplicates_are_shown_confirmed_or_merged() {
    on_every_database(duplicates);
}

async fn duplicates(s: Server) {
    let caller1 = s.login("caller1").await;
    let caller2 = s.login("caller2").await;
    let r = s
        .call("POST", "/api/companies", Some(&caller1), Some(json!({"inn": "7707083893", "name": "ООО \"Ромашка\"", "contacts": [{"name": "Пётр", "phone": "+7 912 345-67-89"}]})))
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let first = r.body["company"]["id"].as_str().unwrap().to_string();
    // Same name in another form: shown as a possible duplicate, nothing created.
    let inn2 = baton_domain::Inn::legal_from_body(123_456_789);
    let r = s
        .call(
            "POST",
            "/api/companies",
            Some(&caller2),
            Some(json!({"inn": inn2.as_str(), "name": "Ромашка ООО"})),
        )
        .await;
    assert_eq!(
        (r.status, r.code()),
        (422, "possible_duplicate"),
        "{}",
        r.body
    );
    assert!(
        r.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("7707083893")
    );
    // Same phone under another name: also shown.
    let r = s
        .call("POST", "/api/companies", Some(&caller2), Some(json!({"inn": inn2.as_str(), "name": "Лютик", "contacts": [{"name": "Пётр", "phone": "89123456789"}]})))
        .await;
    assert_eq!(
        (r.status, r.code()),
        (422, "possible_duplicate"),
        "{}",
        r.body
    );
    assert!(
        r.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("phone +79123456789")
    );
    // The user confirms it is a different company.
    let r = s
        .call("POST", "/api/companies", Some(&caller2), Some(json!({"inn": inn2.as_str(), "name": "Ромашка ООО", "confirm_distinct": true, "contacts": [{"name": "Анна"}]})))
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let second = r.body["company"]["id"].as_str().unwrap().to_string();
    // Or merges it: caller2 cannot see the first company, the head can merge.
    let r = s
        .call(
            "POST",
            &format!("/api/companies/{second}/merge"),
            Some(&caller2),
            Some(json!({"into": first})),
        )
        .await;
    assert_eq!(r.status, 404, "{}", r.body);
    let head = s.login("head").await;
    let r = s
        .call(
            "POST",
            &format!("/api/companies/{second}/merge"),
            Some(&head),
            Some(json!({"into": first})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = s
        .call("GET", &format!("/api/companies/{first}"), Some(&head), None)
        .await;
    let names: Vec<&str> = r.body["contacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["Пётр", "Анна"],
        "contacts moved to the surviving company"
    );
    let r = s
        .call(
            "GET",
            &format!("/api/companies/{second}"),
            Some(&head),
            None,
        )
        .await;
    assert_eq!(
        r.body["company"]["status"], "merged",
        "the duplicate stays, marked"
    );
    let r = s
        .call(
            "POST",
            &format!("/api/companies/{second}/merge"),
            Some(&head),
            Some(json!({"into": first})),
        )
        .await;
    assert_eq!((r.status, r.code()), (422, "already_merged"));
}
