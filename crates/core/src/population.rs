//! Populations as a concept (DESIGN.md §1): every prunable group of parameters is a population
//! with a mass, described here as a group of *slices* (rows or columns) of the trainable tensors,
//! so that what happens to a population's parameters — clearing them when it goes extinct,
//! dropping them at compaction — is written once, not as one model's index arithmetic in several
//! places.
//!
//! Tensors are numbered in optimizer order (`W_0, b_0, W_1, b_1, …`, the order of the optimizer
//! slots) and viewed as row-major matrices (a bias is `1 × n`). For the population-scaled MLP
//! ([`Layout::mlp`]) neuron `i` of hidden layer `l` owns column `i` of `W_l`, entry `i` of `b_l`
//! and row `i` of `W_{l+1}`; the last is the slice its mass scales. The same slices of every
//! optimizer slot belong to it too (a slot has its tensor's shape). A convolution channel would be
//! another layout of the same kind: its filter, its bias entry and its slice of the next layer.

/// A trainable tensor as a row-major matrix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shape {
    pub rows: usize,
    pub cols: usize,
}

/// Which lines of a tensor a slice spans.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Axis {
    Row,
    Column,
}

/// One slice of a population: line `index` along `axis` of tensor `tensor`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Slice {
    pub tensor: usize,
    pub axis: Axis,
    pub index: usize,
    /// Whether the population's mass scales what this slice contributes (its outgoing weights):
    /// compaction folds the mass into it. Only rows may carry the mass.
    pub carries_mass: bool,
}

/// One group of populations (an MLP's hidden layer): how many, and which slices population `i`
/// owns — each entry `(tensor, axis, carries_mass)` is the line `i` of that tensor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    pub width: usize,
    pub owns: Vec<(usize, Axis, bool)>,
}

/// Where the populations of a model live.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layout {
    shapes: Vec<Shape>,
    groups: Vec<Group>,
}

impl Layout {
    /// The population-scaled MLP with layer sizes `[inputs, hidden…, classes]`: tensors
    /// `W_l` (`sizes[l] × sizes[l+1]`) and `b_l` (`1 × sizes[l+1]`); one group per hidden layer.
    pub fn mlp(sizes: &[usize]) -> Layout {
        let shapes = sizes.windows(2).flat_map(|w| [Shape { rows: w[0], cols: w[1] }, Shape { rows: 1, cols: w[1] }]).collect();
        let hidden = sizes.len().saturating_sub(2);
        let groups = (0..hidden)
            .map(|l| Group {
                width: sizes[l + 1],
                owns: vec![(2 * l, Axis::Column, false), (2 * l + 1, Axis::Column, false), (2 * (l + 1), Axis::Row, true)],
            })
            .collect();
        Layout { shapes, groups }
    }

    /// Shapes of the trainable tensors, in optimizer order.
    pub fn shapes(&self) -> &[Shape] {
        &self.shapes
    }

    pub fn groups(&self) -> &[Group] {
        &self.groups
    }

    /// The slices population `index` of group `group` owns.
    pub fn slices(&self, group: usize, index: usize) -> impl Iterator<Item = Slice> + '_ {
        self.groups[group].owns.iter().map(move |&(tensor, axis, carries_mass)| Slice { tensor, axis, index, carries_mass })
    }

    /// Sets every element of `slice` to 0 in `data`, a tensor (or optimizer slot) of the
    /// slice's tensor's shape.
    pub fn zero(&self, slice: Slice, data: &mut [f32]) {
        let Shape { rows, cols } = self.shapes[slice.tensor];
        match slice.axis {
            Axis::Row => data[slice.index * cols..(slice.index + 1) * cols].fill(0.0),
            Axis::Column => {
                for r in 0..rows {
                    data[r * cols + slice.index] = 0.0;
                }
            }
        }
    }

    /// Whether every element of `slice` is exactly zero in `data` (a tensor or optimizer slot of
    /// the slice's tensor's shape; an empty slot counts as zero).
    pub fn is_zero(&self, slice: Slice, data: &[f32]) -> bool {
        if data.is_empty() {
            return true;
        }
        let Shape { rows, cols } = self.shapes[slice.tensor];
        match slice.axis {
            Axis::Row => data[slice.index * cols..(slice.index + 1) * cols].iter().all(|&x| x == 0.0),
            Axis::Column => (0..rows).all(|r| data[r * cols + slice.index] == 0.0),
        }
    }

    /// What compaction keeps of each tensor when every population with mass 0 is removed (its
    /// slices dropped) and every survivor's mass is folded into its mass-carrying slice.
    /// `masses[g][i]` is the mass of population `i` of group `g`.
    pub fn compaction(&self, masses: &[Vec<f32>]) -> Vec<Kept> {
        let mut kept: Vec<Mask> =
            self.shapes.iter().map(|s| Mask { rows: vec![true; s.rows], cols: vec![true; s.cols], scale: vec![None; s.rows] }).collect();
        for (g, group) in self.groups.iter().enumerate() {
            for (i, &mass) in masses[g].iter().enumerate().take(group.width) {
                for slice in self.slices(g, i) {
                    let mask = &mut kept[slice.tensor];
                    match (slice.axis, mass > 0.0) {
                        (Axis::Row, false) => mask.rows[i] = false,
                        (Axis::Column, false) => mask.cols[i] = false,
                        (Axis::Row, true) if slice.carries_mass => mask.scale[i] = Some(mass),
                        _ => debug_assert!(!slice.carries_mass, "only rows carry a population's mass"),
                    }
                }
            }
        }
        kept.into_iter()
            .map(|Mask { rows, cols, scale }| Kept {
                rows: (0..rows.len()).filter(|&r| rows[r]).collect(),
                cols: (0..cols.len()).filter(|&c| cols[c]).collect(),
                scale,
            })
            .collect()
    }
}

/// Which rows and columns of one tensor survive, and the mass folded into each row.
struct Mask {
    rows: Vec<bool>,
    cols: Vec<bool>,
    scale: Vec<Option<f32>>,
}

/// The lines of one tensor that compaction keeps, and the mass folded into each row (if any).
#[derive(Clone, Debug, PartialEq)]
pub struct Kept {
    pub rows: Vec<usize>,
    pub cols: Vec<usize>,
    /// Per row of the original tensor: the mass of the population whose mass-carrying slice it is.
    pub scale: Vec<Option<f32>>,
}

impl Kept {
    /// The kept rows and columns of `data` (`cols` wide), row by row; a row with a mass gets
    /// `w · m` (one rounded product per element), every other element is copied.
    pub fn apply(&self, data: &[f32], cols: usize) -> Vec<f32> {
        let mut out = Vec::with_capacity(self.rows.len() * self.cols.len());
        for &r in &self.rows {
            let row = &data[r * cols..(r + 1) * cols];
            match self.scale[r] {
                Some(m) => out.extend(self.cols.iter().map(|&c| row[c] * m)),
                None => out.extend(self.cols.iter().map(|&c| row[c])),
            }
        }
        out
    }

    /// The kept rows and columns of `data` (`cols` wide) as they are, masses not folded: the
    /// working copy of a tensor (or optimizer slot) while training compacted.
    pub fn gather(&self, data: &[f32], cols: usize) -> Vec<f32> {
        let mut out = Vec::with_capacity(self.rows.len() * self.cols.len());
        for &r in &self.rows {
            let row = &data[r * cols..(r + 1) * cols];
            out.extend(self.cols.iter().map(|&c| row[c]));
        }
        out
    }

    /// Writes a [`Kept::gather`]ed copy back into its places in `data` (`cols` wide); every
    /// element not kept is left as it is.
    pub fn scatter(&self, compact: &[f32], data: &mut [f32], cols: usize) {
        let width = self.cols.len();
        for (i, &r) in self.rows.iter().enumerate() {
            let (from, row) = (&compact[i * width..(i + 1) * width], &mut data[r * cols..(r + 1) * cols]);
            for (&c, &v) in self.cols.iter().zip(from) {
                row[c] = v;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    // On wasm32 the tests run under wasm-bindgen-test (scripts/test-wasm.sh).
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn an_mlp_neuron_owns_its_column_bias_and_outgoing_row() {
        let layout = Layout::mlp(&[3, 4, 2, 5]);
        assert_eq!(layout.shapes().len(), 6);
        assert_eq!(layout.shapes()[2], Shape { rows: 4, cols: 2 });
        assert_eq!(layout.groups().iter().map(|g| g.width).collect::<Vec<_>>(), vec![4, 2]);
        let slices: Vec<Slice> = layout.slices(1, 1).collect();
        assert_eq!(
            slices,
            vec![
                Slice { tensor: 2, axis: Axis::Column, index: 1, carries_mass: false },
                Slice { tensor: 3, axis: Axis::Column, index: 1, carries_mass: false },
                Slice { tensor: 4, axis: Axis::Row, index: 1, carries_mass: true },
            ]
        );
        let mut w = vec![1.0f32; 4 * 2];
        layout.zero(slices[0], &mut w);
        assert_eq!(w, vec![1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0]);
        let mut next = vec![1.0f32; 2 * 5];
        layout.zero(slices[2], &mut next);
        assert_eq!(next, [vec![1.0; 5], vec![0.0; 5]].concat());
    }

    #[test]
    fn compaction_drops_the_dead_and_folds_the_living_masses() {
        let layout = Layout::mlp(&[2, 3, 2]);
        let kept = layout.compaction(&[vec![0.5, 0.0, 2.0]]);
        assert_eq!((kept[0].rows.clone(), kept[0].cols.clone()), (vec![0, 1], vec![0, 2]));
        assert_eq!((kept[1].rows.clone(), kept[1].cols.clone()), (vec![0], vec![0, 2]));
        assert_eq!((kept[2].rows.clone(), kept[2].cols.clone()), (vec![0, 2], vec![0, 1]));
        let next = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
        assert_eq!(kept[2].apply(&next, 2), vec![0.5, 1.0, 10.0, 12.0]);
        assert_eq!(kept[0].apply(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], 3), vec![1.0, 3.0, 4.0, 6.0]);
    }
}
