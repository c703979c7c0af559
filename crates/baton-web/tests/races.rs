//! The loser of a concurrent change gets 409 with a code that says what happened, never 404:
//! a receiver accepting or rejecting a warm lead while the head reassigns it.

mod common;

use common::{Server, complete_checklist, on_every_database};
use serde_json::json;

#[test]
fn the_loser_of_a_race_is_told_409() {
    on_every_database(walk);
}

/// A fresh warm lead handed over by caller1; returns (lead id, receiver login).
async fn warm_lead(s: &Server, caller: &str, n: u32) -> (String, String) {
    let inn = baton_domain::Inn::legal_from_body(500 + n);
    let r = s
        .call(
            "POST",
            "/api/companies",
            Some(caller),
            Some(json!({"inn": inn.as_str(), "name": format!("Гонка {n}")})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let c = r.body["company"]["id"]
        .as_str()
        .expect("company")
        .to_string();
    let r = s
        .call(
            "POST",
            "/api/leads",
            Some(caller),
            Some(json!({"company_id": c})),
        )
        .await;
    let l = r.body["id"].as_str().expect("lead").to_string();
    let r = s
        .call(
            "POST",
            &format!("/api/leads/{l}/handoff"),
            Some(caller),
            Some(json!({"checklist": complete_checklist()})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let receiver = r.body["handoff"]["receiver_id"].as_str().expect("receiver");
    let login = s
        .ids
        .iter()
        .find(|(_, id)| id.as_str() == receiver)
        .map(|(l, _)| l.clone())
        .expect("receiver login");
    (l, login)
}

async fn walk(s: Server) {
    let caller = s.login("caller1").await;
    let head = s.login("head").await;

    // Sequential: the head reassigned first, then the old receiver accepts.
    let (lead, receiver) = warm_lead(&s, &caller, 0).await;
    let other = if receiver == "sm2" { "sm1" } else { "sm2" };
    let r = s
        .call(
            "POST",
            &format!("/api/leads/{lead}/reassign"),
            Some(&head),
            Some(json!({"receiver_id": s.id(other)})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let tok = s.login(&receiver).await;
    let r = s
        .call(
            "POST",
            &format!("/api/leads/{lead}/accept"),
            Some(&tok),
            None,
        )
        .await;
    assert_eq!((r.status, r.code()), (409, "no_longer_yours"), "{}", r.body);
    // Someone who never held it still gets 404: its existence does not leak.
    let stranger = s.login("sm_spb").await;
    let r = s
        .call(
            "POST",
            &format!("/api/leads/{lead}/accept"),
            Some(&stranger),
            None,
        )
        .await;
    assert_eq!(r.status, 404, "{}", r.body);

    // Concurrent: accept or reject against reassign, many times; one wins, the other is 409.
    for n in 1..=12u32 {
        let (lead, receiver) = warm_lead(&s, &caller, n).await;
        let other = if receiver == "sm2" { "sm1" } else { "sm2" };
        let tok = s.login(&receiver).await;
        let (accept, reject, move_on) = (
            format!("/api/leads/{lead}/accept"),
            format!("/api/leads/{lead}/reject"),
            format!("/api/leads/{lead}/reassign"),
        );
        let decide = if n % 2 == 0 {
            s.call("POST", &accept, Some(&tok), None)
        } else {
            s.call(
                "POST",
                &reject,
                Some(&tok),
                Some(json!({"reason": "no_budget"})),
            )
        };
        let reassign = s.call(
            "POST",
            &move_on,
            Some(&head),
            Some(json!({"receiver_id": s.id(other)})),
        );
        let (a, b) = tokio::join!(decide, reassign);
        let statuses = (a.status, b.status);
        assert!(
            matches!(statuses, (200, 409) | (409, 200)),
            "round {n}: decide {} {} / reassign {} {}",
            a.status,
            a.body,
            b.status,
            b.body
        );
        let loser = if a.status == 409 { &a } else { &b };
        assert!(
            matches!(
                loser.code(),
                "no_longer_yours" | "wrong_stage" | "conflict" | "wrong_state"
            ),
            "round {n}: the loser's code: {}",
            loser.body
        );
    }
}
