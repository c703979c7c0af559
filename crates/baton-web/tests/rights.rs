//! Every role against every endpoint: unauthenticated calls are refused, nothing answers 500,
//! and for each record-addressed endpoint a conveyor role is refused (403 or 404) on someone
//! else's record and not hidden (never 404) from its own.

mod common;

use common::{PEOPLE, Server, complete_checklist, on_every_database};
use serde_json::{Value, json};

/// A body with every field any endpoint needs, so that refusals come from rights and state,
/// not from a missing field.
fn body(id: &str) -> Value {
    json!({
        "into": id,
        "reason": "no_budget", "text": "x", "stage": "meeting", "amount": "1000", "checklist": complete_checklist(),
        "brief": {"sold": "a", "contacts": "b", "pains": "c"}, "name": "Иванов", "company_ids": [], "receiver_id": "nobody",
        "note": "n", "role": "caller", "valid_from": "2026-01-01", "from": "2026-01-01", "to": "2026-01-02", "kind": "vacation",
        "phone": "+79120000000", "number": null, "lines": []
    })
}

fn fill(path: &str, id: &str) -> String {
    path.replace("{id}", id)
}

#[test]
fn every_role_against_every_endpoint() {
    on_every_database(walk);
}

async fn walk(s: Server) {
    let t = |login: &'static str| {
        let s = &s;
        async move { s.login(login).await }
    };
    let caller1 = t("caller1").await;
    let caller2 = t("caller2").await;
    let sm1 = t("sm1").await;
    let sm2 = t("sm2").await;
    let cm1 = t("cm1").await;

    // Records: caller1's company and lead (handed to sm1, round-robin first); caller2's
    // company and lead (handed to sm2); a client of cm1 won through sm1.
    let mk = |inn: u32, tok: String| {
        let s = &s;
        async move {
            let inn = baton_domain::Inn::legal_from_body(inn);
            let r = s
                .call(
                    "POST",
                    "/api/companies",
                    Some(&tok),
                    Some(json!({"inn": inn.as_str(), "name": format!("Фирма {inn}")})),
                )
                .await;
            assert_eq!(r.status, 201, "{}", r.body);
            let c = r.body["company"]["id"].as_str().unwrap().to_string();
            let l = s
                .call(
                    "POST",
                    "/api/leads",
                    Some(&tok),
                    Some(json!({"company_id": c})),
                )
                .await
                .body["id"]
                .as_str()
                .unwrap()
                .to_string();
            let r = s
                .call(
                    "POST",
                    &format!("/api/leads/{l}/handoff"),
                    Some(&tok),
                    Some(json!({"checklist": complete_checklist()})),
                )
                .await;
            assert_eq!(r.status, 200, "{}", r.body);
            (
                c,
                l,
                r.body["handoff"]["receiver_id"]
                    .as_str()
                    .unwrap()
                    .to_string(),
            )
        }
    };
    let (ca, la, ra) = mk(11, caller1.clone()).await;
    let (cb, lb, rb) = mk(12, caller2.clone()).await;
    assert_eq!((ra, rb), (s.id("sm1"), s.id("sm2")));
    let (cw, lw, _) = mk(13, caller1.clone()).await;
    // lw went to um1 (round-robin third); win it through um1 and have head move it to cm1.
    let um1 = t("um1").await;
    let head = t("head").await;
    assert_eq!(
        s.call("POST", &format!("/api/leads/{lw}/accept"), Some(&um1), None)
            .await
            .status,
        200
    );
    let c = s
        .call(
            "POST",
            &format!("/api/leads/{lw}/contract"),
            Some(&um1),
            Some(json!({"amount": "5000"})),
        )
        .await;
    let inv = s
        .call(
            "POST",
            "/api/invoices",
            Some(&um1),
            Some(json!({"company_id": cw, "contract_id": c.body["id"], "amount": "5000"})),
        )
        .await;
    assert_eq!(
        s.call(
            "POST",
            "/api/payments",
            Some(&um1),
            Some(json!({"invoice_id": inv.body["id"], "amount": "5000"}))
        )
        .await
        .status,
        201
    );
    let r = s
        .call(
            "POST",
            &format!("/api/companies/{cw}/handover"),
            Some(&head),
            Some(json!({"brief": {"sold": "a", "contacts": "b", "pains": "c"}})),
        )
        .await;
    assert_eq!(
        (r.status, r.code()),
        (422, "already_handed_over"),
        "a universal manager keeps the client: {}",
        r.body
    );
    let r = s
        .call(
            "POST",
            &format!("/api/companies/{cw}/claim"),
            Some(&head),
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let cl1 = s
        .call(
            "POST",
            "/api/call-lists",
            Some(&caller1),
            Some(json!({"name": "мой", "company_ids": [ca]})),
        )
        .await
        .body["id"]
        .as_str()
        .unwrap()
        .to_string();
    let cl2 = s
        .call(
            "POST",
            "/api/call-lists",
            Some(&caller2),
            Some(json!({"name": "мой", "company_ids": [cb]})),
        )
        .await
        .body["id"]
        .as_str()
        .unwrap()
        .to_string();

    let routes = baton_web::routes();

    // Unauthenticated: every non-public endpoint answers 401.
    for (doc, _) in &routes {
        if doc.public {
            continue;
        }
        let r = s
            .call(
                doc.method.as_str(),
                &fill(doc.path, "x"),
                None,
                Some(body("x")),
            )
            .await;
        assert_eq!(
            r.status, 401,
            "{} {} without a login: {}",
            doc.method, doc.path, r.body
        );
    }

    // Every role on every endpoint: never a 500.
    for (login, _, _) in PEOPLE {
        let tok = s.login(login).await;
        for (doc, _) in &routes {
            if doc.path == "/api/auth/logout" {
                continue;
            }
            let r = s
                .call(
                    doc.method.as_str(),
                    &fill(doc.path, &ca),
                    Some(&tok),
                    Some(body("x")),
                )
                .await;
            assert!(
                r.status < 500,
                "{login}: {} {} → {} {}",
                doc.method,
                doc.path,
                r.status,
                r.body
            );
        }
    }

    // Own and someone else's record, for the conveyor roles.
    // (login, token, own ids by resource, others' ids by resource)
    type Records = Vec<(&'static str, String)>;
    let cases: Vec<(&str, &String, Records, Records)> = vec![
        (
            "caller1",
            &caller1,
            vec![
                ("companies", ca.clone()),
                ("leads", la.clone()),
                ("call-lists", cl1.clone()),
            ],
            vec![
                ("companies", cb.clone()),
                ("leads", lb.clone()),
                ("call-lists", cl2.clone()),
            ],
        ),
        (
            "sm1",
            &sm1,
            vec![("leads", la.clone()), ("companies", ca.clone())],
            vec![("leads", lb.clone()), ("companies", cb.clone())],
        ),
        (
            "sm2",
            &sm2,
            vec![("leads", lb.clone()), ("companies", cb.clone())],
            vec![("leads", la.clone()), ("companies", ca.clone())],
        ),
        (
            "cm1",
            &cm1,
            vec![],
            vec![
                ("leads", la.clone()),
                ("companies", ca.clone()),
                ("call-lists", cl1.clone()),
            ],
        ),
    ];
    let mut checked = 0;
    for (login, tok, own, others) in &cases {
        for (doc, _) in &routes {
            let Some(rest) = doc.path.strip_prefix("/api/") else {
                continue;
            };
            let resource = rest.split('/').next().unwrap_or("");
            if !doc.path.contains("{id}") {
                continue;
            }
            for (res, id) in others {
                if *res != resource {
                    continue;
                }
                let r = s
                    .call(
                        doc.method.as_str(),
                        &fill(doc.path, id),
                        Some(tok),
                        Some(body(id)),
                    )
                    .await;
                // Claiming works on the pool, so it may see a company it cannot read; it is
                // refused with the holder's name, as the duplicate rule does.
                let claim_refused = doc.path.ends_with("/claim") && r.code() == "company_claimed";
                assert!(
                    matches!(r.status, 403 | 404) || claim_refused,
                    "{login} on someone else's {res}: {} {} → {} {}",
                    doc.method,
                    doc.path,
                    r.status,
                    r.body
                );
                checked += 1;
            }
            for (res, id) in own {
                if *res != resource {
                    continue;
                }
                let r = s
                    .call(
                        doc.method.as_str(),
                        &fill(doc.path, id),
                        Some(tok),
                        Some(body(id)),
                    )
                    .await;
                assert!(
                    r.status != 404 && r.status < 500,
                    "{login} on own {res}: {} {} → {} {}",
                    doc.method,
                    doc.path,
                    r.status,
                    r.body
                );
                checked += 1;
            }
        }
    }
    assert!(
        checked > 40,
        "walked {checked} role × endpoint × record cases"
    );
}
