//! The one registry of names, owned by Rust: selection dynamics, fitness modes, pruning scores and
//! pruning scopes, each with what a user (and the TypeScript configuration schema, through the
//! binding's `registry()`) needs to know about it. Names are parsed here and nowhere else.
//!
//! Adding a dynamic is one function in [`crate::evolution`] (`fn(&mut [f32], &Selection,
//! &DynamicParams)`, touching living populations only; numerics version 1), its move under
//! bounded selection in [`crate::emergence`] (`fn(&Move) -> f64`; numerics version 2), and one
//! entry in [`DYNAMICS`].

use crate::emergence::{self, BoundedFn};
use crate::error::KernelError;
use crate::evolution::{self, Capacity, DynamicFn, Fitness};
use crate::prune::{Scope, Score};

/// A hyper-parameter a dynamic reads, with its range (`value ≥ min`, finite).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Param {
    /// Its name in the trainer configuration's `evolution` object.
    pub name: &'static str,
    pub min: f32,
    pub description: &'static str,
}

/// Selection strength η (`evolution.eta`).
pub const ETA: Param = Param { name: "eta", min: 0.0, description: "selection strength η" };
/// Mutation rate μ (`evolution.mu`).
pub const MU: Param = Param { name: "mu", min: 0.0, description: "mutation rate μ: pulls every mass towards the layer's mean mass" };
/// Every dynamic parameter, whichever dynamic reads it (each is checked against its range).
pub const PARAMS: [Param; 2] = [ETA, MU];

/// A selection dynamic: how masses move after each optimizer step.
#[derive(Clone, Copy, Debug)]
pub struct Dynamic {
    pub name: &'static str,
    /// Its update, as a formula.
    pub description: &'static str,
    pub update: DynamicFn,
    /// Its move under numerics version 2 (bounded selection, [`crate::emergence`]).
    pub bounded: BoundedFn,
    /// What keeps the total in check after an update.
    pub capacity: Capacity,
    /// The masses a trainer starts from when its configuration names none (`initialMass`).
    /// A capacity-bounded dynamic must start below 1, where its update is not 0.
    pub initial_mass: f32,
    /// The parameters its update reads.
    pub params: &'static [Param],
}

/// Every dynamic, by name; `EvolutionConfig::dynamic` is an index into it.
pub const DYNAMICS: &[Dynamic] = &[
    Dynamic {
        name: "none",
        description: "masses fixed at 1: the dense baseline",
        update: evolution::none,
        bounded: emergence::hold,
        capacity: Capacity::Fixed,
        initial_mass: 1.0,
        params: &[],
    },
    Dynamic {
        name: "replicator",
        description: "m_i ← max(0, m_i + η m_i (F̃_i − F̄))",
        update: evolution::replicator,
        bounded: emergence::replicator_move,
        capacity: Capacity::MeanOne,
        initial_mass: 1.0,
        params: &[ETA],
    },
    Dynamic {
        name: "exponential",
        description: "m_i ← m_i · exp(η F̃_i) (discrete-time replicator, multiplicative weights)",
        update: evolution::exponential,
        bounded: emergence::exponential_move,
        capacity: Capacity::MeanOne,
        initial_mass: 1.0,
        params: &[ETA],
    },
    Dynamic {
        name: "mutator",
        description: "m_i ← max(0, m_i + η [m_i (F̃_i − F̄) + μ (m̄ − m_i)]) (replicator–mutator)",
        update: evolution::mutator,
        bounded: emergence::mutator_move,
        capacity: Capacity::MeanOne,
        initial_mass: 1.0,
        params: &[ETA, MU],
    },
    Dynamic {
        name: "logistic",
        description: "m_i ← clamp(m_i + η m_i (1 − m_i)(F̃_i − F̄), 0, 1) (capacity-bounded replicator)",
        update: evolution::logistic,
        bounded: emergence::logistic_move,
        capacity: Capacity::UnitInterval,
        initial_mass: 0.9,
        params: &[ETA],
    },
];

/// A fitness mode: how a population's fitness is read from `g_i = ∂L/∂m_i`.
#[derive(Clone, Copy, Debug)]
pub struct FitnessMode {
    pub name: &'static str,
    /// Its formula, and what it means.
    pub description: &'static str,
    pub fitness: Fitness,
}

pub const FITNESS: &[FitnessMode] = &[
    FitnessMode {
        name: "gradient",
        description: "φ_i = −g_i: the first-order loss decrease from growing population i",
        fitness: Fitness::Gradient,
    },
    FitnessMode {
        name: "taylor",
        description: "φ_i = −m_i g_i: the first-order loss increase from removing population i",
        fitness: Fitness::Taylor,
    },
    FitnessMode {
        name: "magnitude",
        description: "φ_i = |g_i|: how strongly the loss reacts to population i's mass, in either direction",
        fitness: Fitness::Magnitude,
    },
];

/// A pruning score: what populations are ranked by (lowest pruned first).
#[derive(Clone, Copy, Debug)]
pub struct ScoreEntry {
    pub name: &'static str,
    pub description: &'static str,
    /// Whether it needs state tracked by a trainer during training (so a saved model cannot be
    /// pruned by it).
    pub needs_trainer: bool,
    pub score: Score,
}

pub const SCORES: &[ScoreEntry] = &[
    ScoreEntry { name: "mass", description: "the population's mass (the evolutionary score)", needs_trainer: false, score: Score::Mass },
    ScoreEntry {
        name: "magnitude",
        description: "m_i · ‖W_{l+1}[i, :]‖₂: the norm of the population's effective outgoing weights",
        needs_trainer: false,
        score: Score::Magnitude,
    },
    ScoreEntry {
        name: "random",
        description: "a uniform random order from PRNG stream 3 of the seed (baseline)",
        needs_trainer: false,
        score: Score::Random,
    },
    ScoreEntry {
        name: "participation",
        description: "participation variables s_i tracked during training (arXiv 2512.22106; baseline)",
        needs_trainer: true,
        score: Score::Participation,
    },
];

/// A pruning scope: over which populations a fraction is counted.
#[derive(Clone, Copy, Debug)]
pub struct ScopeEntry {
    pub name: &'static str,
    pub description: &'static str,
    pub scope: Scope,
}

pub const SCOPES: &[ScopeEntry] = &[
    ScopeEntry { name: "global", description: "one ranking across all hidden layers", scope: Scope::Global },
    ScopeEntry { name: "layer", description: "each hidden layer loses the same fraction of its own populations", scope: Scope::PerLayer },
];

/// The entry named `name` of `entries`, or a config error listing every name.
fn find<'a, T>(what: &str, name: &str, entries: &'a [T], name_of: fn(&T) -> &'static str) -> Result<(usize, &'a T), KernelError> {
    entries.iter().enumerate().find(|(_, e)| name_of(e) == name).ok_or_else(|| {
        let names: Vec<&str> = entries.iter().map(name_of).collect();
        KernelError::Config(format!("{what} \"{name}\" is not one of {}", names.join(", ")))
    })
}

/// The index of the dynamic `name` in [`DYNAMICS`].
pub fn dynamic(name: &str) -> Result<usize, KernelError> {
    find("dynamic", name, DYNAMICS, |d| d.name).map(|(i, _)| i)
}

pub fn fitness(name: &str) -> Result<Fitness, KernelError> {
    find("fitness", name, FITNESS, |f| f.name).map(|(_, f)| f.fitness)
}

pub fn score(name: &str) -> Result<Score, KernelError> {
    find("pruning score", name, SCORES, |s| s.name).map(|(_, s)| s.score)
}

pub fn scope(name: &str) -> Result<Scope, KernelError> {
    find("pruning scope", name, SCOPES, |s| s.name).map(|(_, s)| s.scope)
}

#[cfg(test)]
mod tests {
    use super::*;
    // On wasm32 the tests run under wasm-bindgen-test (scripts/test-wasm.sh).
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn names_are_checked_and_listed() {
        assert_eq!(dynamic("mutator").unwrap(), 3);
        let error = dynamic("replicatr").unwrap_err();
        assert_eq!(error.to_string(), "dynamic \"replicatr\" is not one of none, replicator, exponential, mutator, logistic");
        assert_eq!(error.kind(), "config");
        assert_eq!(fitness("taylor").unwrap(), Fitness::Taylor);
        assert_eq!(fitness("fit").unwrap_err().to_string(), "fitness \"fit\" is not one of gradient, taylor, magnitude");
        assert_eq!(score("magnitude").unwrap(), Score::Magnitude);
        assert_eq!(
            score("magnitud").unwrap_err().to_string(),
            "pruning score \"magnitud\" is not one of mass, magnitude, random, participation"
        );
        assert_eq!(scope("layer").unwrap(), Scope::PerLayer);
        assert_eq!(scope("all").unwrap_err().to_string(), "pruning scope \"all\" is not one of global, layer");
    }

    #[test]
    fn every_dynamic_can_move_from_its_initial_mass() {
        for d in DYNAMICS {
            assert!(d.initial_mass > 0.0, "{}", d.name);
            if d.capacity == Capacity::UnitInterval {
                assert!(d.initial_mass < 1.0, "{} starts where its update is 0", d.name);
            }
            assert!(d.params.iter().all(|p| PARAMS.contains(p)), "{} reads a parameter the trainer does not check", d.name);
        }
    }
}
