//! Element-wise and column-wise kernels of the MLP step. Each states its formula and order.
//!
//! With a thread pool, the matrix kernels split their columns between threads
//! ([`by_columns`]): each column is handled by one thread, rows in increasing order, so the
//! column reductions keep their order and the bits do not depend on the thread count.

use crate::error::{check_len, check_shape, KernelError};
use crate::threads::{self, Shared};
use core::ops::Range;

/// Matrices below this many elements are handled on one thread.
const MIN_PARALLEL_ELEMENTS: usize = 1 << 15;

/// Runs `body(columns)` over a split of `0..cols` on 16-column boundaries (64 bytes: threads
/// rarely share a cache line), one part per thread when the `rows×cols` matrix is large enough.
pub(crate) fn by_columns(rows: usize, cols: usize, body: impl Fn(Range<usize>) + Sync) {
    let parts = threads::parts_for(cols / 16, rows * cols, MIN_PARALLEL_ELEMENTS);
    threads::run(parts, &|part| body(threads::split(cols, parts, 16, part)));
}

/// Row `r`'s elements `columns` of a `·×cols` matrix.
///
/// # Safety
/// As [`Shared::slice`]: inside the matrix, and this part's own columns.
#[inline(always)]
#[allow(clippy::mut_from_ref)]
unsafe fn row_part<'a>(m: &'a Shared<f32>, cols: usize, r: usize, columns: &Range<usize>) -> &'a mut [f32] {
    unsafe { m.slice(r * cols + columns.start..r * cols + columns.end) }
}

/// `x[r][j] += bias[j]` for a `rows×cols` matrix.
pub fn bias_add(rows: usize, cols: usize, x: &mut [f32], bias: &[f32]) -> Result<(), KernelError> {
    check_shape("bias_add: x", x.len(), rows, cols)?;
    check_len("bias_add: bias", bias.len(), cols)?;
    for row in x.chunks_exact_mut(cols.max(1)).take(rows) {
        for (v, b) in row.iter_mut().zip(bias) {
            *v += *b;
        }
    }
    Ok(())
}

/// `x ← max(x, 0)` element-wise (NaN stays NaN; `-0.0` becomes `+0.0`).
pub fn relu(x: &mut [f32]) {
    for v in x.iter_mut() {
        // `≤ 0` is false for NaN, which therefore stays; `-0.0 ≤ 0` is true.
        if *v <= 0.0 {
            *v = 0.0;
        }
    }
}

/// ReLU backward from the activation: `grad[i] ← grad[i]` where `activation[i] > 0`, else `0`
/// (the derivative at 0 is taken as 0).
pub fn relu_backward(activation: &[f32], grad: &mut [f32]) -> Result<(), KernelError> {
    check_len("relu_backward: grad", grad.len(), activation.len())?;
    for (g, a) in grad.iter_mut().zip(activation) {
        if *a <= 0.0 {
            *g = 0.0;
        }
    }
    Ok(())
}

/// Column sums `out[j] (+)= Σ_r x[r][j]`, the sum taken from `+0.0` in increasing `r`.
pub fn column_sums(rows: usize, cols: usize, x: &[f32], out: &mut [f32], accumulate: bool) -> Result<(), KernelError> {
    check_shape("column_sums: x", x.len(), rows, cols)?;
    check_len("column_sums: out", out.len(), cols)?;
    // Row by row into per-column sums: the same order per column, contiguous reads. Without
    // `accumulate` the sums build up in `out` itself (no allocation on the training hot path).
    if !accumulate {
        let sums = Shared::new(out);
        by_columns(rows, cols, |columns| {
            // SAFETY: this part's own columns of `out`.
            let out = unsafe { sums.slice(columns.clone()) };
            out.fill(0.0);
            for row in x.chunks_exact(cols.max(1)).take(rows) {
                for (s, v) in out.iter_mut().zip(&row[columns.clone()]) {
                    *s += *v;
                }
            }
        });
        return Ok(());
    }
    let mut sums = vec![0.0f32; cols];
    for row in x.chunks_exact(cols.max(1)).take(rows) {
        for (s, v) in sums.iter_mut().zip(row) {
            *s += *v;
        }
    }
    for (o, s) in out.iter_mut().zip(&sums) {
        *o += *s;
    }
    Ok(())
}

/// Forward of a population-scaled hidden layer, in place on the pre-activation:
/// `a[r][j] = max(z[r][j] + bias[j], 0)` (written over `z`) and `h[r][j] = mass[j] · a[r][j]`.
pub fn bias_relu_mass(rows: usize, cols: usize, z: &mut [f32], h: &mut [f32], bias: &[f32], mass: &[f32]) -> Result<(), KernelError> {
    check_shape("bias_relu_mass: z", z.len(), rows, cols)?;
    check_shape("bias_relu_mass: h", h.len(), rows, cols)?;
    check_len("bias_relu_mass: bias", bias.len(), cols)?;
    check_len("bias_relu_mass: mass", mass.len(), cols)?;
    let (z, h) = (Shared::new(z), Shared::new(h));
    by_columns(rows, cols, |columns| {
        let (bias, mass) = (&bias[columns.clone()], &mass[columns.clone()]);
        for r in 0..rows {
            // SAFETY: row r's elements in this part's columns.
            let (zr, hr) = unsafe { (row_part(&z, cols, r, &columns), row_part(&h, cols, r, &columns)) };
            for j in 0..zr.len() {
                let v = zr[j] + bias[j];
                let a = if v > 0.0 { v } else { 0.0 };
                zr[j] = a;
                hr[j] = mass[j] * a;
            }
        }
    });
    Ok(())
}

/// Backward through `h = m ⊙ relu(z)` given `dh = ∂L/∂h`, in place:
/// `mass_grad[j] = Σ_r dh[r][j] · a[r][j]` (from `+0.0`, increasing `r`) and then
/// `dh[r][j] ← dh[r][j] · mass[j]` where `a[r][j] > 0`, else `0` (so `dh` becomes `∂L/∂z`).
pub fn mass_relu_backward(
    rows: usize,
    cols: usize,
    dh: &mut [f32],
    activation: &[f32],
    mass: &[f32],
    mass_grad: &mut [f32],
) -> Result<(), KernelError> {
    check_shape("mass_relu_backward: dh", dh.len(), rows, cols)?;
    check_shape("mass_relu_backward: activation", activation.len(), rows, cols)?;
    check_len("mass_relu_backward: mass", mass.len(), cols)?;
    check_len("mass_relu_backward: mass_grad", mass_grad.len(), cols)?;
    let (dh, grads) = (Shared::new(dh), Shared::new(mass_grad));
    by_columns(rows, cols, |columns| {
        let mass = &mass[columns.clone()];
        // SAFETY: this part's own columns of `mass_grad`, and of each row of `dh`.
        let mass_grad = unsafe { grads.slice(columns.clone()) };
        mass_grad.fill(0.0);
        for r in 0..rows {
            let dr = unsafe { row_part(&dh, cols, r, &columns) };
            let ar = &activation[r * cols + columns.start..r * cols + columns.end];
            for j in 0..dr.len() {
                mass_grad[j] += dr[j] * ar[j];
                dr[j] = if ar[j] > 0.0 { dr[j] * mass[j] } else { 0.0 };
            }
        }
    });
    Ok(())
}

/// Bytes to `[0, 1]`: `out[i] = bytes[i] / 255` (an exactly rounded IEEE division).
pub fn bytes_to_unit(bytes: &[u8], out: &mut [f32]) -> Result<(), KernelError> {
    check_len("bytes_to_unit: out", out.len(), bytes.len())?;
    for (o, b) in out.iter_mut().zip(bytes) {
        *o = *b as f32 / 255.0;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    // On wasm32 the tests run under wasm-bindgen-test (scripts/test-wasm.sh).
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn bias_add_broadcasts_over_rows() {
        let mut x = vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
        bias_add(2, 3, &mut x, &[10.0, 20.0, 30.0]).unwrap();
        assert_eq!(x, vec![11.0, 22.0, 33.0, 14.0, 25.0, 36.0]);
        bias_add(0, 3, &mut [], &[1.0, 2.0, 3.0]).unwrap();
        assert!(bias_add(2, 3, &mut x, &[1.0]).is_err());
    }

    #[test]
    fn relu_and_its_backward() {
        let mut x = vec![-1.0, 0.0, 2.5, -0.0];
        relu(&mut x);
        assert_eq!(x, vec![0.0, 0.0, 2.5, 0.0]);
        let mut g = vec![1.0, 1.0, 1.0, 1.0];
        relu_backward(&x, &mut g).unwrap();
        assert_eq!(g, vec![0.0, 0.0, 1.0, 0.0]);
    }

    #[test]
    fn column_sums_against_f64() {
        for &(rows, cols) in &[(0usize, 3usize), (1, 1), (7, 5), (129, 33)] {
            let x: Vec<f32> = (0..rows * cols).map(|i| ((i * 37 % 101) as f32 - 50.0) / 7.0).collect();
            let mut out = vec![f32::NAN; cols];
            column_sums(rows, cols, &x, &mut out, false).unwrap();
            for j in 0..cols {
                let exact: f64 = (0..rows).map(|r| x[r * cols + j] as f64).sum();
                let scale: f64 = (0..rows).map(|r| (x[r * cols + j] as f64).abs()).sum();
                assert!((out[j] as f64 - exact).abs() <= 1e-6 * (rows as f64 + 1.0) * scale + 1e-30);
            }
        }
    }

    #[test]
    fn population_layer_forward_and_backward() {
        let mut z = vec![1.0, -2.0, 0.5, 3.0];
        let mut h = vec![f32::NAN; 4];
        bias_relu_mass(2, 2, &mut z, &mut h, &[0.0, 1.0], &[2.0, 0.5]).unwrap();
        assert_eq!(z, vec![1.0, 0.0, 0.5, 4.0]);
        assert_eq!(h, vec![2.0, 0.0, 1.0, 2.0]);
        let mut dh = vec![1.0, 1.0, 3.0, -1.0];
        let mut g = vec![f32::NAN; 2];
        mass_relu_backward(2, 2, &mut dh, &z, &[2.0, 0.5], &mut g).unwrap();
        assert_eq!(g, vec![1.0 * 1.0 + 3.0 * 0.5, 1.0 * 0.0 - 1.0 * 4.0]);
        assert_eq!(dh, vec![2.0, 0.0, 6.0, -0.5]);
    }

    #[test]
    fn bytes_scale_to_unit_interval() {
        let mut out = vec![f32::NAN; 3];
        bytes_to_unit(&[0, 255, 51], &mut out).unwrap();
        assert_eq!(out, vec![0.0, 1.0, 0.2]);
    }
}
