//! Products that skip the zero terms of A: its nonzeros per row ([`NonzeroTerms`]), then each
//! output summed over those terms only, in increasing `p` (see [`super::Product::skip_zeros`]).

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
use super::packing::PANEL;
use super::packing::{column_groups, Operand, Panel};
use super::{Product, Update};

/// Per row of op(A), its nonzero terms `(p, A[i][p])` in increasing `p` (CSR), rebuilt by every
/// [`Product::skip_zeros`] call; kept by the caller so its buffers are allocated once.
#[derive(Default, Clone, Debug)]
pub struct NonzeroTerms {
    offsets: Vec<u32>,
    index: Vec<u32>,
    value: Vec<f32>,
    /// Next free slot per row while a transposed operand is sorted into rows.
    cursor: Vec<u32>,
}

impl NonzeroTerms {
    pub(super) fn build(&mut self, m: usize, k: usize, a: Operand) {
        if a.strides.row == 1 && a.strides.col >= m && m > 1 {
            return self.build_transposed(m, k, a);
        }
        self.offsets.clear();
        self.index.clear();
        self.value.clear();
        self.offsets.push(0);
        for i in 0..m {
            for p in 0..k {
                let v = a.at(i, p);
                if v != 0.0 {
                    self.index.push(p as u32);
                    self.value.push(v);
                }
            }
            self.offsets.push(self.index.len() as u32);
        }
    }

    /// The same terms for an operand read transposed (`Aᵀ` of `Op::TN`, element (i, p) at
    /// `i + p·col`): its rows are columns in memory, so they are gathered by a counting sort over
    /// the memory rows `p` in increasing order (contiguous reads, each row's terms still in
    /// increasing `p`) instead of one strided pass per row, which misses the cache on every read.
    fn build_transposed(&mut self, m: usize, k: usize, a: Operand) {
        let col = a.strides.col;
        self.offsets.clear();
        self.offsets.resize(m + 1, 0);
        for p in 0..k {
            for (i, &v) in a.data[p * col..p * col + m].iter().enumerate() {
                self.offsets[i + 1] += (v != 0.0) as u32;
            }
        }
        for i in 0..m {
            self.offsets[i + 1] += self.offsets[i];
        }
        let total = self.offsets[m] as usize;
        self.index.clear();
        self.index.resize(total, 0);
        self.value.clear();
        self.value.resize(total, 0.0);
        self.cursor.clear();
        self.cursor.extend_from_slice(&self.offsets[..m]);
        for p in 0..k {
            for (i, &v) in a.data[p * col..p * col + m].iter().enumerate() {
                if v != 0.0 {
                    let at = self.cursor[i] as usize;
                    self.index[at] = p as u32;
                    self.value[at] = v;
                    self.cursor[i] += 1;
                }
            }
        }
    }

    /// The nonzero terms of row `i`: their indices `p` and values.
    pub(super) fn row(&self, i: usize) -> (&[u32], &[f32]) {
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

/// C from the nonzero terms of A and B already packed (`m > 0`, `n > 0`).
pub(super) fn product(product: &Product, packed: &[f32], terms: &NonzeroTerms, c: &mut [f32], update: Update) {
    let (m, n, k) = (product.m, product.n, product.k);
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
            unsafe { super::simd::sparse_row_pair(index, value, first, second, &mut c[i * n + j..i * n + j + 2 * PANEL], update) }
        }
    }
    column_groups(n, k, |first, width, offset| {
        if first < paired {
            return;
        }
        let panel = Panel { data: &packed[offset..offset + k * width], width, first };
        for i in 0..m {
            let (index, value) = terms.row(i);
            let out = &mut c[i * n + first..i * n + first + width];
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
