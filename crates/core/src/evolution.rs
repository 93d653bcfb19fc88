//! Pruning as evolution (DESIGN.md §2): fitness from ∂L/∂m, smoothing, per-layer
//! standardisation over living populations, selection dynamics, extinction and capacity.
//!
//! A new dynamic is one `fn(&mut [f32], &Selection, &DynamicParams)` here plus one entry in
//! [`crate::registry::DYNAMICS`], which also names its capacity, initial mass and parameters.

use crate::error::{check_len, KernelError};
use crate::registry::DYNAMICS;

/// How a population's fitness is read from `g_i = ∂L/∂m_i`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fitness {
    /// `φ_i = −g_i`: the first-order loss decrease from growing population i.
    Gradient,
    /// `φ_i = −m_i g_i`: the first-order loss increase from removing population i.
    Taylor,
    /// `φ_i = |g_i|`.
    Magnitude,
}

impl Fitness {
    pub(crate) fn raw(self, mass: f32, grad: f32) -> f32 {
        match self {
            Fitness::Gradient => -grad,
            Fitness::Taylor => -(mass * grad),
            Fitness::Magnitude => grad.abs(),
        }
    }
}

/// Parameters every dynamic may read.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DynamicParams {
    /// Selection strength η.
    pub eta: f32,
    /// Mutation rate μ (`mutator`).
    pub mu: f32,
}

/// The per-layer view a dynamic updates from.
pub struct Selection<'a> {
    /// Standardised fitness `F̃_i` (0 for extinct populations).
    pub fitness: &'a [f32],
    /// Mass-weighted mean fitness `F̄ = Σ m_j F̃_j / Σ m_j` over living populations.
    pub mean_fitness: f32,
    /// Mean mass over living populations `m̄`.
    pub mean_mass: f32,
}

/// What keeps the total in check after an update.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Capacity {
    /// Masses fixed.
    Fixed,
    /// Rescale the living masses so that their mean is 1 (`Σ m = n_alive`).
    MeanOne,
    /// Masses stay in [0, 1] (the update clamps); no rescaling.
    UnitInterval,
}

impl Capacity {
    /// Its name in the registry: `fixed`, `mean-one`, `unit-interval`.
    pub fn name(self) -> &'static str {
        match self {
            Capacity::Fixed => "fixed",
            Capacity::MeanOne => "mean-one",
            Capacity::UnitInterval => "unit-interval",
        }
    }
}

/// A dynamic's update of one layer's masses; it must leave extinct populations (m = 0) alone.
pub type DynamicFn = fn(&mut [f32], &Selection, &DynamicParams);

pub fn none(_: &mut [f32], _: &Selection, _: &DynamicParams) {}

/// `m_i ← max(0, m_i + η m_i (F̃_i − F̄))`.
pub fn replicator(m: &mut [f32], s: &Selection, p: &DynamicParams) {
    for (mi, &f) in m.iter_mut().zip(s.fitness) {
        if *mi > 0.0 {
            *mi = (*mi + p.eta * *mi * (f - s.mean_fitness)).max(0.0);
        }
    }
}

/// `m_i ← m_i · exp(η F̃_i)` (`libm::expf`).
pub fn exponential(m: &mut [f32], s: &Selection, p: &DynamicParams) {
    for (mi, &f) in m.iter_mut().zip(s.fitness) {
        if *mi > 0.0 {
            *mi *= libm::expf(p.eta * f);
        }
    }
}

/// `m_i ← max(0, m_i + η [m_i (F̃_i − F̄) + μ (m̄ − m_i)])`.
pub fn mutator(m: &mut [f32], s: &Selection, p: &DynamicParams) {
    for (mi, &f) in m.iter_mut().zip(s.fitness) {
        if *mi > 0.0 {
            *mi = (*mi + p.eta * (*mi * (f - s.mean_fitness) + p.mu * (s.mean_mass - *mi))).max(0.0);
        }
    }
}

/// `m_i ← clamp(m_i + η m_i (1 − m_i)(F̃_i − F̄), 0, 1)`.
pub fn logistic(m: &mut [f32], s: &Selection, p: &DynamicParams) {
    for (mi, &f) in m.iter_mut().zip(s.fitness) {
        if *mi > 0.0 {
            *mi = (*mi + p.eta * *mi * (1.0 - *mi) * (f - s.mean_fitness)).clamp(0.0, 1.0);
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct EvolutionConfig {
    pub fitness: Fitness,
    /// Index into [`crate::registry::DYNAMICS`].
    pub dynamic: usize,
    pub params: DynamicParams,
    /// Smoothing ρ of `F ← ρF + (1−ρ)φ`.
    pub rho: f32,
    /// Extinction threshold ε.
    pub epsilon: f32,
    /// Masses are updated every `interval` optimizer steps (fitness is smoothed every step).
    pub interval: u32,
    /// No mass update before this step (fitness still accumulates).
    pub warmup: u64,
    /// Scale η by the learning-rate schedule (`lr_t / lr`): selection cools as learning does.
    /// Standardised fitness always has unit spread, so at a constant η selection never stops and
    /// extinctions go on until few populations hold all the mass.
    pub anneal: bool,
    /// Numerics version 2 ([`crate::emergence`]): bounded selection, the target-sparsity
    /// controller, logistic in log-odds. `None` is numerics version 1, bit for bit.
    pub stable: Option<crate::emergence::StableConfig>,
}

impl EvolutionConfig {
    pub fn dense() -> EvolutionConfig {
        EvolutionConfig {
            fitness: Fitness::Gradient,
            dynamic: 0,
            params: DynamicParams { eta: 0.0, mu: 0.0 },
            rho: 0.9,
            epsilon: 1e-3,
            interval: 1,
            warmup: 0,
            anneal: false,
            stable: None,
        }
    }
}

/// Standardises `smoothed` over living populations into `out`, and returns `(F̄, m̄)`.
///
/// Sums run in f64 in increasing index: `mean = Σ F / n`, `std = √(Σ (F − mean)² / n)`,
/// `F̃ = (F − mean) / (std + 1e-12)` (rounded to f32), `F̄ = Σ m F̃ / Σ m`, `m̄ = Σ m / n`.
pub fn standardise(masses: &[f32], smoothed: &[f32], out: &mut [f32]) -> (f32, f32) {
    let (mut n, mut sum) = (0usize, 0.0f64);
    for (&m, &f) in masses.iter().zip(smoothed) {
        if m > 0.0 {
            n += 1;
            sum += f as f64;
        }
    }
    if n == 0 {
        out.fill(0.0);
        return (0.0, 0.0);
    }
    let mean = sum / n as f64;
    let mut var = 0.0f64;
    for (&m, &f) in masses.iter().zip(smoothed) {
        if m > 0.0 {
            let d = f as f64 - mean;
            var += d * d;
        }
    }
    let std = (var / n as f64).sqrt();
    let (mut weighted, mut total) = (0.0f64, 0.0f64);
    for ((&m, &f), o) in masses.iter().zip(smoothed).zip(out.iter_mut()) {
        if m > 0.0 {
            *o = ((f as f64 - mean) / (std + 1e-12)) as f32;
            weighted += m as f64 * *o as f64;
            total += m as f64;
        } else {
            *o = 0.0;
        }
    }
    ((weighted / total) as f32, (total / n as f64) as f32)
}

/// Extinction then capacity, after a dynamic's update: `m_i < ε ⇒ m_i = 0` for good; with
/// [`Capacity::MeanOne`] the living masses are then scaled by `n_alive / Σ m` (sum in f64,
/// increasing i), so each survivor's mass stays O(1) however many have died.
pub fn extinction_and_capacity(masses: &mut [f32], epsilon: f32, capacity: Capacity) {
    for m in masses.iter_mut() {
        if *m < epsilon {
            *m = 0.0;
        }
    }
    if capacity == Capacity::MeanOne {
        let total: f64 = masses.iter().map(|&m| m as f64).sum();
        let alive = masses.iter().filter(|&&m| m > 0.0).count();
        if total > 0.0 {
            let scale = (alive as f64 / total) as f32;
            for m in masses.iter_mut() {
                *m *= scale;
            }
        }
    }
}

/// Per hidden layer: the smoothed fitness `F` and the last standardised `F̃`.
#[derive(Clone, Debug, PartialEq)]
pub struct EvolutionState {
    pub(crate) smoothed: Vec<Vec<f32>>,
    pub(crate) standardised: Vec<Vec<f32>>,
}

impl EvolutionState {
    pub fn new(widths: &[usize]) -> EvolutionState {
        EvolutionState {
            smoothed: widths.iter().map(|&n| vec![0.0; n]).collect(),
            standardised: widths.iter().map(|&n| vec![0.0; n]).collect(),
        }
    }

    /// The smoothed fitness `F` per hidden layer.
    pub fn smoothed(&self) -> &[Vec<f32>] {
        &self.smoothed
    }

    /// The last standardised fitness `F̃` per hidden layer (0 for extinct populations).
    pub fn standardised(&self) -> &[Vec<f32>] {
        &self.standardised
    }

    /// The last standardised fitness of hidden layer `layer`.
    pub fn standardised_of(&self, layer: usize) -> Result<&[f32], KernelError> {
        self.standardised.get(layer).map(Vec::as_slice).ok_or_else(|| crate::model::mlp::no_layer(layer, self.standardised.len()))
    }

    /// One step of evolution for every hidden layer, after the optimizer step number `step`
    /// (1-based): smooth the fitness of living populations; every `interval` steps past the
    /// warm-up, standardise, update by the dynamic, apply extinction and capacity.
    /// `lr_factor` is the schedule's `lr_t / lr`, used when `config.anneal`.
    pub fn step(&mut self, config: &EvolutionConfig, step: u64, lr_factor: f32, masses: &mut [Vec<f32>], mass_grads: &[Vec<f32>]) {
        // Fitness is tracked for every dynamic (`none` included, for telemetry and comparison).
        let entry = &DYNAMICS[config.dynamic];
        let params = if config.anneal { DynamicParams { eta: config.params.eta * lr_factor, ..config.params } } else { config.params };
        let due = step > config.warmup && step.is_multiple_of(config.interval.max(1) as u64);
        for ((m, g), (f, ft)) in masses.iter_mut().zip(mass_grads).zip(self.smoothed.iter_mut().zip(self.standardised.iter_mut())) {
            for ((&mi, &gi), fi) in m.iter().zip(g).zip(f.iter_mut()) {
                *fi = if mi > 0.0 { config.rho * *fi + (1.0 - config.rho) * config.fitness.raw(mi, gi) } else { 0.0 };
            }
            if due {
                let (mean_fitness, mean_mass) = standardise(m, f, ft);
                if entry.capacity != Capacity::Fixed {
                    (entry.update)(m, &Selection { fitness: ft, mean_fitness, mean_mass }, &params);
                    extinction_and_capacity(m, config.epsilon, entry.capacity);
                }
            }
        }
    }
}

/// One layer after one [`EvolutionState::step`] (see [`step_layer`]).
#[derive(Clone, Debug, PartialEq)]
pub struct LayerStep {
    pub masses: Vec<f32>,
    pub smoothed: Vec<f32>,
    pub standardised: Vec<f32>,
}

/// One evolution step of a single layer from its masses, mass gradients and smoothed fitness,
/// after optimizer step `step` with the schedule at its full rate (for tests and tools).
pub fn step_layer(
    config: &EvolutionConfig,
    step: u64,
    masses: &[f32],
    mass_grads: &[f32],
    smoothed: &[f32],
) -> Result<LayerStep, KernelError> {
    check_len("evolution step: mass gradients", mass_grads.len(), masses.len())?;
    check_len("evolution step: smoothed fitness", smoothed.len(), masses.len())?;
    let mut state = EvolutionState::new(&[masses.len()]);
    state.smoothed[0].copy_from_slice(smoothed);
    let mut m = vec![masses.to_vec()];
    state.step(config, step, 1.0, &mut m, &[mass_grads.to_vec()]);
    let EvolutionState { mut smoothed, mut standardised } = state;
    Ok(LayerStep { masses: m.remove(0), smoothed: smoothed.remove(0), standardised: standardised.remove(0) })
}

#[cfg(test)]
mod tests {
    use super::*;
    // On wasm32 the tests run under wasm-bindgen-test (scripts/test-wasm.sh).
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn select<'a>(f: &'a [f32], masses: &[f32]) -> Selection<'a> {
        let alive: Vec<usize> = (0..masses.len()).filter(|&i| masses[i] > 0.0).collect();
        let total: f32 = alive.iter().map(|&i| masses[i]).sum();
        let fbar = alive.iter().map(|&i| masses[i] * f[i]).sum::<f32>() / total;
        Selection { fitness: f, mean_fitness: fbar, mean_mass: total / alive.len() as f32 }
    }

    #[test]
    fn replicator_preserves_total_mass_without_clamping() {
        let mut m = vec![0.5, 1.5, 1.0, 1.0];
        let f = vec![1.0, -0.5, 0.3, -0.8];
        let s = select(&f, &m);
        let before: f32 = m.iter().sum();
        replicator(&mut m, &s, &DynamicParams { eta: 0.1, mu: 0.0 });
        assert!((m.iter().sum::<f32>() - before).abs() < 1e-6);
    }

    #[test]
    fn extinction_is_permanent_and_capacity_restores_mean_one() {
        let mut m = vec![0.0005, 2.0, 1.0, 0.0];
        extinction_and_capacity(&mut m, 1e-3, Capacity::MeanOne);
        assert_eq!(m[0], 0.0);
        assert_eq!(m[3], 0.0);
        assert!((m.iter().sum::<f32>() - 2.0).abs() < 1e-6, "mean 1 over the two survivors: {m:?}");
        // Extinct populations never come back, whatever their fitness.
        let f = vec![5.0, 0.0, 0.0, 5.0];
        let s = select(&f, &m);
        for dynamic in DYNAMICS {
            let mut copy = m.clone();
            (dynamic.update)(&mut copy, &s, &DynamicParams { eta: 0.5, mu: 0.3 });
            assert_eq!((copy[0], copy[3]), (0.0, 0.0), "{}", dynamic.name);
        }
    }

    #[test]
    fn standardisation_ignores_the_extinct() {
        let masses = vec![1.0, 0.0, 3.0, 1.0];
        let smoothed = vec![1.0, 100.0, 2.0, 3.0];
        let mut out = vec![f32::NAN; 4];
        let (fbar, mbar) = standardise(&masses, &smoothed, &mut out);
        let std = (2.0f64 / 3.0).sqrt();
        assert!((out[0] as f64 + 1.0 / std).abs() < 1e-6 && out[1] == 0.0 && out[2] == 0.0);
        assert!((fbar as f64 - (-1.0 / std + 1.0 / std) / 5.0).abs() < 1e-6);
        assert!((mbar - 5.0 / 3.0).abs() < 1e-6);
    }

    #[test]
    fn logistic_stays_in_the_unit_interval() {
        let mut m = vec![0.9, 0.999, 0.01];
        let f = vec![100.0, 100.0, -100.0];
        let s = select(&f, &m);
        logistic(&mut m, &s, &DynamicParams { eta: 1.0, mu: 0.0 });
        assert!(m.iter().all(|&x| (0.0..=1.0).contains(&x)), "{m:?}");
    }
}
