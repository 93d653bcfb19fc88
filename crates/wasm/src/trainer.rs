//! The `Trainer` handle: the whole training loop runs in wasm; JavaScript calls one function per
//! chunk of batches and receives small results.

use evoprune_kernels as k;
use k::optim::Optimizer;
use k::trainer::{Data, Schedule, Split, TrainConfig};
use serde::Deserialize;
use wasm_bindgen::prelude::*;

use crate::js_err;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ConfigJson {
    sizes: Vec<usize>,
    seed: u64,
    batch: usize,
    optimizer: OptimizerJson,
    #[serde(default)]
    schedule: ScheduleJson,
    #[serde(default = "one")]
    initial_mass: f32,
}

fn one() -> f32 {
    1.0
}

#[derive(Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase", deny_unknown_fields)]
enum OptimizerJson {
    #[serde(rename_all = "camelCase")]
    Sgd { lr: f32, momentum: f32, #[serde(default)] weight_decay: f32 },
    #[serde(rename_all = "camelCase")]
    Adam { lr: f32, beta1: f32, beta2: f32, eps: f32, #[serde(default)] weight_decay: f32 },
}

#[derive(Deserialize, Default)]
#[serde(tag = "kind", rename_all = "camelCase", deny_unknown_fields)]
enum ScheduleJson {
    #[default]
    Constant,
    Cosine { epochs: u32 },
}

fn parse_split(split: &str) -> Result<Split, JsError> {
    match split {
        "train" => Ok(Split::Train),
        "test" => Ok(Split::Test),
        other => Err(JsError::new(&format!("split \"{other}\" is not one of train, test"))),
    }
}

#[wasm_bindgen]
pub struct Trainer {
    inner: k::trainer::Trainer,
}

#[wasm_bindgen]
impl Trainer {
    /// `config` is JSON: `{ sizes, seed, batch, optimizer: { kind: "sgd", lr, momentum } |
    /// { kind: "adam", lr, beta1, beta2, eps }, schedule?: { kind: "constant" } |
    /// { kind: "cosine", epochs }, initialMass? }`.
    #[wasm_bindgen(constructor)]
    pub fn new(config: &str) -> Result<Trainer, JsError> {
        let c: ConfigJson = serde_json::from_str(config).map_err(|e| JsError::new(&format!("trainer config: {e}")))?;
        let optimizer = match c.optimizer {
            OptimizerJson::Sgd { lr, momentum, weight_decay } => Optimizer::Sgd { lr, momentum, weight_decay },
            OptimizerJson::Adam { lr, beta1, beta2, eps, weight_decay } => Optimizer::Adam { lr, beta1, beta2, eps, weight_decay },
        };
        let schedule = match c.schedule {
            ScheduleJson::Constant => Schedule::Constant,
            ScheduleJson::Cosine { epochs } => Schedule::Cosine { epochs },
        };
        let config = TrainConfig { sizes: c.sizes, seed: c.seed, batch: c.batch, optimizer, schedule, initial_mass: c.initial_mass };
        Ok(Trainer { inner: k::trainer::Trainer::new(config).map_err(js_err)? })
    }

    /// Copies a byte image set into wasm memory (once): `rows` images of `cols` bytes each.
    pub fn set_data(&mut self, split: &str, images: Vec<u8>, labels: Vec<u8>, rows: usize, cols: usize) -> Result<(), JsError> {
        let data = Data::new(images, labels, rows, cols, self.inner.model.classes()).map_err(js_err)?;
        match parse_split(split)? {
            Split::Train => self.inner.set_train(data),
            Split::Test => self.inner.set_test(data),
        }
        .map_err(js_err)
    }

    /// Trains up to `max_batches` batches, stopping at the end of an epoch; returns how many ran.
    pub fn run(&mut self, max_batches: usize) -> Result<usize, JsError> {
        self.inner.run(max_batches).map_err(js_err)
    }

    pub fn epoch(&self) -> u32 {
        self.inner.epoch
    }
    pub fn step(&self) -> f64 {
        self.inner.step as f64
    }
    pub fn cursor(&self) -> usize {
        self.inner.cursor
    }
    pub fn batches_per_epoch(&self) -> usize {
        self.inner.batches_per_epoch()
    }

    /// Mean training loss of the batches since the last call (NaN if none).
    pub fn take_train_loss(&mut self) -> f64 {
        self.inner.take_train_loss()
    }

    /// `[loss, correct, rows, …confusion (classes × classes, row = label)]`.
    pub fn evaluate(&mut self, split: &str) -> Result<Vec<f64>, JsError> {
        let e = self.inner.evaluate(parse_split(split)?).map_err(js_err)?;
        let mut out = vec![e.loss, e.correct as f64, e.rows as f64];
        out.extend(e.confusion.iter().map(|&c| c as f64));
        Ok(out)
    }

    /// `[loss, …∂loss/∂θ]` of one batch, θ in the order of `parameters()`; changes nothing.
    pub fn gradients(&mut self, images: &[u8], labels: &[u8]) -> Result<Vec<f32>, JsError> {
        self.inner.gradients(images, labels).map_err(js_err)
    }

    /// Per layer W (inputs × outputs, row-major), b, then m for hidden layers.
    pub fn parameters(&self) -> Vec<f32> {
        self.inner.parameters()
    }

    pub fn set_parameters(&mut self, values: &[f32]) -> Result<(), JsError> {
        self.inner.set_parameters(values).map_err(js_err)
    }

    /// Masses of hidden layer `layer`.
    pub fn masses(&self, layer: usize) -> Result<Vec<f32>, JsError> {
        self.inner.model.masses.get(layer).cloned().ok_or_else(|| JsError::new(&format!("no hidden layer {layer}")))
    }

    /// Living populations (mass > 0) per hidden layer.
    pub fn alive(&self) -> Vec<u32> {
        self.inner.model.masses.iter().map(|m| m.iter().filter(|&&x| x > 0.0).count() as u32).collect()
    }

    pub fn state(&self) -> Vec<u8> {
        self.inner.state()
    }

    pub fn load_state(&mut self, bytes: &[u8]) -> Result<(), JsError> {
        self.inner.load_state(bytes).map_err(js_err)
    }

    pub fn state_hash(&self) -> String {
        self.inner.state_hash()
    }
}
