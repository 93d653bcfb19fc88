//! The population-scaled MLP and the optimizers of its weights and biases.

pub mod mlp;
pub mod optim;
