//! Training inside wasm: the loop (the [`Trainer`]) and the whole state as bytes ([`checkpoint`]).

pub mod checkpoint;
mod r#loop;

pub use r#loop::*;
