//! The `Model` handle: a trained, pruned or compact MLP for evaluation, inference and saving.

use evoprune_core as k;
use k::model::mlp::{evaluate, forward, Mlp, Workspace};
use wasm_bindgen::prelude::*;

use crate::{config_error, js_err};

#[wasm_bindgen]
pub struct Model {
    mlp: Mlp,
    ws: Workspace,
}

/// Rows per forward call when evaluating or timing.
const CHUNK: usize = 256;

#[wasm_bindgen]
impl Model {
    pub(crate) fn from_mlp(mlp: Mlp) -> Result<Model, JsValue> {
        let ws = Workspace::new(&mlp, CHUNK).map_err(js_err)?;
        Ok(Model { mlp, ws })
    }

    /// Reads bytes written by `to_bytes`.
    pub fn from_bytes(bytes: &[u8]) -> Result<Model, JsValue> {
        Model::from_mlp(Mlp::from_bytes(bytes).map_err(js_err)?)
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        self.mlp.to_bytes()
    }

    /// `[inputs, hidden…, classes]`.
    pub fn sizes(&self) -> Vec<u32> {
        self.mlp.sizes.iter().map(|&s| s as u32).collect()
    }

    pub fn parameter_count(&self) -> usize {
        self.mlp.parameter_count()
    }

    pub fn masses(&self, layer: usize) -> Result<Vec<f32>, JsValue> {
        self.mlp.masses.get(layer).cloned().ok_or_else(|| config_error(format!("no hidden layer {layer}")))
    }

    /// Living populations per hidden layer.
    pub fn alive(&self) -> Vec<u32> {
        self.mlp.masses.iter().map(|m| m.iter().filter(|&&x| x > 0.0).count() as u32).collect()
    }

    /// This model with `fraction` of its hidden populations removed (mass 0), ranked by `score`
    /// (`mass`, `magnitude` or `random` with `seed`; participation needs the trainer), globally
    /// (`scope` = "global") or per layer ("layer").
    pub fn pruned(&self, score: &str, fraction: f64, scope: &str, seed: f64) -> Result<Model, JsValue> {
        let score = k::prune::Score::parse(score).map_err(js_err)?;
        let scope = crate::trainer::parse_scope(scope)?;
        let scores = k::prune::scores(&self.mlp, score, seed as u64, None).map_err(js_err)?;
        let keep = k::prune::survivors(&self.mlp, &scores, fraction, scope).map_err(js_err)?;
        Model::from_mlp(k::prune::masked(&self.mlp, &keep))
    }

    /// The physically smaller plain MLP (extinct/pruned populations removed, masses folded).
    pub fn compact(&self) -> Result<Model, JsValue> {
        Model::from_mlp(k::prune::compact(&self.mlp).map_err(js_err)?)
    }

    /// `[loss, correct, rows, …confusion]` on byte images.
    pub fn evaluate(&mut self, images: &[u8], labels: &[u8]) -> Result<Vec<f64>, JsValue> {
        check_images(&self.mlp, images, labels.len())?;
        let e = evaluate(&self.mlp, &mut self.ws, images, labels).map_err(js_err)?;
        let mut out = vec![e.loss, e.correct as f64, e.rows as f64];
        out.extend(e.confusion.iter().map(|&c| c as f64));
        Ok(out)
    }

    /// Logits of `rows` byte images (`rows × classes`).
    pub fn logits(&mut self, images: &[u8], rows: usize) -> Result<Vec<f32>, JsValue> {
        check_images(&self.mlp, images, rows)?;
        let (cols, classes) = (self.mlp.inputs(), self.mlp.classes());
        let mut out = Vec::with_capacity(rows * classes);
        let indices: Vec<u32> = (0..CHUNK as u32).collect();
        for start in (0..rows).step_by(CHUNK) {
            let n = (rows - start).min(CHUNK);
            self.ws.gather(&images[start * cols..(start + n) * cols], cols, &indices[..n]).map_err(js_err)?;
            forward(&self.mlp, &mut self.ws, n).map_err(js_err)?;
            out.extend_from_slice(&self.ws.logits[..n * classes]);
        }
        Ok(out)
    }

    /// Runs the forward pass over `rows` images in batches of `batch` (at most 256) and returns
    /// the sum of all logits: for timing inference without copying results out.
    pub fn infer(&mut self, images: &[u8], rows: usize, batch: usize) -> Result<f64, JsValue> {
        check_images(&self.mlp, images, rows)?;
        let (cols, classes) = (self.mlp.inputs(), self.mlp.classes());
        let batch = batch.clamp(1, CHUNK);
        let indices: Vec<u32> = (0..batch as u32).collect();
        let mut total = 0.0f64;
        for start in (0..rows).step_by(batch) {
            let n = (rows - start).min(batch);
            self.ws.gather(&images[start * cols..(start + n) * cols], cols, &indices[..n]).map_err(js_err)?;
            forward(&self.mlp, &mut self.ws, n).map_err(js_err)?;
            total += self.ws.logits[..n * classes].iter().map(|&x| x as f64).sum::<f64>();
        }
        Ok(total)
    }
}

fn check_images(mlp: &Mlp, images: &[u8], rows: usize) -> Result<(), JsValue> {
    if rows.checked_mul(mlp.inputs()) != Some(images.len()) {
        return Err(js_err(k::KernelError::Shape(format!("{} image bytes for {rows} rows of {} inputs", images.len(), mlp.inputs()))));
    }
    Ok(())
}
