//! The SIMD128 paths (wasm32 only). Lanes never mix: each lane adds its products in increasing
//! `p` from `+0.0`, so every output has the bits of the scalar reference order.

use core::arch::wasm32::*;
use core::ops::Range;

use super::packing::{Operand, Panel, Strides, PANEL};
use super::{scalar, Out, Product, Update};

/// Rows of C per register block.
const MR: usize = 4;

/// What one panel's register blocks read and write, as raw pointers (checked by the caller).
#[derive(Clone, Copy)]
struct Job {
    n: usize,
    k: usize,
    a: *const f32,
    left: Strides,
    panel: *const f32,
    c: *mut f32,
    accumulate: bool,
    /// First column of C.
    j: usize,
}

/// Columns `panel.first..panel.first + panel.width` of C, rows `rows`, from one packed panel of B.
///
/// # Safety
/// A and C must hold the `m×k` and `m×n` elements of `product`; the panel `k·width` floats; no
/// other thread may touch these columns of C.
pub(super) unsafe fn panel(product: &Product, a: Operand, panel: Panel, c: Out, update: Update, rows: Range<usize>) {
    let job = Job {
        n: product.n,
        k: product.k,
        a: a.data.as_ptr(),
        left: a.strides,
        panel: panel.data.as_ptr(),
        c: c.get(),
        accumulate: update.accumulates(),
        j: panel.first,
    };
    match panel.width {
        PANEL => row_blocks::<{ PANEL / 4 }>(rows, job),
        4 => row_blocks::<1>(rows, job),
        // A single column: plain scalar, same order.
        _ => scalar::panel(product, a, panel, c, update, rows),
    }
}

/// One row of C over one panel from that row's nonzero terms of A (see `scalar::sparse_row`).
///
/// # Safety
/// Every index must be `< k`, the panel must hold `k·width` floats and `out` `width`.
pub(super) unsafe fn sparse_row(index: &[u32], value: &[f32], panel: Panel, out: &mut [f32], update: Update) {
    match panel.width {
        PANEL => sparse_row_vectors::<{ PANEL / 4 }>(index, value, panel.data.as_ptr(), out, update.accumulates()),
        4 => sparse_row_vectors::<1>(index, value, panel.data.as_ptr(), out, update.accumulates()),
        _ => scalar::sparse_row(index, value, panel, out, update),
    }
}

/// Two adjacent PANEL-wide panels at once (columns j..j+2·PANEL); per lane the same order.
///
/// # Safety
/// Every index must be `< k`, each panel must hold `k·PANEL` floats and `out` `2·PANEL`.
pub(super) unsafe fn sparse_row_pair(index: &[u32], value: &[f32], first: &[f32], second: &[f32], out: &mut [f32], update: Update) {
    const V: usize = PANEL / 4;
    let accumulate = update.accumulates();
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

#[inline(always)]
unsafe fn row_blocks<const V: usize>(rows: Range<usize>, job: Job) {
    let (mut i, m) = (rows.start, rows.end);
    while i + MR <= m {
        block::<MR, V>(job, i);
        i += MR;
    }
    while i < m {
        block::<1, V>(job, i);
        i += 1;
    }
}

/// C[i..i+R][j..j+4V] from a register block of R×V vectors.
#[inline(always)]
unsafe fn block<const R: usize, const V: usize>(job: Job, i: usize) {
    let Job { n, k, a, left, panel, c, accumulate, j } = job;
    let mut acc = [[f32x4_splat(0.0); V]; R];
    let mut a_at = a.add(i * left.row);
    let mut b_at = panel;
    for _ in 0..k {
        let mut bv = [f32x4_splat(0.0); V];
        for (v, slot) in bv.iter_mut().enumerate() {
            *slot = v128_load(b_at.add(4 * v) as *const v128);
        }
        for (r, row) in acc.iter_mut().enumerate() {
            let av = v128_load32_splat(a_at.add(r * left.row) as *const u32);
            for (v, lane) in row.iter_mut().enumerate() {
                *lane = f32x4_add(*lane, f32x4_mul(av, bv[v]));
            }
        }
        a_at = a_at.add(left.col);
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
