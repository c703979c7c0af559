//! The rights table walked as a test. Every case's expected answer is computed from
//! `baton_app::rights::TABLE`, never written by hand:
//!
//! 1. every role × every API endpoint that asks an action: a role without the action is refused
//!    (403, or 404 where the record is hidden first), a role with it is never refused for its
//!    role ("your role may not …");
//! 2. every role × every people endpoint × a person who is the actor, a colleague in the region
//!    and a person of another region: allowed exactly when the table's reach covers the person;
//! 3. every role × company endpoints × a company that is the actor's own, a colleague's in the
//!    region and another region's: allowed exactly when the reach covers it.
//!
//! The number of cases walked is printed and recorded in `docs/security.md`.

mod common;

use baton_app::conveyor::people::NewEmployee;
use baton_app::rights::{Action, Reach, TABLE};
use baton_domain::Role;
use common::{PASSWORD, Server, complete_checklist, on_every_database};
use serde_json::{Value, json};

/// The action each endpoint asks; `None`: any signed-in person, the records narrowed by scope.
fn action_of(method: &str, path: &str) -> Option<Option<Action>> {
    use Action::*;
    Some(match (method, path) {
        ("GET", "/api/health" | "/api/openapi.json" | "/api/me" | "/api/me/statement") => None,
        ("GET", "/api/me/alerts" | "/api/me/day" | "/api/tasks") => None,
        ("POST", "/api/tasks" | "/api/tasks/{id}/close" | "/api/invoices/{id}/promise") => {
            Some(ManageTasks)
        }
        ("POST", "/api/auth/login" | "/api/auth/logout") => None,
        ("GET", "/api/payroll" | "/api/payroll/register" | "/api/periods") => Some(ReadPayroll),
        ("POST", "/api/periods/{id}/calculate") => Some(CalculatePeriod),
        ("POST", "/api/periods/{id}/approve") => Some(ApprovePeriod),
        ("POST", "/api/periods/{id}/pay") => Some(PayPeriod),
        ("GET", "/api/plans" | "/api/plans/{id}") => Some(ReadPlans),
        ("POST", "/api/plans") => Some(EditPlans),
        ("POST", "/api/plans/check") => None,
        ("GET", "/api/config" | "/api/regions" | "/api/products" | "/api/alerts/rules") => None,
        ("PUT", "/api/config") => Some(EditConfig),
        ("POST", "/api/regions") => Some(ManageRegions),
        ("GET", "/api/employees") => None,
        ("GET", "/api/employees/{id}") => Some(ReadPeople),
        ("POST", "/api/employees" | "/api/employees/{id}/roles") => Some(ManagePeople),
        ("POST", "/api/employees/{id}/absences") => Some(RecordAbsence),
        ("PUT", "/api/employees/{id}/personnel-number") => Some(CalculatePeriod),
        ("GET", "/api/payroll/accrual-types") => None,
        ("PUT", "/api/payroll/accrual-types") => Some(CalculatePeriod),
        ("GET", "/api/targets") => Some(ReadTargets),
        ("POST", "/api/targets" | "/api/targets/copy") => Some(SetTargets),
        ("POST", "/api/products") => Some(ManageProducts),
        ("GET", "/api/companies" | "/api/companies/{id}") => None,
        ("POST", "/api/companies") => Some(CreateCompany),
        ("POST", "/api/companies/{id}/contacts") => Some(EditContacts),
        ("POST", "/api/companies/{id}/merge") => None,
        ("POST", "/api/companies/{id}/claim") => None,
        ("POST", "/api/companies/{id}/handover") => Some(Handover),
        ("POST", "/api/clients/reassign" | "/api/clients/reassign/preview") => Some(MoveClients),
        // The split asks both «manage people» and «move clients» (the same roles hold them).
        ("POST", "/api/split" | "/api/split/preview") => Some(MoveClients),
        ("GET", "/api/split/preset") => Some(ManagePeople),
        ("GET", "/api/department/changes") => Some(ReadReports),
        ("GET", "/api/search") => None,
        ("GET", "/api/call-lists" | "/api/call-lists/{id}/queue") => None,
        ("POST", "/api/call-lists" | "/api/call-lists/{id}/items") => Some(ManageCallLists),
        ("POST", "/api/calls" | "/api/activities") => Some(LogCall),
        ("GET", "/api/activities") => Some(ReadActivities),
        ("GET", "/api/leads" | "/api/leads/{id}") => None,
        ("POST", "/api/leads") => Some(OpenLead),
        ("PUT", "/api/leads/{id}/checklist") => None,
        ("POST", "/api/leads/{id}/handoff") => Some(HandOff),
        ("POST", "/api/leads/{id}/accept" | "/api/leads/{id}/reject") => Some(DecideLead),
        ("POST", "/api/leads/{id}/reassign") => Some(ReassignLead),
        ("POST", "/api/leads/{id}/move") => Some(WorkDeal),
        ("POST", "/api/leads/{id}/lose") => Some(LoseLead),
        ("POST", "/api/leads/{id}/contract") => Some(WorkDeal),
        ("GET", "/api/handoffs" | "/api/handoffs/overdue") => None,
        ("POST", "/api/handoffs/{id}/kickoff") => Some(Kickoff),
        ("GET", "/api/contracts" | "/api/orders" | "/api/invoices" | "/api/payments") => None,
        ("POST", "/api/orders") => Some(Order),
        ("POST", "/api/invoices") => Some(Invoice),
        ("POST", "/api/payments") => Some(Payment),
        ("POST", "/api/refunds") => Some(Refund),
        ("GET", "/api/audit") => Some(ReadAudit),
        ("GET", "/api/audit/verify") => Some(VerifyAudit),
        ("GET", p) if p.starts_with("/api/reports/") && p != "/api/reports/costs" => {
            Some(ReadReports)
        }
        ("GET", "/api/reports/costs") => Some(ReadReports),
        ("POST", "/api/costs") => Some(ManageCosts),
        ("GET", "/api/alerts" | "/api/alerts/log") => Some(ReadReports),
        ("POST", "/api/alerts/ack") => Some(AckAlerts),
        ("PUT", "/api/alerts/rules") => Some(SetAlertRules),
        ("POST", "/api/simulate/replay") => Some(Replay),
        ("POST", "/api/simulate/structure") | ("GET", "/api/simulate/structure/params") => {
            Some(Simulate)
        }
        ("POST", "/api/me/password") => None,
        ("GET" | "POST", "/api/webhooks")
        | ("DELETE", "/api/webhooks/{id}")
        | ("POST", "/api/webhooks/{id}/enable" | "/api/webhooks/{id}/disable")
        | ("GET", "/api/deliveries")
        | ("POST", "/api/deliveries/{id}/redeliver") => Some(ManageWebhooks),
        ("GET", "/api/me/notifications" | "/api/me/notification-settings")
        | ("POST", "/api/me/notifications/read" | "/api/me/telegram-code")
        | ("PUT", "/api/me/notification-settings") => Some(ReadNotifications),
        _ => return None,
    })
}

fn reach(role: Role, action: Action) -> Option<Reach> {
    let col = Role::ALL.iter().position(|r| *r == role).expect("role");
    TABLE
        .iter()
        .find(|(a, _)| *a == action)
        .and_then(|(_, row)| row[col])
}

/// Written here apart from the library's `covers`: own = the actor, region = same region.
fn expect_covers(
    r: Option<Reach>,
    actor: &str,
    actor_region: &str,
    owner: &str,
    owner_region: &str,
) -> bool {
    match r {
        None => false,
        Some(Reach::All) => true,
        Some(Reach::Region) => {
            actor == owner || (!actor_region.is_empty() && actor_region == owner_region)
        }
        Some(Reach::Own) => actor == owner,
    }
}

/// One login per role, with its region code.
const ACTORS: [(&str, Role, &str); 8] = [
    ("caller1", Role::Caller, "msk"),
    ("sm1", Role::SalesManager, "msk"),
    ("cm1", Role::ClientManager, "msk"),
    ("um1", Role::UniversalManager, "msk"),
    ("head", Role::Head, "msk"),
    ("director", Role::Director, ""),
    ("accountant", Role::Accountant, ""),
    ("admin", Role::Admin, ""),
];

/// A body with every field the endpoints need, so refusals come from rights, not parsing.
fn body(path: &str, s: &Server, plan_text: &str, config: &Value) -> Value {
    let mut b = json!({
        "inn": baton_domain::Inn::legal_from_body(77).as_str(), "name": "Проверка прав",
        "company_id": "x", "outcome": "no_answer", "duration_sec": 10, "kind": "meeting",
        "reason": "no_budget", "text": "x", "stage": "meeting", "amount": "1000",
        "checklist": complete_checklist(), "brief": {"sold": "a", "contacts": "b", "pains": "c"},
        "company_ids": [], "receiver_id": "nobody", "note": "n", "role": "caller",
        "valid_from": "2026-01-01", "from": "2026-01-01", "to": "2026-01-02",
        "phone": "+79120000000", "lines": [], "employee_id": s.id("caller2"), "period": "2026-11",
        "metric": "leads_accepted", "value": "5", "sku": "sku-x", "price": "100", "login": "newbie",
        "password": PASSWORD, "code": "zz", "invoice_id": "x", "key": "x",
        "due_at": "2030-01-10T10:00", "on": "2030-01-10",
    });
    // Bodies that refuse unknown fields are given exactly.
    match path {
        "/api/simulate/replay" => {
            return json!({"plan": plan_text, "from": "2026-10", "to": "2026-11"});
        }
        "/api/simulate/structure" => {
            return json!({"preset": "brief7", "settings": {"runs": 4, "horizon_months": 2, "seed": 1}});
        }
        "/api/costs" => {
            return json!({"month": "2026-11", "region": "msk", "kind": "ads", "amount": "1000"});
        }
        "/api/payroll/accrual-types" => return json!({"bonus": "Премия ежемесячная"}),
        "/api/webhooks" => {
            return json!({"url": "https://hooks.example.com/baton", "events": ["lead.handed"]});
        }
        "/api/me/notifications/read" => return json!({}),
        // From a month without targets to a later one: nothing is copied.
        "/api/targets/copy" => return json!({"from": "2020-01", "to": "2020-02"}),
        // An empty split: a holder of the rights gets 422, nothing changes.
        "/api/split" | "/api/split/preview" => return json!({"roles": [], "moves": []}),
        // No clients named: a holder of the right gets 422, nothing moves.
        "/api/clients/reassign" | "/api/clients/reassign/preview" => {
            return json!({"company_ids": [], "to_id": s.id("cm1")});
        }
        _ => {}
    }
    let extra = match path {
        "/api/orders" => json!({"delivery_month": "2026-12"}),
        "/api/plans" => json!({"text": plan_text}),
        "/api/alerts/rules" => json!({"no_new_client_months": 3, "stale_deal_days": 14,
            "no_order_months": 3, "override_days": 30}),
        "/api/config" => return config.clone(),
        _ => json!({}),
    };
    if let (Some(o), Some(e)) = (b.as_object_mut(), extra.as_object()) {
        for (k, v) in e {
            o.insert(k.clone(), v.clone());
        }
    }
    b
}

fn query(path: &str) -> &'static str {
    match path {
        "/api/reports/matrix" | "/api/reports/funnel" | "/api/reports/costs" => {
            "?from=2026-06&to=2026-11"
        }
        "/api/reports/retention" => "?to=2026-11",
        "/api/reports/plan-fact" | "/api/payroll" | "/api/payroll/register" => "?period=2026-11",
        _ => "",
    }
}

fn role_refusal(r: &common::Resp, action: Action) -> bool {
    r.status == 403
        && r.body["error"]["message"].as_str()
            == Some(format!("your role may not {}", action.words()).as_str())
}

#[test]
fn the_rights_table_walked() {
    on_every_database(walk);
}

async fn walk(s: Server) {
    // Another region's people: a caller, a client manager and a head in spb.
    let app = s.app.clone();
    let spb = s.regions["spb"].clone();
    let extra = tokio::task::spawn_blocking(move || {
        let admin = app.actor_by_login("admin").expect("admin");
        ["caller_spb", "head_spb"]
            .iter()
            .map(|login| {
                let role = if *login == "head_spb" {
                    "head"
                } else {
                    "caller"
                };
                let e = app
                    .create_employee(
                        Some(&admin),
                        NewEmployee {
                            login: login.to_string(),
                            name: format!("{login} Тестовый"),
                            password: PASSWORD.into(),
                            region_id: Some(spb.clone()),
                            role: role.into(),
                            valid_from: Some("2020-01-01".into()),
                            open_lead_limit: None,
                        },
                    )
                    .expect("spb person");
                (login.to_string(), e.id)
            })
            .collect::<Vec<_>>()
    })
    .await
    .expect("spb");
    let id_of = |login: &str| -> String {
        extra
            .iter()
            .find(|(l, _)| l == login)
            .map(|(_, id)| id.clone())
            .unwrap_or_else(|| s.id(login))
    };
    let director = s.login("director").await;
    let plan_text = s
        .call("GET", "/api/plans/shipped:caller", Some(&director), None)
        .await
        .body["text"]
        .as_str()
        .unwrap_or("")
        .to_string();
    assert!(!plan_text.is_empty(), "the shipped caller plan's text");
    let config = s
        .call("GET", "/api/config", Some(&director), None)
        .await
        .body;

    // Companies: one created by caller1, one by caller2 (both msk), one by caller_spb.
    let mut companies = Vec::new();
    for (n, who) in [(31u32, "caller1"), (32, "caller2"), (33, "caller_spb")] {
        let tok = s.login(who).await;
        let inn = baton_domain::Inn::legal_from_body(n);
        let r = s
            .call(
                "POST",
                "/api/companies",
                Some(&tok),
                Some(json!({"inn": inn.as_str(), "name": format!("Фирма {n}")})),
            )
            .await;
        assert_eq!(r.status, 201, "{who}: {}", r.body);
        companies.push((
            who,
            r.body["company"]["id"].as_str().expect("id").to_string(),
        ));
    }
    let ca = companies[0].1.clone();
    let la = s
        .call(
            "POST",
            "/api/leads",
            Some(&s.login("caller1").await),
            Some(json!({"company_id": ca})),
        )
        .await
        .body["id"]
        .as_str()
        .expect("lead")
        .to_string();

    let mut cases = 0usize;
    let mut wrong: Vec<String> = Vec::new();

    // 1. Every role × every endpoint that asks an action.
    let routes = baton_web::routes();
    for (login, role, _) in ACTORS {
        let tok = s.login(login).await;
        for (doc, _) in &routes {
            let m = doc.method.as_str();
            let Some(asked) = action_of(m, doc.path) else {
                wrong.push(format!(
                    "{m} {} is not in the test's endpoint table",
                    doc.path
                ));
                continue;
            };
            let Some(action) = asked else { continue };
            let id = match doc.path {
                p if p.starts_with("/api/periods/") => "2026-10".to_string(),
                p if p.starts_with("/api/plans/") => "shipped:caller".to_string(),
                p if p.starts_with("/api/employees/") => s.id("caller2"),
                p if p.starts_with("/api/leads/") => la.clone(),
                _ => ca.clone(),
            };
            let path = format!("{}{}", doc.path.replace("{id}", &id), query(doc.path));
            let r = s
                .call(
                    m,
                    &path,
                    Some(&tok),
                    Some(body(doc.path, &s, &plan_text, &config)),
                )
                .await;
            cases += 1;
            let has = reach(role, action).is_some();
            let refused = matches!(r.status, 403 | 404);
            if r.status >= 500 {
                wrong.push(format!("{login}: {m} {path} → {} {}", r.status, r.body));
            } else if !has && !refused {
                wrong.push(format!(
                    "{login} lacks «{}» but {m} {path} → {} {}",
                    action.words(),
                    r.status,
                    r.body
                ));
            } else if has && role_refusal(&r, action) {
                wrong.push(format!(
                    "{login} holds «{}» but {m} {path} refused the role: {}",
                    action.words(),
                    r.body
                ));
            }
        }
    }

    // 2. People records: the actor, a colleague in msk, a person in spb.
    let msk = "msk";
    for (login, role, region) in ACTORS {
        let tok = s.login(login).await;
        let me = s.id(login);
        for (owner_login, owner_region) in
            [(login, region), ("caller2", msk), ("caller_spb", "spb")]
        {
            let owner = id_of(owner_login);
            let owner_region_id = s.regions.get(owner_region).cloned();
            let region_code = |r: &str| {
                if r.is_empty() {
                    String::new()
                } else {
                    r.to_string()
                }
            };
            let covered = |a: Action| {
                expect_covers(
                    reach(role, a),
                    &me,
                    &region_code(region),
                    &owner,
                    &region_code(owner_region),
                )
            };
            let probes: Vec<(Action, &str, String, Value, bool)> = vec![
                (
                    Action::ReadPeople,
                    "GET",
                    format!("/api/employees/{owner}"),
                    Value::Null,
                    covered(Action::ReadPeople),
                ),
                (
                    Action::RecordAbsence,
                    "POST",
                    format!("/api/employees/{owner}/absences"),
                    json!({"from": "2026-12-20", "to": "2026-12-21", "kind": "vacation"}),
                    covered(Action::RecordAbsence),
                ),
                (
                    Action::SetTargets,
                    "POST",
                    "/api/targets".to_string(),
                    json!({"employee_id": owner, "period": "2026-12", "metric": "leads_accepted", "value": "7"}),
                    covered(Action::SetTargets),
                ),
                (
                    // Granting a conveyor role in the person's own region: ranks allow it to a
                    // head, a director and an admin; nobody but an admin grants to themself.
                    Action::ManagePeople,
                    "POST",
                    format!("/api/employees/{owner}/roles"),
                    json!({"role": "caller", "region_id": owner_region_id, "valid_from": "2026-12-01"}),
                    covered(Action::ManagePeople) && (owner != me || role == Role::Admin),
                ),
            ];
            for (action, m, path, b, allowed) in probes {
                let r = s
                    .call(m, &path, Some(&tok), (!b.is_null()).then_some(b))
                    .await;
                cases += 1;
                let ok = matches!(r.status, 200 | 201);
                if ok != allowed || r.status >= 500 || (!ok && !matches!(r.status, 403 | 404)) {
                    wrong.push(format!(
                        "{login} on {owner_login}'s record, «{}»: expected {}, got {} {}",
                        action.words(),
                        if allowed { "allowed" } else { "refused" },
                        r.status,
                        r.body
                    ));
                }
            }
        }
    }

    // 3. Company records: a call and a read on a company of caller1 (own for caller1),
    // of caller2 (msk) and of caller_spb (spb).
    for (login, role, region) in ACTORS {
        let tok = s.login(login).await;
        for (creator, company) in &companies {
            let company_region = if *creator == "caller_spb" {
                "spb"
            } else {
                "msk"
            };
            // The caller's own company is the one they created; everyone else's reach is
            // their region or all.
            let owner = s
                .ids
                .get(*creator)
                .cloned()
                .unwrap_or_else(|| id_of(creator));
            let me = s.id(login);
            let allowed = match reach(role, Action::LogCall) {
                Some(Reach::Own) => owner == me,
                r => expect_covers(r, &me, region, &owner, company_region),
            };
            let r = s
                .call(
                    "POST",
                    "/api/calls",
                    Some(&tok),
                    Some(json!({"company_id": company, "outcome": "no_answer", "duration_sec": 5})),
                )
                .await;
            cases += 1;
            // Past the rights, a call may still meet someone's claim (409, named holder).
            let passed = matches!(r.status, 201 | 409);
            if passed != allowed || !matches!(r.status, 201 | 409 | 403 | 404) {
                wrong.push(format!(
                    "{login} logs a call on {creator}'s company: expected {}, got {} {}",
                    if allowed { "201" } else { "a refusal" },
                    r.status,
                    r.body
                ));
            }
            let r = s
                .call(
                    "POST",
                    &format!("/api/companies/{company}/contacts"),
                    Some(&tok),
                    Some(json!({"name": format!("Контакт от {login}")})),
                )
                .await;
            cases += 1;
            let may_add = match reach(role, Action::EditContacts) {
                Some(Reach::Own) => owner == me,
                r => expect_covers(r, &me, region, &owner, company_region),
            };
            if (r.status == 201) != may_add || !matches!(r.status, 201 | 403 | 404) {
                wrong.push(format!(
                    "{login} adds a contact to {creator}'s company: expected {}, got {} {}",
                    if may_add { "201" } else { "a refusal" },
                    r.status,
                    r.body
                ));
            }
            let r = s
                .call(
                    "GET",
                    &format!("/api/companies/{company}"),
                    Some(&tok),
                    None,
                )
                .await;
            cases += 1;
            let sees = match role {
                Role::Accountant => true,
                _ => match reach(role, Action::LogCall) {
                    Some(Reach::Own) => owner == me,
                    r => expect_covers(r, &me, region, &owner, company_region),
                },
            };
            if (r.status == 200) != sees {
                wrong.push(format!(
                    "{login} reads {creator}'s company: expected {}, got {} {}",
                    if sees { "200" } else { "a refusal" },
                    r.status,
                    r.body
                ));
            }
        }
    }

    // 4. The reproductions from the hostile walk (issue 14), one by one.
    let head = s.login("head").await;
    let head_id = s.id("head");
    let msk_id = s.regions["msk"].clone();
    let repro: Vec<(&str, &str, String, Value)> = vec![
        (
            "a head makes themself director",
            "POST",
            format!("/api/employees/{head_id}/roles"),
            json!({"role": "director", "valid_from": "2026-12-01"}),
        ),
        (
            "a head grants themself a conveyor role",
            "POST",
            format!("/api/employees/{head_id}/roles"),
            json!({"role": "caller", "region_id": msk_id, "valid_from": "2026-12-01"}),
        ),
        (
            "a head creates an admin",
            "POST",
            "/api/employees".to_string(),
            json!({"login": "evil_admin", "name": "Злой", "password": PASSWORD, "role": "admin"}),
        ),
        (
            "a head creates a director",
            "POST",
            "/api/employees".to_string(),
            json!({"login": "evil_dir", "name": "Злой", "password": PASSWORD, "role": "director"}),
        ),
        (
            "a head adds a caller in another region",
            "POST",
            "/api/employees".to_string(),
            json!({"login": "spb_new", "name": "Новый", "password": PASSWORD, "role": "caller", "region_id": s.regions["spb"]}),
        ),
        (
            "a head sets another region's target",
            "POST",
            "/api/targets".to_string(),
            json!({"employee_id": id_of("caller_spb"), "period": "2026-12", "metric": "leads_accepted", "value": "1"}),
        ),
        (
            "a head records another region's absence",
            "POST",
            format!("/api/employees/{}/absences", id_of("caller_spb")),
            json!({"from": "2026-12-20", "to": "2026-12-21", "kind": "vacation"}),
        ),
        (
            "a head edits the whole company's role plan",
            "POST",
            "/api/plans".to_string(),
            json!({"text": plan_text}),
        ),
    ];
    for (what, m, path, b) in repro {
        let r = s.call(m, &path, Some(&head), Some(b)).await;
        cases += 1;
        if r.status != 403 {
            wrong.push(format!("{what}: {m} {path} → {} {}", r.status, r.body));
        }
    }
    // A head's audit log holds nothing of another region: caller_spb's company is there.
    let r = s
        .call("GET", "/api/audit?per_page=500", Some(&head), None)
        .await;
    cases += 1;
    let spb_company = &companies[2].1;
    let leaked = r.body["items"].as_array().map_or(0, |items| {
        items
            .iter()
            .filter(|e| {
                e["entity_id"].as_str() == Some(spb_company.as_str())
                    || e["actor_id"].as_str() == Some(id_of("caller_spb").as_str())
            })
            .count()
    });
    if r.status != 200 || leaked > 0 {
        wrong.push(format!(
            "a head reads {leaked} audit events of another region ({})",
            r.status
        ));
    }
    let r = s
        .call(
            "GET",
            "/api/activities",
            Some(&s.login("accountant").await),
            None,
        )
        .await;
    cases += 1;
    if r.status != 403 {
        wrong.push(format!(
            "the accountant reads activities: {} {}",
            r.status, r.body
        ));
    }

    println!("rights matrix: {cases} cases walked");
    assert!(cases > 500, "walked {cases} cases");
    assert!(
        wrong.is_empty(),
        "{} of {cases} cases differ from the rights table:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// A form: its path, the action it asks, its fields, and whether it addresses a record.
type Form = (String, Action, Vec<(&'static str, String)>, bool);

/// The web forms that write, walked the same way: every role × every form. A form that
/// addresses a record may still refuse a record outside the reach; a role holding the action
/// is never refused for its role, and a form without a record is never refused at all.
#[test]
fn the_rights_table_walked_through_the_forms() {
    on_every_database(forms);
}

async fn forms(s: Server) {
    use Action::*;
    let caller1 = s.login("caller1").await;
    let inn = baton_domain::Inn::legal_from_body(61);
    let r = s
        .call(
            "POST",
            "/api/companies",
            Some(&caller1),
            Some(json!({"inn": inn.as_str(), "name": "Фирма форм"})),
        )
        .await;
    let ca = r.body["company"]["id"]
        .as_str()
        .expect("company")
        .to_string();
    let r = s
        .call(
            "POST",
            "/api/leads",
            Some(&caller1),
            Some(json!({"company_id": ca})),
        )
        .await;
    let la = r.body["id"].as_str().expect("lead").to_string();
    let msk = s.regions["msk"].clone();
    let caller2 = s.id("caller2");
    let plan_text = s
        .call(
            "GET",
            "/api/plans/shipped:caller",
            Some(&s.login("director").await),
            None,
        )
        .await
        .body["text"]
        .as_str()
        .unwrap_or("")
        .to_string();

    let mut cases = 0usize;
    let mut wrong: Vec<String> = Vec::new();
    for (login, role, _) in ACTORS {
        let cookie = s.browser_login(login).await;
        let me = s.id(login);
        // (path, action, fields, addresses a record)
        let forms: Vec<Form> = vec![
            (
                "/calls/log".into(),
                LogCall,
                vec![("company_id", ca.clone()), ("outcome", "no_answer".into())],
                true,
            ),
            (format!("/leads/{la}/handoff"), HandOff, vec![], true),
            (
                "/tasks".into(),
                ManageTasks,
                vec![
                    ("company_id", ca.clone()),
                    ("kind", "call_back".into()),
                    ("due_at", "2030-01-10T10:00".into()),
                ],
                true,
            ),
            (
                format!("/people/{caller2}/number"),
                CalculatePeriod,
                vec![("number", format!("T-{login}"))],
                true,
            ),
            (
                "/payroll/accruals".into(),
                CalculatePeriod,
                vec![("base", "Оклад".into())],
                false,
            ),
            // A task that is not there: refused for the record, never for a role that sets tasks.
            (
                "/tasks/x/close".into(),
                ManageTasks,
                vec![("outcome", "done".into())],
                true,
            ),
            (
                "/tasks/promise".into(),
                ManageTasks,
                vec![
                    ("company_id", ca.clone()),
                    ("invoice_id", "x".into()),
                    ("on", "2030-01-10".into()),
                ],
                true,
            ),
            // A handover that is not there: refused for the record, never for a role that
            // holds the kickoff.
            ("/handovers/x/kickoff".into(), Kickoff, vec![], true),
            (
                format!("/companies/{ca}/activities"),
                LogCall,
                vec![("kind", "meeting".into()), ("note", "встреча".into())],
                true,
            ),
            (
                format!("/companies/{ca}/invoices"),
                Invoice,
                vec![("amount", "1000".into())],
                true,
            ),
            (
                format!("/companies/{ca}/payments"),
                Payment,
                vec![("invoice_id", "x".into()), ("amount", "1000".into())],
                true,
            ),
            (
                format!("/companies/{ca}/orders"),
                Order,
                vec![
                    ("delivery_month", "2026-12".into()),
                    ("amount", "1000".into()),
                ],
                true,
            ),
            (
                format!("/companies/{ca}/handover"),
                Handover,
                vec![
                    ("sold", "a".into()),
                    ("contacts", "b".into()),
                    ("pains", "c".into()),
                ],
                true,
            ),
            (format!("/leads/{la}/accept"), DecideLead, vec![], true),
            (
                format!("/leads/{la}/reject"),
                DecideLead,
                vec![("reason", "no_budget".into())],
                true,
            ),
            (
                format!("/leads/{la}/move"),
                WorkDeal,
                vec![("stage", "meeting".into())],
                true,
            ),
            (
                format!("/leads/{la}/contract"),
                WorkDeal,
                vec![("amount", "1000".into())],
                true,
            ),
            (
                format!("/leads/{la}/lose"),
                LoseLead,
                vec![("reason", "no_budget".into())],
                true,
            ),
            (
                "/alerts/ack".into(),
                AckAlerts,
                vec![("key", "x".into())],
                true,
            ),
            (
                "/payroll/2026-10/calculate".into(),
                CalculatePeriod,
                vec![],
                false,
            ),
            (
                "/payroll/2026-10/approve".into(),
                ApprovePeriod,
                vec![("confirm", "1".into())],
                true,
            ),
            // The first press only asks again: refused all the same without the right.
            (
                "/payroll/2026-10/approve".into(),
                ApprovePeriod,
                vec![],
                true,
            ),
            ("/payroll/2026-10/pay".into(), PayPeriod, vec![], true),
            (
                "/plans".into(),
                EditPlans,
                vec![
                    ("text", plan_text.clone()),
                    ("action", "save".into()),
                    ("status", "draft".into()),
                ],
                false,
            ),
            (
                "/people".into(),
                ManagePeople,
                vec![
                    ("login", format!("new_{login}")),
                    ("name", "Новый Человек".into()),
                    ("password", "secret-123".into()),
                    ("role", "caller".into()),
                    ("region_id", msk.clone()),
                ],
                true,
            ),
            (
                format!("/people/{caller2}/roles"),
                ManagePeople,
                vec![
                    ("role", "caller".into()),
                    ("region_id", msk.clone()),
                    ("valid_from", "2026-12-01".into()),
                ],
                true,
            ),
            (
                format!("/people/{me}/absences"),
                RecordAbsence,
                vec![
                    ("from", "2026-12-20".into()),
                    ("to", "2026-12-21".into()),
                    ("kind", "vacation".into()),
                ],
                false,
            ),
            (
                "/targets".into(),
                SetTargets,
                vec![
                    ("employee_id", caller2.clone()),
                    ("period", "2026-12".into()),
                    ("metric", "leads_accepted".into()),
                    ("value", "5".into()),
                ],
                true,
            ),
            (
                "/settings/alerts".into(),
                SetAlertRules,
                vec![
                    ("no_new_client_months", "3".into()),
                    ("stale_deal_days", "14".into()),
                    ("no_order_months", "3".into()),
                    ("override_days", "30".into()),
                ],
                false,
            ),
            (
                "/targets/copy".into(),
                SetTargets,
                vec![("from", "2020-01".into()), ("to", "2020-02".into())],
                false,
            ),
            // No client ticked: a holder of the right gets the list back with the error.
            (
                "/portfolio/move/preview".into(),
                MoveClients,
                vec![("from", s.id("cm1")), ("to", s.id("cm1"))],
                false,
            ),
            (
                "/portfolio/move".into(),
                MoveClients,
                vec![("from", s.id("cm1")), ("to", s.id("cm1"))],
                false,
            ),
            // No role changed and no book moved: a holder gets the wizard back with the error.
            (
                "/people/split/preview".into(),
                MoveClients,
                vec![("region", msk.clone())],
                false,
            ),
            (
                "/people/split".into(),
                MoveClients,
                vec![("region", msk.clone())],
                false,
            ),
            // Not a multipart upload: a holder of the right gets the page back saying so.
            (
                "/settings/import".into(),
                ExportImport,
                vec![("action", "check".into())],
                false,
            ),
            // No address: a holder gets the list back with the error.
            (
                "/settings/webhooks".into(),
                ManageWebhooks,
                vec![("url", String::new())],
                false,
            ),
            (
                "/whatif/replay".into(),
                Replay,
                vec![
                    ("plan", plan_text.clone()),
                    ("from", "2026-10".into()),
                    ("to", "2026-11".into()),
                ],
                false,
            ),
        ];
        for (path, action, fields, addressed) in forms {
            let f: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let r = s.post_form_with_cookie(&cookie, &path, &f).await;
            let status = r.status().as_u16();
            // A form refused next to its list comes back as a redirect carrying the error.
            let location = r
                .headers()
                .get("location")
                .and_then(|v| v.to_str().ok())
                .map(|l| {
                    let q = l.split_once('?').map_or("", |(_, q)| q);
                    serde_urlencoded::from_str::<Vec<(String, String)>>(q)
                        .unwrap_or_default()
                        .into_iter()
                        .filter(|(k, _)| k == "err")
                        .map(|(_, v)| v)
                        .collect::<String>()
                })
                .unwrap_or_default();
            let body = format!("{}{location}", r.text().await.unwrap_or_default());
            cases += 1;
            // Pages speak Russian: the refusal is the catalog's sentence for the action.
            let refusal_ru = baton_catalog::Text::new("err-forbidden")
                .text("action", baton_catalog::Text::new(action.id()))
                .render(baton_catalog::Lang::Ru);
            let role_refusal = body.contains(&refusal_ru)
                || body.contains(&format!("your role may not {}", action.words()));
            let refused = role_refusal || matches!(status, 403 | 404) || !location.is_empty();
            let has = reach(role, action).is_some();
            if status >= 500 {
                wrong.push(format!("{login}: POST {path} → {status}"));
            } else if !has && !refused {
                wrong.push(format!(
                    "{login} lacks «{}» but the form POST {path} → {status}",
                    action.words()
                ));
            } else if has && (role_refusal || (!addressed && status == 403)) {
                let msg = body
                    .split("role=\"alert\">")
                    .nth(1)
                    .and_then(|t| t.split('<').next())
                    .unwrap_or("");
                wrong.push(format!(
                    "{login} holds «{}» but the form POST {path} refused: {status} {msg}",
                    action.words()
                ));
            }
        }
    }
    println!("rights matrix, forms: {cases} cases walked");
    assert!(cases > 150, "walked {cases} cases");
    assert!(
        wrong.is_empty(),
        "{} of {cases} form cases differ from the rights table:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}
