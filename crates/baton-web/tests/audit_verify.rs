//! `GET /api/audit/verify`: directors and admins only; 200 with the verdict, which names the
//! first broken event once the trail is edited in the database.

mod common;

use common::{Server, on_every_database};

#[test]
fn only_directors_and_admins_verify_and_an_edit_is_named() {
    on_every_database(story);
}

async fn story(s: Server) {
    for login in ["head", "sm1", "accountant", "caller1"] {
        let tok = s.login(login).await;
        let r = s.call("GET", "/api/audit/verify", Some(&tok), None).await;
        assert_eq!(r.status, 403, "{login}: {}", r.body);
        assert_eq!(r.code(), "forbidden", "{login}: {}", r.body);
        assert!(r.body["error"]["message"].is_string(), "{}", r.body);
    }
    let r = s.call("GET", "/api/audit/verify", None, None).await;
    assert_eq!(r.status, 401, "{}", r.body);

    // Setting the company up wrote one event per person and role, and the regions.
    let app = s.app.clone();
    let (count, third) = tokio::task::spawn_blocking(move || {
        app.db.read(|tx| {
            let n = tx
                .query_one("SELECT CAST(COUNT(*) AS BIGINT) FROM audit_events", &[])?
                .map_or(0, |r| r.int(0));
            let id = tx
                .query_one("SELECT id FROM audit_events WHERE seq = 3", &[])?
                .map(|r| r.text(0));
            Ok::<_, baton_store::StoreError>((n, id))
        })
    })
    .await
    .unwrap()
    .unwrap();
    let third = third.expect("a third event");
    for login in ["director", "admin"] {
        let tok = s.login(login).await;
        let r = s.call("GET", "/api/audit/verify", Some(&tok), None).await;
        assert_eq!(r.status, 200, "{login}: {}", r.body);
        assert_eq!(r.body["ok"], true, "{}", r.body);
        assert_eq!(r.body["events"], count, "{}", r.body);
        assert!(r.body["first_broken"].is_null(), "{}", r.body);
    }

    let app = s.app.clone();
    let edit = format!("UPDATE audit_events SET entity_id = 'other' WHERE id = '{third}'");
    tokio::task::spawn_blocking(move || app.db.execute_batch(&edit))
        .await
        .unwrap()
        .unwrap();
    let tok = s.login("director").await;
    let r = s.call("GET", "/api/audit/verify", Some(&tok), None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["ok"], false, "{}", r.body);
    assert_eq!(r.body["first_broken"]["id"], third.as_str(), "{}", r.body);
    assert_eq!(r.body["first_broken"]["seq"], 3, "{}", r.body);
    assert_eq!(r.body["first_broken"]["reason"], "edited", "{}", r.body);
}
