//! The metrics of PRODUCT.md §4.1, computed from one period's facts for every person's stretch
//! in one pass over the facts. Pure: the storage adapter loads the facts (already reduced to
//! what a period needs: calls by person and day, the period's handoffs and payments, the wins
//! whose hunter window touches the period, the invoices that can be open in it); the same facts
//! in any order give the same metrics.

use crate::plan::{CustomMetric, Plan};
use baton_domain::Role;
use chrono::{Duration, Months, NaiveDate};
use rust_decimal::Decimal;
use serde::Serialize;
// FxHash: these maps are keyed by ids and built once per computation; SipHash was a visible
// share of the payroll of 1 000 people and DoS resistance buys nothing here.
use rustc_hash::FxHashMap;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Calls one person made on one local day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallDay {
    pub actor: String,
    pub day: NaiveDate,
    pub calls: i64,
    /// Those whose outcome says the decision maker was reached.
    pub dm: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HandoffStatus {
    Pending,
    Accepted,
    Rejected,
    /// Reassigned or cancelled: counts as handed, never as decided.
    Other,
}

/// A lead handoff (caller → sales manager) that was created or decided in the period, or
/// accepted in the three months before it (for `lead_conversion`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandoffFact {
    pub id: String,
    pub lead_id: String,
    pub sender: String,
    pub receiver: String,
    pub created_on: NaiveDate,
    pub decided_on: Option<NaiveDate>,
    pub status: HandoffStatus,
    pub reason: Option<String>,
    /// The day the lead won its company, when that happened by the end of the period.
    pub lead_won_on: Option<NaiveDate>,
}

/// A company won (new client or reactivation) by a contract, PRODUCT.md §4.1 "Won".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WinFact {
    pub contract_id: String,
    pub company_id: String,
    /// The company's name, for statements people read.
    pub company: String,
    pub won_on: NaiveDate,
    pub new_client: bool,
    /// The sales or universal manager who won it.
    pub seller: String,
    /// The caller whose accepted handoff led to it, and the day it was accepted.
    pub caller: Option<String>,
    pub accepted_on: Option<NaiveDate>,
    /// Net payments from the company inside its hunter window dated before the period.
    pub window_paid_before: i64,
}

/// A share of an invoice's lines, for metrics filtered by product.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MixPart {
    pub product_group: String,
    pub sku: String,
    /// The product's regional edition (a region code), if it is a regional edition.
    pub edition: Option<String>,
    /// Line amount; the part's share is amount / Σ amounts of the invoice's lines.
    pub amount: i64,
}

/// A payment (or a refund, negative) dated in the period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentFact {
    pub id: String,
    pub company_id: String,
    pub invoice_id: String,
    pub paid_on: NaiveDate,
    /// Kopecks; refunds are negative.
    pub amount: i64,
    /// The client manager (or owning universal manager) on the payment date.
    pub client_manager: Option<String>,
    /// The invoice was past due on the payment date.
    pub overdue: bool,
    /// The company's region code.
    pub region: String,
}

/// An invoice that may be open at some day of the period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceFact {
    pub id: String,
    pub company_id: String,
    /// Whose receivable it is: the company's client manager (or owning universal manager).
    pub holder: Option<String>,
    pub issued_on: NaiveDate,
    pub due_on: NaiveDate,
    /// Amount after credit notes, less payments, all dated before the period (the whole
    /// amount when issued in the period).
    pub open_before: i64,
}

/// A client changing client manager on day `on` (in the company's time zone): `from` held its
/// invoices up to the end of the day before. Receivables at a stretch's end are the holder's
/// on that day, not at the period's end (issue 15: a split on the 16th).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HolderChange {
    pub company_id: String,
    pub on: NaiveDate,
    pub from: Option<String>,
}

/// A credit note dated in the period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreditFact {
    pub invoice_id: String,
    pub day: NaiveDate,
    pub amount: i64,
}

/// Everything the metrics of one period need.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub hunter_window_days: i64,
    /// The day the statement is read on, when the period is still open: a window that ends
    /// on or after it can still be earned (pending, never lapsed). `None`: the period is over.
    pub as_of: Option<NaiveDate>,
    pub calls: Vec<CallDay>,
    pub handoffs: Vec<HandoffFact>,
    pub wins: Vec<WinFact>,
    pub payments: Vec<PaymentFact>,
    pub invoices: Vec<InvoiceFact>,
    pub credits: Vec<CreditFact>,
    /// Changes of client manager inside the period, in time order; `InvoiceFact::holder` is
    /// the holder at the period's end.
    pub holder_changes: Vec<HolderChange>,
    /// Invoice lines by invoice id; loaded only when a plan filters by product.
    pub mix: HashMap<String, Vec<MixPart>>,
}

/// A stretch of the period during which a person held one role: one statement part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stretch {
    pub person: String,
    pub role: Role,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Working days the person held the role and was present; working days in the period.
    pub days_worked: i64,
    pub days_total: i64,
    /// Targets for the period by metric name (text decimals in storage, exact here).
    #[serde(skip)]
    pub targets: BTreeMap<String, Decimal>,
}

/// One client whose "qualified new client" bonus is accrued, pending or lapsed in the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Progress {
    pub company_id: String,
    pub company: String,
    pub won_on: NaiveDate,
    pub window_end: NaiveDate,
    /// Net collections inside the window by the end of the stretch (kopecks).
    pub collected: i64,
    pub status: ProgressStatus,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProgressStatus {
    /// Reached the minimum in this period.
    Accrued,
    /// The window is still open and the minimum is not reached yet.
    Pending,
    /// The window closed in this period without reaching the minimum.
    Lapsed,
}

impl ProgressStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ProgressStatus::Accrued => "accrued",
            ProgressStatus::Pending => "pending",
            ProgressStatus::Lapsed => "lapsed",
        }
    }
}

/// The metric values of one stretch, with the records behind each.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct MetricValues {
    pub values: BTreeMap<String, Decimal>,
    /// Record references ("payments/ID", "handoffs/ID", …) behind each metric.
    pub sources: BTreeMap<String, Vec<String>>,
    /// New clients won by this person whose window touches the stretch.
    pub progress: Vec<Progress>,
}

/// Metric names the plans ask for beyond the standard set: parameterised ones
/// (`leads_rejected{reason=…}`, `leads_converted{within_days=N}`,
/// `qualified_new_clients{min=N}`) and declared custom metrics.
pub fn wanted_metrics(plan: &Plan) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for m in plan.metric_names() {
        let inner = m
            .strip_prefix("attainment(")
            .and_then(|r| r.strip_suffix(')'))
            .unwrap_or(&m)
            .to_string();
        out.insert(inner);
    }
    out
}

#[derive(Default)]
struct Acc {
    calls: i64,
    dm: i64,
    handed: Vec<usize>,
    accepted_sent: Vec<usize>,
    rejected_sent: Vec<usize>,
    accepted_recv: Vec<usize>,
    rejected_recv: Vec<usize>,
    conv_recv: Vec<usize>,
    converted: Vec<usize>,
    new_clients: Vec<usize>,
    reactivations: Vec<usize>,
    // payment index, amount share (kopecks, exact)
    ncc: Vec<(usize, Decimal)>,
    react_coll: Vec<(usize, Decimal)>,
    portfolio: Vec<(usize, Decimal)>,
    own: Vec<(usize, Decimal)>,
    overdue_coll: Vec<(usize, Decimal)>,
    custom: BTreeMap<String, Vec<(usize, Decimal)>>,
}

fn kop(k: i64) -> Decimal {
    Decimal::new(k, 2)
}

fn ratio(a: Decimal, b: Decimal) -> Decimal {
    if b.is_zero() { Decimal::ZERO } else { a / b }
}

/// Parses `name{key=value}` into (name, Some((key, value))).
fn split_param(name: &str) -> (&str, Option<(&str, &str)>) {
    match name.split_once('{') {
        Some((base, rest)) => {
            let inner = rest.trim_end_matches('}');
            let kv = inner.split_once('=').map(|(k, v)| (k.trim(), v.trim()));
            (base, kv)
        }
        None => (name, None),
    }
}

/// The share of a payment that passes a custom metric's product filter (1 with no filter).
fn share(facts: &Facts, p: &PaymentFact, def: &CustomMetric) -> Decimal {
    if def.region.as_ref().is_some_and(|r| *r != p.region) {
        return Decimal::ZERO;
    }
    if def.product_group.is_none() && def.sku.is_none() && def.edition.is_none() {
        return Decimal::ONE;
    }
    let Some(parts) = facts.mix.get(&p.invoice_id) else {
        return Decimal::ZERO;
    };
    let total: i64 = parts.iter().map(|x| x.amount).sum();
    let passing: i64 = parts
        .iter()
        .filter(|x| {
            def.product_group
                .as_ref()
                .is_none_or(|g| *g == x.product_group)
        })
        .filter(|x| def.sku.as_ref().is_none_or(|s| *s == x.sku))
        .filter(|x| def.edition.is_none() || def.edition == x.edition)
        .map(|x| x.amount)
        .sum();
    ratio(Decimal::from(passing), Decimal::from(total))
}

/// Computes the metrics of every stretch. `custom` are the custom metrics the plans declare.
pub fn compute(
    facts: &Facts,
    stretches: &[Stretch],
    wanted: &BTreeSet<String>,
    custom: &BTreeMap<String, CustomMetric>,
) -> Vec<MetricValues> {
    let mut by_person: FxHashMap<&str, Vec<usize>> = FxHashMap::default();
    for (i, s) in stretches.iter().enumerate() {
        by_person.entry(s.person.as_str()).or_default().push(i);
    }
    // The stretch of `person` that contains `day`.
    let find = |person: &str, day: NaiveDate| -> Option<usize> {
        by_person
            .get(person)?
            .iter()
            .copied()
            .find(|&i| stretches[i].from <= day && day <= stretches[i].to)
    };
    let mut acc: Vec<Acc> = stretches.iter().map(|_| Acc::default()).collect();
    let window = Duration::days(facts.hunter_window_days);
    let conv_from = facts
        .start
        .checked_sub_months(Months::new(3))
        .unwrap_or(facts.start);

    for c in &facts.calls {
        if let Some(i) = find(&c.actor, c.day) {
            acc[i].calls += c.calls;
            acc[i].dm += c.dm;
        }
    }
    for (hi, h) in facts.handoffs.iter().enumerate() {
        if facts.start <= h.created_on
            && h.created_on <= facts.end
            && let Some(i) = find(&h.sender, h.created_on)
        {
            acc[i].handed.push(hi);
        }
        let Some(decided) = h.decided_on else {
            continue;
        };
        if facts.start <= decided && decided <= facts.end {
            let (sent, recv) = (find(&h.sender, decided), find(&h.receiver, decided));
            match h.status {
                HandoffStatus::Accepted => {
                    if let Some(i) = sent {
                        acc[i].accepted_sent.push(hi);
                    }
                    if let Some(i) = recv {
                        acc[i].accepted_recv.push(hi);
                    }
                }
                HandoffStatus::Rejected => {
                    if let Some(i) = sent {
                        acc[i].rejected_sent.push(hi);
                    }
                    if let Some(i) = recv {
                        acc[i].rejected_recv.push(hi);
                    }
                }
                _ => {}
            }
        }
        // Conversion counts toward the stretch that holds the end of the period.
        if h.status == HandoffStatus::Accepted
            && conv_from <= decided
            && decided < facts.start
            && let Some(i) = find(&h.receiver, facts.end)
        {
            acc[i].conv_recv.push(hi);
        }
    }
    for (wi, w) in facts.wins.iter().enumerate() {
        if w.won_on < facts.start || w.won_on > facts.end {
            continue;
        }
        if let Some(caller) = &w.caller
            && let Some(i) = find(caller, w.won_on)
        {
            acc[i].converted.push(wi);
        }
        if let Some(i) = find(&w.seller, w.won_on) {
            if w.new_client {
                acc[i].new_clients.push(wi);
            } else {
                acc[i].reactivations.push(wi);
            }
        }
    }
    // Hunter windows by company: a payment inside one belongs to the hunter.
    let mut wins_of: FxHashMap<&str, Vec<usize>> = FxHashMap::default();
    for (wi, w) in facts.wins.iter().enumerate() {
        wins_of.entry(w.company_id.as_str()).or_default().push(wi);
    }
    let customs_of = |base: &str| -> Vec<(&String, &CustomMetric)> {
        custom
            .iter()
            .filter(|(name, d)| d.of == base && wanted.contains(*name))
            .collect()
    };
    let cust_ncc = customs_of("new_client_collections");
    let cust_react = customs_of("reactivation_collections");
    let cust_port = customs_of("portfolio_collections");
    let cust_own = customs_of("own_collections");
    let cust_over = customs_of("overdue_collected");
    let add_custom = |a: &mut Acc, list: &[(&String, &CustomMetric)], pi: usize| {
        for (name, def) in list {
            let s = share(facts, &facts.payments[pi], def);
            if !s.is_zero() {
                a.custom
                    .entry((*name).clone())
                    .or_default()
                    .push((pi, Decimal::from(facts.payments[pi].amount) * s));
            }
        }
    };
    for (pi, p) in facts.payments.iter().enumerate() {
        if p.paid_on < facts.start || p.paid_on > facts.end {
            continue;
        }
        let amount = Decimal::from(p.amount);
        let window_of = wins_of.get(p.company_id.as_str()).and_then(|ws| {
            ws.iter()
                .map(|&wi| &facts.wins[wi])
                .filter(|w| w.won_on <= p.paid_on && p.paid_on <= w.won_on + window)
                .max_by_key(|w| w.won_on)
        });
        let mut hunted_by_other = false;
        if let Some(w) = window_of
            && let Some(i) = find(&w.seller, p.paid_on)
        {
            if w.new_client {
                acc[i].ncc.push((pi, amount));
                add_custom(&mut acc[i], &cust_ncc, pi);
            } else {
                acc[i].react_coll.push((pi, amount));
                add_custom(&mut acc[i], &cust_react, pi);
            }
        }
        if let Some(w) = window_of {
            hunted_by_other = w.new_client && p.client_manager.as_deref() != Some(&w.seller);
        }
        if let Some(cm) = &p.client_manager
            && let Some(i) = find(cm, p.paid_on)
        {
            acc[i].own.push((pi, amount));
            add_custom(&mut acc[i], &cust_own, pi);
            if !hunted_by_other {
                acc[i].portfolio.push((pi, amount));
                add_custom(&mut acc[i], &cust_port, pi);
            }
            if p.overdue {
                acc[i].overdue_coll.push((pi, amount));
                add_custom(&mut acc[i], &cust_over, pi);
            }
        }
    }
    // Payments and credit notes in the period by invoice, for balances at a given day.
    let mut moves: FxHashMap<&str, Vec<(NaiveDate, i64)>> = FxHashMap::default();
    for p in &facts.payments {
        if p.paid_on >= facts.start && p.paid_on <= facts.end {
            moves
                .entry(p.invoice_id.as_str())
                .or_default()
                .push((p.paid_on, p.amount));
        }
    }
    for c in &facts.credits {
        moves
            .entry(c.invoice_id.as_str())
            .or_default()
            .push((c.day, c.amount));
    }
    // Invoices by their holder at the period's end; those of clients that changed manager
    // in the period are looked at per stretch (their holder on the stretch's last day).
    let mut changes_of: FxHashMap<&str, Vec<&HolderChange>> = FxHashMap::default();
    for c in &facts.holder_changes {
        changes_of.entry(c.company_id.as_str()).or_default().push(c);
    }
    for list in changes_of.values_mut() {
        list.sort_by_key(|c| c.on);
    }
    fn holder_on<'f>(
        changes_of: &FxHashMap<&str, Vec<&'f HolderChange>>,
        inv: &'f InvoiceFact,
        d: NaiveDate,
    ) -> Option<&'f str> {
        match changes_of
            .get(inv.company_id.as_str())
            .and_then(|l| l.iter().find(|c| c.on > d))
        {
            Some(c) => c.from.as_deref(),
            None => inv.holder.as_deref(),
        }
    }
    let mut invoices_of: FxHashMap<&str, Vec<usize>> = FxHashMap::default();
    let mut moved_invoices: Vec<usize> = Vec::new();
    for (ii, inv) in facts.invoices.iter().enumerate() {
        if changes_of.contains_key(inv.company_id.as_str()) {
            moved_invoices.push(ii);
        } else if let Some(h) = &inv.holder {
            invoices_of.entry(h.as_str()).or_default().push(ii);
        }
    }

    // Built once for every stretch: the bonus looks up a seller's wins and a company's payments.
    let mut index = Index::default();
    for (wi, w) in facts.wins.iter().enumerate() {
        if w.new_client {
            index
                .new_wins_of
                .entry(w.seller.as_str())
                .or_default()
                .push(wi);
        }
    }
    for (pi, p) in facts.payments.iter().enumerate() {
        index
            .payments_of
            .entry(p.company_id.as_str())
            .or_default()
            .push(pi);
    }

    let mut out = Vec::with_capacity(stretches.len());
    for (si, s) in stretches.iter().enumerate() {
        let a = &acc[si];
        let mut mv = MetricValues::default();
        let as_caller = s.role == Role::Caller;
        let (accepted, rejected) = if as_caller {
            (&a.accepted_sent, &a.rejected_sent)
        } else {
            (&a.accepted_recv, &a.rejected_recv)
        };
        let h_src = |list: &[usize]| -> Vec<String> {
            list.iter()
                .map(|&i| format!("handoffs/{}", facts.handoffs[i].id))
                .collect()
        };
        let w_src = |list: &[usize]| -> Vec<String> {
            list.iter()
                .map(|&i| format!("contracts/{}", facts.wins[i].contract_id))
                .collect()
        };
        let p_src = |list: &[(usize, Decimal)]| -> Vec<String> {
            list.iter()
                .map(|(i, _)| format!("payments/{}", facts.payments[*i].id))
                .collect()
        };
        let sum = |list: &[(usize, Decimal)]| -> Decimal {
            kop(0) + list.iter().map(|(_, x)| *x).sum::<Decimal>() / Decimal::ONE_HUNDRED
        };
        let mut put = |name: &str, v: Decimal, src: Vec<String>| {
            mv.values.insert(name.to_string(), v);
            if !src.is_empty() {
                mv.sources.insert(name.to_string(), src);
            }
        };
        let calls_src = if a.calls > 0 {
            vec![format!(
                "activities?actor_id={}&from={}&to={}",
                s.person, s.from, s.to
            )]
        } else {
            vec![]
        };
        put("calls", a.calls.into(), calls_src.clone());
        put("dm_conversations", a.dm.into(), calls_src);
        put(
            "leads_handed",
            (a.handed.len() as i64).into(),
            h_src(&a.handed),
        );
        put(
            "leads_accepted",
            (accepted.len() as i64).into(),
            h_src(accepted),
        );
        put(
            "leads_rejected",
            (rejected.len() as i64).into(),
            h_src(rejected),
        );
        put(
            "acceptance_rate",
            ratio(
                (accepted.len() as i64).into(),
                ((accepted.len() + rejected.len()) as i64).into(),
            ),
            h_src(&[accepted.as_slice(), rejected.as_slice()].concat()),
        );
        put(
            "leads_converted",
            (a.converted.len() as i64).into(),
            w_src(&a.converted),
        );
        put(
            "new_clients",
            (a.new_clients.len() as i64).into(),
            w_src(&a.new_clients),
        );
        put(
            "reactivations",
            (a.reactivations.len() as i64).into(),
            w_src(&a.reactivations),
        );
        put("new_client_collections", sum(&a.ncc), p_src(&a.ncc));
        put(
            "reactivation_collections",
            sum(&a.react_coll),
            p_src(&a.react_coll),
        );
        put(
            "portfolio_collections",
            sum(&a.portfolio),
            p_src(&a.portfolio),
        );
        put("own_collections", sum(&a.own), p_src(&a.own));
        put(
            "overdue_collected",
            sum(&a.overdue_coll),
            p_src(&a.overdue_coll),
        );
        let won = a
            .conv_recv
            .iter()
            .filter(|&&i| {
                facts.handoffs[i]
                    .lead_won_on
                    .is_some_and(|d| d <= facts.end)
            })
            .count();
        put(
            "lead_conversion",
            ratio((won as i64).into(), (a.conv_recv.len() as i64).into()),
            h_src(&a.conv_recv),
        );
        // Receivables at the end of the stretch.
        let (mut recv, mut overdue) = (0i64, 0i64);
        let mut recv_src = Vec::new();
        let held = invoices_of
            .get(s.person.as_str())
            .into_iter()
            .flatten()
            .copied()
            .chain(moved_invoices.iter().copied().filter(|&ii| {
                holder_on(&changes_of, &facts.invoices[ii], s.to) == Some(s.person.as_str())
            }));
        for ii in held {
            let inv = &facts.invoices[ii];
            if inv.issued_on > s.to {
                continue;
            }
            let moved: i64 = moves
                .get(inv.id.as_str())
                .into_iter()
                .flatten()
                .filter(|(d, _)| *d <= s.to)
                .map(|(_, x)| *x)
                .sum();
            let open = (inv.open_before - moved).max(0);
            if open > 0 {
                recv += open;
                recv_src.push(format!("invoices/{}", inv.id));
                if inv.due_on < s.to {
                    overdue += open;
                }
            }
        }
        put("receivables", kop(recv), recv_src.clone());
        put("overdue_receivables", kop(overdue), recv_src.clone());
        put("overdue_share", ratio(kop(overdue), kop(recv)), recv_src);
        for (name, list) in &a.custom {
            put(name, sum(list), p_src(list));
        }
        for name in custom.keys().filter(|n| wanted.contains(*n)) {
            mv.values.entry(name.clone()).or_insert(Decimal::ZERO);
        }
        // Parameterised metrics.
        for name in wanted {
            let (base, param) = split_param(name);
            let Some((key, value)) = param else { continue };
            match (base, key) {
                ("leads_rejected", "reason") => {
                    let list: Vec<usize> = rejected
                        .iter()
                        .copied()
                        .filter(|&i| facts.handoffs[i].reason.as_deref() == Some(value))
                        .collect();
                    mv.values.insert(name.clone(), (list.len() as i64).into());
                    mv.sources.insert(name.clone(), h_src(&list));
                }
                ("leads_converted", "within_days") => {
                    let days: i64 = value.parse().unwrap_or(0);
                    let list: Vec<usize> = a
                        .converted
                        .iter()
                        .copied()
                        .filter(|&i| {
                            let w = &facts.wins[i];
                            w.accepted_on
                                .is_some_and(|acc| (w.won_on - acc).num_days() <= days)
                        })
                        .collect();
                    mv.values.insert(name.clone(), (list.len() as i64).into());
                    mv.sources.insert(name.clone(), w_src(&list));
                }
                ("qualified_new_clients", "min") => {
                    let min = value.parse::<Decimal>().unwrap_or_default();
                    let (n, progress, src) = qualification(facts, s, min, &index);
                    mv.values.insert(name.clone(), n.into());
                    mv.sources.insert(name.clone(), src);
                    mv.progress = progress;
                }
                _ => {}
            }
        }
        mv.sources.retain(|_, v| !v.is_empty());
        for (metric, target) in &s.targets {
            if let Some(v) = mv.values.get(metric).copied()
                && !target.is_zero()
            {
                let src = mv.sources.get(metric).cloned().unwrap_or_default();
                mv.values
                    .insert(format!("attainment({metric})"), v / target);
                if !src.is_empty() {
                    mv.sources.insert(format!("attainment({metric})"), src);
                }
            }
        }
        out.push(mv);
    }
    out
}

#[derive(Default)]
struct Index<'a> {
    new_wins_of: FxHashMap<&'a str, Vec<usize>>,
    payments_of: FxHashMap<&'a str, Vec<usize>>,
}

/// The "business development" bonus: each new client this person won whose net collections
/// inside the hunter window reach `min` rubles. It accrues in the period the minimum is
/// reached, is pending while the window is open, and lapses in the period the window closes.
fn qualification(
    facts: &Facts,
    s: &Stretch,
    min: Decimal,
    index: &Index,
) -> (i64, Vec<Progress>, Vec<String>) {
    let min_k = (min * Decimal::ONE_HUNDRED).trunc();
    let window = Duration::days(facts.hunter_window_days);
    // The last day whose end has passed: payments can still come on the day a window ends.
    let closed_by = match facts.as_of {
        Some(d) if d <= s.to => d - Duration::days(1),
        _ => s.to,
    };
    let mut n = 0;
    let mut progress = Vec::new();
    let mut src = Vec::new();
    for w in index
        .new_wins_of
        .get(s.person.as_str())
        .into_iter()
        .flatten()
        .map(|&i| &facts.wins[i])
    {
        let window_end = w.won_on + window;
        if window_end < facts.start || w.won_on > facts.end {
            continue;
        }
        // The stretch holding the client's relevant day reports it (one part, never two).
        let day = window_end.min(facts.end).max(facts.start).max(w.won_on);
        if day < s.from || day > s.to {
            continue;
        }
        let mut upto = Decimal::from(w.window_paid_before);
        let mut crossed = false;
        let before = upto;
        let mut payments: Vec<&PaymentFact> = index
            .payments_of
            .get(w.company_id.as_str())
            .into_iter()
            .flatten()
            .map(|&i| &facts.payments[i])
            .filter(|p| p.paid_on >= facts.start && p.paid_on <= s.to)
            .filter(|p| w.won_on <= p.paid_on && p.paid_on <= window_end)
            .collect();
        payments.sort_by(|a, b| (a.paid_on, &a.id).cmp(&(b.paid_on, &b.id)));
        for p in &payments {
            upto += Decimal::from(p.amount);
        }
        if before < min_k && upto >= min_k {
            crossed = true;
        }
        let status = if crossed {
            n += 1;
            src.push(format!("contracts/{}", w.contract_id));
            src.extend(payments.iter().map(|p| format!("payments/{}", p.id)));
            Some(ProgressStatus::Accrued)
        } else if upto < min_k && window_end > closed_by {
            Some(ProgressStatus::Pending)
        } else if upto < min_k && window_end >= facts.start && window_end <= closed_by {
            Some(ProgressStatus::Lapsed)
        } else {
            None
        };
        if let Some(status) = status {
            progress.push(Progress {
                company_id: w.company_id.clone(),
                company: w.company.clone(),
                won_on: w.won_on,
                window_end,
                collected: upto.try_into().unwrap_or(i64::MAX),
                status,
            });
        }
    }
    progress.sort_by(|a, b| (a.won_on, &a.company_id).cmp(&(b.won_on, &b.company_id)));
    (n, progress, src)
}
