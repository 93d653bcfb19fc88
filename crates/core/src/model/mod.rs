//! The population-scaled MLP, the optimizers of its weights and biases, what it reads (byte images
//! or f32 features, optionally standardized), and a model held for evaluation and inference.

pub mod inference;
pub mod input;
pub mod mlp;
pub mod optim;
