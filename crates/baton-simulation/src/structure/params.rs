//! The model's parameters: each has a name, a value, a unit, where the value comes from and —
//! when it was estimated from the company's history — its uncertainty, which the Monte Carlo
//! draws from run by run. Every parameter can be edited.
//!
//! The defaults are the inputs of `domain-brief.md` §6–7 (the worked example: 3 universal
//! managers against 2 callers + 2 sales managers + 1 client manager). Values the brief does
//! not give are marked as assumptions, with the reason for the number.

use super::error::SimError;
use super::stats;
use rand::Rng;
use rand_distr::{Beta, Distribution, Gamma, Normal};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// What values a parameter may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ParamKind {
    /// A share from 0 to 1.
    Rate,
    /// A positive quantity.
    Positive,
    /// Zero or more.
    NonNegative,
    /// A whole number, zero or more.
    Whole,
    /// Rubles, zero or more.
    Money,
}

/// Where a parameter's value comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Origin {
    /// A figure of `domain-brief.md` (§ in the parameter's note).
    #[default]
    Brief,
    /// Not in the sources: a stated assumption (the note says why this number).
    Assumption,
    /// Estimated from the company's history.
    Estimated { months: u32, observations: u64 },
    /// Set by the user.
    Edited,
}

/// The uncertainty of an estimated parameter: the posterior the Monte Carlo draws from, and its
/// 80 % interval (10th and 90th percentiles) for display.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "distribution", rename_all = "snake_case")]
pub enum Uncertainty {
    /// A rate: Beta(alpha, beta) (successes + 1, failures + 1 under a uniform prior).
    Beta {
        alpha: f64,
        beta: f64,
        p10: Decimal,
        p90: Decimal,
    },
    /// A positive quantity: Gamma(shape, scale).
    Gamma {
        shape: f64,
        scale: f64,
        p10: Decimal,
        p90: Decimal,
    },
    /// A positive quantity whose reciprocal is Gamma(shape, 1/scale) (hours per lead when the
    /// leads per hour are the Poisson rate).
    InverseGamma {
        shape: f64,
        scale: f64,
        p10: Decimal,
        p90: Decimal,
    },
    /// An average: Normal(mean, sd), truncated at zero.
    Normal {
        mean: f64,
        sd: f64,
        p10: Decimal,
        p90: Decimal,
    },
}

impl Uncertainty {
    pub fn beta(alpha: f64, beta: f64) -> Self {
        Uncertainty::Beta {
            alpha,
            beta,
            p10: stats::dec(stats::beta_quantile(0.1, alpha, beta), 4),
            p90: stats::dec(stats::beta_quantile(0.9, alpha, beta), 4),
        }
    }

    pub fn gamma(shape: f64, scale: f64) -> Self {
        Uncertainty::Gamma {
            shape,
            scale,
            p10: stats::dec(stats::gamma_quantile(0.1, shape) * scale, 4),
            p90: stats::dec(stats::gamma_quantile(0.9, shape) * scale, 4),
        }
    }

    pub fn inverse_gamma(shape: f64, scale: f64) -> Self {
        Uncertainty::InverseGamma {
            shape,
            scale,
            p10: stats::dec(scale / stats::gamma_quantile(0.9, shape), 4),
            p90: stats::dec(scale / stats::gamma_quantile(0.1, shape), 4),
        }
    }

    pub fn normal(mean: f64, sd: f64) -> Self {
        let z = stats::normal_quantile(0.9);
        Uncertainty::Normal {
            mean,
            sd,
            p10: stats::dec((mean - z * sd).max(0.0), 4),
            p90: stats::dec(mean + z * sd, 4),
        }
    }

    /// The 80 % interval.
    pub fn interval(&self) -> (Decimal, Decimal) {
        match self {
            Uncertainty::Beta { p10, p90, .. }
            | Uncertainty::Gamma { p10, p90, .. }
            | Uncertainty::InverseGamma { p10, p90, .. }
            | Uncertainty::Normal { p10, p90, .. } => (*p10, *p90),
        }
    }

    /// One draw; `fallback` when the distribution's parameters are unusable.
    pub(crate) fn draw<R: Rng>(&self, rng: &mut R, fallback: f64) -> f64 {
        match self {
            Uncertainty::Beta { alpha, beta, .. } => Beta::new(*alpha, *beta)
                .map(|d| d.sample(rng))
                .unwrap_or(fallback),
            Uncertainty::Gamma { shape, scale, .. } => Gamma::new(*shape, *scale)
                .map(|d| d.sample(rng))
                .unwrap_or(fallback),
            Uncertainty::InverseGamma { shape, scale, .. } => Gamma::new(*shape, 1.0)
                .map(|d| {
                    let g: f64 = d.sample(rng);
                    if g > 0.0 { scale / g } else { fallback }
                })
                .unwrap_or(fallback),
            Uncertainty::Normal { mean, sd, .. } => Normal::new(*mean, *sd)
                .map(|d| d.sample(rng).max(0.0))
                .unwrap_or(fallback),
        }
    }
}

/// One parameter's value, its uncertainty and its origin. In JSON a bare value
/// (`"calls_per_day": "80"`) is accepted too and means an edited value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(from = "ParamRepr")]
pub struct Param {
    pub value: Decimal,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uncertainty: Option<Uncertainty>,
    #[serde(default)]
    pub origin: Origin,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum ParamRepr {
    Full {
        value: Decimal,
        #[serde(default)]
        uncertainty: Option<Uncertainty>,
        #[serde(default)]
        origin: Origin,
    },
    Bare(Decimal),
}

impl From<ParamRepr> for Param {
    fn from(r: ParamRepr) -> Self {
        match r {
            ParamRepr::Full {
                value,
                uncertainty,
                origin,
            } => Param {
                value,
                uncertainty,
                origin,
            },
            ParamRepr::Bare(value) => Param {
                value,
                uncertainty: None,
                origin: Origin::Edited,
            },
        }
    }
}

impl Param {
    fn default_of(text: &str, origin: Origin) -> Self {
        Param {
            // The defaults are literals of this file, checked by a test.
            value: Decimal::from_str(text).unwrap_or_default(),
            uncertainty: None,
            origin,
        }
    }
}

/// The static description of a parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ParamSpec {
    pub name: &'static str,
    pub kind: ParamKind,
    pub unit: &'static str,
    pub label_en: &'static str,
    pub label_ru: &'static str,
    /// Where the default comes from, or why it is what it is.
    pub note: &'static str,
}

macro_rules! define_params {
    ($( $field:ident, $variant:ident, $kind:ident, $unit:literal, $default:literal, $origin:ident,
        $en:literal, $ru:literal, $note:literal; )*) => {
        /// A parameter's identifier; `name()` is its snake_case name in JSON and on the command
        /// line.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum ParamId { $($variant,)* }

        impl ParamId {
            /// Every parameter, in the order of the table.
            pub const ALL: &'static [ParamId] = &[$(ParamId::$variant,)*];

            pub fn spec(self) -> ParamSpec {
                match self {
                    $(ParamId::$variant => ParamSpec {
                        name: stringify!($field),
                        kind: ParamKind::$kind,
                        unit: $unit,
                        label_en: $en,
                        label_ru: $ru,
                        note: $note,
                    },)*
                }
            }

            pub fn name(self) -> &'static str {
                self.spec().name
            }

            /// The parameter called `name`.
            pub fn parse(name: &str) -> Result<ParamId, SimError> {
                ParamId::ALL
                    .iter()
                    .copied()
                    .find(|p| p.name() == name)
                    .ok_or_else(|| SimError::UnknownParam {
                        name: name.to_string(),
                        known: ParamId::ALL.iter().map(|p| p.name()).collect::<Vec<_>>().join(", "),
                    })
            }
        }

        /// All parameters of the model. Missing fields in JSON take their defaults.
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[serde(default, deny_unknown_fields)]
        pub struct Params {
            $(#[doc = $en] pub $field: Param,)*
        }

        impl Default for Params {
            /// The inputs of `domain-brief.md` §7 (and §6 where §7 is silent).
            fn default() -> Self {
                Params { $($field: Param::default_of($default, Origin::$origin),)* }
            }
        }

        impl Params {
            pub fn get(&self, id: ParamId) -> &Param {
                match id { $(ParamId::$variant => &self.$field,)* }
            }

            pub fn get_mut(&mut self, id: ParamId) -> &mut Param {
                match id { $(ParamId::$variant => &mut self.$field,)* }
            }
        }
    };
}

define_params! {
    // The caller's funnel.
    calls_per_day, CallsPerDay, Positive, "calls/day", "70", Brief,
        "Calls per caller per working day", "Звонков на колл-менеджера в рабочий день",
        "§6: «standard 70/day» (range 20–100)";
    dm_rate, DmRate, Rate, "share of calls", "0.25", Brief,
        "Calls that reach the decision maker", "Доля звонков с выходом на ЛПР",
        "§5.1: 400 dials → 100 connects (25 %)";
    warm_rate, WarmRate, Rate, "share of DM conversations", "0.04", Assumption,
        "Warm leads per DM conversation", "Доля разговоров с ЛПР, давших тёплый лид",
        "chosen so that a ramped caller hands 14 leads a month (§6; §7: 28 from two callers)";
    acceptance_rate, AcceptanceRate, Rate, "share of handed leads", "0.8", Brief,
        "Handed leads the sales manager accepts (1 − handoff loss)", "Доля переданных лидов, принятых МПП (1 − потери на передаче)",
        "§7: handoff loss 20 % (the 30–50 % «tax» cut by SLA and acceptance rules)";
    // Closing.
    sm_win_rate, SmWinRate, Rate, "share of accepted leads", "0.3", Brief,
        "Sales manager: accepted leads that become paying clients", "МПП: доля принятых лидов, ставших клиентами",
        "§6–7: accepted → paid 30 %";
    universal_win_rate, UniversalWinRate, Rate, "share of leads", "0.3", Brief,
        "Universal manager: leads that become paying clients", "Универсал: доля лидов, ставших клиентами",
        "§7: win 30 %";
    cycle_days, CycleDays, Positive, "days", "45", Brief,
        "Sales cycle: accepted lead → first payment", "Цикл сделки: от принятия лида до первой оплаты",
        "§6: 45-day cycle";
    active_deals_per_closer, ActiveDealsPerCloser, Positive, "deals", "20", Brief,
        "Active deals one closer can carry (Little's law: new deals a month ≤ this ÷ cycle in months)", "Активных сделок на одного закрывающего (закон Литтла)",
        "§6: ~20 active deals per closer";
    // The universal manager's time.
    non_selling_share, NonSellingShare, Rate, "share of working time", "0.5", Brief,
        "Universal manager's time lost to non-selling work", "Доля времени универсала на непродающую работу",
        "§7: 40–60 % lost to non-target work; 50 % in the example";
    service_hours_per_client, ServiceHoursPerClient, Positive, "hours/client/month", "1.2", Brief,
        "Universal manager's hours a month to serve one client", "Часов в месяц универсала на обслуживание одного клиента",
        "§7: half of 240 selling hours goes to the 100-client base";
    universal_hours_per_lead, UniversalHoursPerLead, Positive, "hours/lead", "6", Brief,
        "Universal manager's hunting hours per own lead, closing included", "Часов охоты универсала на один свой лид, вместе с закрытием",
        "§7: «1 accepted meeting per 6 h»";
    closing_hours_per_lead, ClosingHoursPerLead, Positive, "hours/lead", "2", Assumption,
        "Universal manager's hours to close a lead handed by a caller", "Часов универсала на закрытие лида от колл-менеджера",
        "the meeting-and-proposal part of the 6 hours (hybrids only)";
    // The portfolio.
    starting_clients, StartingClients, Whole, "clients", "100", Brief,
        "Active clients on the books at the start", "Активных клиентов в базе на старте",
        "§7: a 5 M ₽ a month base = 100 clients × 80 % ordering × 62 500 ₽";
    clients_per_cm, ClientsPerCm, Positive, "clients", "120", Assumption,
        "Clients one client manager can serve", "Клиентов на одного клиент-менеджера",
        "§6 quotes 60–80; §7 has one КМ serve the 100-client base, so 120 keeps it unloaded at the start";
    repeat_rate, RepeatRate, Rate, "share of active clients a month", "0.8", Assumption,
        "Active clients placing a repeat order in a month", "Доля активных клиентов с повторным заказом в месяц",
        "with the repeat order, gives the §7 base of 5 M ₽ a month";
    repeat_order, RepeatOrder, Money, "₽", "62500", Assumption,
        "Average repeat order", "Средний повторный заказ",
        "5 M ₽ ÷ 80 orders (§7 base)";
    first_order, FirstOrder, Money, "₽", "50000", Assumption,
        "Average first order of a new client", "Средний первый заказ нового клиента",
        "the 50 000 ₽ new-client bonus minimum of §3.6 and PRODUCT.md §4.4";
    churn_cm, ChurnCm, Rate, "share of clients a month", "0.02", Brief,
        "Monthly logo churn of clients served by a client manager", "Месячный отток клиентов у клиент-менеджера",
        "§7: the КМ cuts churn to 2 %";
    churn_universal, ChurnUniversal, Rate, "share of clients a month", "0.03", Brief,
        "Monthly logo churn of clients served by a universal manager", "Месячный отток клиентов у универсала",
        "§7: 3 %";
    churn_unserved, ChurnUnserved, Rate, "share of clients a month", "0.1", Assumption,
        "Monthly churn of clients nobody has time to serve (over capacity)", "Месячный отток клиентов, которых некому обслуживать",
        "not in the sources: an overloaded book loses clients several times faster";
    unserved_repeat_factor, UnservedRepeatFactor, Rate, "× repeat rate", "0.5", Assumption,
        "Repeat orders of unserved clients, relative to served ones", "Повторные заказы необслуживаемых клиентов относительно обслуживаемых",
        "not in the sources: nobody calls them, half the orders";
    client_handoff_loss, ClientHandoffLoss, Rate, "share of new clients", "0", Brief,
        "New clients lost at the handoff sales manager → client manager", "Доля новых клиентов, потерянных при передаче МПП → КМ",
        "§7 leaves it out; §8.3 quotes ~25 % of first-year churn traced to bad handoffs";
    hunter_window_months, HunterWindowMonths, Whole, "months", "3", Brief,
        "Hunter window: months of a new client's payments credited to the closer", "Окно охотника: месяцев оплат нового клиента в зачёт закрывшему",
        "§11: 3 months as the common-sense default";
    // Economics.
    gross_margin, GrossMargin, Rate, "share of collections", "0.3", Brief,
        "Gross margin on collections", "Валовая маржа с оплат",
        "§7: 30 % GM";
    first_year_margin, FirstYearMargin, Money, "₽ per new client (0 = from orders and churn)", "150000", Brief,
        "First-year gross margin of a new client (value view)", "Валовая маржа нового клиента за первый год (взгляд «ценность»)",
        "§7: GM 150 000 first-year; 0 derives it from the first order, repeat orders and churn";
    overdue_share, OverdueShare, Rate, "share of receivables", "0.03", Assumption,
        "Overdue share of receivables (for the pay plans)", "Доля просроченной дебиторки (для планов оплаты)",
        "below the plans' 5 % band: the multiplier stays 1.0";
    // Time and people.
    working_days, WorkingDays, Whole, "days/month", "20", Brief,
        "Working days a month", "Рабочих дней в месяце",
        "§7: 160 hours a month";
    hours_per_day, HoursPerDay, Positive, "hours/day", "8", Brief,
        "Working hours a day", "Рабочих часов в день",
        "§7: 160 hours a month";
    ramp_months, RampMonths, Whole, "months", "2", Brief,
        "Ramp-up of a new hire (0 % the first month, 100 % after this many)", "Ввод новичка (0 % в первый месяц, 100 % через столько месяцев)",
        "§6: 0 % month 1, 50 % month 2, 100 % month 3";
    // Costs.
    payroll_overhead, PayrollOverhead, NonNegative, "share of pay", "0", Brief,
        "Employer's contributions and overhead on pay", "Взносы и накладные на фонд оплаты",
        "§7's 90 000 ₽ per head is already loaded; about 0.3 for the shipped plans";
    cost_per_head, CostPerHead, Money, "₽/head/month", "0", Brief,
        "Other costs per head (workplace, tools, lists)", "Прочие расходы на человека (место, инструменты, базы)",
        "§7: no tool or management delta";
    other_costs_per_month, OtherCostsPerMonth, Money, "₽/month", "0", Brief,
        "Other department costs a month", "Прочие расходы отдела в месяц",
        "§7: none";
}

/// A parameter as a table row for a person to read.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParamRow {
    pub id: ParamId,
    pub name: &'static str,
    pub label_en: &'static str,
    pub label_ru: &'static str,
    pub unit: &'static str,
    pub value: Decimal,
    /// The 80 % interval when the value was estimated.
    pub p10: Option<Decimal>,
    pub p90: Option<Decimal>,
    pub origin: Origin,
    pub note: &'static str,
}

impl Params {
    /// The inputs of `domain-brief.md` §7 (the defaults).
    pub fn brief() -> Self {
        Params::default()
    }

    /// Every parameter with its unit, value, interval and origin.
    pub fn table(&self) -> Vec<ParamRow> {
        ParamId::ALL
            .iter()
            .map(|&id| {
                let s = id.spec();
                let p = self.get(id);
                let interval = p.uncertainty.as_ref().map(Uncertainty::interval);
                ParamRow {
                    id,
                    name: s.name,
                    label_en: s.label_en,
                    label_ru: s.label_ru,
                    unit: s.unit,
                    value: p.value,
                    p10: interval.map(|i| i.0),
                    p90: interval.map(|i| i.1),
                    origin: p.origin.clone(),
                    note: s.note,
                }
            })
            .collect()
    }

    /// Sets a parameter by name (as on the command line: `calls_per_day=80`); the value becomes
    /// an edited one without uncertainty.
    pub fn set(&mut self, name: &str, value: &str) -> Result<(), SimError> {
        let id = ParamId::parse(name)?;
        let v = Decimal::from_str(value.trim()).map_err(|_| SimError::InvalidParam {
            name: name.to_string(),
            value: value.to_string(),
            problem: "not a number".into(),
            hint: "write it with a dot, e.g. 0.25 or 62500".into(),
        })?;
        check_one(id, v)?;
        self.set_value(id, v);
        Ok(())
    }

    /// Sets a parameter's value (edited, without uncertainty), unchecked: `validate` checks.
    pub fn set_value(&mut self, id: ParamId, value: Decimal) {
        let p = self.get_mut(id);
        p.value = value;
        p.uncertainty = None;
        p.origin = Origin::Edited;
    }

    /// Checks every parameter's range and the few rules between parameters.
    pub fn validate(&self) -> Result<(), SimError> {
        for &id in ParamId::ALL {
            check_one(id, self.get(id).value)?;
            if let Some(u) = &self.get(id).uncertainty {
                check_uncertainty(id, u)?;
            }
        }
        if self.closing_hours_per_lead.value > self.universal_hours_per_lead.value {
            return Err(SimError::InvalidParam {
                name: "closing_hours_per_lead".into(),
                value: self.closing_hours_per_lead.value.to_string(),
                problem: format!(
                    "more than universal_hours_per_lead ({}), which includes closing",
                    self.universal_hours_per_lead.value
                ),
                hint: "lower it or raise universal_hours_per_lead".into(),
            });
        }
        Ok(())
    }
}

fn check_uncertainty(id: ParamId, u: &Uncertainty) -> Result<(), SimError> {
    let ok = |x: f64| x.is_finite() && x > 0.0;
    let fine = match u {
        Uncertainty::Beta { alpha, beta, .. } => ok(*alpha) && ok(*beta),
        Uncertainty::Gamma { shape, scale, .. }
        | Uncertainty::InverseGamma { shape, scale, .. } => ok(*shape) && ok(*scale),
        Uncertainty::Normal { mean, sd, .. } => mean.is_finite() && sd.is_finite() && *sd >= 0.0,
    };
    if fine {
        Ok(())
    } else {
        Err(SimError::InvalidParam {
            name: id.name().into(),
            value: format!("{u:?}"),
            problem: "the uncertainty's parameters must be positive numbers".into(),
            hint: "remove the uncertainty or re-estimate the parameter from the history".into(),
        })
    }
}

fn check_one(id: ParamId, v: Decimal) -> Result<(), SimError> {
    let s = id.spec();
    let bad = |problem: &str, hint: &str| {
        Err(SimError::InvalidParam {
            name: s.name.into(),
            value: v.to_string(),
            problem: problem.into(),
            hint: hint.into(),
        })
    };
    match s.kind {
        ParamKind::Rate if v < Decimal::ZERO || v > Decimal::ONE => {
            return bad("a share must be from 0 to 1", "write 25 % as 0.25");
        }
        ParamKind::Positive if v <= Decimal::ZERO => {
            return bad("must be above zero", "enter a positive number");
        }
        ParamKind::NonNegative | ParamKind::Money if v < Decimal::ZERO => {
            return bad("cannot be negative", "enter zero or more");
        }
        ParamKind::Whole if v < Decimal::ZERO || !v.fract().is_zero() => {
            return bad("must be a whole number, zero or more", "enter e.g. 3");
        }
        _ => {}
    }
    let limit = |max: i64, what: &str| {
        if v > Decimal::from(max) {
            bad(&format!("at most {max} {what}"), "enter a smaller number")
        } else {
            Ok(())
        }
    };
    match id {
        ParamId::WorkingDays if v.is_zero() => bad("a month needs working days", "enter e.g. 20"),
        ParamId::WorkingDays => limit(31, "days"),
        ParamId::HoursPerDay => limit(24, "hours"),
        ParamId::CycleDays => limit(360, "days (the pipeline looks 12 months ahead)"),
        ParamId::RampMonths => limit(24, "months"),
        ParamId::HunterWindowMonths if v.is_zero() => {
            bad("the window includes the winning month", "enter 1 or more")
        }
        ParamId::HunterWindowMonths => limit(12, "months"),
        ParamId::StartingClients => limit(1_000_000, "clients"),
        ParamId::CallsPerDay => limit(2_000, "calls a day"),
        ParamId::PayrollOverhead => limit(5, "× pay"),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_parse_and_validate() {
        let p = Params::default();
        p.validate().expect("defaults are valid");
        for &id in ParamId::ALL {
            assert!(
                !p.get(id).value.is_zero()
                    || matches!(
                        id,
                        ParamId::ClientHandoffLoss
                            | ParamId::PayrollOverhead
                            | ParamId::CostPerHead
                            | ParamId::OtherCostsPerMonth
                    ),
                "{} parsed as 0",
                id.name()
            );
        }
        assert_eq!(p.calls_per_day.value, Decimal::from(70));
    }

    #[test]
    fn set_checks_and_names_the_field() {
        let mut p = Params::default();
        p.set("dm_rate", "0.3").expect("valid");
        assert_eq!(p.dm_rate.origin, Origin::Edited);
        let e = p.set("dm_rate", "30").expect_err("a share above 1");
        assert!(e.to_string().contains("dm_rate"), "{e}");
        let e = p.set("no_such", "1").expect_err("unknown");
        assert_eq!(e.code(), "unknown_param");
    }
}
