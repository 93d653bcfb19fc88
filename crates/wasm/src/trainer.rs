//! The `Trainer` handle: the whole training loop runs in wasm; JavaScript calls one function per
//! chunk of batches and receives small results.

use evoprune_core as k;
use k::evolution::{dynamic_index, DynamicParams, EvolutionConfig, Fitness};
use k::model::optim::Optimizer;
use k::prune::{Score, Scope};
use k::train::{Data, ParticipationConfig, Schedule, Split, TrainConfig};
use serde::Deserialize;
use wasm_bindgen::prelude::*;

use crate::{config_error, js_err};
use crate::model::Model;

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
    #[serde(default)]
    evolution: Option<EvolutionJson>,
    #[serde(default)]
    participation: Option<ParticipationJson>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct EvolutionJson {
    fitness: String,
    dynamic: String,
    eta: f32,
    #[serde(default)]
    mu: f32,
    rho: f32,
    epsilon: f32,
    interval: u32,
    #[serde(default)]
    warmup: u64,
    #[serde(default)]
    anneal: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ParticipationJson {
    alpha: f32,
    beta: f32,
    gamma: f32,
    lr: f32,
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

pub(crate) fn parse_scope(scope: &str) -> Result<Scope, JsValue> {
    match scope {
        "global" => Ok(Scope::Global),
        "layer" => Ok(Scope::PerLayer),
        other => Err(config_error(format!("pruning scope \"{other}\" is not one of global, layer"))),
    }
}

fn parse_split(split: &str) -> Result<Split, JsValue> {
    match split {
        "train" => Ok(Split::Train),
        "test" => Ok(Split::Test),
        other => Err(config_error(format!("split \"{other}\" is not one of train, test"))),
    }
}

impl EvolutionJson {
    fn build(self) -> Result<EvolutionConfig, JsValue> {
        Ok(EvolutionConfig {
            fitness: Fitness::parse(&self.fitness).map_err(js_err)?,
            dynamic: dynamic_index(&self.dynamic).map_err(js_err)?,
            params: DynamicParams { eta: self.eta, mu: self.mu },
            rho: self.rho,
            epsilon: self.epsilon,
            interval: self.interval,
            warmup: self.warmup,
            anneal: self.anneal,
        })
    }
}

/// One evolution step of a single layer, for tests and tools: `config` is the `evolution` JSON of
/// the trainer; returns `[…masses, …smoothed F, …standardised F̃]` after optimizer step `step`.
#[wasm_bindgen]
pub fn evolution_step(config: &str, step: f64, masses: &[f32], mass_grads: &[f32], smoothed: &[f32]) -> Result<Vec<f32>, JsValue> {
    let e: EvolutionJson = serde_json::from_str(config).map_err(|e| config_error(format!("evolution config: {e}")))?;
    let config = e.build()?;
    if mass_grads.len() != masses.len() || smoothed.len() != masses.len() {
        return Err(js_err(k::KernelError::Shape("evolution_step: masses, gradients and smoothed fitness must have the same length".into())));
    }
    let mut state = k::evolution::EvolutionState::new(&[masses.len()]);
    state.smoothed[0].copy_from_slice(smoothed);
    let mut m = vec![masses.to_vec()];
    state.step(&config, step as u64, 1.0, &mut m, &[mass_grads.to_vec()]);
    let mut out = m.remove(0);
    out.extend_from_slice(&state.smoothed[0]);
    out.extend_from_slice(&state.standardised[0]);
    Ok(out)
}

/// The kernels' configuration from the trainer's JSON.
fn parse_config(config: &str) -> Result<TrainConfig, JsValue> {
    let c: ConfigJson = serde_json::from_str(config).map_err(|e| config_error(format!("trainer config: {e}")))?;
    let optimizer = match c.optimizer {
        OptimizerJson::Sgd { lr, momentum, weight_decay } => Optimizer::Sgd { lr, momentum, weight_decay },
        OptimizerJson::Adam { lr, beta1, beta2, eps, weight_decay } => Optimizer::Adam { lr, beta1, beta2, eps, weight_decay },
    };
    let schedule = match c.schedule {
        ScheduleJson::Constant => Schedule::Constant,
        ScheduleJson::Cosine { epochs } => Schedule::Cosine { epochs },
    };
    let evolution = match c.evolution {
        None => EvolutionConfig::dense(),
        Some(e) => e.build()?,
    };
    let participation = c.participation.map(|p| ParticipationConfig { alpha: p.alpha, beta: p.beta, gamma: p.gamma, lr: p.lr });
    Ok(TrainConfig { sizes: c.sizes, seed: c.seed, batch: c.batch, optimizer, schedule, initial_mass: c.initial_mass, evolution, participation })
}

/// Checks a trainer configuration (every range, and the memory it needs with `train_rows` and
/// `test_rows` images) before any data is copied in; returns the bytes it needs.
#[wasm_bindgen]
pub fn trainer_memory_check(config: &str, train_rows: usize, test_rows: usize) -> Result<f64, JsValue> {
    let config = parse_config(config)?;
    config.validate().map_err(js_err)?;
    config.check_memory(train_rows, test_rows).map_err(js_err)?;
    Ok(config.memory_bytes(train_rows, test_rows).unwrap_or(u64::MAX) as f64)
}

#[wasm_bindgen]
pub struct Trainer {
    inner: k::train::Trainer,
}

#[wasm_bindgen]
impl Trainer {
    /// `config` is JSON: `{ sizes, seed, batch, optimizer: { kind: "sgd", lr, momentum } |
    /// { kind: "adam", lr, beta1, beta2, eps }, schedule?: { kind: "constant" } |
    /// { kind: "cosine", epochs }, initialMass? }`.
    #[wasm_bindgen(constructor)]
    pub fn new(config: &str) -> Result<Trainer, JsValue> {
        Ok(Trainer { inner: k::train::Trainer::new(parse_config(config)?).map_err(js_err)? })
    }

    /// Copies a byte image set into wasm memory (once): `rows` images of `cols` bytes each.
    pub fn set_data(&mut self, split: &str, images: Vec<u8>, labels: Vec<u8>, rows: usize, cols: usize) -> Result<(), JsValue> {
        let data = Data::new(images, labels, rows, cols, self.inner.model().classes()).map_err(js_err)?;
        match parse_split(split)? {
            Split::Train => self.inner.set_train(data),
            Split::Test => self.inner.set_test(data),
        }
        .map_err(js_err)
    }

    /// Trains up to `max_batches` batches, stopping at the end of an epoch; returns how many ran.
    pub fn run(&mut self, max_batches: usize) -> Result<usize, JsValue> {
        self.inner.run(max_batches).map_err(js_err)
    }

    pub fn epoch(&self) -> u32 {
        self.inner.epoch()
    }
    pub fn step(&self) -> f64 {
        self.inner.step() as f64
    }
    pub fn cursor(&self) -> usize {
        self.inner.cursor()
    }
    pub fn batches_per_epoch(&self) -> usize {
        self.inner.batches_per_epoch()
    }

    /// Mean training loss of the batches since the last call (NaN if none).
    pub fn take_train_loss(&mut self) -> f64 {
        self.inner.take_train_loss()
    }

    /// `[loss, correct, rows, …confusion (classes × classes, row = label)]`.
    pub fn evaluate(&mut self, split: &str) -> Result<Vec<f64>, JsValue> {
        let e = self.inner.evaluate(parse_split(split)?).map_err(js_err)?;
        let mut out = vec![e.loss, e.correct as f64, e.rows as f64];
        out.extend(e.confusion.iter().map(|&c| c as f64));
        Ok(out)
    }

    /// `[loss, …∂loss/∂θ]` of one batch, θ in the order of `parameters()`; changes nothing.
    pub fn gradients(&mut self, images: &[u8], labels: &[u8]) -> Result<Vec<f32>, JsValue> {
        self.inner.gradients(images, labels).map_err(js_err)
    }

    /// Per layer W (inputs × outputs, row-major), b, then m for hidden layers.
    pub fn parameters(&self) -> Vec<f32> {
        self.inner.parameters()
    }

    pub fn set_parameters(&mut self, values: &[f32]) -> Result<(), JsValue> {
        self.inner.set_parameters(values).map_err(js_err)
    }

    /// Masses of hidden layer `layer`.
    pub fn masses(&self, layer: usize) -> Result<Vec<f32>, JsValue> {
        self.inner.model().masses.get(layer).cloned().ok_or_else(|| config_error(format!("no hidden layer {layer}")))
    }

    /// Living populations (mass > 0) per hidden layer.
    pub fn alive(&self) -> Vec<u32> {
        self.inner.model().masses.iter().map(|m| m.iter().filter(|&&x| x > 0.0).count() as u32).collect()
    }

    /// The last standardised fitness F̃ of hidden layer `layer` (0 for extinct populations).
    pub fn fitness(&self, layer: usize) -> Result<Vec<f32>, JsValue> {
        self.inner.evolution().standardised.get(layer).cloned().ok_or_else(|| config_error(format!("no hidden layer {layer}")))
    }

    /// Participation variables of hidden layer `layer` (empty unless tracked).
    pub fn participation(&self, layer: usize) -> Vec<f32> {
        self.inner.participation().get(layer).cloned().unwrap_or_default()
    }

    /// A copy of the current model.
    pub fn model(&self) -> Result<Model, JsValue> {
        Model::from_mlp(self.inner.model().clone())
    }

    /// The current model with `fraction` of its hidden populations removed (mass set to 0),
    /// ranked by `score` (mass, magnitude, random, participation) globally or per layer.
    pub fn pruned(&self, score: &str, fraction: f64, scope: &str) -> Result<Model, JsValue> {
        let score = Score::parse(score).map_err(js_err)?;
        let scope = parse_scope(scope)?;
        let model = &self.inner.model();
        let participation = (!self.inner.participation().is_empty()).then_some(self.inner.participation());
        let scores = k::prune::scores(model, score, self.inner.config().seed, participation).map_err(js_err)?;
        let keep = k::prune::survivors(model, &scores, fraction, scope).map_err(js_err)?;
        Model::from_mlp(k::prune::masked(model, &keep))
    }

    pub fn state(&self) -> Vec<u8> {
        self.inner.state()
    }

    pub fn load_state(&mut self, bytes: &[u8]) -> Result<(), JsValue> {
        self.inner.load_state(bytes).map_err(js_err)
    }

    pub fn state_hash(&self) -> String {
        self.inner.state_hash()
    }
}
