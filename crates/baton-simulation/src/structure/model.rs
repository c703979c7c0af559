//! One simulated month of a department, the same code for a Monte Carlo run (whole-number
//! draws) and for the expected-value path (every draw replaced by its mean).
//!
//! The month, in order:
//! 1. **Service first.** The book at the start of the month needs serving: client managers
//!    serve up to `clients_per_cm` each; without them universal managers spend
//!    `service_hours_per_client` of their selling time (the time left after
//!    `non_selling_share`) on each client before they hunt. Clients nobody has time for churn
//!    at `churn_unserved` and order at `unserved_repeat_factor` × the repeat rate.
//! 2. **Callers:** calls = callers × calls a day × working days; DM conversations, warm leads
//!    and accepted handoffs are binomial thinnings (`dm_rate`, `warm_rate`,
//!    `acceptance_rate`).
//! 3. **Closing, Little's law:** a closer takes at most `active_deals_per_closer` ÷ (cycle in
//!    months) new deals a month. Accepted leads over that wait one month; those that waited
//!    already are lost. Without sales managers, universal managers close the callers' leads,
//!    `closing_hours_per_lead` each, within their hunting hours.
//! 4. **Self-sourcing:** universal managers find Poisson(hours left ÷ `universal_hours_per_lead`)
//!    leads of their own.
//! 5. **Wins** are binomial (`sm_win_rate`, `universal_win_rate`) and land after the cycle:
//!    45 days = half of them one month later, half two months later.
//! 6. **The book:** churn, then repeat orders, by cohort (the hunter window's cohorts credit
//!    the closer, the rest the client manager or the universal manager who serves them).
//!    New clients pay their first order in the month they are won and join the book at its
//!    end, less `client_handoff_loss` when a client manager takes them over.
//! 7. **Pay** by the motivation engine, per role, on the role's average facts; **costs**;
//!    **profit**, cash and value (see [`super::monte_carlo::ProfitMeasure`]).
//!
//! New hires work at 0 % in their first month, reaching 100 % after `ramp_months`.
//!
//! Counts are whole numbers in a Monte Carlo run; they are kept in `f64` (exact below 2⁵³)
//! so that the expected-value path runs the same code with fractional counts. Money is in
//! kopecks, also in `f64` holding whole numbers, and becomes `Decimal` only in the outputs.

use super::params::{ParamId, ParamKind, Params};
use super::pay::{Fact, Facts, RolePay};
use super::scenario::Scenario;
use super::stats;
use rand::Rng;
use rand_distr::{Binomial, Distribution, Poisson};
use serde::{Deserialize, Serialize};

/// The pipeline looks this many months ahead (a cycle of up to 360 days).
const PIPE: usize = 16;
/// Longest hunter window + 1.
const WMAX: usize = 13;

/// How a month's random quantities are produced.
pub(crate) trait Draw {
    fn binomial(&mut self, n: f64, p: f64) -> f64;
    fn poisson(&mut self, lambda: f64) -> f64;
    /// A capacity as a count: on the expected path the number itself; in a Monte Carlo run a
    /// whole number, rounded up with the probability of the fraction (so unbiased).
    fn whole(&mut self, x: f64) -> f64;
}

/// Monte Carlo draws.
pub(crate) struct Mc<'a, R: Rng>(pub &'a mut R);

impl<R: Rng> Draw for Mc<'_, R> {
    fn binomial(&mut self, n: f64, p: f64) -> f64 {
        let n = n.round();
        if n <= 0.0 || p <= 0.0 {
            return 0.0;
        }
        if p >= 1.0 {
            return n;
        }
        match Binomial::new(n as u64, p) {
            Ok(b) => b.sample(self.0) as f64,
            Err(_) => (n * p).round(),
        }
    }

    fn poisson(&mut self, lambda: f64) -> f64 {
        if lambda <= 0.0 {
            return 0.0;
        }
        match Poisson::new(lambda) {
            Ok(d) => d.sample(self.0),
            Err(_) => lambda.round(),
        }
    }

    fn whole(&mut self, x: f64) -> f64 {
        if x <= 0.0 {
            return 0.0;
        }
        let floor = x.floor();
        let frac = x - floor;
        if frac > 0.0 && self.0.random::<f64>() < frac {
            floor + 1.0
        } else {
            floor
        }
    }
}

/// The expected-value path: every draw is its mean.
pub(crate) struct Expect;

impl Draw for Expect {
    fn binomial(&mut self, n: f64, p: f64) -> f64 {
        n.max(0.0) * p.clamp(0.0, 1.0)
    }
    fn poisson(&mut self, lambda: f64) -> f64 {
        lambda.max(0.0)
    }
    fn whole(&mut self, x: f64) -> f64 {
        x.max(0.0)
    }
}

/// The parameters of one run as plain numbers (drawn from their posteriors when asked).
#[derive(Debug, Clone)]
pub(crate) struct Rp {
    pub calls_per_day: f64,
    pub dm: f64,
    pub warm: f64,
    pub acceptance: f64,
    pub sm_win: f64,
    pub uni_win: f64,
    pub cycle_months: f64,
    pub deals: f64,
    pub non_selling: f64,
    pub service_h: f64,
    pub uni_h_per_lead: f64,
    pub closing_h: f64,
    pub start_clients: f64,
    pub clients_per_cm: f64,
    pub repeat: f64,
    pub repeat_kop: f64,
    pub first_kop: f64,
    pub churn_cm: f64,
    pub churn_uni: f64,
    pub churn_unserved: f64,
    pub unserved_repeat: f64,
    pub handoff_loss: f64,
    pub window: usize,
    pub gm: f64,
    pub fygm_kop: f64,
    pub overdue: f64,
    pub working_days: f64,
    pub hours_per_day: f64,
    pub ramp: f64,
    pub overhead: f64,
    pub per_head_kop: f64,
    pub other_kop: f64,
}

impl Rp {
    /// The parameters' values.
    pub fn point(p: &Params) -> Rp {
        Rp::build::<rand_chacha::ChaCha8Rng>(p, None, None)
    }

    /// One draw of every uncertain parameter from its posterior, in the fixed order of
    /// [`ParamId::ALL`], so that two scenarios of the same run see the same draws.
    pub fn drawn<R: Rng>(p: &Params, rng: &mut R) -> Rp {
        Rp::build(p, Some(rng), None)
    }

    /// The values (drawn when `rng` is given), with one parameter scaled by a factor after
    /// the draw when `tweak` says so (the sensitivity table: same draws, one thing moved).
    pub fn build<R: Rng>(p: &Params, mut rng: Option<&mut R>, tweak: Option<(ParamId, f64)>) -> Rp {
        let v: Vec<f64> = ParamId::ALL
            .iter()
            .map(|&id| {
                let param = p.get(id);
                let point = stats::f(param.value);
                let mut x = match (&param.uncertainty, rng.as_deref_mut()) {
                    (Some(u), Some(r)) => u.draw(r, point),
                    _ => point,
                };
                if let Some((t, factor)) = tweak
                    && t == id
                {
                    x *= factor;
                }
                match id.spec().kind {
                    ParamKind::Rate => x.clamp(0.0, 1.0),
                    ParamKind::Positive => x.max(1e-6),
                    ParamKind::Whole => x.max(0.0).round(),
                    ParamKind::NonNegative | ParamKind::Money => x.max(0.0),
                }
            })
            .collect();
        Rp::from_values(&v)
    }

    fn from_values(v: &[f64]) -> Rp {
        let g = |id: ParamId| v[id as usize];
        Rp {
            calls_per_day: g(ParamId::CallsPerDay),
            dm: g(ParamId::DmRate),
            warm: g(ParamId::WarmRate),
            acceptance: g(ParamId::AcceptanceRate),
            sm_win: g(ParamId::SmWinRate),
            uni_win: g(ParamId::UniversalWinRate),
            cycle_months: g(ParamId::CycleDays) / 30.0,
            deals: g(ParamId::ActiveDealsPerCloser),
            non_selling: g(ParamId::NonSellingShare),
            service_h: g(ParamId::ServiceHoursPerClient).max(1e-9),
            uni_h_per_lead: g(ParamId::UniversalHoursPerLead).max(1e-9),
            closing_h: g(ParamId::ClosingHoursPerLead).max(1e-9),
            start_clients: g(ParamId::StartingClients).round(),
            clients_per_cm: g(ParamId::ClientsPerCm),
            repeat: g(ParamId::RepeatRate),
            repeat_kop: (g(ParamId::RepeatOrder) * 100.0).round(),
            first_kop: (g(ParamId::FirstOrder) * 100.0).round(),
            churn_cm: g(ParamId::ChurnCm),
            churn_uni: g(ParamId::ChurnUniversal),
            churn_unserved: g(ParamId::ChurnUnserved),
            unserved_repeat: g(ParamId::UnservedRepeatFactor),
            handoff_loss: g(ParamId::ClientHandoffLoss),
            window: (g(ParamId::HunterWindowMonths).round() as usize).clamp(1, WMAX - 1),
            gm: g(ParamId::GrossMargin),
            fygm_kop: (g(ParamId::FirstYearMargin) * 100.0).round(),
            overdue: g(ParamId::OverdueShare),
            working_days: g(ParamId::WorkingDays),
            hours_per_day: g(ParamId::HoursPerDay),
            ramp: g(ParamId::RampMonths).round(),
            overhead: g(ParamId::PayrollOverhead),
            per_head_kop: (g(ParamId::CostPerHead) * 100.0).round(),
            other_kop: (g(ParamId::OtherCostsPerMonth) * 100.0).round(),
        }
    }

    /// The churn of served clients in this department.
    fn churn_served(&self, sc: &Sc) -> f64 {
        if sc.cms > 0.0 {
            self.churn_cm
        } else {
            self.churn_uni
        }
    }

    /// The first-year gross margin of a new client, in kopecks: the parameter, or (when it is
    /// 0) the first order plus the expected repeat orders of the next 11 months, × margin.
    pub fn first_year_margin(&self, sc: &Sc) -> f64 {
        if self.fygm_kop > 0.0 {
            return self.fygm_kop;
        }
        let s = 1.0 - self.churn_served(sc);
        let kept = if sc.cms > 0.0 {
            1.0 - self.handoff_loss
        } else {
            1.0
        };
        let survival: f64 = (1..=11).map(|m| s.powi(m)).sum();
        (self.gm * (self.first_kop + kept * self.repeat * self.repeat_kop * survival)).round()
    }

    /// The share of new clients whose hunter-window collections reach `min_kop` (the bonus
    /// of the plans): all when the first order does; otherwise the chance of enough repeat
    /// orders within the window. The bonus is counted in the month of the win (the engine's
    /// pending/lapsed bookkeeping is not replayed).
    fn qualified_share(&self, sc: &Sc, min_kop: f64) -> f64 {
        if self.first_kop >= min_kop {
            return 1.0;
        }
        if self.repeat_kop <= 0.0 {
            return 0.0;
        }
        let needed = ((min_kop - self.first_kop) / self.repeat_kop)
            .ceil()
            .max(0.0) as u32;
        let p = (1.0 - self.churn_served(sc)) * self.repeat;
        stats::binomial_tail(self.window.saturating_sub(1) as u32, p, needed)
    }
}

/// A scenario as plain numbers.
#[derive(Debug, Clone)]
pub(crate) struct Sc {
    pub callers: f64,
    pub sms: f64,
    pub cms: f64,
    pub unis: f64,
    pub new_callers: f64,
    pub new_sms: f64,
    pub new_cms: f64,
    pub new_unis: f64,
    pub extra_kop: f64,
}

impl Sc {
    pub fn of(s: &Scenario) -> Sc {
        let h = &s.headcount;
        let n = &s.new_hires;
        Sc {
            callers: f64::from(h.callers),
            sms: f64::from(h.sales_managers),
            cms: f64::from(h.client_managers),
            unis: f64::from(h.universals),
            new_callers: f64::from(n.callers),
            new_sms: f64::from(n.sales_managers),
            new_cms: f64::from(n.client_managers),
            new_unis: f64::from(n.universals),
            extra_kop: stats::kop(s.extra_costs_per_month) as f64,
        }
    }

    fn heads(&self) -> f64 {
        self.callers + self.sms + self.cms + self.unis
    }
}

/// Effective headcounts in a month (new hires at their ramp-up share).
#[derive(Clone, Copy)]
struct Eff {
    callers: f64,
    sms: f64,
    cms: f64,
    unis: f64,
}

impl Eff {
    fn at(sc: &Sc, ramp_share: f64) -> Eff {
        let e = |n: f64, new: f64| n - new + new * ramp_share;
        Eff {
            callers: e(sc.callers, sc.new_callers),
            sms: e(sc.sms, sc.new_sms),
            cms: e(sc.cms, sc.new_cms),
            unis: e(sc.unis, sc.new_unis),
        }
    }

    /// Before the horizon: the people who were already there.
    fn before(sc: &Sc) -> Eff {
        Eff::at(sc, 0.0)
    }
}

/// A cohort of leads entering closing in one month.
#[derive(Debug, Clone, Copy, Default)]
struct Cohort {
    calls: f64,
    dm: f64,
    warm: f64,
    accepted: f64,
    taken_sm: f64,
    taken_uc: f64,
    self_leads: f64,
    dropped: f64,
    served: f64,
    selling_u: f64,
    service_used: f64,
}

/// A lead cohort from the history, to start a forecast from the real pipeline.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub(crate) struct PastCohort {
    pub accepted: f64,
    pub self_leads: f64,
}

/// Where a run starts.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Start {
    /// The scenario's own steady state: the pipeline as if the department had worked this way
    /// before (without the new hires), the book at `starting_clients`.
    Steady,
    /// From a history: the book and the last months' lead cohorts (oldest first).
    History {
        clients: f64,
        cohorts: Vec<PastCohort>,
    },
}

impl Start {
    /// The end of a history: its last month's active clients, and its last months' accepted
    /// handoffs and own leads (as many months as the cycle spans) still in the pipeline.
    pub fn from_history(params: &Params, history: &super::estimate::History) -> Start {
        let months = &history.months;
        let depth =
            (Rp::point(params).cycle_months.floor().max(0.0) as usize + 1).min(months.len());
        Start::History {
            clients: months.last().map_or(0.0, |m| m.active_clients as f64),
            cohorts: months[months.len() - depth..]
                .iter()
                .map(|m| PastCohort {
                    accepted: m.accepted as f64,
                    self_leads: m.self_sourced_leads as f64,
                })
                .collect(),
        }
    }
}

/// The state carried from month to month.
#[derive(Debug, Clone)]
pub(crate) struct State {
    backlog: f64,
    /// Wins landing in a month, by source: [sales manager, universal from callers, universal own].
    pipe: [[f64; 3]; PIPE],
    /// The last three cohorts of the sales managers: (taken, wins), for `lead_conversion`.
    recent: [(f64, f64); 3],
    recent_pos: usize,
    start_book: f64,
    new_mature: f64,
    young_sm: [f64; WMAX],
    young_uni: [f64; WMAX],
}

/// One month's outcome.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct MonthOut {
    pub calls: f64,
    pub dm: f64,
    pub warm: f64,
    pub accepted: f64,
    pub self_leads: f64,
    pub dropped: f64,
    pub new_clients: f64,
    pub first_orders_kop: f64,
    pub repeat_orders: f64,
    pub collections_kop: f64,
    pub churned: f64,
    pub clients_end: f64,
    pub unserved: f64,
    pub payroll_kop: f64,
    pub pay_kop: [f64; 4],
    pub acquisition_kop: f64,
    pub other_kop: f64,
    pub margin_kop: f64,
    pub cash_profit_kop: f64,
    pub value_profit_kop: f64,
    /// Closers' capacity used (accepted and own leads taken ÷ Little's-law capacity).
    pub closer_load: f64,
}

/// A compiled run: the numbers, the scenario, the pay plans and what the plans' bonuses need.
pub(crate) struct Month<'a> {
    pub rp: &'a Rp,
    pub sc: &'a Sc,
    pub steady: bool,
    /// Qualified share of new clients per bonus minimum, per role.
    qualified: [Vec<f64>; 4],
    fygm: f64,
    lo: usize,
    frac: f64,
}

impl<'a> Month<'a> {
    pub fn new(rp: &'a Rp, sc: &'a Sc, steady: bool, pay: &[RolePay; 4]) -> Month<'a> {
        let q = |r: &RolePay| -> Vec<f64> {
            r.bonus_mins
                .iter()
                .map(|m| rp.qualified_share(sc, stats::kop(*m) as f64))
                .collect()
        };
        let lo = rp.cycle_months.floor();
        Month {
            rp,
            sc,
            steady,
            qualified: [q(&pay[0]), q(&pay[1]), q(&pay[2]), q(&pay[3])],
            fygm: rp.first_year_margin(sc),
            lo: (lo as usize).min(PIPE - 2),
            frac: rp.cycle_months - lo,
        }
    }

    fn ramp_share(&self, t: usize) -> f64 {
        if self.rp.ramp <= 0.0 {
            1.0
        } else {
            (t as f64 / self.rp.ramp).min(1.0)
        }
    }

    /// Leads and closing for one month.
    fn leads<D: Draw>(&self, d: &mut D, eff: Eff, book: f64, backlog: &mut f64) -> Cohort {
        let (rp, sc) = (self.rp, self.sc);
        let mut c = Cohort {
            calls: d.whole(eff.callers * rp.calls_per_day * rp.working_days),
            ..Cohort::default()
        };
        c.dm = d.binomial(c.calls, rp.dm);
        c.warm = d.binomial(c.dm, rp.warm);
        let closers_exist = sc.sms > 0.0 || sc.unis > 0.0;
        c.accepted = if closers_exist {
            d.binomial(c.warm, rp.acceptance)
        } else {
            0.0
        };
        // Service first.
        c.selling_u = eff.unis * rp.working_days * rp.hours_per_day * (1.0 - rp.non_selling);
        if sc.cms > 0.0 {
            c.served = book.min(eff.cms * rp.clients_per_cm);
        } else if sc.unis > 0.0 {
            c.served = book.min(c.selling_u / rp.service_h);
            c.service_used = c.served * rp.service_h;
        }
        let mut hunt = (c.selling_u - c.service_used).max(0.0);
        let per_closer = rp.deals / rp.cycle_months.max(1e-9);
        // Caller leads: sales managers, or universal managers when there are none.
        let old = *backlog;
        let cap = if sc.sms > 0.0 {
            d.whole(eff.sms * per_closer)
        } else if sc.unis > 0.0 {
            d.whole((eff.unis * per_closer).min(hunt / rp.closing_h))
        } else {
            0.0
        };
        let old_taken = old.min(cap);
        let new_taken = c.accepted.min(cap - old_taken);
        c.dropped = old - old_taken;
        *backlog = c.accepted - new_taken;
        let taken = old_taken + new_taken;
        let mut uni_little = eff.unis * per_closer;
        if sc.sms > 0.0 {
            c.taken_sm = taken;
        } else {
            c.taken_uc = taken;
            hunt -= taken * rp.closing_h;
            uni_little -= taken;
        }
        // Own leads of the universal managers.
        if sc.unis > 0.0 {
            let found = d.poisson(hunt.max(0.0) / rp.uni_h_per_lead);
            c.self_leads = found.min(d.whole(uni_little.max(0.0)));
        }
        c
    }

    /// Draws a cohort's wins and puts them in the pipeline; `month` may be negative (before
    /// the horizon), and wins landing before month 0 are dropped.
    fn schedule<D: Draw>(&self, d: &mut D, st: &mut State, month: i64, c: &Cohort) {
        let (rp, lo) = (self.rp, self.lo as i64);
        let wins = [
            d.binomial(c.taken_sm, rp.sm_win),
            d.binomial(c.taken_uc, rp.uni_win),
            d.binomial(c.self_leads, rp.uni_win),
        ];
        for (source, w) in wins.iter().enumerate() {
            let late = d.binomial(*w, self.frac);
            for (at, n) in [(month + lo, w - late), (month + lo + 1, late)] {
                if at >= 0 && n > 0.0 {
                    st.pipe[at as usize % PIPE][source] += n;
                }
            }
        }
        st.recent[st.recent_pos] = (c.taken_sm, wins[0]);
        st.recent_pos = (st.recent_pos + 1) % 3;
    }

    /// The state before month 0: the book and the pipeline of the last months.
    pub fn start<D: Draw>(&self, d: &mut D, start: &Start) -> State {
        let rp = self.rp;
        let mut st = State {
            backlog: 0.0,
            pipe: [[0.0; 3]; PIPE],
            recent: [(0.0, 0.0); 3],
            recent_pos: 0,
            start_book: rp.start_clients,
            new_mature: 0.0,
            young_sm: [0.0; WMAX],
            young_uni: [0.0; WMAX],
        };
        let depth = (self.lo + 1).max(3);
        match start {
            Start::Steady => {
                let eff = Eff::before(self.sc);
                let mut backlog = 0.0;
                for k in (1..=depth).rev() {
                    let c = self.leads(d, eff, rp.start_clients, &mut backlog);
                    self.schedule(d, &mut st, -(k as i64), &c);
                }
                st.backlog = backlog;
            }
            Start::History { clients, cohorts } => {
                st.start_book = *clients;
                let eff = Eff::before(self.sc);
                let per_closer = rp.deals / rp.cycle_months.max(1e-9);
                let n = cohorts.len();
                for (i, h) in cohorts.iter().enumerate() {
                    let k = (n - i) as i64;
                    let mut c = Cohort::default();
                    if self.sc.sms > 0.0 {
                        c.taken_sm = h.accepted.min(d.whole(eff.sms * per_closer));
                    } else {
                        c.taken_uc = h.accepted.min(d.whole(eff.unis * per_closer));
                    }
                    c.self_leads = h.self_leads;
                    self.schedule(d, &mut st, -k, &c);
                }
            }
        }
        st
    }

    /// Simulates month `t` (0-based); `pay` evaluates the plans (skipped when `None`).
    pub fn step<D: Draw>(
        &self,
        d: &mut D,
        st: &mut State,
        t: usize,
        pay: Option<&mut [RolePay; 4]>,
    ) -> MonthOut {
        let (rp, sc) = (self.rp, self.sc);
        if self.steady {
            // The brief's lens: the book stays as it is; new clients are valued, not kept.
            st.start_book = rp.start_clients;
            st.new_mature = 0.0;
            st.young_sm = [0.0; WMAX];
            st.young_uni = [0.0; WMAX];
        }
        let eff = Eff::at(sc, self.ramp_share(t));
        let w = rp.window;
        let young: f64 =
            st.young_sm[1..w].iter().sum::<f64>() + st.young_uni[1..w].iter().sum::<f64>();
        let book = st.start_book + st.new_mature + young;
        let mut backlog = st.backlog;
        let c = self.leads(d, eff, book, &mut backlog);
        st.backlog = backlog;
        self.schedule(d, st, t as i64, &c);
        // Arrivals.
        let slot = t % PIPE;
        let [n_sm, n_uc, n_us] = st.pipe[slot];
        st.pipe[slot] = [0.0; 3];
        let new = n_sm + n_uc + n_us;
        // The book: churn, then repeat orders.
        let unserved_share = if book > 0.0 {
            (1.0 - c.served / book).clamp(0.0, 1.0)
        } else {
            0.0
        };
        let served_churn = rp.churn_served(sc);
        let churn = (1.0 - unserved_share) * served_churn + unserved_share * rp.churn_unserved;
        let repeat = rp.repeat * ((1.0 - unserved_share) + unserved_share * rp.unserved_repeat);
        let mut churned = 0.0;
        let mut group = |d: &mut D, n: &mut f64| -> f64 {
            if *n <= 0.0 {
                return 0.0;
            }
            let ch = d.binomial(*n, churn);
            churned += ch;
            *n -= ch;
            d.binomial(*n, repeat)
        };
        let rep_start = group(d, &mut st.start_book);
        let rep_nm = group(d, &mut st.new_mature);
        let mut rep_young_sm = 0.0;
        let mut rep_young_uni = 0.0;
        for a in 1..w {
            rep_young_sm += group(d, &mut st.young_sm[a]);
            rep_young_uni += group(d, &mut st.young_uni[a]);
        }
        let rep_mature = rep_start + rep_nm;
        let repeat_orders = rep_mature + rep_young_sm + rep_young_uni;
        // Ageing and joining.
        st.new_mature += st.young_sm[w - 1] + st.young_uni[w - 1];
        for a in (2..w).rev() {
            st.young_sm[a] = st.young_sm[a - 1];
            st.young_uni[a] = st.young_uni[a - 1];
        }
        let (lost_sm, lost_uni) = if sc.cms > 0.0 {
            (
                d.binomial(n_sm, rp.handoff_loss),
                d.binomial(n_uc + n_us, rp.handoff_loss),
            )
        } else {
            (0.0, 0.0)
        };
        churned += lost_sm + lost_uni;
        let (join_sm, join_uni) = (n_sm - lost_sm, n_uc + n_us - lost_uni);
        if w > 1 {
            st.young_sm[1] = join_sm;
            st.young_uni[1] = join_uni;
        } else {
            st.new_mature += join_sm + join_uni;
        }
        let clients_end = st.start_book
            + st.new_mature
            + st.young_sm[1..w].iter().sum::<f64>()
            + st.young_uni[1..w].iter().sum::<f64>();
        // Money.
        let first_kop = new * rp.first_kop;
        let collections = first_kop + repeat_orders * rp.repeat_kop;
        // Pay.
        let mut pay_kop = [0.0; 4];
        if let Some(roles) = pay {
            let heads = [sc.callers, sc.sms, sc.cms, sc.unis];
            let (recent_taken, recent_wins) = st
                .recent
                .iter()
                .fold((0.0, 0.0), |(a, b), (t, w)| (a + t, b + w));
            let conversion = if recent_taken > 0.0 {
                recent_wins / recent_taken
            } else {
                0.0
            };
            let acceptance = if c.warm > 0.0 {
                c.accepted / c.warm
            } else {
                0.0
            };
            for (i, role) in roles.iter_mut().enumerate() {
                let n = heads[i];
                if n <= 0.0 {
                    continue;
                }
                let mut f = Facts {
                    qualified: vec![0.0; self.qualified[i].len()],
                    ..Facts::default()
                };
                match i {
                    0 => {
                        f.set(Fact::Calls, c.calls / n);
                        f.set(Fact::DmConversations, c.dm / n);
                        f.set(Fact::LeadsHanded, c.warm / n);
                        f.set(Fact::LeadsAccepted, c.accepted / n);
                        f.set(Fact::LeadsRejected, (c.warm - c.accepted) / n);
                        f.set(Fact::AcceptanceRate, acceptance);
                        f.set(Fact::LeadsConverted, (n_sm + n_uc) / n);
                    }
                    1 => {
                        f.set(Fact::LeadsAccepted, c.accepted / n);
                        f.set(Fact::LeadsRejected, (c.warm - c.accepted) / n);
                        f.set(Fact::AcceptanceRate, acceptance);
                        f.set(Fact::NewClients, n_sm / n);
                        f.set(
                            Fact::NewClientCollections,
                            (n_sm * rp.first_kop + rep_young_sm * rp.repeat_kop) / n,
                        );
                        f.set(Fact::LeadConversion, conversion);
                        for (q, share) in f.qualified.iter_mut().zip(&self.qualified[i]) {
                            *q = n_sm * share / n;
                        }
                    }
                    2 => {
                        f.set(Fact::PortfolioCollections, rep_mature * rp.repeat_kop / n);
                        f.set(Fact::OverdueShare, rp.overdue);
                    }
                    _ => {
                        let won = n_uc + n_us;
                        let served = if sc.cms > 0.0 { 0.0 } else { rep_mature };
                        if sc.sms <= 0.0 {
                            f.set(Fact::LeadsAccepted, c.accepted / n);
                            f.set(Fact::LeadsRejected, (c.warm - c.accepted) / n);
                            f.set(Fact::AcceptanceRate, acceptance);
                        }
                        f.set(Fact::NewClients, won / n);
                        f.set(
                            Fact::OwnCollections,
                            (won * rp.first_kop + (rep_young_uni + served) * rp.repeat_kop) / n,
                        );
                        f.set(Fact::OverdueShare, rp.overdue);
                        for (q, share) in f.qualified.iter_mut().zip(&self.qualified[i]) {
                            *q = won * share / n;
                        }
                    }
                }
                pay_kop[i] = role.pay(&f) as f64 * n;
            }
        }
        let loaded = 1.0 + rp.overhead;
        let payroll = (pay_kop.iter().sum::<f64>() * loaded).round();
        let hunt_share = if c.selling_u > 0.0 {
            ((c.selling_u - c.service_used) / c.selling_u).clamp(0.0, 1.0)
        } else {
            0.0
        };
        let acquisition = ((pay_kop[0] + pay_kop[1] + pay_kop[3] * hunt_share) * loaded).round();
        let other = rp.other_kop + rp.per_head_kop * sc.heads() + sc.extra_kop;
        let margin = (rp.gm * collections).round();
        let value = (self.fygm * new + rp.gm * rep_start * rp.repeat_kop).round();
        let capacity = (eff.sms + eff.unis) * rp.deals / rp.cycle_months.max(1e-9);
        MonthOut {
            calls: c.calls,
            dm: c.dm,
            warm: c.warm,
            accepted: c.accepted,
            self_leads: c.self_leads,
            dropped: c.dropped,
            new_clients: new,
            first_orders_kop: first_kop.round(),
            repeat_orders,
            collections_kop: collections.round(),
            churned,
            clients_end,
            unserved: book - c.served.min(book),
            payroll_kop: payroll,
            pay_kop: pay_kop.map(|p| (p * loaded).round()),
            acquisition_kop: acquisition,
            other_kop: other,
            margin_kop: margin,
            cash_profit_kop: margin - payroll - other,
            value_profit_kop: value - payroll - other,
            closer_load: if capacity > 0.0 {
                (c.taken_sm + c.taken_uc + c.self_leads) / capacity
            } else {
                0.0
            },
        }
    }
}
