/* tslint:disable */
/* eslint-disable */

/**
 * A length-fixed `f32` array owned by wasm. Free it with `free()`.
 */
export class F32Buffer {
    free(): void;
    [Symbol.dispose](): void;
    /**
     * Fills with `lo + (hi − lo)·u` from the evoprune PRNG stream `(seed, stream)`.
     */
    fill_uniform(seed: bigint, stream: bigint, lo: number, hi: number): void;
    is_empty(): boolean;
    len(): number;
    constructor(len: number);
    /**
     * Byte offset of the first element in `wasm_memory()`.
     */
    ptr(): number;
}

export class Model {
    private constructor();
    free(): void;
    [Symbol.dispose](): void;
    /**
     * Living populations per hidden layer.
     */
    alive(): Uint32Array;
    /**
     * The physically smaller plain MLP (extinct/pruned populations removed, masses folded).
     */
    compact(): Model;
    /**
     * `[loss, correct, rows, …confusion]` on byte images.
     */
    evaluate(images: Uint8Array | number[], labels: Uint8Array | number[]): Float64Array;
    /**
     * `[loss, correct, rows, …confusion]` on f32 feature rows (raw: the model applies its
     * standardization).
     */
    evaluate_features(features: Float32Array | number[], labels: Uint8Array | number[]): Float64Array;
    /**
     * Reads bytes written by `to_bytes`.
     */
    static from_bytes(bytes: Uint8Array | number[]): Model;
    /**
     * Runs the forward pass over `rows` images in batches of `batch` (at most 256) and returns
     * the sum of all logits: for timing inference without copying results out.
     */
    infer(images: Uint8Array | number[], rows: number, batch: number): number;
    /**
     * `infer` on f32 feature rows.
     */
    infer_features(features: Float32Array | number[], rows: number, batch: number): number;
    /**
     * Logits of `rows` byte images (`rows × classes`).
     */
    logits(images: Uint8Array | number[], rows: number): Float32Array;
    /**
     * Logits of `rows` f32 feature rows (`rows × classes`).
     */
    logits_features(features: Float32Array | number[], rows: number): Float32Array;
    masses(layer: number): Float32Array;
    parameter_count(): number;
    /**
     * The predicted class (argmax of the logits, the first on ties) of `rows` byte images.
     */
    predict(images: Uint8Array | number[], rows: number): Uint32Array;
    /**
     * The predicted class of `rows` f32 feature rows.
     */
    predict_features(features: Float32Array | number[], rows: number): Uint32Array;
    /**
     * This model with `fraction` of its hidden populations removed (mass 0), ranked by `score`
     * (`mass`, `magnitude` or `random` with `seed`; participation needs the trainer), globally
     * (`scope` = "global") or per layer ("layer").
     */
    pruned(score: string, fraction: number, scope: string, seed: number): Model;
    /**
     * `[inputs, hidden…, classes]`.
     */
    sizes(): Uint32Array;
    /**
     * The input standardization the model carries: `[…shift, …scale]` (one of each per input),
     * or empty when it has none.
     */
    standardization(): Float32Array;
    to_bytes(): Uint8Array;
}

export class Trainer {
    free(): void;
    [Symbol.dispose](): void;
    /**
     * Living populations (mass > 0) per hidden layer.
     */
    alive(): Uint32Array;
    batches_per_epoch(): number;
    /**
     * SHA-256 of every setting the trainer was built from (recorded beside a saved state).
     */
    config_fingerprint(): string;
    cursor(): number;
    epoch(): number;
    /**
     * This epoch's training figures so far: `[loss sum, batches, correct, rows, living work]`
     * (the last: the sum over its steps of the living network's share of the multiply-adds).
     */
    epoch_progress(): Float64Array;
    /**
     * The last standardised fitness F̃ of hidden layer `layer` (0 for extinct populations).
     * The selection strength η of each hidden layer's last update under numerics version 2 (the
     * controller's, with a target sparsity); empty under version 1.
     */
    eta(): Float64Array;
    /**
     * `[loss, correct, rows, …confusion (classes × classes, row = label)]`.
     */
    evaluate(split: string): Float64Array;
    fitness(layer: number): Float32Array;
    /**
     * `[loss, …∂loss/∂θ]` of one batch, θ in the order of `parameters()`; changes nothing.
     */
    gradients(images: Uint8Array | number[], labels: Uint8Array | number[]): Float32Array;
    /**
     * Restores `state()` bytes; with `fingerprint` (a checkpoint's `config_fingerprint()`),
     * first refuses a state taken under another configuration.
     */
    load_state(bytes: Uint8Array | number[], fingerprint?: string | null): void;
    /**
     * Masses of hidden layer `layer`.
     */
    masses(layer: number): Float32Array;
    /**
     * A copy of the current model.
     */
    model(): Model;
    /**
     * `config` is JSON: `{ sizes, seed, batch, optimizer: { kind: "sgd", lr, momentum,
     * weightDecay? } | { kind: "adam", lr, beta1, beta2, eps, weightDecay? }, schedule?:
     * { kind: "constant" } | { kind: "cosine", epochs }, initialMass?, evolution?: { fitness,
     * dynamic, eta, mu?, rho, epsilon, interval, warmup?, anneal? }, participation?: { alpha,
     * beta, gamma, lr } }`. Without `initialMass` the masses start at the dynamic's default
     * (`registry()`: 1, or 0.9 for `logistic`); `standardize?` (default false) fits a per-feature
     * standardization on the training rows when they are set.
     */
    constructor(config: string);
    /**
     * Per layer W (inputs × outputs, row-major), b, then m for hidden layers.
     */
    parameters(): Float32Array;
    /**
     * Participation variables of hidden layer `layer` (empty unless tracked).
     */
    participation(layer: number): Float32Array;
    /**
     * The current model with `fraction` of its hidden populations removed (mass set to 0),
     * ranked by `score` (mass, magnitude, random, participation) globally or per layer.
     */
    pruned(score: string, fraction: number, scope: string): Model;
    /**
     * Trains up to `max_batches` batches, stopping at the end of an epoch; returns how many ran.
     */
    run(max_batches: number): number;
    /**
     * Computes on a compacted copy once populations are extinct for good (on by default), or
     * always on the full model: the state, its hash and the model are the same either way.
     */
    set_compaction(on: boolean): void;
    /**
     * Copies a byte image set into wasm memory (once) as `split` (`train`, `validation` or
     * `test`): `rows` images of `cols` bytes each.
     */
    set_data(split: string, images: Uint8Array | number[], labels: Uint8Array | number[], rows: number, cols: number): void;
    /**
     * Restores an epoch's figures when resuming mid-epoch (from a checkpoint's header).
     */
    set_epoch_progress(loss_sum: number, batches: number, correct: number, rows: number, living_work?: number | null): void;
    /**
     * Copies an f32 feature set into wasm memory (once) as `split`: `rows` rows of `cols`
     * features each, every one finite.
     */
    set_features(split: string, features: Float32Array | number[], labels: Uint8Array | number[], rows: number, cols: number): void;
    set_parameters(values: Float32Array | number[]): void;
    state(): Uint8Array;
    state_hash(): string;
    step(): number;
    /**
     * Mean training loss of the batches since the last call (NaN if none).
     */
    take_train_loss(): number;
    /**
     * Populations per hidden layer the trainer computes on now (all of them without compaction).
     */
    working_widths(): Uint32Array;
}

export function bias_add(rows: number, cols: number, x: F32Buffer, bias: F32Buffer): void;

export function column_sums(rows: number, cols: number, x: F32Buffer, out: F32Buffer, accumulate: boolean): void;

/**
 * One evolution step of a single layer, for tests and tools: `config` is the `evolution` JSON of
 * the trainer; returns `[…masses, …smoothed F, …standardised F̃]` after optimizer step `step`.
 */
export function evolution_step(config: string, step: number, masses: Float32Array | number[], mass_grads: Float32Array | number[], smoothed: Float32Array | number[]): Float32Array;

/**
 * `C (m×n) (+)= op(A)·op(B)`; `op` is `"nn"` (A·B), `"tn"` (Aᵀ·B) or `"nt"` (A·Bᵀ). (The
 * JavaScript signature keeps its eight arguments; the core takes a `Product` descriptor.)
 */
export function gemm(op: string, m: number, n: number, kdim: number, a: F32Buffer, b: F32Buffer, c: F32Buffer, accumulate: boolean): void;

/**
 * The registry of dynamics, fitness modes, pruning scores and scopes, as JSON (see
 * `registry.rs`): the one source of these names for TypeScript.
 */
export function registry(): string;

export function relu(x: F32Buffer): void;

export function relu_backward(activation: F32Buffer, grad: F32Buffer): void;

/**
 * Mean softmax cross-entropy; writes the gradient of the mean loss into `grad`.
 */
export function softmax_cross_entropy(rows: number, classes: number, logits: F32Buffer, labels: Uint8Array | number[], grad: F32Buffer): number;

/**
 * Threads the pool runs regions on: its workers plus the calling thread (1 in the
 * single-threaded build, or before workers have started).
 */
export function thread_count(): number;

/**
 * Called by a pool worker's JavaScript when its loop trapped (see `threads::abandon`).
 */
export function thread_pool_abandon(): void;

/**
 * Opens `regions` empty parallel regions on every thread: what a region itself costs (publish,
 * wake, join), timed by the caller (`npm run bench:threads`).
 */
export function thread_pool_empty_regions(regions: number): void;

/**
 * A worker's entry (threaded build): a JavaScript worker that instantiated this module on the
 * shared memory calls it, and it runs its share of every parallel region, forever.
 */
export function thread_pool_worker(): void;

/**
 * Parts of parallel regions each thread has run (index 0 is the calling thread): a test can see
 * that every thread worked, so a silent single-threaded fallback cannot pass for threads.
 */
export function thread_work(): Float64Array;

/**
 * Whether this is the threaded build (shared memory, a pool of workers): kernels compiled with
 * the `atomics` target feature.
 */
export function threaded_build(): boolean;

/**
 * Checks a trainer configuration (every range, and the memory it needs with `train_rows`
 * training rows and `eval_rows` validation and test rows of `value_bytes`-byte values: 1 for
 * byte images, the default, or 4 for f32 features) before any data is copied in; returns the
 * bytes it needs.
 */
export function trainer_memory_check(config: string, train_rows: number, eval_rows: number, value_bytes?: number | null): number;

/**
 * The module's linear memory, for typed-array views over buffers (rebuild them after growth).
 */
export function wasm_memory(): any;

export type InitInput = RequestInfo | URL | Response | BufferSource | WebAssembly.Module;

export interface InitOutput {
    readonly __wbg_f32buffer_free: (a: number, b: number) => void;
    readonly __wbg_model_free: (a: number, b: number) => void;
    readonly __wbg_trainer_free: (a: number, b: number) => void;
    readonly bias_add: (a: number, b: number, c: number, d: number) => [number, number];
    readonly column_sums: (a: number, b: number, c: number, d: number, e: number) => [number, number];
    readonly evolution_step: (a: number, b: number, c: number, d: number, e: number, f: number, g: number, h: number, i: number) => [number, number, number, number];
    readonly f32buffer_fill_uniform: (a: number, b: bigint, c: bigint, d: number, e: number) => void;
    readonly f32buffer_is_empty: (a: number) => number;
    readonly f32buffer_len: (a: number) => number;
    readonly f32buffer_new: (a: number) => number;
    readonly f32buffer_ptr: (a: number) => number;
    readonly gemm: (a: number, b: number, c: number, d: number, e: number, f: number, g: number, h: number, i: number) => [number, number];
    readonly model_alive: (a: number) => [number, number];
    readonly model_compact: (a: number) => [number, number, number];
    readonly model_evaluate: (a: number, b: number, c: number, d: number, e: number) => [number, number, number, number];
    readonly model_evaluate_features: (a: number, b: number, c: number, d: number, e: number) => [number, number, number, number];
    readonly model_from_bytes: (a: number, b: number) => [number, number, number];
    readonly model_infer: (a: number, b: number, c: number, d: number, e: number) => [number, number, number];
    readonly model_infer_features: (a: number, b: number, c: number, d: number, e: number) => [number, number, number];
    readonly model_logits: (a: number, b: number, c: number, d: number) => [number, number, number, number];
    readonly model_logits_features: (a: number, b: number, c: number, d: number) => [number, number, number, number];
    readonly model_masses: (a: number, b: number) => [number, number, number, number];
    readonly model_parameter_count: (a: number) => number;
    readonly model_predict: (a: number, b: number, c: number, d: number) => [number, number, number, number];
    readonly model_predict_features: (a: number, b: number, c: number, d: number) => [number, number, number, number];
    readonly model_pruned: (a: number, b: number, c: number, d: number, e: number, f: number, g: number) => [number, number, number];
    readonly model_sizes: (a: number) => [number, number];
    readonly model_standardization: (a: number) => [number, number];
    readonly model_to_bytes: (a: number) => [number, number];
    readonly registry: () => [number, number];
    readonly relu: (a: number) => void;
    readonly relu_backward: (a: number, b: number) => [number, number];
    readonly softmax_cross_entropy: (a: number, b: number, c: number, d: number, e: number, f: number) => [number, number, number];
    readonly thread_count: () => number;
    readonly thread_pool_abandon: () => void;
    readonly thread_pool_empty_regions: (a: number) => void;
    readonly thread_pool_worker: () => void;
    readonly thread_work: () => [number, number];
    readonly threaded_build: () => number;
    readonly trainer_alive: (a: number) => [number, number];
    readonly trainer_batches_per_epoch: (a: number) => number;
    readonly trainer_config_fingerprint: (a: number) => [number, number];
    readonly trainer_cursor: (a: number) => number;
    readonly trainer_epoch: (a: number) => number;
    readonly trainer_epoch_progress: (a: number) => [number, number];
    readonly trainer_eta: (a: number) => [number, number];
    readonly trainer_evaluate: (a: number, b: number, c: number) => [number, number, number, number];
    readonly trainer_fitness: (a: number, b: number) => [number, number, number, number];
    readonly trainer_gradients: (a: number, b: number, c: number, d: number, e: number) => [number, number, number, number];
    readonly trainer_load_state: (a: number, b: number, c: number, d: number, e: number) => [number, number];
    readonly trainer_masses: (a: number, b: number) => [number, number, number, number];
    readonly trainer_memory_check: (a: number, b: number, c: number, d: number, e: number) => [number, number, number];
    readonly trainer_model: (a: number) => [number, number, number];
    readonly trainer_new: (a: number, b: number) => [number, number, number];
    readonly trainer_parameters: (a: number) => [number, number];
    readonly trainer_participation: (a: number, b: number) => [number, number];
    readonly trainer_pruned: (a: number, b: number, c: number, d: number, e: number, f: number) => [number, number, number];
    readonly trainer_run: (a: number, b: number) => [number, number, number];
    readonly trainer_set_compaction: (a: number, b: number) => void;
    readonly trainer_set_data: (a: number, b: number, c: number, d: number, e: number, f: number, g: number, h: number, i: number) => [number, number];
    readonly trainer_set_epoch_progress: (a: number, b: number, c: number, d: number, e: number, f: number, g: number) => void;
    readonly trainer_set_features: (a: number, b: number, c: number, d: number, e: number, f: number, g: number, h: number, i: number) => [number, number];
    readonly trainer_set_parameters: (a: number, b: number, c: number) => [number, number];
    readonly trainer_state: (a: number) => [number, number];
    readonly trainer_state_hash: (a: number) => [number, number];
    readonly trainer_step: (a: number) => number;
    readonly trainer_take_train_loss: (a: number) => number;
    readonly trainer_working_widths: (a: number) => [number, number];
    readonly wasm_memory: () => any;
    readonly memory: WebAssembly.Memory;
    readonly __wbindgen_exn_store: (a: number) => void;
    readonly __externref_table_alloc: () => number;
    readonly __wbindgen_externrefs: WebAssembly.Table;
    readonly __externref_table_dealloc: (a: number) => void;
    readonly __wbindgen_malloc: (a: number, b: number) => number;
    readonly __wbindgen_realloc: (a: number, b: number, c: number, d: number) => number;
    readonly __wbindgen_free: (a: number, b: number, c: number) => void;
    readonly __wbindgen_thread_destroy: (a?: number, b?: number, c?: number) => void;
    readonly __wbindgen_start: (a: number) => void;
}

export type SyncInitInput = BufferSource | WebAssembly.Module;

/**
 * Instantiates the given `module`, which can either be bytes or
 * a precompiled `WebAssembly.Module`.
 *
 * @param {{ module: SyncInitInput, memory?: WebAssembly.Memory, thread_stack_size?: number }} module - Passing `SyncInitInput` directly is deprecated.
 * @param {WebAssembly.Memory} memory - Deprecated.
 *
 * @returns {InitOutput}
 */
export function initSync(module: { module: SyncInitInput, memory?: WebAssembly.Memory, thread_stack_size?: number } | SyncInitInput, memory?: WebAssembly.Memory): InitOutput;

/**
 * If `module_or_path` is {RequestInfo} or {URL}, makes a request and
 * for everything else, calls `WebAssembly.instantiate` directly.
 *
 * @param {{ module_or_path: InitInput | Promise<InitInput>, memory?: WebAssembly.Memory, thread_stack_size?: number }} module_or_path - Passing `InitInput` directly is deprecated.
 * @param {WebAssembly.Memory} memory - Deprecated.
 *
 * @returns {Promise<InitOutput>}
 */
export default function __wbg_init (module_or_path?: { module_or_path: InitInput | Promise<InitInput>, memory?: WebAssembly.Memory, thread_stack_size?: number } | InitInput | Promise<InitInput>, memory?: WebAssembly.Memory): Promise<InitOutput>;
