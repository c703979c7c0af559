//! The three channels over their real protocols (issue 18 §4–5): a webhook receiver (an HTTP
//! server in this test), a real SMTP server (Python's aiosmtpd, which `.ci/run` installs; it
//! decodes each message with Python's own `email` package) and a local HTTP server answering
//! as Telegram's Bot API does. A caller hands «Ромашка» to s1, who linked Telegram by sending
//! the bot `/start <code>` and asked for every channel: one signed POST reaches the receiver,
//! one e-mail and one Telegram message reach s1. A receiver answering 500 is tried again.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use baton_app::conveyor::people::NewEmployee;
use baton_app::notify::{Channel, NotifyPrefs};
use baton_app::webhooks::NewWebhook;
use baton_app::{App, PasswordCost};
use baton_delivery::{Senders, round};
use baton_store::scratch::ScratchDb;
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Clone, Default)]
struct Seen {
    hooks: Arc<Mutex<Vec<(HeaderMap, String)>>>,
    failing: Arc<Mutex<u32>>,
    sent: Arc<Mutex<Vec<Value>>>,
    updates: Arc<Mutex<Vec<Value>>>,
}

async fn hook(State(s): State<Seen>, headers: HeaderMap, body: String) -> StatusCode {
    s.hooks.lock().unwrap().push((headers, body));
    let mut f = s.failing.lock().unwrap();
    if *f > 0 {
        *f -= 1;
        StatusCode::INTERNAL_SERVER_ERROR
    } else {
        StatusCode::OK
    }
}

async fn send_message(State(s): State<Seen>, Json(body): Json<Value>) -> Json<Value> {
    s.sent.lock().unwrap().push(body);
    Json(json!({"ok": true, "result": {"message_id": 1}}))
}

async fn get_updates(State(s): State<Seen>) -> Json<Value> {
    let u = std::mem::take(&mut *s.updates.lock().unwrap());
    Json(json!({"ok": true, "result": u}))
}

/// An SMTP server printing one JSON line per message: to, subject, body (decoded by Python).
const SMTP: &str = r#"
import asyncio, json, sys, email
from email import policy
from aiosmtpd.controller import Controller
class H:
    async def handle_DATA(self, server, session, envelope):
        m = email.message_from_bytes(envelope.content, policy=policy.default)
        print(json.dumps({"to": envelope.rcpt_tos, "from": envelope.mail_from, "subject": str(m["subject"]), "body": m.get_body().get_content()}), flush=True)
        return "250 OK"
c = Controller(H(), hostname="127.0.0.1", port=int(sys.argv[1]))
c.start()
print("ready", flush=True)
asyncio.get_event_loop().run_forever()
"#;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn aiosmtpd_present() -> bool {
    Command::new("python3")
        .args(["-c", "import aiosmtpd"])
        .status()
        .is_ok_and(|s| s.success())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhook_email_and_telegram_over_their_protocols() {
    if !aiosmtpd_present() {
        assert!(
            std::env::var("BATON_REQUIRE_SMTP").is_err(),
            "BATON_REQUIRE_SMTP is set but Python's aiosmtpd is missing (pip install aiosmtpd)"
        );
        eprintln!("skipped: Python's aiosmtpd is not installed");
        return;
    }
    let smtp_port = free_port();
    let mut smtp = Command::new("python3")
        .args(["-c", SMTP, &smtp_port.to_string()])
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    let mut smtp_out = BufReader::new(smtp.stdout.take().expect("stdout"));
    let mut line = String::new();
    smtp_out.read_line(&mut line).expect("aiosmtpd starts");
    assert_eq!(line.trim(), "ready");

    let seen = Seen::default();
    let router = axum::Router::new()
        .route("/hook", post(hook))
        .route("/botTEST-TOKEN/sendMessage", post(send_message))
        .route("/botTEST-TOKEN/getUpdates", post(get_updates))
        .with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });

    let scratch = ScratchDb::sqlite().expect("sqlite");
    let mut app = App::with(
        scratch.db.clone(),
        Arc::new(baton_app::clock::SystemClock),
        Arc::new(baton_app::clock::RandomIds),
    );
    app.password_cost = PasswordCost::Fast;
    let boss = app
        .create_employee(None, employee("boss", "admin", None))
        .unwrap();
    let boss = app.actor(&boss.id).unwrap();
    let region = app.create_region(&boss, "msk", "Москва").unwrap().id;
    let person = |login: &str, role: &str| {
        let e = app
            .create_employee(Some(&boss), employee(login, role, Some(region.clone())))
            .unwrap();
        app.actor(&e.id).unwrap()
    };
    let (c1, s1) = (person("c1", "caller"), person("s1", "sales_manager"));

    let created = app
        .add_webhook(
            &boss,
            NewWebhook {
                url: format!("{base}/hook"),
                events: vec!["lead.handed".into()],
            },
            true,
        )
        .unwrap();
    let mut senders = Senders::new(
        Some(&format!("smtp://127.0.0.1:{smtp_port}")),
        Some("Baton <baton@example.ru>"),
        Some("TEST-TOKEN"),
        Some(&base),
    )
    .unwrap();
    senders.policy.first = chrono::Duration::zero();

    // s1 links Telegram: the bot receives `/start <code>` from chat 4242.
    let code = app.telegram_code(&s1).unwrap();
    seen.updates.lock().unwrap().push(json!({"update_id": 10,
        "message": {"message_id": 5, "chat": {"id": 4242, "type": "private"}, "text": format!("/start {code}")}}));
    let (messages, next) = senders.telegram_updates(0).await.expect("getUpdates");
    assert_eq!(next, 11);
    assert_eq!(app.telegram_messages(&messages).unwrap().len(), 1);
    app.set_my_prefs(
        &s1,
        NotifyPrefs {
            email: Some("s1@example.ru".into()),
            channels: [(
                "lead.handed".to_string(),
                vec![Channel::App, Channel::Email, Channel::Telegram],
            )]
            .into(),
            ..Default::default()
        },
        false,
    )
    .unwrap();

    // The receiver fails the first attempt.
    *seen.failing.lock().unwrap() = 1;
    let company = app
        .create_company(
            &c1,
            baton_app::conveyor::companies::NewCompany {
                inn: "7707083893".into(),
                name: "Ромашка".into(),
                ..Default::default()
            },
        )
        .unwrap()
        .company
        .id;
    let lead = app
        .open_lead(
            &c1,
            baton_app::conveyor::leads::NewLead {
                company_id: company,
                ..Default::default()
            },
        )
        .unwrap()
        .id;
    let checklist = ["decision_maker", "need", "budget", "timing", "next_step"]
        .iter()
        .map(|k| (k.to_string(), "да".to_string()))
        .collect();
    app.hand_off(
        &c1,
        &lead,
        baton_app::conveyor::leads::HandOffRequest {
            checklist,
            receiver_id: Some(s1.id.clone()),
            override_reason: None,
        },
    )
    .unwrap();
    assert_eq!(
        round(&app, &senders, true).await.unwrap(),
        3,
        "webhook, e-mail, Telegram"
    );
    // The failed webhook attempt is due again at once (the policy's first wait is zero here).
    assert_eq!(round(&app, &senders, false).await.unwrap(), 1);
    assert_eq!(round(&app, &senders, false).await.unwrap(), 0);

    // The webhook: two attempts of one event, signed as docs/webhooks.md says.
    let hooks = seen.hooks.lock().unwrap().clone();
    assert_eq!(hooks.len(), 2);
    let (headers, body) = &hooks[1];
    let h = |k: &str| {
        headers
            .get(k)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    let event: Value = serde_json::from_str(body).unwrap();
    assert_eq!(event["type"], "lead.handed");
    assert_eq!(h("baton-event-id"), event["id"].as_str().unwrap());
    assert_eq!(h("baton-event-type"), "lead.handed");
    assert_eq!(h("baton-attempt"), "2");
    assert_eq!(hooks[0].1, *body, "the same body on each attempt");
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(created.secret.as_bytes()).unwrap();
    mac.update(format!("{}.{}", h("baton-timestamp"), body).as_bytes());
    assert_eq!(
        h("baton-signature"),
        format!("v1={}", hex::encode(mac.finalize().into_bytes()))
    );
    let t: i64 = h("baton-timestamp").parse().unwrap();
    assert!((chrono::Utc::now().timestamp() - t).abs() < 60);
    docs_verify(&created.secret, headers, body);

    // The e-mail, decoded by Python.
    let mut line = String::new();
    let started = Instant::now();
    while line.is_empty() && started.elapsed() < Duration::from_secs(10) {
        smtp_out.read_line(&mut line).expect("a message");
    }
    let mail: Value = serde_json::from_str(&line).expect("json");
    assert_eq!(mail["to"], json!(["s1@example.ru"]));
    assert_eq!(mail["from"], "baton@example.ru");
    assert_eq!(mail["subject"], "Новый тёплый лид");
    assert!(
        mail["body"]
            .as_str()
            .unwrap()
            .starts_with("Вам передан тёплый лид: Ромашка."),
        "{mail}"
    );

    // The Telegram message.
    let sent = seen.sent.lock().unwrap().clone();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0]["chat_id"], 4242);
    let text = sent[0]["text"].as_str().unwrap();
    assert!(
        text.starts_with("Новый тёплый лид\nВам передан тёплый лид: Ромашка."),
        "{text}"
    );

    // The log: everything delivered, with the receivers' codes.
    let log = app
        .deliveries(&boss, None, None, baton_app::Paging::default())
        .unwrap();
    let mut codes: Vec<(String, String, Option<i64>, i64)> = log
        .items
        .iter()
        .map(|d| {
            (
                d.delivery.channel.clone(),
                d.delivery.status.clone(),
                d.delivery.last_code,
                d.delivery.attempts,
            )
        })
        .collect();
    codes.sort();
    assert_eq!(
        codes,
        vec![
            ("email".into(), "delivered".into(), Some(250), 1),
            ("telegram".into(), "delivered".into(), Some(200), 1),
            ("webhook".into(), "delivered".into(), Some(200), 2),
        ]
    );
    let _ = smtp.kill();
    let _ = smtp.wait();
}

/// The verification code docs/webhooks.md gives integrators, run as written on this delivery:
/// Python always, JavaScript where Node.js is installed. A wrong secret must fail.
fn docs_verify(secret: &str, headers: &HeaderMap, body: &str) {
    let docs = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/webhooks.md"
    ))
    .expect("docs/webhooks.md");
    let block = |lang: &str| -> String {
        let start = docs.find(&format!("```{lang}\n")).expect("a code block") + lang.len() + 4;
        let end = start + docs[start..].find("\n```").expect("its end");
        docs[start..end].to_string()
    };
    let dir = std::env::temp_dir().join(format!("baton-docs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let hs: serde_json::Map<String, Value> = headers
        .iter()
        .map(|(k, v)| (k.as_str().to_string(), json!(v.to_str().unwrap_or(""))))
        .collect();
    std::fs::write(dir.join("headers.json"), Value::Object(hs).to_string()).unwrap();
    std::fs::write(dir.join("body"), body).unwrap();
    let py = format!(
        "{}\nimport json, sys\nclass CI(dict):\n    def __getitem__(self, k):\n        return next(v for n, v in self.items() if n.lower() == k.lower())\nh = CI(json.load(open(sys.argv[1])))\nb = open(sys.argv[2], 'rb').read()\nprint(verify(sys.argv[3], h, b), verify(sys.argv[3] + 'x', h, b))\n",
        block("python")
    );
    let run = |cmd: &str, code: &str, ext: &str| -> Option<String> {
        let file = dir.join(format!("verify.{ext}"));
        std::fs::write(&file, code).unwrap();
        let out = Command::new(cmd)
            .arg(&file)
            .arg(dir.join("headers.json"))
            .arg(dir.join("body"))
            .arg(secret)
            .output()
            .ok()?;
        assert!(
            out.status.success(),
            "{cmd}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Some(String::from_utf8_lossy(&out.stdout).trim().to_lowercase())
    };
    assert_eq!(
        run("python3", &py, "py").as_deref(),
        Some("true false"),
        "the Python check"
    );
    let js = format!(
        "{}\nconst fs = require('fs');\nconst h = JSON.parse(fs.readFileSync(process.argv[2]));\nconst req = {{ body: fs.readFileSync(process.argv[3]), get: (n) => h[n.toLowerCase()] }};\nconsole.log(verify(process.argv[4], req), verify(process.argv[4] + 'x', req));\n",
        block("js")
    );
    if Command::new("node").arg("--version").output().is_ok() {
        assert_eq!(
            run("node", &js, "js").as_deref(),
            Some("true false"),
            "the JavaScript check"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

fn employee(login: &str, role: &str, region_id: Option<String>) -> NewEmployee {
    NewEmployee {
        login: login.into(),
        name: login.into(),
        password: "secret1".into(),
        region_id,
        role: role.into(),
        valid_from: Some("2020-01-01".into()),
        open_lead_limit: None,
    }
}
