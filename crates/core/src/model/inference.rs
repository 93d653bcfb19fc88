//! A model held for evaluation and inference: the MLP and a workspace for chunks of rows.

use crate::error::KernelError;
use crate::model::mlp::{evaluate, forward, Evaluation, Mlp, Workspace};

/// Rows per forward call when evaluating, computing logits or timing.
pub const CHUNK: usize = 256;

pub struct Inference {
    mlp: Mlp,
    ws: Workspace,
}

impl Inference {
    pub fn new(mlp: Mlp) -> Result<Inference, KernelError> {
        let ws = Workspace::new(&mlp, CHUNK)?;
        Ok(Inference { mlp, ws })
    }

    /// A model file written by [`Mlp::to_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Inference, KernelError> {
        Inference::new(Mlp::from_bytes(bytes)?)
    }

    pub fn mlp(&self) -> &Mlp {
        &self.mlp
    }

    /// Loss, accuracy and confusion matrix on byte images.
    pub fn evaluate(&mut self, images: &[u8], labels: &[u8]) -> Result<Evaluation, KernelError> {
        self.mlp.check_images(images, labels.len())?;
        evaluate(&self.mlp, &mut self.ws, images, labels)
    }

    /// Logits of `rows` byte images (`rows × classes`), computed [`CHUNK`] rows at a time.
    pub fn logits(&mut self, images: &[u8], rows: usize) -> Result<Vec<f32>, KernelError> {
        self.mlp.check_images(images, rows)?;
        let classes = self.mlp.classes();
        let mut out = Vec::with_capacity(rows * classes);
        self.chunks(images, rows, CHUNK, |logits| out.extend_from_slice(logits))?;
        Ok(out)
    }

    /// Runs the forward pass over `rows` images in batches of `batch` (clamped to 1..=[`CHUNK`])
    /// and returns the sum of all logits (in f64, in order): for timing inference without
    /// copying results out.
    pub fn infer(&mut self, images: &[u8], rows: usize, batch: usize) -> Result<f64, KernelError> {
        self.mlp.check_images(images, rows)?;
        let mut total = 0.0f64;
        self.chunks(images, rows, batch.clamp(1, CHUNK), |logits| total += logits.iter().map(|&x| x as f64).sum::<f64>())?;
        Ok(total)
    }

    /// The forward pass over `rows` images, `batch` at a time; `visit` sees each batch's logits.
    fn chunks(&mut self, images: &[u8], rows: usize, batch: usize, mut visit: impl FnMut(&[f32])) -> Result<(), KernelError> {
        let (cols, classes) = (self.mlp.inputs(), self.mlp.classes());
        let indices: Vec<u32> = (0..batch as u32).collect();
        for start in (0..rows).step_by(batch) {
            let n = (rows - start).min(batch);
            self.ws.gather(&images[start * cols..(start + n) * cols], cols, &indices[..n])?;
            forward(&self.mlp, &mut self.ws, n)?;
            visit(&self.ws.logits[..n * classes]);
        }
        Ok(())
    }
}
