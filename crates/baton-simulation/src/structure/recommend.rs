//! The recommended ratio of roles: every way to fill a given headcount with callers, sales
//! managers, client managers and universal managers that can work (callers need someone to
//! close; sales managers need callers) is simulated with the same seeds, and the one with the
//! highest median profit wins. Several headcounts can be searched at once to see the best
//! size as well.

use super::error::SimError;
use super::model::Start;
use super::monte_carlo::{Band, ProfitMeasure, Settings, run_many};
use super::params::Params;
use super::pay::PayPlans;
use super::scenario::{Headcount, Scenario, StructureKind};
use super::verdict::money;
use serde::{Deserialize, Serialize};

/// What to search.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RecommendQuery {
    /// Total headcounts to try (each is searched over all its mixes).
    pub total_headcounts: Vec<u32>,
    /// At most this many people in one role (0: no limit).
    pub max_per_role: u32,
}

impl Default for RecommendQuery {
    fn default() -> Self {
        RecommendQuery {
            total_headcounts: vec![5],
            max_per_role: 0,
        }
    }
}

/// One mix and its distributions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    pub headcount: Headcount,
    pub kind: StructureKind,
    pub label_en: String,
    pub label_ru: String,
    /// callers : sales managers : client managers (: universal managers when there are any).
    pub ratio: String,
    pub profit: Band,
    pub new_clients: Band,
    pub payroll: Band,
}

/// The best mix, the best of each kind, and every candidate sorted by median profit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recommendation {
    pub measure: ProfitMeasure,
    pub best: Candidate,
    pub best_by_total: Vec<Candidate>,
    pub best_universal: Option<Candidate>,
    pub best_conveyor: Option<Candidate>,
    pub best_hybrid: Option<Candidate>,
    pub text_en: String,
    pub text_ru: String,
    pub candidates: Vec<Candidate>,
}

fn ratio(h: &Headcount) -> String {
    if h.universals > 0 {
        format!(
            "{} : {} : {} : {}",
            h.callers, h.sales_managers, h.client_managers, h.universals
        )
    } else {
        format!(
            "{} : {} : {}",
            h.callers, h.sales_managers, h.client_managers
        )
    }
}

/// Every workable mix of `n` people.
fn mixes(n: u32, max: u32) -> Vec<Headcount> {
    let cap = if max == 0 { n } else { max.min(n) };
    let mut out = Vec::new();
    for callers in 0..=cap {
        for sales_managers in 0..=cap.min(n - callers) {
            for client_managers in 0..=cap.min(n - callers - sales_managers) {
                let universals = n - callers - sales_managers - client_managers;
                if universals > cap {
                    continue;
                }
                let h = Headcount {
                    callers,
                    sales_managers,
                    client_managers,
                    universals,
                };
                if Scenario::with(h).validate().is_ok() {
                    out.push(h);
                }
            }
        }
    }
    out
}

/// Searches the mixes of each total headcount for the highest median profit.
pub fn recommend(
    params: &Params,
    plans: &PayPlans,
    settings: &Settings,
    query: &RecommendQuery,
) -> Result<Recommendation, SimError> {
    params.validate()?;
    settings.validate()?;
    if query.total_headcounts.is_empty()
        || query.total_headcounts.iter().any(|n| *n == 0 || *n > 30)
    {
        return Err(SimError::setting(
            "total_headcounts",
            format!("{:?}", query.total_headcounts),
            "each total must be from 1 to 30",
            "e.g. [4, 5, 6]",
        ));
    }
    let mut pay = plans.compile()?;
    let mut candidates = Vec::new();
    let mut best_by_total = Vec::new();
    for &n in &query.total_headcounts {
        let mut of_n: Vec<Candidate> = Vec::new();
        for h in mixes(n, query.max_per_role) {
            let s = Scenario::with(h);
            let mut r = run_many(
                params,
                &mut pay,
                &s,
                settings,
                &Start::Steady,
                None,
                &mut |_| {},
            );
            of_n.push(Candidate {
                headcount: h,
                kind: s.kind(),
                label_en: s.describe_en(),
                label_ru: s.describe_ru(),
                ratio: ratio(&h),
                profit: Band::of(&mut r.profit, true),
                new_clients: Band::of(&mut r.new, false),
                payroll: Band::of(&mut r.payroll, true),
            });
        }
        sort(&mut of_n);
        if let Some(b) = of_n.first() {
            best_by_total.push(b.clone());
        }
        candidates.extend(of_n);
    }
    sort(&mut candidates);
    let Some(best) = candidates.first().cloned() else {
        return Err(SimError::setting(
            "max_per_role",
            query.max_per_role,
            "no workable mix within the limit",
            "raise the limit or the headcount",
        ));
    };
    let best_of = |k: StructureKind| candidates.iter().find(|c| c.kind == k).cloned();
    let best_universal = best_of(StructureKind::Universal);
    let best_conveyor = best_of(StructureKind::Conveyor);
    let best_hybrid = best_of(StructureKind::Hybrid);
    let mut text_en = format!(
        "Best: {} (callers : sales managers : client managers{} = {}), median profit {} a month.",
        best.label_en,
        if best.headcount.universals > 0 {
            " : universal managers"
        } else {
            ""
        },
        best.ratio,
        money(best.profit.median)
    );
    let mut text_ru = format!(
        "Лучше всего: {} (колл-менеджеры : МПП : КМ{} = {}), медиана прибыли {} в месяц.",
        best.label_ru,
        if best.headcount.universals > 0 {
            " : универсалы"
        } else {
            ""
        },
        best.ratio,
        money(best.profit.median)
    );
    for (other, en, ru) in [
        (
            &best_universal,
            "universal managers only",
            "только универсалы",
        ),
        (&best_conveyor, "the best conveyor", "лучший конвейер"),
    ] {
        if let Some(o) = other
            && o.headcount != best.headcount
        {
            text_en.push_str(&format!(
                " Against {en} ({}): {} a month.",
                o.label_en,
                money(best.profit.median - o.profit.median)
            ));
            text_ru.push_str(&format!(
                " Против варианта «{ru}» ({}): {} в месяц.",
                o.label_ru,
                money(best.profit.median - o.profit.median)
            ));
        }
    }
    Ok(Recommendation {
        measure: settings.measure,
        best,
        best_by_total,
        best_universal,
        best_conveyor,
        best_hybrid,
        text_en,
        text_ru,
        candidates,
    })
}

fn sort(c: &mut [Candidate]) {
    c.sort_by(|a, b| {
        b.profit
            .median
            .cmp(&a.profit.median)
            .then(a.ratio.cmp(&b.ratio))
    });
}
