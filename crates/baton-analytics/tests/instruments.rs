//! The instruments of issue 4 on small hand-built inputs; every expected number is worked out
//! by hand in the comments.

use baton_analytics::aging::{InvoiceFact, aging};
use baton_analytics::diagnosis::Conclusion;
use baton_analytics::funnel::{Journey, View, cohort, funnel, median};
use baton_analytics::pairs::{HandoffFact, HandoffOutcome, pair_matrix};
use baton_analytics::retention::{ClientRevenue, retention};
use baton_domain::Money;
use chrono::NaiveDate;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn rub(r: i64) -> Money {
    Money::from_rubles(r)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-4
}

fn h(
    c: &str,
    s: &str,
    outcome: HandoffOutcome,
    reason: Option<&str>,
    conv: bool,
    coll: i64,
) -> HandoffFact {
    HandoffFact {
        caller: c.into(),
        sales_manager: s.into(),
        outcome,
        reason: reason.map(str::to_string),
        converted: conv,
        collections: rub(coll),
        age_days: None,
        paid_after_days: None,
    }
}

#[test]
fn the_matrix_counts_every_pair_and_rates_it() {
    use HandoffOutcome::*;
    let facts = vec![
        h("a", "x", Accepted, None, true, 100),
        h("a", "x", Accepted, None, false, 0),
        h("a", "x", Rejected, Some("not_dm"), false, 0),
        h("a", "y", Pending, None, false, 0),
        h("b", "x", Accepted, None, true, 50),
        h("b", "x", Reassigned, None, false, 0),
        h("b", "x", Rejected, None, false, 0),
    ];
    let m = pair_matrix(&facts).unwrap();
    assert_eq!(m.caller_ids, vec!["a", "b"]);
    assert_eq!(m.sales_manager_ids, vec!["x", "y"]);
    assert_eq!(m.pairs.len(), 3);
    let ax = &m.pairs[0];
    assert_eq!((ax.caller.as_str(), ax.sales_manager.as_str()), ("a", "x"));
    assert_eq!(
        (ax.handed, ax.accepted, ax.rejected, ax.converted),
        (3, 2, 1, 1)
    );
    assert_eq!(ax.rejected_by_reason.get("not_dm"), Some(&1));
    assert_eq!(ax.collections, rub(100));
    // Wilson, n = 2, p = ½, z = 1.96: centre (½ + z²/4)/(1 + z²/2) = ½; half-width
    // z·√(⅛ + z²/16)/(1 + z²/2) = 1.95996·0.60424/2.92073 = 0.40547 → 0.0945 – 0.9055.
    let c = ax.conversion.unwrap();
    assert!(
        close(c.rate, 0.5) && close(c.low, 0.09453) && close(c.high, 0.90547),
        "{c:?}"
    );
    let ay = &m.pairs[1];
    assert_eq!((ay.handed, ay.pending, ay.accepted), (1, 1, 0));
    assert!(ay.conversion.is_none());
    let bx = &m.pairs[2];
    assert_eq!(
        (bx.handed, bx.accepted, bx.reassigned, bx.rejected),
        (3, 1, 1, 1)
    );
    assert_eq!(bx.rejected_by_reason.get("other"), Some(&1));
    // Totals: 7 handed, 3 accepted, 2 rejected, 1 pending, 1 reassigned, 2 converted, 150 ₽.
    let t = &m.total;
    assert_eq!(
        (
            t.handed,
            t.accepted,
            t.rejected,
            t.pending,
            t.reassigned,
            t.converted
        ),
        (7, 3, 2, 1, 1, 2)
    );
    assert_eq!(t.collections, rub(150));
    assert_eq!(m.callers[0].handed, 4);
    assert_eq!(m.sales_managers[0].handed, 6);
    // Three accepted leads are far below the 50 a person needs: nobody is judged.
    assert!(matches!(
        m.diagnosis.conclusion,
        Conclusion::NotEnoughData { .. }
    ));
}

#[test]
fn with_the_leads_ages_a_young_unpaid_lead_is_open_and_the_lag_is_reported() {
    use HandoffOutcome::*;
    let aged = |conv: bool, age: u32, paid: Option<u32>| HandoffFact {
        age_days: Some(age),
        paid_after_days: paid,
        ..h("a", "x", Accepted, None, conv, 0)
    };
    let facts = vec![
        aged(true, 100, Some(10)),
        aged(true, 80, Some(30)),
        aged(false, 5, None),
        aged(false, 200, None),
        h("a", "x", Rejected, None, false, 0),
    ];
    let m = pair_matrix(&facts).unwrap();
    // Day 10: 3 leads followed up, one pays; day 30 has 2 < MIN_AT_RISK left, so F reaches 1 at
    // day 10 and only the lead aged 5 days is still open.
    assert_eq!(m.pairs[0].open, 1);
    assert_eq!(m.total.open, 1);
    let lag = m.lag.expect("a lag");
    assert_eq!(
        (lag.median_days, lag.p90_days, lag.horizon_days),
        (10, 10, 10)
    );
    // Without the ages nothing is open and no lag is reported.
    let plain: Vec<HandoffFact> = facts
        .iter()
        .map(|f| HandoffFact {
            age_days: None,
            ..f.clone()
        })
        .collect();
    let m = pair_matrix(&plain).unwrap();
    assert_eq!((m.total.open, m.lag), (0, None));
}

#[test]
fn an_empty_window_is_an_empty_matrix() {
    let m = pair_matrix(&[]).unwrap();
    assert!(m.pairs.is_empty());
    assert_eq!(m.total.handed, 0);
}

fn journey(steps: [Option<&str>; 8]) -> Journey {
    Journey {
        steps: steps.map(|s| s.map(d)),
    }
}

#[test]
fn the_funnel_has_two_views() {
    let j1 = journey([
        Some("2026-10-01"),
        Some("2026-10-01"),
        Some("2026-10-02"),
        Some("2026-10-05"),
        Some("2026-10-09"),
        Some("2026-10-20"),
        Some("2026-10-25"),
        Some("2026-11-20"),
    ]);
    let j2 = journey([
        Some("2026-10-10"),
        Some("2026-10-12"),
        Some("2026-10-15"),
        None,
        None,
        None,
        None,
        None,
    ]);
    let j3 = journey([
        Some("2026-09-20"),
        Some("2026-09-25"),
        Some("2026-10-01"),
        Some("2026-10-03"),
        None,
        None,
        None,
        None,
    ]);
    let all = [j1, j2, j3];
    let (from, to) = (d("2026-10-01"), d("2026-10-31"));

    // By cohort: j1 and j2 were first called in October; j3 in September is outside.
    let c = funnel(&all, View::Cohort, from, to);
    let counts: Vec<u64> = c.steps.iter().map(|s| s.count).collect();
    assert_eq!(counts, vec![2, 2, 2, 1, 1, 1, 1, 1]);
    assert_eq!(c.steps[0].from_previous, None);
    assert_eq!(c.steps[3].from_previous, Some(0.5));
    // Days call → DM: j1 0, j2 2 → median 1; DM → warm: 1 and 3 → 2; then j1 alone: 3, 4, 11,
    // 5, and 26 days to the second order (25 October → 20 November).
    let med: Vec<Option<f64>> = c
        .steps
        .iter()
        .map(|s| s.median_days_from_previous)
        .collect();
    assert_eq!(
        med,
        vec![
            None,
            Some(1.0),
            Some(2.0),
            Some(3.0),
            Some(4.0),
            Some(11.0),
            Some(5.0),
            Some(26.0)
        ]
    );

    // By activity: each step's first time in October, whoever started when.
    let a = funnel(&all, View::Activity, from, to);
    let counts: Vec<u64> = a.steps.iter().map(|s| s.count).collect();
    assert_eq!(counts, vec![2, 2, 3, 2, 1, 1, 1, 0]);
    // Throughput, not a conversion: no ratio between the steps (issue 16; it was 3 / 2 = 150 %
    // here between conversations and warm leads).
    assert!(a.steps.iter().all(|s| s.from_previous.is_none()));
    // DM → warm for j1 (1), j2 (3), j3 (6: 25 September → 1 October): median 3; warm → accepted:
    // j1 3, j3 2 → 2.5; no second order in October → none.
    assert_eq!(a.steps[2].median_days_from_previous, Some(3.0));
    assert_eq!(a.steps[3].median_days_from_previous, Some(2.5));
    assert_eq!(a.steps[7].median_days_from_previous, None);
}

#[test]
fn the_cohort_seen_today_counts_young_companies_as_not_yet() {
    // Seen on 2026-04-30, 24 companies called in January–April: 20 called on 01-20 (100 days
    // ago) never reached the decision maker; one called 03-11 reached them 10 days later, one
    // called 03-21 after 20 days; two called 04-15 and 03-31 (15 and 30 days ago) not yet.
    // Kaplan–Meier (as in the censoring unit test): day 10, 24 followed up, one → 23/24; day 20,
    // 22 followed up, one → 23/24 · 21/22. Eventual share: 1 − 483/528 = 45/528; F(10) = 22/45.
    // Open: the company 15 days in (F = 22/45 < 0.9); the one 30 days in is past F = 1.
    let mut journeys: Vec<Journey> = (0..20)
        .map(|_| journey([Some("2026-01-20"), None, None, None, None, None, None, None]))
        .collect();
    for (called, reached) in [
        ("2026-03-11", Some("2026-03-21")),
        ("2026-03-21", Some("2026-04-10")),
        ("2026-04-15", None),
        ("2026-03-31", None),
    ] {
        journeys.push(journey([
            Some(called),
            reached,
            None,
            None,
            None,
            None,
            None,
            None,
        ]));
    }
    let f = cohort(&journeys, d("2026-01-01"), d("2026-04-30"), d("2026-04-30")).unwrap();
    let dm = &f.steps[1];
    assert_eq!(dm.count, 2);
    assert!(close(dm.from_previous.unwrap(), 2.0 / 24.0));
    assert_eq!(dm.open, Some(1));
    assert!(close(dm.eventual_from_previous.unwrap(), 45.0 / 528.0));
    // No one reached the next step, so there is no share after a zero and nothing to estimate.
    assert_eq!(
        (f.steps[2].open, f.steps[2].eventual_from_previous),
        (None, None)
    );
    assert_eq!(f.steps[0].open, None);
    // The plain cohort view is unchanged.
    let plain = funnel(&journeys, View::Cohort, d("2026-01-01"), d("2026-04-30"));
    assert_eq!(plain.steps[1].open, None);
    assert_eq!(plain.steps[1].count, 2);
}

#[test]
fn median_of_days() {
    assert_eq!(median(vec![]), None);
    assert_eq!(median(vec![5, 1, 3]), Some(3.0));
    assert_eq!(median(vec![4, 1, 3, 10]), Some(3.5));
}

#[allow(clippy::too_many_arguments)]
fn inv(
    owner: Option<&str>,
    issued: &str,
    due: &str,
    amount: i64,
    paid: i64,
    credited: i64,
) -> InvoiceFact {
    InvoiceFact {
        owner: owner.map(str::to_string),
        issued_on: d(issued),
        due_on: d(due),
        amount: rub(amount),
        paid: rub(paid),
        credited: rub(credited),
        credited_in_window: Money::ZERO,
    }
}

#[test]
fn receivables_fall_into_buckets_and_dso() {
    let invoices = vec![
        // k1: 600 open, 51 days overdue (10 October → 30 November) → 31–60.
        inv(Some("k1"), "2026-10-01", "2026-10-10", 1000, 400, 0),
        // k1: due after the day → not due.
        inv(Some("k1"), "2026-11-20", "2026-12-05", 500, 0, 0),
        // k1: due on the day and paid: nothing open.
        inv(Some("k1"), "2026-11-01", "2026-11-30", 200, 200, 0),
        // nobody's: 300 less a 100 credit note, 173 days overdue → 90+; issued before the window.
        inv(None, "2026-06-01", "2026-06-10", 300, 0, 100),
        // k2: exactly 30 days overdue → 0–30.
        inv(Some("k2"), "2026-10-20", "2026-10-31", 1000, 0, 0),
        // k2: 91 days overdue (31 August → 30 November) → 90+; issued before the window.
        inv(Some("k2"), "2026-08-01", "2026-08-31", 100, 0, 0),
        // Issued after the day: ignored.
        inv(Some("k2"), "2026-12-01", "2026-12-10", 999, 0, 0),
    ];
    let a = aging(&invoices, d("2026-11-30"), 90);
    // The window is 2 September – 30 November.
    assert_eq!(a.rows.len(), 3);
    let none = &a.rows[0];
    assert_eq!(none.owner, None);
    assert_eq!(none.buckets.d90_plus, rub(200));
    assert_eq!(none.dso_days, None);
    let k1 = &a.rows[1];
    assert_eq!(
        (
            k1.buckets.not_due,
            k1.buckets.d31_60,
            k1.buckets.total,
            k1.buckets.invoices
        ),
        (rub(500), rub(600), rub(1100), 2)
    );
    assert_eq!(k1.buckets.overdue(), rub(600));
    // Revenue 1000 + 500 + 200 = 1700; DSO = 90 × 1100 / 1700 = 58.2353.
    assert_eq!(k1.revenue, rub(1700));
    assert!(close(k1.dso_days.unwrap(), 58.235_294));
    let k2 = &a.rows[2];
    assert_eq!(
        (k2.buckets.d0_30, k2.buckets.d90_plus),
        (rub(1000), rub(100))
    );
    // Revenue 1000 (the August invoice is before the window): 90 × 1100 / 1000 = 99.
    assert!(close(k2.dso_days.unwrap(), 99.0));
    let t = &a.total.buckets;
    assert_eq!(
        (t.not_due, t.d0_30, t.d31_60, t.d61_90, t.d90_plus, t.total),
        (
            rub(500),
            rub(1000),
            rub(600),
            Money::ZERO,
            rub(300),
            rub(2400)
        )
    );
    // 90 × 2400 / 2700 = 80.
    assert_eq!(a.total.revenue, rub(2700));
    assert!(close(a.total.dso_days.unwrap(), 80.0));
}

#[test]
fn a_credit_note_in_the_window_reduces_its_revenue() {
    let mut i = inv(Some("k1"), "2026-11-01", "2026-11-10", 1000, 0, 400);
    i.credited_in_window = rub(400);
    let a = aging(&[i], d("2026-11-30"), 30);
    // Open 600, 20 days overdue; revenue 1000 − 400 = 600 → DSO = 30 × 600 / 600 = 30.
    assert_eq!(a.total.buckets.d0_30, rub(600));
    assert_eq!(a.total.revenue, rub(600));
    assert!(close(a.total.dso_days.unwrap(), 30.0));
}

fn client(owner: &str, base: i64, current: i64) -> ClientRevenue {
    ClientRevenue {
        owner: Some(owner.into()),
        base: rub(base),
        current: rub(current),
    }
}

#[test]
fn retention_matches_the_domain_brief_example() {
    // Domain brief §5.6: start 1 000 000; churn 70 000; contraction 20 000; expansion 120 000
    // → NRR 103 %, GRR 91 %.
    let r = retention(&[
        client("k1", 500_000, 620_000),
        client("k1", 300_000, 280_000),
        client("k1", 130_000, 130_000),
        client("k2", 70_000, 0),
        client("k2", 0, 50_000),
    ]);
    let t = &r.total;
    assert_eq!(t.start_revenue, rub(1_000_000));
    assert_eq!(
        (t.expansion, t.contraction, t.churn),
        (rub(120_000), rub(20_000), rub(70_000))
    );
    assert!(close(t.nrr.unwrap(), 1.03));
    assert!(close(t.grr.unwrap(), 0.91));
    assert_eq!(t.kept_revenue, rub(910_000));
    assert_eq!(
        (t.clients_at_start, t.clients_kept, t.clients_lost),
        (4, 3, 1)
    );
    assert!(close(t.logo_churn.unwrap(), 0.25));
    assert_eq!((t.new_clients, t.new_revenue), (1, rub(50_000)));
    // k1: start 930 000 → NRR 1 030 000 / 930 000 = 1.107527, GRR 910 000 / 930 000 = 0.978495.
    let k1 = &r.rows[0];
    assert!(close(k1.nrr.unwrap(), 1.107_527) && close(k1.grr.unwrap(), 0.978_495));
    // k2: the one client at start was lost: NRR = GRR = 0, logo churn 100 %.
    let k2 = &r.rows[1];
    assert_eq!(
        (k2.nrr, k2.grr, k2.logo_churn),
        (Some(0.0), Some(0.0), Some(1.0))
    );
    assert_eq!(k2.new_clients, 1);
}

#[test]
fn cost_per_client_is_exact_to_the_kopeck() {
    use baton_analytics::costs::{CostInputs, cost_row, per};
    // 100 000,00 ₽ / 3 = 33 333,333… → 33 333,33; 0,05 ₽ / 2 = 2,5 kopecks → 3 (half away from 0).
    assert_eq!(per(rub(100_000), 3), Some(Money::from_kopecks(3_333_333)));
    assert_eq!(per(Money::from_kopecks(5), 2), Some(Money::from_kopecks(3)));
    assert_eq!(
        per(Money::from_kopecks(-5), 2),
        Some(Money::from_kopecks(-3))
    );
    assert_eq!(per(rub(1), 0), None);
    // Domain brief §5.3: call department 240 000, sales 280 000, lists 20 000; 26 accepted, 7
    // new clients. Here the call department's 240 000 is 220 000 pay + the 20 000 lists.
    let row = cost_row(
        "2026-10",
        Some("msk".into()),
        CostInputs {
            caller_pay: rub(220_000),
            sales_pay: rub(280_000),
            client_manager_pay: rub(120_000),
            other_costs: rub(20_000),
            new_clients: 7,
            accepted_leads: 26,
            active_clients: 60,
            new_client_revenue: rub(420_000),
        },
        3,
    );
    // 520 000 / 7 = 74 285,714… → 74 285,71 (the brief's 77 143 also loads the lists twice).
    assert_eq!(row.acquisition_cost, rub(520_000));
    assert_eq!(row.cost_per_client, Some(Money::from_kopecks(7_428_571)));
    // (220 000 + 20 000) / 26 = 9 230,769… → 9 230,77, the brief's 9 231.
    assert_eq!(
        row.cost_per_accepted_lead,
        Some(Money::from_kopecks(923_077))
    );
    // 120 000 / 60 = 2 000, the brief's cost to serve.
    assert_eq!(row.cost_to_serve_per_client, Some(rub(2_000)));
    // 420 000 / 7 = 60 000 in three months; payback 3 × 520 000 / 420 000 = 3.714 months.
    assert_eq!(row.revenue_per_new_client, Some(rub(60_000)));
    assert!(close(row.payback_months.unwrap(), 3.714_285_7));
}

#[test]
fn alerts_fire_by_their_rules() {
    use baton_analytics::alerts::*;
    let who = |id: &str| Who {
        id: id.into(),
        label: id.into(),
    };
    let today = d("2026-11-27");
    // Three months before 27 November is 27 August.
    let sms = vec![
        // Last new client 26 August: before the cut → alert.
        SalesManagerFact {
            who: who("s1"),
            since: d("2025-01-01"),
            last_new_client: Some(d("2026-08-26")),
        },
        // 27 August is on the cut: no alert.
        SalesManagerFact {
            who: who("s2"),
            since: d("2025-01-01"),
            last_new_client: Some(d("2026-08-27")),
        },
        // New in the role (since 1 October): not judged yet.
        SalesManagerFact {
            who: who("s3"),
            since: d("2026-10-01"),
            last_new_client: None,
        },
        // Never a client, in the role for a year → alert.
        SalesManagerFact {
            who: who("s4"),
            since: d("2025-11-01"),
            last_new_client: None,
        },
    ];
    let a = no_new_client(&sms, today, 3);
    assert_eq!(
        a.iter().map(|x| x.person.id.as_str()).collect::<Vec<_>>(),
        vec!["s1", "s4"]
    );

    let pending = vec![
        PendingHandoff {
            receiver: who("s2"),
            handoff_id: "h1".into(),
            lead_id: "l1".into(),
            hours_late: 5,
        },
        PendingHandoff {
            receiver: who("s2"),
            handoff_id: "h2".into(),
            lead_id: "l2".into(),
            hours_late: 30,
        },
        PendingHandoff {
            receiver: who("s1"),
            handoff_id: "h3".into(),
            lead_id: "l3".into(),
            hours_late: 0,
        },
    ];
    let a = leads_past_sla(&pending);
    assert_eq!(a.len(), 1);
    assert_eq!(a[0].records, vec!["l1", "l2"]);
    assert!(a[0].message.contains("2 warm lead(s)") && a[0].message.contains("30 h"));

    let deals = vec![
        OpenDeal {
            owner: who("s1"),
            lead_id: "l4".into(),
            last_activity: d("2026-11-13"),
        }, // 14 days
        OpenDeal {
            owner: who("s1"),
            lead_id: "l5".into(),
            last_activity: d("2026-11-14"),
        }, // 13 days
    ];
    let a = stale_deals(&deals, today, 14);
    assert_eq!(a.len(), 1);
    assert_eq!(a[0].records, vec!["l4"]);

    let invoices = vec![
        OpenInvoice {
            owner: who("k1"),
            invoice_id: "i1".into(),
            due_on: d("2026-11-27"),
        }, // not overdue
        OpenInvoice {
            owner: who("k1"),
            invoice_id: "i2".into(),
            due_on: d("2026-10-28"),
        }, // 30 days
        OpenInvoice {
            owner: who("k1"),
            invoice_id: "i3".into(),
            due_on: d("2026-10-27"),
        }, // 31 days
        OpenInvoice {
            owner: who("k1"),
            invoice_id: "i4".into(),
            due_on: d("2026-08-28"),
        }, // 91 days
    ];
    let a = overdue_invoices(&invoices, today);
    let got: Vec<(&str, Vec<String>)> = a
        .iter()
        .map(|x| {
            (
                x.message.rsplit(" overdue ").next().unwrap_or(""),
                x.records.clone(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("0–30 days", vec!["i2".to_string()]),
            ("31–60 days", vec!["i3".to_string()]),
            ("90+ days", vec!["i4".to_string()]),
        ]
    );

    let clients = vec![
        ClientFact {
            manager: who("k1"),
            company_id: "c1".into(),
            last_order: Some(d("2026-08-20")),
            client_since: d("2026-01-01"),
        },
        ClientFact {
            manager: who("k1"),
            company_id: "c2".into(),
            last_order: Some(d("2026-09-01")),
            client_since: d("2026-01-01"),
        },
        ClientFact {
            manager: who("k1"),
            company_id: "c3".into(),
            last_order: None,
            client_since: d("2026-10-01"),
        },
    ];
    let a = clients_without_order(&clients, today, 3);
    assert_eq!(a.len(), 1);
    assert_eq!(a[0].records, vec!["c1"]);
}
