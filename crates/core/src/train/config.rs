//! What a trainer is built from, its ranges, and the memory it plans to use.

use crate::error::KernelError;
use crate::evolution::{Capacity, EvolutionConfig};
use crate::model::optim::Optimizer;
use crate::registry::{DYNAMICS, PARAMS};

use super::gradual::GradualPruning;
use super::participation::ParticipationConfig;
use super::schedule::Schedule;

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

#[derive(Clone, Debug, PartialEq)]
pub struct TrainConfig {
    pub sizes: Vec<usize>,
    pub seed: u64,
    pub batch: usize,
    pub optimizer: Optimizer,
    pub schedule: Schedule,
    /// Every population's starting mass; `None` takes the dynamic's default from the registry
    /// (1, or 0.9 for the capacity-bounded `logistic`): see [`TrainConfig::initial_mass`].
    pub initial_mass: Option<f32>,
    pub evolution: EvolutionConfig,
    /// Track participation variables (the companion paper's baseline score) during training.
    pub participation: Option<ParticipationConfig>,
    /// Standardize every input feature with the mean and standard deviation of the training
    /// rows, fitted when the training set is set ([`crate::model::input::Standardization::fit`])
    /// and kept in the model (and its file). Off: inputs enter as they are (bytes as `b / 255`).
    pub standardize: bool,
    /// Pruning on a schedule (the baselines of `evoprune frontier`; masses otherwise fixed).
    pub gradual: Option<GradualPruning>,
}

impl TrainConfig {
    /// SHA-256 (hex) of every setting in a fixed little-endian layout (sizes, seed, batch,
    /// optimizer, schedule, initial mass, evolution, participation, then the bytes
    /// `standardize` only when standardization is on, so that every configuration without it
    /// keeps the fingerprint it had before the setting existed): a checkpoint records it outside
    /// the hashed state, and a trainer refuses a state taken under another configuration.
    pub fn fingerprint(&self) -> String {
        use super::checkpoint::Writer;
        use crate::evolution::Fitness;
        let mut w = Writer::default();
        w.raw(b"evoprune-config-1");
        w.u32s(&self.sizes.iter().map(|&s| s as u32).collect::<Vec<_>>());
        w.u64(self.seed);
        w.u64(self.batch as u64);
        match self.optimizer {
            Optimizer::Sgd { lr, momentum, weight_decay } => {
                w.u32(0);
                for v in [lr, momentum, weight_decay] {
                    w.f32(v);
                }
            }
            Optimizer::Adam { lr, beta1, beta2, eps, weight_decay } => {
                w.u32(1);
                for v in [lr, beta1, beta2, eps, weight_decay] {
                    w.f32(v);
                }
            }
        }
        match self.schedule {
            Schedule::Constant => w.u32(0),
            Schedule::Cosine { epochs } => {
                w.u32(1);
                w.u32(epochs);
            }
        }
        w.f32(self.initial_mass());
        let e = &self.evolution;
        w.u32(match e.fitness {
            Fitness::Gradient => 0,
            Fitness::Taylor => 1,
            Fitness::Magnitude => 2,
        });
        w.u64(e.dynamic as u64);
        for v in [e.params.eta, e.params.mu, e.rho, e.epsilon] {
            w.f32(v);
        }
        w.u32(e.interval);
        w.u64(e.warmup);
        w.u32(e.anneal as u32);
        // Numerics 2 only: a configuration without it keeps the fingerprint it had before.
        if let Some(s) = &e.stable {
            w.raw(b"numerics-2");
            let b = &s.bounds;
            for v in [b.fitness_clip, b.max_step, b.max_mass, b.min_alive_frac] {
                w.f32(v);
            }
            w.u32(b.min_alive);
            // Only when off, so every configuration before the setting existed keeps its fingerprint.
            if !b.standardise_fitness {
                w.raw(b"raw-fitness");
            }
            match &s.controller {
                None => w.u32(0),
                Some(c) => {
                    w.u32(1);
                    w.u32(c.epochs);
                    for v in [c.target, c.eta_max, c.start, c.reach, c.rate, c.span, c.tol, c.pace, c.brake] {
                        w.f32(v);
                    }
                }
            }
        }
        match self.participation {
            None => w.u32(0),
            Some(p) => {
                w.u32(1);
                for v in [p.alpha, p.beta, p.gamma, p.lr] {
                    w.f32(v);
                }
            }
        }
        if self.standardize {
            w.raw(b"standardize");
        }
        // Only when set, so every configuration without it keeps its fingerprint.
        if let Some(g) = &self.gradual {
            w.raw(b"gradual");
            w.u32(g.score as u32);
            for v in [g.target, g.start, g.end] {
                w.f32(v);
            }
            w.u32(g.interval);
            w.u32(g.epochs);
        }
        use sha2::{Digest, Sha256};
        Sha256::digest(&w.bytes).iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The starting mass of every population: the configured one, else the default of the
    /// configured dynamic in [`crate::registry::DYNAMICS`] (1 if the dynamic index is unknown,
    /// which [`TrainConfig::validate`] refuses).
    pub fn initial_mass(&self) -> f32 {
        self.initial_mass.unwrap_or_else(|| DYNAMICS.get(self.evolution.dynamic).map_or(1.0, |d| d.initial_mass))
    }

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
        let e = &self.evolution;
        let Some(dynamic) = DYNAMICS.get(e.dynamic) else {
            return Err(KernelError::Config(format!(
                "evolution.dynamic: {} is not an index into the registry's {} dynamics",
                e.dynamic,
                DYNAMICS.len()
            )));
        };
        let initial_mass = self.initial_mass();
        range("initialMass", initial_mass, initial_mass > 0.0, "must be > 0")?;
        if dynamic.capacity == Capacity::UnitInterval && initial_mass >= 1.0 {
            return Err(KernelError::Config(format!(
                "initialMass: {initial_mass} is out of range (must be < 1 for the capacity-bounded dynamic \"{}\", whose update is 0 at mass 1)",
                dynamic.name
            )));
        }
        for (param, value) in PARAMS.iter().zip([e.params.eta, e.params.mu]) {
            range(&format!("evolution.{}", param.name), value, value >= param.min, &format!("must be ≥ {}", param.min))?;
        }
        range("evolution.rho", e.rho, (0.0..1.0).contains(&e.rho), "must be in [0, 1)")?;
        range("evolution.epsilon", e.epsilon, e.epsilon > 0.0, "must be > 0")?;
        if e.interval == 0 {
            return Err(KernelError::Config("evolution.interval: 0 is out of range (must be ≥ 1)".into()));
        }
        if let Some(s) = &e.stable {
            s.validate()?;
        }
        if let Some(p) = self.participation {
            range("participation.alpha", p.alpha, true, "must be finite")?;
            range("participation.beta", p.beta, p.beta >= 0.0, "must be ≥ 0")?;
            range("participation.gamma", p.gamma, p.gamma >= 0.0, "must be ≥ 0")?;
            range("participation.lr", p.lr, p.lr > 0.0, "must be > 0")?;
        }
        if let Some(g) = &self.gradual {
            g.validate()?;
            if dynamic.capacity != Capacity::Fixed || e.stable.is_some_and(|s| s.controller.is_some()) {
                return Err(KernelError::Config(format!(
                    "gradual: pruning on a schedule needs fixed masses (the dynamic none, no target sparsity), not \"{}\"",
                    dynamic.name
                )));
            }
        }
        if self.sizes.len() < 2 || self.sizes.contains(&0) {
            return Err(KernelError::Config(format!("sizes: {:?} must be at least [inputs, classes], all positive", self.sizes)));
        }
        Ok(())
    }

    /// Bytes of wasm memory a trainer of this configuration uses for `train_rows` training rows
    /// and `eval_rows` validation and test rows of `inputs` values of `value_bytes` bytes each
    /// (1 for byte images, 4 for f32 features): model, optimizer slots, gradients, the compacted
    /// working copy of those three (at most their size), evolution and participation state, the
    /// input standardization, the batch workspace (at least 256 rows, for evaluation), and the
    /// data with its epoch order. `None` when a size product overflows.
    pub fn memory_bytes(&self, train_rows: usize, eval_rows: usize, value_bytes: usize) -> Option<u64> {
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
        // Model, gradients, optimizer slots, and at most as much again for the compacted working
        // copy of them (`train::compact`); evolution (2 per population) and participation (1).
        let state = floats
            .checked_mul(2 * (2 + self.optimizer.slots() as u64))?
            .checked_add(3 * hidden)?
            .checked_add(if self.standardize { 2 * inputs } else { 0 })?;
        // Workspace: input, two buffers per hidden layer, logits, two deltas per row, packing.
        let rows = self.batch.max(256) as u64;
        let per_row = inputs.checked_add(2 * hidden)?.checked_add(classes)?.checked_add(2 * widest)?;
        let workspace = per_row.checked_mul(rows)?.checked_add(largest.max(widest.checked_mul(rows)?))?;
        let row = inputs.checked_mul(value_bytes as u64)?.checked_add(1)?;
        let data = (train_rows as u64 + eval_rows as u64).checked_mul(row)?.checked_add(4 * train_rows as u64)?;
        state.checked_add(workspace)?.checked_mul(4)?.checked_add(data)
    }

    /// Checks every range, and the memory a trainer needs with `train_rows` training rows and
    /// `eval_rows` validation and test rows of `value_bytes`-byte values (see
    /// [`TrainConfig::memory_bytes`]), before any data is copied in; returns the bytes it needs.
    pub fn memory_check(&self, train_rows: usize, eval_rows: usize, value_bytes: usize) -> Result<u64, KernelError> {
        self.validate()?;
        self.check_memory(train_rows, eval_rows, value_bytes)?;
        Ok(self.memory_bytes(train_rows, eval_rows, value_bytes).unwrap_or(u64::MAX))
    }

    /// Refuses a configuration that would need more than [`TRAINER_MEMORY_LIMIT`].
    pub fn check_memory(&self, train_rows: usize, eval_rows: usize, value_bytes: usize) -> Result<(), KernelError> {
        let gib = |b: u64| b as f64 / (1u64 << 30) as f64;
        match self.memory_bytes(train_rows, eval_rows, value_bytes) {
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
