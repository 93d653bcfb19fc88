//! evoprune's numeric kernels: plain Rust over slices, no binding code.
//!
//! Every kernel here is deterministic by construction: each reduction has one documented order,
//! there is no FMA and no fast-math, and transcendentals come from the `libm` crate. On
//! `wasm32` with `simd128` the hot loops use SIMD; elsewhere a scalar fallback computes every
//! output element with exactly the same sequence of f32 operations, so native `cargo test` and
//! the wasm build produce identical bits.

pub mod error;
pub mod gemm;
pub mod elementwise;
pub mod loss;
pub mod rng;

pub use error::KernelError;
pub mod mlp;
pub mod optim;
pub mod state;
pub mod trainer;
pub mod evolution;
pub mod prune;
