//! The funnel's running tallies (migration 0005, docs/reports.md "Funnel"): each company's
//! journey — the first local date it reached each step — and the events per local day, region,
//! person, source and step. The use cases that write those events call in here inside their own
//! transaction, so the funnel reads a few thousand rows instead of grouping every activity.
//! [`rebuild`] recomputes both from the records: once for a database from before the tallies,
//! and after every import.

use crate::error::AppResult;
use crate::insight::{day, local_day};
use baton_store::{Tx, Value};
use chrono::NaiveDate;
use chrono_tz::Tz;
use std::collections::{BTreeMap, HashMap};

/// A step of a company's journey, with its column in `journeys`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    Call,
    DecisionMaker,
    WarmLead,
    Accepted,
    Meeting,
    Contract,
    Payment,
    SecondOrder,
}

/// The leads (`l`) a universal manager opened for themselves, without a caller and without a
/// warm-lead handoff, while holding that role: the funnel and the matrix count each as a warm
/// lead handed by them to themselves and accepted. (A sales manager's own lead earns no caller
/// credit, PRODUCT.md §2, and stays out.)
pub(crate) const UNIVERSAL_OWN: &str = "l.caller_id IS NULL AND l.seller_id = l.owner_id \
     AND NOT EXISTS (SELECT 1 FROM handoffs h WHERE h.lead_id = l.id AND h.kind = 'lead') \
     AND EXISTS (SELECT 1 FROM role_assignments ra WHERE ra.employee_id = l.owner_id \
       AND ra.role = 'universal_manager' AND ra.valid_from <= substr(l.created_at, 1, 10) \
       AND (ra.valid_to IS NULL OR ra.valid_to > substr(l.created_at, 1, 10)))";

/// The journey's date columns, in funnel order.
pub(crate) const COLUMNS: [&str; 8] = [
    "first_call_on",
    "first_dm_on",
    "first_warm_on",
    "first_accepted_on",
    "first_meeting_on",
    "first_contract_on",
    "first_payment_on",
    "second_order_on",
];

impl Step {
    fn column(self) -> &'static str {
        COLUMNS[self as usize]
    }
}

/// The steps counted as events (the funnel's activity view); the later steps happen once per
/// company and are read from the journeys.
pub(crate) const EVENT_STEPS: [&str; 5] = [
    "calls",
    "dm_conversations",
    "warm_leads",
    "accepted",
    "meetings",
];

/// The company's journey row, made from the company if it has none yet.
fn ensure(tx: &mut Tx<'_>, company_id: &str) -> AppResult<()> {
    tx.exec(
        "INSERT INTO journeys (id, region_id, source) SELECT id, region_id, source FROM companies WHERE id = ? \
         ON CONFLICT (id) DO NOTHING",
        &[company_id.into()],
    )?;
    Ok(())
}

/// The company reached each of `steps` on `on` (kept where it is the first time), and `person`
/// did one event of each of `events` there. One call per write: the journey row is made, moved
/// and read once however many steps and events the write counts (a DM call counts four).
pub(crate) fn arrived(
    tx: &mut Tx<'_>,
    company_id: &str,
    person_id: &str,
    on: NaiveDate,
    steps: &[Step],
    events: &[&str],
) -> AppResult<()> {
    ensure(tx, company_id)?;
    let on = on.to_string();
    if !steps.is_empty() {
        let earlier = |c: &str| format!("({c} IS NULL OR {c} > ?)");
        let sets: Vec<String> = steps
            .iter()
            .map(|s| {
                let c = s.column();
                format!("{c} = CASE WHEN {} THEN ? ELSE {c} END", earlier(c))
            })
            .collect();
        let wheres: Vec<String> = steps.iter().map(|s| earlier(s.column())).collect();
        let mut vals: Vec<Value> = Vec::with_capacity(3 * steps.len() + 1);
        for _ in steps {
            vals.push(on.as_str().into());
            vals.push(on.as_str().into());
        }
        vals.push(company_id.into());
        vals.extend(steps.iter().map(|_| Value::from(on.as_str())));
        tx.exec(
            &format!(
                "UPDATE journeys SET {} WHERE id = ? AND ({})",
                sets.join(", "),
                wheres.join(" OR ")
            ),
            &vals,
        )?;
    }
    if events.is_empty() {
        return Ok(());
    }
    let Some(r) = tx.query_one(
        "SELECT region_id, COALESCE(lead_source, source) FROM journeys WHERE id = ?",
        &[company_id.into()],
    )?
    else {
        return Ok(());
    };
    let (region, source) = (r.text(0), r.text(1));
    for step in events {
        add_events(tx, &on, &region, person_id, &source, step, 1)?;
    }
    Ok(())
}

/// A lead was opened for the company at `at`. Its first lead's source becomes the company's in
/// the funnel, for its whole history: the events it already has (calls, conversations, meetings
/// outside a lead — the other steps need a lead) move from its own source to the lead's.
pub(crate) fn lead_opened(
    tx: &mut Tx<'_>,
    company_id: &str,
    source: &str,
    at: &str,
) -> AppResult<()> {
    ensure(tx, company_id)?;
    let Some(r) = tx.query_one(
        "SELECT region_id, source, lead_source FROM journeys WHERE id = ?",
        &[company_id.into()],
    )?
    else {
        return Ok(());
    };
    if r.opt_text(2).is_some() {
        return Ok(());
    }
    let (region, old) = (r.text(0), r.text(1));
    tx.exec(
        "UPDATE journeys SET lead_source = ?, lead_opened_at = ? WHERE id = ?",
        &[source.into(), at.into(), company_id.into()],
    )?;
    if old == source {
        return Ok(());
    }
    let mut moved: Vec<(String, String, &'static str, i64)> = Vec::new();
    for r in tx.query(
        "SELECT local_date, actor_id, CAST(COUNT(*) AS BIGINT), CAST(SUM(CASE WHEN outcome LIKE 'dm_%' THEN 1 ELSE 0 END) AS BIGINT) \
         FROM activities WHERE company_id = ? AND kind = 'call' GROUP BY local_date, actor_id",
        &[company_id.into()],
    )? {
        moved.push((r.text(0), r.text(1), "calls", r.int(2)));
        moved.push((r.text(0), r.text(1), "dm_conversations", r.int(3)));
    }
    for r in tx.query(
        "SELECT local_date, actor_id, CAST(COUNT(*) AS BIGINT) FROM activities WHERE company_id = ? AND kind = 'meeting' \
         AND lead_id IS NULL AND (outcome IS NULL OR outcome <> 'kickoff') GROUP BY local_date, actor_id",
        &[company_id.into()],
    )? {
        moved.push((r.text(0), r.text(1), "meetings", r.int(2)));
    }
    for (on, person, step, n) in moved.into_iter().filter(|m| m.3 > 0) {
        let from = format!("{on}|{region}|{person}|{old}|{step}");
        tx.exec(
            "UPDATE funnel_events SET events = events - ? WHERE id = ?",
            &[n.into(), from.as_str().into()],
        )?;
        tx.exec(
            "DELETE FROM funnel_events WHERE id = ? AND events <= 0",
            &[from.into()],
        )?;
        add_events(tx, &on, &region, &person, source, step, n)?;
    }
    Ok(())
}

/// Adds `n` events to one tally.
fn add_events(
    tx: &mut Tx<'_>,
    on: &str,
    region: &str,
    person: &str,
    source: &str,
    step: &str,
    n: i64,
) -> AppResult<()> {
    let id = format!("{on}|{region}|{person}|{source}|{step}");
    tx.exec(
        "INSERT INTO funnel_events (id, day, region_id, person_id, source, step, events) VALUES (?, ?, ?, ?, ?, ?, ?) \
         ON CONFLICT (id) DO UPDATE SET events = funnel_events.events + excluded.events",
        &[
            id.into(),
            on.into(),
            region.into(),
            person.into(),
            source.into(),
            step.into(),
            n.into(),
        ],
    )?;
    Ok(())
}

/// The first payment and the second order (the first payment of a second invoice) of one
/// company, from its payments.
pub(crate) fn payments_changed(tx: &mut Tx<'_>, company_id: &str) -> AppResult<()> {
    ensure(tx, company_id)?;
    let (first, second) = paid_invoices(
        tx.query(
            "SELECT invoice_id, MIN(paid_on) FROM payments WHERE company_id = ? AND amount > 0 GROUP BY invoice_id",
            &[company_id.into()],
        )?
        .iter()
        .filter_map(|r| day(&r.text(1))),
    );
    tx.exec(
        "UPDATE journeys SET first_payment_on = ?, second_order_on = ? WHERE id = ?",
        &[
            first.map(|d| d.to_string()).into(),
            second.map(|d| d.to_string()).into(),
            company_id.into(),
        ],
    )?;
    Ok(())
}

/// A company without money history was merged into `into_id`: its steps count for the other
/// (the earlier date of each wins); its events stay where and when they happened.
pub(crate) fn merged(tx: &mut Tx<'_>, company_id: &str, into_id: &str) -> AppResult<()> {
    let Some(r) = tx.query_one(
        &format!(
            "SELECT lead_source, lead_opened_at, {} FROM journeys WHERE id = ?",
            COLUMNS.join(", ")
        ),
        &[company_id.into()],
    )?
    else {
        return Ok(());
    };
    if let (Some(source), Some(at)) = (r.opt_text(0), r.opt_text(1)) {
        lead_opened(tx, into_id, &source, &at)?;
    }
    let steps = [
        Step::Call,
        Step::DecisionMaker,
        Step::WarmLead,
        Step::Accepted,
        Step::Meeting,
        Step::Contract,
        Step::Payment,
        Step::SecondOrder,
    ];
    for (i, step) in steps.into_iter().enumerate() {
        if let Some(on) = r.opt_text(i + 2).and_then(|d| day(&d)) {
            arrived(tx, into_id, "", on, &[step], &[])?;
        }
    }
    tx.exec("DELETE FROM journeys WHERE id = ?", &[company_id.into()])?;
    Ok(())
}

/// The first and second of the invoices' first payment dates.
fn paid_invoices(dates: impl Iterator<Item = NaiveDate>) -> (Option<NaiveDate>, Option<NaiveDate>) {
    let mut dates: Vec<NaiveDate> = dates.collect();
    dates.sort_unstable();
    (dates.first().copied(), dates.get(1).copied())
}

fn earliest(slot: &mut Option<NaiveDate>, d: Option<NaiveDate>) {
    if let Some(d) = d
        && slot.is_none_or(|s| d < s)
    {
        *slot = Some(d);
    }
}

#[derive(Default)]
struct Journey {
    region: String,
    source: String,
    /// The first lead's source and when it was opened.
    lead: Option<(String, String)>,
    steps: [Option<NaiveDate>; 8],
}

impl Journey {
    /// The company's source in the funnel: its first lead's, its own when it has no lead.
    fn funnel_source(&self) -> String {
        match &self.lead {
            Some((source, _)) => source.clone(),
            None => self.source.clone(),
        }
    }
}

/// Whether the tallies were built for this database.
pub(crate) fn built(tx: &mut Tx<'_>) -> AppResult<bool> {
    Ok(tx
        .query_one("SELECT id FROM journey_builds WHERE id = 'funnel'", &[])?
        .is_some())
}

/// Recomputes every journey and every event from the records.
pub(crate) fn rebuild(tx: &mut Tx<'_>, tz: &Tz, now: &str) -> AppResult<()> {
    tx.exec("DELETE FROM funnel_events", &[])?;
    tx.exec("DELETE FROM journeys", &[])?;
    let mut companies: HashMap<String, Journey> = HashMap::new();
    for r in tx.query("SELECT id, region_id, source FROM companies", &[])? {
        companies.insert(
            r.text(0),
            Journey {
                region: r.text(1),
                source: r.text(2),
                ..Journey::default()
            },
        );
    }
    for r in tx.query(
        "SELECT company_id, source, created_at FROM leads ORDER BY created_at, id",
        &[],
    )? {
        if let Some(c) = companies.get_mut(&r.text(0))
            && c.lead.is_none()
        {
            c.lead = Some((r.text(1), r.text(2)));
        }
    }
    for r in tx.query(
        "SELECT company_id, MIN(local_date), MIN(CASE WHEN outcome LIKE 'dm_%' THEN local_date END) FROM activities WHERE kind = 'call' GROUP BY company_id",
        &[],
    )? {
        if let Some(c) = companies.get_mut(&r.text(0)) {
            c.steps[0] = r.opt_text(1).and_then(|d| day(&d));
            c.steps[1] = r.opt_text(2).and_then(|d| day(&d));
        }
    }
    // Events of the other steps are counted here in memory (the local date of a stamp needs
    // the time zone), then written.
    // Warm leads: every handover by a caller (a reassignment passes the same lead on, and is not
    // a new warm lead); accepted: by the receiver on the day of the decision.
    let mut per_day: BTreeMap<(String, String, String, String, &'static str), i64> =
        BTreeMap::new();
    let mut add = |c: &Journey, person: &str, step: &'static str, on: NaiveDate| {
        let source = c.funnel_source();
        *per_day
            .entry((
                on.to_string(),
                c.region.clone(),
                person.to_string(),
                source,
                step,
            ))
            .or_default() += 1;
    };
    let mut previous: HashMap<String, String> = HashMap::new();
    for r in tx.query(
        "SELECT company_id, lead_id, sender_id, receiver_id, created_at, status, decided_at FROM handoffs \
         WHERE kind = 'lead' ORDER BY created_at, id",
        &[],
    )? {
        let Some(c) = companies.get_mut(&r.text(0)) else {
            continue;
        };
        let lead = r.text(1);
        let status = r.text(5);
        if let Some(created) = local_day(&r.text(4), tz) {
            earliest(&mut c.steps[2], Some(created));
            if previous.get(&lead).map(String::as_str) != Some("reassigned") {
                add(c, &r.text(2), "warm_leads", created);
            }
        }
        if status == "accepted"
            && let Some(decided) = r.opt_text(6).and_then(|d| local_day(&d, tz))
        {
            earliest(&mut c.steps[3], Some(decided));
            add(c, &r.text(3), "accepted", decided);
        }
        previous.insert(lead, status);
    }
    // A universal manager's own lead: handed by them to themselves and accepted when opened
    // (the matrix reads the same leads, insight/matrix.rs).
    for r in tx.query(
        &format!(
            "SELECT l.company_id, l.owner_id, l.created_at FROM leads l WHERE {UNIVERSAL_OWN}"
        ),
        &[],
    )? {
        let Some(c) = companies.get_mut(&r.text(0)) else {
            continue;
        };
        if let Some(on) = local_day(&r.text(2), tz) {
            earliest(&mut c.steps[2], Some(on));
            earliest(&mut c.steps[3], Some(on));
            add(c, &r.text(1), "warm_leads", on);
            add(c, &r.text(1), "accepted", on);
        }
    }
    // Meetings: a lead moved to the meeting stage, or a meeting logged outside any lead (one
    // logged on a lead is the same meeting as the lead's move); the client manager's kickoff is
    // not a sales meeting.
    for r in tx.query(
        "SELECT company_id, actor_id, local_date, lead_id FROM activities WHERE kind = 'meeting' AND (outcome IS NULL OR outcome <> 'kickoff')",
        &[],
    )? {
        let Some(c) = companies.get_mut(&r.text(0)) else {
            continue;
        };
        let Some(on) = day(&r.text(2)) else { continue };
        earliest(&mut c.steps[4], Some(on));
        if r.opt_text(3).is_none() {
            add(c, &r.text(1), "meetings", on);
        }
    }
    for r in tx.query(
        "SELECT l.company_id, a.actor_id, a.at FROM audit_events a JOIN leads l ON l.id = a.entity_id \
         WHERE a.entity = 'lead' AND a.action = 'lead.stage_changed' AND a.after_json LIKE '%\"stage\":\"meeting\"%'",
        &[],
    )? {
        let Some(c) = companies.get_mut(&r.text(0)) else {
            continue;
        };
        let Some(on) = local_day(&r.text(2), tz) else {
            continue;
        };
        earliest(&mut c.steps[4], Some(on));
        add(c, &r.opt_text(1).unwrap_or_default(), "meetings", on);
    }
    for r in tx.query(
        "SELECT company_id, MIN(signed_on) FROM contracts GROUP BY company_id",
        &[],
    )? {
        if let Some(c) = companies.get_mut(&r.text(0)) {
            c.steps[5] = r.opt_text(1).and_then(|d| day(&d));
        }
    }
    let mut invoices: HashMap<String, Vec<NaiveDate>> = HashMap::new();
    for r in tx.query(
        "SELECT company_id, invoice_id, MIN(paid_on) FROM payments WHERE amount > 0 GROUP BY company_id, invoice_id",
        &[],
    )? {
        if let Some(d) = day(&r.text(2)) {
            invoices.entry(r.text(0)).or_default().push(d);
        }
    }
    for (id, dates) in invoices {
        if let Some(c) = companies.get_mut(&id) {
            (c.steps[6], c.steps[7]) = paid_invoices(dates.into_iter());
        }
    }

    let mut ids: Vec<&String> = companies.keys().collect();
    ids.sort();
    let rows: Vec<Vec<Value>> = ids
        .into_iter()
        .filter_map(|id| companies.get(id).map(|c| (id, c)))
        .filter(|(_, c)| c.lead.is_some() || c.steps.iter().any(Option::is_some))
        .map(|(id, c)| {
            let (lead_source, opened) = match &c.lead {
                Some((s, at)) => (Some(s.clone()), Some(at.clone())),
                None => (None, None),
            };
            let mut row: Vec<Value> = vec![
                id.clone().into(),
                c.region.clone().into(),
                c.source.clone().into(),
                lead_source.into(),
                opened.into(),
            ];
            row.extend(c.steps.iter().map(|d| d.map(|d| d.to_string()).into()));
            row
        })
        .collect();
    let mut columns = vec!["id", "region_id", "source", "lead_source", "lead_opened_at"];
    columns.extend(COLUMNS);
    tx.insert_many("journeys", &columns, &rows)?;

    // Calls and conversations with the decision maker, grouped by the database (millions of
    // rows at 1 000 people), with each company's region and source from the journeys just made.
    let source = "COALESCE(j.lead_source, j.source)";
    for (step, condition) in [
        ("calls", ""),
        ("dm_conversations", " AND a.outcome LIKE 'dm_%'"),
    ] {
        tx.exec(
            &format!(
                "INSERT INTO funnel_events (id, day, region_id, person_id, source, step, events) \
                 SELECT a.local_date || '|' || j.region_id || '|' || a.actor_id || '|' || {source} || '|{step}', \
                 a.local_date, j.region_id, a.actor_id, {source}, '{step}', CAST(COUNT(*) AS BIGINT) \
                 FROM activities a JOIN journeys j ON j.id = a.company_id WHERE a.kind = 'call'{condition} \
                 GROUP BY a.local_date, j.region_id, a.actor_id, {source}"
            ),
            &[],
        )?;
    }
    let rows: Vec<Vec<Value>> = per_day
        .into_iter()
        .map(|((on, region, person, source, step), n)| {
            vec![
                format!("{on}|{region}|{person}|{source}|{step}").into(),
                on.into(),
                region.into(),
                person.into(),
                source.into(),
                step.into(),
                n.into(),
            ]
        })
        .collect();
    tx.insert_many(
        "funnel_events",
        &[
            "id",
            "day",
            "region_id",
            "person_id",
            "source",
            "step",
            "events",
        ],
        &rows,
    )?;
    tx.exec("DELETE FROM journey_builds WHERE id = 'funnel'", &[])?;
    tx.exec(
        "INSERT INTO journey_builds (id, built_at) VALUES ('funnel', ?)",
        &[now.into()],
    )?;
    Ok(())
}
