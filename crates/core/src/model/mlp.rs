//! The population-scaled MLP (DESIGN.md §2):
//!
//! ```text
//! a_l = relu(h_{l−1} W_l + b_l);  h_l = m_l ⊙ a_l      (hidden layers, h_{−1} = x)
//! logits = h_{L−1} W_L + b_L;     L = mean softmax cross-entropy over the batch
//! ```
//!
//! `W_l` is stored `inputs × outputs`, row-major. Every hidden neuron `j` of layer `l` is a
//! population with mass `m_l[j]`; `∂L/∂m_l[j] = Σ_batch ∂L/∂h · a` (the batch mean of the
//! per-sample terms, since `L` is the mean).

use crate::error::{size_product, KernelError};
use crate::kernels::elementwise::{bias_add, bias_relu_mass, bytes_to_unit, column_sums, mass_relu_backward};
use crate::kernels::gemm::{packed_len, NonzeroTerms, Op, Product, Update};
use crate::kernels::loss::{argmax_rows, softmax_cross_entropy};
use crate::model::input::{Inputs, Standardization};
use crate::population::Layout;
use crate::rng::Xoshiro128;
use crate::threads::{self, Shared};
use crate::train::checkpoint::{Reader, Writer};

/// First bytes of a saved model but its last, the format version ([`MODEL_FORMAT`]).
const MODEL_MAGIC: &[u8; 15] = b"EVOPRUNE-MODEL\x00";

/// Model file format versions: 1 holds the layer sizes and tensors; 2 adds a preprocessing block
/// after them (the input standardization). A model without standardization is written as
/// format 1, byte for byte as before format 2 existed.
pub const MODEL_FORMAT: (u8, u8) = (1, 2);

/// Tag of the one preprocessing block of format 2: per-input shift and scale.
const BLOCK_STANDARDIZATION: u32 = 1;

/// PRNG stream of weight initialisation.
pub const STREAM_INIT: u64 = 1;

#[derive(Clone, Debug, PartialEq)]
pub struct Layer {
    pub inputs: usize,
    pub outputs: usize,
    pub weights: Vec<f32>,
    pub bias: Vec<f32>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Mlp {
    /// `[inputs, hidden…, classes]`.
    pub(crate) sizes: Vec<usize>,
    pub(crate) layers: Vec<Layer>,
    /// One mass vector per hidden layer.
    pub(crate) masses: Vec<Vec<f32>>,
    /// Applied to every input row before the first layer (see [`crate::model::input`]); part of
    /// the model file, not of the trainable tensors.
    pub(crate) standardization: Option<Standardization>,
}

impl Mlp {
    /// He-uniform weights `U(−√(6/fan_in), √(6/fan_in))` drawn from stream [`STREAM_INIT`] of
    /// `seed`, layer by layer in row-major order; biases 0; every mass `initial_mass`.
    pub fn new(sizes: &[usize], seed: u64, initial_mass: f32) -> Result<Mlp, KernelError> {
        if sizes.len() < 2 || sizes.contains(&0) {
            return Err(KernelError::Config(format!("layer sizes must be at least [inputs, classes], all positive; got {sizes:?}")));
        }
        if !(initial_mass.is_finite() && initial_mass > 0.0) {
            return Err(KernelError::Config(format!("initialMass: {initial_mass} must be a finite number > 0")));
        }
        parameter_floats(sizes)?;
        let mut rng = Xoshiro128::new(seed, STREAM_INIT);
        let layers = sizes
            .windows(2)
            .map(|w| {
                let bound = (6.0f32 / w[0] as f32).sqrt();
                let mut weights = vec![0.0; w[0] * w[1]];
                rng.fill_uniform(&mut weights, -bound, bound);
                Layer { inputs: w[0], outputs: w[1], weights, bias: vec![0.0; w[1]] }
            })
            .collect();
        let masses = sizes[1..sizes.len() - 1].iter().map(|&n| vec![initial_mass; n]).collect();
        Ok(Mlp { sizes: sizes.to_vec(), layers, masses, standardization: None })
    }

    /// The input standardization, if the model carries one.
    pub fn standardization(&self) -> Option<&Standardization> {
        self.standardization.as_ref()
    }

    /// Sets (or removes) the input standardization; it must have one shift and one scale per
    /// input, each finite, every scale > 0.
    pub fn set_standardization(&mut self, standardization: Option<Standardization>) -> Result<(), KernelError> {
        if let Some(s) = &standardization {
            s.check(self.inputs())?;
        }
        self.standardization = standardization;
        Ok(())
    }

    /// `[inputs, hidden…, classes]`.
    pub fn sizes(&self) -> &[usize] {
        &self.sizes
    }

    pub fn layers(&self) -> &[Layer] {
        &self.layers
    }

    /// One mass vector per hidden layer.
    pub fn masses(&self) -> &[Vec<f32>] {
        &self.masses
    }

    /// The masses of hidden layer `layer`.
    pub fn masses_of(&self, layer: usize) -> Result<&[f32], KernelError> {
        self.masses.get(layer).map(Vec::as_slice).ok_or_else(|| no_layer(layer, self.masses.len()))
    }

    /// Checks that `inputs` holds `rows` rows of [`Mlp::inputs`] values each.
    pub fn check_inputs(&self, inputs: Inputs<'_>, rows: usize) -> Result<(), KernelError> {
        if rows.checked_mul(self.inputs()) != Some(inputs.len()) {
            return Err(KernelError::Shape(format!("{} {} for {rows} rows of {} inputs", inputs.len(), inputs.noun(), self.inputs())));
        }
        Ok(())
    }

    pub fn inputs(&self) -> usize {
        self.sizes[0]
    }
    pub fn classes(&self) -> usize {
        *self.sizes.last().unwrap()
    }
    pub fn hidden(&self) -> usize {
        self.masses.len()
    }

    /// Every trainable tensor and mass vector in the documented order: per layer W, b, then
    /// (hidden layers) m. Used for flat export/import and for the gradient check.
    pub fn tensors(&self) -> Vec<&[f32]> {
        let mut out: Vec<&[f32]> = Vec::new();
        for (l, layer) in self.layers.iter().enumerate() {
            out.push(&layer.weights);
            out.push(&layer.bias);
            if let Some(m) = self.masses.get(l) {
                out.push(m);
            }
        }
        out
    }

    /// The model file, little-endian: the magic and format version, the sizes, every tensor of
    /// [`Mlp::tensors`]; format 2 (only with a standardization) then adds the block
    /// `u32 1, f32s shift, f32s scale` (each f32 array length-prefixed by a u64).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut w = Writer::default();
        w.raw(MODEL_MAGIC);
        w.raw(&[if self.standardization.is_some() { MODEL_FORMAT.1 } else { MODEL_FORMAT.0 }]);
        w.u32s(&self.sizes.iter().map(|&s| s as u32).collect::<Vec<_>>());
        for t in self.tensors() {
            w.f32s(t);
        }
        if let Some(s) = &self.standardization {
            w.u32(BLOCK_STANDARDIZATION);
            w.f32s(&s.shift);
            w.f32s(&s.scale);
        }
        w.bytes
    }

    /// Reads a model file of format 1 or 2; a newer format is refused by name.
    pub fn from_bytes(bytes: &[u8]) -> Result<Mlp, KernelError> {
        let mut r = Reader::new(bytes);
        let not_a_model = || KernelError::Data("not an evoprune model (bad header or version)".into());
        let header = r.raw(MODEL_MAGIC.len() + 1, "header").map_err(|_| not_a_model())?;
        if &header[..MODEL_MAGIC.len()] != MODEL_MAGIC || header[MODEL_MAGIC.len()] == 0 {
            return Err(not_a_model());
        }
        let version = header[MODEL_MAGIC.len()];
        if version > MODEL_FORMAT.1 {
            return Err(KernelError::Data(format!(
                "model file format {version} is newer than this evoprune reads (formats {} to {}): update evoprune to read it",
                MODEL_FORMAT.0, MODEL_FORMAT.1
            )));
        }
        let sizes: Vec<usize> = r.u32s("layer sizes")?.into_iter().map(|s| s as usize).collect();
        if sizes.len() < 2 || sizes.iter().any(|&s| s == 0 || s > 1 << 24) {
            return Err(KernelError::Data(format!("model has implausible layer sizes {sizes:?}")));
        }
        // The sizes decide what the rest of the file must hold: check that against the bytes
        // left before allocating anything (a crafted 36-byte file could otherwise ask for GBs).
        // Each tensor is a u64 length and its f32 values.
        let floats = parameter_floats(&sizes).map_err(|_| KernelError::Data(format!("model has implausible layer sizes {sizes:?}")))?;
        let tensors = 3 * (sizes.len() - 1) - 1;
        // Format 2's block: a u32 tag and two length-prefixed arrays of one f32 per input.
        let block = if version == 2 { sizes[0].checked_mul(8).and_then(|b| b.checked_add(4 + 16)) } else { Some(0) };
        let expected = floats.checked_mul(4).and_then(|b| b.checked_add(8 * tensors)).and_then(|b| b.checked_add(block?));
        if expected != Some(r.remaining()) {
            return Err(KernelError::Data(format!(
                "model file holds {} bytes after its header but layer sizes {sizes:?} need {}",
                r.remaining(),
                expected.map_or("more than this platform can address".to_string(), |e| e.to_string())
            )));
        }
        let mut model = Mlp::new(&sizes, 0, 1.0)?;
        for t in model.tensors_mut() {
            r.f32s_into(t, "model tensor")?;
        }
        if version == 2 {
            let tag = r.u32("preprocessing block")?;
            if tag != BLOCK_STANDARDIZATION {
                return Err(KernelError::Data(format!(
                    "model file holds preprocessing block {tag}; this evoprune knows block {BLOCK_STANDARDIZATION} (standardization)"
                )));
            }
            let mut s = Standardization { shift: vec![0.0; sizes[0]], scale: vec![0.0; sizes[0]] };
            r.f32s_into(&mut s.shift, "standardization shift")?;
            r.f32s_into(&mut s.scale, "standardization scale")?;
            model.set_standardization(Some(s))?;
        }
        r.finish()?;
        Ok(model)
    }

    /// Living populations (mass > 0) per hidden layer.
    pub fn alive_counts(&self) -> Vec<usize> {
        self.masses.iter().map(|m| alive_count(m)).collect()
    }

    pub fn parameter_count(&self) -> usize {
        self.layers.iter().map(|l| l.weights.len() + l.bias.len()).sum()
    }

    /// Trainable tensor `t` in optimizer order (`W_0, b_0, W_1, b_1, …`; no masses), the
    /// numbering of [`crate::population::Layout`].
    pub fn parameter(&self, t: usize) -> &[f32] {
        let layer = &self.layers[t / 2];
        if t.is_multiple_of(2) {
            &layer.weights
        } else {
            &layer.bias
        }
    }

    pub fn parameter_mut(&mut self, t: usize) -> &mut [f32] {
        let layer = &mut self.layers[t / 2];
        if t.is_multiple_of(2) {
            &mut layer.weights
        } else {
            &mut layer.bias
        }
    }

    /// Where this model's populations live: neuron `i` of hidden layer `l` owns column `i` of
    /// `W_l`, entry `i` of `b_l` and row `i` of `W_{l+1}`.
    pub fn layout(&self) -> Layout {
        Layout::mlp(&self.sizes)
    }

    pub fn tensors_mut(&mut self) -> Vec<&mut [f32]> {
        let mut out: Vec<&mut [f32]> = Vec::new();
        let mut masses = self.masses.iter_mut();
        for layer in self.layers.iter_mut() {
            out.push(&mut layer.weights);
            out.push(&mut layer.bias);
            if let Some(m) = masses.next() {
                out.push(m);
            }
        }
        out
    }
}

/// Living populations (mass > 0) among `masses`.
pub(crate) fn alive_count(masses: &[f32]) -> usize {
    masses.iter().filter(|&&x| x > 0.0).count()
}

/// "no hidden layer `layer`" (a config error: the argument is out of range).
pub(crate) fn no_layer(layer: usize, hidden: usize) -> KernelError {
    KernelError::Config(format!("no hidden layer {layer} (the model has {hidden})"))
}

/// Floats of a model with these layer sizes: every W, b and hidden mass vector (overflow is an error).
pub fn parameter_floats(sizes: &[usize]) -> Result<usize, KernelError> {
    let mut total = 0usize;
    let overflow = || KernelError::Limit(format!("layer sizes {sizes:?} need more parameters than this platform can address"));
    for (l, w) in sizes.windows(2).enumerate() {
        let weights = size_product("layer weights", w[0], w[1])?;
        let mass = if l + 2 < sizes.len() { w[1] } else { 0 };
        total = total.checked_add(weights).and_then(|t| t.checked_add(w[1] + mass)).ok_or_else(overflow)?;
    }
    Ok(total)
}

/// Gradients with the model's shapes.
#[derive(Clone, Debug)]
pub struct Gradients {
    /// Written by threads on the two sides of a column split: on cache-line boundaries.
    pub weights: Vec<Lines>,
    pub bias: Vec<Vec<f32>>,
    pub masses: Vec<Vec<f32>>,
}

impl Gradients {
    pub fn zeros(model: &Mlp) -> Gradients {
        Gradients {
            weights: model.layers.iter().map(|l| Lines::zeros(l.weights.len())).collect(),
            bias: model.layers.iter().map(|l| vec![0.0; l.bias.len()]).collect(),
            masses: model.masses.iter().map(|m| vec![0.0; m.len()]).collect(),
        }
    }

    /// Flattened in the order of [`Mlp::tensors`].
    pub fn flatten(&self) -> Vec<f32> {
        let mut out = Vec::new();
        for l in 0..self.weights.len() {
            out.extend_from_slice(&self.weights[l]);
            out.extend_from_slice(&self.bias[l]);
            if let Some(m) = self.masses.get(l) {
                out.extend_from_slice(m);
            }
        }
        out
    }
}

/// `len` floats starting on a 64-byte boundary (a cache line): when threads write the two sides
/// of a column split, rows whose width is a multiple of 16 floats then never put both in one line.
pub struct Lines {
    data: Vec<f32>,
    offset: usize,
    len: usize,
}

impl Lines {
    pub fn zeros(len: usize) -> Lines {
        let data = vec![0.0f32; len + 16];
        // The buffer never grows, so its address (and this offset) stays.
        let offset = (16 - (data.as_ptr() as usize / 4) % 16) % 16;
        Lines { data, offset, len }
    }
}

impl Clone for Lines {
    fn clone(&self) -> Lines {
        let mut copy = Lines::zeros(self.len);
        copy.copy_from_slice(self);
        copy
    }
}

impl core::fmt::Debug for Lines {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl core::ops::Deref for Lines {
    type Target = [f32];
    fn deref(&self) -> &[f32] {
        &self.data[self.offset..self.offset + self.len]
    }
}

impl core::ops::DerefMut for Lines {
    fn deref_mut(&mut self) -> &mut [f32] {
        &mut self.data[self.offset..self.offset + self.len]
    }
}

/// Buffers for forward and backward passes of up to `max_rows` rows, allocated once.
pub struct Workspace {
    pub max_rows: usize,
    /// The batch as the first layer reads it (bytes in `[0, 1]`, features as given; standardized
    /// when the model carries a standardization).
    pub input: Lines,
    /// Per hidden layer: `a_l` (post-ReLU, pre-mass) and `h_l = m_l ⊙ a_l`.
    pub activations: Vec<Lines>,
    pub outputs: Vec<Lines>,
    pub logits: Lines,
    /// Two buffers for `δ` that trade places going down the layers.
    pub delta: Lines,
    pub delta_below: Lines,
    /// The products' packing workspace and nonzero terms.
    pub scratch: Scratch,
    pub predictions: Vec<u32>,
}

impl Workspace {
    /// Floats a workspace for `max_rows` rows of a model with these sizes holds (overflow is an
    /// error): the input, two buffers per hidden layer, logits, two deltas, the packing space and
    /// the nonzero terms' slots (an index and a value for every element of the largest left
    /// operand, `max_rows × widest`).
    pub fn floats(sizes: &[usize], max_rows: usize) -> Result<usize, KernelError> {
        if sizes.len() < 2 {
            return Err(KernelError::Config(format!("layer sizes {sizes:?} must be at least [inputs, classes]")));
        }
        let widest = *sizes.iter().max().unwrap_or(&0);
        let hidden: usize = sizes[1..sizes.len().saturating_sub(1)].iter().sum();
        let mut packed = size_product("workspace", widest, max_rows)?;
        for w in sizes.windows(2) {
            packed = packed.max(size_product("workspace", w[0], w[1])?);
        }
        let per_row = sizes[0]
            .checked_add(2 * hidden)
            .and_then(|v| v.checked_add(*sizes.last().unwrap_or(&0)))
            .and_then(|v| v.checked_add(2 * widest))
            .and_then(|v| v.checked_add(2 * widest));
        per_row.and_then(|p| p.checked_mul(max_rows)).and_then(|v| v.checked_add(packed)).ok_or_else(|| {
            KernelError::Limit(format!("a workspace of {max_rows} rows for layer sizes {sizes:?} overflows this platform's sizes"))
        })
    }

    pub fn new(model: &Mlp, max_rows: usize) -> Result<Workspace, KernelError> {
        Workspace::floats(&model.sizes, max_rows)?;
        let widest = *model.sizes.iter().max().unwrap();
        let mut packed = packed_len(widest, max_rows)?;
        for l in &model.layers {
            packed = packed.max(packed_len(l.outputs, l.inputs)?);
        }
        Ok(Workspace {
            max_rows,
            input: Lines::zeros(max_rows * model.inputs()),
            activations: model.sizes[1..model.sizes.len() - 1].iter().map(|&n| Lines::zeros(max_rows * n)).collect(),
            outputs: model.sizes[1..model.sizes.len() - 1].iter().map(|&n| Lines::zeros(max_rows * n)).collect(),
            logits: Lines::zeros(max_rows * model.classes()),
            delta: Lines::zeros(max_rows * widest),
            delta_below: Lines::zeros(max_rows * widest),
            scratch: Scratch { packed: Lines::zeros(packed), terms: NonzeroTerms::default() },
            predictions: vec![0; max_rows],
        })
    }

    /// Copies rows `indices` of a byte image set into `input`, scaled to `[0, 1]` (rows split
    /// between threads: each is copied whole by one).
    pub fn gather(&mut self, images: &[u8], cols: usize, indices: &[u32]) -> Result<(), KernelError> {
        let rows = indices.len();
        if rows * cols > self.input.len() {
            return Err(KernelError::shape("gather: batch rows", rows * cols, self.input.len()));
        }
        for &idx in indices {
            let end = (idx as usize + 1) * cols;
            if end > images.len() {
                return Err(KernelError::shape("gather: images", end, images.len()));
            }
        }
        let input = Shared::new(&mut self.input);
        let parts = threads::parts_for(rows / 16, rows * cols, 1 << 15);
        threads::run(parts, &|part| {
            for r in threads::split(rows, parts, 16, part) {
                let at = indices[r] as usize * cols;
                // SAFETY: row r of `input` (checked above), this part's own.
                let out = unsafe { input.slice(r * cols..(r + 1) * cols) };
                // Both have `cols` elements, so this cannot fail.
                let copied = bytes_to_unit(&images[at..at + cols], out);
                debug_assert!(copied.is_ok());
            }
        });
        Ok(())
    }

    /// Copies rows `indices` of `inputs` (rows of `cols` values) into `input` as the first layer
    /// reads them: bytes scaled to `[0, 1]` ([`Workspace::gather`], the same code when there is no
    /// standardization), f32 features as they are; then, with `standardization`, each value
    /// becomes `(x − shift[j]) / scale[j]`.
    pub fn gather_inputs(
        &mut self,
        inputs: Inputs<'_>,
        cols: usize,
        indices: &[u32],
        standardization: Option<&Standardization>,
    ) -> Result<(), KernelError> {
        match inputs {
            Inputs::Bytes(images) => self.gather(images, cols, indices)?,
            Inputs::Floats(features) => {
                for (r, &idx) in indices.iter().enumerate() {
                    let at = idx as usize * cols;
                    let row = features.get(at..at + cols).ok_or(KernelError::shape("gather: features", at + cols, features.len()))?;
                    let len = self.input.len();
                    let out = self.input.get_mut(r * cols..(r + 1) * cols).ok_or(KernelError::shape(
                        "gather: batch rows",
                        (r + 1) * cols,
                        len,
                    ))?;
                    out.copy_from_slice(row);
                }
            }
        }
        if let Some(s) = standardization {
            if s.len() != cols {
                return Err(KernelError::shape("gather: standardization", cols, s.len()));
            }
            for row in self.input[..indices.len() * cols].chunks_exact_mut(cols.max(1)) {
                s.apply(row);
            }
        }
        Ok(())
    }
}

/// Below this fraction of nonzeros in A, products skip its zero terms. Both paths give the same
/// bits (see `Product::skip_zeros`), so this only trades speed: MNIST pixels are ≈19 % nonzero,
/// ReLU outputs and their gradients about half, extinct populations none.
pub const SKIP_ZEROS_BELOW_DENSITY: f32 = 0.5;

/// The fraction of nonzeros among every 8th element of `x` (1 when empty): enough to choose a
/// product's path, which changes only its speed, at an eighth of a full count's cost.
fn sampled_density(x: &[f32]) -> f32 {
    let (mut seen, mut nonzero) = (0usize, 0usize);
    for v in x.iter().step_by(8) {
        seen += 1;
        nonzero += (*v != 0.0) as usize;
    }
    if seen == 0 {
        1.0
    } else {
        nonzero as f32 / seen as f32
    }
}

/// What every product of a pass shares: B's packing workspace and A's nonzero terms.
pub struct Scratch {
    // On cache lines: the SIMD loads of B's panels never straddle two.
    packed: Lines,
    terms: NonzeroTerms,
}

impl Scratch {
    /// `C = op(A)·op(B)` by the zero-skipping path when A is sparse enough, else the dense one.
    fn product(&mut self, product: Product, a: &[f32], b: &[f32], c: &mut [f32]) -> Result<(), KernelError> {
        if sampled_density(a) < SKIP_ZEROS_BELOW_DENSITY {
            product.skip_zeros(a, b, c, Update::Overwrite, &mut self.packed, &mut self.terms)
        } else {
            product.dense(a, b, c, Update::Overwrite, &mut self.packed)
        }
    }
}

fn check_rows(ws: &Workspace, rows: usize) -> Result<(), KernelError> {
    if rows > ws.max_rows {
        return Err(KernelError::Shape(format!("{rows} rows exceed the workspace's {}", ws.max_rows)));
    }
    Ok(())
}

/// Forward pass of `rows` rows of `ws.input`; leaves the logits in `ws.logits[..rows·classes]`.
pub fn forward(model: &Mlp, ws: &mut Workspace, rows: usize) -> Result<(), KernelError> {
    check_rows(ws, rows)?;
    let hidden = model.hidden();
    for (l, layer) in model.layers.iter().enumerate() {
        let (inp, out) = (layer.inputs, layer.outputs);
        let input: &[f32] = if l == 0 { &ws.input[..rows * inp] } else { &ws.outputs[l - 1][..rows * inp] };
        if l < hidden {
            let z = &mut ws.activations[l][..rows * out];
            ws.scratch.product(Product::new(Op::NN, rows, out, inp), input, &layer.weights, z)?;
            bias_relu_mass(rows, out, z, &mut ws.outputs[l][..rows * out], &layer.bias, &model.masses[l])?;
        } else {
            let logits = &mut ws.logits[..rows * out];
            ws.scratch.product(Product::new(Op::NN, rows, out, inp), input, &layer.weights, logits)?;
            bias_add(rows, out, logits, &layer.bias)?;
        }
    }
    Ok(())
}

/// Forward and backward of one batch (already in `ws.input`): fills `grads` and returns the
/// mean loss.
pub fn forward_backward(model: &Mlp, ws: &mut Workspace, labels: &[u8], grads: &mut Gradients) -> Result<f64, KernelError> {
    let rows = labels.len();
    forward(model, ws, rows)?;
    let classes = model.classes();
    let loss = softmax_cross_entropy(rows, classes, &ws.logits[..rows * classes], labels, &mut ws.delta[..rows * classes])?;
    for l in (0..model.layers.len()).rev() {
        let layer = &model.layers[l];
        let (inp, out) = (layer.inputs, layer.outputs);
        let input: &[f32] = if l == 0 { &ws.input[..rows * inp] } else { &ws.outputs[l - 1][..rows * inp] };
        let delta = &ws.delta[..rows * out];
        ws.scratch.product(Product::new(Op::TN, inp, out, rows), input, delta, &mut grads.weights[l])?;
        column_sums(rows, out, delta, &mut grads.bias[l], false)?;
        if l > 0 {
            // ∂L/∂h_{l−1} = δ_l W_lᵀ, then through the masses and the ReLU.
            let below = &mut ws.delta_below[..rows * inp];
            ws.scratch.product(Product::new(Op::NT, rows, inp, out), delta, &layer.weights, below)?;
            mass_relu_backward(rows, inp, below, &ws.activations[l - 1][..rows * inp], &model.masses[l - 1], &mut grads.masses[l - 1])?;
            std::mem::swap(&mut ws.delta, &mut ws.delta_below);
        }
    }
    Ok(loss)
}

/// Loss, accuracy and confusion matrix of a dataset, evaluated in chunks of `ws.max_rows`.
#[derive(Clone, Debug, PartialEq)]
pub struct Evaluation {
    pub loss: f64,
    pub correct: u64,
    pub rows: u64,
    /// `classes × classes`, row = true label, column = prediction.
    pub confusion: Vec<u32>,
}

/// Evaluates `model` on `inputs` (one row of [`Mlp::inputs`] values per label), applying the
/// model's standardization.
pub fn evaluate(model: &Mlp, ws: &mut Workspace, inputs: Inputs<'_>, labels: &[u8]) -> Result<Evaluation, KernelError> {
    let (cols, classes, rows) = (model.inputs(), model.classes(), labels.len());
    let mut confusion = vec![0u32; classes * classes];
    let (mut loss_sum, mut correct) = (0.0f64, 0u64);
    let mut start = 0;
    let indices: Vec<u32> = (0..ws.max_rows as u32).collect();
    while start < rows {
        let n = (rows - start).min(ws.max_rows);
        ws.gather_inputs(inputs.slice(start * cols, (start + n) * cols), cols, &indices[..n], model.standardization())?;
        forward(model, ws, n)?;
        let chunk = &labels[start..start + n];
        let mean = softmax_cross_entropy(n, classes, &ws.logits[..n * classes], chunk, &mut ws.delta[..n * classes])?;
        loss_sum += mean * n as f64;
        argmax_rows(n, classes, &ws.logits[..n * classes], &mut ws.predictions[..n])?;
        for (p, &y) in ws.predictions[..n].iter().zip(chunk) {
            confusion[y as usize * classes + *p as usize] += 1;
            correct += (*p == y as u32) as u64;
        }
        start += n;
    }
    Ok(Evaluation { loss: if rows == 0 { 0.0 } else { loss_sum / rows as f64 }, correct, rows: rows as u64, confusion })
}

#[cfg(test)]
mod tests {
    use super::*;
    // On wasm32 the tests run under wasm-bindgen-test (scripts/test-wasm.sh).
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    /// f64 loss of the model on a batch of f32 inputs, for finite differences.
    fn loss64(model: &Mlp, x: &[f32], labels: &[u8]) -> f64 {
        let rows = labels.len();
        let mut h: Vec<f64> = x.iter().map(|&v| v as f64).collect();
        for (l, layer) in model.layers.iter().enumerate() {
            let mut z = vec![0.0f64; rows * layer.outputs];
            for r in 0..rows {
                for j in 0..layer.outputs {
                    let mut s = layer.bias[j] as f64;
                    for i in 0..layer.inputs {
                        s += h[r * layer.inputs + i] * layer.weights[i * layer.outputs + j] as f64;
                    }
                    z[r * layer.outputs + j] = if l < model.hidden() { s.max(0.0) * model.masses[l][j] as f64 } else { s };
                }
            }
            h = z;
        }
        let c = model.classes();
        (0..rows)
            .map(|r| {
                let z = &h[r * c..(r + 1) * c];
                let mu = z.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
                let s: f64 = z.iter().map(|v| (v - mu).exp()).sum();
                s.ln() - (z[labels[r] as usize] - mu)
            })
            .sum::<f64>()
            / rows as f64
    }

    #[test]
    fn models_round_trip_through_bytes() {
        let model = Mlp::new(&[5, 7, 4, 3], 3, 0.5).unwrap();
        let bytes = model.to_bytes();
        assert_eq!(Mlp::from_bytes(&bytes).unwrap(), model);
        let short = Mlp::from_bytes(&bytes[..bytes.len() - 1]).unwrap_err().to_string();
        assert!(
            short.contains(&format!(
                "holds {} bytes after its header but layer sizes [5, 7, 4, 3] need {}",
                bytes.len() - 1 - 40,
                bytes.len() - 40
            )),
            "{short}"
        );
        assert!(Mlp::from_bytes(b"EVOPRUNE-STATE\x00\x01").is_err());
    }

    #[test]
    fn a_model_without_standardization_is_format_1_byte_for_byte() {
        // Format 1 written by hand: magic, version 1, sizes, every tensor (what every model file
        // held before format 2 existed).
        let model = Mlp::new(&[5, 7, 4, 3], 3, 0.5).unwrap();
        let mut w = Writer::default();
        w.raw(b"EVOPRUNE-MODEL\x00\x01");
        w.u32s(&[5, 7, 4, 3]);
        for t in model.tensors() {
            w.f32s(t);
        }
        assert_eq!(model.to_bytes(), w.bytes);
        let loaded = Mlp::from_bytes(&w.bytes).unwrap();
        assert_eq!(loaded, model);
        assert_eq!(loaded.standardization(), None);
    }

    #[test]
    fn format_2_carries_the_standardization_and_round_trips() {
        let mut model = Mlp::new(&[3, 4, 2], 1, 1.0).unwrap();
        let s = Standardization { shift: vec![1.5, -2.0, 0.0], scale: vec![0.25, 1.0, 3.0] };
        model.set_standardization(Some(s.clone())).unwrap();
        let bytes = model.to_bytes();
        assert_eq!(bytes[15], 2, "format 2");
        let v1 = Mlp { standardization: None, ..model.clone() }.to_bytes();
        assert_eq!(&bytes[16..v1.len()], &v1[16..], "format 2 is format 1 plus a trailing block");
        let mut block = Writer::default();
        block.u32(1);
        block.f32s(&s.shift);
        block.f32s(&s.scale);
        assert_eq!(&bytes[v1.len()..], &block.bytes[..]);
        let loaded = Mlp::from_bytes(&bytes).unwrap();
        assert_eq!(loaded, model);
        assert_eq!(loaded.standardization(), Some(&s));
        // Truncated, a foreign block, a bad scale.
        let short = Mlp::from_bytes(&bytes[..bytes.len() - 4]).unwrap_err();
        assert!(short.to_string().contains("bytes after its header but layer sizes [3, 4, 2] need"), "{short}");
        let mut foreign = bytes.clone();
        foreign[v1.len()] = 7;
        assert!(Mlp::from_bytes(&foreign).unwrap_err().to_string().contains("preprocessing block 7"));
        let mut zero = bytes.clone();
        let at = bytes.len() - 4;
        zero[at..].copy_from_slice(&0.0f32.to_le_bytes());
        let error = Mlp::from_bytes(&zero).unwrap_err();
        assert!(error.to_string().contains("scale of feature 2 is 0") && error.kind() == "data", "{error}");
        // A standardization that does not fit the inputs is refused when set.
        assert_eq!(model.set_standardization(Some(Standardization { shift: vec![0.0], scale: vec![1.0] })).unwrap_err().kind(), "data");
    }

    #[test]
    fn a_newer_format_is_refused_by_name() {
        let mut bytes = Mlp::new(&[3, 4, 2], 1, 1.0).unwrap().to_bytes();
        bytes[15] = 3;
        let error = Mlp::from_bytes(&bytes).unwrap_err();
        assert_eq!(error.kind(), "data");
        assert_eq!(error.to_string(), "model file format 3 is newer than this evoprune reads (formats 1 to 2): update evoprune to read it");
        bytes[15] = 0;
        assert_eq!(Mlp::from_bytes(&bytes).unwrap_err().to_string(), "not an evoprune model (bad header or version)");
        assert_eq!(Mlp::from_bytes(b"EVOPRUNE").unwrap_err().to_string(), "not an evoprune model (bad header or version)");
    }

    #[test]
    fn float_gather_copies_rows_and_standardizes() {
        let mut model = Mlp::new(&[3, 4, 2], 1, 1.0).unwrap();
        let mut ws = Workspace::new(&model, 4).unwrap();
        ws.input.fill(f32::NAN);
        let features = [0.5f32, -1.0, 2.0, 10.0, 20.0, 30.0, -7.0, 8.0, 9.5];
        ws.gather_inputs(Inputs::Floats(&features), 3, &[2, 0], None).unwrap();
        assert_eq!(&ws.input[..6], &[-7.0, 8.0, 9.5, 0.5, -1.0, 2.0]);
        assert!(ws.input[6..].iter().all(|x| x.is_nan()), "rows beyond the batch are untouched");
        let s = Standardization { shift: vec![1.0, 2.0, 3.0], scale: vec![2.0, 0.5, 1.0] };
        ws.gather_inputs(Inputs::Floats(&features), 3, &[1], Some(&s)).unwrap();
        assert_eq!(&ws.input[..3], &[(10.0 - 1.0) / 2.0, (20.0 - 2.0) / 0.5, 27.0]);
        // Bytes without standardization take the byte path, bit for bit.
        let bytes = [0u8, 128, 255, 7, 9, 11];
        let mut plain = Workspace::new(&model, 4).unwrap();
        plain.gather(&bytes, 3, &[1, 0]).unwrap();
        ws.gather_inputs(Inputs::Bytes(&bytes), 3, &[1, 0], None).unwrap();
        assert_eq!(ws.input[..6], plain.input[..6]);
        ws.gather_inputs(Inputs::Bytes(&bytes), 3, &[1], Some(&s)).unwrap();
        assert_eq!(&ws.input[..3], &[(7.0 / 255.0 - 1.0) / 2.0, (9.0f32 / 255.0 - 2.0) / 0.5, 11.0 / 255.0 - 3.0]);
        assert_eq!(ws.gather_inputs(Inputs::Floats(&features), 3, &[3], None).unwrap_err().kind(), "shape");
        model.set_standardization(Some(s)).unwrap();
        assert!(model.set_standardization(None).is_ok());
    }

    #[test]
    fn a_crafted_header_is_refused_before_anything_is_allocated() {
        // 36 bytes: magic, sizes 2^24, 2^24, 10 (a 2^48-element weight matrix), no tensors.
        let mut w = Writer::default();
        w.raw(MODEL_MAGIC);
        w.raw(&[1]);
        w.u32s(&[1 << 24, 1 << 24, 10]);
        assert_eq!(w.bytes.len(), 36);
        let error = Mlp::from_bytes(&w.bytes).unwrap_err();
        // On 64 bits the sizes fit and the file is too short for them; on wasm32 their product
        // does not even fit a usize.
        let message = error.to_string();
        assert!(message.contains("need") || (cfg!(target_pointer_width = "32") && message.contains("implausible")), "{message}");
        assert_eq!(error.kind(), "data");
        // Sizes whose product overflows a 32-bit usize are refused by name, not wrapped to 0.
        assert!(parameter_floats(&[65536, 65536, 10]).is_ok() || cfg!(target_pointer_width = "32"));
        assert!(matches!(crate::error::size_product("x", usize::MAX / 2, 3), Err(KernelError::Limit(_))));
        assert!(matches!(Workspace::floats(&[784, 10], usize::MAX), Err(KernelError::Limit(_))));
    }

    #[test]
    fn gradients_match_finite_differences() {
        let mut model = Mlp::new(&[5, 7, 4, 3], 3, 1.0).unwrap();
        let mut rng = Xoshiro128::new(1, 9);
        for m in model.masses.iter_mut() {
            rng.fill_uniform(m, 0.3, 1.5);
        }
        for layer in model.layers.iter_mut() {
            rng.fill_uniform(&mut layer.bias, -0.2, 0.2);
        }
        let rows = 6;
        let mut ws = Workspace::new(&model, rows).unwrap();
        rng.fill_uniform(&mut ws.input[..rows * 5], 0.0, 1.0);
        let x = ws.input.clone();
        let labels: Vec<u8> = (0..rows).map(|r| (r % 3) as u8).collect();
        let mut grads = Gradients::zeros(&model);
        forward_backward(&model, &mut ws, &labels, &mut grads).unwrap();
        let analytic = grads.flatten();
        let mut k = 0;
        let h = 1e-3f32;
        for t in 0..model.tensors().len() {
            for i in 0..model.tensors()[t].len() {
                let orig = model.tensors()[t][i];
                model.tensors_mut()[t][i] = orig + h;
                let up = loss64(&model, &x, &labels);
                model.tensors_mut()[t][i] = orig - h;
                let down = loss64(&model, &x, &labels);
                model.tensors_mut()[t][i] = orig;
                let numeric = (up - down) / (2.0 * h as f64);
                let got = analytic[k] as f64;
                assert!((got - numeric).abs() <= 2e-3 * (1.0 + numeric.abs()), "tensor {t} index {i}: {got} vs {numeric}");
                k += 1;
            }
        }
        assert_eq!(k, analytic.len());
    }
}
