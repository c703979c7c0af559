//! Portfolio retention (domain brief §5.6), for a business without subscriptions: a client's
//! revenue is what it paid in a window. The base is the window of `months` months before the
//! current one; the clients at start are those that paid in it.
//!
//! For each client at start, with B its base revenue and C its current revenue:
//! churn = B when C = 0 (lost: nothing paid in the current window); contraction = B − C when
//! 0 < C < B; expansion = C − B when C > B.
//!
//! - NRR = (start + expansion − contraction − churn) / start = Σ C / Σ B
//! - GRR = (start − contraction − churn) / start = Σ min(B, C) / Σ B
//! - clients kept = clients at start with C > 0; logo churn = lost / clients at start.
//!
//! New clients (nothing paid in the base window) are outside the ratios and reported apart.

use std::collections::BTreeMap;

use baton_domain::Money;
use serde::Serialize;

/// One client's revenue in the two windows and who serves it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientRevenue {
    pub owner: Option<String>,
    pub base: Money,
    pub current: Money,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Retention {
    pub owner: Option<String>,
    pub clients_at_start: u64,
    pub clients_kept: u64,
    pub clients_lost: u64,
    /// Clients with revenue now and none in the base window.
    pub new_clients: u64,
    pub start_revenue: Money,
    pub kept_revenue: Money,
    pub expansion: Money,
    pub contraction: Money,
    pub churn: Money,
    /// Current revenue of the new clients.
    pub new_revenue: Money,
    pub nrr: Option<f64>,
    pub grr: Option<f64>,
    pub logo_churn: Option<f64>,
}

impl Retention {
    fn add(&mut self, c: &ClientRevenue) {
        if !c.base.is_positive() {
            if c.current.is_positive() {
                self.new_clients += 1;
                self.new_revenue += c.current;
            }
            return;
        }
        self.clients_at_start += 1;
        self.start_revenue += c.base;
        if !c.current.is_positive() {
            self.clients_lost += 1;
            self.churn += c.base;
            return;
        }
        self.clients_kept += 1;
        self.kept_revenue += c.current.min(c.base);
        if c.current > c.base {
            self.expansion += c.current - c.base;
        } else {
            self.contraction += c.base - c.current;
        }
    }
    fn finish(&mut self) {
        let start = self.start_revenue;
        if start.is_positive() {
            let s = start.kopecks() as f64;
            let net = start + self.expansion - self.contraction - self.churn;
            let gross = start - self.contraction - self.churn;
            self.nrr = Some(net.kopecks() as f64 / s);
            self.grr = Some(gross.kopecks() as f64 / s);
        }
        if self.clients_at_start > 0 {
            self.logo_churn = Some(self.clients_lost as f64 / self.clients_at_start as f64);
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RetentionReport {
    pub rows: Vec<Retention>,
    pub total: Retention,
}

/// Retention per owner (sorted; unassigned first) and overall.
pub fn retention(clients: &[ClientRevenue]) -> RetentionReport {
    let mut rows: BTreeMap<Option<String>, Retention> = BTreeMap::new();
    let mut total = Retention::default();
    for c in clients {
        rows.entry(c.owner.clone())
            .or_insert_with(|| Retention {
                owner: c.owner.clone(),
                ..Retention::default()
            })
            .add(c);
        total.add(c);
    }
    let mut rows: Vec<Retention> = rows.into_values().collect();
    for r in rows.iter_mut() {
        r.finish();
    }
    total.finish();
    RetentionReport { rows, total }
}
