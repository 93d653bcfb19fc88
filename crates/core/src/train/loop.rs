//! The training loop inside wasm: batches, shuffling, optimizer, learning-rate schedule,
//! evaluation, and the whole state as bytes (checkpoints and `stateHash`).

use sha2::{Digest, Sha256};

use crate::error::KernelError;
use crate::evolution::{EvolutionConfig, EvolutionState};
use crate::model::mlp::{evaluate, forward_backward, Evaluation, Gradients, Mlp, Workspace};
use crate::model::optim::{update, Optimizer, StepScalars};
use crate::rng::Xoshiro128;
use crate::train::checkpoint::{Reader, Writer};

/// PRNG stream of the per-epoch shuffle.
pub const STREAM_SHUFFLE: u64 = 2;
/// First bytes of every state blob; the last byte is the format version.
const STATE_MAGIC: &[u8; 16] = b"EVOPRUNE-STATE\x00\x01";

/// The most wasm memory one trainer may plan to use (model, optimizer, buffers, data). wasm32
/// addresses 4 GiB at most; saving a state or a model copies the parameters once more.
pub const TRAINER_MEMORY_LIMIT: u64 = 2 << 30;

/// A setting outside its range, as a config error naming the field.
fn range(field: &str, value: f32, ok: bool, rule: &str) -> Result<(), KernelError> {
    if ok && value.is_finite() {
        Ok(())
    } else {
        Err(KernelError::Config(format!("{field}: {value} is out of range ({rule})")))
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Schedule {
    Constant,
    /// `lr_t = lr · ½(1 + cos(π t / T))`, `t` = step, `T` = `epochs` × batches per epoch.
    Cosine { epochs: u32 },
}

#[derive(Clone, Debug, PartialEq)]
pub struct TrainConfig {
    pub sizes: Vec<usize>,
    pub seed: u64,
    pub batch: usize,
    pub optimizer: Optimizer,
    pub schedule: Schedule,
    pub initial_mass: f32,
    pub evolution: EvolutionConfig,
    /// Track participation variables (the companion paper's baseline score) during training.
    pub participation: Option<ParticipationConfig>,
}

/// Participation variables of arXiv 2512.22106, tracked alongside training without gating it:
/// `s_i ∈ [0, 1]`, starting at 1, moved each step by projected ascent on
/// `s_i B_i − β‖θ_i‖² s_i² − γ s_i` with benefit `B_i = −α⟨∇L, θ_i⟩`, where θ_i are the incoming
/// weights and bias of population i: `⟨∇L, θ_i⟩ < 0` means growing θ_i lowers the loss, so the
/// benefit rewards loss decrease. `s_i ← clamp(s_i + lr (B_i − 2β‖θ_i‖² s_i − γ), 0, 1)`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ParticipationConfig {
    pub alpha: f32,
    pub beta: f32,
    pub gamma: f32,
    pub lr: f32,
}

/// A byte image set: `rows × cols` pixels and one label per row.
#[derive(Clone, Debug, Default)]
pub struct Data {
    pub images: Vec<u8>,
    pub labels: Vec<u8>,
    pub rows: usize,
    pub cols: usize,
}

impl Data {
    pub fn new(images: Vec<u8>, labels: Vec<u8>, rows: usize, cols: usize, classes: usize) -> Result<Data, KernelError> {
        if images.len() != crate::error::size_product("images", rows, cols)? {
            return Err(KernelError::Invalid(format!("{} image bytes for {rows} rows of {cols}", images.len())));
        }
        if labels.len() != rows {
            return Err(KernelError::Invalid(format!("{} labels for {rows} images", labels.len())));
        }
        if let Some((row, &label)) = labels.iter().enumerate().find(|(_, &y)| y as usize >= classes) {
            return Err(KernelError::Label { row, label: label as u32, classes });
        }
        Ok(Data { images, labels, rows, cols })
    }
}

pub struct Trainer {
    pub config: TrainConfig,
    pub model: Mlp,
    /// Optimizer slots per tensor of W, b (in layer order).
    slots: Vec<[Vec<f32>; 2]>,
    /// Adam's β₁ᵗ, β₂ᵗ, kept as running products.
    beta_powers: (f32, f32),
    pub step: u64,
    pub epoch: u32,
    /// Position within the epoch's order.
    pub cursor: usize,
    order: Vec<u32>,
    shuffle: Xoshiro128,
    train: Option<Data>,
    /// Rows of the training set, kept apart because `run` holds the data outside `self`.
    train_rows: usize,
    test: Option<Data>,
    ws: Workspace,
    grads: Gradients,
    batch_labels: Vec<u8>,
    loss_sum: f64,
    loss_batches: u64,
    pub evolution: EvolutionState,
    /// Participation variables per hidden layer (empty unless configured).
    pub participation: Vec<Vec<f32>>,
}

impl TrainConfig {
    /// Refuses every hyper-parameter outside its range, naming the field (the same rules as the
    /// TypeScript schema, so the kernels are safe to call directly).
    pub fn validate(&self) -> Result<(), KernelError> {
        if self.batch == 0 {
            return Err(KernelError::Config("batch: 0 is out of range (must be ≥ 1)".into()));
        }
        match self.optimizer {
            Optimizer::Sgd { lr, momentum, weight_decay } => {
                range("optimizer.lr", lr, lr > 0.0, "must be > 0")?;
                range("optimizer.momentum", momentum, (0.0..1.0).contains(&momentum), "must be in [0, 1)")?;
                range("optimizer.weightDecay", weight_decay, weight_decay >= 0.0, "must be ≥ 0")?;
            }
            Optimizer::Adam { lr, beta1, beta2, eps, weight_decay } => {
                range("optimizer.lr", lr, lr > 0.0, "must be > 0")?;
                range("optimizer.beta1", beta1, (0.0..1.0).contains(&beta1), "must be in [0, 1)")?;
                range("optimizer.beta2", beta2, (0.0..1.0).contains(&beta2), "must be in [0, 1)")?;
                range("optimizer.eps", eps, eps > 0.0, "must be > 0")?;
                range("optimizer.weightDecay", weight_decay, weight_decay >= 0.0, "must be ≥ 0")?;
            }
        }
        if let Schedule::Cosine { epochs: 0 } = self.schedule {
            return Err(KernelError::Config("schedule.epochs: 0 is out of range (must be ≥ 1)".into()));
        }
        range("initialMass", self.initial_mass, self.initial_mass > 0.0, "must be > 0")?;
        let e = &self.evolution;
        range("evolution.eta", e.params.eta, e.params.eta >= 0.0, "must be ≥ 0")?;
        range("evolution.mu", e.params.mu, e.params.mu >= 0.0, "must be ≥ 0")?;
        range("evolution.rho", e.rho, (0.0..1.0).contains(&e.rho), "must be in [0, 1)")?;
        range("evolution.epsilon", e.epsilon, e.epsilon > 0.0, "must be > 0")?;
        if e.interval == 0 {
            return Err(KernelError::Config("evolution.interval: 0 is out of range (must be ≥ 1)".into()));
        }
        if let Some(p) = self.participation {
            range("participation.alpha", p.alpha, true, "must be finite")?;
            range("participation.beta", p.beta, p.beta >= 0.0, "must be ≥ 0")?;
            range("participation.gamma", p.gamma, p.gamma >= 0.0, "must be ≥ 0")?;
            range("participation.lr", p.lr, p.lr > 0.0, "must be > 0")?;
        }
        Ok(())
    }

    /// Bytes of wasm memory a trainer of this configuration uses for `train_rows` and
    /// `test_rows` images of `inputs` bytes: model, optimizer slots, gradients, evolution and
    /// participation state, the batch workspace (at least 256 rows, for evaluation), and the data
    /// with its epoch order. `None` when a size product overflows.
    pub fn memory_bytes(&self, train_rows: usize, test_rows: usize) -> Option<u64> {
        // In u64 whatever the platform, so that an impossible configuration still gets a number.
        let sizes: Vec<u64> = self.sizes.iter().map(|&s| s as u64).collect();
        if sizes.len() < 2 {
            return None;
        }
        let (inputs, classes) = (sizes[0], sizes[sizes.len() - 1]);
        let hidden: u64 = sizes[1..sizes.len() - 1].iter().sum();
        let widest = *sizes.iter().max()?;
        let mut weights = 0u64;
        let mut largest = 0u64;
        for w in sizes.windows(2) {
            let n = w[0].checked_mul(w[1])?;
            weights = weights.checked_add(n)?;
            largest = largest.max(n);
        }
        let floats = weights.checked_add(sizes[1..].iter().sum::<u64>())?.checked_add(hidden)?;
        // Model, gradients, optimizer slots; evolution (2 per population) and participation (1).
        let state = floats.checked_mul(2 + self.optimizer.slots() as u64)?.checked_add(3 * hidden)?;
        // Workspace: input, two buffers per hidden layer, logits, two deltas per row, packing.
        let rows = self.batch.max(256) as u64;
        let per_row = inputs.checked_add(2 * hidden)?.checked_add(classes)?.checked_add(2 * widest)?;
        let workspace = per_row.checked_mul(rows)?.checked_add(largest.max(widest.checked_mul(rows)?))?;
        let data = (train_rows as u64 + test_rows as u64).checked_mul(inputs + 1)?.checked_add(4 * train_rows as u64)?;
        state.checked_add(workspace)?.checked_mul(4)?.checked_add(data)
    }

    /// Refuses a configuration that would need more than [`TRAINER_MEMORY_LIMIT`].
    pub fn check_memory(&self, train_rows: usize, test_rows: usize) -> Result<(), KernelError> {
        let gib = |b: u64| b as f64 / (1u64 << 30) as f64;
        match self.memory_bytes(train_rows, test_rows) {
            Some(bytes) if bytes <= TRAINER_MEMORY_LIMIT => Ok(()),
            needed => Err(KernelError::Limit(format!(
                "layer sizes {:?} with batch {} need {} of wasm memory; a trainer may use at most {} GiB: use narrower hidden layers or a smaller batch",
                self.sizes,
                self.batch,
                needed.map_or("more than 2^64 bytes".to_string(), |b| format!("{:.1} GiB", gib(b))),
                gib(TRAINER_MEMORY_LIMIT)
            ))),
        }
    }
}

impl Trainer {
    pub fn new(config: TrainConfig) -> Result<Trainer, KernelError> {
        config.validate()?;
        if config.sizes.len() < 2 || config.sizes.contains(&0) {
            return Err(KernelError::Config(format!("sizes: {:?} must be at least [inputs, classes], all positive", config.sizes)));
        }
        config.check_memory(0, 0)?;
        let model = Mlp::new(&config.sizes, config.seed, config.initial_mass)?;
        let slots = model
            .layers
            .iter()
            .flat_map(|l| [l.weights.len(), l.bias.len()])
            .map(|n| [vec![0.0; n], vec![0.0; if config.optimizer.slots() == 2 { n } else { 0 }]])
            .collect();
        let ws = Workspace::new(&model, config.batch.max(256))?;
        let grads = Gradients::zeros(&model);
        let widths: Vec<usize> = model.masses.iter().map(|m| m.len()).collect();
        Ok(Trainer {
            evolution: EvolutionState::new(&widths),
            participation: if config.participation.is_some() { widths.iter().map(|&n| vec![1.0; n]).collect() } else { Vec::new() },
            shuffle: Xoshiro128::new(config.seed, STREAM_SHUFFLE),
            model,
            slots,
            beta_powers: (1.0, 1.0),
            step: 0,
            epoch: 0,
            cursor: 0,
            order: Vec::new(),
            train: None,
            train_rows: 0,
            test: None,
            ws,
            grads,
            batch_labels: vec![0; config.batch],
            loss_sum: 0.0,
            loss_batches: 0,
            config,
        })
    }

    fn check_data(&self, data: &Data) -> Result<(), KernelError> {
        if data.cols != self.model.inputs() {
            return Err(KernelError::Invalid(format!(
                "images have {} values each but the model's input layer has {}",
                data.cols,
                self.model.inputs()
            )));
        }
        Ok(())
    }

    pub fn set_train(&mut self, data: Data) -> Result<(), KernelError> {
        self.check_data(&data)?;
        if !self.order.is_empty() && self.order.len() != data.rows {
            return Err(KernelError::Invalid(format!(
                "the state's epoch order covers {} rows but the training set has {}",
                self.order.len(),
                data.rows
            )));
        }
        self.train_rows = data.rows;
        self.train = Some(data);
        Ok(())
    }

    pub fn set_test(&mut self, data: Data) -> Result<(), KernelError> {
        self.check_data(&data)?;
        self.test = Some(data);
        Ok(())
    }

    pub fn train_rows(&self) -> usize {
        self.train_rows
    }

    pub fn batches_per_epoch(&self) -> usize {
        self.train_rows().div_ceil(self.config.batch)
    }

    fn learning_rate(&self) -> f32 {
        let lr = self.config.optimizer.lr();
        match self.config.schedule {
            Schedule::Constant => lr,
            Schedule::Cosine { epochs } => {
                let total = (epochs as u64 * self.batches_per_epoch() as u64).max(1);
                let t = self.step.min(total) as f32 / total as f32;
                lr * 0.5 * (1.0 + libm::cosf(core::f32::consts::PI * t))
            }
        }
    }

    /// Runs up to `max_batches` batches, stopping early at the end of an epoch. Returns how
    /// many ran. The last batch of an epoch holds the remaining rows (it may be smaller).
    pub fn run(&mut self, max_batches: usize) -> Result<usize, KernelError> {
        let train = self.train.take().ok_or_else(|| KernelError::Invalid("no training data set".into()))?;
        let result = self.run_on(&train, max_batches);
        self.train = Some(train);
        result
    }

    fn run_on(&mut self, train: &Data, max_batches: usize) -> Result<usize, KernelError> {
        if train.rows == 0 {
            return Err(KernelError::Invalid("the training set is empty".into()));
        }
        let mut done = 0;
        while done < max_batches {
            if self.cursor == 0 {
                self.order.clear();
                self.order.extend(0..train.rows as u32);
                self.shuffle.shuffle(&mut self.order);
            }
            let rows = (train.rows - self.cursor).min(self.config.batch);
            let indices = &self.order[self.cursor..self.cursor + rows];
            self.ws.gather(&train.images, train.cols, indices)?;
            for (slot, &idx) in self.batch_labels.iter_mut().zip(indices) {
                *slot = train.labels[idx as usize];
            }
            let loss = forward_backward(&self.model, &mut self.ws, &self.batch_labels[..rows], &mut self.grads)?;
            if !loss.is_finite() {
                return Err(KernelError::Invalid(format!("the loss became {loss} at step {} (lower the learning rate?)", self.step + 1)));
            }
            self.track_participation();
            self.apply_gradients()?;
            self.step += 1;
            let alive_before = self.model.alive_counts();
            let lr_factor = self.learning_rate() / self.config.optimizer.lr();
            self.evolution.step(&self.config.evolution, self.step, lr_factor, &mut self.model.masses, &self.grads.masses);
            if self.model.alive_counts() != alive_before {
                self.clear_extinct();
            }
            self.loss_sum += loss;
            self.loss_batches += 1;
            done += 1;
            self.cursor += rows;
            if self.cursor == train.rows {
                self.cursor = 0;
                self.epoch += 1;
                break;
            }
        }
        Ok(done)
    }

    /// Zeroes the parameters and optimizer state that only extinct populations use: their
    /// incoming weights and bias and their outgoing weights. They can no longer affect the loss
    /// (their output is 0 for good and their gradients are 0), so this changes no prediction; it
    /// keeps momentum from decaying through subnormal floats, which are slow on every CPU.
    fn clear_extinct(&mut self) {
        for l in 0..self.model.masses.len() {
            for i in 0..self.model.masses[l].len() {
                if self.model.masses[l][i] != 0.0 {
                    continue;
                }
                let outputs = self.model.layers[l].outputs;
                for r in 0..self.model.layers[l].inputs {
                    self.model.layers[l].weights[r * outputs + i] = 0.0;
                    for slot in self.slots[2 * l].iter_mut().filter(|s| !s.is_empty()) {
                        slot[r * outputs + i] = 0.0;
                    }
                }
                self.model.layers[l].bias[i] = 0.0;
                for slot in self.slots[2 * l + 1].iter_mut().filter(|s| !s.is_empty()) {
                    slot[i] = 0.0;
                }
                let next = self.model.layers[l + 1].outputs;
                self.model.layers[l + 1].weights[i * next..(i + 1) * next].fill(0.0);
                for slot in self.slots[2 * (l + 1)].iter_mut().filter(|s| !s.is_empty()) {
                    slot[i * next..(i + 1) * next].fill(0.0);
                }
            }
        }
    }

    /// Participation update from this step's gradients (before the optimizer moves θ).
    fn track_participation(&mut self) {
        let Some(p) = self.config.participation else { return };
        for (l, s) in self.participation.iter_mut().enumerate() {
            let layer = &self.model.layers[l];
            let (gw, gb) = (&self.grads.weights[l], &self.grads.bias[l]);
            for (i, si) in s.iter_mut().enumerate() {
                let (mut dot, mut norm) = (gb[i] as f64 * layer.bias[i] as f64, layer.bias[i] as f64 * layer.bias[i] as f64);
                for r in 0..layer.inputs {
                    let w = layer.weights[r * layer.outputs + i] as f64;
                    dot += gw[r * layer.outputs + i] as f64 * w;
                    norm += w * w;
                }
                let benefit = -(p.alpha as f64) * dot;
                let ascent = benefit - 2.0 * p.beta as f64 * norm * *si as f64 - p.gamma as f64;
                *si = (*si + p.lr * ascent as f32).clamp(0.0, 1.0);
            }
        }
    }

    fn apply_gradients(&mut self) -> Result<(), KernelError> {
        let opt = &self.config.optimizer;
        if let Optimizer::Adam { beta1, beta2, .. } = *opt {
            self.beta_powers = (self.beta_powers.0 * beta1, self.beta_powers.1 * beta2);
        }
        let scalars = StepScalars {
            lr: self.learning_rate(),
            correction1: 1.0 - self.beta_powers.0,
            correction2: 1.0 - self.beta_powers.1,
        };
        for (l, layer) in self.model.layers.iter_mut().enumerate() {
            let [s1, s2] = &mut self.slots[2 * l];
            update(opt, scalars, &mut layer.weights, &self.grads.weights[l], s1, s2)?;
            let [s1, s2] = &mut self.slots[2 * l + 1];
            update(opt, scalars, &mut layer.bias, &self.grads.bias[l], s1, s2)?;
        }
        Ok(())
    }

    /// Mean training loss of the batches since the last call.
    pub fn take_train_loss(&mut self) -> f64 {
        let mean = if self.loss_batches == 0 { f64::NAN } else { self.loss_sum / self.loss_batches as f64 };
        self.loss_sum = 0.0;
        self.loss_batches = 0;
        mean
    }

    pub fn evaluate(&mut self, split: Split) -> Result<Evaluation, KernelError> {
        let data = match split {
            Split::Train => self.train.as_ref(),
            Split::Test => self.test.as_ref(),
        }
        .ok_or_else(|| KernelError::Invalid(format!("no {} data set", split.name())))?;
        evaluate(&self.model, &mut self.ws, &data.images, &data.labels)
    }

    /// Loss and gradients of one batch of byte images, without changing any state
    /// (for gradient checks): `[loss, …gradients in the order of Mlp::tensors]`.
    pub fn gradients(&mut self, images: &[u8], labels: &[u8]) -> Result<Vec<f32>, KernelError> {
        let cols = self.model.inputs();
        let data = Data::new(images.to_vec(), labels.to_vec(), labels.len(), cols, self.model.classes())?;
        let mut ws = Workspace::new(&self.model, data.rows.max(1))?;
        let indices: Vec<u32> = (0..data.rows as u32).collect();
        ws.gather(&data.images, cols, &indices)?;
        let mut grads = Gradients::zeros(&self.model);
        let loss = forward_backward(&self.model, &mut ws, &data.labels, &mut grads)?;
        let mut out = vec![loss as f32];
        out.extend(grads.flatten());
        Ok(out)
    }

    /// All of W, b, m in the order of [`Mlp::tensors`].
    pub fn parameters(&self) -> Vec<f32> {
        self.model.tensors().concat()
    }

    pub fn set_parameters(&mut self, values: &[f32]) -> Result<(), KernelError> {
        let total: usize = self.model.tensors().iter().map(|t| t.len()).sum();
        if values.len() != total {
            return Err(KernelError::Shape { what: "parameters", expected: total, actual: values.len() });
        }
        let mut at = 0;
        for t in self.model.tensors_mut() {
            t.copy_from_slice(&values[at..at + t.len()]);
            at += t.len();
        }
        Ok(())
    }

    /// The whole training state: configuration, model, optimizer, PRNG, data cursor.
    pub fn state(&self) -> Vec<u8> {
        let mut w = Writer::default();
        w.raw(STATE_MAGIC);
        w.u32s(&self.config.sizes.iter().map(|&s| s as u32).collect::<Vec<_>>());
        w.u64(self.config.seed);
        w.u64(self.config.batch as u64);
        w.u32(self.config.optimizer.slots() as u32);
        w.u64(self.step);
        w.u32(self.epoch);
        w.u64(self.cursor as u64);
        w.u32s(&self.shuffle.state);
        w.u32s(&self.order);
        w.f32(self.beta_powers.0);
        w.f32(self.beta_powers.1);
        for t in self.model.tensors() {
            w.f32s(t);
        }
        for [s1, s2] in &self.slots {
            w.f32s(s1);
            w.f32s(s2);
        }
        for v in self.evolution.smoothed.iter().chain(&self.evolution.standardised).chain(&self.participation) {
            w.f32s(v);
        }
        w.bytes
    }

    /// Restores [`Self::state`] bytes taken from a trainer with the same configuration.
    pub fn load_state(&mut self, bytes: &[u8]) -> Result<(), KernelError> {
        let mut r = Reader::new(bytes);
        if r.raw(STATE_MAGIC.len(), "header")? != STATE_MAGIC {
            return Err(KernelError::Invalid("not an evoprune state (bad header or version)".into()));
        }
        let sizes: Vec<usize> = r.u32s("layer sizes")?.into_iter().map(|s| s as usize).collect();
        let (seed, batch, slots) = (r.u64("seed")?, r.u64("batch")? as usize, r.u32("optimizer")? as usize);
        if sizes != self.config.sizes || seed != self.config.seed || batch != self.config.batch || slots != self.config.optimizer.slots() {
            return Err(KernelError::Invalid(format!(
                "the state was saved with sizes {sizes:?}, seed {seed}, batch {batch}; this trainer has sizes {:?}, seed {}, batch {}",
                self.config.sizes, self.config.seed, self.config.batch
            )));
        }
        let mut next = Trainer::new(self.config.clone())?;
        next.step = r.u64("step")?;
        next.epoch = r.u32("epoch")?;
        next.cursor = r.u64("cursor")? as usize;
        let rng: [u32; 4] = r.u32s("shuffle PRNG")?.try_into().map_err(|_| KernelError::Invalid("bad PRNG state".into()))?;
        next.shuffle.state = rng;
        next.order = r.u32s("epoch order")?;
        next.beta_powers = (r.f32("beta1 power")?, r.f32("beta2 power")?);
        for t in next.model.tensors_mut() {
            r.f32s_into(t, "model tensor")?;
        }
        for [s1, s2] in next.slots.iter_mut() {
            r.f32s_into(s1, "optimizer state")?;
            r.f32s_into(s2, "optimizer state")?;
        }
        for v in next.evolution.smoothed.iter_mut().chain(next.evolution.standardised.iter_mut()).chain(next.participation.iter_mut()) {
            r.f32s_into(v, "evolution state")?;
        }
        r.finish()?;
        if next.cursor > 0 && next.cursor >= next.order.len() {
            return Err(KernelError::Invalid("the state's data cursor is past its epoch order".into()));
        }
        next.train_rows = self.train_rows;
        next.train = self.train.take();
        next.test = self.test.take();
        if let Some(train) = &next.train {
            if next.cursor > 0 && next.order.len() != train.rows {
                let message = format!("the state's epoch order covers {} rows but the training set has {}", next.order.len(), train.rows);
                self.train = next.train.take();
                self.test = next.test.take();
                return Err(KernelError::Invalid(message));
            }
        }
        *self = next;
        Ok(())
    }

    /// SHA-256 of [`Self::state`], as lowercase hex.
    pub fn state_hash(&self) -> String {
        Sha256::digest(self.state()).iter().map(|b| format!("{b:02x}")).collect()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Split {
    Train,
    Test,
}

impl Split {
    pub fn name(self) -> &'static str {
        match self {
            Split::Train => "train",
            Split::Test => "test",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A learnable toy problem: the class is which quarter of the row holds the brightest pixel.
    fn toy(rows: usize, seed: u64) -> Data {
        let cols = 16;
        let mut rng = Xoshiro128::new(seed, 7);
        let mut images = vec![0u8; rows * cols];
        let mut labels = vec![0u8; rows];
        for r in 0..rows {
            for c in 0..cols {
                images[r * cols + c] = (rng.below(100)) as u8;
            }
            let class = rng.below(4) as usize;
            images[r * cols + class * 4 + rng.below(4) as usize] = 255;
            labels[r] = class as u8;
        }
        Data::new(images, labels, rows, cols, 4).unwrap()
    }

    fn config(seed: u64) -> TrainConfig {
        TrainConfig {
            sizes: vec![16, 12, 8, 4],
            seed,
            batch: 10,
            optimizer: Optimizer::Sgd { lr: 0.1, momentum: 0.9, weight_decay: 0.0 },
            schedule: Schedule::Constant,
            initial_mass: 1.0,
            evolution: EvolutionConfig::dense(),
            participation: None,
        }
    }

    fn trained(seed: u64, batches: usize) -> Trainer {
        let mut t = Trainer::new(config(seed)).unwrap();
        t.set_train(toy(95, 1)).unwrap();
        let mut left = batches;
        while left > 0 {
            left -= t.run(left).unwrap();
        }
        t
    }

    #[test]
    fn learns_the_toy_problem() {
        let mut t = trained(0, 400);
        t.set_test(toy(200, 2)).unwrap();
        let e = t.evaluate(Split::Test).unwrap();
        assert!(e.correct as f64 / e.rows as f64 > 0.9, "{e:?}");
        assert_eq!(e.confusion.iter().sum::<u32>(), 200);
    }

    #[test]
    fn cosine_schedule_follows_the_step_count() {
        // Over 1000 epochs the first 30 steps run at ≈ the full rate, like a constant schedule.
        let mut slow = Trainer::new(TrainConfig { schedule: Schedule::Cosine { epochs: 1000 }, ..config(0) }).unwrap();
        let mut constant = Trainer::new(config(0)).unwrap();
        for t in [&mut slow, &mut constant] {
            t.set_train(toy(95, 1)).unwrap();
            let mut left = 30;
            while left > 0 {
                left -= t.run(left).unwrap();
            }
        }
        let gap = slow.parameters().iter().zip(constant.parameters()).map(|(a, b)| (a - b).abs()).fold(0.0f32, f32::max);
        assert!(gap < 1e-3, "cosine over 1000 epochs drifted {gap} from constant in 30 steps");
        let expected = 0.1 * 0.5 * (1.0 + (std::f32::consts::PI * 30.0 / 10_000.0).cos());
        assert!((slow.learning_rate() - expected).abs() < 1e-7);

        // Over 2 epochs the rate reaches 0 at the end.
        let mut short = Trainer::new(TrainConfig { schedule: Schedule::Cosine { epochs: 2 }, ..config(0) }).unwrap();
        short.set_train(toy(95, 1)).unwrap();
        while short.epoch < 2 {
            short.run(100).unwrap();
        }
        assert!(short.learning_rate().abs() < 1e-6);
    }

    #[test]
    fn epochs_cover_every_row_once_with_a_short_last_batch() {
        let mut t = Trainer::new(config(0)).unwrap();
        t.set_train(toy(95, 1)).unwrap();
        assert_eq!(t.batches_per_epoch(), 10);
        assert_eq!(t.run(100).unwrap(), 10, "stops at the epoch's end");
        assert_eq!((t.epoch, t.cursor, t.step), (1, 0, 10));
    }

    #[test]
    fn same_seed_same_state_and_resume_is_exact() {
        let a = trained(5, 37);
        let b = trained(5, 37);
        assert_eq!(a.state_hash(), b.state_hash());
        assert_ne!(a.state_hash(), trained(6, 37).state_hash());

        // Stop after 13 batches (mid-epoch), restore into a fresh trainer, go on to 37.
        let partial = trained(5, 13);
        let mut resumed = Trainer::new(config(5)).unwrap();
        resumed.set_train(toy(95, 1)).unwrap();
        resumed.load_state(&partial.state()).unwrap();
        let mut left = 24;
        while left > 0 {
            left -= resumed.run(left).unwrap();
        }
        assert_eq!(resumed.state_hash(), a.state_hash());
    }

    #[test]
    fn evolution_creates_extinction_deterministically_and_resumes_exactly() {
        use crate::evolution::{dynamic_index, DynamicParams, Fitness};
        let evolving = |seed| TrainConfig {
            evolution: EvolutionConfig {
                fitness: Fitness::Gradient,
                dynamic: dynamic_index("replicator").unwrap(),
                params: DynamicParams { eta: 0.2, mu: 0.0 },
                rho: 0.9,
                epsilon: 1e-3,
                interval: 1,
                warmup: 5,
                anneal: false,
            },
            participation: Some(ParticipationConfig { alpha: 1.0, beta: 1e-4, gamma: 1e-4, lr: 0.5 }),
            ..config(seed)
        };
        let run = |batches: usize, from: Option<Vec<u8>>| {
            let mut t = Trainer::new(evolving(3)).unwrap();
            t.set_train(toy(95, 1)).unwrap();
            if let Some(bytes) = from {
                t.load_state(&bytes).unwrap();
            }
            let mut left = batches;
            while left > 0 {
                left -= t.run(left).unwrap();
            }
            t
        };
        let a = run(300, None);
        let extinct: usize = a.model.masses.iter().flatten().filter(|&&m| m == 0.0).count();
        assert!(extinct > 0, "η = 0.2 for 300 steps drives some populations extinct");
        for m in &a.model.masses {
            let alive: Vec<f32> = m.iter().copied().filter(|&x| x > 0.0).collect();
            assert!(alive.iter().all(|&x| x >= 1e-3));
            assert!((m.iter().sum::<f32>() - alive.len() as f32).abs() < 1e-3, "mean mass of the living stays 1");
        }
        assert!(a.participation.iter().flatten().all(|s| (0.0..=1.0).contains(s)));
        // Extinct populations' weights and optimizer state are cleared.
        let (l, i) = (0..2).flat_map(|l| (0..a.model.masses[l].len()).map(move |i| (l, i))).find(|&(l, i)| a.model.masses[l][i] == 0.0).unwrap();
        let next = &a.model.layers[l + 1];
        assert!(next.weights[i * next.outputs..(i + 1) * next.outputs].iter().all(|&w| w == 0.0));
        assert_eq!(a.model.layers[l].bias[i], 0.0);
        assert_eq!(a.state_hash(), run(300, None).state_hash());
        let half = run(123, None);
        assert_eq!(run(177, Some(half.state())).state_hash(), a.state_hash());
    }

    #[test]
    fn out_of_range_settings_and_oversized_models_are_refused_by_name() {
        let refuse = |c: TrainConfig, want: &str| {
            let error = Trainer::new(c).err().expect("refused").to_string();
            assert!(error.contains(want), "{error} should name {want}");
        };
        let sgd = |lr: f32| Optimizer::Sgd { lr, momentum: 0.9, weight_decay: 0.0 };
        refuse(TrainConfig { optimizer: sgd(0.0), ..config(0) }, "optimizer.lr: 0");
        refuse(TrainConfig { optimizer: sgd(f32::NAN), ..config(0) }, "optimizer.lr: NaN");
        refuse(TrainConfig { optimizer: Optimizer::Adam { lr: 0.01, beta1: 1.0, beta2: 0.999, eps: 1e-8, weight_decay: 0.0 }, ..config(0) }, "optimizer.beta1: 1");
        let evolving = |f: &dyn Fn(&mut EvolutionConfig)| {
            let mut e = EvolutionConfig::dense();
            f(&mut e);
            TrainConfig { evolution: e, ..config(0) }
        };
        refuse(evolving(&|e| e.rho = 1.5), "evolution.rho: 1.5");
        refuse(evolving(&|e| e.params.eta = -3.0), "evolution.eta: -3");
        refuse(evolving(&|e| e.epsilon = -1.0), "evolution.epsilon: -1");
        refuse(evolving(&|e| e.params.mu = -0.1), "evolution.mu: -0.1");
        refuse(TrainConfig { batch: 0, ..config(0) }, "batch: 0");
        refuse(TrainConfig { initial_mass: 0.0, ..config(0) }, "initialMass: 0");
        // Too big for a wasm32 trainer: a named limit error, not an allocation failure.
        for c in [TrainConfig { sizes: vec![784, 65536, 65536, 10], ..config(0) }, TrainConfig { sizes: vec![784, 100_000, 100_000, 10], ..config(0) }, TrainConfig { batch: 100_000_000, ..config(0) }] {
            let error = Trainer::new(c).err().expect("refused");
            assert_eq!(error.kind(), "limit", "{error}");
            assert!(error.to_string().contains("a trainer may use at most"), "{error}");
        }
    }

    #[test]
    fn foreign_or_truncated_state_is_refused() {
        let a = trained(5, 3);
        let mut other = Trainer::new(TrainConfig { seed: 9, ..config(5) }).unwrap();
        assert!(other.load_state(&a.state()).unwrap_err().to_string().contains("seed 5"));
        let bytes = a.state();
        let mut same = Trainer::new(config(5)).unwrap();
        assert!(same.load_state(&bytes[..bytes.len() - 3]).unwrap_err().to_string().contains("truncated"));
        assert!(same.load_state(b"garbage").is_err());
    }
}
