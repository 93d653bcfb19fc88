//! The reference order of the module doc, element by element: the native path, and the single
//! columns of the SIMD path. Each output is `s = 0; s += a·b` in increasing `p`, then stored or
//! added to `C` once.

use super::packing::{Operand, Panel};
use super::{Out, Product, Update};

/// Columns `panel.first..panel.first + panel.width` of C, rows `rows`, from one packed panel of B.
///
/// # Safety
/// C must hold the `m×n` elements of `product`, and no other thread may touch these columns.
pub(super) unsafe fn panel(product: &Product, a: Operand, panel: Panel, c: Out, update: Update, rows: core::ops::Range<usize>) {
    let (n, k) = (product.n, product.k);
    let accumulate = update.accumulates();
    for i in rows {
        for w in 0..panel.width {
            let mut s = 0.0f32;
            for p in 0..k {
                s += a.at(i, p) * panel.data[p * panel.width + w];
            }
            // SAFETY: (i, first + w) is inside C, in this part's columns.
            let out = unsafe { &mut *c.get().add(i * n + panel.first + w) };
            *out = if accumulate { *out + s } else { s };
        }
    }
}

/// One row of C over one panel from the nonzero terms `(index[t], value[t])` of that row of A,
/// in increasing `p`; `out` holds the panel's columns of that row.
pub(super) fn sparse_row(index: &[u32], value: &[f32], panel: Panel, out: &mut [f32], update: Update) {
    let accumulate = update.accumulates();
    for (w, o) in out.iter_mut().enumerate() {
        let mut s = 0.0f32;
        for (&p, &v) in index.iter().zip(value) {
            s += v * panel.data[p as usize * panel.width + w];
        }
        *o = if accumulate { *o + s } else { s };
    }
}
