//! Dense matrix products on contiguous row-major `f32` matrices.
//!
//! Formula: `C[i][j] (+)= S[i][j]` where `S[i][j] = Σ_{p=0}^{k-1} A[i][p] · B[p][j]` (with `A` or
//! `B` read transposed by the `tn`/`nt` variants).
//!
//! Summation order, identical in every build: `S[i][j]` starts at `+0.0` and adds the rounded
//! products in increasing `p`: `S = ((0 + a₀b₀) + a₁b₁) + … + a_{k-1}b_{k-1}`, each product rounded
//! to f32 before its addition (no fused multiply-add). With `accumulate` the result is
//! `C[i][j] + S[i][j]`; without it `C` is overwritten (its old contents, NaN included, are never read).
//!
//! B is first copied into the caller's `packed` workspace in column panels (8, then 4, then 1
//! columns wide) so the inner loop reads contiguous memory. The SIMD path keeps a 4×8 block of
//! `C` in registers and broadcasts one element of `A` against two 4-lane vectors of B per step;
//! lanes never mix, so each lane performs exactly the scalar sequence above and the scalar
//! fallback reproduces it bit for bit.

use crate::error::{check_len, KernelError};

/// How an operand is addressed: element (row, col) lives at `row * row_stride + col * col_stride`.
#[derive(Clone, Copy)]
struct Strides {
    row_stride: usize,
    col_stride: usize,
}

/// Width of the main column panels of B: the register block's columns.
const PANEL: usize = 8;

/// Length of the `packed` workspace every product needs for an `n`-column result and inner
/// dimension `k`: `k · n` floats (B is copied there in column panels, once per call).
pub const fn packed_len(n: usize, k: usize) -> usize {
    n * k
}

/// `C (m×n) (+)= A (m×k) · B (k×n)`.
#[allow(clippy::too_many_arguments)]
pub fn gemm_nn(
    m: usize,
    n: usize,
    k: usize,
    a: &[f32],
    b: &[f32],
    c: &mut [f32],
    accumulate: bool,
    packed: &mut [f32],
) -> Result<(), KernelError> {
    check_len("gemm_nn: A", a.len(), m * k)?;
    check_len("gemm_nn: B", b.len(), k * n)?;
    check_len("gemm_nn: C", c.len(), m * n)?;
    let left = Strides { row_stride: k, col_stride: 1 };
    let right = Strides { row_stride: n, col_stride: 1 };
    product(m, n, k, a, left, b, right, c, accumulate, packed)
}

/// `C (m×n) (+)= Aᵀ · B` where `A` is stored `k×m` and `B` is `k×n` (weight gradients: `Xᵀ·δ`).
#[allow(clippy::too_many_arguments)]
pub fn gemm_tn(
    m: usize,
    n: usize,
    k: usize,
    a: &[f32],
    b: &[f32],
    c: &mut [f32],
    accumulate: bool,
    packed: &mut [f32],
) -> Result<(), KernelError> {
    check_len("gemm_tn: A", a.len(), k * m)?;
    check_len("gemm_tn: B", b.len(), k * n)?;
    check_len("gemm_tn: C", c.len(), m * n)?;
    let left = Strides { row_stride: 1, col_stride: m };
    let right = Strides { row_stride: n, col_stride: 1 };
    product(m, n, k, a, left, b, right, c, accumulate, packed)
}

/// `C (m×n) (+)= A · Bᵀ` where `A` is `m×k` and `B` is stored `n×k` (input gradients: `δ·Wᵀ`).
#[allow(clippy::too_many_arguments)]
pub fn gemm_nt(
    m: usize,
    n: usize,
    k: usize,
    a: &[f32],
    b: &[f32],
    c: &mut [f32],
    accumulate: bool,
    packed: &mut [f32],
) -> Result<(), KernelError> {
    check_len("gemm_nt: A", a.len(), m * k)?;
    check_len("gemm_nt: B", b.len(), n * k)?;
    check_len("gemm_nt: C", c.len(), m * n)?;
    let left = Strides { row_stride: k, col_stride: 1 };
    let right = Strides { row_stride: 1, col_stride: k };
    product(m, n, k, a, left, b, right, c, accumulate, packed)
}

/// Widths of the column groups B is packed in: 8-column panels, then 4-column panels, then
/// single columns. Calls `visit(first_column, width, offset_in_packed)` in order.
fn column_groups(n: usize, k: usize, mut visit: impl FnMut(usize, usize, usize)) {
    let mut j = 0;
    for width in [PANEL, 4, 1] {
        while j + width <= n {
            visit(j, width, j * k);
            j += width;
        }
    }
}

/// Copies B into `packed` panel by panel: panel (j, w) holds `B[p][j..j+w]` for p = 0..k
/// contiguously, so the inner loop streams memory instead of striding across rows of B.
fn pack(n: usize, k: usize, b: &[f32], right: Strides, packed: &mut [f32]) {
    column_groups(n, k, |j, width, offset| {
        let panel = &mut packed[offset..offset + k * width];
        for p in 0..k {
            for w in 0..width {
                panel[p * width + w] = b[p * right.row_stride + (j + w) * right.col_stride];
            }
        }
    });
}

#[allow(clippy::too_many_arguments)]
fn product(
    m: usize,
    n: usize,
    k: usize,
    a: &[f32],
    left: Strides,
    b: &[f32],
    right: Strides,
    c: &mut [f32],
    accumulate: bool,
    packed: &mut [f32],
) -> Result<(), KernelError> {
    if packed.len() < packed_len(n, k) {
        return Err(KernelError::Shape { what: "gemm: packing workspace", expected: packed_len(n, k), actual: packed.len() });
    }
    if m == 0 || n == 0 {
        return Ok(());
    }
    pack(n, k, b, right, packed);
    column_groups(n, k, |j, width, offset| {
        let panel = &packed[offset..offset + k * width];
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
        // SAFETY: the entry points checked the lengths of A and C against m, n, k; the panel
        // holds k·width floats.
        unsafe {
            simd::panel(m, n, k, a.as_ptr(), left, panel.as_ptr(), width, c.as_mut_ptr(), accumulate, j)
        }
        #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
        scalar_panel(m, n, k, a, left, panel, width, c, accumulate, j)
    });
    Ok(())
}

/// The reference order of the module doc for the columns `j..j+width` of C.
#[allow(clippy::too_many_arguments, dead_code)]
fn scalar_panel(
    m: usize,
    n: usize,
    k: usize,
    a: &[f32],
    left: Strides,
    panel: &[f32],
    width: usize,
    c: &mut [f32],
    accumulate: bool,
    j: usize,
) {
    for i in 0..m {
        for w in 0..width {
            let mut s = 0.0f32;
            for p in 0..k {
                s += a[i * left.row_stride + p * left.col_stride] * panel[p * width + w];
            }
            let out = &mut c[i * n + j + w];
            *out = if accumulate { *out + s } else { s };
        }
    }
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod simd {
    use super::{Strides, PANEL};
    use core::arch::wasm32::*;

    /// Rows of C per register block.
    const MR: usize = 4;

    /// Columns `j..j+width` of C from one packed panel of B.
    #[allow(clippy::too_many_arguments)]
    pub(super) unsafe fn panel(
        m: usize,
        n: usize,
        k: usize,
        a: *const f32,
        left: Strides,
        panel: *const f32,
        width: usize,
        c: *mut f32,
        accumulate: bool,
        j: usize,
    ) {
        match width {
            PANEL => rows::<{ PANEL / 4 }>(m, n, k, a, left, panel, c, accumulate, j),
            4 => rows::<1>(m, n, k, a, left, panel, c, accumulate, j),
            _ => {
                // A single column: plain scalar, same order.
                for i in 0..m {
                    let mut s = 0.0f32;
                    for p in 0..k {
                        s += *a.add(i * left.row_stride + p * left.col_stride) * *panel.add(p);
                    }
                    let out = c.add(i * n + j);
                    *out = if accumulate { *out + s } else { s };
                }
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    #[inline(always)]
    unsafe fn rows<const V: usize>(
        m: usize,
        n: usize,
        k: usize,
        a: *const f32,
        left: Strides,
        panel: *const f32,
        c: *mut f32,
        accumulate: bool,
        j: usize,
    ) {
        let mut i = 0;
        while i + MR <= m {
            block::<MR, V>(n, k, a, left, panel, c, accumulate, i, j);
            i += MR;
        }
        while i < m {
            block::<1, V>(n, k, a, left, panel, c, accumulate, i, j);
            i += 1;
        }
    }

    /// C[i..i+R][j..j+4V] from a register block of R×V vectors.
    #[allow(clippy::too_many_arguments)]
    #[inline(always)]
    unsafe fn block<const R: usize, const V: usize>(
        n: usize,
        k: usize,
        a: *const f32,
        left: Strides,
        panel: *const f32,
        c: *mut f32,
        accumulate: bool,
        i: usize,
        j: usize,
    ) {
        let mut acc = [[f32x4_splat(0.0); V]; R];
        let mut a_at = a.add(i * left.row_stride);
        let mut b_at = panel;
        for _ in 0..k {
            let mut bv = [f32x4_splat(0.0); V];
            for (v, slot) in bv.iter_mut().enumerate() {
                *slot = v128_load(b_at.add(4 * v) as *const v128);
            }
            for (r, row) in acc.iter_mut().enumerate() {
                let av = v128_load32_splat(a_at.add(r * left.row_stride) as *const u32);
                for (v, lane) in row.iter_mut().enumerate() {
                    *lane = f32x4_add(*lane, f32x4_mul(av, bv[v]));
                }
            }
            a_at = a_at.add(left.col_stride);
            b_at = b_at.add(4 * V);
        }
        for (r, row) in acc.iter().enumerate() {
            for (v, lane) in row.iter().enumerate() {
                let out = c.add((i + r) * n + j + 4 * v) as *mut v128;
                let value = if accumulate { f32x4_add(v128_load(out), *lane) } else { *lane };
                v128_store(out, value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Xoshiro128;

    fn random(len: usize, seed: u64) -> Vec<f32> {
        let mut rng = Xoshiro128::new(seed, 99);
        (0..len).map(|_| rng.next_f32() * 2.0 - 1.0).collect()
    }

    /// f64 reference with a tolerance relative to Σ|a·b|, the natural scale of f32 rounding error.
    fn check(m: usize, n: usize, k: usize, got: &[f32], c0: Option<&[f32]>, at: impl Fn(usize, usize, usize) -> (f64, f64)) {
        for i in 0..m {
            for j in 0..n {
                let mut exact = c0.map_or(0.0, |c| c[i * n + j] as f64);
                let mut scale = exact.abs();
                for p in 0..k {
                    let (x, y) = at(i, j, p);
                    exact += x * y;
                    scale += (x * y).abs();
                }
                let g = got[i * n + j] as f64;
                let tol = 1e-6 * (k as f64 + 2.0) * scale + 1e-30;
                assert!(g.is_finite(), "({m}x{n}x{k}) C[{i}][{j}] = {g}");
                assert!((g - exact).abs() <= tol, "({m}x{n}x{k}) C[{i}][{j}] = {g}, exact {exact}");
            }
        }
    }

    const SIZES: [(usize, usize, usize); 10] = [
        (0, 0, 0), (0, 5, 3), (3, 0, 2), (2, 3, 0), (1, 1, 1), (3, 5, 7), (4, 16, 9),
        (5, 17, 33), (13, 37, 21), (67, 71, 130),
    ];

    #[test]
    fn nn_matches_f64_reference_and_overwrites_nan() {
        for &(m, n, k) in &SIZES {
            let a = random(m * k, 1);
            let b = random(k * n, 2);
            let mut c = vec![f32::NAN; m * n];
            gemm_nn(m, n, k, &a, &b, &mut c, false, &mut vec![f32::NAN; packed_len(n, k)]).unwrap();
            check(m, n, k, &c, None, |i, j, p| (a[i * k + p] as f64, b[p * n + j] as f64));
            if k == 0 {
                assert!(c.iter().all(|&x| x == 0.0), "k = 0 gives zeros");
            }
        }
    }

    #[test]
    fn tn_and_nt_match_f64_reference_with_accumulate() {
        for &(m, n, k) in &SIZES {
            let c0 = random(m * n, 5);
            let at = random(k * m, 3);
            let b = random(k * n, 4);
            let mut c = c0.clone();
            gemm_tn(m, n, k, &at, &b, &mut c, true, &mut vec![f32::NAN; packed_len(n, k)]).unwrap();
            check(m, n, k, &c, Some(&c0), |i, j, p| (at[p * m + i] as f64, b[p * n + j] as f64));

            let a = random(m * k, 6);
            let bt = random(n * k, 7);
            let mut c = vec![f32::NAN; m * n];
            let mut packed = vec![f32::NAN; n * k + 3];
            gemm_nt(m, n, k, &a, &bt, &mut c, false, &mut packed).unwrap();
            check(m, n, k, &c, None, |i, j, p| (a[i * k + p] as f64, bt[j * k + p] as f64));
        }
    }

    #[test]
    fn every_path_follows_the_documented_order_exactly() {
        // The public kernels must equal the scalar reference order bit for bit (on wasm this
        // compares the SIMD path; natively it is the fallback itself, which the golden hash pins).
        let (m, n, k) = (9, 23, 40);
        let a = random(m * k, 8);
        let b = random(k * n, 9);
        let mut fast = random(m * n, 10);
        let mut slow = fast.clone();
        gemm_nn(m, n, k, &a, &b, &mut fast, true, &mut vec![0.0; packed_len(n, k)]).unwrap();
        for i in 0..m {
            for j in 0..n {
                let mut s = 0.0f32;
                for p in 0..k {
                    s += a[i * k + p] * b[p * n + j];
                }
                slow[i * n + j] += s;
            }
        }
        assert_eq!(fast.iter().map(|x| x.to_bits()).collect::<Vec<_>>(), slow.iter().map(|x| x.to_bits()).collect::<Vec<_>>());
    }

    #[test]
    fn wrong_lengths_are_named() {
        let mut c = vec![0.0; 4];
        let err = gemm_nn(2, 2, 2, &[0.0; 3], &[0.0; 4], &mut c, false, &mut [0.0; 4]).unwrap_err();
        assert_eq!(err.to_string(), "gemm_nn: A has 3 elements, expected 4");
        let err = gemm_nt(2, 2, 2, &[0.0; 4], &[0.0; 4], &mut c, false, &mut [0.0; 3]).unwrap_err();
        assert_eq!(err.to_string(), "gemm: packing workspace has 3 elements, expected 4");
    }
}
