//! Estimating the parameters from the company's own history: plain monthly totals, as the
//! CRM counts them. Rates become Beta posteriors (uniform prior), averages Normal with the
//! month-to-month spread, the universal manager's hours per lead an inverse-Gamma posterior
//! (leads are Poisson in hunting hours). The Monte Carlo draws each run's parameters from
//! these, so the uncertainty of the estimates widens the bands.
//!
//! Parameters the totals cannot reveal (capacities, the non-selling share, service hours,
//! the cycle length, margins, plans) keep the values they had, and the notes say so.

use super::error::SimError;
use super::params::{Origin, ParamId, Params, Uncertainty};
use super::stats;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// One month of the department's history (totals of the month).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HistoryMonth {
    /// `YYYY-MM`, for the reader.
    pub period: String,
    /// Working days of the month; 0 takes the `working_days` parameter.
    pub working_days: u32,
    pub callers: u32,
    pub sales_managers: u32,
    pub client_managers: u32,
    pub universals: u32,
    /// Callers' calls, their DM conversations, the warm leads they handed on and the handoffs
    /// accepted.
    pub calls: u64,
    pub dm_conversations: u64,
    pub warm_leads: u64,
    pub accepted: u64,
    /// Leads the universal managers found themselves.
    pub self_sourced_leads: u64,
    pub new_clients: u64,
    /// Collections of the new clients' first orders, ₽.
    pub first_order_collections: Decimal,
    /// Repeat orders paid in the month (count) and all collections, ₽.
    pub repeat_orders: u64,
    pub collections: Decimal,
    /// Active clients at the end of the month, and the clients lost during it.
    pub active_clients: u64,
    pub churned_clients: u64,
}

/// Months of history, oldest first.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct History {
    pub months: Vec<HistoryMonth>,
}

/// What was estimated, what was not and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EstimateNote {
    pub param: ParamId,
    pub text_en: String,
    pub text_ru: String,
}

/// The estimated parameters with their uncertainty, and notes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Estimates {
    pub params: Params,
    pub months: u32,
    pub notes: Vec<EstimateNote>,
}

impl HistoryMonth {
    /// Clients at the start of the month: end − new + lost.
    pub fn clients_at_start(&self) -> u64 {
        (self.active_clients + self.churned_clients).saturating_sub(self.new_clients)
    }

    fn check(&self, i: usize) -> Result<(), SimError> {
        let bad = |field: &str, problem: String, hint: &str| {
            Err(SimError::InvalidHistory {
                month: i + 1,
                field: field.into(),
                problem,
                hint: hint.into(),
            })
        };
        if self.dm_conversations > self.calls {
            return bad(
                "dm_conversations",
                format!(
                    "{} DM conversations out of {} calls",
                    self.dm_conversations, self.calls
                ),
                "DM conversations are calls that reached the decision maker: at most the calls",
            );
        }
        if self.warm_leads > self.dm_conversations {
            return bad(
                "warm_leads",
                format!(
                    "{} warm leads out of {} DM conversations",
                    self.warm_leads, self.dm_conversations
                ),
                "a warm lead comes from a DM conversation",
            );
        }
        if self.accepted > self.warm_leads {
            return bad(
                "accepted",
                format!(
                    "{} accepted out of {} handed",
                    self.accepted, self.warm_leads
                ),
                "count only handoffs of the month's warm leads",
            );
        }
        if self.collections < self.first_order_collections {
            return bad(
                "collections",
                format!(
                    "{} ₽ is less than the first orders' {} ₽",
                    self.collections, self.first_order_collections
                ),
                "collections include the first orders",
            );
        }
        if self.first_order_collections < Decimal::ZERO {
            return bad(
                "first_order_collections",
                "negative".into(),
                "enter net collections",
            );
        }
        if self.new_clients > self.active_clients + self.churned_clients {
            return bad(
                "new_clients",
                format!(
                    "{} new clients, but only {} active at the end and {} lost",
                    self.new_clients, self.active_clients, self.churned_clients
                ),
                "active clients at the end include the month's new clients",
            );
        }
        Ok(())
    }
}

struct Rate {
    k: f64,
    n: f64,
    months: u32,
}

impl Rate {
    fn new() -> Rate {
        Rate {
            k: 0.0,
            n: 0.0,
            months: 0,
        }
    }
    fn add(&mut self, k: u64, n: u64) {
        self.k += k as f64;
        self.n += n as f64;
        self.months += 1;
    }
}

impl Params {
    /// Estimates the parameters from a history, the rest at their defaults.
    pub fn estimate(history: &History) -> Result<Estimates, SimError> {
        Params::default().estimate_over(history)
    }

    /// Estimates what the history reveals; the other parameters keep their values in `self`.
    pub fn estimate_over(&self, history: &History) -> Result<Estimates, SimError> {
        if history.months.is_empty() {
            return Err(SimError::InvalidHistory {
                month: 0,
                field: "months".into(),
                problem: "the history is empty".into(),
                hint: "give at least one month; six or more make useful estimates".into(),
            });
        }
        for (i, m) in history.months.iter().enumerate() {
            m.check(i)?;
        }
        let mut p = self.clone();
        let mut notes = Vec::new();
        let default_wd = stats::f(self.working_days.value);
        let wd = |m: &HistoryMonth| {
            if m.working_days > 0 {
                f64::from(m.working_days)
            } else {
                default_wd
            }
        };
        let months = history.months.len() as u32;
        // The caller's funnel.
        let mut rate_calls = Vec::new();
        let (mut dm, mut warm, mut acc) = (Rate::new(), Rate::new(), Rate::new());
        let (mut sm_win, mut uni_win) = (Rate::new(), Rate::new());
        let (mut churn_cm, mut churn_uni, mut repeat) = (Rate::new(), Rate::new(), Rate::new());
        let (mut hunt_hours, mut self_leads, mut hunt_months) = (0.0, 0u64, 0u32);
        let mut repeat_avgs = Vec::new();
        let mut first_avgs = Vec::new();
        let (mut repeat_money, mut repeat_count) = (0.0, 0u64);
        let (mut first_money, mut first_count) = (0.0, 0u64);
        let ns = stats::f(self.non_selling_share.value);
        let hpd = stats::f(self.hours_per_day.value);
        let service_h = stats::f(self.service_hours_per_client.value);
        let closing_h = stats::f(self.closing_hours_per_lead.value);
        for m in &history.months {
            if m.callers > 0 {
                rate_calls.push((m.calls as f64, f64::from(m.callers) * wd(m)));
                dm.add(m.dm_conversations, m.calls);
                warm.add(m.warm_leads, m.dm_conversations);
                if m.sales_managers > 0 || m.universals > 0 {
                    acc.add(m.accepted, m.warm_leads);
                }
            }
            if m.sales_managers > 0 && m.universals == 0 && m.accepted > 0 {
                sm_win.add(m.new_clients.min(m.accepted), m.accepted);
            }
            if m.universals > 0 && m.sales_managers == 0 {
                let trials = m.accepted + m.self_sourced_leads;
                if trials > 0 {
                    uni_win.add(m.new_clients.min(trials), trials);
                }
                let selling = f64::from(m.universals) * wd(m) * hpd * (1.0 - ns);
                let service = if m.client_managers > 0 {
                    0.0
                } else {
                    (m.clients_at_start() as f64 * service_h).min(selling)
                };
                hunt_hours += (selling - service - m.accepted as f64 * closing_h).max(0.0);
                self_leads += m.self_sourced_leads;
                hunt_months += 1;
            }
            let start = m.clients_at_start();
            if start > 0 {
                if m.client_managers > 0 {
                    churn_cm.add(m.churned_clients.min(start), start);
                } else if m.universals > 0 {
                    churn_uni.add(m.churned_clients.min(start), start);
                }
                let kept = start.saturating_sub(m.churned_clients);
                if kept > 0 {
                    repeat.add(m.repeat_orders.min(kept), kept);
                }
            }
            let rep_money = stats::f(m.collections - m.first_order_collections);
            if m.repeat_orders > 0 {
                repeat_avgs.push(rep_money / m.repeat_orders as f64);
                repeat_money += rep_money;
                repeat_count += m.repeat_orders;
            }
            if m.new_clients > 0 {
                let fm = stats::f(m.first_order_collections);
                first_avgs.push(fm / m.new_clients as f64);
                first_money += fm;
                first_count += m.new_clients;
            }
        }
        let mut note = |id: ParamId, en: String, ru: String| {
            notes.push(EstimateNote {
                param: id,
                text_en: en,
                text_ru: ru,
            })
        };
        let mut beta = |p: &mut Params, id: ParamId, r: &Rate, what_en: &str, what_ru: &str| {
            if r.n <= 0.0 {
                note(
                    id,
                    format!("not estimated: no months with {what_en}; the value stays"),
                    format!("не оценено: нет месяцев, где {what_ru}; значение оставлено"),
                );
                return;
            }
            let (a, b) = (1.0 + r.k, 1.0 + (r.n - r.k).max(0.0));
            let param = p.get_mut(id);
            param.value = stats::dec(a / (a + b), 6);
            param.uncertainty = Some(Uncertainty::beta(a, b));
            param.origin = Origin::Estimated {
                months: r.months,
                observations: r.n as u64,
            };
        };
        beta(
            &mut p,
            ParamId::DmRate,
            &dm,
            "callers' calls",
            "звонили колл-менеджеры",
        );
        beta(
            &mut p,
            ParamId::WarmRate,
            &warm,
            "DM conversations",
            "были разговоры с ЛПР",
        );
        beta(
            &mut p,
            ParamId::AcceptanceRate,
            &acc,
            "handed leads",
            "передавались лиды",
        );
        beta(
            &mut p,
            ParamId::SmWinRate,
            &sm_win,
            "sales managers closing",
            "закрывали МПП",
        );
        beta(
            &mut p,
            ParamId::UniversalWinRate,
            &uni_win,
            "universal managers closing",
            "закрывали универсалы",
        );
        beta(
            &mut p,
            ParamId::ChurnCm,
            &churn_cm,
            "client managers serving",
            "обслуживали КМ",
        );
        beta(
            &mut p,
            ParamId::ChurnUniversal,
            &churn_uni,
            "universal managers serving",
            "обслуживали универсалы",
        );
        beta(
            &mut p,
            ParamId::RepeatRate,
            &repeat,
            "active clients",
            "были активные клиенты",
        );
        // Calls a day: the ratio of totals, with the spread of the monthly ratios.
        let calls: f64 = rate_calls.iter().map(|r| r.0).sum();
        let caller_days: f64 = rate_calls.iter().map(|r| r.1).sum();
        if caller_days > 0.0 {
            let monthly: Vec<f64> = rate_calls
                .iter()
                .filter(|r| r.1 > 0.0)
                .map(|r| r.0 / r.1)
                .collect();
            let mean = calls / caller_days;
            let param = &mut p.calls_per_day;
            param.value = stats::dec(mean.max(0.01), 4);
            param.uncertainty = spread(&monthly).map(|sd| Uncertainty::normal(mean, sd));
            param.origin = Origin::Estimated {
                months: rate_calls.len() as u32,
                observations: calls as u64,
            };
        }
        // Orders.
        for (id, money, count, avgs) in [
            (
                ParamId::RepeatOrder,
                repeat_money,
                repeat_count,
                &repeat_avgs,
            ),
            (ParamId::FirstOrder, first_money, first_count, &first_avgs),
        ] {
            if count > 0 {
                let mean = money / count as f64;
                let param = p.get_mut(id);
                param.value = stats::dec(mean, 2);
                param.uncertainty = spread(avgs).map(|sd| Uncertainty::normal(mean, sd));
                param.origin = Origin::Estimated {
                    months: avgs.len() as u32,
                    observations: count,
                };
            }
        }
        // The universal manager's hours per own lead.
        if hunt_months > 0 && self_leads > 0 && hunt_hours > 0.0 {
            let shape = 1.0 + self_leads as f64;
            let param = &mut p.universal_hours_per_lead;
            param.value = stats::dec(hunt_hours / self_leads as f64, 4);
            param.uncertainty = Some(Uncertainty::inverse_gamma(shape, hunt_hours));
            param.origin = Origin::Estimated {
                months: hunt_months,
                observations: self_leads,
            };
            note(
                ParamId::UniversalHoursPerLead,
                "estimated given the non-selling share and the service hours per client, which the history cannot show".into(),
                "оценено при заданных доле непродающей работы и часах обслуживания клиента: история их не показывает".into(),
            );
        }
        // The book now.
        if let Some(last) = history.months.last() {
            let param = &mut p.starting_clients;
            param.value = Decimal::from(last.active_clients);
            param.uncertainty = None;
            param.origin = Origin::Estimated {
                months: 1,
                observations: last.active_clients,
            };
        }
        for id in [
            ParamId::CycleDays,
            ParamId::ActiveDealsPerCloser,
            ParamId::ClientsPerCm,
            ParamId::NonSellingShare,
            ParamId::ServiceHoursPerClient,
            ParamId::GrossMargin,
        ] {
            note(
                id,
                "not in monthly totals: the value stays (edit it if you know better)".into(),
                "по месячным итогам не оценить: значение оставлено (исправьте, если знаете точнее)"
                    .into(),
            );
        }
        Ok(Estimates {
            params: p,
            months,
            notes,
        })
    }
}

/// The standard error of the mean of monthly values (None below two months).
fn spread(values: &[f64]) -> Option<f64> {
    if values.len() < 2 {
        return None;
    }
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
    let se = (var / n).sqrt();
    (se > 0.0).then_some(se)
}
