//! The binding layer: opaque handles over `evoprune-core`. Large data stays in wasm memory;
//! JavaScript gets small results or makes an explicit copy through a view of `wasm_memory()`.

use evoprune_core as k;
use wasm_bindgen::prelude::*;

mod model;
mod trainer;
pub use model::Model;
pub use trainer::{evolution_step, trainer_memory_check, Trainer};

/// A kernel error as a JavaScript `Error` named `KernelError` whose `kind` says what went wrong
/// (`refusal`, `shape`, `data`, `config`, `limit`: see `KernelError` in evoprune-core), so
/// TypeScript can tell a usage error from a failure.
pub(crate) fn js_err(e: k::KernelError) -> JsValue {
    let error = js_sys::Error::new(e.message());
    error.set_name("KernelError");
    // Setting a property on a fresh Error object cannot fail.
    let _ = js_sys::Reflect::set(&error, &JsValue::from_str("kind"), &JsValue::from_str(e.kind()));
    error.into()
}

/// An argument the binding itself refuses (a bad name, an unknown layer), as a `config` error.
pub(crate) fn config_error(message: String) -> JsValue {
    js_err(k::KernelError::Config(message))
}

/// The module's linear memory, for typed-array views over buffers (rebuild them after growth).
#[wasm_bindgen]
pub fn wasm_memory() -> JsValue {
    wasm_bindgen::memory()
}

/// A length-fixed `f32` array owned by wasm. Free it with `free()`.
#[wasm_bindgen]
pub struct F32Buffer {
    data: Vec<f32>,
}

#[wasm_bindgen]
impl F32Buffer {
    #[wasm_bindgen(constructor)]
    pub fn new(len: usize) -> F32Buffer {
        F32Buffer { data: vec![0.0; len] }
    }

    /// Byte offset of the first element in `wasm_memory()`.
    pub fn ptr(&self) -> usize {
        self.data.as_ptr() as usize
    }

    pub fn len(&self) -> usize {
        self.data.len()
    }

    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// Fills with `lo + (hi − lo)·u` from the evoprune PRNG stream `(seed, stream)`.
    pub fn fill_uniform(&mut self, seed: u64, stream: u64, lo: f32, hi: f32) {
        k::rng::Xoshiro128::new(seed, stream).fill_uniform(&mut self.data, lo, hi);
    }
}

thread_local! {
    /// Packing workspace of the free-standing `gemm`, kept between calls (grown, never shrunk).
    static GEMM_WORKSPACE: std::cell::RefCell<Vec<f32>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Which operand a product reads transposed: `"nn"` (A·B), `"tn"` (Aᵀ·B) or `"nt"` (A·Bᵀ).
#[wasm_bindgen]
#[allow(clippy::too_many_arguments)]
pub fn gemm(
    op: &str,
    m: usize,
    n: usize,
    kdim: usize,
    a: &F32Buffer,
    b: &F32Buffer,
    c: &mut F32Buffer,
    accumulate: bool,
) -> Result<(), JsValue> {
    let op = match op {
        "nn" => k::kernels::gemm::Op::NN,
        "tn" => k::kernels::gemm::Op::TN,
        "nt" => k::kernels::gemm::Op::NT,
        other => return Err(config_error(format!("gemm: op \"{other}\" is not one of nn, tn, nt"))),
    };
    let product = k::kernels::gemm::Product::new(op, m, n, kdim);
    let update = if accumulate { k::kernels::gemm::Update::Accumulate } else { k::kernels::gemm::Update::Overwrite };
    GEMM_WORKSPACE.with_borrow_mut(|packed| {
        let needed = product.packed_len()?;
        if packed.len() < needed {
            packed.resize(needed, 0.0);
        }
        product.dense(&a.data, &b.data, &mut c.data, update, packed)
    })
    .map_err(js_err)
}

#[wasm_bindgen]
pub fn bias_add(rows: usize, cols: usize, x: &mut F32Buffer, bias: &F32Buffer) -> Result<(), JsValue> {
    k::kernels::elementwise::bias_add(rows, cols, &mut x.data, &bias.data).map_err(js_err)
}

#[wasm_bindgen]
pub fn relu(x: &mut F32Buffer) {
    k::kernels::elementwise::relu(&mut x.data)
}

#[wasm_bindgen]
pub fn relu_backward(activation: &F32Buffer, grad: &mut F32Buffer) -> Result<(), JsValue> {
    k::kernels::elementwise::relu_backward(&activation.data, &mut grad.data).map_err(js_err)
}

#[wasm_bindgen]
pub fn column_sums(rows: usize, cols: usize, x: &F32Buffer, out: &mut F32Buffer, accumulate: bool) -> Result<(), JsValue> {
    k::kernels::elementwise::column_sums(rows, cols, &x.data, &mut out.data, accumulate).map_err(js_err)
}

/// Mean softmax cross-entropy; writes the gradient of the mean loss into `grad`.
#[wasm_bindgen]
pub fn softmax_cross_entropy(
    rows: usize,
    classes: usize,
    logits: &F32Buffer,
    labels: &[u8],
    grad: &mut F32Buffer,
) -> Result<f64, JsValue> {
    k::kernels::loss::softmax_cross_entropy(rows, classes, &logits.data, labels, &mut grad.data).map_err(js_err)
}
