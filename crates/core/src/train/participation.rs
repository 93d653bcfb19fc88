//! Participation variables (arXiv 2512.22106), the companion paper's pruning score, tracked
//! alongside training without gating it.

use crate::model::mlp::{Gradients, Mlp};
use crate::threads::{self, Shared};

/// Participation variables of arXiv 2512.22106, tracked alongside training without gating it:
/// `s_i ∈ [0, 1]`, starting at 1, moved each step by projected ascent on
/// `s_i B_i − β‖θ_i‖² s_i² − γ s_i` with benefit `B_i = −α⟨∇L, θ_i⟩`, where θ_i are the incoming
/// weights and bias of population i: `⟨∇L, θ_i⟩ < 0` means growing θ_i lowers the loss, so the
/// benefit rewards loss decrease. `s_i ← clamp(s_i + lr (B_i − 2β‖θ_i‖² s_i − γ), 0, 1)`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ParticipationConfig {
    pub alpha: f32,
    pub beta: f32,
    pub gamma: f32,
    pub lr: f32,
}

/// One participation update per hidden layer from this step's gradients (before the optimizer
/// moves θ). Per population the sums run in f64: bias term first, then the incoming weights in
/// increasing input index.
///
/// `model` and `grads` may be a compacted copy (see [`super::compact`]): `kept[l]` then lists
/// the full index of each of its columns, and every other population, removed with all its
/// parameters at 0, takes the update of a zero dot product and norm, the same bits as the full
/// model gives it (its terms are exact zeros; see the module doc of `compact`).
pub(super) fn track(
    config: &ParticipationConfig,
    participation: &mut [Vec<f32>],
    model: &Mlp,
    grads: &Gradients,
    kept: Option<&[Vec<u32>]>,
) {
    let update = |si: &mut f32, dot: f64, norm: f64| {
        let benefit = -(config.alpha as f64) * dot;
        let ascent = benefit - 2.0 * config.beta as f64 * norm * *si as f64 - config.gamma as f64;
        *si = (*si + config.lr * ascent as f32).clamp(0.0, 1.0);
    };
    for (l, s) in participation.iter_mut().enumerate() {
        let layer = &model.layers[l];
        let (gw, gb) = (&grads.weights[l], &grads.bias[l]);
        let columns = layer.outputs;
        let kept = kept.map(|k| k[l].as_slice());
        // The removed (compacted away) first: a zero dot product and norm.
        if let Some(kept) = kept {
            let mut next = 0;
            for (i, si) in s.iter_mut().enumerate() {
                if kept.get(next) == Some(&(i as u32)) {
                    next += 1;
                } else {
                    update(si, 0.0, 0.0);
                }
            }
        }
        // Then the model's columns, split between threads; each column's sums keep their order
        // (bias first, then the rows in increasing order), accumulated BLOCK columns at a time so
        // the weights are read along their rows.
        let shared = Shared::new(s);
        let parts = threads::parts_for(columns / 16, columns * layer.inputs, 1 << 15);
        threads::run(parts, &|part| {
            let range = threads::split(columns, parts, 16, part);
            let mut start = range.start;
            while start < range.end {
                let end = (start + BLOCK).min(range.end);
                let (mut dot, mut norm) = ([0.0f64; BLOCK], [0.0f64; BLOCK]);
                for c in start..end {
                    let b = layer.bias[c] as f64;
                    (dot[c - start], norm[c - start]) = (gb[c] as f64 * b, b * b);
                }
                for r in 0..layer.inputs {
                    let (w, g) = (&layer.weights[r * columns + start..r * columns + end], &gw[r * columns + start..r * columns + end]);
                    for t in 0..end - start {
                        let w = w[t] as f64;
                        dot[t] += g[t] as f64 * w;
                        norm[t] += w * w;
                    }
                }
                for c in start..end {
                    let i = kept.map_or(c, |k| k[c] as usize);
                    // SAFETY: `i` is this part's column's population: distinct between parts.
                    update(unsafe { &mut shared.slice(i..i + 1)[0] }, dot[c - start], norm[c - start]);
                }
                start = end;
            }
        });
    }
}

/// Columns whose sums are accumulated together.
const BLOCK: usize = 64;
