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

use crate::error::{check_shape, size_product, KernelError};

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
pub fn packed_len(n: usize, k: usize) -> Result<usize, KernelError> {
    size_product("gemm: packing workspace", n, k)
}

/// Which operands a product reads transposed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// `C (m×n) (+)= A (m×k) · B (k×n)`.
    NN,
    /// `C (m×n) (+)= Aᵀ · B`, `A` stored `k×m` and `B` `k×n` (weight gradients: `Xᵀ·δ`).
    TN,
    /// `C (m×n) (+)= A · Bᵀ`, `A` `m×k` and `B` stored `n×k` (input gradients: `δ·Wᵀ`).
    NT,
}

impl Op {
    /// Checks the operand lengths and returns how A and B are addressed.
    fn layout(self, m: usize, n: usize, k: usize, a: &[f32], b: &[f32], c: &[f32]) -> Result<(Strides, Strides), KernelError> {
        let [name_a, name_b, name_c] = match self {
            Op::NN => ["gemm_nn: A", "gemm_nn: B", "gemm_nn: C"],
            Op::TN => ["gemm_tn: A", "gemm_tn: B", "gemm_tn: C"],
            Op::NT => ["gemm_nt: A", "gemm_nt: B", "gemm_nt: C"],
        };
        check_shape(name_a, a.len(), m, k)?;
        check_shape(name_b, b.len(), k, n)?;
        check_shape(name_c, c.len(), m, n)?;
        Ok(match self {
            Op::NN => (Strides { row_stride: k, col_stride: 1 }, Strides { row_stride: n, col_stride: 1 }),
            Op::TN => (Strides { row_stride: 1, col_stride: m }, Strides { row_stride: n, col_stride: 1 }),
            Op::NT => (Strides { row_stride: k, col_stride: 1 }, Strides { row_stride: 1, col_stride: k }),
        })
    }
}

/// `C (+)= op(A)·op(B)` in the order of the module doc.
#[allow(clippy::too_many_arguments)]
pub fn gemm(
    op: Op,
    m: usize,
    n: usize,
    k: usize,
    a: &[f32],
    b: &[f32],
    c: &mut [f32],
    accumulate: bool,
    packed: &mut [f32],
) -> Result<(), KernelError> {
    let (left, right) = op.layout(m, n, k, a, b, c)?;
    product(m, n, k, a, left, b, right, c, accumulate, packed, None)
}

/// The same product as [`gemm`], skipping every term whose A element is exactly zero: worth it
/// when A is mostly zeros (input pixels, ReLU outputs, extinct populations).
///
/// For finite B the result is bit-identical to [`gemm`]: a skipped term `0 · b` is `±0`, and
/// adding `±0` to a partial sum that started at `+0.0` never changes it (round-to-nearest never
/// produces `−0` from a sum that is not all `−0`). So callers may pick either path freely.
#[allow(clippy::too_many_arguments)]
pub fn gemm_skip_zeros(
    op: Op,
    m: usize,
    n: usize,
    k: usize,
    a: &[f32],
    b: &[f32],
    c: &mut [f32],
    accumulate: bool,
    packed: &mut [f32],
    terms: &mut NonzeroTerms,
) -> Result<(), KernelError> {
    let (left, right) = op.layout(m, n, k, a, b, c)?;
    product(m, n, k, a, left, b, right, c, accumulate, packed, Some(terms))
}

/// `C (m×n) (+)= A (m×k) · B (k×n)`.
#[allow(clippy::too_many_arguments)]
pub fn gemm_nn(m: usize, n: usize, k: usize, a: &[f32], b: &[f32], c: &mut [f32], accumulate: bool, packed: &mut [f32]) -> Result<(), KernelError> {
    gemm(Op::NN, m, n, k, a, b, c, accumulate, packed)
}

/// `C (m×n) (+)= Aᵀ · B` where `A` is stored `k×m` and `B` is `k×n`.
#[allow(clippy::too_many_arguments)]
pub fn gemm_tn(m: usize, n: usize, k: usize, a: &[f32], b: &[f32], c: &mut [f32], accumulate: bool, packed: &mut [f32]) -> Result<(), KernelError> {
    gemm(Op::TN, m, n, k, a, b, c, accumulate, packed)
}

/// `C (m×n) (+)= A · Bᵀ` where `A` is `m×k` and `B` is stored `n×k`.
#[allow(clippy::too_many_arguments)]
pub fn gemm_nt(m: usize, n: usize, k: usize, a: &[f32], b: &[f32], c: &mut [f32], accumulate: bool, packed: &mut [f32]) -> Result<(), KernelError> {
    gemm(Op::NT, m, n, k, a, b, c, accumulate, packed)
}

/// Per row of op(A), its nonzero terms `(p, A[i][p])` in increasing `p` (CSR), rebuilt by every
/// [`gemm_skip_zeros`] call; kept by the caller so its buffers are allocated once.
#[derive(Default, Clone, Debug)]
pub struct NonzeroTerms {
    offsets: Vec<u32>,
    index: Vec<u32>,
    value: Vec<f32>,
}

impl NonzeroTerms {
    fn build(&mut self, m: usize, k: usize, a: &[f32], left: Strides) {
        self.offsets.clear();
        self.index.clear();
        self.value.clear();
        self.offsets.push(0);
        for i in 0..m {
            for p in 0..k {
                let v = a[i * left.row_stride + p * left.col_stride];
                if v != 0.0 {
                    self.index.push(p as u32);
                    self.value.push(v);
                }
            }
            self.offsets.push(self.index.len() as u32);
        }
    }

    fn row(&self, i: usize) -> (&[u32], &[f32]) {
        let (from, to) = (self.offsets[i] as usize, self.offsets[i + 1] as usize);
        (&self.index[from..to], &self.value[from..to])
    }
}

/// Fraction of nonzero values in `x` (1 for an empty slice).
pub fn density(x: &[f32]) -> f32 {
    if x.is_empty() {
        return 1.0;
    }
    x.iter().filter(|&&v| v != 0.0).count() as f32 / x.len() as f32
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
    terms: Option<&mut NonzeroTerms>,
) -> Result<(), KernelError> {
    let needed = packed_len(n, k)?;
    if packed.len() < needed {
        return Err(KernelError::Shape { what: "gemm: packing workspace", expected: needed, actual: packed.len() });
    }
    if m == 0 || n == 0 {
        return Ok(());
    }
    pack(n, k, b, right, packed);
    if let Some(terms) = terms {
        terms.build(m, k, a, left);
        let terms = &*terms;
        // SIMD: pairs of adjacent full panels first, so one index/value load feeds 16 columns
        // (each lane still adds its terms in increasing p). The scalar path takes panels singly.
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
        let paired = n / (2 * PANEL) * (2 * PANEL);
        #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
        let paired = 0;
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
        for j in (0..paired).step_by(2 * PANEL) {
            let (first, second) = (&packed[j * k..(j + PANEL) * k], &packed[(j + PANEL) * k..(j + 2 * PANEL) * k]);
            for i in 0..m {
                let (index, value) = terms.row(i);
                // SAFETY: every index is < k and each panel holds k·PANEL floats; `out` has 2·PANEL.
                unsafe { simd::sparse_row_pair(index, value, first, second, &mut c[i * n + j..i * n + j + 2 * PANEL], accumulate) }
            }
        }
        column_groups(n, k, |j, width, offset| {
            if j < paired {
                return;
            }
            let panel = &packed[offset..offset + k * width];
            for i in 0..m {
                let (index, value) = terms.row(i);
                let out = &mut c[i * n + j..i * n + j + width];
                #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
                // SAFETY: every index is < k and the panel holds k·width floats; `out` has width.
                unsafe {
                    simd::sparse_row(index, value, panel, width, out, accumulate)
                }
                #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
                scalar_sparse_row(index, value, panel, width, out, accumulate)
            }
        });
        return Ok(());
    }
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

/// One row of C over one panel from the nonzero terms of that row of A, in increasing `p`.
#[allow(dead_code)]
fn scalar_sparse_row(index: &[u32], value: &[f32], panel: &[f32], width: usize, out: &mut [f32], accumulate: bool) {
    for (w, o) in out.iter_mut().enumerate() {
        let mut s = 0.0f32;
        for (&p, &v) in index.iter().zip(value) {
            s += v * panel[p as usize * width + w];
        }
        *o = if accumulate { *o + s } else { s };
    }
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

    /// One row of C over one panel from that row's nonzero terms of A (see `sparse_row`).
    pub(super) unsafe fn sparse_row(index: &[u32], value: &[f32], panel: &[f32], width: usize, out: &mut [f32], accumulate: bool) {
        match width {
            PANEL => sparse_row_vectors::<{ PANEL / 4 }>(index, value, panel.as_ptr(), out, accumulate),
            4 => sparse_row_vectors::<1>(index, value, panel.as_ptr(), out, accumulate),
            _ => super::scalar_sparse_row(index, value, panel, width, out, accumulate),
        }
    }

    /// Two adjacent PANEL-wide panels at once (columns j..j+2·PANEL); per lane the same order.
    pub(super) unsafe fn sparse_row_pair(index: &[u32], value: &[f32], first: &[f32], second: &[f32], out: &mut [f32], accumulate: bool) {
        const V: usize = PANEL / 4;
        let (a, b) = (first.as_ptr(), second.as_ptr());
        let mut acc = [f32x4_splat(0.0); 2 * V];
        for (&p, &v) in index.iter().zip(value) {
            let av = f32x4_splat(v);
            let (ra, rb) = (a.add(p as usize * PANEL), b.add(p as usize * PANEL));
            for u in 0..V {
                acc[u] = f32x4_add(acc[u], f32x4_mul(av, v128_load(ra.add(4 * u) as *const v128)));
                acc[V + u] = f32x4_add(acc[V + u], f32x4_mul(av, v128_load(rb.add(4 * u) as *const v128)));
            }
        }
        for (u, lane) in acc.iter().enumerate() {
            let at = out.as_mut_ptr().add(4 * u) as *mut v128;
            let value = if accumulate { f32x4_add(v128_load(at), *lane) } else { *lane };
            v128_store(at, value);
        }
    }

    #[inline(always)]
    unsafe fn sparse_row_vectors<const V: usize>(index: &[u32], value: &[f32], panel: *const f32, out: &mut [f32], accumulate: bool) {
        let mut acc = [f32x4_splat(0.0); V];
        for (&p, &v) in index.iter().zip(value) {
            let av = f32x4_splat(v);
            let row = panel.add(p as usize * 4 * V);
            for (u, lane) in acc.iter_mut().enumerate() {
                *lane = f32x4_add(*lane, f32x4_mul(av, v128_load(row.add(4 * u) as *const v128)));
            }
        }
        for (u, lane) in acc.iter().enumerate() {
            let at = out.as_mut_ptr().add(4 * u) as *mut v128;
            let value = if accumulate { f32x4_add(v128_load(at), *lane) } else { *lane };
            v128_store(at, value);
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
            gemm_nn(m, n, k, &a, &b, &mut c, false, &mut vec![f32::NAN; packed_len(n, k).unwrap()]).unwrap();
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
            gemm_tn(m, n, k, &at, &b, &mut c, true, &mut vec![f32::NAN; packed_len(n, k).unwrap()]).unwrap();
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
        gemm_nn(m, n, k, &a, &b, &mut fast, true, &mut vec![0.0; packed_len(n, k).unwrap()]).unwrap();
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
    fn skipping_zeros_gives_the_same_bits() {
        for &(m, n, k) in &SIZES {
            for op in [Op::NN, Op::TN, Op::NT] {
                // About 70 % exact zeros in A, like MNIST pixels or ReLU outputs.
                let mut a = random(m * k, 11);
                for (i, x) in a.iter_mut().enumerate() {
                    if (i * 7919) % 10 < 7 {
                        *x = 0.0;
                    }
                }
                let b = random(k * n, 12);
                let c0 = random(m * n, 13);
                let mut packed = vec![0.0; packed_len(n, k).unwrap()];
                let mut terms = NonzeroTerms::default();
                for accumulate in [false, true] {
                    let (mut dense, mut sparse) = (c0.clone(), c0.clone());
                    gemm(op, m, n, k, &a, &b, &mut dense, accumulate, &mut packed).unwrap();
                    gemm_skip_zeros(op, m, n, k, &a, &b, &mut sparse, accumulate, &mut packed, &mut terms).unwrap();
                    let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                    assert_eq!(bits(&dense), bits(&sparse), "{op:?} {m}x{n}x{k}");
                }
            }
        }
        assert_eq!(density(&[0.0, 1.0, 0.0, -2.0]), 0.5);
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
