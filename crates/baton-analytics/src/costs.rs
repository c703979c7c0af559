//! Cost per client (domain brief §5.3) by month and region. Exact: money in kopecks, every
//! division rounded half away from zero to the kopeck.
//!
//! - acquisition cost = callers' pay + sales managers' pay (universal managers' too) + the other
//!   acquisition costs entered for the month and region;
//! - cost per new client (CAC) = acquisition cost / new clients of the month;
//! - cost per accepted lead = (callers' pay + other acquisition costs) / leads accepted in the
//!   month: what a lead costs to find and qualify;
//! - client managers' cost to serve = client managers' pay / active clients (clients that paid
//!   in the month);
//! - revenue per new client = the collections of the month's new clients in their first N months
//!   (from the day each was won) / new clients;
//! - payback in months = CAC / (revenue per new client / N) = N × acquisition cost / revenue of
//!   the first N months.

use baton_domain::Money;
use serde::Serialize;

/// One month and region's inputs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CostInputs {
    pub caller_pay: Money,
    /// Sales managers' and universal managers' pay.
    pub sales_pay: Money,
    pub client_manager_pay: Money,
    pub other_costs: Money,
    pub new_clients: u64,
    pub accepted_leads: u64,
    pub active_clients: u64,
    /// Collections of the month's new clients in their first N months.
    pub new_client_revenue: Money,
}

impl CostInputs {
    pub fn add(&mut self, o: &CostInputs) {
        self.caller_pay += o.caller_pay;
        self.sales_pay += o.sales_pay;
        self.client_manager_pay += o.client_manager_pay;
        self.other_costs += o.other_costs;
        self.new_clients += o.new_clients;
        self.accepted_leads += o.accepted_leads;
        self.active_clients += o.active_clients;
        self.new_client_revenue += o.new_client_revenue;
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CostRow {
    /// `YYYY-MM`; `total` for the whole period.
    pub month: String,
    /// Region code; none for every region together.
    pub region: Option<String>,
    #[serde(flatten)]
    pub inputs: CostInputs,
    pub acquisition_cost: Money,
    pub cost_per_client: Option<Money>,
    pub cost_per_accepted_lead: Option<Money>,
    pub cost_to_serve_per_client: Option<Money>,
    pub revenue_per_new_client: Option<Money>,
    pub payback_months: Option<f64>,
}

/// `m / n` rounded half away from zero to the kopeck; none when `n` is zero.
pub fn per(m: Money, n: u64) -> Option<Money> {
    if n == 0 {
        return None;
    }
    let (k, n) = (i128::from(m.kopecks()), i128::from(n));
    let q = (2 * k.abs() + n) / (2 * n);
    let q = if k < 0 { -q } else { q };
    Some(Money::from_kopecks(i64::try_from(q).unwrap_or(i64::MAX)))
}

/// The derived figures of one row; `months_of_revenue` is the N of the revenue per new client.
pub fn cost_row(
    month: &str,
    region: Option<String>,
    inputs: CostInputs,
    months_of_revenue: u32,
) -> CostRow {
    let acquisition_cost = inputs.caller_pay + inputs.sales_pay + inputs.other_costs;
    let lead_cost = inputs.caller_pay + inputs.other_costs;
    let payback_months = inputs.new_client_revenue.is_positive().then(|| {
        f64::from(months_of_revenue) * acquisition_cost.kopecks() as f64
            / inputs.new_client_revenue.kopecks() as f64
    });
    CostRow {
        month: month.to_string(),
        region,
        acquisition_cost,
        cost_per_client: per(acquisition_cost, inputs.new_clients),
        cost_per_accepted_lead: per(lead_cost, inputs.accepted_leads),
        cost_to_serve_per_client: per(inputs.client_manager_pay, inputs.active_clients),
        revenue_per_new_client: per(inputs.new_client_revenue, inputs.new_clients),
        payback_months,
        inputs,
    }
}
