//! Numerics version 2 of pruning as evolution (issue 11): selection that is bounded by design,
//! a target-sparsity controller acting only through η, and the logistic dynamic in log-odds.
//!
//! Self-contained: [`StableConfig`] (a small config struct, `EvolutionConfig::stable`),
//! [`StableState`] (per-population f64 coordinates and per-layer η, part of the trainer state),
//! and [`stable_step`], which replaces [`crate::evolution::EvolutionState::step`] when
//! `EvolutionConfig::stable` is set. Version 1 (`stable: None`) is untouched, bit for bit.
//!
//! Per hidden layer, after optimizer step `t` (1-based), with `n` populations:
//!
//! 1. Fitness: `F ← ρF + (1−ρ)φ` for the living (as in version 1).
//! 2. Standardise over the living (version 1's [`standardise`]) and **clip**:
//!    `F̂ = clamp((F − mean)/(std + 1e-12), −c, c)`; `F̄ = Σ m F̂ / Σ m`, `m̄ = Σ m / n_alive` (f64).
//! 3. **Coordinates** (f64, in [`StableState::coord`]): `θ = ln m` for `replicator`,
//!    `exponential`, `mutator`; `ℓ = ln(m/(1−m))` (log-odds) for `logistic`. The model's f32 mass
//!    is derived from them after every update (`m = exp θ` or `m = 1/(1+exp(−ℓ))`).
//! 4. **Bounded step**: the dynamic proposes `Δ` in its coordinate, clamped to `[−δ, δ]`:
//!    - exponential: `Δ = η F̂`
//!    - replicator:  `Δ = ln(1 + η (F̂ − F̄))`
//!    - mutator:     `Δ = ln(1 + η [(F̂ − F̄) + μ (m̄ − m)/m])`
//!    - logistic:    `Δ = η (F̂ − F̄)` in log-odds (the exact flow of `ṁ = η m(1−m)(F̂ − F̄)`
//!      for one step of constant fitness; masses never reach 0 or 1 exactly, so never freeze)
//!
//!    A proposal `1 + … ≤ 0` is `−δ`. Logistic: `ℓ + Δ` is clamped so that `|Δ ln m| ≤ δ`
//!    (`ℓ' ∈ [logit(m e^{−δ}), logit(m e^{δ})]`, no upper limit once `m e^{δ} ≥ 1`) and
//!    `ℓ ≤ 20`. So every dynamic moves every mass by at most a factor `e^{±δ}` per update,
//!    before capacity (whose common factor is itself within `e^{±δ}`).
//! 5. **Extinction**: `m < ε` ⇒ extinct for good, except that a layer never drops below
//!    `n_min = max(min_alive, ⌈min_alive_frac · n⌉)` living populations: the candidates with the
//!    highest coordinate (ties: higher smoothed fitness, then lower index) are spared, at `m = ε`.
//! 6. **Capped capacity** (mean-one dynamics): the living masses are scaled so that their mean is
//!    1 *and* none exceeds `M` (water-filling: `m ← min(s m, M)` with the one `s` that gives
//!    `Σ m = n_alive`). Logistic masses stay in (0, 1) by construction.
//!
//! η: fixed (`EvolutionConfig::params.eta`, annealed by the learning-rate schedule when
//! `anneal`, version 1's warm-up and interval) — or, with a [`Controller`], one η per layer set by
//! the target-sparsity law of [`Controller`].

use crate::error::KernelError;
use crate::evolution::{standardise, Capacity, EvolutionConfig, EvolutionState};
use crate::registry::DYNAMICS;
use crate::train::checkpoint::{Reader, Writer};

/// Bounds that hold whatever η, the data or the model (no dataset-specific constants).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bounds {
    /// `c`: the standardised fitness is clipped to `[−c, c]` (an outlier cannot dominate F̄).
    pub fitness_clip: f32,
    /// `δ`: largest change of a population's coordinate (`ln m`, or log-odds) per update.
    /// 0.02 = one e-fold per 50 steps, five times slower than the optimizer's momentum and the
    /// fitness average (both ≈ 10 steps), so the weights adapt to the masses as they move; the
    /// fastest extinction from mass 1 takes ln(1/ε)/δ ≈ 345 steps.
    pub max_step: f32,
    /// `M`: the largest mass of a mean-one dynamic (a neuron's output is scaled at most M×).
    pub max_mass: f32,
    /// A layer keeps at least `max(min_alive, ⌈min_alive_frac · n⌉)` living populations.
    pub min_alive: u32,
    pub min_alive_frac: f32,
    /// Standardise the smoothed fitness over the living before clipping (step 2). Off (an
    /// ablation): the dynamic sees the raw smoothed fitness `F`, still clipped to `[−c, c]`.
    pub standardise_fitness: bool,
}

impl Default for Bounds {
    fn default() -> Bounds {
        Bounds { fitness_clip: 3.0, max_step: 0.02, max_mass: 4.0, min_alive: 5, min_alive_frac: 0.02, standardise_fitness: true }
    }
}

/// Target-sparsity controller: one η per hidden layer, acting only on η.
///
/// With `T = epochs × batches per epoch`, `t0 = ⌈start · T⌉`, `t1 = ⌊reach · T⌋` and, per layer,
/// `k = round(target · n)` extinct populations wanted (at most `n − n_min`):
///
/// - `t ≤ t0`: η = 0 (warm-up: fitness averages fill, the network learns first).
/// - reference `r(t) = k · (1 − (1 − p)³)`, `p = clamp((t − t0)/(t1 − t0), 0, 1)`: front-loaded
///   (fast while the learning rate is high, gentle as the target nears), equal to `k` from `t1` on.
/// - error `e = (r(t) − d − b) / max(1, tol · n)` with `d` = extinct populations of the layer and
///   `b` = living populations inside the lead band `ln m < ln ε + (1 − p) ln(1/ε)/2` ([`band`]).
/// - law (every update): `ln η ← clamp(ln η + g · clamp(e, −1, 1), ln η_max − span, ln η_max)`
///   with `g = rate` (and `rate · brake` when `e < 0`),
///   starting from `ln η_max − ln 100`; once `d ≥ k`, η = 0 for good; the remaining budget is
///   recovery. Never more than `k − d` extinctions in one update: further candidates below ε
///   are spared at `m = ε` (highest coordinate first), so the target is never overshot.
///
/// State: `ln η` per layer (f64) and the `done` flags, in [`StableState`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Controller {
    /// Wanted fraction of extinct populations, per layer, in [0, 1).
    pub target: f32,
    /// Epoch budget `T` is `epochs × batches per epoch`.
    pub epochs: u32,
    pub eta_max: f32,
    /// Warm-up, as a fraction of the budget.
    pub start: f32,
    /// Fraction of the budget by which the target is reached.
    pub reach: f32,
    /// e-folds of η per update at full error.
    pub rate: f32,
    /// ln of the ratio between η_max and the smallest η.
    pub span: f32,
    /// Error tolerance, as a fraction of the layer's width.
    pub tol: f32,
    /// Short budgets: the step bound becomes `δ_c = max(δ, pace · ln(1/ε) / (t1 − t0))`, so that
    /// the fastest possible extinction takes at most `1/pace` of the pruning window.
    pub pace: f32,
    /// Multiplier of `rate` when the error is negative (ahead of the reference): > 1 brakes
    /// faster than it accelerates. 1 in every measured run (see emergence.md).
    pub brake: f32,
}

impl Controller {
    pub fn new(target: f32, epochs: u32) -> Controller {
        Controller { target, epochs, eta_max: 1.0, start: 0.05, reach: 0.75, rate: 0.02, span: 9.21, tol: 0.02, pace: 10.0, brake: 1.0 }
    }

    /// The law's rate for a budget of `total` steps: `max(rate, 2 ln 100 / (t1 − t0))`, so that η
    /// can climb from its start (η_max / 100) to η_max within half the pruning window however
    /// short the budget. From a window of ≈ 460 steps up (2 epochs of MNIST) it is `rate` itself.
    pub fn rate_for(&self, total: u64) -> f64 {
        let t0 = libm::ceil(self.start as f64 * total as f64);
        let t1 = libm::floor(self.reach as f64 * total as f64).max(t0 + 1.0);
        (self.rate as f64).max(2.0 * CONTROLLER_INIT / (t1 - t0))
    }

    /// Step bound under this controller for a budget of `total` steps and extinction threshold ε.
    pub fn max_step(&self, bounds: &Bounds, total: u64, epsilon: f32) -> f32 {
        let t0 = libm::ceil(self.start as f64 * total as f64);
        let t1 = libm::floor(self.reach as f64 * total as f64).max(t0 + 1.0);
        let fast = self.pace as f64 * libm::log(1.0 / epsilon as f64) / (t1 - t0);
        (bounds.max_step as f64).max(fast).min(1.0) as f32
    }
}

/// The controller starts at η_max / 100 (ln 100 below the top).
pub const CONTROLLER_INIT: f64 = 4.605170185988092;

/// Numerics version 2 of the evolution step.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StableConfig {
    pub bounds: Bounds,
    pub controller: Option<Controller>,
}

impl StableConfig {
    pub fn validate(&self) -> Result<(), KernelError> {
        let b = &self.bounds;
        let bad = |f: &str, v: f32, rule: &str| Err(KernelError::Config(format!("evolution.stable.{f}: {v} is out of range ({rule})")));
        if !(b.fitness_clip.is_finite() && b.fitness_clip > 0.0) {
            return bad("fitnessClip", b.fitness_clip, "must be > 0");
        }
        if !(b.max_step.is_finite() && b.max_step > 0.0 && b.max_step <= 1.0) {
            return bad("maxStep", b.max_step, "must be in (0, 1]");
        }
        if !(b.max_mass.is_finite() && b.max_mass >= 1.0) {
            return bad("maxMass", b.max_mass, "must be ≥ 1");
        }
        if !(0.0..1.0).contains(&b.min_alive_frac) {
            return bad("minAliveFrac", b.min_alive_frac, "must be in [0, 1)");
        }
        if let Some(c) = &self.controller {
            if !(0.0..1.0).contains(&c.target) {
                return bad("target", c.target, "must be in [0, 1)");
            }
            if c.epochs == 0 {
                return bad("epochs", 0.0, "must be ≥ 1");
            }
            if !(c.eta_max.is_finite() && c.eta_max > 0.0) {
                return bad("etaMax", c.eta_max, "must be > 0");
            }
            if !(0.0 <= c.start && c.start < c.reach && c.reach <= 1.0) {
                return bad("start", c.start, "need 0 ≤ start < reach ≤ 1");
            }
            if !(c.rate.is_finite() && c.rate > 0.0 && c.span.is_finite() && c.span >= 0.0 && c.tol.is_finite() && c.tol >= 0.0) {
                return bad("rate", c.rate, "rate > 0, span ≥ 0, tol ≥ 0");
            }
        }
        Ok(())
    }
}

/// What `--target-sparsity s` alone resolves to (with the run's epoch budget): the `logistic`
/// dynamic (initial mass 0.9) in log-odds, `gradient` fitness averaged over ≈ 100 steps
/// (`ρ = 0.99`), default bounds, and the controller. Returns the evolution config and the
/// initial mass.
pub fn recommended(target: f32, epochs: u32) -> (EvolutionConfig, f32) {
    let config = EvolutionConfig {
        fitness: crate::evolution::Fitness::Gradient,
        dynamic: crate::registry::dynamic(RECOMMENDED_DYNAMIC).expect("the recommended dynamic is registered"),
        params: crate::evolution::DynamicParams { eta: 0.0, mu: 0.0 },
        rho: RECOMMENDED_RHO,
        epsilon: 1e-3,
        interval: 1,
        warmup: 0,
        anneal: false,
        stable: Some(StableConfig { bounds: Bounds::default(), controller: Some(Controller::new(target, epochs)) }),
    };
    (config, 0.9)
}

/// The dynamic `--target-sparsity` picks when none is named: bounded by 1 by construction.
pub const RECOMMENDED_DYNAMIC: &str = "logistic";

/// Fitness smoothing of the recommended configuration: an average over ≈ 1/(1−ρ) = 100 steps,
/// longer than the 50 steps of one e-fold of mass at δ = 0.02, so no mass moves by more than a
/// factor e² on evidence younger than the average (version 1's ρ = 0.9 averages 10 steps).
pub const RECOMMENDED_RHO: f32 = 0.99;

/// Living-population floor of a layer of `n`.
pub fn min_alive(bounds: &Bounds, n: usize) -> usize {
    let frac = libm::ceil(bounds.min_alive_frac as f64 * n as f64) as usize;
    (bounds.min_alive as usize).max(frac).min(n)
}

/// Per hidden layer: f64 coordinates (`ln m` or log-odds; −∞ for the extinct), `ln η` of the
/// controller and whether the layer reached its target.
#[derive(Clone, Debug, PartialEq)]
pub struct StableState {
    pub coord: Vec<Vec<f64>>,
    pub log_eta: Vec<f64>,
    pub done: Vec<bool>,
    /// η used by the last update, per layer (telemetry; 0 when no update ran).
    pub eta: Vec<f64>,
    /// Coordinates are set from the masses at the first step.
    pub initialised: bool,
}

/// Largest log-odds of a logistic population (m = 1 − 2·10⁻⁹: 1.0 as an f32 mass, yet a finite
/// coordinate that keeps responding).
pub const LOGIT_MAX: f64 = 20.0;

fn logit(m: f64) -> f64 {
    libm::log(m / (1.0 - m))
}

fn sigmoid(l: f64) -> f64 {
    1.0 / (1.0 + libm::exp(-l))
}

impl StableState {
    pub fn new(widths: &[usize]) -> StableState {
        StableState {
            coord: widths.iter().map(|&n| vec![0.0; n]).collect(),
            log_eta: vec![f64::NEG_INFINITY; widths.len()],
            done: vec![false; widths.len()],
            eta: vec![0.0; widths.len()],
            initialised: false,
        }
    }

    /// Coordinates from masses: `ln m` (mean-one) or log-odds (logistic; masses clamped into
    /// the open interval, so a mass of exactly 1 becomes 1 − 2⁻⁵³ and can still move).
    pub fn init_from(&mut self, logistic: bool, masses: &[Vec<f32>], controller: Option<&Controller>) {
        for (c, m) in self.coord.iter_mut().zip(masses) {
            for (ci, &mi) in c.iter_mut().zip(m) {
                *ci = if mi <= 0.0 {
                    f64::NEG_INFINITY
                } else if logistic {
                    logit(mi as f64).min(LOGIT_MAX)
                } else {
                    libm::log(mi as f64)
                };
            }
        }
        if let Some(c) = controller {
            let start = (libm::log(c.eta_max as f64) - CONTROLLER_INIT).max(libm::log(c.eta_max as f64) - c.span as f64);
            self.log_eta.iter_mut().for_each(|e| *e = start);
        }
        self.initialised = true;
    }

    pub fn write(&self, w: &mut Writer) {
        w.u32(self.initialised as u32);
        for (c, (&le, (&d, &e))) in self.coord.iter().zip(self.log_eta.iter().zip(self.done.iter().zip(&self.eta))) {
            w.u64(c.len() as u64);
            for &x in c {
                w.f64(x);
            }
            w.f64(le);
            w.u32(d as u32);
            w.f64(e);
        }
    }

    pub fn read(&mut self, r: &mut Reader) -> Result<(), KernelError> {
        self.initialised = r.u32("stable state")? != 0;
        for l in 0..self.coord.len() {
            let n = r.u64("stable coordinates")? as usize;
            if n != self.coord[l].len() {
                return Err(KernelError::Data(format!("stable state: layer {l} has {n} coordinates, expected {}", self.coord[l].len())));
            }
            for x in self.coord[l].iter_mut() {
                *x = r.f64("stable coordinate")?;
            }
            self.log_eta[l] = r.f64("controller ln eta")?;
            self.done[l] = r.u32("controller done")? != 0;
            self.eta[l] = r.f64("controller eta")?;
        }
        Ok(())
    }
}

/// The controller's η for one layer at step `t` (and its state update).
#[allow(clippy::too_many_arguments)]
pub fn control(
    c: &Controller,
    bounds: &Bounds,
    t: u64,
    total: u64,
    n: usize,
    extinct: usize,
    doomed: usize,
    log_eta: &mut f64,
    done: &mut bool,
) -> f64 {
    let k = target_count(c, bounds, n);
    if *done || extinct >= k {
        *done = true;
        return 0.0;
    }
    let Some(p) = progress(c, t, total) else { return 0.0 };
    let q = 1.0 - p;
    let reference = k as f64 * (1.0 - q * q * q);
    let error = (reference - (extinct + doomed) as f64) / (c.tol as f64 * n as f64).max(1.0);
    let top = libm::log(c.eta_max as f64);
    let rate = c.rate_for(total);
    let gain = if error < 0.0 { rate * c.brake as f64 } else { rate };
    *log_eta = (*log_eta + gain * error.clamp(-1.0, 1.0)).clamp(top - c.span as f64, top);
    libm::exp(*log_eta)
}

/// Extinct populations wanted in a layer of `n`: `round(target · n)`, at most `n − n_min`.
pub fn target_count(c: &Controller, bounds: &Bounds, n: usize) -> usize {
    (libm::round(c.target as f64 * n as f64) as usize).min(n - min_alive(bounds, n))
}

/// `p = (t − t0)/(t1 − t0)` clamped to [0, 1]; `None` during the warm-up (`t ≤ t0`).
pub fn progress(c: &Controller, t: u64, total: u64) -> Option<f64> {
    let t0 = libm::ceil(c.start as f64 * total as f64) as u64;
    let t1 = (libm::floor(c.reach as f64 * total as f64) as u64).max(t0 + 1);
    if t <= t0 {
        return None;
    }
    Some(((t - t0) as f64 / (t1 - t0) as f64).min(1.0))
}

/// Lead band of the controller, in ln m above ln ε: `b = (1 − p) · ln(1/ε) / 2`. Living
/// populations with `ln m < ln ε + b` count as extinct for the error (they are on their way),
/// so η does not wind up during the lag before the first extinctions; the band closes at `t1`,
/// where the error uses the true count.
pub fn band(p: f64, epsilon: f32) -> f64 {
    (1.0 - p) * libm::log(1.0 / epsilon as f64) / 2.0
}

/// Water-filling: scale the living masses so that their mean is 1 and none exceeds `cap`
/// (f64, increasing index). Returns the masses in place.
pub fn capped_mean_one(m: &mut [f64], cap: f64) {
    let alive = m.iter().filter(|&&x| x > 0.0).count();
    if alive == 0 {
        return;
    }
    let mut capped = vec![false; m.len()];
    loop {
        let (mut free_sum, mut n_capped) = (0.0f64, 0usize);
        for (i, &x) in m.iter().enumerate() {
            if x > 0.0 {
                if capped[i] {
                    n_capped += 1;
                } else {
                    free_sum += x;
                }
            }
        }
        let scale = (alive as f64 - n_capped as f64 * cap) / free_sum;
        let mut newly = false;
        for (i, &x) in m.iter().enumerate() {
            if x > 0.0 && !capped[i] && x * scale > cap {
                capped[i] = true;
                newly = true;
            }
        }
        if !newly {
            for (i, x) in m.iter_mut().enumerate() {
                if *x > 0.0 {
                    *x = if capped[i] { cap } else { *x * scale };
                }
            }
            return;
        }
    }
}

/// What a dynamic's bounded update sees of one living population (f64).
pub struct Move {
    /// Its clipped standardised fitness `F̂`, and the layer's mass-weighted mean `F̄`.
    pub f: f64,
    pub fbar: f64,
    /// Its mass and the layer's mean mass `m̄` (over the living).
    pub m: f64,
    pub mbar: f64,
    pub eta: f64,
    pub mu: f64,
}

/// A dynamic's proposed move in its coordinate (`ln m`, or log-odds for a unit-interval dynamic),
/// before the bound `|Δ| ≤ δ`; `−∞` means "as far down as the bound allows".
pub type BoundedFn = fn(&Move) -> f64;

/// `ln q`, or `−∞` when `q ≤ 0` (a multiplicative update that would end a population).
fn ln_or_floor(q: f64) -> f64 {
    if q <= 0.0 {
        f64::NEG_INFINITY
    } else {
        libm::log(q)
    }
}

/// `none`: masses do not move.
pub fn hold(_: &Move) -> f64 {
    0.0
}

/// `replicator`: `Δ ln m = ln(1 + η (F̂ − F̄))`.
pub fn replicator_move(x: &Move) -> f64 {
    ln_or_floor(1.0 + x.eta * (x.f - x.fbar))
}

/// `exponential`: `Δ ln m = η F̂`.
pub fn exponential_move(x: &Move) -> f64 {
    x.eta * x.f
}

/// `mutator`: `Δ ln m = ln(1 + η [(F̂ − F̄) + μ (m̄ − m)/m])`.
pub fn mutator_move(x: &Move) -> f64 {
    ln_or_floor(1.0 + x.eta * ((x.f - x.fbar) + x.mu * (x.mbar - x.m) / x.m))
}

/// `logistic`, in log-odds: `Δℓ = η (F̂ − F̄)`, the exact flow of `ṁ = η m(1−m)(F̂ − F̄)` over one
/// step of constant fitness (a mass never reaches 0 or 1 exactly, so it never freezes).
pub fn logistic_move(x: &Move) -> f64 {
    x.eta * (x.f - x.fbar)
}

/// One layer's bounded update. `coord` are the f64 coordinates, `masses` the model's f32 masses
/// (written back), `smoothed` the smoothed fitness, `ft` receives the clipped F̂.
#[allow(clippy::too_many_arguments)]
pub fn layer_update(
    config: &EvolutionConfig,
    bounds: &Bounds,
    eta: f64,
    max_deaths: usize,
    coord: &mut [f64],
    masses: &mut [f32],
    smoothed: &[f32],
    ft: &mut [f32],
) {
    let entry = &DYNAMICS[config.dynamic];
    let logistic = entry.capacity == Capacity::UnitInterval;
    if bounds.standardise_fitness {
        standardise(masses, smoothed, ft);
    } else {
        for ((o, &f), &m) in ft.iter_mut().zip(smoothed).zip(masses.iter()) {
            *o = if m > 0.0 { f } else { 0.0 };
        }
    }
    let c = bounds.fitness_clip;
    for x in ft.iter_mut() {
        *x = x.clamp(-c, c);
    }
    if entry.capacity == Capacity::Fixed {
        return;
    }
    let mass = |x: f64| if logistic { sigmoid(x) } else { libm::exp(x) };
    // F̄ and m̄ over the living, from the f64 masses, increasing index.
    let (mut n, mut total, mut weighted) = (0usize, 0.0f64, 0.0f64);
    for (&x, &f) in coord.iter().zip(ft.iter()) {
        if x > f64::NEG_INFINITY {
            let m = mass(x);
            n += 1;
            total += m;
            weighted += m * f as f64;
        }
    }
    if n == 0 {
        return;
    }
    let (fbar, mbar) = (weighted / total, total / n as f64);
    let delta = bounds.max_step as f64;
    let mu = config.params.mu as f64;
    for (x, &f) in coord.iter_mut().zip(ft.iter()) {
        if *x == f64::NEG_INFINITY {
            continue;
        }
        let proposal = (entry.bounded)(&Move { f: f as f64, fbar, m: mass(*x), mbar, eta, mu });
        if logistic {
            // |Δ ln m| ≤ δ: ℓ' ∈ [logit(m e^{−δ}), logit(m e^{δ})] (no upper bound once m e^{δ} ≥ 1),
            // and ℓ ≤ LOGIT_MAX so a mass near 1 stays a finite coordinate.
            let m = sigmoid(*x);
            let low = logit(m * libm::exp(-delta));
            let up = m * libm::exp(delta);
            let high = if up < 1.0 { logit(up).min(LOGIT_MAX) } else { LOGIT_MAX };
            *x = (*x + proposal).clamp(low.min(*x), high.max(low.min(*x)));
        } else {
            *x += proposal.clamp(-delta, delta);
        }
    }
    // Extinction with a floor.
    let floor = min_alive(bounds, coord.len());
    let threshold = if logistic { logit(config.epsilon as f64) } else { libm::log(config.epsilon as f64) };
    let mut candidates: Vec<u32> =
        (0..coord.len() as u32).filter(|&i| coord[i as usize] > f64::NEG_INFINITY && coord[i as usize] < threshold).collect();
    if !candidates.is_empty() {
        let alive = coord.iter().filter(|&&x| x > f64::NEG_INFINITY).count();
        let spare = (floor + candidates.len()).saturating_sub(alive).max(candidates.len().saturating_sub(max_deaths)).min(candidates.len());
        // Highest coordinate first (ties: higher smoothed fitness, then lower index).
        let (c, s) = (&*coord, smoothed);
        crate::order::sort_indices(&mut candidates, &|a, b| {
            let (a, b) = (a as usize, b as usize);
            c[b].total_cmp(&c[a]).then(s[b].total_cmp(&s[a])).then(a.cmp(&b))
        });
        for (j, &i) in candidates.iter().enumerate() {
            coord[i as usize] = if j < spare { threshold } else { f64::NEG_INFINITY };
        }
    }
    if logistic {
        for (m, &x) in masses.iter_mut().zip(coord.iter()) {
            *m = if x == f64::NEG_INFINITY { 0.0 } else { sigmoid(x) as f32 };
        }
    } else {
        let mut m64: Vec<f64> = coord.iter().map(|&x| if x == f64::NEG_INFINITY { 0.0 } else { libm::exp(x) }).collect();
        capped_mean_one(&mut m64, bounds.max_mass as f64);
        for ((m, x), &v) in masses.iter_mut().zip(coord.iter_mut()).zip(&m64) {
            if v > 0.0 {
                *x = libm::log(v);
                *m = v as f32;
            } else {
                *x = f64::NEG_INFINITY;
                *m = 0.0;
            }
        }
    }
}

/// Numerics-2 replacement of [`EvolutionState::step`]: smoothing as in version 1; every
/// `interval` steps past the warm-up (fixed η) or the controller's start, a bounded update per
/// layer. `total_steps` is the budget `T` (used by the controller only).
#[allow(clippy::too_many_arguments)]
pub fn stable_step(
    state: &mut StableState,
    evo: &mut EvolutionState,
    config: &EvolutionConfig,
    stable: &StableConfig,
    step: u64,
    total_steps: u64,
    lr_factor: f32,
    masses: &mut [Vec<f32>],
    mass_grads: &[Vec<f32>],
) {
    let entry = &DYNAMICS[config.dynamic];
    if !state.initialised {
        state.init_from(entry.capacity == Capacity::UnitInterval, masses, stable.controller.as_ref());
    }
    let due = step.is_multiple_of(config.interval.max(1) as u64) && (stable.controller.is_some() || step > config.warmup);
    for l in 0..masses.len() {
        let (m, g) = (&mut masses[l], &mass_grads[l]);
        let f = &mut evo.smoothed[l];
        for ((&mi, &gi), fi) in m.iter().zip(g.iter()).zip(f.iter_mut()) {
            *fi = if mi > 0.0 { config.rho * *fi + (1.0 - config.rho) * config.fitness.raw(mi, gi) } else { 0.0 };
        }
        if !due {
            continue;
        }
        let logistic = entry.capacity == Capacity::UnitInterval;
        let (eta, max_deaths) = match &stable.controller {
            Some(c) => {
                let extinct = m.iter().filter(|&&x| x == 0.0).count();
                let doomed = match progress(c, step, total_steps) {
                    Some(p) => {
                        let limit = libm::log(config.epsilon as f64) + band(p, config.epsilon);
                        let ln_m = |x: f64| if logistic { -libm::log(1.0 + libm::exp(-x)) } else { x };
                        state.coord[l].iter().filter(|&&x| x > f64::NEG_INFINITY && ln_m(x) < limit).count()
                    }
                    None => 0,
                };
                let eta =
                    control(c, &stable.bounds, step, total_steps, m.len(), extinct, doomed, &mut state.log_eta[l], &mut state.done[l]);
                (eta, target_count(c, &stable.bounds, m.len()).saturating_sub(extinct))
            }
            None => (config.params.eta as f64 * if config.anneal { lr_factor as f64 } else { 1.0 }, usize::MAX),
        };
        state.eta[l] = eta;
        let bounds = match &stable.controller {
            Some(c) => Bounds { max_step: c.max_step(&stable.bounds, total_steps, config.epsilon), ..stable.bounds },
            None => stable.bounds,
        };
        layer_update(config, &bounds, eta, max_deaths, &mut state.coord[l], m, f, &mut evo.standardised[l]);
    }
}

#[cfg(test)]
mod tests;
