//! Compaction during training: once populations are extinct for good, the trainer computes on a
//! physically smaller copy of the model that holds only the populations it keeps, so forward and
//! backward products, bias, activation and mass kernels, the optimizer update and evaluation no
//! longer spend work on the dead.
//!
//! Why the bits stay those of the full-size run: a removed population has mass 0, its coordinate
//! is −∞ (numerics 2), and every slice it owns (incoming column, bias, outgoing row, and the same
//! slices of the optimizer slots) is exactly 0, cleared when it died. So every term a removed
//! line contributes to a product is `±0`, and a product sums its terms from `+0.0` in increasing
//! `p` (see [`crate::kernels::gemm`]), where adding `±0` never changes a partial sum: dropping
//! those terms leaves every remaining sum, and its order, as it was. The element-wise kernels and
//! the optimizer work per element, and a removed element's update is the identity (zero gradient,
//! zero slots, zero weight). Per-population bookkeeping (masses, fitness, coordinates,
//! participation) stays full size: it is a few hundred floats per step.
//!
//! The full-size model stays the canonical state: the compact copy is written back at the end of
//! every [`super::Trainer::run`] call, before anything outside the loop can read the model, its
//! state bytes or its hash; anything that changes the full model from outside drops the copy.

use crate::model::mlp::{Gradients, Layer, Mlp};
use crate::population::{Kept, Layout};

/// A population is removed only in groups: when a layer holds at least this many dead
/// populations more than its compact copy was built without (`max(4, ⌈width/64⌉)`). Repacking is
/// one pass over the kept parameters and slots, about one step's work, so removing the dead soon
/// (while pruning is fast, every epoch may lose a third of a layer) matters more than rebuilding
/// rarely.
pub fn rebuild_at(width: usize) -> usize {
    4.max(width.div_ceil(64))
}

/// The working copy of a compacted trainer.
pub(super) struct Compact {
    /// Per hidden layer, the full indices of the populations kept, ascending.
    pub kept: Vec<Vec<u32>>,
    /// Per tensor (optimizer order), the rows and columns kept of the full-size tensor.
    lines: Vec<Kept>,
    /// Columns of each full-size tensor.
    full_cols: Vec<usize>,
    pub model: Mlp,
    pub slots: Vec<[Vec<f32>; 2]>,
    pub grads: Gradients,
    pub layout: Layout,
}

impl Compact {
    /// The copy of `full` (and its optimizer `slots`) without the populations `removed[l][i]`.
    pub fn build(full: &Mlp, slots: &[[Vec<f32>; 2]], layout: &Layout, removed: &[Vec<bool>]) -> Compact {
        let keep: Vec<Vec<f32>> = removed.iter().map(|r| r.iter().map(|&gone| if gone { 0.0 } else { 1.0 }).collect()).collect();
        let lines = layout.compaction(&keep);
        let kept: Vec<Vec<u32>> = removed.iter().map(|r| (0..r.len()).filter(|&i| !r[i]).map(|i| i as u32).collect()).collect();
        let full_cols: Vec<usize> = (0..lines.len()).map(|t| full.layers[t / 2].outputs).collect();
        let layers = (0..full.layers.len())
            .map(|l| Layer {
                inputs: lines[2 * l].rows.len(),
                outputs: lines[2 * l].cols.len(),
                weights: lines[2 * l].gather(&full.layers[l].weights, full_cols[2 * l]),
                bias: lines[2 * l + 1].gather(&full.layers[l].bias, full_cols[2 * l + 1]),
            })
            .collect::<Vec<_>>();
        let mut sizes = vec![full.inputs()];
        sizes.extend(kept.iter().map(Vec::len));
        sizes.push(full.classes());
        let masses = kept.iter().zip(&full.masses).map(|(k, m)| k.iter().map(|&i| m[i as usize]).collect()).collect();
        let model = Mlp { sizes, layers, masses, standardization: full.standardization.clone() };
        let slots = slots
            .iter()
            .enumerate()
            .map(|(t, [s1, s2])| [s1, s2].map(|s| if s.is_empty() { Vec::new() } else { lines[t].gather(s, full_cols[t]) }))
            .collect();
        Compact { grads: Gradients::zeros(&model), layout: model.layout(), kept, lines, full_cols, model, slots }
    }

    /// Writes the kept parameters and optimizer slots back into the full-size model and slots
    /// (the masses live in the full model and are never written here).
    pub fn scatter(&self, full: &mut Mlp, slots: &mut [[Vec<f32>; 2]]) {
        for (t, lines) in self.lines.iter().enumerate() {
            lines.scatter(self.model.parameter(t), full.parameter_mut(t), self.full_cols[t]);
            for (from, to) in self.slots[t].iter().zip(slots[t].iter_mut()) {
                if !from.is_empty() {
                    lines.scatter(from, to, self.full_cols[t]);
                }
            }
        }
    }

    /// Copies the kept populations' masses from the full model's (after an evolution step).
    pub fn gather_masses(&mut self, full: &[Vec<f32>]) {
        for ((kept, from), to) in self.kept.iter().zip(full).zip(self.model.masses.iter_mut()) {
            for (&i, m) in kept.iter().zip(to.iter_mut()) {
                *m = from[i as usize];
            }
        }
    }

    /// The mass gradients in full size (0 for a removed population, whose fitness is never read).
    pub fn scatter_mass_grads(&self, full: &mut [Vec<f32>]) {
        for ((kept, from), to) in self.kept.iter().zip(&self.grads.masses).zip(full.iter_mut()) {
            to.fill(0.0);
            for (&i, &g) in kept.iter().zip(from) {
                to[i as usize] = g;
            }
        }
    }

    /// Whether some layer holds enough dead populations to be worth a new copy ([`rebuild_at`]).
    pub fn due(&self) -> bool {
        self.model.masses.iter().any(|m| m.iter().filter(|&&x| x == 0.0).count() >= rebuild_at(m.len()))
    }
}

/// Multiply-adds of one row through a network with these layer sizes (no allocation: it runs
/// every step).
pub fn multiply_adds(sizes: impl IntoIterator<Item = usize>) -> u64 {
    let mut sizes = sizes.into_iter();
    let Some(mut previous) = sizes.next() else { return 0 };
    sizes.fold(0, |total, n| {
        let product = previous as u64 * n as u64;
        previous = n;
        total + product
    })
}
