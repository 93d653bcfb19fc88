//! A model held for evaluation and inference: the MLP and a workspace for chunks of rows. Every
//! method reads byte images or f32 features ([`Inputs`]) and applies the model's input
//! standardization, if it carries one (so raw features give the trained model's predictions).

use crate::error::KernelError;
use crate::kernels::loss::argmax_rows;
use crate::model::input::Inputs;
use crate::model::mlp::{evaluate, forward, Evaluation, Layer, Mlp, Workspace};

/// Rows per forward call when evaluating, computing logits or timing.
pub const CHUNK: usize = 256;

/// Hidden widths are computed padded to a multiple of this (the products' widest SIMD panel).
pub const PAD: usize = 8;

pub struct Inference {
    mlp: Mlp,
    /// What the forward pass runs: `mlp` with every hidden width padded to a multiple of [`PAD`]
    /// (a compacted model's 102 or 51 populations would leave columns to the scalar path), or
    /// `None` when the widths already are multiples. A padded population has zero weights, bias
    /// and mass, so every term it adds is an exact zero and the logits keep their bits (sums run
    /// from `+0.0` in increasing index; see `kernels::gemm`).
    padded: Option<Mlp>,
    ws: Workspace,
}

/// `mlp` with its hidden widths padded up to a multiple of [`PAD`] by zero populations.
fn pad(mlp: &Mlp) -> Option<Mlp> {
    let hidden = &mlp.sizes[1..mlp.sizes.len() - 1];
    if hidden.iter().all(|w| w.is_multiple_of(PAD)) {
        return None;
    }
    let mut sizes = mlp.sizes.clone();
    for w in &mut sizes[1..mlp.sizes.len() - 1] {
        *w = w.next_multiple_of(PAD);
    }
    let layers = mlp
        .layers
        .iter()
        .zip(sizes.windows(2))
        .map(|(layer, w)| {
            let (inputs, outputs) = (w[0], w[1]);
            let mut weights = vec![0.0; inputs * outputs];
            for r in 0..layer.inputs {
                weights[r * outputs..r * outputs + layer.outputs]
                    .copy_from_slice(&layer.weights[r * layer.outputs..(r + 1) * layer.outputs]);
            }
            let mut bias = vec![0.0; outputs];
            bias[..layer.outputs].copy_from_slice(&layer.bias);
            Layer { inputs, outputs, weights, bias }
        })
        .collect();
    let masses =
        mlp.masses.iter().zip(&sizes[1..]).map(|(m, &w)| m.iter().copied().chain(std::iter::repeat(0.0)).take(w).collect()).collect();
    Some(Mlp { sizes, layers, masses, standardization: mlp.standardization.clone() })
}

impl Inference {
    pub fn new(mlp: Mlp) -> Result<Inference, KernelError> {
        let padded = pad(&mlp);
        let ws = Workspace::new(padded.as_ref().unwrap_or(&mlp), CHUNK)?;
        Ok(Inference { mlp, padded, ws })
    }

    /// A model file written by [`Mlp::to_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Inference, KernelError> {
        Inference::new(Mlp::from_bytes(bytes)?)
    }

    pub fn mlp(&self) -> &Mlp {
        &self.mlp
    }

    /// Loss, accuracy and confusion matrix on one row of inputs per label.
    pub fn evaluate(&mut self, inputs: Inputs<'_>, labels: &[u8]) -> Result<Evaluation, KernelError> {
        self.mlp.check_inputs(inputs, labels.len())?;
        let model = self.padded.as_ref().unwrap_or(&self.mlp);
        evaluate(model, &mut self.ws, inputs, labels)
    }

    /// Logits of `rows` rows (`rows × classes`), computed [`CHUNK`] rows at a time.
    pub fn logits(&mut self, inputs: Inputs<'_>, rows: usize) -> Result<Vec<f32>, KernelError> {
        self.mlp.check_inputs(inputs, rows)?;
        let classes = self.mlp.classes();
        let mut out = Vec::with_capacity(rows * classes);
        self.chunks(inputs, rows, CHUNK, |logits| out.extend_from_slice(logits))?;
        Ok(out)
    }

    /// The predicted class of each of `rows` rows: the argmax of its logits (the first on ties,
    /// as in evaluation).
    pub fn predict(&mut self, inputs: Inputs<'_>, rows: usize) -> Result<Vec<u32>, KernelError> {
        let classes = self.mlp.classes();
        let logits = self.logits(inputs, rows)?;
        let mut out = vec![0u32; rows];
        argmax_rows(rows, classes, &logits, &mut out)?;
        Ok(out)
    }

    /// Runs the forward pass over `rows` rows in batches of `batch` (clamped to 1..=[`CHUNK`])
    /// and returns the sum of all logits (in f64, in order): for timing inference without
    /// copying results out.
    pub fn infer(&mut self, inputs: Inputs<'_>, rows: usize, batch: usize) -> Result<f64, KernelError> {
        self.mlp.check_inputs(inputs, rows)?;
        let mut total = 0.0f64;
        self.chunks(inputs, rows, batch.clamp(1, CHUNK), |logits| total += logits.iter().map(|&x| x as f64).sum::<f64>())?;
        Ok(total)
    }

    /// The forward pass over `rows` rows, `batch` at a time; `visit` sees each batch's logits.
    fn chunks(&mut self, inputs: Inputs<'_>, rows: usize, batch: usize, mut visit: impl FnMut(&[f32])) -> Result<(), KernelError> {
        let (cols, classes) = (self.mlp.inputs(), self.mlp.classes());
        let indices: Vec<u32> = (0..batch as u32).collect();
        for start in (0..rows).step_by(batch) {
            let n = (rows - start).min(batch);
            let model = self.padded.as_ref().unwrap_or(&self.mlp);
            self.ws.gather_inputs(inputs.slice(start * cols, (start + n) * cols), cols, &indices[..n], model.standardization())?;
            forward(model, &mut self.ws, n)?;
            visit(&self.ws.logits[..n * classes]);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::input::Standardization;
    use crate::rng::Xoshiro128;
    // On wasm32 the tests run under wasm-bindgen-test (scripts/test-wasm.sh).
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn padding_hidden_widths_changes_no_bit_of_the_logits() {
        // Odd widths (a compacted model's) are computed padded to multiples of 8.
        let mut model = Mlp::new(&[30, 13, 5, 4], 3, 1.0).unwrap();
        model.masses[0][2] = 0.0;
        model.masses[1][4] = 2.5;
        let inference = Inference::new(model.clone()).unwrap();
        assert_eq!(inference.padded.as_ref().unwrap().sizes(), &[30, 16, 8, 4]);
        assert_eq!(inference.mlp(), &model, "what it exposes (and saves) is the model as given");
        let bytes: Vec<u8> = (0..30 * 300).map(|i| if i % 3 == 0 { 0 } else { ((i * 37) % 256) as u8 }).collect();
        let mut padded = inference;
        let got = padded.logits(Inputs::Bytes(&bytes), 300).unwrap();
        // The reference: the unpadded forward pass.
        let mut ws = Workspace::new(&model, CHUNK).unwrap();
        let mut want = Vec::new();
        let indices: Vec<u32> = (0..CHUNK as u32).collect();
        for start in (0..300).step_by(CHUNK) {
            let n = (300 - start).min(CHUNK);
            ws.gather_inputs(Inputs::Bytes(&bytes[start * 30..(start + n) * 30]), 30, &indices[..n], None).unwrap();
            forward(&model, &mut ws, n).unwrap();
            want.extend_from_slice(&ws.logits[..n * 4]);
        }
        assert_eq!(got.iter().map(|x| x.to_bits()).collect::<Vec<_>>(), want.iter().map(|x| x.to_bits()).collect::<Vec<_>>());
        assert!(Inference::new(Mlp::new(&[30, 16, 8, 4], 3, 1.0).unwrap()).unwrap().padded.is_none());
    }

    #[test]
    fn byte_images_and_their_unit_floats_give_the_same_logits() {
        let model = Mlp::new(&[6, 5, 3], 2, 1.0).unwrap();
        let bytes: Vec<u8> = (0..6 * 300).map(|i| ((i * 37) % 256) as u8).collect();
        let floats: Vec<f32> = bytes.iter().map(|&b| b as f32 / 255.0).collect();
        let mut inference = Inference::new(model).unwrap();
        let a = inference.logits(Inputs::Bytes(&bytes), 300).unwrap();
        let b = inference.logits(Inputs::Floats(&floats), 300).unwrap();
        assert_eq!(a, b);
        assert_eq!(inference.predict(Inputs::Bytes(&bytes), 300).unwrap(), inference.predict(Inputs::Floats(&floats), 300).unwrap());
        let labels = vec![1u8; 300];
        assert_eq!(
            inference.evaluate(Inputs::Bytes(&bytes), &labels).unwrap(),
            inference.evaluate(Inputs::Floats(&floats), &labels).unwrap()
        );
        let short = inference.logits(Inputs::Floats(&floats[..11]), 2).unwrap_err();
        assert!(short.to_string().contains("11 feature values for 2 rows of 6 inputs"), "{short}");
    }

    #[test]
    fn a_standardized_model_on_raw_features_equals_the_plain_model_on_standardized_ones() {
        let (rows, cols) = (40, 4);
        let mut raw = vec![0.0f32; rows * cols];
        Xoshiro128::new(5, 1).fill_uniform(&mut raw, 50.0, 90.0);
        let s = Standardization::fit(Inputs::Floats(&raw), rows, cols).unwrap();
        let plain = Mlp::new(&[cols, 7, 3], 4, 1.0).unwrap();
        let mut standardized = plain.clone();
        standardized.set_standardization(Some(s.clone())).unwrap();
        let mut by_hand = raw.clone();
        for row in by_hand.chunks_exact_mut(cols) {
            s.apply(row);
        }
        let want = Inference::new(plain).unwrap().logits(Inputs::Floats(&by_hand), rows).unwrap();
        // Through the model file (format 2) and back.
        let mut loaded = Inference::from_bytes(&standardized.to_bytes()).unwrap();
        assert_eq!(loaded.mlp().standardization(), Some(&s));
        assert_eq!(loaded.logits(Inputs::Floats(&raw), rows).unwrap(), want);
    }
}
