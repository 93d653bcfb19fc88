//! Pruning on a schedule: the baselines selection is measured against (`evoprune frontier`).
//!
//! Structured gradual magnitude pruning after Zhu & Gupta (2017), applied to whole populations
//! (they prune single weights; this is the structured variant): masses stay fixed (dynamic
//! `none`), and at steps `t0, t0 + Δt, …, t1` each hidden layer of `n` populations is brought to
//!
//! ```text
//! s_t = s_f (1 − (1 − (t − t0)/(t1 − t0))³)      (s_i = 0)
//! ```
//!
//! extinct populations, `round(s_t · n)` of them (at most `n − n_min`, the floor numerics 2 keeps,
//! so every method ends with the same living counts), by setting the lowest-scoring living
//! populations' masses to 0 (ties: lower index first). A population so removed is extinct like
//! one selection killed: its parameters are cleared and compaction drops it. `t0 = t1` is one-shot
//! pruning at `t0` (prune, then fine-tune for the rest of the budget).
//!
//! Scores ([`GradualScore`]): `magnitude` is `‖W_l[:, i]‖₂ · ‖W_{l+1}[i, :]‖₂` (incoming times
//! outgoing weights, f64 sums in increasing index); `random` a fixed random priority per population
//! from stream [`STREAM_GRADUAL`] of the seed; `fitness` the smoothed fitness `F` the evolution
//! state tracks (the signal selection uses, without masses). No state of its own: the schedule is a
//! function of the step, so a resumed run prunes exactly as one never stopped.

use crate::emergence::{min_alive, Bounds};
use crate::error::KernelError;
use crate::model::mlp::Mlp;
use crate::rng::Xoshiro128;

/// PRNG stream of the `random` score's priorities.
pub const STREAM_GRADUAL: u64 = 5;

/// What a scheduled pruning ranks living populations by (lowest pruned first).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GradualScore {
    Magnitude,
    Random,
    Fitness,
}

impl GradualScore {
    pub fn name(self) -> &'static str {
        match self {
            GradualScore::Magnitude => "magnitude",
            GradualScore::Random => "random",
            GradualScore::Fitness => "fitness",
        }
    }

    pub fn by_name(name: &str) -> Option<GradualScore> {
        [GradualScore::Magnitude, GradualScore::Random, GradualScore::Fitness].into_iter().find(|s| s.name() == name)
    }
}

/// A pruning schedule over a budget of `epochs` epochs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GradualPruning {
    pub score: GradualScore,
    /// Final fraction `s_f` of extinct populations per hidden layer, in [0, 1).
    pub target: f32,
    /// `t0 = round(start · T)`, `t1 = round(end · T)` with `T = epochs × batches per epoch`.
    pub start: f32,
    pub end: f32,
    /// Steps `Δt` between pruning events.
    pub interval: u32,
    pub epochs: u32,
}

impl GradualPruning {
    pub fn validate(&self) -> Result<(), KernelError> {
        let bad =
            |field: &str, value: f32, rule: &str| Err(KernelError::Config(format!("gradual.{field}: {value} is out of range ({rule})")));
        if !(0.0..1.0).contains(&self.target) {
            return bad("target", self.target, "must be in [0, 1)");
        }
        if !(0.0 <= self.start && self.start <= self.end && self.end <= 1.0) {
            return bad("start", self.start, "need 0 ≤ start ≤ end ≤ 1");
        }
        if self.interval == 0 {
            return bad("interval", 0.0, "must be ≥ 1");
        }
        if self.epochs == 0 {
            return bad("epochs", 0.0, "must be ≥ 1");
        }
        Ok(())
    }

    /// `(t0, t1)` for a budget of `total` steps.
    pub fn window(&self, total: u64) -> (u64, u64) {
        let t0 = libm::round(self.start as f64 * total as f64) as u64;
        let t1 = (libm::round(self.end as f64 * total as f64) as u64).max(t0);
        (t0, t1)
    }

    /// The fraction `s_t` the schedule asks for after step `t`, or `None` when `t` is not a
    /// pruning step.
    pub fn sparsity_at(&self, t: u64, total: u64) -> Option<f64> {
        let (t0, t1) = self.window(total);
        if t == 0 || t < t0 || t > t1 || !((t - t0).is_multiple_of(self.interval as u64) || t == t1) {
            return None;
        }
        let p = if t1 == t0 { 1.0 } else { (t - t0) as f64 / (t1 - t0) as f64 };
        let q = 1.0 - p;
        Some(self.target as f64 * (1.0 - q * q * q))
    }

    /// The populations a layer of `n` should have lost at fraction `s`: `round(s · n)`, at most
    /// `n − n_min` (numerics 2's floor, the same for every method).
    pub fn count(s: f64, n: usize) -> usize {
        (libm::round(s * n as f64) as usize).min(n - min_alive(&Bounds::default(), n))
    }
}

/// Fixed random priorities, one per population of each hidden layer (the `random` score).
pub fn random_priorities(widths: &[usize], seed: u64) -> Vec<Vec<f32>> {
    let mut rng = Xoshiro128::new(seed, STREAM_GRADUAL);
    widths.iter().map(|&n| (0..n).map(|_| rng.next_f32()).collect()).collect()
}

/// `‖W_l[:, c]‖₂ · ‖W_{l+1}[c, :]‖₂` for column `c` of hidden layer `l` of `model` (f64).
pub fn magnitude(model: &Mlp, l: usize, c: usize) -> f64 {
    let (layer, next) = (&model.layers[l], &model.layers[l + 1]);
    let incoming: f64 = (0..layer.inputs).map(|r| layer.weights[r * layer.outputs + c] as f64).map(|w| w * w).sum();
    let outgoing: f64 = next.weights[c * next.outputs..(c + 1) * next.outputs].iter().map(|&w| (w as f64) * (w as f64)).sum();
    libm::sqrt(incoming) * libm::sqrt(outgoing)
}

/// Sets the masses of the `wanted − extinct` lowest-scoring living populations of one layer to 0
/// (ties: lower index first); `score(i)` of population `i`. Returns how many it removed.
pub fn prune_layer(masses: &mut [f32], wanted: usize, score: impl Fn(usize) -> f64) -> usize {
    let extinct = masses.iter().filter(|&&m| m == 0.0).count();
    let Some(more) = wanted.checked_sub(extinct).filter(|&k| k > 0) else { return 0 };
    let scores: Vec<f64> = (0..masses.len()).map(|i| if masses[i] != 0.0 { score(i) } else { 0.0 }).collect();
    let mut living: Vec<u32> = (0..masses.len() as u32).filter(|&i| masses[i as usize] != 0.0).collect();
    crate::order::sort_indices(&mut living, &|a, b| scores[a as usize].total_cmp(&scores[b as usize]).then(a.cmp(&b)));
    for &i in living.iter().take(more) {
        masses[i as usize] = 0.0;
    }
    more.min(living.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    // On wasm32 the tests run under wasm-bindgen-test (scripts/test-wasm.sh).
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn gmp(target: f32) -> GradualPruning {
        GradualPruning { score: GradualScore::Magnitude, target, start: 0.05, end: 0.75, interval: 100, epochs: 20 }
    }

    #[test]
    fn the_schedule_is_zhu_and_gupta_cubic_on_its_interval() {
        // T = 20 epochs × 469 batches = 9380: t0 = 469, t1 = 7035.
        let (s, total) = (gmp(0.8), 9380);
        assert_eq!(s.window(total), (469, 7035));
        assert_eq!(s.sparsity_at(468, total), None, "nothing before t0");
        assert_eq!(s.sparsity_at(469, total), Some(0.0));
        assert_eq!(s.sparsity_at(470, total), None, "only every Δt = 100 steps");
        let at = |t: u64| s.sparsity_at(t, total).unwrap();
        let expected = |t: f64| 0.8f32 as f64 * (1.0 - (1.0 - (t - 469.0) / (7035.0 - 469.0)).powi(3));
        for t in [569u64, 1469, 3469, 6969] {
            assert!((at(t) - expected(t as f64)).abs() < 1e-12, "t = {t}");
        }
        assert_eq!(s.sparsity_at(7035, total), Some(0.8f32 as f64), "t1 is a pruning step and reaches s_f");
        assert_eq!(s.sparsity_at(7135, total), None, "nothing after t1");
        // Front-loaded: half the budget of the window removes 7/8 of the target.
        assert!((at(3769) / 0.8 - (1.0 - 0.5f64.powi(3))).abs() < 0.02);
        // One-shot: start = end prunes everything at that step.
        let once = GradualPruning { start: 0.5, end: 0.5, ..gmp(0.7) };
        assert_eq!(once.window(total), (4690, 4690));
        assert_eq!(once.sparsity_at(4689, total), None);
        assert_eq!(once.sparsity_at(4690, total), Some(0.7f32 as f64));
        assert_eq!(once.sparsity_at(4691, total), None);
    }

    #[test]
    fn counts_keep_the_floor_and_pruning_takes_the_lowest_scores() {
        assert_eq!(GradualPruning::count(0.8, 512), 410);
        assert_eq!(GradualPruning::count(0.99, 256), 250, "n_min = max(5, ⌈2 % · 256⌉) = 6 stay");
        let mut masses = vec![1.0, 1.0, 0.0, 1.0, 1.0, 1.0];
        let scores = [0.5, 0.1, 9.0, 0.1, 3.0, 2.0];
        assert_eq!(prune_layer(&mut masses, 3, |i| scores[i]), 2);
        assert_eq!(masses, vec![1.0, 0.0, 0.0, 0.0, 1.0, 1.0], "ties by index; the extinct count towards the wanted");
        assert_eq!(prune_layer(&mut masses, 2, |i| scores[i]), 0, "never revives");
        let bad = GradualPruning { start: 0.8, end: 0.5, ..gmp(0.5) };
        assert!(bad.validate().unwrap_err().to_string().contains("gradual.start"));
        assert!(GradualPruning { target: 1.0, ..gmp(0.5) }.validate().is_err());
    }

    #[test]
    fn random_priorities_are_fixed_by_the_seed() {
        assert_eq!(random_priorities(&[5, 3], 7), random_priorities(&[5, 3], 7));
        assert_ne!(random_priorities(&[5, 3], 7), random_priorities(&[5, 3], 8));
    }
}
