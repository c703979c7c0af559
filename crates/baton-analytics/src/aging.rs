//! Receivables aging and DSO. An invoice's open amount on a day is its amount less the payments
//! (refunds count negative) and credit notes dated up to that day; an open invoice falls into a
//! bucket by the days past its due date: not due (due today or later), 1–30 (shown as "0–30"),
//! 31–60, 61–90, over 90.
//!
//! DSO (days sales outstanding, the average collection period of domain brief §5.5):
//! `DSO = days × receivables on the day / revenue invoiced over those days`, with revenue = the
//! invoices issued in the `days` days ending on the day, less the credit notes issued in them.

use std::collections::BTreeMap;

use baton_domain::Money;
use chrono::NaiveDate;
use serde::Serialize;

/// One invoice with what was paid and credited against it up to the day of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceFact {
    /// Who answers for collecting it (the company's client manager); none when unassigned.
    pub owner: Option<String>,
    pub issued_on: NaiveDate,
    pub due_on: NaiveDate,
    pub amount: Money,
    /// Payments dated up to the day (refunds negative).
    pub paid: Money,
    /// Credit notes dated up to the day.
    pub credited: Money,
    /// Credit notes issued within the DSO window , to net the window's revenue.
    pub credited_in_window: Money,
}

/// Open amounts by bucket.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Buckets {
    pub not_due: Money,
    pub d0_30: Money,
    pub d31_60: Money,
    pub d61_90: Money,
    pub d90_plus: Money,
    pub total: Money,
    /// Open invoices counted.
    pub invoices: u64,
}

impl Buckets {
    pub fn overdue(&self) -> Money {
        self.total - self.not_due
    }
    fn add(&mut self, days_overdue: i64, open: Money) {
        match days_overdue {
            ..=0 => self.not_due += open,
            1..=30 => self.d0_30 += open,
            31..=60 => self.d31_60 += open,
            61..=90 => self.d61_90 += open,
            _ => self.d90_plus += open,
        }
        self.total += open;
        self.invoices += 1;
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AgingRow {
    /// The client manager; none for invoices of companies without one.
    pub owner: Option<String>,
    pub buckets: Buckets,
    /// Invoiced less credited in the DSO window.
    pub revenue: Money,
    /// None when the window has no revenue.
    pub dso_days: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Aging {
    pub as_of: NaiveDate,
    pub dso_window_days: i64,
    pub rows: Vec<AgingRow>,
    pub total: AgingRow,
}

/// The bucket of an invoice due on `due_on`, seen on `as_of`: the days overdue (≤ 0: not due).
pub fn days_overdue(due_on: NaiveDate, as_of: NaiveDate) -> i64 {
    (as_of - due_on).num_days()
}

fn dso(days: i64, receivables: Money, revenue: Money) -> Option<f64> {
    (revenue.is_positive())
        .then(|| days as f64 * receivables.kopecks() as f64 / revenue.kopecks() as f64)
}

/// Aging per owner and overall on `as_of`; the DSO window is the `dso_window_days` days ending on
/// `as_of`. Invoices issued after `as_of` are ignored.
pub fn aging(invoices: &[InvoiceFact], as_of: NaiveDate, dso_window_days: i64) -> Aging {
    let window_start = as_of - chrono::Duration::days(dso_window_days - 1);
    let mut rows: BTreeMap<Option<String>, AgingRow> = BTreeMap::new();
    let mut total = AgingRow {
        owner: None,
        buckets: Buckets::default(),
        revenue: Money::ZERO,
        dso_days: None,
    };
    for inv in invoices.iter().filter(|i| i.issued_on <= as_of) {
        let row = rows.entry(inv.owner.clone()).or_insert_with(|| AgingRow {
            owner: inv.owner.clone(),
            buckets: Buckets::default(),
            revenue: Money::ZERO,
            dso_days: None,
        });
        let open = inv.amount - inv.paid - inv.credited;
        if open.is_positive() {
            let d = days_overdue(inv.due_on, as_of);
            row.buckets.add(d, open);
            total.buckets.add(d, open);
        }
        let mut revenue = -inv.credited_in_window;
        if inv.issued_on >= window_start {
            revenue += inv.amount;
        }
        row.revenue += revenue;
        total.revenue += revenue;
    }
    let mut rows: Vec<AgingRow> = rows.into_values().collect();
    for r in rows.iter_mut().chain(std::iter::once(&mut total)) {
        r.dso_days = dso(dso_window_days, r.buckets.total, r.revenue);
    }
    Aging {
        as_of,
        dso_window_days,
        rows,
        total,
    }
}
