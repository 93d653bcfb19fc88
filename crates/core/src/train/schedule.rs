//! The learning-rate schedule.

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Schedule {
    /// `lr_t = lr`.
    Constant,
    /// `lr_t = lr · ½(1 + cos(π t / T))`, `t` = step, `T` = `epochs` × batches per epoch.
    Cosine { epochs: u32 },
}

impl Schedule {
    /// The rate after `step` optimizer steps, for a base rate `lr` and `batches_per_epoch`
    /// steps per epoch (`cosf` from `libm`, so every target gives the same bits).
    pub fn learning_rate(self, lr: f32, step: u64, batches_per_epoch: usize) -> f32 {
        match self {
            Schedule::Constant => lr,
            Schedule::Cosine { epochs } => {
                let total = (epochs as u64 * batches_per_epoch as u64).max(1);
                let t = step.min(total) as f32 / total as f32;
                lr * 0.5 * (1.0 + libm::cosf(core::f32::consts::PI * t))
            }
        }
    }
}
