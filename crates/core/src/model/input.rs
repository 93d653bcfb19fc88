//! What a model reads: byte images or f32 features ([`Inputs`]), and the feature
//! standardization a model may carry ([`Standardization`]).
//!
//! A byte `b` enters the network as `b / 255` (f32, [`crate::kernels::elementwise::bytes_to_unit`]);
//! an f32 feature enters as it is. With a standardization, every value `x` so obtained then
//! becomes `(x − shift[j]) / scale[j]` (two f32 operations, in that order) for feature `j`.

use crate::error::KernelError;

/// A borrowed block of rows: bytes (scaled by 1/255 on the way in) or f32 features.
#[derive(Clone, Copy, Debug)]
pub enum Inputs<'a> {
    Bytes(&'a [u8]),
    Floats(&'a [f32]),
}

impl<'a> Inputs<'a> {
    /// Values held (rows × cols).
    pub fn len(&self) -> usize {
        match self {
            Inputs::Bytes(b) => b.len(),
            Inputs::Floats(f) => f.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Values `start..end` (a caller checks the range against [`Inputs::len`]).
    pub fn slice(&self, start: usize, end: usize) -> Inputs<'a> {
        match *self {
            Inputs::Bytes(b) => Inputs::Bytes(&b[start..end]),
            Inputs::Floats(f) => Inputs::Floats(&f[start..end]),
        }
    }

    /// `image bytes` or `feature values`, for messages.
    pub fn noun(&self) -> &'static str {
        match self {
            Inputs::Bytes(_) => "image bytes",
            Inputs::Floats(_) => "feature values",
        }
    }

    /// Value `i` as the network sees it before any standardization (`b / 255` for a byte).
    #[inline]
    fn unit(&self, i: usize) -> f32 {
        match self {
            Inputs::Bytes(b) => b[i] as f32 / 255.0,
            Inputs::Floats(f) => f[i],
        }
    }

    /// The first non-finite feature value as `(row, column, value)` (bytes are always finite).
    pub fn first_non_finite(&self, cols: usize) -> Option<(usize, usize, f32)> {
        match self {
            Inputs::Bytes(_) => None,
            Inputs::Floats(f) => f.iter().position(|x| !x.is_finite()).map(|i| (i / cols.max(1), i % cols.max(1), f[i])),
        }
    }
}

/// Per-feature standardization `x ↦ (x − shift[j]) / scale[j]`, in f32. Fitted by
/// [`Standardization::fit`] from the training rows; stored in model files (format 2).
#[derive(Clone, Debug, PartialEq)]
pub struct Standardization {
    pub shift: Vec<f32>,
    pub scale: Vec<f32>,
}

impl Standardization {
    /// Mean and population standard deviation of every feature over `rows` rows of `cols`
    /// values, as the network would see them without standardization (bytes as `b / 255` in
    /// f32), each value widened to f64:
    ///
    /// ```text
    /// sum_j   = Σ_r x[r][j]               f64, from +0.0, r increasing
    /// mean_j  = sum_j / R
    /// m2_j    = Σ_r (x[r][j] − mean_j)²   f64, from +0.0, each square rounded before its addition, r increasing
    /// std_j   = sqrt(m2_j / R)
    /// shift_j = mean_j as f32 (nearest);  scale_j = std_j as f32 (nearest)
    /// ```
    ///
    /// A feature whose values are all equal (std 0), or whose `scale_j` is not a normal f32, gets
    /// `scale_j = 1`: it is centred, not divided. With no rows every shift is 0 and every scale 1.
    /// No FMA (Rust never contracts) and `sqrt` is correctly rounded everywhere, so every target
    /// computes the same bits.
    pub fn fit(inputs: Inputs<'_>, rows: usize, cols: usize) -> Result<Standardization, KernelError> {
        let expected = crate::error::size_product("standardization", rows, cols)?;
        if inputs.len() != expected {
            return Err(KernelError::Shape(format!("{} {} for {rows} rows of {cols}", inputs.len(), inputs.noun())));
        }
        if rows == 0 {
            return Ok(Standardization { shift: vec![0.0; cols], scale: vec![1.0; cols] });
        }
        let mut sum = vec![0.0f64; cols];
        let mut constant = vec![true; cols];
        // Row by row: for each feature the additions still come in increasing r.
        for r in 0..rows {
            for (j, (s, flat)) in sum.iter_mut().zip(constant.iter_mut()).enumerate() {
                let x = inputs.unit(r * cols + j);
                *s += x as f64;
                if x != inputs.unit(j) {
                    *flat = false;
                }
            }
        }
        let n = rows as f64;
        let mean: Vec<f64> = sum.iter().map(|s| s / n).collect();
        let mut m2 = vec![0.0f64; cols];
        for r in 0..rows {
            for (j, (m, mu)) in m2.iter_mut().zip(&mean).enumerate() {
                let d = inputs.unit(r * cols + j) as f64 - mu;
                *m += d * d;
            }
        }
        let shift = mean.iter().map(|&m| m as f32).collect();
        let scale = m2
            .iter()
            .zip(&constant)
            .map(|(&m, &flat)| {
                let s = (m / n).sqrt() as f32;
                if flat || !s.is_normal() {
                    1.0
                } else {
                    s
                }
            })
            .collect();
        Ok(Standardization { shift, scale })
    }

    /// Features it standardizes.
    pub fn len(&self) -> usize {
        self.shift.len()
    }

    pub fn is_empty(&self) -> bool {
        self.shift.is_empty()
    }

    /// Checks a standardization read from a file against the model's `inputs`: one shift and one
    /// scale per input, every shift finite, every scale finite and > 0.
    pub fn check(&self, inputs: usize) -> Result<(), KernelError> {
        if self.shift.len() != inputs || self.scale.len() != inputs {
            return Err(KernelError::Data(format!(
                "the standardization holds {} shifts and {} scales for a model of {inputs} inputs",
                self.shift.len(),
                self.scale.len()
            )));
        }
        if let Some(j) = self.shift.iter().position(|s| !s.is_finite()) {
            return Err(KernelError::Data(format!("the standardization's shift of feature {j} is {}, not a finite number", self.shift[j])));
        }
        if let Some(j) = self.scale.iter().position(|s| !(s.is_finite() && *s > 0.0)) {
            return Err(KernelError::Data(format!(
                "the standardization's scale of feature {j} is {}, not a finite number > 0",
                self.scale[j]
            )));
        }
        Ok(())
    }

    /// `row[j] ← (row[j] − shift[j]) / scale[j]` for one row of [`Standardization::len`] values.
    #[inline]
    pub fn apply(&self, row: &mut [f32]) {
        for ((x, &m), &s) in row.iter_mut().zip(&self.shift).zip(&self.scale) {
            *x = (*x - m) / s;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Xoshiro128;
    // On wasm32 the tests run under wasm-bindgen-test (scripts/test-wasm.sh).
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    /// The f64 reference written column by column (a different loop nest from `fit`, the same
    /// documented order per feature).
    fn reference(x: &[f32], rows: usize, cols: usize) -> (Vec<f64>, Vec<f64>) {
        let mut means = Vec::new();
        let mut stds = Vec::new();
        for j in 0..cols {
            let column: Vec<f64> = (0..rows).map(|r| x[r * cols + j] as f64).collect();
            let mean = column.iter().fold(0.0, |a, v| a + v) / rows as f64;
            let m2 = column.iter().fold(0.0, |a, v| a + (v - mean) * (v - mean));
            means.push(mean);
            stds.push((m2 / rows as f64).sqrt());
        }
        (means, stds)
    }

    #[test]
    fn statistics_match_the_f64_reference_bit_for_bit() {
        for (rows, cols) in [(1, 1), (2, 3), (7, 5), (131, 17), (1000, 9)] {
            let mut x = vec![0.0f32; rows * cols];
            Xoshiro128::new(rows as u64, 3).fill_uniform(&mut x, -40.0, 250.0);
            // Feature 0 constant; feature 1 far from zero with a small spread (cancellation).
            for r in 0..rows {
                x[r * cols] = 3.25;
                if cols > 1 {
                    x[r * cols + 1] = 1.0e6 + (r % 7) as f32 * 0.5;
                }
            }
            let s = Standardization::fit(Inputs::Floats(&x), rows, cols).unwrap();
            let (means, stds) = reference(&x, rows, cols);
            for j in 0..cols {
                assert_eq!(s.shift[j], means[j] as f32, "rows {rows} feature {j}");
                let want = if j == 0 || rows == 1 { 1.0 } else { stds[j] as f32 };
                assert_eq!(s.scale[j], want, "rows {rows} feature {j}");
            }
            assert_eq!(s.shift[0], 3.25);
            s.check(cols).unwrap();
        }
    }

    #[test]
    fn bytes_are_standardized_as_the_network_sees_them() {
        let (rows, cols) = (6, 2);
        let bytes: Vec<u8> = vec![0, 9, 255, 9, 128, 9, 1, 9, 2, 9, 3, 9];
        let s = Standardization::fit(Inputs::Bytes(&bytes), rows, cols).unwrap();
        let unit: Vec<f32> = bytes.iter().map(|&b| b as f32 / 255.0).collect();
        assert_eq!(s, Standardization::fit(Inputs::Floats(&unit), rows, cols).unwrap());
        assert_eq!(s.scale[1], 1.0, "a constant byte feature is centred only");
        assert_eq!(s.shift[1], 9.0 / 255.0);
        let mut row = unit[..2].to_vec();
        s.apply(&mut row);
        assert_eq!(row, vec![(unit[0] - s.shift[0]) / s.scale[0], 0.0]);
    }

    #[test]
    fn standardized_training_features_have_mean_zero_and_unit_variance() {
        let (rows, cols) = (500, 4);
        let mut x = vec![0.0f32; rows * cols];
        Xoshiro128::new(9, 1).fill_uniform(&mut x, 100.0, 140.0);
        let s = Standardization::fit(Inputs::Floats(&x), rows, cols).unwrap();
        let mut y = x.clone();
        for row in y.chunks_exact_mut(cols) {
            s.apply(row);
        }
        let (means, stds) = reference(&y, rows, cols);
        for j in 0..cols {
            assert!(means[j].abs() < 1e-5 && (stds[j] - 1.0).abs() < 1e-5, "feature {j}: {} {}", means[j], stds[j]);
        }
    }

    #[test]
    fn empty_and_mismatched_inputs() {
        let s = Standardization::fit(Inputs::Floats(&[]), 0, 3).unwrap();
        assert_eq!((s.shift, s.scale), (vec![0.0; 3], vec![1.0; 3]));
        let e = Standardization::fit(Inputs::Floats(&[1.0, 2.0]), 1, 3).unwrap_err();
        assert_eq!(e.kind(), "shape");
        let bad = Standardization { shift: vec![0.0], scale: vec![0.0] };
        assert!(bad.check(1).unwrap_err().to_string().contains("scale of feature 0 is 0"));
        assert!(bad.check(2).unwrap_err().to_string().contains("for a model of 2 inputs"));
        let (r, c, v) = Inputs::Floats(&[1.0, 2.0, 3.0, f32::NAN]).first_non_finite(2).unwrap();
        assert!((r, c) == (1, 1) && v.is_nan());
        assert_eq!(Inputs::Bytes(&[1, 2]).first_non_finite(2), None);
    }
}
