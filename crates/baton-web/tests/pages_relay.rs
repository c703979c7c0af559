//! The caller's and the sales manager's pages, as real users over HTTP, on every database:
//! call queue → warm outcome → checklist (refused, then complete) → inbox → rejection seen
//! on "my leads" → handoff again → acceptance → pipeline (gate refusal, move) → contract.

mod common;

use common::{Server, on_every_database};
use serde_json::json;

#[test]
fn caller_and_sales_manager_pages() {
    on_every_database(story);
}

struct Web<'a> {
    s: &'a Server,
    client: reqwest::Client,
}

struct Page {
    status: u16,
    location: String,
    body: String,
}

impl Web<'_> {
    async fn get(&self, token: &str, path: &str) -> Page {
        let r = self
            .client
            .get(format!("{}{}", self.s.base, path))
            .bearer_auth(token)
            .send()
            .await
            .expect("get");
        Self::page(r).await
    }
    async fn get_en(&self, token: &str, path: &str) -> Page {
        let r = self
            .client
            .get(format!("{}{}", self.s.base, path))
            .bearer_auth(token)
            .header("cookie", "baton_lang=en")
            .send()
            .await
            .expect("get");
        Self::page(r).await
    }
    async fn post(&self, token: &str, path: &str, form: &[(&str, &str)]) -> Page {
        let r = self
            .client
            .post(format!("{}{}", self.s.base, path))
            .bearer_auth(token)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(serde_urlencoded::to_string(form).expect("form"))
            .send()
            .await
            .expect("post");
        Self::page(r).await
    }
    async fn page(r: reqwest::Response) -> Page {
        let status = r.status().as_u16();
        let location = r
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        let body = r.text().await.unwrap_or_default();
        Page {
            status,
            location,
            body,
        }
    }
}

/// The element with `id="…"` up to the end of its section/article/form.
fn element<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id} in {html}"));
    let rest = &html[start..];
    let end = ["</section>", "</form>", "</article>"]
        .iter()
        .filter_map(|t| rest.find(t))
        .min()
        .unwrap_or(rest.len());
    &rest[..end]
}

fn decoded(location: &str) -> String {
    let q = location.split_once('?').map(|x| x.1).unwrap_or("");
    serde_urlencoded::from_str::<Vec<(String, String)>>(q)
        .expect("query")
        .into_iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

async fn story(s: Server) {
    let web = Web {
        s: &s,
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client"),
    };
    let caller1 = s.login("caller1").await;
    let sm1 = s.login("sm1").await;
    let cm1 = s.login("cm1").await;

    // Two companies on the caller's own call list.
    let r = s
        .call("POST", "/api/companies", Some(&caller1), Some(json!({
            "inn": "7707083893", "name": "ООО «Ромашка»",
            "contacts": [{"name": "Иванов Иван", "position": "директор", "is_dm": true, "phone": "8 (912) 345-67-89"}]
        })))
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let romashka = r.body["company"]["id"].as_str().expect("id").to_string();
    let r = s
        .call(
            "POST",
            "/api/companies",
            Some(&caller1),
            Some(json!({"inn": "7712345671", "name": "ООО «Василёк»"})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let vasilek = r.body["company"]["id"].as_str().expect("id").to_string();
    let r = s
        .call(
            "POST",
            "/api/call-lists",
            Some(&caller1),
            Some(json!({"name": "Ноябрь", "company_ids": [romashka, vasilek]})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let list = r.body["id"].as_str().expect("list id").to_string();

    // The queue: the next company up front, with its phone as a tel: link and the outcomes.
    let p = web.get(&caller1, "/calls").await;
    assert_eq!(p.status, 200, "{}", p.body);
    let next = element(&p.body, "next-company");
    assert!(next.contains("ООО «Ромашка»"), "{next}");
    assert!(next.contains("7707083893"), "{next}");
    assert!(next.contains("href=\"tel:+79123456789\""), "{next}");
    assert!(
        p.body
            .contains("id=\"outcome-dm_interested\" data-key=\"1\""),
        "{}",
        p.body
    );
    assert!(p.body.contains("ООО «Василёк»"), "the rest of the queue");
    // A person who does not call has no queue.
    assert_eq!(web.get(&cm1, "/calls").await.status, 403);
    // English is one cookie away.
    let en = web.get_en(&caller1, "/calls").await;
    assert!(en.body.contains("<h1>Call queue</h1>"), "{}", en.body);

    // A warm outcome logs the call, opens a lead and lands on the checklist.
    let p = web
        .post(
            &caller1,
            "/calls/log",
            &[
                ("company_id", &romashka),
                ("outcome", "dm_interested"),
                ("list", &list),
            ],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    assert!(
        p.location.starts_with("/leads/") && p.location.contains("/handoff?ok="),
        "{}",
        p.location
    );
    let lead = p.location["/leads/".len()..]
        .split('/')
        .next()
        .expect("lead id")
        .to_string();
    let r = s
        .call("GET", &format!("/api/leads/{lead}"), Some(&caller1), None)
        .await;
    assert_eq!(r.body["lead"]["stage"], "working", "{}", r.body);
    assert_eq!(r.body["lead"]["company_id"], romashka.as_str());

    // The next company shows; another outcome returns to the queue with a message.
    let p = web.get(&caller1, &format!("/calls?list={list}")).await;
    assert!(
        element(&p.body, "next-company").contains("ООО «Василёк»"),
        "{}",
        p.body
    );
    let p = web
        .post(
            &caller1,
            "/calls/log",
            &[
                ("company_id", &vasilek),
                ("outcome", "no_answer"),
                ("list", &list),
            ],
        )
        .await;
    assert_eq!(p.status, 303);
    assert_eq!(decoded(&p.location), "ok=Звонок записан: Не дозвонился");
    assert!(
        p.location.starts_with(&format!("/calls/list/{list}?ok=")),
        "{}",
        p.location
    );
    let p = web.get(&caller1, &format!("/calls/list/{list}")).await;
    assert!(p.body.contains("id=\"queue-empty\""), "{}", p.body);
    assert!(!p.body.contains("id=\"next-company\""));

    // The checklist form: one field per configured item.
    let hp = format!("/leads/{lead}/handoff");
    let p = web.get(&caller1, &hp).await;
    assert_eq!(p.status, 200, "{}", p.body);
    let form = element(&p.body, "handoff-form");
    for key in ["decision_maker", "need", "budget", "timing", "next_step"] {
        assert!(
            form.contains(&format!("id=\"item-{key}\" name=\"{key}\"")),
            "{key}: {form}"
        );
    }
    assert!(form.contains("id=\"handoff-submit\""));

    // A missing item: refused, everything typed kept, the missing ones marked.
    let typed = [
        ("decision_maker", "Иванов И. И., директор, +7 912 345-67-89"),
        ("need", "«Хотим рекламу к открытию» <срочно>"),
        ("budget", "50–80 тыс. ₽"),
        ("timing", "  "),
        ("next_step", "встреча 3 декабря 11:00"),
    ];
    let p = web.post(&caller1, &hp, &typed).await;
    assert_eq!(p.status, 422, "{}", p.body);
    assert!(p.body.contains("class=\"error\""), "{}", p.body);
    assert!(
        p.body.contains("Покупка в течение 90 дней"),
        "names the item"
    );
    assert!(
        p.body
            .contains("class=\"field missing\" id=\"wrap-timing\""),
        "{}",
        p.body
    );
    assert!(p.body.contains("class=\"field\" id=\"wrap-need\""));
    assert!(
        p.body
            .contains("Иванов И. И., директор, +7 912 345-67-89</textarea>")
    );
    assert!(
        p.body
            .contains("«Хотим рекламу к открытию» &lt;срочно&gt;</textarea>"),
        "{}",
        p.body
    );
    assert!(p.body.contains("встреча 3 декабря 11:00</textarea>"));

    // Complete: handed by the rule; the card says who received it and why.
    let mut complete = typed.to_vec();
    complete[3] = ("timing", "в этом месяце");
    let p = web.post(&caller1, &hp, &complete).await;
    assert_eq!(p.status, 303, "{}", p.body);
    assert_eq!(
        decoded(&p.location),
        "ok=Лид передан: sm1 Тестовый",
        "{}",
        p.location
    );
    assert!(p.location.starts_with(&format!("/leads/{lead}?")));
    let p = web.get(&caller1, &format!("/leads/{lead}")).await;
    assert_eq!(p.status, 200, "{}", p.body);
    let result = element(&p.body, "handoff-result");
    assert!(
        result.contains("<b class=\"receiver\">sm1 Тестовый</b>"),
        "{result}"
    );
    assert!(result.contains("по очереди"), "{result}");
    assert!(p.body.contains(&format!("href=\"/companies/{romashka}\"")));

    // The sales manager's inbox: the lead with its countdown, the caller and the answers.
    let p = web.get(&sm1, "/inbox").await;
    assert_eq!(p.status, 200, "{}", p.body);
    let card = element(&p.body, &format!("lead-{lead}"));
    assert!(card.contains("ООО «Ромашка»"), "{card}");
    assert!(card.contains("caller1 Тестовый"), "{card}");
    assert!(
        card.contains("class=\"countdown\" data-deadline=\""),
        "{card}"
    );
    assert!(card.contains("data-late=\"просрочено\""));
    assert!(card.contains("в этом месяце"), "{card}");
    assert!(p.body.contains(&format!("id=\"accept-{lead}\"")));
    assert!(
        p.body
            .contains(&format!("id=\"reason-{lead}\" name=\"reason\""))
    );
    assert!(p.body.contains(&format!("id=\"reject-{lead}\"")));
    // The caller has no inbox.
    assert_eq!(web.get(&caller1, "/inbox").await.status, 403);

    // Rejection with a reason: the caller sees it on "my leads".
    let p = web
        .post(
            &sm1,
            &format!("/leads/{lead}/reject"),
            &[("reason", "no_need"), ("text", "им нужен только лизинг")],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    assert!(p.location.starts_with("/inbox?ok="), "{}", p.location);
    let p = web.get(&sm1, "/inbox").await;
    assert!(p.body.contains("id=\"inbox-empty\""), "{}", p.body);
    let p = web.get(&caller1, "/leads/mine").await;
    assert_eq!(p.status, 200, "{}", p.body);
    assert!(
        p.body.contains("Нет потребности: им нужен только лизинг"),
        "{}",
        p.body
    );
    assert!(p.body.contains(">Отклонён<"), "{}", p.body);
    // The stage filter.
    let p = web.get(&caller1, "/leads/mine?stage=won").await;
    assert!(!p.body.contains("ООО «Ромашка»</a>"), "{}", p.body);

    // Handed again (the answers were kept): the next in turn receives it and accepts.
    let p = web.post(&caller1, &hp, &[]).await;
    assert_eq!(p.status, 303, "{}", p.body);
    assert_eq!(decoded(&p.location), "ok=Лид передан: sm2 Тестовый");
    let sm2 = s.login("sm2").await;
    let card = web.get(&sm2, &format!("/leads/{lead}")).await;
    assert!(
        element(&card.body, "lead-decide").contains(&format!("id=\"accept-{lead}\"")),
        "the receiver decides on the card too: {}",
        card.body
    );
    let p = web.get(&sm2, "/inbox").await;
    assert!(
        p.body.contains(&format!("id=\"accept-{lead}\"")),
        "{}",
        p.body
    );
    let p = web.post(&sm2, &format!("/leads/{lead}/accept"), &[]).await;
    assert_eq!(p.status, 303, "{}", p.body);
    assert_eq!(
        decoded(&p.location),
        "ok=Лид принят: «ООО «Ромашка»». Он в ваших сделках."
    );
    let p = web.get(&caller1, "/leads/mine").await;
    assert!(p.body.contains(">Принят<"), "{}", p.body);

    // The board: the deal in the accepted column, draggable onto the others.
    let p = web.get(&sm2, "/pipeline").await;
    assert_eq!(p.status, 200, "{}", p.body);
    let col = element(&p.body, "board");
    let accepted = col
        .split("data-stage=\"accepted\"")
        .nth(1)
        .expect("accepted column");
    assert!(
        accepted
            .split("data-stage=\"meeting\"")
            .next()
            .unwrap_or("")
            .contains(&format!(
                "draggable=\"true\" data-move=\"/leads/{lead}/move\""
            )),
        "{col}"
    );
    // The card says the next step agreed in the checklist; a head sees the region's board,
    // read-only, with a filter by person.
    assert!(
        accepted.contains("Дальше: встреча 3 декабря 11:00"),
        "{accepted}"
    );
    let head = s.login("head").await;
    let p = web.get(&head, "/pipeline").await;
    assert_eq!(p.status, 200, "{}", p.body);
    assert!(p.body.contains("id=\"board-person\""), "{}", p.body);
    assert!(
        p.body.contains(&format!("id=\"deal-{lead}\"")),
        "{}",
        p.body
    );
    assert!(
        !p.body
            .contains(&format!("data-move=\"/leads/{lead}/move\"")),
        "{}",
        p.body
    );
    // A stage gate refuses with the explanation, back on the board.
    let p = web
        .post(
            &sm2,
            &format!("/leads/{lead}/move"),
            &[("stage", "contract"), ("back", "/pipeline")],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    let back = web.get(&sm2, &p.location).await;
    assert!(
        back.body
            .contains("воспользуйтесь действием «Подписать договор»"),
        "{}",
        back.body
    );
    assert!(back.body.contains("class=\"error\""));
    // The keyboard list moves it.
    let p = web.get(&sm2, "/pipeline?view=list").await;
    assert!(
        p.body.contains(&format!("id=\"move-{lead}\"")),
        "{}",
        p.body
    );
    let p = web
        .post(
            &sm2,
            &format!("/leads/{lead}/move"),
            &[("stage", "meeting"), ("back", "/pipeline?view=list")],
        )
        .await;
    assert_eq!(
        decoded(&p.location),
        "view=list&ok=Сделка перенесена: Встреча"
    );
    // The caller may not move a deal.
    let p = web
        .post(
            &caller1,
            &format!("/leads/{lead}/move"),
            &[("stage", "proposal")],
        )
        .await;
    assert!(p.location.contains("err="), "{}", p.location);

    // The first contract: a bad amount keeps what was typed; a good one lands on the company.
    let card = web.get(&sm2, &format!("/leads/{lead}")).await;
    assert!(card.body.contains("id=\"contract-form\""), "{}", card.body);
    assert!(
        !web.get(&caller1, &format!("/leads/{lead}"))
            .await
            .body
            .contains("id=\"contract-form\"")
    );
    let p = web
        .post(
            &sm2,
            &format!("/leads/{lead}/contract"),
            &[
                ("number", "Д-77"),
                ("signed_on", "2026-11-20"),
                ("amount", "сто тысяч"),
            ],
        )
        .await;
    assert_eq!(p.status, 422, "{}", p.body);
    assert!(p.body.contains("value=\"Д-77\""));
    assert!(p.body.contains("value=\"сто тысяч\""));
    assert!(p.body.contains("value=\"2026-11-20\""));
    assert!(
        p.body
            .contains("<div class=\"field missing\"><label for=\"contract-amount\""),
        "{}",
        p.body
    );
    let p = web
        .post(
            &sm2,
            &format!("/leads/{lead}/contract"),
            &[
                ("number", "Д-77"),
                ("signed_on", "2026-11-20"),
                ("amount", "1 234 567,89"),
            ],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    assert!(
        p.location.starts_with(&format!("/companies/{romashka}?")),
        "{}",
        p.location
    );
    assert_eq!(
        decoded(&p.location),
        "ok=Договор № Д-77 подписан на 1\u{a0}234\u{a0}567,89\u{a0}₽"
    );
    let p = web.get(&caller1, "/leads/mine").await;
    assert!(p.body.contains(">Договор подписан<"), "{}", p.body);
    let p = web.get(&sm2, "/pipeline").await;
    let contract_col = p
        .body
        .split("data-stage=\"contract\"")
        .nth(1)
        .expect("contract column");
    assert!(
        contract_col.contains("1\u{a0}234\u{a0}567,89\u{a0}₽"),
        "{}",
        p.body
    );
}
