//! How operands are addressed, and B copied into column panels.

/// Width of the main column panels of B: the register block's columns.
pub(super) const PANEL: usize = 8;

/// Element (row, col) of an operand lives at `row * row + col * col`.
#[derive(Clone, Copy)]
pub(super) struct Strides {
    pub row: usize,
    pub col: usize,
}

/// A read-only view of an operand: its elements and how they are addressed.
#[derive(Clone, Copy)]
pub(super) struct Operand<'a> {
    pub data: &'a [f32],
    pub strides: Strides,
}

impl Operand<'_> {
    /// Element (row, col).
    #[inline(always)]
    pub fn at(&self, row: usize, col: usize) -> f32 {
        self.data[row * self.strides.row + col * self.strides.col]
    }
}

/// One packed panel of B: `B[p][first..first + width]` for p = 0..k, stored as `data[p·width + w]`.
#[derive(Clone, Copy)]
pub(super) struct Panel<'a> {
    pub data: &'a [f32],
    pub width: usize,
    /// The column of C (and of B) the panel starts at.
    pub first: usize,
}

/// Widths of the column groups B is packed in: 8-column panels, then 4-column panels, then
/// single columns. Calls `visit(first_column, width, offset_in_packed)` in order.
/// Only the groups that start in `columns` are visited (a part of a threaded product: its
/// boundaries are multiples of [`PANEL`], so no group straddles two parts).
pub(super) fn column_groups_in(n: usize, k: usize, columns: core::ops::Range<usize>, mut visit: impl FnMut(usize, usize, usize)) {
    let mut j = 0;
    for width in [PANEL, 4, 1] {
        while j + width <= n {
            if columns.contains(&j) {
                visit(j, width, j * k);
            }
            j += width;
        }
    }
}

/// Copies columns `columns` of B into `packed` panel by panel: panel (j, w) holds `B[p][j..j+w]`
/// for p = 0..k contiguously at `j·k`, so the inner loop streams memory instead of striding across
/// rows of B. Each thread packs its own columns' panels.
///
/// # Safety
/// `packed` must hold `k·n` floats; no other thread may write the panels of `columns`.
pub(super) unsafe fn pack(n: usize, k: usize, b: Operand, packed: *mut f32, columns: core::ops::Range<usize>) {
    column_groups_in(n, k, columns, |j, width, offset| {
        // SAFETY: the panel lies inside `packed` (offset + k·width ≤ k·n) and is this part's own.
        let panel = unsafe { core::slice::from_raw_parts_mut(packed.add(offset), k * width) };
        for p in 0..k {
            for w in 0..width {
                panel[p * width + w] = b.at(p, j + w);
            }
        }
    });
}
