//! Dense matrix products on contiguous row-major `f32` matrices.
//!
//! Formula: `C[i][j] (+)= S[i][j]` where `S[i][j] = Σ_{p=0}^{k-1} A[i][p] · B[p][j]` (with `A` or
//! `B` read transposed by [`Op::TN`] / [`Op::NT`]).
//!
//! Summation order, identical in every build: `S[i][j]` starts at `+0.0` and adds the rounded
//! products in increasing `p`: `S = ((0 + a₀b₀) + a₁b₁) + … + a_{k-1}b_{k-1}`, each product rounded
//! to f32 before its addition (no fused multiply-add). With [`Update::Accumulate`] the result is
//! `C[i][j] + S[i][j]`; with [`Update::Overwrite`] `C` is overwritten (its old contents, NaN
//! included, are never read).
//!
//! B is first copied into the caller's `packed` workspace in column panels (8, then 4, then 1
//! columns wide) so the inner loop reads contiguous memory. The SIMD path keeps a 4×8 block of
//! `C` in registers and broadcasts one element of `A` against two 4-lane vectors of B per step;
//! lanes never mix, so each lane performs exactly the scalar sequence above and the scalar
//! fallback reproduces it bit for bit.
//!
//! With a thread pool ([`crate::threads`]) a large product is split over blocks of output columns:
//! each thread packs its own columns' panels of B and computes those columns of C for every row,
//! so every element is still summed by one thread in the order above, and the bits do not depend
//! on the thread count.
//!
//! A product is described once by a [`Product`] (`op`, `m`, `n`, `k`); its entry points are
//! [`Product::dense`] and [`Product::skip_zeros`] (same bits, faster when A is mostly zeros).
//! The pieces: `packing` (how operands are addressed, B in panels), `sparse` ([`NonzeroTerms`],
//! [`density`], the zero-skipping driver), `scalar` (the reference order, used natively and for
//! single columns) and `simd` (the SIMD128 register blocks, wasm32 only).

mod packing;
mod scalar;
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod simd;
mod sparse;
#[cfg(test)]
mod tests;

use crate::error::{check_shape, size_product, KernelError};
use crate::threads;
use packing::{column_groups_in, pack, Operand, Panel, Strides};
pub use sparse::{density, NonzeroTerms};

/// Length of the `packed` workspace every product needs for an `n`-column result and inner
/// dimension `k`: `k · n` floats (B is copied there in column panels, once per call).
pub fn packed_len(n: usize, k: usize) -> Result<usize, KernelError> {
    size_product("gemm: packing workspace", n, k)
}

/// Products below this many multiply-adds stay on one thread: opening a region costs a few µs.
const MIN_PARALLEL_WORK: usize = 1 << 17;

/// Threaded products split their columns on multiples of this: two panels, so the sparse path's
/// panel pairs stay whole and two threads rarely share a cache line of C.
const SPLIT: usize = 2 * packing::PANEL;

/// C's elements, shared by the threads writing disjoint columns of it.
pub(super) type Out = threads::Shared<f32>;

/// A product's split between threads (see [`Product::split`]).
#[derive(Clone, Copy)]
struct Split {
    parts: usize,
    by_rows: bool,
}

impl Split {
    /// The columns and rows of C that `part` computes.
    fn part(&self, product: &Product, part: usize) -> (core::ops::Range<usize>, core::ops::Range<usize>) {
        if self.by_rows {
            (0..product.n, threads::split(product.m, self.parts, SPLIT, part))
        } else {
            (threads::split(product.n, self.parts, SPLIT, part), 0..product.m)
        }
    }
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
    /// Operand names in error messages: `gemm_nn: A`, …
    fn names(self) -> [&'static str; 3] {
        match self {
            Op::NN => ["gemm_nn: A", "gemm_nn: B", "gemm_nn: C"],
            Op::TN => ["gemm_tn: A", "gemm_tn: B", "gemm_tn: C"],
            Op::NT => ["gemm_nt: A", "gemm_nt: B", "gemm_nt: C"],
        }
    }
}

/// What a product does with the old contents of `C`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Update {
    /// `C = S` (the old contents are never read).
    Overwrite,
    /// `C = C + S`, one rounded addition per element after `S` is complete.
    Accumulate,
}

impl Update {
    fn accumulates(self) -> bool {
        self == Update::Accumulate
    }
}

/// One product `C (m×n) (+)= op(A)·op(B)` with inner dimension `k`: the operand descriptor every
/// entry point takes, so the dimensions travel together and are checked in one place.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Product {
    pub op: Op,
    pub m: usize,
    pub n: usize,
    pub k: usize,
}

impl Product {
    pub const fn new(op: Op, m: usize, n: usize, k: usize) -> Product {
        Product { op, m, n, k }
    }

    /// Length of the packing workspace this product needs (see [`packed_len`]).
    pub fn packed_len(&self) -> Result<usize, KernelError> {
        packed_len(self.n, self.k)
    }

    /// `C (+)= op(A)·op(B)` in the order of the module doc.
    pub fn dense(&self, a: &[f32], b: &[f32], c: &mut [f32], update: Update, packed: &mut [f32]) -> Result<(), KernelError> {
        let (a, b) = self.operands(a, b, c)?;
        if !self.check_packed(packed)? {
            return Ok(());
        }
        let (m, n, k) = (self.m, self.n, self.k);
        let (out, packed) = (Out::new(c), Out::new(packed));
        let split = self.split(m * n * k);
        if split.by_rows {
            // SAFETY: `check_packed` checked that `packed` holds k·n floats.
            unsafe { pack(n, k, b, packed.get(), 0..n) };
        }
        threads::run(split.parts, &|part| {
            let (columns, rows) = split.part(self, part);
            if !split.by_rows {
                // SAFETY: as above; parts own disjoint columns, hence disjoint panels.
                unsafe { pack(n, k, b, packed.get(), columns.clone()) };
            }
            column_groups_in(n, k, columns, |first, width, offset| {
                // SAFETY: the panel is packed (above); it holds k·width floats.
                let panel = Panel { data: unsafe { core::slice::from_raw_parts(packed.get().add(offset), k * width) }, width, first };
                #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
                // SAFETY: `operands` checked the lengths of A and C against m, n, k; parts own
                // disjoint elements of C.
                unsafe {
                    simd::panel(self, a, panel, out, update, rows.clone())
                }
                #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
                // SAFETY: as above.
                unsafe {
                    scalar::panel(self, a, panel, out, update, rows.clone())
                }
            });
        });
        Ok(())
    }

    /// The same product as [`Product::dense`], skipping every term whose A element is exactly
    /// zero: worth it when A is mostly zeros (input pixels, ReLU outputs, extinct populations).
    ///
    /// For finite B the result is bit-identical to [`Product::dense`]: a skipped term `0 · b` is
    /// `±0`, and adding `±0` to a partial sum that started at `+0.0` never changes it
    /// (round-to-nearest never produces `−0` from a sum that is not all `−0`). So callers may pick
    /// either path freely.
    pub fn skip_zeros(
        &self,
        a: &[f32],
        b: &[f32],
        c: &mut [f32],
        update: Update,
        packed: &mut [f32],
        terms: &mut NonzeroTerms,
    ) -> Result<(), KernelError> {
        let (a, b) = self.operands(a, b, c)?;
        if !self.check_packed(packed)? {
            return Ok(());
        }
        terms.build(self.m, self.k, a);
        let (n, k) = (self.n, self.k);
        let (out, packed) = (Out::new(c), Out::new(packed));
        let split = self.split(terms.len() * n);
        if split.by_rows {
            // SAFETY: `check_packed` checked that `packed` holds k·n floats.
            unsafe { pack(n, k, b, packed.get(), 0..n) };
        }
        let terms = &*terms;
        threads::run(split.parts, &|part| {
            let (columns, rows) = split.part(self, part);
            // SAFETY: as in `dense`: disjoint elements of C per part, `packed` holds k·n floats.
            unsafe {
                if !split.by_rows {
                    pack(n, k, b, packed.get(), columns.clone());
                }
                sparse::product(self, packed.get(), terms, out, update, columns, rows)
            };
        });
        Ok(())
    }

    /// Checks the operand lengths and returns how A and B are addressed.
    fn operands<'a>(&self, a: &'a [f32], b: &'a [f32], c: &[f32]) -> Result<(Operand<'a>, Operand<'a>), KernelError> {
        let (m, n, k) = (self.m, self.n, self.k);
        let [name_a, name_b, name_c] = self.op.names();
        check_shape(name_a, a.len(), m, k)?;
        check_shape(name_b, b.len(), k, n)?;
        check_shape(name_c, c.len(), m, n)?;
        let (left, right) = match self.op {
            Op::NN => (Strides { row: k, col: 1 }, Strides { row: n, col: 1 }),
            Op::TN => (Strides { row: 1, col: m }, Strides { row: n, col: 1 }),
            Op::NT => (Strides { row: k, col: 1 }, Strides { row: 1, col: k }),
        };
        Ok((Operand { data: a, strides: left }, Operand { data: b, strides: right }))
    }

    /// How a product of `work` multiply-adds is split between threads: over blocks of 16 output
    /// columns, or, when there are fewer such blocks than threads (the 10-column output layer), over
    /// blocks of 16 rows with B packed once beforehand. Either way each element of C is computed by
    /// one part in the documented order.
    fn split(&self, work: usize) -> Split {
        let parts = threads::parts_for(self.n / SPLIT, work, MIN_PARALLEL_WORK);
        if parts < threads::threads() && self.m / SPLIT > parts {
            let by_rows = threads::parts_for(self.m / SPLIT, work, MIN_PARALLEL_WORK);
            if by_rows > parts {
                return Split { parts: by_rows, by_rows: true };
            }
        }
        Split { parts, by_rows: false }
    }

    /// Checks the packing workspace's length; `false` when C is empty (nothing to do).
    fn check_packed(&self, packed: &[f32]) -> Result<bool, KernelError> {
        let needed = self.packed_len()?;
        if packed.len() < needed {
            return Err(KernelError::shape("gemm: packing workspace", needed, packed.len()));
        }
        Ok(self.m != 0 && self.n != 0)
    }
}
