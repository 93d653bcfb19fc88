//! The `Model` handle: a trained, pruned or compact MLP for evaluation, inference and saving.

use evoprune_core as k;
use k::model::inference::Inference;
use k::model::input::Inputs;
use k::model::mlp::Mlp;
use k::prune::Pruning;
use wasm_bindgen::prelude::*;

use crate::config::{self, evaluation};
use crate::js_err;

#[wasm_bindgen(js_name = Model)]
pub struct Model {
    inner: Inference,
}

impl Model {
    pub(crate) fn from_mlp(mlp: Mlp) -> Result<Model, JsValue> {
        Ok(Model { inner: Inference::new(mlp).map_err(js_err)? })
    }
}

#[wasm_bindgen(js_class = Model)]
impl Model {
    /// Reads bytes written by `to_bytes`.
    #[wasm_bindgen(js_name = from_bytes)]
    pub fn from_bytes(bytes: &[u8]) -> Result<Model, JsValue> {
        Ok(Model { inner: Inference::from_bytes(bytes).map_err(js_err)? })
    }

    #[wasm_bindgen(js_name = to_bytes)]
    pub fn to_bytes(&self) -> Vec<u8> {
        self.inner.mlp().to_bytes()
    }

    /// `[inputs, hidden…, classes]`.
    #[wasm_bindgen(js_name = sizes)]
    pub fn sizes(&self) -> Vec<u32> {
        self.inner.mlp().sizes().iter().map(|&s| s as u32).collect()
    }

    #[wasm_bindgen(js_name = parameter_count)]
    pub fn parameter_count(&self) -> usize {
        self.inner.mlp().parameter_count()
    }

    #[wasm_bindgen(js_name = masses)]
    pub fn masses(&self, layer: usize) -> Result<Vec<f32>, JsValue> {
        self.inner.mlp().masses_of(layer).map(<[f32]>::to_vec).map_err(js_err)
    }

    /// Living populations per hidden layer.
    #[wasm_bindgen(js_name = alive)]
    pub fn alive(&self) -> Vec<u32> {
        self.inner.mlp().alive_counts().into_iter().map(|n| n as u32).collect()
    }

    /// This model with `fraction` of its hidden populations removed (mass 0), ranked by `score`
    /// (`mass`, `magnitude` or `random` with `seed`; participation needs the trainer), globally
    /// (`scope` = "global") or per layer ("layer").
    #[wasm_bindgen(js_name = pruned)]
    pub fn pruned(&self, score: &str, fraction: f64, scope: &str, seed: f64) -> Result<Model, JsValue> {
        let pruning = Pruning { score: config::score(score)?, fraction, scope: config::scope(scope)?, seed: seed as u64 };
        Model::from_mlp(pruning.apply(self.inner.mlp(), None).map_err(js_err)?)
    }

    /// The physically smaller plain MLP (extinct/pruned populations removed, masses folded).
    #[wasm_bindgen(js_name = compact)]
    pub fn compact(&self) -> Result<Model, JsValue> {
        Model::from_mlp(k::prune::compact(self.inner.mlp()).map_err(js_err)?)
    }

    /// The input standardization the model carries: `[…shift, …scale]` (one of each per input),
    /// or empty when it has none.
    #[wasm_bindgen(js_name = standardization)]
    pub fn standardization(&self) -> Vec<f32> {
        self.inner.mlp().standardization().map_or(Vec::new(), |s| [s.shift.as_slice(), s.scale.as_slice()].concat())
    }

    /// `[loss, correct, rows, …confusion]` on byte images.
    #[wasm_bindgen(js_name = evaluate)]
    pub fn evaluate(&mut self, images: &[u8], labels: &[u8]) -> Result<Vec<f64>, JsValue> {
        self.inner.evaluate(Inputs::Bytes(images), labels).map(evaluation).map_err(js_err)
    }

    /// `[loss, correct, rows, …confusion]` on f32 feature rows (raw: the model applies its
    /// standardization).
    #[wasm_bindgen(js_name = evaluate_features)]
    pub fn evaluate_features(&mut self, features: &[f32], labels: &[u8]) -> Result<Vec<f64>, JsValue> {
        self.inner.evaluate(Inputs::Floats(features), labels).map(evaluation).map_err(js_err)
    }

    /// Logits of `rows` byte images (`rows × classes`).
    #[wasm_bindgen(js_name = logits)]
    pub fn logits(&mut self, images: &[u8], rows: usize) -> Result<Vec<f32>, JsValue> {
        self.inner.logits(Inputs::Bytes(images), rows).map_err(js_err)
    }

    /// Logits of `rows` f32 feature rows (`rows × classes`).
    #[wasm_bindgen(js_name = logits_features)]
    pub fn logits_features(&mut self, features: &[f32], rows: usize) -> Result<Vec<f32>, JsValue> {
        self.inner.logits(Inputs::Floats(features), rows).map_err(js_err)
    }

    /// The predicted class (argmax of the logits, the first on ties) of `rows` byte images.
    #[wasm_bindgen(js_name = predict)]
    pub fn predict(&mut self, images: &[u8], rows: usize) -> Result<Vec<u32>, JsValue> {
        self.inner.predict(Inputs::Bytes(images), rows).map_err(js_err)
    }

    /// The predicted class of `rows` f32 feature rows.
    #[wasm_bindgen(js_name = predict_features)]
    pub fn predict_features(&mut self, features: &[f32], rows: usize) -> Result<Vec<u32>, JsValue> {
        self.inner.predict(Inputs::Floats(features), rows).map_err(js_err)
    }

    /// Runs the forward pass over `rows` images in batches of `batch` (at most 256) and returns
    /// the sum of all logits: for timing inference without copying results out.
    #[wasm_bindgen(js_name = infer)]
    pub fn infer(&mut self, images: &[u8], rows: usize, batch: usize) -> Result<f64, JsValue> {
        self.inner.infer(Inputs::Bytes(images), rows, batch).map_err(js_err)
    }

    /// `infer` on f32 feature rows.
    #[wasm_bindgen(js_name = infer_features)]
    pub fn infer_features(&mut self, features: &[f32], rows: usize, batch: usize) -> Result<f64, JsValue> {
        self.inner.infer(Inputs::Floats(features), rows, batch).map_err(js_err)
    }
}
