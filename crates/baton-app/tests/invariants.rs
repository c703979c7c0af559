//! Invariants over random sequences of use cases on a real database: every change leaves
//! exactly one audit event, a lead always has exactly one owner, and attribution never
//! changes once set. (One active claim per company is property-tested in the domain.)

mod common;

use baton_app::conveyor::companies::NewCompany;
use baton_app::conveyor::deals::{NewContract, NewInvoice, NewPayment};
use baton_app::conveyor::leads::{HandOffRequest, NewLead};
use baton_domain::Money;
use baton_store::records::{Company, LeadRow};
use baton_store::{Filter, StoreError};
use common::World;
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Step {
    Call(usize, usize),
    Open(usize, usize),
    HandOff(usize, bool),
    Accept(usize, usize),
    Reject(usize, usize),
    Sign(usize),
    Pay(usize),
    Wait(i64),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (0usize..2, 0usize..3).prop_map(|(a, c)| Step::Call(a, c)),
        (0usize..2, 0usize..3).prop_map(|(a, c)| Step::Open(a, c)),
        (0usize..3, any::<bool>()).prop_map(|(c, full)| Step::HandOff(c, full)),
        (0usize..2, 0usize..3).prop_map(|(s, c)| Step::Accept(s, c)),
        (0usize..2, 0usize..3).prop_map(|(s, c)| Step::Reject(s, c)),
        (0usize..3).prop_map(Step::Sign),
        (0usize..3).prop_map(Step::Pay),
        (1i64..40).prop_map(Step::Wait),
    ]
}

fn answers(full: bool) -> baton_domain::lead::Answers {
    let mut a = baton_domain::lead::Answers::new();
    for k in ["decision_maker", "need", "budget", "timing", "next_step"] {
        if full || k != "budget" {
            a.insert(k.into(), "да".into());
        }
    }
    a
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, .. ProptestConfig::default() })]
    #[test]
    fn conveyor_invariants(steps in proptest::collection::vec(step(), 1..40)) {
        let w = World::new("2026-03-02T07:00:00Z", 1);
        let (app, clock, admin, region, scratch) = (&w.app, &w.clock, &w.admin, w.region.clone(), &w.scratch);
        let mk = |login: &str, role: &str| w.person(login, role);
        let callers = [mk("c1", "caller"), mk("c2", "caller")];
        let sellers = [mk("s1", "sales_manager"), mk("s2", "sales_manager")];
        let _cm = mk("k1", "client_manager");
        let companies: Vec<String> = (0..3u32)
            .map(|i| app.create_company(admin, NewCompany { inn: baton_domain::Inn::legal_from_body(700 + i).to_string(), name: format!("Фирма {i}"), region_id: Some(region.clone()), ..Default::default() }).unwrap().company.id)
            .collect();
        let lead_of = |c: usize| -> Option<LeadRow> {
            scratch.db.tx(|tx| Ok::<_, StoreError>(tx.list::<LeadRow>(&Filter::new().eq("company_id", companies[c].as_str()).order("created_at", true))?.into_iter().next())).unwrap()
        };
        let mut attributions: std::collections::BTreeMap<String, (Option<String>, Option<String>)> = Default::default();
        for st in steps {
            // Refusals are part of the game; only panics and broken invariants fail.
            let _ = match st {
                Step::Call(a, c) => app.log_call(&callers[a], baton_app::conveyor::calls::NewCall { company_id: companies[c].clone(), outcome: "dm_interested".into(), duration_sec: 30, note: None, lead_id: None, callback_at: None }).map(|_| ()),
                Step::Open(a, c) => app.open_lead(&callers[a], NewLead { company_id: companies[c].clone(), ..Default::default() }).map(|_| ()),
                Step::HandOff(c, full) => match lead_of(c) {
                    Some(l) => callers.iter().find(|a| Some(&a.id) == l.caller_id.as_ref()).map_or(Ok(()), |a| app.hand_off(a, &l.id, HandOffRequest { checklist: answers(full), receiver_id: None, override_reason: None  }).map(|_| ())),
                    None => Ok(()),
                },
                Step::Accept(s, c) => lead_of(c).map_or(Ok(()), |l| app.accept_lead(&sellers[s], &l.id).map(|_| ())),
                Step::Reject(s, c) => lead_of(c).map_or(Ok(()), |l| app.reject_lead(&sellers[s], &l.id, "no_need", None).map(|_| ())),
                Step::Sign(c) => match lead_of(c) {
                    Some(l) => sellers.iter().find(|s| s.id == l.owner_id).map_or(Ok(()), |s| app.sign_contract(s, &l.id, NewContract { number: None, signed_on: None, amount: Some(Money::from_rubles(1000)), lines: vec![] }).map(|_| ())),
                    None => Ok(()),
                },
                Step::Pay(c) => match lead_of(c) {
                    Some(l) if l.stage == "contract" => {
                        let s = sellers.iter().find(|s| s.id == l.owner_id).unwrap();
                        let inv = app.create_invoice(s, NewInvoice { company_id: companies[c].clone(), contract_id: None, order_id: None, number: None, issued_on: None, due_on: None, amount: Money::from_rubles(1000) }).unwrap();
                        app.record_payment(s, NewPayment { invoice_id: inv.id, paid_on: None, amount: Money::from_rubles(1000) }).map(|_| ())
                    }
                    _ => Ok(()),
                },
                Step::Wait(days) => { clock.advance(chrono::Duration::days(days)); Ok(()) }
            };
            type Seen = (Vec<(LeadRow, i64)>, Vec<(Company, i64)>);
            let (leads, comps): Seen = scratch.db.tx(|tx| {
                let count = |tx: &mut baton_store::Tx<'_>, entity: &str, id: &str| -> Result<i64, StoreError> {
                    Ok(tx.query_one("SELECT CAST(COUNT(*) AS BIGINT) FROM audit_events WHERE entity = ? AND entity_id = ?", &[entity.into(), id.into()])?.map_or(0, |r| r.int(0)))
                };
                let mut leads = Vec::new();
                for l in tx.list::<LeadRow>(&Filter::new())? {
                    let n = count(tx, "lead", &l.id)?;
                    leads.push((l, n));
                }
                let mut comps = Vec::new();
                for c in tx.list::<Company>(&Filter::new())? {
                    let n = count(tx, "company", &c.id)?;
                    comps.push((c, n));
                }
                Ok::<_, StoreError>((leads, comps))
            }).unwrap();
            for (l, events) in leads {
                prop_assert_eq!(events, l.version + 1, "one event per change of lead {}", l.id);
                let participants = [l.caller_id.clone(), l.seller_id.clone()];
                prop_assert!(participants.contains(&Some(l.owner_id.clone())), "the owner is the caller or the seller");
            }
            for (c, events) in comps {
                prop_assert_eq!(events, c.version + 1, "one event per change of company {}", c.id);
                if c.att_seller_id.is_some() {
                    let now_att = (c.att_caller_id.clone(), c.att_seller_id.clone());
                    let before = attributions.entry(c.id.clone()).or_insert(now_att.clone());
                    prop_assert_eq!(&*before, &now_att, "attribution never changes");
                }
            }
        }
    }
}
