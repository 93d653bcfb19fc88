//! Training inside wasm: the loop (the [`Trainer`]), its configuration, the learning-rate
//! [`schedule`], the [`participation`] variables, and [`checkpoint`]s (the whole state as bytes,
//! behind `stateHash`).

pub mod checkpoint;
mod compact;
pub mod config;
pub mod gradual;
mod r#loop;
pub mod participation;
pub mod schedule;

pub use compact::{multiply_adds, rebuild_at};
pub use config::{TrainConfig, TRAINER_MEMORY_LIMIT};
pub use participation::ParticipationConfig;
pub use r#loop::{Data, EpochProgress, Split, Trainer, STREAM_SHUFFLE};
pub use schedule::Schedule;
