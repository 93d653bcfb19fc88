//! The population-scaled MLP, the optimizers of its weights and biases, and a model held for
//! evaluation and inference.

pub mod inference;
pub mod mlp;
pub mod optim;
