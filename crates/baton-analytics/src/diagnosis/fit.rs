//! The two-factor logistic regression behind the diagnosis: its maximum a posteriori fit by
//! Newton's method, the Laplace approximation of the posterior around it, and the Laplace
//! approximation of the model's evidence (its marginal likelihood), which the model comparison
//! of `compare.rs` weighs hypotheses by.
//!
//! The model, for the leads of caller `c` handed to sales manager `s`:
//!
//! ```text
//! converted(c, s) ~ Binomial(accepted(c, s), p(c, s)),   logit p(c, s) = μ + a_c + b_s
//! a_c ~ N(m_c, σ_c²),  b_s ~ N(m_s, σ_s²),  μ ~ N(0, 10²)
//! ```
//!
//! with a normal prior of its own on every effect ([`Prior`]): the descriptive fit gives every
//! effect the same weak ridge prior `N(0, 1)`; each hypothesis of the model comparison gives the
//! effects its own means and widths.
//!
//! The linear algebra is written here rather than taken from a crate: the Hessian has one dense
//! block (μ and the smaller role) and one diagonal block (the larger role, whose members never
//! share a lead), so a Schur complement reduces every solve to a Cholesky factorisation of a
//! matrix of at most `1 + min(callers, sales managers)` rows. That is thirty lines, exact for
//! this structure and fast at the 1 000-person scale, where a general dense solver would be
//! cubic in everyone; nalgebra or faer would also add a minute of build on two cores.

use super::Role;

/// One non-empty cell of the matrix, by the people's positions.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Cell {
    pub caller: usize,
    pub sales_manager: usize,
    pub accepted: f64,
    pub converted: f64,
}

/// Prior standard deviation of the intercept, in log-odds: wide enough to be uninformative.
const INTERCEPT_PRIOR_SD: f64 = 10.0;
const MAX_ITERATIONS: usize = 100;
const MAX_HALVINGS: usize = 60;

/// A normal prior on one parameter.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Normal {
    pub mean: f64,
    pub sd: f64,
}

/// Independent normal priors on every parameter of the model.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Prior {
    pub intercept: Normal,
    pub callers: Vec<Normal>,
    pub sales_managers: Vec<Normal>,
}

impl Prior {
    /// Every effect `N(0, sd²)`, the intercept uninformative.
    pub fn ridge(callers: usize, sales_managers: usize, sd: f64) -> Prior {
        let effect = Normal { mean: 0.0, sd };
        Prior {
            intercept: Normal {
                mean: 0.0,
                sd: INTERCEPT_PRIOR_SD,
            },
            callers: vec![effect; callers],
            sales_managers: vec![effect; sales_managers],
        }
    }

    /// The prior of one effect, mutable.
    pub fn effect_mut(&mut self, role: Role, index: usize) -> &mut Normal {
        match role {
            Role::Caller => &mut self.callers[index],
            Role::SalesManager => &mut self.sales_managers[index],
        }
    }
}

/// `−ln N(x; mean, sd²)`: one parameter's share of the negative log posterior, with the
/// normalising constant, which the evidence needs (hypotheses differ in their priors' widths).
fn neg_log_normal(x: f64, prior: Normal) -> f64 {
    let z = (x - prior.mean) / prior.sd;
    0.5 * z * z + prior.sd.ln() + 0.5 * (2.0 * std::f64::consts::PI).ln()
}

/// Why a fit could not be completed. Input counts cannot cause it (the prior keeps the problem
/// strictly convex); it guards against non-finite arithmetic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FitFailed;

/// Where a parameter lives in the block-structured Hessian.
#[derive(Debug, Clone, Copy)]
enum Slot {
    /// The dense block: index 0 is the intercept, 1.. the members of the smaller role.
    Dense(usize),
    /// The diagonal block: the members of the larger role.
    Diagonal(usize),
}

#[derive(Debug, Clone, Copy)]
struct Layout {
    /// The role kept in the diagonal block (the one with more members).
    diagonal_role: Role,
    callers: usize,
    sales_managers: usize,
}

impl Layout {
    fn new(callers: usize, sales_managers: usize) -> Self {
        let diagonal_role = if callers >= sales_managers {
            Role::Caller
        } else {
            Role::SalesManager
        };
        Layout {
            diagonal_role,
            callers,
            sales_managers,
        }
    }

    fn dense_len(&self) -> usize {
        1 + match self.diagonal_role {
            Role::Caller => self.sales_managers,
            Role::SalesManager => self.callers,
        }
    }

    fn diagonal_len(&self) -> usize {
        match self.diagonal_role {
            Role::Caller => self.callers,
            Role::SalesManager => self.sales_managers,
        }
    }

    fn slot(&self, role: Role, index: usize) -> Slot {
        if role == self.diagonal_role {
            Slot::Diagonal(index)
        } else {
            Slot::Dense(1 + index)
        }
    }
}

/// A symmetric matrix `[[A, B], [Bᵀ, D]]` with `D` diagonal.
#[derive(Debug, Clone)]
struct BlockMatrix {
    dense: usize,
    diagonal: usize,
    a: Vec<f64>,
    b: Vec<f64>,
    d: Vec<f64>,
}

impl BlockMatrix {
    fn zeros(layout: &Layout) -> Self {
        let dense = layout.dense_len();
        let diagonal = layout.diagonal_len();
        BlockMatrix {
            dense,
            diagonal,
            a: vec![0.0; dense * dense],
            b: vec![0.0; dense * diagonal],
            d: vec![0.0; diagonal],
        }
    }

    /// Adds `w` to the entry (x, y) of the full matrix; the mirrored entry of `B` is implied.
    fn add(&mut self, x: Slot, y: Slot, w: f64) {
        match (x, y) {
            (Slot::Dense(i), Slot::Dense(j)) => self.a[i * self.dense + j] += w,
            (Slot::Dense(i), Slot::Diagonal(j)) => self.b[i * self.diagonal + j] += w,
            (Slot::Diagonal(_), Slot::Dense(_)) => {}
            (Slot::Diagonal(i), Slot::Diagonal(j)) => {
                if i == j {
                    self.d[i] += w;
                }
            }
        }
    }

    /// Factorises the matrix through the Schur complement `S = A − B D⁻¹ Bᵀ`.
    fn factor(self) -> Result<Factor, FitFailed> {
        let n = self.dense;
        if self.d.iter().any(|&x| !(x.is_finite() && x > 0.0)) {
            return Err(FitFailed);
        }
        let q = self.diagonal;
        // `B` is sparse (a member of the larger role meets only the people they shared leads
        // with, and the intercept), so `B D⁻¹ Bᵀ` is summed column by column over the non-zero
        // entries only: at 1 000 people that is ~40× fewer products than the dense form.
        let mut columns: Vec<Vec<(usize, f64)>> = vec![Vec::new(); q];
        for (i, row) in self.b.chunks_exact(q.max(1)).enumerate().take(n) {
            for (column, &b) in columns.iter_mut().zip(row) {
                if b != 0.0 {
                    column.push((i, b));
                }
            }
        }
        let mut s = self.a.clone();
        for (column, d) in columns.iter().zip(&self.d) {
            for (x, &(i, bi)) in column.iter().enumerate() {
                let scaled = bi / d;
                for &(k, bk) in &column[..=x] {
                    s[i * n + k] -= scaled * bk;
                }
            }
        }
        // People who never share anyone (different regions, as a rule) make `S` block-diagonal
        // apart from the intercept. Ordered by block with the intercept last, the factor has no
        // fill outside the blocks and the last row, and the envelope Cholesky skips the zeros:
        // at 1 000 people in three regions that is ~9× fewer products than a dense one.
        let order = block_order(&s, n);
        let mut p = vec![0.0; n * n];
        for (a, &i) in order.iter().enumerate() {
            for (b, &k) in order[..=a].iter().enumerate() {
                p[a * n + b] = s[i.max(k) * n + i.min(k)];
            }
        }
        let (chol, first) = cholesky(&p, n)?;
        Ok(Factor {
            matrix: self,
            columns,
            chol,
            order,
            first,
        })
    }
}

/// The order of the dense block's rows for the factorisation: the groups of people connected
/// through `S`'s off-diagonal entries (index 0, the intercept, left out), each group in index
/// order, groups by their first member, and the intercept last.
fn block_order(s: &[f64], n: usize) -> Vec<usize> {
    let mut parent: Vec<usize> = (0..n).collect();
    fn root(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    for i in 1..n {
        for k in 1..i {
            if s[i * n + k] != 0.0 {
                let (a, b) = (root(&mut parent, i), root(&mut parent, k));
                parent[a.max(b)] = a.min(b);
            }
        }
    }
    let mut keyed: Vec<(usize, usize)> = (1..n).map(|i| (root(&mut parent, i), i)).collect();
    keyed.sort_unstable();
    let mut order: Vec<usize> = keyed.into_iter().map(|(_, i)| i).collect();
    order.push(0);
    order
}

/// Lower Cholesky factor of the symmetric positive definite `n × n` matrix `m` (only its lower
/// triangle is read), and each row's first non-zero column: the factor has no entries left of
/// it (fill stays inside the envelope), so those products are skipped.
fn cholesky(m: &[f64], n: usize) -> Result<(Vec<f64>, Vec<usize>), FitFailed> {
    let first: Vec<usize> = (0..n)
        .map(|i| (0..=i).find(|&j| m[i * n + j] != 0.0).unwrap_or(i))
        .collect();
    let mut l = vec![0.0; n * n];
    for i in 0..n {
        for j in first[i]..=i {
            let mut sum = m[i * n + j];
            for k in first[i].max(first[j])..j {
                sum -= l[i * n + k] * l[j * n + k];
            }
            if i == j {
                if !(sum.is_finite() && sum > 0.0) {
                    return Err(FitFailed);
                }
                l[i * n + i] = sum.sqrt();
            } else {
                l[i * n + j] = sum / l[j * n + j];
            }
        }
    }
    Ok((l, first))
}

#[derive(Debug, Clone)]
struct Factor {
    matrix: BlockMatrix,
    /// The non-zero entries of `B`, by column of the diagonal block: (row, value).
    columns: Vec<Vec<(usize, f64)>>,
    /// The factor of `S` with its rows in `order` (position → row of `S`), and each factor
    /// row's first non-zero column.
    chol: Vec<f64>,
    order: Vec<usize>,
    first: Vec<usize>,
}

impl Factor {
    /// `ln det M`: the diagonal block's determinant times the Schur complement's.
    fn log_det(&self) -> f64 {
        let n = self.matrix.dense;
        let diagonal: f64 = self.matrix.d.iter().map(|d| d.ln()).sum();
        let schur: f64 = (0..n).map(|i| 2.0 * self.chol[i * n + i].ln()).sum();
        diagonal + schur
    }

    /// Solves `M x = r` for `r` split into its dense and diagonal parts.
    fn solve(&self, r_dense: &[f64], r_diagonal: &[f64]) -> (Vec<f64>, Vec<f64>) {
        let m = &self.matrix;
        let n = m.dense;
        // t = r₁ − B D⁻¹ r₂
        let mut t = r_dense.to_vec();
        for ((column, r), d) in self.columns.iter().zip(r_diagonal).zip(&m.d) {
            let scaled = r / d;
            for &(i, b) in column {
                t[i] -= b * scaled;
            }
        }
        // x₁ = S⁻¹ t by forward then backward substitution, in the factor's order.
        let mut u: Vec<f64> = self.order.iter().map(|&i| t[i]).collect();
        for i in 0..n {
            let f = self.first[i];
            let v = u[i] - dot(&self.chol[i * n + f..i * n + i], &u[f..i]);
            u[i] = v / self.chol[i * n + i];
        }
        // Backward by rows of the factor (Lᵀ's columns), inside each row's envelope.
        for i in (0..n).rev() {
            u[i] /= self.chol[i * n + i];
            let ui = u[i];
            let f = self.first[i];
            for (uk, l) in u[f..i].iter_mut().zip(&self.chol[i * n + f..i * n + i]) {
                *uk -= l * ui;
            }
        }
        for (&i, v) in self.order.iter().zip(u) {
            t[i] = v;
        }
        // x₂ = D⁻¹ (r₂ − Bᵀ x₁)
        let x_diagonal = self
            .columns
            .iter()
            .zip(r_diagonal)
            .zip(&m.d)
            .map(|((column, r), d)| (r - column.iter().map(|&(i, b)| b * t[i]).sum::<f64>()) / d)
            .collect();
        (t, x_diagonal)
    }
}

/// The fitted model: the posterior mode and the Laplace approximation's covariance (the inverse
/// Hessian of the negative log posterior at the mode), kept factorised.
#[derive(Debug, Clone)]
pub(crate) struct Fit {
    pub intercept: f64,
    pub callers: Vec<f64>,
    pub sales_managers: Vec<f64>,
    /// Laplace approximation of `ln p(data | prior)`, the binomial coefficients left out (they
    /// are the same under every prior, so they cancel in every comparison).
    pub log_evidence: f64,
    layout: Layout,
    factor: Factor,
}

impl Fit {
    /// The mode, as a starting point for fitting a nearby prior.
    pub fn mode(&self) -> Theta {
        Theta {
            intercept: self.intercept,
            callers: self.callers.clone(),
            sales_managers: self.sales_managers.clone(),
        }
    }

    /// One effect at the mode.
    pub fn effect(&self, role: Role, index: usize) -> f64 {
        self.effects(role)[index]
    }

    /// Posterior variance of one effect.
    pub fn effect_variance(&self, role: Role, index: usize) -> f64 {
        let mut c = vec![0.0; self.effects(role).len()];
        c[index] = 1.0;
        self.variance(role, &c)
    }

    /// The effects of one role.
    pub fn effects(&self, role: Role) -> &[f64] {
        match role {
            Role::Caller => &self.callers,
            Role::SalesManager => &self.sales_managers,
        }
    }

    /// Posterior variance of `Σ c_i · effect_i` over the members of one role.
    pub fn variance(&self, role: Role, coefficients: &[f64]) -> f64 {
        let mut r_dense = vec![0.0; self.layout.dense_len()];
        let mut r_diagonal = vec![0.0; self.layout.diagonal_len()];
        for (i, &c) in coefficients.iter().enumerate() {
            match self.layout.slot(role, i) {
                Slot::Dense(j) => r_dense[j] = c,
                Slot::Diagonal(j) => r_diagonal[j] = c,
            }
        }
        let (x_dense, x_diagonal) = self.factor.solve(&r_dense, &r_diagonal);
        let v: f64 = r_dense
            .iter()
            .zip(&x_dense)
            .map(|(a, b)| a * b)
            .sum::<f64>()
            + r_diagonal
                .iter()
                .zip(&x_diagonal)
                .map(|(a, b)| a * b)
                .sum::<f64>();
        v.max(0.0)
    }
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// `ln(1 + eˣ)` without overflow.
fn softplus(x: f64) -> f64 {
    if x > 0.0 {
        x + (-x).exp().ln_1p()
    } else {
        x.exp().ln_1p()
    }
}

fn logistic(x: f64) -> f64 {
    if x >= 0.0 {
        1.0 / (1.0 + (-x).exp())
    } else {
        let e = x.exp();
        e / (1.0 + e)
    }
}

struct Problem<'a> {
    cells: &'a [Cell],
    layout: Layout,
    prior: &'a Prior,
}

/// Parameters in model order: intercept, callers, sales managers.
#[derive(Debug, Clone)]
pub(crate) struct Theta {
    pub intercept: f64,
    pub callers: Vec<f64>,
    pub sales_managers: Vec<f64>,
}

impl Theta {
    fn eta(&self, cell: &Cell) -> f64 {
        self.intercept + self.callers[cell.caller] + self.sales_managers[cell.sales_manager]
    }

    fn stepped(&self, layout: &Layout, step: &(Vec<f64>, Vec<f64>), t: f64) -> Theta {
        let mut next = self.clone();
        next.intercept += t * step.0[0];
        for (i, v) in next.callers.iter_mut().enumerate() {
            *v += t * pick(layout, step, Role::Caller, i);
        }
        for (i, v) in next.sales_managers.iter_mut().enumerate() {
            *v += t * pick(layout, step, Role::SalesManager, i);
        }
        next
    }
}

fn pick(layout: &Layout, vector: &(Vec<f64>, Vec<f64>), role: Role, index: usize) -> f64 {
    match layout.slot(role, index) {
        Slot::Dense(j) => vector.0[j],
        Slot::Diagonal(j) => vector.1[j],
    }
}

impl Problem<'_> {
    /// Negative log posterior, up to the binomial coefficients (the same under every prior).
    fn objective(&self, theta: &Theta) -> f64 {
        let mut value = neg_log_normal(theta.intercept, self.prior.intercept);
        for (e, &p) in theta.callers.iter().zip(&self.prior.callers) {
            value += neg_log_normal(*e, p);
        }
        for (e, &p) in theta.sales_managers.iter().zip(&self.prior.sales_managers) {
            value += neg_log_normal(*e, p);
        }
        for cell in self.cells {
            let eta = theta.eta(cell);
            value -= cell.converted * eta - cell.accepted * softplus(eta);
        }
        value
    }

    /// Gradient and Hessian of the negative log posterior.
    fn derivatives(&self, theta: &Theta) -> ((Vec<f64>, Vec<f64>), BlockMatrix) {
        let layout = &self.layout;
        let mut hessian = BlockMatrix::zeros(layout);
        let mut g_dense = vec![0.0; layout.dense_len()];
        let mut g_diagonal = vec![0.0; layout.diagonal_len()];
        let mut add_gradient = |slot: Slot, v: f64| match slot {
            Slot::Dense(j) => g_dense[j] += v,
            Slot::Diagonal(j) => g_diagonal[j] += v,
        };
        let intercept = self.prior.intercept;
        let precision = 1.0 / (intercept.sd * intercept.sd);
        add_gradient(
            Slot::Dense(0),
            precision * (theta.intercept - intercept.mean),
        );
        hessian.add(Slot::Dense(0), Slot::Dense(0), precision);
        for (role, effects, priors) in [
            (Role::Caller, &theta.callers, &self.prior.callers),
            (
                Role::SalesManager,
                &theta.sales_managers,
                &self.prior.sales_managers,
            ),
        ] {
            for (i, (e, p)) in effects.iter().zip(priors).enumerate() {
                let slot = layout.slot(role, i);
                let precision = 1.0 / (p.sd * p.sd);
                add_gradient(slot, precision * (e - p.mean));
                hessian.add(slot, slot, precision);
            }
        }
        for cell in self.cells {
            let p = logistic(theta.eta(cell));
            let residual = cell.converted - cell.accepted * p;
            let weight = cell.accepted * p * (1.0 - p);
            let slots = [
                Slot::Dense(0),
                layout.slot(Role::Caller, cell.caller),
                layout.slot(Role::SalesManager, cell.sales_manager),
            ];
            for &x in &slots {
                add_gradient(x, -residual);
                for &y in &slots {
                    hessian.add(x, y, weight);
                }
            }
        }
        ((g_dense, g_diagonal), hessian)
    }
}

/// Fits the model with the ridge prior `N(0, prior_sd²)` on every effect to the non-empty cells
/// of a matrix with `callers × sales_managers` people.
pub(crate) fn fit(
    cells: &[Cell],
    callers: usize,
    sales_managers: usize,
    prior_sd: f64,
) -> Result<Fit, FitFailed> {
    fit_with(
        cells,
        &Prior::ridge(callers, sales_managers, prior_sd),
        None,
    )
}

/// Fits the model with explicit priors (which also give the numbers of callers and sales
/// managers), from `start` if given (a nearby mode saves most of the Newton steps) or else from
/// the department's pooled rate.
pub(crate) fn fit_with(
    cells: &[Cell],
    prior: &Prior,
    start: Option<Theta>,
) -> Result<Fit, FitFailed> {
    let (callers, sales_managers) = (prior.callers.len(), prior.sales_managers.len());
    let layout = Layout::new(callers, sales_managers);
    let problem = Problem {
        cells,
        layout,
        prior,
    };
    let mut theta = match start {
        Some(t) if t.callers.len() == callers && t.sales_managers.len() == sales_managers => t,
        _ => {
            let accepted: f64 = cells.iter().map(|c| c.accepted).sum();
            let converted: f64 = cells.iter().map(|c| c.converted).sum();
            Theta {
                intercept: ((converted + 0.5) / (accepted - converted + 0.5)).ln(),
                callers: prior.callers.iter().map(|p| p.mean).collect(),
                sales_managers: prior.sales_managers.iter().map(|p| p.mean).collect(),
            }
        }
    };
    let mut value = problem.objective(&theta);
    for _ in 0..MAX_ITERATIONS {
        let (gradient, hessian) = problem.derivatives(&theta);
        let factor = hessian.factor()?;
        let step = factor.solve(&gradient.0, &gradient.1);
        // Newton direction is −H⁻¹g; `decrement` is gᵀH⁻¹g ≥ 0.
        let decrement: f64 = gradient
            .0
            .iter()
            .zip(&step.0)
            .map(|(a, b)| a * b)
            .sum::<f64>()
            + gradient
                .1
                .iter()
                .zip(&step.1)
                .map(|(a, b)| a * b)
                .sum::<f64>();
        if !decrement.is_finite() {
            return Err(FitFailed);
        }
        if decrement < 1e-18 {
            break;
        }
        let mut t = 1.0;
        let mut accepted_step = None;
        for _ in 0..MAX_HALVINGS {
            let candidate = theta.stepped(&layout, &step, -t);
            let candidate_value = problem.objective(&candidate);
            // Armijo condition along the Newton direction.
            if candidate_value <= value - 1e-4 * t * decrement {
                accepted_step = Some((candidate, candidate_value));
                break;
            }
            t *= 0.5;
        }
        match accepted_step {
            Some((candidate, candidate_value)) => {
                theta = candidate;
                value = candidate_value;
            }
            // No decrease is possible any more: we are at the mode to machine precision.
            None => break,
        }
        // The step just taken from a decrement this small leaves the mode exact to rounding
        // (Newton converges quadratically); going on would only chase floating-point noise.
        if decrement < 1e-10 {
            break;
        }
    }
    if !(value.is_finite() && theta.intercept.is_finite()) {
        return Err(FitFailed);
    }
    let (_, hessian) = problem.derivatives(&theta);
    let factor = hessian.factor()?;
    // Laplace: ln ∫ e^{−f} ≈ −f(θ̂) + (d/2)·ln 2π − ½·ln det H, with f the negative log posterior
    // (normalised priors included) and H its Hessian at the mode θ̂.
    let dimension = (1 + callers + sales_managers) as f64;
    let log_evidence =
        -value + 0.5 * dimension * (2.0 * std::f64::consts::PI).ln() - 0.5 * factor.log_det();
    if !log_evidence.is_finite() {
        return Err(FitFailed);
    }
    Ok(Fit {
        intercept: theta.intercept,
        callers: theta.callers,
        sales_managers: theta.sales_managers,
        log_evidence,
        layout,
        factor,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two regions that share no one: the factor is taken block by block (intercept last) and
    /// must still solve the whole system.
    #[test]
    fn a_block_ordered_factor_solves_the_whole_system() {
        // Dense block: intercept + 4 sales managers; diagonal block: 4 callers. Callers 0, 1
        // hand to managers 0, 1; callers 2, 3 to managers 2, 3.
        let layout = Layout::new(4, 4);
        let mut m = BlockMatrix::zeros(&layout);
        let mut add = |x: Slot, y: Slot, w: f64| {
            m.add(x, y, w);
            if let (Slot::Dense(i), Slot::Dense(j)) = (x, y)
                && i != j
            {
                m.add(y, x, w);
            }
        };
        add(Slot::Dense(0), Slot::Dense(0), 0.5);
        for i in 0..4 {
            add(Slot::Dense(1 + i), Slot::Dense(1 + i), 2.0);
            add(Slot::Diagonal(i), Slot::Diagonal(i), 3.0);
        }
        for (c, s, w) in [
            (0, 0, 0.7),
            (0, 1, 0.4),
            (1, 1, 0.9),
            (2, 2, 0.6),
            (2, 3, 0.5),
            (3, 3, 0.8),
        ] {
            add(Slot::Dense(0), Slot::Dense(0), w);
            add(Slot::Dense(0), Slot::Dense(1 + s), w);
            add(Slot::Dense(0), Slot::Diagonal(c), w);
            add(Slot::Dense(1 + s), Slot::Dense(1 + s), w);
            add(Slot::Dense(1 + s), Slot::Diagonal(c), w);
            add(Slot::Diagonal(c), Slot::Diagonal(c), w);
        }
        let full = m.clone();
        let factor = m.factor().expect("positive definite");
        assert_eq!(factor.order, vec![1, 2, 3, 4, 0]);
        let r_dense = vec![1.0, -2.0, 0.5, 3.0, -1.0];
        let r_diagonal = vec![0.25, 1.5, -0.75, 2.0];
        let (x1, x2) = factor.solve(&r_dense, &r_diagonal);
        // M x = r, row by row: [A B; Bᵀ D] [x1; x2].
        let (n, q) = (full.dense, full.diagonal);
        for (i, r) in r_dense.iter().enumerate() {
            let a: f64 = (0..n).map(|j| full.a[i * n + j] * x1[j]).sum();
            let b: f64 = (0..q).map(|j| full.b[i * q + j] * x2[j]).sum();
            assert!((a + b - r).abs() < 1e-12, "dense row {i}");
        }
        for j in 0..q {
            let bt: f64 = (0..n).map(|i| full.b[i * q + j] * x1[i]).sum();
            assert!(
                (bt + full.d[j] * x2[j] - r_diagonal[j]).abs() < 1e-12,
                "diagonal row {j}"
            );
        }
    }

    #[test]
    fn cholesky_solves_a_small_system() {
        // [[4, 2], [2, 3]] = L Lᵀ with L = [[2, 0], [1, √2]].
        let (l, _) = cholesky(&[4.0, 2.0, 2.0, 3.0], 2).expect("positive definite");
        assert!((l[0] - 2.0).abs() < 1e-12);
        assert!((l[2] - 1.0).abs() < 1e-12);
        assert!((l[3] - 2f64.sqrt()).abs() < 1e-12);
    }

    #[test]
    fn fit_recovers_a_saturated_two_by_two() {
        // With a very weak prior the fit reproduces the cell rates.
        let cells = [
            (0, 0, 100.0, 30.0),
            (0, 1, 100.0, 30.0),
            (1, 0, 100.0, 10.0),
            (1, 1, 100.0, 10.0),
        ]
        .map(|(caller, sales_manager, accepted, converted)| Cell {
            caller,
            sales_manager,
            accepted,
            converted,
        });
        let fit = fit(&cells, 2, 2, 100.0).expect("fit");
        let odds = |p: f64| (p / (1.0 - p)).ln();
        let gap = fit.callers[0] - fit.callers[1];
        assert!((gap - (odds(0.3) - odds(0.1))).abs() < 1e-3, "{gap}");
        assert!((fit.sales_managers[0] - fit.sales_managers[1]).abs() < 1e-6);
        // Variance of the caller contrast ≈ 1/(200·0.3·0.7) + 1/(200·0.1·0.9).
        let v = fit.variance(Role::Caller, &[1.0, -1.0]);
        let expected = 1.0 / (200.0 * 0.21) + 1.0 / (200.0 * 0.09);
        assert!((v - expected).abs() < 1e-3, "{v} vs {expected}");
    }

    #[test]
    fn the_laplace_evidence_matches_quadrature() {
        // One caller and one sales manager: the likelihood depends on η = μ + a + b only, whose
        // prior is N(0, 10² + 2σ²), so the evidence is a one-dimensional integral that brute
        // force can compute. With 400 leads the Laplace error is far below what matters.
        let (n, y, sd) = (400.0, 100.0, 0.5);
        let cells = [Cell {
            caller: 0,
            sales_manager: 0,
            accepted: n,
            converted: y,
        }];
        let fitted = fit(&cells, 1, 1, sd).expect("fit");
        let variance = INTERCEPT_PRIOR_SD * INTERCEPT_PRIOR_SD + 2.0 * sd * sd;
        let log_integrand = |eta: f64| {
            y * eta
                - n * softplus(eta)
                - 0.5 * eta * eta / variance
                - 0.5 * (2.0 * std::f64::consts::PI * variance).ln()
        };
        let peak = log_integrand(-1.0986);
        let step = 1e-4;
        let mut sum = 0.0;
        let mut eta = -3.0;
        while eta < 1.0 {
            sum += (log_integrand(eta) - peak).exp() * step;
            eta += step;
        }
        let exact = peak + sum.ln();
        assert!(
            (fitted.log_evidence - exact).abs() < 2e-3,
            "{} vs {exact}",
            fitted.log_evidence
        );
    }
}
