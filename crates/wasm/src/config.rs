//! Parsing what JavaScript passes as names and JSON into the core's types. Names are looked up
//! in the core's registry; every refusal is a `config` error naming what is wrong.

use evoprune_core as k;
use k::emergence::{Bounds, Controller, StableConfig};
use k::evolution::{DynamicParams, EvolutionConfig};
use k::kernels::gemm::Op;
use k::model::mlp::Evaluation;
use k::model::optim::Optimizer;
use k::prune::{Scope, Score};
use k::registry;
use k::train::gradual::{GradualPruning, GradualScore};
use k::train::{ParticipationConfig, Schedule, Split, TrainConfig};
use serde::Deserialize;
use wasm_bindgen::JsValue;

use crate::js_err;

/// The trainer configuration, as JSON: `{ sizes, seed, batch, optimizer: { kind: "sgd", lr,
/// momentum, weightDecay? } | { kind: "adam", lr, beta1, beta2, eps, weightDecay? }, schedule?:
/// { kind: "constant" } | { kind: "cosine", epochs }, initialMass?, evolution?, participation?,
/// standardize?, gradual? }`. Without `initialMass` the masses start at the registry's default for
/// the dynamic; `standardize` defaults to false.
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
    #[serde(default)]
    gradual: Option<GradualJson>,
}

/// Pruning on a schedule: `{ score: "magnitude" | "random" | "fitness", target, start, end,
/// interval, epochs }` (see `evoprune_core::train::gradual`).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct GradualJson {
    score: String,
    target: f32,
    start: f32,
    end: f32,
    interval: u32,
    epochs: u32,
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
    /// Numerics version 2 (bounded selection; with `controller`, a target sparsity).
    #[serde(default)]
    stable: Option<StableJson>,
}

/// `{ fitnessClip?, maxStep?, maxMass?, minAlive?, minAliveFrac?, standardiseFitness?, controller? }`: absent fields
/// take the core's defaults (`Bounds::default`).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct StableJson {
    fitness_clip: Option<f32>,
    max_step: Option<f32>,
    max_mass: Option<f32>,
    min_alive: Option<u32>,
    min_alive_frac: Option<f32>,
    standardise_fitness: Option<bool>,
    controller: Option<ControllerJson>,
}

/// `{ target, epochs, etaMax?, start?, reach?, rate?, span?, tol?, pace?, brake? }` (defaults:
/// `Controller::new`).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ControllerJson {
    target: f32,
    epochs: u32,
    eta_max: Option<f32>,
    start: Option<f32>,
    reach: Option<f32>,
    rate: Option<f32>,
    span: Option<f32>,
    tol: Option<f32>,
    pace: Option<f32>,
    brake: Option<f32>,
}

impl StableJson {
    fn build(self) -> StableConfig {
        let d = Bounds::default();
        let bounds = Bounds {
            fitness_clip: self.fitness_clip.unwrap_or(d.fitness_clip),
            max_step: self.max_step.unwrap_or(d.max_step),
            max_mass: self.max_mass.unwrap_or(d.max_mass),
            min_alive: self.min_alive.unwrap_or(d.min_alive),
            min_alive_frac: self.min_alive_frac.unwrap_or(d.min_alive_frac),
            standardise_fitness: self.standardise_fitness.unwrap_or(d.standardise_fitness),
        };
        let controller = self.controller.map(|c| {
            let d = Controller::new(c.target, c.epochs);
            Controller {
                eta_max: c.eta_max.unwrap_or(d.eta_max),
                start: c.start.unwrap_or(d.start),
                reach: c.reach.unwrap_or(d.reach),
                rate: c.rate.unwrap_or(d.rate),
                span: c.span.unwrap_or(d.span),
                tol: c.tol.unwrap_or(d.tol),
                pace: c.pace.unwrap_or(d.pace),
                brake: c.brake.unwrap_or(d.brake),
                ..d
            }
        });
        StableConfig { bounds, controller }
    }
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
            stable: self.stable.map(StableJson::build),
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
    let gradual = match c.gradual {
        None => None,
        Some(g) => Some(GradualPruning {
            score: GradualScore::by_name(&g.score)
                .ok_or_else(|| config_error(format!("gradual.score: \"{}\" is not one of magnitude, random, fitness", g.score)))?,
            target: g.target,
            start: g.start,
            end: g.end,
            interval: g.interval,
            epochs: g.epochs,
        }),
    };
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
        gradual,
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
