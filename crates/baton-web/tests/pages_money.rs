//! The company card, money entry, handoff 2 and the client manager's pages, through HTTP as
//! real users: invoice 100 000,00 ₽, a refused bad amount, a partial payment of 40 000,00 ₽
//! (outstanding 60 000,00 ₽), handover, portfolio, overdue and the CSV export.

mod common;

use common::{Server, complete_checklist, on_every_database};
use serde_json::json;

#[test]
fn money_on_the_card_and_the_client_managers_pages() {
    on_every_database(story);
}

const NB: &str = "\u{a0}";

async fn post_form(
    s: &Server,
    token: &str,
    path: &str,
    kv: &[(&str, &str)],
) -> (u16, String, String) {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let r = client
        .post(format!("{}{}", s.base, path))
        .bearer_auth(token)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(serde_urlencoded::to_string(kv).expect("form"))
        .send()
        .await
        .expect("post");
    let status = r.status().as_u16();
    let location = r
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .unwrap_or_default()
        .to_string();
    (status, location, r.text().await.unwrap_or_default())
}

async fn get(s: &Server, token: &str, path: &str) -> (u16, String) {
    let r = s
        .client
        .get(format!("{}{}", s.base, path))
        .bearer_auth(token)
        .send()
        .await
        .expect("get");
    (r.status().as_u16(), r.text().await.unwrap_or_default())
}

fn decoded(location: &str) -> String {
    let q = location.split_once('?').map_or("", |(_, q)| q);
    serde_urlencoded::from_str::<Vec<(String, String)>>(q)
        .unwrap_or_default()
        .into_iter()
        .map(|(_, v)| v)
        .collect::<Vec<_>>()
        .join(" ")
}

async fn story(s: Server) {
    let caller1 = s.login("caller1").await;
    let sm1 = s.login("sm1").await;
    let cm1 = s.login("cm1").await;
    let caller2 = s.login("caller2").await;

    // A warm lead through the API up to a signed contract with sm1.
    let r = s
        .call(
            "POST",
            "/api/companies",
            Some(&caller1),
            Some(json!({"inn": "7707083893", "name": "ООО «Ромашка»",
                "contacts": [{"name": "Пётр Иванов", "phone": "+7 912 345-67-89", "is_dm": true}]})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let company = r.body["company"]["id"].as_str().expect("id").to_string();
    let r = s
        .call(
            "POST",
            "/api/leads",
            Some(&caller1),
            Some(json!({"company_id": company})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let lead = r.body["id"].as_str().expect("lead").to_string();
    let r = s
        .call(
            "POST",
            &format!("/api/leads/{lead}/handoff"),
            Some(&caller1),
            Some(json!({"checklist": complete_checklist()})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["handoff"]["receiver_id"], s.id("sm1"));
    let r = s
        .call(
            "POST",
            &format!("/api/leads/{lead}/accept"),
            Some(&sm1),
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = s
        .call(
            "POST",
            &format!("/api/leads/{lead}/move"),
            Some(&sm1),
            Some(json!({"stage": "meeting"})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = s
        .call(
            "POST",
            &format!("/api/leads/{lead}/contract"),
            Some(&sm1),
            Some(json!({"amount": "100 000,00"})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);

    // The invoice from the card: due 45 days ago (so overdue, bucket 31–60).
    let today = chrono::Utc::now().date_naive();
    let due = (today - chrono::Duration::days(45)).to_string();
    let issued = (today - chrono::Duration::days(55)).to_string();
    let card = format!("/companies/{company}");
    let (st, loc, body) = post_form(
        &s,
        &sm1,
        &format!("{card}/invoices"),
        &[
            ("amount", "100 000,00"),
            ("issued_on", &issued),
            ("due_on", &due),
        ],
    )
    .await;
    assert_eq!(st, 303, "{body}");
    assert!(
        decoded(&loc).contains(&format!("100{NB}000,00{NB}₽")),
        "{loc}"
    );

    let (st, html) = get(&s, &sm1, &card).await;
    assert_eq!(st, 200);
    assert!(html.contains("id=\"payment-form\""), "{html}");
    let invoice = html
        .split("id=\"payment-invoice\"")
        .nth(1)
        .expect("the payment select")
        .split("<option value=\"")
        .skip(1)
        .find(|o| o.contains(&format!("100{NB}000,00{NB}₽")))
        .and_then(|o| o.split('"').next())
        .expect("the open invoice in the payment select")
        .to_string();

    // A bad amount is refused with the message, and what was typed stays.
    let (st, _, html) = post_form(
        &s,
        &sm1,
        &format!("{card}/payments"),
        &[("invoice_id", &invoice), ("amount", "сорок тысяч")],
    )
    .await;
    assert_eq!(st, 422, "{html}");
    assert!(html.contains("— не сумма денег"), "{html}");
    assert!(html.contains("value=\"сорок тысяч\""), "{html}");
    assert!(html.contains("class=\"missing\""), "{html}");

    // A partial payment wins the client (first payment) and leaves 60 000,00 ₽ outstanding.
    let (st, loc, body) = post_form(
        &s,
        &sm1,
        &format!("{card}/payments"),
        &[("invoice_id", &invoice), ("amount", "40 000,00")],
    )
    .await;
    assert_eq!(st, 303, "{body}");
    let note = decoded(&loc);
    assert!(note.contains("первая оплата: клиент выигран"), "{note}");
    let (_, html) = get(&s, &sm1, &card).await;
    assert!(html.contains(&format!("60{NB}000,00{NB}₽")), "{html}");
    assert!(
        html.contains(&format!("id=\"company-paid\">40{NB}000,00{NB}₽")),
        "{html}"
    );
    assert!(html.contains("id=\"handover-form\""), "{html}");

    // Someone who may not see the company gets the 403 page for its invoice.
    let (st, _) = get(&s, &caller2, &format!("/records/invoices/{invoice}")).await;
    assert_eq!(st, 403);
    let (st, html) = get(&s, &sm1, &format!("/records/invoices/{invoice}")).await;
    assert_eq!(st, 200);
    assert!(
        html.contains(&format!("id=\"record-outstanding\">60{NB}000,00{NB}₽")),
        "{html}"
    );

    // Handoff 2 with an incomplete brief is refused, keeping the typed text; then done.
    let (st, _, html) = post_form(
        &s,
        &sm1,
        &format!("{card}/handover"),
        &[("brief.sold", "полоса 1/1")],
    )
    .await;
    assert_eq!(st, 422, "{html}");
    assert!(html.contains("полоса 1/1"), "{html}");
    let (st, loc, body) = post_form(
        &s,
        &sm1,
        &format!("{card}/handover"),
        &[
            ("brief.sold", "полоса 1/1"),
            ("brief.contacts", "Пётр Иванов"),
            ("brief.pains", "мало клиентов"),
            ("client_manager_id", ""),
        ],
    )
    .await;
    assert_eq!(st, 303, "{body}");
    assert!(decoded(&loc).contains("cm1 Тестовый"), "{loc}");

    // The client manager's portfolio lists the company with its receivables in 31–60.
    let (st, html) = get(&s, &cm1, "/portfolio").await;
    assert_eq!(st, 200, "{html}");
    assert!(html.contains("ООО «Ромашка»"), "{html}");
    assert!(
        html.contains(&format!("id=\"portfolio-outstanding\">60{NB}000,00{NB}₽")),
        "{html}"
    );

    // Overdue: the invoice, 45 days, bucket 31–60, the contact's phone.
    let (st, html) = get(&s, &cm1, "/overdue").await;
    assert_eq!(st, 200, "{html}");
    let row = html
        .split("<tr>")
        .find(|r| r.contains("ООО «Ромашка»"))
        .expect("the overdue row");
    assert!(row.contains("31–60"), "{row}");
    assert!(row.contains(&format!("60{NB}000,00{NB}₽")), "{row}");
    assert!(row.contains("tel:"), "{row}");
    assert!(
        row.contains(">45<") || row.contains(">44<") || row.contains(">46<"),
        "{row}"
    );
    // A reminder logged inline returns to the list.
    let (st, loc, _) = post_form(
        &s,
        &cm1,
        &format!("{card}/activities"),
        &[
            ("kind", "note"),
            ("note", "Напомнил об оплате"),
            ("back", "/overdue"),
        ],
    )
    .await;
    assert_eq!(st, 303);
    assert!(loc.starts_with("/overdue?ok="), "{loc}");

    // CSV of /companies: BOM, then the header.
    let (st, csv) = get(&s, &sm1, "/companies?format=csv").await;
    assert_eq!(st, 200);
    assert!(
        csv.starts_with(
            "\u{feff}Компания;ИНН;Регион;Статус;Клиентский менеджер;Последняя оплата;Создана\n"
        ),
        "{csv}"
    );
    assert!(csv.contains("ООО «Ромашка»;7707083893;"), "{csv}");
}
