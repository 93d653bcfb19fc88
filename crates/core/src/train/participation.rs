//! Participation variables (arXiv 2512.22106), the companion paper's pruning score, tracked
//! alongside training without gating it.

use crate::model::mlp::{Gradients, Mlp};

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
    for (l, s) in participation.iter_mut().enumerate() {
        let layer = &model.layers[l];
        let (gw, gb) = (&grads.weights[l], &grads.bias[l]);
        let column = |c: usize| {
            let (mut dot, mut norm) = (gb[c] as f64 * layer.bias[c] as f64, layer.bias[c] as f64 * layer.bias[c] as f64);
            for r in 0..layer.inputs {
                let w = layer.weights[r * layer.outputs + c] as f64;
                dot += gw[r * layer.outputs + c] as f64 * w;
                norm += w * w;
            }
            (dot, norm)
        };
        let mut next = 0;
        for (i, si) in s.iter_mut().enumerate() {
            let (dot, norm) = match kept {
                None => column(i),
                Some(kept) if kept[l].get(next) == Some(&(i as u32)) => {
                    next += 1;
                    column(next - 1)
                }
                Some(_) => (0.0, 0.0),
            };
            let benefit = -(config.alpha as f64) * dot;
            let ascent = benefit - 2.0 * config.beta as f64 * norm * *si as f64 - config.gamma as f64;
            *si = (*si + config.lr * ascent as f32).clamp(0.0, 1.0);
        }
    }
}
