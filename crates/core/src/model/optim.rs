//! Optimizers for weights and biases (masses are never touched by the optimizer).

use crate::error::{check_len, KernelError};
use crate::threads::{self, Shared};

/// Tensors below this many elements are updated on one thread.
const MIN_PARALLEL_ELEMENTS: usize = 1 << 15;

/// Optimizer and its hyper-parameters.
#[derive(Clone, Debug, PartialEq)]
pub enum Optimizer {
    /// PyTorch-style SGD with momentum: `g' = g + λw`, `v ← μv + g'`, `w ← w − η v`.
    Sgd { lr: f32, momentum: f32, weight_decay: f32 },
    /// Adam with bias correction: `m ← β₁m + (1−β₁)g'`, `v ← β₂v + (1−β₂)g'²`,
    /// `w ← w − η (m / (1−β₁ᵗ)) / (√(v / (1−β₂ᵗ)) + ε)`, with `g' = g + λw`.
    Adam { lr: f32, beta1: f32, beta2: f32, eps: f32, weight_decay: f32 },
}

impl Optimizer {
    pub fn lr(&self) -> f32 {
        match self {
            Optimizer::Sgd { lr, .. } | Optimizer::Adam { lr, .. } => *lr,
        }
    }

    /// Number of state slots per parameter (velocity; or first and second moments).
    pub fn slots(&self) -> usize {
        match self {
            Optimizer::Sgd { .. } => 1,
            Optimizer::Adam { .. } => 2,
        }
    }
}

/// Per-step values shared by every tensor of one update.
#[derive(Clone, Copy, Debug)]
pub struct StepScalars {
    /// Learning rate after the schedule.
    pub lr: f32,
    /// `1 − β₁ᵗ` and `1 − β₂ᵗ` (Adam only; 1 for SGD).
    pub correction1: f32,
    pub correction2: f32,
}

/// Updates one tensor in place. `slot1` (and `slot2` for Adam) have the tensor's length. Each
/// element's update depends on that element only, so a thread pool splits the tensor into ranges.
pub fn update(
    optimizer: &Optimizer,
    scalars: StepScalars,
    weights: &mut [f32],
    grad: &[f32],
    slot1: &mut [f32],
    slot2: &mut [f32],
) -> Result<(), KernelError> {
    check_len("optimizer: grad", grad.len(), weights.len())?;
    check_len("optimizer: state", slot1.len(), weights.len())?;
    let adam = matches!(optimizer, Optimizer::Adam { .. });
    if adam {
        check_len("optimizer: second moments", slot2.len(), weights.len())?;
    }
    let len = weights.len();
    let parts = threads::parts_for(len / 16, len, MIN_PARALLEL_ELEMENTS);
    let (w, s1, s2) = (Shared::new(weights), Shared::new(slot1), Shared::new(slot2));
    threads::run(parts, &|part| {
        let r = threads::split(len, parts, 16, part);
        // SAFETY: parts update disjoint ranges; the lengths were checked above.
        let (w, s1, s2) = unsafe { (w.slice(r.clone()), s1.slice(r.clone()), if adam { s2.slice(r.clone()) } else { &mut [][..] }) };
        update_range(optimizer, scalars, w, &grad[r], s1, s2);
    });
    Ok(())
}

/// [`update`] of one range, lengths already checked.
fn update_range(optimizer: &Optimizer, scalars: StepScalars, weights: &mut [f32], grad: &[f32], slot1: &mut [f32], slot2: &mut [f32]) {
    let lr = scalars.lr;
    match *optimizer {
        Optimizer::Sgd { momentum, weight_decay, .. } => {
            for ((w, g), v) in weights.iter_mut().zip(grad).zip(slot1.iter_mut()) {
                let g = *g + weight_decay * *w;
                *v = momentum * *v + g;
                *w -= lr * *v;
            }
        }
        Optimizer::Adam { beta1, beta2, eps, weight_decay, .. } => {
            let (c1, c2) = (scalars.correction1, scalars.correction2);
            for (((w, g), m), v) in weights.iter_mut().zip(grad).zip(slot1.iter_mut()).zip(slot2.iter_mut()) {
                let g = *g + weight_decay * *w;
                *m = beta1 * *m + (1.0 - beta1) * g;
                *v = beta2 * *v + (1.0 - beta2) * (g * g);
                *w -= lr * (*m / c1) / ((*v / c2).sqrt() + eps);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    // On wasm32 the tests run under wasm-bindgen-test (scripts/test-wasm.sh).
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn sgd_momentum_follows_its_formula() {
        let opt = Optimizer::Sgd { lr: 0.1, momentum: 0.9, weight_decay: 0.0 };
        let s = StepScalars { lr: 0.1, correction1: 1.0, correction2: 1.0 };
        let mut w = vec![1.0f32];
        let mut v = vec![0.0f32];
        update(&opt, s, &mut w, &[2.0], &mut v, &mut []).unwrap();
        assert_eq!((w[0], v[0]), (1.0 - 0.1 * 2.0, 2.0));
        update(&opt, s, &mut w, &[2.0], &mut v, &mut []).unwrap();
        assert!((v[0] - 3.8).abs() < 1e-6 && (w[0] - (0.8 - 0.38)).abs() < 1e-6);
    }

    #[test]
    fn adam_first_step_moves_by_lr() {
        let opt = Optimizer::Adam { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0.0 };
        let s = StepScalars { lr: 0.01, correction1: 0.1, correction2: 1.0 - 0.999 };
        let mut w = vec![0.5f32, 0.5];
        let (mut m, mut v) = (vec![0.0; 2], vec![0.0; 2]);
        update(&opt, s, &mut w, &[3.0, -0.2], &mut m, &mut v).unwrap();
        assert!((w[0] - 0.49).abs() < 1e-5 && (w[1] - 0.51).abs() < 1e-5, "{w:?}");
    }
}
