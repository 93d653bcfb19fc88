//! Row-wise softmax cross-entropy and its gradient.

use crate::error::{check_len, check_shape, KernelError};

/// Mean softmax cross-entropy of `rows` rows of `classes` logits, and its gradient.
///
/// Per row `z` with label `y`: `μ = max_j z_j` (first to last), `e_j = exp(z_j − μ)` (`libm::expf`),
/// `s = Σ_j e_j` from `+0.0` in increasing `j`, `ℓ = ln s − (z_y − μ)` (`libm::logf`), and
/// `grad_j = (e_j / s − [j = y]) · (1 / rows)`, the gradient of the *mean* loss.
/// Returns `Σ_r ℓ_r / rows`, the sum taken in f64 in increasing `r`.
pub fn softmax_cross_entropy(rows: usize, classes: usize, logits: &[f32], labels: &[u8], grad: &mut [f32]) -> Result<f64, KernelError> {
    check_shape("softmax_cross_entropy: logits", logits.len(), rows, classes)?;
    check_len("softmax_cross_entropy: labels", labels.len(), rows)?;
    check_shape("softmax_cross_entropy: grad", grad.len(), rows, classes)?;
    let inv_rows = 1.0 / rows as f32;
    let mut total = 0.0f64;
    for r in 0..rows {
        let y = labels[r] as usize;
        if y >= classes {
            return Err(KernelError::label(r, labels[r] as u32, classes));
        }
        let z = &logits[r * classes..(r + 1) * classes];
        let g = &mut grad[r * classes..(r + 1) * classes];
        let mut mu = z[0];
        for &v in &z[1..] {
            if v > mu {
                mu = v;
            }
        }
        let mut s = 0.0f32;
        for (gj, &zj) in g.iter_mut().zip(z) {
            *gj = libm::expf(zj - mu);
            s += *gj;
        }
        total += (libm::logf(s) - (z[y] - mu)) as f64;
        for (j, gj) in g.iter_mut().enumerate() {
            let target = if j == y { 1.0 } else { 0.0 };
            *gj = (*gj / s - target) * inv_rows;
        }
    }
    Ok(if rows == 0 { 0.0 } else { total / rows as f64 })
}

/// Index of the largest value of each row (the first one on ties).
pub fn argmax_rows(rows: usize, cols: usize, x: &[f32], out: &mut [u32]) -> Result<(), KernelError> {
    check_shape("argmax_rows: x", x.len(), rows, cols)?;
    check_len("argmax_rows: out", out.len(), rows)?;
    for (r, o) in out.iter_mut().enumerate() {
        let row = &x[r * cols..(r + 1) * cols];
        let mut best = 0;
        for j in 1..cols {
            if row[j] > row[best] {
                best = j;
            }
        }
        *o = best as u32;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    // On wasm32 the tests run under wasm-bindgen-test (scripts/test-wasm.sh).
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn reference(z: &[f64], y: usize) -> (f64, Vec<f64>) {
        let mu = z.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        let s: f64 = z.iter().map(|v| (v - mu).exp()).sum();
        let loss = s.ln() - (z[y] - mu);
        let grad = z.iter().enumerate().map(|(j, v)| (v - mu).exp() / s - if j == y { 1.0 } else { 0.0 }).collect();
        (loss, grad)
    }

    #[test]
    fn matches_f64_reference() {
        for &(rows, classes) in &[(1usize, 1usize), (1, 10), (3, 7), (37, 10)] {
            let logits: Vec<f32> = (0..rows * classes).map(|i| ((i * 53 % 97) as f32 - 48.0) / 9.0).collect();
            let labels: Vec<u8> = (0..rows).map(|r| (r * 3 % classes) as u8).collect();
            let mut grad = vec![f32::NAN; rows * classes];
            let loss = softmax_cross_entropy(rows, classes, &logits, &labels, &mut grad).unwrap();
            let mut mean = 0.0;
            for r in 0..rows {
                let z: Vec<f64> = logits[r * classes..(r + 1) * classes].iter().map(|&v| v as f64).collect();
                let (l, g) = reference(&z, labels[r] as usize);
                mean += l / rows as f64;
                for j in 0..classes {
                    let got = grad[r * classes + j] as f64 * rows as f64;
                    assert!((got - g[j]).abs() <= 1e-6 + 1e-5 * g[j].abs(), "grad {got} vs {}", g[j]);
                }
            }
            assert!((loss - mean).abs() <= 1e-5 * (1.0 + mean.abs()), "loss {loss} vs {mean}");
        }
    }

    #[test]
    fn huge_logits_stay_finite_and_bad_labels_are_named() {
        let mut grad = vec![0.0; 2];
        let loss = softmax_cross_entropy(1, 2, &[1e30, -1e30], &[1], &mut grad).unwrap();
        assert!(loss.is_finite() && grad.iter().all(|g| g.is_finite()));
        let err = softmax_cross_entropy(1, 2, &[0.0, 0.0], &[2], &mut grad).unwrap_err();
        assert_eq!(err.to_string(), "label 2 in row 0 is not in 0..2");
        assert_eq!(err.kind(), "data");
    }

    #[test]
    fn argmax_takes_first_of_ties() {
        let mut out = vec![9; 2];
        argmax_rows(2, 3, &[1.0, 3.0, 3.0, 5.0, 0.0, 5.0], &mut out).unwrap();
        assert_eq!(out, vec![1, 0]);
    }
}
