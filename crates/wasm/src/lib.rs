//! The binding layer, the only `#[wasm_bindgen]` crate: opaque handles over `evoprune-core` and
//! one-line delegates, each with an explicit `js_name` (the JavaScript API in `src/engine` keeps
//! its names whatever the Rust ones become). Large data stays in wasm memory; JavaScript gets
//! small results or makes an explicit copy through a view of `wasm_memory()`. Names and JSON are
//! parsed in small helpers here (`config.rs`); everything else happens in the core.

use evoprune_core as k;
use k::kernels::{elementwise, gemm, loss};
use wasm_bindgen::prelude::*;

mod config;
mod model;
mod registry;
mod trainer;
pub use model::Model;
pub use registry::registry_json;
pub use trainer::{evolution_step, trainer_memory_check, Trainer};

/// A core error as a JavaScript `Error` named `KernelError` whose `kind` says what went wrong
/// (`refusal`, `shape`, `data`, `config`, `limit`: see `KernelError` in evoprune-core), so
/// TypeScript can tell a usage error from a failure.
pub(crate) fn js_err(e: k::KernelError) -> JsValue {
    let error = js_sys::Error::new(e.message());
    error.set_name("KernelError");
    // Setting a property on a fresh Error object cannot fail.
    let _ = js_sys::Reflect::set(&error, &JsValue::from_str("kind"), &JsValue::from_str(e.kind()));
    error.into()
}

/// With the `debug` feature, a Rust panic prints its message on the JavaScript console
/// (`console_error_panic_hook`) before wasm traps. Not in the committed build.
#[cfg(feature = "debug")]
#[wasm_bindgen(start)]
fn start() {
    console_error_panic_hook::set_once();
}

/// The module's linear memory, for typed-array views over buffers (rebuild them after growth).
#[wasm_bindgen(js_name = wasm_memory)]
pub fn wasm_memory() -> JsValue {
    wasm_bindgen::memory()
}

/// Whether this is the threaded build (shared memory, a pool of workers): kernels compiled with
/// the `atomics` target feature.
#[wasm_bindgen(js_name = threaded_build)]
pub fn threaded_build() -> bool {
    cfg!(target_feature = "atomics")
}

/// Threads the pool runs regions on: its workers plus the calling thread (1 in the
/// single-threaded build, or before workers have started).
#[wasm_bindgen(js_name = thread_count)]
pub fn thread_count() -> usize {
    k::threads::threads()
}

/// Parts of parallel regions each thread has run (index 0 is the calling thread): a test can see
/// that every thread worked, so a silent single-threaded fallback cannot pass for threads.
#[wasm_bindgen(js_name = thread_work)]
pub fn thread_work() -> Vec<f64> {
    k::threads::work_counters().into_iter().map(|w| w as f64).collect()
}

/// A worker's entry (threaded build): a JavaScript worker that instantiated this module on the
/// shared memory calls it, and it runs its share of every parallel region, forever.
#[wasm_bindgen(js_name = thread_pool_worker)]
pub fn thread_pool_worker() {
    if !cfg!(target_feature = "atomics") {
        wasm_bindgen::throw_str("thread_pool_worker: this is the single-threaded build; load the threaded one");
    }
    k::threads::worker()
}

/// Opens `regions` empty parallel regions on every thread: what a region itself costs (publish,
/// wake, join), timed by the caller (`npm run bench:threads`).
#[wasm_bindgen(js_name = thread_pool_empty_regions)]
pub fn thread_pool_empty_regions(regions: u32) {
    let parts = k::threads::threads();
    for _ in 0..regions {
        k::threads::run(parts, &|_| {});
    }
}

/// Called by a pool worker's JavaScript when its loop trapped (see `threads::abandon`).
#[wasm_bindgen(js_name = thread_pool_abandon)]
pub fn thread_pool_abandon() {
    k::threads::abandon()
}

/// The registry of dynamics, fitness modes, pruning scores and scopes, as JSON (see
/// `registry.rs`): the one source of these names for TypeScript.
#[wasm_bindgen(js_name = registry)]
pub fn registry() -> String {
    registry_json()
}

/// A length-fixed `f32` array owned by wasm. Free it with `free()`.
#[wasm_bindgen(js_name = F32Buffer)]
pub struct F32Buffer {
    data: Vec<f32>,
}

#[wasm_bindgen(js_class = F32Buffer)]
impl F32Buffer {
    #[wasm_bindgen(constructor)]
    pub fn new(len: usize) -> F32Buffer {
        F32Buffer { data: vec![0.0; len] }
    }

    /// Byte offset of the first element in `wasm_memory()`.
    #[wasm_bindgen(js_name = ptr)]
    pub fn ptr(&self) -> usize {
        self.data.as_ptr() as usize
    }

    #[wasm_bindgen(js_name = len)]
    pub fn len(&self) -> usize {
        self.data.len()
    }

    #[wasm_bindgen(js_name = is_empty)]
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// Fills with `lo + (hi − lo)·u` from the evoprune PRNG stream `(seed, stream)`.
    #[wasm_bindgen(js_name = fill_uniform)]
    pub fn fill_uniform(&mut self, seed: u64, stream: u64, lo: f32, hi: f32) {
        k::rng::Xoshiro128::new(seed, stream).fill_uniform(&mut self.data, lo, hi)
    }
}

thread_local! {
    /// Packing workspace of the free-standing `gemm`, kept between calls (grown, never shrunk).
    static GEMM_WORKSPACE: std::cell::RefCell<Vec<f32>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// `C (m×n) (+)= op(A)·op(B)`; `op` is `"nn"` (A·B), `"tn"` (Aᵀ·B) or `"nt"` (A·Bᵀ). (The
/// JavaScript signature keeps its eight arguments; the core takes a `Product` descriptor.)
#[wasm_bindgen(js_name = gemm)]
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
    let product = gemm::Product::new(config::gemm_op(op)?, m, n, kdim);
    let update = if accumulate { gemm::Update::Accumulate } else { gemm::Update::Overwrite };
    GEMM_WORKSPACE
        .with_borrow_mut(|packed| {
            packed.resize(packed.len().max(product.packed_len()?), 0.0);
            product.dense(&a.data, &b.data, &mut c.data, update, packed)
        })
        .map_err(js_err)
}

#[wasm_bindgen(js_name = bias_add)]
pub fn bias_add(rows: usize, cols: usize, x: &mut F32Buffer, bias: &F32Buffer) -> Result<(), JsValue> {
    elementwise::bias_add(rows, cols, &mut x.data, &bias.data).map_err(js_err)
}

#[wasm_bindgen(js_name = relu)]
pub fn relu(x: &mut F32Buffer) {
    elementwise::relu(&mut x.data)
}

#[wasm_bindgen(js_name = relu_backward)]
pub fn relu_backward(activation: &F32Buffer, grad: &mut F32Buffer) -> Result<(), JsValue> {
    elementwise::relu_backward(&activation.data, &mut grad.data).map_err(js_err)
}

#[wasm_bindgen(js_name = column_sums)]
pub fn column_sums(rows: usize, cols: usize, x: &F32Buffer, out: &mut F32Buffer, accumulate: bool) -> Result<(), JsValue> {
    elementwise::column_sums(rows, cols, &x.data, &mut out.data, accumulate).map_err(js_err)
}

/// Mean softmax cross-entropy; writes the gradient of the mean loss into `grad`.
#[wasm_bindgen(js_name = softmax_cross_entropy)]
pub fn softmax_cross_entropy(rows: usize, classes: usize, logits: &F32Buffer, labels: &[u8], grad: &mut F32Buffer) -> Result<f64, JsValue> {
    loss::softmax_cross_entropy(rows, classes, &logits.data, labels, &mut grad.data).map_err(js_err)
}
