//! `baton import-bank`: a statement whose payer is unknown is listed as unmatched with the
//! reason in words and exits 0; a bad file exits non-zero naming the line and the key.

use std::path::PathBuf;
use std::process::Command;

fn tmp() -> PathBuf {
    let d = std::env::temp_dir().join(format!("baton-cli-bank-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("dir");
    d
}

fn baton(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_baton"))
        .args(args)
        .env_remove("BATON_AS")
        .env("BATON_PASSWORD", "secret12")
        .output()
        .expect("baton runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

const STATEMENT: &str = "1CClientBankExchange\r\nКодировка=Windows\r\nРасчСчет=40702810900000000001\r\nСекцияДокумент=Платежное поручение\r\nНомер=123\r\nДата=05.11.2026\r\nСумма=15000.00\r\nПлательщикСчет=40702810100000000002\r\nПлательщикИНН=7707083893\r\nПлательщик1=ООО \"Ромашка\"\r\nПолучательСчет=40702810900000000001\r\nНазначениеПлатежа=Оплата по счету № 45\r\nКонецДокумента\r\nКонецФайла\r\n";

#[test]
fn unmatched_payments_are_listed_and_a_bad_file_is_refused() {
    let dir = tmp();
    let db = format!("sqlite://{}", dir.join("baton.db").display());
    assert_eq!(baton(&["migrate", "--db", &db]).0, 0);
    let add = [
        "user", "add", "--login", "boss", "--name", "Boss", "--role", "admin",
    ];
    assert_eq!(baton(&[&add[..], &["--db", &db]].concat()).0, 0);
    let good = dir.join("good.txt");
    std::fs::write(&good, STATEMENT).expect("write");
    let g = good.display().to_string();
    let (code, out, err) = baton(&[
        "import-bank",
        &g,
        "--as",
        "boss",
        "--lang",
        "en",
        "--db",
        &db,
    ]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("Unmatched (1):"), "{out}");
    assert!(out.contains("no company has ИНН 7707083893"), "{out}");
    assert!(out.contains("Totals: matched 0 (0,00\u{a0}₽)"), "{out}");

    let bad = dir.join("bad.txt");
    std::fs::write(&bad, STATEMENT.replace("15000.00", "15 000,00")).expect("write");
    let b = bad.display().to_string();
    let (code, _, err) = baton(&["import-bank", &b, "--as", "boss", "--db", &db]);
    assert_ne!(code, 0);
    assert!(
        // Russian, the CLI's default: the line, the key and what to write.
        err.contains(
            "Строка 7: Сумма «15 000,00» — это не сумма (рубли с точкой, например 15000.00)."
        ),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
