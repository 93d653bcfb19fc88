//! Sorting by a total order, kept small.

use core::cmp::Ordering;

/// Sorts the indices `v` by `cmp`, which must be a total order with no two indices equal (every
/// caller breaks ties by the index), so an unstable sort gives the one possible result. One
/// instantiation for every caller, with the comparator called through `dyn`: inlined into the
/// sort's networks, each call site's comparator made tens of kilobytes of wasm, and these sorts run
/// once per pruning or step over at most a few thousand populations.
pub(crate) fn sort_indices(v: &mut [u32], cmp: &dyn Fn(u32, u32) -> Ordering) {
    v.sort_unstable_by(|&a, &b| cmp(a, b));
}
