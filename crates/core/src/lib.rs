//! evoprune's numeric core: plain Rust over slices, no binding code.
//!
//! - [`kernels`]: matrix products, element-wise operations and the loss, each with its formula and
//!   summation order in its doc comment;
//! - [`model`]: the population-scaled MLP (forward, backward, model files) and its optimizers;
//! - [`evolution`]: fitness, selection dynamics, extinction and capacity;
//! - [`population`]: which parameters each population owns (slices of the trainable tensors);
//! - [`prune`]: hard pruning by a score, and compaction into a smaller plain MLP;
//! - [`train`]: the training loop, its learning-rate schedule, checkpoints (the state bytes behind
//!   `stateHash`) and participation variables;
//! - [`registry`]: every dynamic, fitness mode, pruning score and scope, by name;
//! - [`rng`]: the one PRNG; [`error`]: what the core refuses, by kind;
//! - [`threads`]: the pool that splits products and element-wise work over threads, bit for bit.
//!
//! Everything here is deterministic by construction: each reduction has one documented order,
//! there is no FMA and no fast-math, and transcendentals come from the `libm` crate. On `wasm32`
//! with `simd128` the hot loops use SIMD; elsewhere a scalar fallback computes every output element
//! with exactly the same sequence of f32 operations, so native `cargo test` and the wasm build
//! produce identical bits.

// The threaded build parks pool workers with `memory.atomic.wait32`, still unstable in core::arch
// (the build already needs RUSTC_BOOTSTRAP for -Zbuild-std; only that build sees this).
#![cfg_attr(all(target_arch = "wasm32", target_feature = "atomics"), feature(stdarch_wasm_atomic_wait))]

pub mod emergence;
pub mod error;
pub mod evolution;
pub mod kernels;
pub mod model;
mod order;
pub mod population;
pub mod prune;
pub mod registry;
pub mod rng;
pub mod threads;
pub mod train;

pub use error::KernelError;
