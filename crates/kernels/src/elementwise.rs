//! Element-wise and column-wise kernels of the MLP step. Each states its formula and order.

use crate::error::{check_len, KernelError};

/// `x[r][j] += bias[j]` for a `rows×cols` matrix.
pub fn bias_add(rows: usize, cols: usize, x: &mut [f32], bias: &[f32]) -> Result<(), KernelError> {
    check_len("bias_add: x", x.len(), rows * cols)?;
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
        *v = if *v > 0.0 { *v } else if v.is_nan() { *v } else { 0.0 };
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
    check_len("column_sums: x", x.len(), rows * cols)?;
    check_len("column_sums: out", out.len(), cols)?;
    for (j, o) in out.iter_mut().enumerate() {
        let mut s = 0.0f32;
        for r in 0..rows {
            s += x[r * cols + j];
        }
        *o = if accumulate { *o + s } else { s };
    }
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
    fn bytes_scale_to_unit_interval() {
        let mut out = vec![f32::NAN; 3];
        bytes_to_unit(&[0, 255, 51], &mut out).unwrap();
        assert_eq!(out, vec![0.0, 1.0, 0.2]);
    }
}
