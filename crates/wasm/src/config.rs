//! Parsing what JavaScript passes as names and JSON into the core's types. Names are looked up
//! in the core's registry; every refusal is a `config` error naming what is wrong.

use evoprune_core as k;
use k::evolution::{DynamicParams, EvolutionConfig};
use k::kernels::gemm::Op;
use k::model::mlp::Evaluation;
use k::model::optim::Optimizer;
use k::prune::{Scope, Score};
use k::registry;
use k::train::{ParticipationConfig, Schedule, Split, TrainConfig};
use serde::Deserialize;
use wasm_bindgen::JsValue;

use crate::js_err;

/// The trainer configuration, as JSON: `{ sizes, seed, batch, optimizer: { kind: "sgd", lr,
/// momentum, weightDecay? } | { kind: "adam", lr, beta1, beta2, eps, weightDecay? }, schedule?:
/// { kind: "constant" } | { kind: "cosine", epochs }, initialMass?, evolution?, participation?,
/// standardize? }`. Without `initialMass` the masses start at the registry's default for the
/// dynamic; `standardize` defaults to false.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ConfigJson {
    sizes: Vec<usize>,
    seed: u64,
    batch: usize,
    optimizer: OptimizerJson,
    #[serde(default)]
    schedule: ScheduleJson,
    #[serde(default)]
    initial_mass: Option<f32>,
    #[serde(default)]
    evolution: Option<EvolutionJson>,
    #[serde(default)]
    participation: Option<ParticipationJson>,
    #[serde(default)]
    standardize: bool,
}

/// `{ fitness, dynamic, eta, mu?, rho, epsilon, interval, warmup?, anneal? }`.
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

#[derive(Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase", deny_unknown_fields)]
enum OptimizerJson {
    #[serde(rename_all = "camelCase")]
    Sgd {
        lr: f32,
        momentum: f32,
        #[serde(default)]
        weight_decay: f32,
    },
    #[serde(rename_all = "camelCase")]
    Adam {
        lr: f32,
        beta1: f32,
        beta2: f32,
        eps: f32,
        #[serde(default)]
        weight_decay: f32,
    },
}

#[derive(Deserialize, Default)]
#[serde(tag = "kind", rename_all = "camelCase", deny_unknown_fields)]
enum ScheduleJson {
    #[default]
    Constant,
    Cosine {
        epochs: u32,
    },
}

fn config_error(message: String) -> JsValue {
    js_err(k::KernelError::Config(message))
}

impl EvolutionJson {
    fn build(self) -> Result<EvolutionConfig, JsValue> {
        Ok(EvolutionConfig {
            fitness: registry::fitness(&self.fitness).map_err(js_err)?,
            dynamic: registry::dynamic(&self.dynamic).map_err(js_err)?,
            params: DynamicParams { eta: self.eta, mu: self.mu },
            rho: self.rho,
            epsilon: self.epsilon,
            interval: self.interval,
            warmup: self.warmup,
            anneal: self.anneal,
        })
    }
}

/// The `evolution` object of the trainer configuration.
pub(crate) fn evolution(json: &str) -> Result<EvolutionConfig, JsValue> {
    let e: EvolutionJson = serde_json::from_str(json).map_err(|e| config_error(format!("evolution config: {e}")))?;
    e.build()
}

/// The core's trainer configuration from the trainer's JSON.
pub(crate) fn trainer(json: &str) -> Result<TrainConfig, JsValue> {
    let c: ConfigJson = serde_json::from_str(json).map_err(|e| config_error(format!("trainer config: {e}")))?;
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
    Ok(TrainConfig {
        sizes: c.sizes,
        seed: c.seed,
        batch: c.batch,
        optimizer,
        schedule,
        initial_mass: c.initial_mass,
        evolution,
        participation,
        standardize: c.standardize,
    })
}

pub(crate) fn gemm_op(name: &str) -> Result<Op, JsValue> {
    match name {
        "nn" => Ok(Op::NN),
        "tn" => Ok(Op::TN),
        "nt" => Ok(Op::NT),
        other => Err(config_error(format!("gemm: op \"{other}\" is not one of nn, tn, nt"))),
    }
}

pub(crate) fn score(name: &str) -> Result<Score, JsValue> {
    registry::score(name).map_err(js_err)
}

pub(crate) fn scope(name: &str) -> Result<Scope, JsValue> {
    registry::scope(name).map_err(js_err)
}

pub(crate) fn split(name: &str) -> Result<Split, JsValue> {
    Split::parse(name).map_err(js_err)
}

/// `[loss, correct, rows, …confusion (classes × classes, row = label)]`.
pub(crate) fn evaluation(e: Evaluation) -> Vec<f64> {
    let mut out = vec![e.loss, e.correct as f64, e.rows as f64];
    out.extend(e.confusion.iter().map(|&c| c as f64));
    out
}
