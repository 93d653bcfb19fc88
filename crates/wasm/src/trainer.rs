//! The `Trainer` handle: the whole training loop runs in wasm; JavaScript calls one function per
//! chunk of batches and receives small results.

use evoprune_core as k;
use wasm_bindgen::prelude::*;

use crate::config::{self, evaluation};
use crate::js_err;
use crate::model::Model;

/// One evolution step of a single layer, for tests and tools: `config` is the `evolution` JSON of
/// the trainer; returns `[…masses, …smoothed F, …standardised F̃]` after optimizer step `step`.
#[wasm_bindgen(js_name = evolution_step)]
pub fn evolution_step(config: &str, step: f64, masses: &[f32], mass_grads: &[f32], smoothed: &[f32]) -> Result<Vec<f32>, JsValue> {
    let s = k::evolution::step_layer(&config::evolution(config)?, step as u64, masses, mass_grads, smoothed).map_err(js_err)?;
    Ok([s.masses, s.smoothed, s.standardised].concat())
}

/// Checks a trainer configuration (every range, and the memory it needs with `train_rows`
/// training rows and `eval_rows` validation and test rows of `value_bytes`-byte values: 1 for
/// byte images, the default, or 4 for f32 features) before any data is copied in; returns the
/// bytes it needs.
#[wasm_bindgen(js_name = trainer_memory_check)]
pub fn trainer_memory_check(config: &str, train_rows: usize, eval_rows: usize, value_bytes: Option<u32>) -> Result<f64, JsValue> {
    let value_bytes = value_bytes.unwrap_or(1);
    if value_bytes != 1 && value_bytes != 4 {
        return Err(js_err(k::KernelError::Config(format!("value_bytes: {value_bytes} is not 1 (bytes) or 4 (f32 features)"))));
    }
    config::trainer(config)?.memory_check(train_rows, eval_rows, value_bytes as usize).map(|bytes| bytes as f64).map_err(js_err)
}

#[wasm_bindgen(js_name = Trainer)]
pub struct Trainer {
    inner: k::train::Trainer,
}

#[wasm_bindgen(js_class = Trainer)]
impl Trainer {
    /// `config` is JSON: `{ sizes, seed, batch, optimizer: { kind: "sgd", lr, momentum,
    /// weightDecay? } | { kind: "adam", lr, beta1, beta2, eps, weightDecay? }, schedule?:
    /// { kind: "constant" } | { kind: "cosine", epochs }, initialMass?, evolution?: { fitness,
    /// dynamic, eta, mu?, rho, epsilon, interval, warmup?, anneal? }, participation?: { alpha,
    /// beta, gamma, lr } }`. Without `initialMass` the masses start at the dynamic's default
    /// (`registry()`: 1, or 0.9 for `logistic`); `standardize?` (default false) fits a per-feature
    /// standardization on the training rows when they are set.
    #[wasm_bindgen(constructor)]
    pub fn new(config: &str) -> Result<Trainer, JsValue> {
        Ok(Trainer { inner: k::train::Trainer::new(config::trainer(config)?).map_err(js_err)? })
    }

    /// Copies a byte image set into wasm memory (once) as `split` (`train`, `validation` or
    /// `test`): `rows` images of `cols` bytes each.
    #[wasm_bindgen(js_name = set_data)]
    pub fn set_data(&mut self, split: &str, images: Vec<u8>, labels: Vec<u8>, rows: usize, cols: usize) -> Result<(), JsValue> {
        self.inner.set_data(config::split(split)?, images, labels, rows, cols).map_err(js_err)
    }

    /// Copies an f32 feature set into wasm memory (once) as `split`: `rows` rows of `cols`
    /// features each, every one finite.
    #[wasm_bindgen(js_name = set_features)]
    pub fn set_features(&mut self, split: &str, features: Vec<f32>, labels: Vec<u8>, rows: usize, cols: usize) -> Result<(), JsValue> {
        self.inner.set_features(config::split(split)?, features, labels, rows, cols).map_err(js_err)
    }

    /// Trains up to `max_batches` batches, stopping at the end of an epoch; returns how many ran.
    #[wasm_bindgen(js_name = run)]
    pub fn run(&mut self, max_batches: usize) -> Result<usize, JsValue> {
        self.inner.run(max_batches).map_err(js_err)
    }

    #[wasm_bindgen(js_name = epoch)]
    pub fn epoch(&self) -> u32 {
        self.inner.epoch()
    }

    #[wasm_bindgen(js_name = step)]
    pub fn step(&self) -> f64 {
        self.inner.step() as f64
    }

    #[wasm_bindgen(js_name = cursor)]
    pub fn cursor(&self) -> usize {
        self.inner.cursor()
    }

    #[wasm_bindgen(js_name = batches_per_epoch)]
    pub fn batches_per_epoch(&self) -> usize {
        self.inner.batches_per_epoch()
    }

    /// Mean training loss of the batches since the last call (NaN if none).
    #[wasm_bindgen(js_name = take_train_loss)]
    pub fn take_train_loss(&mut self) -> f64 {
        self.inner.take_train_loss()
    }

    /// `[loss, correct, rows, …confusion (classes × classes, row = label)]`.
    #[wasm_bindgen(js_name = evaluate)]
    pub fn evaluate(&mut self, split: &str) -> Result<Vec<f64>, JsValue> {
        self.inner.evaluate(config::split(split)?).map(evaluation).map_err(js_err)
    }

    /// `[loss, …∂loss/∂θ]` of one batch, θ in the order of `parameters()`; changes nothing.
    #[wasm_bindgen(js_name = gradients)]
    pub fn gradients(&mut self, images: &[u8], labels: &[u8]) -> Result<Vec<f32>, JsValue> {
        self.inner.gradients(images, labels).map_err(js_err)
    }

    /// Per layer W (inputs × outputs, row-major), b, then m for hidden layers.
    #[wasm_bindgen(js_name = parameters)]
    pub fn parameters(&self) -> Vec<f32> {
        self.inner.parameters()
    }

    #[wasm_bindgen(js_name = set_parameters)]
    pub fn set_parameters(&mut self, values: &[f32]) -> Result<(), JsValue> {
        self.inner.set_parameters(values).map_err(js_err)
    }

    /// Masses of hidden layer `layer`.
    #[wasm_bindgen(js_name = masses)]
    pub fn masses(&self, layer: usize) -> Result<Vec<f32>, JsValue> {
        self.inner.model().masses_of(layer).map(<[f32]>::to_vec).map_err(js_err)
    }

    /// Living populations (mass > 0) per hidden layer.
    #[wasm_bindgen(js_name = alive)]
    pub fn alive(&self) -> Vec<u32> {
        self.inner.model().alive_counts().into_iter().map(|n| n as u32).collect()
    }

    /// The last standardised fitness F̃ of hidden layer `layer` (0 for extinct populations).
    /// The selection strength η of each hidden layer's last update under numerics version 2 (the
    /// controller's, with a target sparsity); empty under version 1.
    #[wasm_bindgen(js_name = eta)]
    pub fn eta(&self) -> Vec<f64> {
        self.inner.eta()
    }

    #[wasm_bindgen(js_name = fitness)]
    pub fn fitness(&self, layer: usize) -> Result<Vec<f32>, JsValue> {
        self.inner.evolution().standardised_of(layer).map(<[f32]>::to_vec).map_err(js_err)
    }

    /// Participation variables of hidden layer `layer` (empty unless tracked).
    #[wasm_bindgen(js_name = participation)]
    pub fn participation(&self, layer: usize) -> Vec<f32> {
        self.inner.participation_of(layer).to_vec()
    }

    /// A copy of the current model.
    #[wasm_bindgen(js_name = model)]
    pub fn model(&self) -> Result<Model, JsValue> {
        Model::from_mlp(self.inner.model().clone())
    }

    /// The current model with `fraction` of its hidden populations removed (mass set to 0),
    /// ranked by `score` (mass, magnitude, random, participation) globally or per layer.
    #[wasm_bindgen(js_name = pruned)]
    pub fn pruned(&self, score: &str, fraction: f64, scope: &str) -> Result<Model, JsValue> {
        Model::from_mlp(self.inner.pruned(config::score(score)?, fraction, config::scope(scope)?).map_err(js_err)?)
    }

    #[wasm_bindgen(js_name = state)]
    pub fn state(&self) -> Vec<u8> {
        self.inner.state()
    }

    /// Restores `state()` bytes; with `fingerprint` (a checkpoint's `config_fingerprint()`),
    /// first refuses a state taken under another configuration.
    #[wasm_bindgen(js_name = load_state)]
    pub fn load_state(&mut self, bytes: &[u8], fingerprint: Option<String>) -> Result<(), JsValue> {
        match fingerprint {
            Some(f) => self.inner.load_state_checked(bytes, &f),
            None => self.inner.load_state(bytes),
        }
        .map_err(js_err)
    }

    /// SHA-256 of every setting the trainer was built from (recorded beside a saved state).
    #[wasm_bindgen(js_name = config_fingerprint)]
    pub fn config_fingerprint(&self) -> String {
        self.inner.config().fingerprint()
    }

    /// This epoch's training figures so far: `[loss sum, batches, correct, rows, living work]`
    /// (the last: the sum over its steps of the living network's share of the multiply-adds).
    #[wasm_bindgen(js_name = epoch_progress)]
    pub fn epoch_progress(&self) -> Vec<f64> {
        let p = self.inner.epoch_progress();
        vec![p.loss_sum, p.batches as f64, p.correct as f64, p.rows as f64, p.living_work]
    }

    /// Restores an epoch's figures when resuming mid-epoch (from a checkpoint's header).
    #[wasm_bindgen(js_name = set_epoch_progress)]
    pub fn set_epoch_progress(&mut self, loss_sum: f64, batches: f64, correct: f64, rows: f64, living_work: Option<f64>) {
        self.inner.set_epoch_progress(k::train::EpochProgress {
            loss_sum,
            batches: batches as u64,
            correct: correct as u64,
            rows: rows as u64,
            living_work: living_work.unwrap_or(0.0),
        });
    }

    /// Computes on a compacted copy once populations are extinct for good (on by default), or
    /// always on the full model: the state, its hash and the model are the same either way.
    #[wasm_bindgen(js_name = set_compaction)]
    pub fn set_compaction(&mut self, on: bool) {
        self.inner.set_compaction(on);
    }

    /// Populations per hidden layer the trainer computes on now (all of them without compaction).
    #[wasm_bindgen(js_name = working_widths)]
    pub fn working_widths(&self) -> Vec<u32> {
        self.inner.working_widths().into_iter().map(|w| w as u32).collect()
    }

    #[wasm_bindgen(js_name = state_hash)]
    pub fn state_hash(&self) -> String {
        self.inner.state_hash()
    }
}
