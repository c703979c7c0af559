//! The structure simulator (issue 6 §2–3): a stochastic month-by-month model of a sales
//! department — universal, conveyor or hybrid — with capacities, handoff losses, ramp-up and
//! pay computed by the motivation engine, run many times to give distributions; a
//! sensitivity table, a recommended ratio of roles, a plain-words verdict with the
//! break-even, and a calibration check of its forecasts. See `docs/simulator.md`.

pub mod calibration;
pub mod error;
pub mod estimate;
pub mod model;
pub mod monte_carlo;
pub mod params;
pub mod pay;
pub mod presets;
pub mod recommend;
pub mod scenario;
pub mod sensitivity;
mod stats;
pub mod verdict;

pub use calibration::{CalibrationReport, CoverageRow, calibrate};
pub use error::SimError;
pub use estimate::{EstimateNote, Estimates, History, HistoryMonth};
pub use monte_carlo::{
    Band, Comparison, Difference, Expected, MonthBand, PayByRole, PortfolioMode, ProfitMeasure,
    Progress, ScenarioResult, Settings, compare, compare_with_progress, expected, forecast,
    simulate,
};
pub use params::{Origin, Param, ParamId, ParamKind, ParamRow, ParamSpec, Params, Uncertainty};
pub use pay::{PayPlans, RolePlan};
pub use presets::Preset;
pub use recommend::{Candidate, RecommendQuery, Recommendation, recommend};
pub use scenario::{Headcount, Scenario, StructureKind};
pub use sensitivity::{SensitivityRow, SensitivityTable, sensitivity};
pub use verdict::{BREAK_EVEN_LEVERS, BreakEven, Judgement, Outcome, Verdict, judge};
