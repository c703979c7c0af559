//! Every refusal reads as Russian: each `AppError` variant and real refusals of the use cases,
//! rendered with the catalog. A few are compared with hand-written sentences; all are checked
//! to carry no English words beyond the data they were given.

mod common;

use baton_app::AppError;
use baton_app::conveyor::companies::NewCompany;
use baton_app::conveyor::leads::{HandOffRequest, NewLead};
use baton_app::error::ImportProblem;
use baton_catalog::{Lang, Text};
use baton_domain::RuleError;
use baton_domain::inn::InnError;
use baton_store::StoreError;
use common::{World, at};

/// The words of `s` made of four or more ASCII letters that are not in `allowed`.
fn english_words(s: &str, allowed: &[&str]) -> Vec<String> {
    s.split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| w.len() >= 4)
        .filter(|w| !allowed.iter().any(|a| a.contains(w)))
        .map(str::to_string)
        .collect()
}

fn russian(e: &AppError, allowed: &[&str]) -> String {
    let t = e.text();
    assert_ne!(t.id, "err-untranslated", "{e:?}");
    let ru = t.render(Lang::Ru);
    assert!(
        !ru.contains("err-"),
        "a message id is not in the catalog: {ru}"
    );
    let words = english_words(&ru, allowed);
    assert!(words.is_empty(), "English in «{ru}»: {words:?}");
    ru
}

#[test]
fn every_variant_reads_as_russian() {
    let rule = |r: RuleError| AppError::Rule(r);
    let cases: Vec<(AppError, &[&str])> = vec![
        (AppError::Unauthenticated, &[]),
        (AppError::BadCredentials, &[]),
        (
            AppError::Forbidden(
                Text::new("err-forbidden").text("action", Text::new("act-approve-period")),
            ),
            &[],
        ),
        (AppError::not_found("company", "c-1"), &[]),
        (
            AppError::invalid("inn", InnError::Checksum("7707083894".into()).text()),
            &[],
        ),
        (
            rule(RuleError::ChecklistIncomplete {
                missing: vec!["budget".into(), "timing".into()],
            }),
            &["budget", "timing"],
        ),
        (
            rule(RuleError::BriefIncomplete {
                missing: vec!["contacts".into()],
            }),
            &["contacts"],
        ),
        (
            rule(RuleError::WrongStage {
                stage: "won".into(),
                action: "hand_off".into(),
            }),
            &[],
        ),
        (
            rule(RuleError::WrongStage {
                stage: "prospect".into(),
                action: "kickoff".into(),
            }),
            &[],
        ),
        (
            rule(RuleError::NotYours {
                who: Text::new("who-lead-seller"),
            }),
            &[],
        ),
        (
            rule(RuleError::NoReceiver {
                why: Text::new("err-receiver-at-limit")
                    .arg("name", "Иванов")
                    .num("limit", 30),
            }),
            &[],
        ),
        (
            rule(RuleError::UnknownReason("weather".into())),
            &["weather"],
        ),
        (rule(RuleError::ReasonTextRequired), &[]),
        (
            rule(RuleError::Claimed {
                holder_id: "e1".into(),
                holder_name: "Петров".into(),
                until: "2026-12-31".into(),
            }),
            &[],
        ),
        (rule(RuleError::AttributionFixed), &[]),
        (
            rule(RuleError::Invalid(Text::new("err-deal-won-by-payment"))),
            &[],
        ),
        (
            AppError::DuplicateCompany {
                inn: "7707083893".into(),
                company_id: "c1".into(),
                name: "ООО «Ромашка»".into(),
                owner: "Петров".into(),
                owner_id: None,
            },
            &[],
        ),
        (
            StoreError::Conflict {
                entity: "leads".into(),
                id: "l1".into(),
            }
            .into(),
            &[],
        ),
        (
            AppError::NoLongerYours(Text::new("err-no-longer-yours-now").term(
                "status",
                "handoff",
                "reassigned",
            )),
            &[],
        ),
        (
            AppError::State(Text::new("err-approve-in-order").arg("prev", "2026-09")),
            &[],
        ),
        (
            AppError::Import(vec![ImportProblem::new(
                "companies.csv",
                3,
                "inn",
                InnError::Checksum("7707083894".into()).text(),
            )]),
            &["companies", "inn"],
        ),
        (AppError::InvalidPlan(Vec::new()), &[]),
        (AppError::Store(StoreError::Decode("bad".into())), &[]),
    ];
    for (e, allowed) in &cases {
        russian(e, allowed);
    }
    let ru = |e: &AppError| e.text().render(Lang::Ru);
    assert_eq!(ru(&cases[0].0), "Сначала войдите в систему.");
    assert_eq!(
        ru(&cases[2].0),
        "У вашей роли нет права утверждать расчёт зарплаты."
    );
    assert_eq!(
        ru(&cases[13].0),
        "С этой компанией уже работает Петров — до 31.12.2026."
    );
    assert_eq!(
        ru(&cases[20].0),
        "В загрузке 1 ошибочная строка, ничего не записано: companies.csv, строка 3, \
         столбец «inn»: В ИНН «7707083894» не сходится контрольная цифра — скорее всего, \
         опечатка. Сверьте номер с документами."
    );
}

#[test]
fn english_stays_as_the_logs_know_it() {
    let e = AppError::invalid("inn", InnError::Checksum("7707083894".into()).text());
    assert_eq!(
        e.to_string(),
        InnError::Checksum("7707083894".into()).to_string()
    );
    let f = AppError::Forbidden(
        Text::new("err-forbidden").text("action", Text::new("act-approve-period")),
    );
    assert_eq!(f.to_string(), "your role may not approve payroll");
    // The web crate's own English actions still read «your role may not …».
    let w = AppError::Forbidden("see the staff list".into());
    assert_eq!(w.to_string(), "your role may not see the staff list");
}

#[test]
fn real_refusals_read_as_russian() {
    let w = World::new("2026-11-27T12:00:00Z", 7);
    let caller = w.person("anna", "caller");
    w.person("boris", "sales_manager");
    let app = &w.app;

    let company = |inn: &str, name: &str| NewCompany {
        inn: inn.into(),
        name: name.into(),
        region_id: Some(w.region.clone()),
        ..Default::default()
    };
    let bad_inn = app
        .create_company(&caller, company("7707083894", "ООО «Ромашка»"))
        .expect_err("wrong check digit");
    assert_eq!(bad_inn.code(), "invalid_inn");
    assert_eq!(
        russian(&bad_inn, &[]),
        "В ИНН «7707083894» не сходится контрольная цифра — скорее всего, опечатка. \
         Сверьте номер с документами."
    );

    let blank = app
        .create_company(&caller, company("7707083893", "   "))
        .expect_err("blank name");
    assert_eq!(blank.field(), Some("name"));
    assert_eq!(
        russian(&blank, &[]),
        "«название»: не заполнено — впишите значение"
    );

    let refused = app
        .approve_period(Some(&caller), "2026-10")
        .expect_err("a caller does not approve");
    assert_eq!(
        russian(&refused, &[]),
        "У вашей роли нет права утверждать расчёт зарплаты."
    );

    let early = app
        .calculate_period(None, "2026-11")
        .expect_err("November has not ended");
    russian(&early, &[]);

    let wrong = app
        .login("anna", "not-it", "session")
        .expect_err("wrong password");
    assert_eq!(russian(&wrong, &[]), "Неверный логин или пароль.");

    let session = app.login("anna", "secret1", "session").expect("login");
    let short = app
        .change_password(&caller, "secret1", "abc", &session.token)
        .expect_err("too short");
    assert_eq!(
        russian(&short, &[]),
        "Пароль должен быть не короче 6 символов."
    );

    // A lead handed over with its checklist empty: the missing keys are data.
    at(&w.clock, "2026-11-30");
    let c = app
        .create_company(&caller, company("7707083893", "ООО «Ромашка»"))
        .expect("company");
    let lead = app
        .open_lead(
            &caller,
            NewLead {
                company_id: c.company.id.clone(),
                ..Default::default()
            },
        )
        .expect("lead");
    let incomplete = app
        .hand_off(&caller, &lead.id, HandOffRequest::default())
        .expect_err("checklist empty");
    let keys = ["decision_maker", "need", "budget", "timing", "next_step"];
    let ru = russian(&incomplete, &keys);
    assert!(
        ru.starts_with("Чек-лист тёплого лида заполнен не полностью"),
        "{ru}"
    );

    let again = app
        .open_lead(
            &caller,
            NewLead {
                company_id: c.company.id.clone(),
                ..Default::default()
            },
        )
        .expect_err("one open lead per company");
    assert_eq!(
        russian(&again, &[]),
        "По компании «ООО «Ромашка»» уже есть открытый лид — работайте с ним."
    );
}
