//! The demo: a regional magazine publisher (print and web editions in Moscow, Saint Petersburg
//! and Yekaterinburg) over twelve months ending in the current month. The first six months
//! every region works the old way (a head and four universal managers); then it splits into
//! callers, sales managers and client managers.
//!
//! Nothing is inserted behind the rules' back: every record comes from the same use cases a
//! user drives, under a simulated clock and seeded ids, so the same seed on the same day
//! gives the same data. Two planted facts for the reports to find: one caller's accepted
//! leads convert at a third of the others' rate, and one sales manager has won no new client
//! in the last three months.

use crate::clock::{SeededIds, SimClock};
use crate::conveyor::calls::NewCall;
use crate::conveyor::companies::{NewCompany, NewContact};
use crate::conveyor::deals::{
    HandoverRequest, NewContract, NewInvoice, NewOrder, NewPayment, NewRefund,
};
use crate::conveyor::leads::{HandOffRequest, NewLead};
use crate::conveyor::people::NewEmployee;
use crate::error::{AppError, AppResult};
use crate::rights::Actor;
use crate::{App, PasswordCost};
use baton_catalog::Text;
use baton_domain::lead::Answers;
use baton_domain::{Inn, Money, RuleError};
use baton_store::Db;
use chrono::{Datelike, Duration, Months, NaiveDate, TimeZone, Utc};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::BTreeMap;
use std::sync::Arc;

pub const DEMO_PASSWORD: &str = "baton-demo";

#[derive(Debug, Clone)]
pub struct DemoOptions {
    pub seed: u64,
    pub scale: u32,
    /// The last day of the history (normally today).
    pub today: NaiveDate,
    pub password_cost: PasswordCost,
    /// Orders per client per month (1 in the demo; more for payroll benchmarks: a client
    /// that takes weekly issues pays several invoices a month).
    pub intensity: u32,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct DemoLogin {
    pub login: String,
    pub name: String,
    pub role: String,
    pub region: String,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct DemoSummary {
    pub logins: Vec<DemoLogin>,
    pub password: String,
    pub companies: u64,
    pub calls: u64,
    pub leads: u64,
    pub handoffs: u64,
    pub new_clients: u64,
    pub payments: u64,
    pub from: NaiveDate,
    pub split_on: NaiveDate,
    pub to: NaiveDate,
    /// The two planted facts, by login.
    pub weak_caller: String,
    pub idle_sales_manager: String,
}

const FIRST: [&str; 24] = [
    "Анна",
    "Иван",
    "Мария",
    "Сергей",
    "Ольга",
    "Дмитрий",
    "Елена",
    "Алексей",
    "Наталья",
    "Павел",
    "Татьяна",
    "Михаил",
    "Юлия",
    "Андрей",
    "Светлана",
    "Николай",
    "Ирина",
    "Артём",
    "Ксения",
    "Роман",
    "Екатерина",
    "Владимир",
    "Дарья",
    "Олег",
];
const LAST: [&str; 24] = [
    "Смирнова",
    "Иванов",
    "Кузнецова",
    "Попов",
    "Васильева",
    "Петров",
    "Соколова",
    "Михайлов",
    "Новикова",
    "Фёдоров",
    "Морозова",
    "Волков",
    "Алексеева",
    "Лебедев",
    "Семёнова",
    "Егоров",
    "Павлова",
    "Козлов",
    "Степанова",
    "Николаев",
    "Орлова",
    "Андреев",
    "Макарова",
    "Захаров",
];
/// A first name and a surname that agree: FIRST alternates women's and men's names and LAST
/// alternates feminine and masculine surnames, so the surname takes the first name's gender
/// (Анна Попова, Иван Смирнов).
fn full_name(first: usize, last: usize) -> String {
    let surname = LAST[last % LAST.len()];
    let masculine = if last.is_multiple_of(2) {
        surname.strip_suffix('а').unwrap_or(surname)
    } else {
        surname
    };
    let f = first % FIRST.len();
    if f.is_multiple_of(2) {
        format!("{} {masculine}а", FIRST[f])
    } else {
        format!("{} {masculine}", FIRST[f])
    }
}

const BIZ: [&str; 16] = [
    "Стройдом",
    "Вкусный мир",
    "АвтоЛюкс",
    "Медцентр Здоровье",
    "Торговый дом Север",
    "Ювелирный Дом",
    "Клиника Улыбка",
    "Фитнес Энергия",
    "Мебельная фабрика",
    "Салон Элегант",
    "Ресторан Палермо",
    "Агентство Недвижимость+",
    "Школа языков",
    "Отель Панорама",
    "Автосалон Восток",
    "Цветочная лавка",
];
const FORMS: [&str; 3] = ["ООО", "АО", "ООО"];
const INDUSTRIES: [&str; 6] = [
    "retail",
    "real_estate",
    "auto",
    "medicine",
    "horeca",
    "services",
];
const REASONS: [&str; 7] = [
    "no_decision_maker",
    "no_need",
    "no_budget",
    "wrong_timing",
    "bad_contact",
    "duplicate",
    "other",
];

struct Person {
    actor: Actor,
    login: String,
}

/// What will happen to an accepted deal, decided when it is accepted.
#[derive(Clone, Debug)]
struct DealPlan {
    owner: String,
    meeting_on: NaiveDate,
    proposal_on: NaiveDate,
    close_on: NaiveDate,
    wins: bool,
    amount: Money,
    stage: u8,
    invoice_id: Option<String>,
    pay_on: Option<NaiveDate>,
}

struct Region {
    id: String,
    code: &'static str,
    head: Person,
    ums: Vec<Person>,
    callers: Vec<Person>,
    sms: Vec<Person>,
    cms: Vec<Person>,
    pool: Vec<String>,
    products: Vec<(String, Money)>,
}

struct Gen {
    app: App,
    clock: Arc<SimClock>,
    rng: ChaCha8Rng,
    admin: Actor,
    opts: DemoOptions,
    logins: Vec<DemoLogin>,
    plans: BTreeMap<String, DealPlan>,
    /// Invoices to pay: id → (company id, pay date, amount, refund share in %).
    dues: BTreeMap<String, (String, NaiveDate, Money, u32)>,
    call_pos: BTreeMap<String, usize>,
    call_lists: BTreeMap<String, Vec<String>>,
    calls: u64,
    name_seq: usize,
    inn_seq: u32,
    weak_caller: String,
    idle_sm: String,
    /// Actors by id; refreshed when roles change at the split.
    actors: BTreeMap<String, Actor>,
}

fn is_workday(d: NaiveDate) -> bool {
    baton_domain::calendar::WorkCalendar::default().is_working_day(d)
}

fn add_workdays(d: NaiveDate, n: i64) -> NaiveDate {
    baton_domain::calendar::WorkCalendar::default().add_working_days(d, n)
}

/// A refusal that belongs to the story (someone else's claim, an open lead on the company).
/// The demo's people call companies of the pool: a call needs the company in the caller's
/// scope, so an unclaimed one is claimed first, as the call page's "take" does.
fn log_call_claiming(app: &App, actor: &Actor, call: NewCall) -> AppResult<()> {
    match app.log_call(actor, call.clone()) {
        Err(AppError::NotFound { .. }) => {
            app.claim_company(actor, &call.company_id)?;
            app.log_call(actor, call).map(|_| ())
        }
        r => r.map(|_| ()),
    }
}

fn expected(e: &AppError) -> bool {
    matches!(
        e,
        AppError::Rule(RuleError::Claimed { .. } | RuleError::NoReceiver { .. })
            | AppError::Invalid {
                code: "lead_exists",
                ..
            }
    )
}

impl Gen {
    fn actor(&mut self, id: &str) -> AppResult<Actor> {
        if let Some(a) = self.actors.get(id) {
            return Ok(a.clone());
        }
        let a = self.app.actor(id)?;
        self.actors.insert(id.to_string(), a.clone());
        Ok(a)
    }

    fn at(&self, day: NaiveDate, minutes: i64) {
        let local = day.and_hms_opt(9, 0, 0).unwrap_or_default() + Duration::minutes(minutes);
        let t = chrono_tz::Europe::Moscow
            .from_local_datetime(&local)
            .earliest()
            .map_or_else(Utc::now, |t| t.with_timezone(&Utc));
        self.clock.set(t);
    }

    /// Each action takes 20 s of simulated time; a bigger department does more in a day, so
    /// its actions are shorter and a day's work still fits in the day.
    fn tick(&self) {
        let load = i64::from(self.opts.scale.max(1)) * i64::from(self.opts.intensity.max(1));
        self.clock.advance(Duration::milliseconds(20_000 / load));
    }

    fn person(
        &mut self,
        login: String,
        role: &str,
        region: Option<(&str, &str)>,
        from: NaiveDate,
    ) -> AppResult<Person> {
        let name = full_name(
            self.name_seq % FIRST.len(),
            (self.name_seq * 7 + 3) % LAST.len(),
        );
        self.name_seq += 1;
        let admin = self.admin.clone();
        let e = self.app.create_employee(
            Some(&admin),
            NewEmployee {
                login: login.clone(),
                name: name.clone(),
                password: DEMO_PASSWORD.into(),
                region_id: region.map(|r| r.0.to_string()),
                role: role.into(),
                valid_from: Some(from.to_string()),
                open_lead_limit: None,
            },
        )?;
        // The табельный номер the company's 1C:ЗУП knows the person by.
        self.app
            .set_personnel_number(&admin, &e.id, Some(&format!("{:06}", self.name_seq)))?;
        self.logins.push(DemoLogin {
            login: login.clone(),
            name,
            role: role.into(),
            region: region.map_or("—".into(), |r| r.1.to_string()),
        });
        Ok(Person {
            actor: self.app.actor(&e.id)?,
            login,
        })
    }

    fn refresh(&self, p: &mut Person) -> AppResult<()> {
        p.actor = self.app.actor(&p.actor.id)?;
        Ok(())
    }

    fn company_name(&mut self) -> String {
        let i = self.inn_seq as usize;
        format!(
            "{} «{} {}»",
            FORMS[i % 3],
            BIZ[i % BIZ.len()],
            i / BIZ.len() + 1
        )
    }

    fn stock_pool(&mut self, head: &Actor, region_id: &str, n: usize) -> AppResult<Vec<String>> {
        let mut ids = Vec::with_capacity(n);
        for _ in 0..n {
            self.inn_seq += 1;
            let inn = Inn::legal_from_body(500_000_000 + self.inn_seq * 7919 % 400_000_000);
            let name = self.company_name();
            let first = self.rng.random_range(0..FIRST.len());
            let dm = full_name(first, self.rng.random_range(0..LAST.len()));
            let phone = format!(
                "+7 9{:02} {:03}-{:02}-{:02}",
                self.inn_seq % 100,
                self.inn_seq % 1000,
                self.inn_seq % 97,
                self.inn_seq % 89
            );
            let card = self.app.create_company(
                head,
                NewCompany {
                    inn: inn.to_string(),
                    kpp: Some(format!("{}01001", &inn.as_str()[..4])),
                    name,
                    region_id: Some(region_id.into()),
                    industry: Some(INDUSTRIES[self.inn_seq as usize % INDUSTRIES.len()].into()),
                    source: Some("purchased_base".into()),
                    contacts: vec![NewContact {
                        name: dm,
                        position: Some("Директор по маркетингу".into()),
                        is_dm: true,
                        phone: Some(phone),
                        email: None,
                    }],
                    confirm_distinct: true,
                },
            )?;
            ids.push(card.company.id);
        }
        Ok(ids)
    }

    fn full_answers(&mut self) -> Answers {
        let mut a = Answers::new();
        a.insert(
            "decision_maker".into(),
            "Директор по маркетингу, прямой телефон".into(),
        );
        a.insert(
            "need".into(),
            "«Хотим рекламу к открытию нового филиала»".into(),
        );
        a.insert(
            "budget".into(),
            format!(
                "{}–{} тыс. ₽",
                self.rng.random_range(3..8) * 10,
                self.rng.random_range(8..15) * 10
            ),
        );
        a.insert("timing".into(), "в течение месяца".into());
        a.insert("next_step".into(), "встреча в четверг 11:00".into());
        a
    }

    fn amount(&mut self, region: &Region) -> Money {
        let (_, price) = region.products[self.rng.random_range(0..region.products.len())];
        Money::from_kopecks(price.kopecks() * self.rng.random_range(1..4i64))
    }

    /// Plans an accepted deal: conversion probability by the caller and the seller.
    fn plan_deal(
        &mut self,
        lead_id: &str,
        owner: &str,
        day: NaiveDate,
        p_win: f64,
        region: &Region,
    ) {
        let wins = self.rng.random_bool(p_win.clamp(0.0, 1.0));
        let meeting_on = add_workdays(day, self.rng.random_range(1..5));
        let proposal_on = add_workdays(meeting_on, self.rng.random_range(2..6));
        let close_on = add_workdays(proposal_on, self.rng.random_range(3..15));
        let amount = self.amount(region);
        self.plans.insert(
            lead_id.into(),
            DealPlan {
                owner: owner.into(),
                meeting_on,
                proposal_on,
                close_on,
                wins,
                amount,
                stage: 0,
                invoice_id: None,
                pay_on: None,
            },
        );
    }

    /// Moves every planned deal that is due today.
    fn work_deals(
        &mut self,
        day: NaiveDate,
        regions: &[Region],
        idle_after: NaiveDate,
    ) -> AppResult<()> {
        let ids: Vec<String> = self
            .plans
            .iter()
            .filter(|(_, p)| p.meeting_on <= day)
            .map(|(k, _)| k.clone())
            .collect();
        for id in ids {
            let Some(mut p) = self.plans.get(&id).cloned() else {
                continue;
            };
            let owner = self.actor(&p.owner)?;
            let region = regions
                .iter()
                .find(|r| Some(&r.id) == owner.region_id.as_ref());
            self.tick();
            if p.stage == 0 && p.meeting_on <= day {
                self.app.move_lead(&owner, &id, "meeting")?;
                p.stage = 1;
            }
            if p.stage == 1 && p.proposal_on <= day {
                self.app.move_lead(&owner, &id, "proposal")?;
                p.stage = 2;
            }
            if p.stage == 2 && p.close_on <= day {
                let idle = owner.login == self.idle_sm && day >= idle_after;
                if p.wins && !idle {
                    let c = self.app.sign_contract(
                        &owner,
                        &id,
                        NewContract {
                            number: None,
                            signed_on: None,
                            amount: Some(p.amount),
                            lines: vec![],
                        },
                    )?;
                    let inv = self.app.create_invoice(
                        &owner,
                        NewInvoice {
                            company_id: c.company_id.clone(),
                            contract_id: Some(c.id),
                            order_id: None,
                            number: None,
                            issued_on: None,
                            due_on: None,
                            amount: p.amount,
                        },
                    )?;
                    p.invoice_id = Some(inv.id);
                    p.pay_on = Some(add_workdays(day, self.rng.random_range(2..8)));
                    p.stage = 3;
                } else {
                    let reason = if idle {
                        "клиент выбрал другое издание"
                    } else {
                        [
                            "нет бюджета в этом году",
                            "выбрали конкурента",
                            "перестали отвечать",
                        ][self.rng.random_range(0..3)]
                    };
                    self.app.lose_lead(&owner, &id, reason)?;
                    self.plans.remove(&id);
                    continue;
                }
            }
            if p.stage == 3
                && let (Some(inv), Some(pay_on)) = (p.invoice_id.clone(), p.pay_on)
                && pay_on <= day
            {
                let idle = owner.login == self.idle_sm && day >= idle_after;
                if idle {
                    // The client went quiet after signing: the deal stays unpaid.
                    self.plans.remove(&id);
                    continue;
                }
                let r = self.app.record_payment(
                    &owner,
                    NewPayment {
                        invoice_id: inv,
                        paid_on: None,
                        amount: p.amount,
                    },
                )?;
                if r.handover_due && region.is_some_and(|r| !r.cms.is_empty()) {
                    let mut brief = Answers::new();
                    brief.insert("sold".into(), format!("Реклама на {}", p.amount.to_human()));
                    brief.insert(
                        "contacts".into(),
                        "ЛПР — директор по маркетингу; бухгалтерия — общий номер".into(),
                    );
                    brief.insert("pains".into(), "мало клиентов в новом районе".into());
                    let lead = self.app.lead(&owner, &id)?;
                    let h = self.app.hand_over(
                        &owner,
                        &lead.lead.company_id,
                        HandoverRequest {
                            brief,
                            client_manager_id: None,
                        },
                    )?;
                    let cm = self.actor(&h.receiver_id)?;
                    self.tick();
                    self.app.kickoff(
                        &cm,
                        &h.id,
                        Some("Познакомились, согласовали график выходов".into()),
                    )?;
                }
                self.plans.remove(&id);
                continue;
            }
            self.plans.insert(id, p);
        }
        Ok(())
    }

    /// Repeat orders for every client of a client (or universal) manager, invoiced at the
    /// start of the month and paid on schedule: most on time, some late, a few never.
    fn monthly_orders(&mut self, cm: &Actor, region: &Region, day: NaiveDate) -> AppResult<()> {
        let clients = self.app.companies(
            cm,
            crate::conveyor::companies::CompanyQuery {
                client_manager_id: Some(cm.id.clone()),
                ..Default::default()
            },
            crate::Paging {
                page: 1,
                per_page: 500,
            },
        )?;
        let draws = self.opts.intensity.max(1);
        for (c, _) in clients
            .items
            .iter()
            .flat_map(|c| (0..draws).map(move |k| (c, k)))
        {
            if !self.rng.random_bool(0.45) {
                continue;
            }
            self.tick();
            let amount = self.amount(region);
            let month = day.format("%Y-%m").to_string();
            let o = self.app.create_order(
                cm,
                NewOrder {
                    company_id: c.id.clone(),
                    contract_id: None,
                    delivery_month: month,
                    lines: vec![],
                    amount: Some(amount),
                },
            )?;
            // Payment terms as B2B clients get them (отсрочка): 14, 30 or 45 days, so at a
            // month's end most of a client manager's receivables are not yet due.
            let terms: i64 = match self.rng.random_range(0..20) {
                0..7 => 14,
                7..16 => 30,
                _ => 45,
            };
            let due = day + Duration::days(terms);
            let inv = self.app.create_invoice(
                cm,
                NewInvoice {
                    company_id: c.id.clone(),
                    contract_id: None,
                    order_id: Some(o.id),
                    number: None,
                    issued_on: None,
                    due_on: Some(due.to_string()),
                    amount,
                },
            )?;
            let roll: f64 = self.rng.random_range(0.0..1.0);
            // Most invoices are paid on time, some late (the client manager chases them), and a
            // few never: the overdue list has both fresh and old debt.
            let pay_on = if roll < 0.80 {
                Some(day + Duration::days(self.rng.random_range(2..=terms)))
            } else if roll < 0.975 {
                Some(due + Duration::days(self.rng.random_range(10..100)))
            } else {
                None
            };
            if let Some(pay_on) = pay_on {
                let refund = if self.rng.random_bool(0.03) {
                    self.rng.random_range(10..40)
                } else {
                    0
                };
                self.dues
                    .insert(inv.id, (c.id.clone(), pay_on, amount, refund));
            }
        }
        Ok(())
    }

    fn collect_dues(&mut self, day: NaiveDate) -> AppResult<()> {
        let due: Vec<String> = self
            .dues
            .iter()
            .filter(|(_, d)| d.1 <= day)
            .map(|(k, _)| k.clone())
            .collect();
        for inv in due {
            let Some((company_id, _, amount, refund)) = self.dues.remove(&inv) else {
                continue;
            };
            // Whoever serves the client on the payment day records the money.
            let cm = self.app.db.tx(|tx| {
                Ok::<_, AppError>(
                    tx.must::<baton_store::records::Company>(&company_id)?
                        .client_manager_id,
                )
            })?;
            let actor = match cm {
                Some(cm) => self.actor(&cm)?,
                None => self.admin.clone(),
            };
            self.tick();
            self.app.record_payment(
                &actor,
                NewPayment {
                    invoice_id: inv.clone(),
                    paid_on: None,
                    amount,
                },
            )?;
            if refund > 0 {
                let back = Money::from_kopecks(amount.kopecks() * i64::from(refund) / 100);
                self.app.record_refund(
                    &actor,
                    NewRefund {
                        invoice_id: inv,
                        refunded_on: None,
                        amount: back,
                        reason: "выход номера перенесён, часть оплаты возвращена".into(),
                    },
                )?;
            }
        }
        Ok(())
    }
}

/// Generates the demo into an empty, migrated database.
pub fn generate(db: Db, opts: DemoOptions) -> AppResult<DemoSummary> {
    let month_start =
        NaiveDate::from_ymd_opt(opts.today.year(), opts.today.month(), 1).unwrap_or(opts.today);
    let from = month_start
        .checked_sub_months(Months::new(11))
        .unwrap_or(month_start);
    let split_on = from.checked_add_months(Months::new(6)).unwrap_or(from);
    let prehistory = from - Duration::days(120);
    let idle_after = opts
        .today
        .checked_sub_months(Months::new(3))
        .unwrap_or(opts.today);
    let scale = opts.scale.max(1) as usize;

    let clock = Arc::new(SimClock::new(Utc::now()));
    // One transaction per simulated day on either database (savepoints per use case).
    let db = db.pinned()?;
    let mut app = App::with(db, clock.clone(), Arc::new(SeededIds::new(opts.seed)));
    app.password_cost = opts.password_cost;
    let existing = app.db.tx(|tx| {
        Ok::<_, AppError>(tx.count::<baton_store::records::Employee>(&baton_store::Filter::new())?)
    })?;
    if existing > 0 {
        return Err(AppError::invalid("db", Text::new("err-demo-db-not-empty")));
    }
    let mut g = Gen {
        app: app.clone(),
        clock,
        rng: ChaCha8Rng::seed_from_u64(opts.seed),
        admin: Actor {
            id: String::new(),
            login: String::new(),
            name: String::new(),
            region_id: None,
            roles: vec![],
        },
        opts: opts.clone(),
        logins: Vec::new(),
        plans: BTreeMap::new(),
        dues: BTreeMap::new(),
        call_pos: BTreeMap::new(),
        call_lists: BTreeMap::new(),
        calls: 0,
        name_seq: 0,
        inn_seq: 0,
        weak_caller: String::new(),
        idle_sm: String::new(),
        actors: BTreeMap::new(),
    };
    g.at(prehistory, 0);
    let admin = app.create_employee(
        None,
        NewEmployee {
            login: "admin".into(),
            name: "Администратор".into(),
            password: DEMO_PASSWORD.into(),
            region_id: None,
            role: "admin".into(),
            valid_from: Some(prehistory.to_string()),
            open_lead_limit: None,
        },
    )?;
    g.admin = app.actor(&admin.id)?;
    g.logins.push(DemoLogin {
        login: "admin".into(),
        name: "Администратор".into(),
        role: "admin".into(),
        region: "—".into(),
    });
    let director = g
        .person("director".into(), "director", None, prehistory)?
        .actor;
    let accountant = g
        .person("accountant".into(), "accountant", None, prehistory)?
        .actor;
    // The shipped plans become the first stored version of each role's plan.
    for (_, text) in crate::payroll::SHIPPED_PLANS {
        app.add_plan(
            Some(&director),
            crate::payroll::plans::NewPlan {
                text: text.to_string(),
                employee: None,
                status: None,
            },
        )?;
    }

    let mut regions = Vec::new();
    for (code, name, k) in [
        ("msk", "Москва", 100i64),
        ("spb", "Санкт-Петербург", 80),
        ("ekb", "Екатеринбург", 60),
    ] {
        let admin = g.admin.clone();
        let r = app.create_region(&admin, code, name)?;
        let mut products = Vec::new();
        for (sku, pname, group, price) in [
            ("PRINT-1-1", "Полоса 1/1 в номере", "print", 120_000i64),
            ("PRINT-1-2", "Полоса 1/2 в номере", "print", 70_000),
            ("PRINT-1-4", "Модуль 1/4 в номере", "print", 40_000),
            ("WEB-BANNER", "Баннер на сайте, месяц", "web", 30_000),
        ] {
            let p = app.create_product(
                &admin,
                &format!("{}-{sku}", code.to_uppercase()),
                &format!("{pname} ({name})"),
                group,
                Some(r.id.clone()),
                Money::from_rubles(price * k / 100),
            )?;
            products.push((p.id, p.price));
        }
        let head = g.person(
            format!("head.{code}"),
            "head",
            Some((&r.id, name)),
            prehistory,
        )?;
        let mut ums = Vec::new();
        for i in 1..=4 * scale {
            ums.push(g.person(
                format!("um{i}.{code}"),
                "universal_manager",
                Some((&r.id, name)),
                prehistory,
            )?);
        }
        let pool = g.stock_pool(&head.actor, &r.id, 700 * scale)?;
        regions.push(Region {
            id: r.id,
            code,
            head,
            ums,
            callers: vec![],
            sms: vec![],
            cms: vec![],
            pool,
            products,
        });
    }

    // The base is divided: ten clients per universal manager before the history starts, forty
    // prospects each for their own calls, and the rest for the callers' lists after the split.
    let mut next_pool: BTreeMap<String, usize> = BTreeMap::new();
    #[allow(clippy::needless_range_loop)] // the region is borrowed again inside (amounts)
    for ri in 0..regions.len() {
        let n = regions[ri].ums.len();
        next_pool.insert(regions[ri].id.clone(), 50 * n);
        for ui in 0..n {
            let um = regions[ri].ums[ui].actor.clone();
            let prospects: Vec<String> =
                regions[ri].pool[10 * n + 40 * ui..10 * n + 40 * (ui + 1)].to_vec();
            g.call_lists.insert(um.id.clone(), prospects);
            g.call_pos.insert(um.id.clone(), 0);
            for k in 0..10 {
                let day = prehistory + Duration::days(k * 3);
                g.at(day, 0);
                let company_id = regions[ri].pool[ui * 10 + k as usize].clone();
                let lead = app.open_lead(
                    &um,
                    NewLead {
                        company_id: company_id.clone(),
                        source: Some("referral".into()),
                        ..Default::default()
                    },
                )?;
                let amount = g.amount(&regions[ri]);
                let c = app.sign_contract(
                    &um,
                    &lead.id,
                    NewContract {
                        number: None,
                        signed_on: None,
                        amount: Some(amount),
                        lines: vec![],
                    },
                )?;
                let inv = app.create_invoice(
                    &um,
                    NewInvoice {
                        company_id,
                        contract_id: Some(c.id),
                        order_id: None,
                        number: None,
                        issued_on: None,
                        due_on: None,
                        amount,
                    },
                )?;
                g.at(day + Duration::days(5), 0);
                app.record_payment(
                    &um,
                    NewPayment {
                        invoice_id: inv.id,
                        paid_on: None,
                        amount,
                    },
                )?;
            }
        }
    }

    let mut day = from;
    let mut split_done = false;
    let mut served_month = None;
    while day <= opts.today {
        if !split_done && day >= split_on {
            split(&mut g, &mut regions, &mut next_pool, split_on)?;
            split_done = true;
        }
        if day.day() == 1 {
            g.at(day, 0);
            set_targets(&g, &regions, &day.format("%Y-%m").to_string(), split_done)?;
        }
        if !is_workday(day) {
            day += Duration::days(1);
            continue;
        }
        g.at(day, 0);
        let first_workday = served_month != Some(day.month());
        served_month = Some(day.month());
        // Payroll: on the first working day the previous month is calculated, approved by the
        // director and paid by the accountant. The last full month is left calculated, for
        // the director to review and approve in the demo.
        if first_workday && day > month_start_of(from) + Duration::days(27) {
            let prev = crate::payroll::period_of(day - Duration::days(day.day() as i64));
            app.calculate_period(Some(&accountant), &prev)?;
            if day.month() != opts.today.month() || day.year() != opts.today.year() {
                app.approve_period(Some(&director), &prev)?;
                app.pay_period(Some(&accountant), &prev)?;
            }
        }
        for ri in 0..regions.len() {
            if !split_done {
                universal_day(&mut g, &regions, ri, day, split_on)?;
            } else {
                conveyor_day(&mut g, &regions, ri, day)?;
            }
            if first_workday {
                let servers: Vec<Actor> = if split_done {
                    regions[ri].cms.iter().map(|p| p.actor.clone()).collect()
                } else {
                    regions[ri].ums.iter().map(|p| p.actor.clone()).collect()
                };
                for a in servers {
                    g.monthly_orders(&a, &regions[ri], day)?;
                }
            }
        }
        g.work_deals(day, &regions, idle_after)?;
        g.collect_dues(day)?;
        // One commit per simulated day.
        app.db.flush()?;
        day += Duration::days(1);
    }

    // Today's call list for each caller: the companies of their base never turned into a lead
    // and not claimed by someone else, so the caller's queue opens with work to do.
    if split_done {
        g.at(opts.today, 0);
        for r in &regions {
            for c in &r.callers {
                let base = g.call_lists.get(&c.actor.id).cloned().unwrap_or_default();
                let fresh: Vec<String> = app.db.read(|tx| {
                    let mut out = Vec::new();
                    for id in &base {
                        let row = tx.query_one(
                            "SELECT 1 FROM companies co WHERE co.id = ? AND co.att_kind IS NULL \
                             AND (co.claim_holder_id IS NULL OR co.claim_holder_id = ?) \
                             AND NOT EXISTS (SELECT 1 FROM leads l WHERE l.company_id = co.id)",
                            &[id.as_str().into(), c.actor.id.as_str().into()],
                        )?;
                        if row.is_some() {
                            out.push(id.clone());
                        }
                        if out.len() >= 60 {
                            break;
                        }
                    }
                    Ok::<_, AppError>(out)
                })?;
                if !fresh.is_empty() {
                    app.create_call_list(
                        &r.head.actor,
                        &format!(
                            "Повторный обзвон {} — {}",
                            opts.today.format("%d.%m.%Y"),
                            c.actor.name
                        ),
                        Some(&c.actor.id),
                        &fresh,
                    )?;
                }
            }
        }
        app.db.flush()?;
    }

    let counts = app.db.tx(|tx| {
        let mut c = |sql: &str| -> AppResult<u64> {
            Ok(tx.query_one(sql, &[])?.map_or(0, |r| r.int(0)) as u64)
        };
        Ok::<_, AppError>((
            c("SELECT CAST(COUNT(*) AS BIGINT) FROM companies")?,
            c("SELECT CAST(COUNT(*) AS BIGINT) FROM leads")?,
            c("SELECT CAST(COUNT(*) AS BIGINT) FROM handoffs")?,
            c("SELECT CAST(COUNT(*) AS BIGINT) FROM companies WHERE att_kind = 'new_client'")?,
            c("SELECT CAST(COUNT(*) AS BIGINT) FROM payments")?,
        ))
    })?;
    // The alert log starts with what the standing rules raise on the last day.
    app.evaluate_alerts(crate::insight::alerts::Trigger::Command)?;
    app.db.finish()?;
    Ok(DemoSummary {
        logins: g.logins.clone(),
        password: DEMO_PASSWORD.into(),
        companies: counts.0,
        calls: g.calls,
        leads: counts.1,
        handoffs: counts.2,
        new_clients: counts.3,
        payments: counts.4,
        from,
        split_on,
        to: opts.today,
        weak_caller: g.weak_caller.clone(),
        idle_sales_manager: g.idle_sm.clone(),
    })
}

fn month_start_of(d: NaiveDate) -> NaiveDate {
    NaiveDate::from_ymd_opt(d.year(), d.month(), 1).unwrap_or(d)
}

fn set_targets(g: &Gen, regions: &[Region], period: &str, conveyor: bool) -> AppResult<()> {
    let admin = g.admin.clone();
    for r in regions {
        if conveyor {
            for p in &r.callers {
                g.app
                    .set_target(&admin, &p.actor.id, period, "leads_accepted", "12")?;
            }
            for p in &r.sms {
                g.app.set_target(
                    &admin,
                    &p.actor.id,
                    period,
                    "new_client_collections",
                    "250000",
                )?;
            }
            for p in &r.cms {
                g.app.set_target(
                    &admin,
                    &p.actor.id,
                    period,
                    "portfolio_collections",
                    "600000",
                )?;
            }
        } else {
            for p in &r.ums {
                g.app
                    .set_target(&admin, &p.actor.id, period, "own_collections", "500000")?;
            }
        }
    }
    Ok(())
}

/// The old way: universal managers find, win and serve their own clients.
fn universal_day(
    g: &mut Gen,
    regions: &[Region],
    ri: usize,
    day: NaiveDate,
    split_on: NaiveDate,
) -> AppResult<()> {
    let stop_new = split_on - Duration::days(45);
    for ui in 0..regions[ri].ums.len() {
        let um = regions[ri].ums[ui].actor.clone();
        // A few calls a day: serving the portfolio leaves little time to prospect.
        let list = g.call_lists.get(&um.id).cloned().unwrap_or_default();
        if list.is_empty() {
            continue;
        }
        for _ in 0..8 {
            let pos = g.call_pos.entry(um.id.clone()).or_insert(0);
            let company_id = list[*pos % list.len()].clone();
            *pos += 1;
            g.tick();
            let outcome = pick_outcome(&mut g.rng, 0.05);
            match log_call_claiming(
                &g.app,
                &um,
                NewCall {
                    company_id: company_id.clone(),
                    outcome: outcome.into(),
                    duration_sec: g.rng.random_range(20..400),
                    note: None,
                    lead_id: None,
                    callback_at: None,
                },
            ) {
                Ok(_) => g.calls += 1,
                Err(e) if expected(&e) => continue,
                Err(e) => return Err(e),
            }
            if outcome == "dm_interested" && day < stop_new && g.rng.random_bool(0.5) {
                let source =
                    ["inbound", "referral", "cold_call", "campaign"][g.rng.random_range(0..4)];
                let campaign = (source == "campaign").then(|| "Весенняя акция −20 %".to_string());
                match g.app.open_lead(
                    &um,
                    NewLead {
                        company_id,
                        source: Some(source.into()),
                        campaign,
                        ..Default::default()
                    },
                ) {
                    Ok(lead) => {
                        let region = &regions[ri];
                        g.plan_deal(&lead.id, &um.id, day, 0.30, region);
                    }
                    Err(e) if expected(&e) => {}
                    Err(e) => return Err(e),
                }
            }
        }
    }
    Ok(())
}

fn pick_outcome(rng: &mut ChaCha8Rng, interested: f64) -> &'static str {
    let x: f64 = rng.random_range(0.0..1.0);
    let mut acc = 0.0;
    for (o, p) in [
        ("dm_interested", interested),
        ("no_answer", 0.38),
        ("gatekeeper", 0.25),
        ("wrong_contact", 0.05),
        ("dm_callback", 0.10),
    ] {
        acc += p;
        if x < acc {
            return o;
        }
    }
    "dm_not_interested"
}

/// The split: two universal managers per region become client managers and keep their
/// clients; the others become sales managers and hand their clients over; callers are hired.
fn split(
    g: &mut Gen,
    regions: &mut [Region],
    next_pool: &mut BTreeMap<String, usize>,
    split_on: NaiveDate,
) -> AppResult<()> {
    g.at(split_on, 0);
    g.actors.clear();
    let admin = g.admin.clone();
    let scale = g.opts.scale.max(1) as usize;
    for (ri, r) in regions.iter_mut().enumerate() {
        let ums = std::mem::take(&mut r.ums);
        let half = ums.len() / 2;
        // One split per region, as a head would enter it (App::split): half the universal
        // managers become client managers and keep their clients, the others sales managers
        // whose clients are dealt in turn to the client managers.
        let mut plan = crate::conveyor::split::Split::default();
        let cms: Vec<String> = ums[..half].iter().map(|p| p.actor.id.clone()).collect();
        for (i, p) in ums.iter().enumerate() {
            let role = if i < half {
                "client_manager"
            } else {
                "sales_manager"
            };
            plan.roles.push(crate::conveyor::split::SplitRole {
                employee_id: p.actor.id.clone(),
                role: role.into(),
            });
            if i >= half && !cms.is_empty() {
                plan.moves.push(crate::conveyor::split::SplitMove {
                    from_id: p.actor.id.clone(),
                    to_ids: cms.clone(),
                    ..Default::default()
                });
            }
        }
        g.app.split(&admin, plan)?;
        for (i, mut p) in ums.into_iter().enumerate() {
            let role = if i < half {
                "client_manager"
            } else {
                "sales_manager"
            };
            g.refresh(&mut p)?;
            if let Some(l) = g.logins.iter_mut().find(|l| l.login == p.login) {
                l.role = format!("{role} (universal_manager before {split_on})");
            }
            if i < half {
                r.cms.push(p)
            } else {
                r.sms.push(p)
            }
        }
        for i in 1..=2 * scale {
            let p = g.person(
                format!("caller{i}.{}", r.code),
                "caller",
                Some((&r.id, region_name(r.code))),
                split_on,
            )?;
            r.callers.push(p);
        }
        // Each caller gets a call list from the region's base.
        let start = *next_pool.get(&r.id).unwrap_or(&0);
        let free: Vec<String> = r.pool[start.min(r.pool.len())..].to_vec();
        let per = free.len() / r.callers.len().max(1);
        for (ci, c) in r.callers.iter().enumerate() {
            let slice: Vec<String> = free[ci * per..(ci + 1) * per].to_vec();
            let list = g.app.create_call_list(
                &r.head.actor,
                &format!("База {} — {}", region_name(r.code), c.actor.name),
                Some(&c.actor.id),
                &slice,
            )?;
            g.call_lists.insert(c.actor.id.clone(), slice);
            g.call_pos.insert(c.actor.id.clone(), 0);
            let _ = list;
        }
        if ri == 1 {
            g.weak_caller = r.callers[0].login.clone();
            g.idle_sm = r.sms[0].login.clone();
        }
        // A sales manager's vacation: the assignment skips them.
        if ri == 0 && !r.sms.is_empty() {
            let vac = split_on + Duration::days(70);
            g.app.add_absence(
                &admin,
                &r.sms[0].actor.id,
                &vac.to_string(),
                &(vac + Duration::days(13)).to_string(),
                "vacation",
            )?;
        }
    }
    Ok(())
}

fn region_name(code: &str) -> &'static str {
    match code {
        "msk" => "Москва",
        "spb" => "Санкт-Петербург",
        _ => "Екатеринбург",
    }
}

/// The conveyor: callers call and hand over warm leads; sales managers decide.
fn conveyor_day(g: &mut Gen, regions: &[Region], ri: usize, day: NaiveDate) -> AppResult<()> {
    let r = &regions[ri];
    for c in &r.callers {
        let weak = c.login == g.weak_caller;
        let list = g.call_lists.get(&c.actor.id).cloned().unwrap_or_default();
        if list.is_empty() {
            continue;
        }
        let calls_today = g.rng.random_range(62..78);
        for _ in 0..calls_today {
            let pos = g.call_pos.entry(c.actor.id.clone()).or_insert(0);
            let company_id = list[*pos % list.len()].clone();
            *pos += 1;
            g.tick();
            let outcome = pick_outcome(&mut g.rng, 0.022);
            match log_call_claiming(
                &g.app,
                &c.actor,
                NewCall {
                    company_id: company_id.clone(),
                    outcome: outcome.into(),
                    duration_sec: g.rng.random_range(10..300),
                    note: None,
                    lead_id: None,
                    callback_at: None,
                },
            ) {
                Ok(_) => g.calls += 1,
                Err(e) if expected(&e) => continue,
                Err(e) => return Err(e),
            }
            if outcome != "dm_interested" || !g.rng.random_bool(0.48) {
                continue;
            }
            let lead = match g.app.open_lead(
                &c.actor,
                NewLead {
                    company_id,
                    source: Some("cold_call".into()),
                    ..Default::default()
                },
            ) {
                Ok(l) => l,
                Err(e) if expected(&e) => continue,
                Err(e) => return Err(e),
            };
            let mut answers = g.full_answers();
            // A tired caller sometimes forgets an item; the handoff is refused and names it.
            if g.rng.random_bool(0.12) {
                let mut partial = answers.clone();
                partial.remove("budget");
                match g.app.hand_off(
                    &c.actor,
                    &lead.id,
                    HandOffRequest {
                        checklist: partial,
                        receiver_id: None,
                        override_reason: None,
                    },
                ) {
                    Err(AppError::Rule(RuleError::ChecklistIncomplete { .. })) => {}
                    Err(e) => return Err(e),
                    Ok(_) => {
                        return Err(AppError::invalid(
                            "demo",
                            Text::new("err-demo-checklist-accepted"),
                        ));
                    }
                }
            }
            if weak {
                answers.insert("need".into(), "«пришлите прайс»".into());
            }
            let handed = match g.app.hand_off(
                &c.actor,
                &lead.id,
                HandOffRequest {
                    checklist: answers,
                    receiver_id: None,
                    override_reason: None,
                },
            ) {
                Ok(h) => h,
                Err(e) if expected(&e) => continue,
                Err(e) => return Err(e),
            };
            decide(
                g,
                r,
                &handed.handoff.receiver_id,
                &lead.id,
                &c.actor,
                weak,
                day,
                0,
            )?;
        }
    }
    Ok(())
}

/// The sales manager decides on a handed lead; a rejected lead is sometimes reworked and
/// handed again.
#[allow(clippy::too_many_arguments)]
fn decide(
    g: &mut Gen,
    r: &Region,
    receiver_id: &str,
    lead_id: &str,
    caller: &Actor,
    weak: bool,
    day: NaiveDate,
    round: u8,
) -> AppResult<()> {
    let sm = g.actor(receiver_id)?;
    g.tick();
    if g.rng.random_bool(if weak { 0.30 } else { 0.18 }) {
        let reason = REASONS[g.rng.random_range(0..REASONS.len())];
        let text = (reason == "other").then_some("ЛПР в отпуске до конца месяца");
        g.app.reject_lead(&sm, lead_id, reason, text)?;
        if round == 0 && g.rng.random_bool(0.35) {
            g.tick();
            let answers = g.full_answers();
            match g.app.hand_off(
                caller,
                lead_id,
                HandOffRequest {
                    checklist: answers,
                    receiver_id: None,
                    override_reason: None,
                },
            ) {
                Ok(h) => {
                    return decide(g, r, &h.handoff.receiver_id, lead_id, caller, weak, day, 1);
                }
                Err(e) if expected(&e) => {}
                Err(e) => return Err(e),
            }
        }
        g.app
            .lose_lead(caller, lead_id, "отказ менеджера по продажам")?;
        return Ok(());
    }
    g.app.accept_lead(&sm, lead_id)?;
    let p_win = if weak { 0.10 } else { 0.30 };
    g.plan_deal(lead_id, &sm.id, day, p_win, r);
    Ok(())
}

#[cfg(test)]
mod name_tests {
    #[test]
    fn surnames_agree_with_first_names() {
        assert_eq!(super::full_name(0, 1), "Анна Иванова");
        assert_eq!(super::full_name(1, 0), "Иван Смирнов");
        assert_eq!(super::full_name(2, 0), "Мария Смирнова");
        assert_eq!(super::full_name(3, 3), "Сергей Попов");
    }
}
