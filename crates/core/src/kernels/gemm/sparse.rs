//! Products that skip the zero terms of A: its nonzeros per row ([`NonzeroTerms`]), then each
//! output summed over those terms only, in increasing `p` (see [`super::Product::skip_zeros`]).

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
use super::packing::PANEL;
use super::packing::{column_groups_in, Operand, Panel};
use super::{Out, Product, Update};
use crate::threads::{self, Shared};

/// Per row of op(A), its nonzero terms `(p, A[i][p])` in increasing `p`, rebuilt by every
/// [`Product::skip_zeros`] call; kept by the caller so its buffers are allocated once.
///
/// Row `i` owns the fixed slots `i·k .. i·k + count[i]` (room for every term it could have), so
/// rows are built independently, on several threads, and without a branch per element: each
/// value is written at the row's cursor, which advances only past nonzeros (a data-dependent
/// branch there mispredicted on about every other pixel and dominated the build).
#[derive(Default, Clone, Debug)]
pub struct NonzeroTerms {
    k: usize,
    count: Vec<u32>,
    index: Vec<u32>,
    value: Vec<f32>,
}

/// Rows below this many elements are built on one thread.
const MIN_PARALLEL_BUILD: usize = 1 << 15;

impl NonzeroTerms {
    pub(super) fn build(&mut self, m: usize, k: usize, a: Operand) {
        self.k = k;
        self.count.resize(m, 0);
        // Every slot is written before it is read, so old contents may stay.
        if self.index.len() < m * k {
            self.index.resize(m * k, 0);
            self.value.resize(m * k, 0.0);
        }
        let transposed = a.strides.row == 1 && a.strides.col >= m && m > 1;
        let (count, index, value) = (Shared::new(&mut self.count), Shared::new(&mut self.index), Shared::new(&mut self.value));
        let parts = threads::parts_for(m / 16, m * k, MIN_PARALLEL_BUILD);
        threads::run(parts, &|part| {
            let rows = threads::split(m, parts, 16, part);
            // SAFETY: each part writes only the counts and slots of its own rows (`index` and
            // `value` hold m·k slots, `count` m).
            unsafe {
                if transposed {
                    build_transposed(rows, k, a, count.get(), index.get(), value.get())
                } else {
                    build_rows(rows, k, a, count.get(), index.get(), value.get())
                }
            }
        });
    }

    /// The number of nonzero terms.
    pub fn len(&self) -> usize {
        self.count.iter().map(|&c| c as usize).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The nonzero terms of row `i`: their indices `p` and values.
    pub(super) fn row(&self, i: usize) -> (&[u32], &[f32]) {
        let (from, to) = (i * self.k, i * self.k + self.count[i] as usize);
        (&self.index[from..to], &self.value[from..to])
    }
}

/// Rows `rows` of an operand whose rows are rows in memory: one contiguous pass per row.
///
/// # Safety
/// `count` must hold every row of `rows`, `index`/`value` their `k` slots each.
unsafe fn build_rows(rows: core::ops::Range<usize>, k: usize, a: Operand, count: *mut u32, index: *mut u32, value: *mut f32) {
    for i in rows {
        let (index, value) = unsafe { (index.add(i * k), value.add(i * k)) };
        let mut n = 0;
        for p in 0..k {
            let v = a.at(i, p);
            // SAFETY: n ≤ p < k: inside row i's slots.
            unsafe {
                *index.add(n) = p as u32;
                *value.add(n) = v;
            }
            n += (v != 0.0) as usize;
        }
        unsafe { *count.add(i) = n as u32 };
    }
}

/// The same for an operand read transposed (`Aᵀ` of `Op::TN`, element (i, p) at `i + p·col`):
/// its rows are columns in memory, so the pass goes over the memory rows `p` in increasing order,
/// reading this part's stretch of each contiguously (a strided pass per row misses the cache on
/// every read), and each row still gets its terms in increasing `p`.
///
/// # Safety
/// As for [`build_rows`].
unsafe fn build_transposed(rows: core::ops::Range<usize>, k: usize, a: Operand, count: *mut u32, index: *mut u32, value: *mut f32) {
    let col = a.strides.col;
    for i in rows.clone() {
        unsafe { *count.add(i) = 0 };
    }
    for p in 0..k {
        for (i, &v) in rows.clone().zip(&a.data[p * col + rows.start..p * col + rows.end]) {
            // SAFETY: count[i] ≤ p < k: inside row i's slots.
            unsafe {
                let n = *count.add(i) as usize;
                *index.add(i * k + n) = p as u32;
                *value.add(i * k + n) = v;
                *count.add(i) = (n + (v != 0.0) as usize) as u32;
            }
        }
    }
}

/// Fraction of nonzero values in `x` (1 for an empty slice).
pub fn density(x: &[f32]) -> f32 {
    if x.is_empty() {
        return 1.0;
    }
    x.iter().filter(|&&v| v != 0.0).count() as f32 / x.len() as f32
}

/// Columns `columns` and rows `rows` of C from the nonzero terms of A and B's panels of those columns, packed at
/// `packed` (`m > 0`, `n > 0`).
///
/// # Safety
/// `packed` must hold the packed panels of `columns` (k·n floats in all), C the `m×n` elements of
/// `product`, and no other thread may touch these columns; `columns` starts on a multiple of
/// 2·PANEL (or is the whole range).
pub(super) unsafe fn product(
    product: &Product,
    packed: *const f32,
    terms: &NonzeroTerms,
    c: Out,
    update: Update,
    columns: core::ops::Range<usize>,
    rows: core::ops::Range<usize>,
) {
    let (n, k) = (product.n, product.k);
    let row_out = |i: usize, first: usize, width: usize| unsafe { core::slice::from_raw_parts_mut(c.get().add(i * n + first), width) };
    // SIMD: pairs of adjacent full panels first, so one index/value load feeds 16 columns
    // (each lane still adds its terms in increasing p). The scalar path takes panels singly.
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    let paired = (n / (2 * PANEL) * (2 * PANEL)).min(columns.end);
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    let paired = 0;
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    for j in (columns.start..paired).step_by(2 * PANEL) {
        let (first, second) = unsafe {
            (core::slice::from_raw_parts(packed.add(j * k), PANEL * k), core::slice::from_raw_parts(packed.add((j + PANEL) * k), PANEL * k))
        };
        for i in rows.clone() {
            let (index, value) = terms.row(i);
            // SAFETY: every index is < k and each panel holds k·PANEL floats; `out` has 2·PANEL.
            unsafe { super::simd::sparse_row_pair(index, value, first, second, row_out(i, j, 2 * PANEL), update) }
        }
    }
    column_groups_in(n, k, columns, |first, width, offset| {
        if first < paired {
            return;
        }
        let panel = Panel { data: unsafe { core::slice::from_raw_parts(packed.add(offset), k * width) }, width, first };
        for i in rows.clone() {
            let (index, value) = terms.row(i);
            let out = row_out(i, first, width);
            #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
            // SAFETY: every index is < k and the panel holds k·width floats; `out` has width.
            unsafe {
                super::simd::sparse_row(index, value, panel, out, update)
            }
            #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
            super::scalar::sparse_row(index, value, panel, out, update)
        }
    });
}
