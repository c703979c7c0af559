//! Ready-made inputs: the worked example of `domain-brief.md` §7, as printed and with the
//! brief's rounding to whole clients.

use super::error::SimError;
use super::monte_carlo::{PortfolioMode, ProfitMeasure, Settings};
use super::params::{Origin, Params};
use super::pay::PayPlans;
use super::scenario::Scenario;
use super::verdict::{Judgement, judge};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Parameters, plans, two scenarios and settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Preset {
    pub name: String,
    pub description_en: String,
    pub description_ru: String,
    pub params: Params,
    pub plans: PayPlans,
    pub baseline: Scenario,
    pub candidate: Scenario,
    pub settings: Settings,
}

impl Preset {
    /// `domain-brief.md` §7 as printed: 3 universal managers against 2 callers + 2 sales
    /// managers + 1 client manager; 90 000 ₽ loaded per head; new clients valued at 150 000 ₽
    /// first-year margin; the book held at 5 M ₽ a month. The inputs are taken as exact (no
    /// parameter uncertainty): the spread is the months' own randomness.
    pub fn brief7() -> Preset {
        Preset {
            name: "brief7".into(),
            description_en: "domain-brief.md §7: 3 universal managers vs 2 callers + 2 sales managers + 1 client manager".into(),
            description_ru: "domain-brief.md §7: 3 универсала против 2 колл-менеджеров + 2 МПП + 1 КМ".into(),
            params: Params::brief(),
            plans: PayPlans::flat(Decimal::from(90_000)),
            baseline: Scenario::universal(3),
            candidate: Scenario::conveyor(2, 2, 1),
            settings: Settings {
                runs: 20_000,
                horizon_months: 12,
                seed: 7,
                portfolio: PortfolioMode::Steady,
                measure: ProfitMeasure::Value,
                parameter_uncertainty: false,
            },
        }
    }

    /// The same with the brief's rounding: it takes 22.4 accepted × 30 % = 6.72 new clients as
    /// «≈ 7». Here the conveyor reaches exactly 7 a month by a handoff loss of 1/6 instead of
    /// 20 % (28 × 5/6 × 0.3 = 7), which gives the brief's printed −15 000 ₽.
    pub fn brief7_whole_clients() -> Preset {
        let mut p = Preset::brief7();
        p.name = "brief7_whole_clients".into();
        p.description_en =
            "domain-brief.md §7 with its rounding to 7 new clients (handoff loss 1/6)".into();
        p.description_ru =
            "domain-brief.md §7 с его округлением до 7 новых клиентов (потери на передаче 1/6)"
                .into();
        p.params.acceptance_rate.value = Decimal::from(5) / Decimal::from(6);
        p.params.acceptance_rate.origin = Origin::Edited;
        p
    }

    /// The presets by name: `brief7`, `brief7_whole_clients`.
    pub fn by_name(name: &str) -> Option<Preset> {
        match name {
            "brief7" => Some(Preset::brief7()),
            "brief7_whole_clients" => Some(Preset::brief7_whole_clients()),
            _ => None,
        }
    }

    /// Compares the candidate with the baseline and gives the verdict.
    pub fn judge(&self) -> Result<Judgement, SimError> {
        judge(
            &self.params,
            &self.plans,
            &self.baseline,
            &self.candidate,
            &self.settings,
        )
    }
}
