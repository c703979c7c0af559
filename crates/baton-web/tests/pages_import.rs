//! «Импорт из CRM» on the web (issue 17 §6): an admin uploads amoCRM's exports, reads the
//! check (nothing written), then imports the same upload without sending it again; a caller
//! is refused; a multipart form without the session's CSRF token is refused.

mod common;

use baton_store::Filter;
use baton_store::records::{Company, LeadRow};
use common::{Server, csrf_of, no_redirects, on_every_database};

fn sample(name: &str) -> Vec<u8> {
    let path = format!("{}/../../tests/data/crm/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

const BOUNDARY: &str = "----baton-test-boundary-7c1f";

/// A multipart/form-data body as a browser writes it: text fields, then files.
fn multipart(fields: &[(&str, &str)], files: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut out = Vec::new();
    for (k, v) in fields {
        out.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    for (name, bytes) in files {
        out.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\nContent-Type: text/csv\r\n\r\n"
            )
            .as_bytes(),
        );
        out.extend_from_slice(bytes);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    out
}

async fn post(s: &Server, cookie: &str, body: Vec<u8>) -> (u16, String) {
    let r = no_redirects()
        .post(format!("{}/settings/import", s.base))
        .header("origin", &s.base)
        .header("cookie", cookie)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(body)
        .send()
        .await
        .expect("post");
    (r.status().as_u16(), r.text().await.unwrap_or_default())
}

async fn get(s: &Server, cookie: &str) -> (u16, String) {
    let r = no_redirects()
        .get(format!("{}/settings/import", s.base))
        .header("cookie", cookie)
        .send()
        .await
        .expect("get");
    (r.status().as_u16(), r.text().await.unwrap_or_default())
}

/// Rows of a table, read off the runtime (the PostgreSQL client blocks).
async fn count<R: baton_store::Record + Send + 'static>(s: &Server) -> usize {
    let db = s.app.db.clone();
    tokio::task::spawn_blocking(move || {
        db.read(|tx| tx.list::<R>(&Filter::new()))
            .expect("list")
            .len()
    })
    .await
    .expect("count")
}

const MAPPING: &str = "[users]\n\"Анна Смирнова\" = \"sm1\"\n\"Иван Петров\" = \"sm2\"\n";

#[test]
fn an_admin_checks_then_imports_an_amocrm_export() {
    on_every_database(|s| async move {
        let admin = s.browser_login("admin").await;
        let (status, page) = get(&s, &admin).await;
        assert_eq!(status, 200);
        assert!(page.contains("id=\"import-form\""), "{page}");
        assert!(page.contains("enctype=\"multipart/form-data\""));

        let csrf = csrf_of(&admin);
        let files = || {
            vec![
                ("amocrm_contacts.csv", sample("amocrm_contacts.csv")),
                ("amocrm_leads_full.csv", sample("amocrm_leads_full.csv")),
            ]
        };
        // The check: the counts worked out in baton-app's tests/crm_import.rs, nothing written.
        let body = multipart(
            &[
                ("csrf", &csrf),
                ("preset", "amocrm"),
                ("region", "msk"),
                ("mapping", MAPPING),
                ("action", "check"),
            ],
            &files(),
        );
        let (status, page) = post(&s, &admin, body).await;
        assert_eq!(status, 200, "{page}");
        assert!(page.contains("id=\"import-dry\""), "{page}");
        assert!(page.contains("id=\"n-companies\">3<"), "{page}");
        assert!(page.contains("id=\"n-contacts\">5<"));
        assert!(page.contains("id=\"n-deals\">4<"));
        let won = baton_domain::Money::from_rubles(120_000).to_human();
        assert!(page.contains(&format!("id=\"n-won\">1 · {won}<")), "{page}");
        assert_eq!(count::<Company>(&s).await, 0, "a check writes nothing");
        let token = page
            .split("name=\"upload\" value=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .expect("the upload is kept for the import")
            .to_string();

        // The import: the same upload, not sent again.
        let body = multipart(
            &[
                ("csrf", &csrf),
                ("upload", &token),
                ("preset", "amocrm"),
                ("region", "msk"),
                ("mapping", MAPPING),
                ("action", "import"),
            ],
            &[],
        );
        let (status, page) = post(&s, &admin, body).await;
        assert_eq!(status, 200, "{page}");
        assert!(page.contains("id=\"import-done\""), "{page}");
        assert_eq!(count::<Company>(&s).await, 3);
        assert_eq!(count::<LeadRow>(&s).await, 4);

        // Someone else cannot use the admin's upload.
        let director_less = s.browser_login("head").await;
        let body = multipart(
            &[
                ("csrf", &csrf_of(&director_less)),
                ("upload", &token),
                ("action", "import"),
            ],
            &[],
        );
        let (status, _) = post(&s, &director_less, body).await;
        assert_eq!(status, 403, "a head has no right to import");

        // Without the session's token the upload is refused before it is read.
        let body = multipart(&[("preset", "amocrm"), ("action", "check")], &files());
        let (status, _) = post(&s, &admin, body).await;
        assert_eq!(status, 403);

        // Problems are listed with the file, line and column, in Russian.
        let body = multipart(
            &[
                ("csrf", &csrf),
                ("preset", "amocrm"),
                ("region", "msk"),
                ("mapping", MAPPING),
                ("action", "import"),
            ],
            &[(
                "amocrm_with_mistakes.csv",
                sample("amocrm_with_mistakes.csv"),
            )],
        );
        let (status, page) = post(&s, &admin, body).await;
        assert_eq!(status, 200);
        assert!(page.contains("id=\"import-stopped\""), "{page}");
        assert!(page.contains("Дата создания (E)"), "{page}");
        assert!(page.contains("это не дата"), "{page}");
        assert_eq!(count::<LeadRow>(&s).await, 4, "nothing more was written");

        // A PBX's call log through the same form: numbers and extensions nobody has listed.
        let tel = std::fs::read(format!(
            "{}/../../tests/data/telephony/mango_stats.csv",
            env!("CARGO_MANIFEST_DIR")
        ))
        .expect("mango");
        let body = multipart(
            &[
                ("csrf", &csrf),
                ("preset", "mango"),
                ("mapping", "[users]\n\"101\" = \"caller1\"\n"),
                ("action", "check"),
            ],
            &[("mango_stats.csv", tel)],
        );
        let (status, page) = post(&s, &admin, body).await;
        assert_eq!(status, 200, "{page}");
        assert!(page.contains("calls-report"), "{page}");
        assert!(page.contains("+7 999 000-00-00"), "{page}");
        assert!(page.contains("<td>109</td>"), "{page}");
    });
}

#[test]
fn a_caller_sees_no_import() {
    on_every_database(|s| async move {
        let caller = s.browser_login("caller1").await;
        let (status, _) = get(&s, &caller).await;
        assert_eq!(status, 403);
        let body = multipart(
            &[("csrf", &csrf_of(&caller)), ("action", "check")],
            &[("a.csv", sample("amocrm_contacts.csv"))],
        );
        let (status, _) = post(&s, &caller, body).await;
        assert_eq!(status, 403);
        assert_eq!(count::<Company>(&s).await, 0);
    });
}
