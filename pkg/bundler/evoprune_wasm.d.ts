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

export class Trainer {
    free(): void;
    [Symbol.dispose](): void;
    /**
     * Living populations (mass > 0) per hidden layer.
     */
    alive(): Uint32Array;
    batches_per_epoch(): number;
    cursor(): number;
    epoch(): number;
    /**
     * `[loss, correct, rows, …confusion (classes × classes, row = label)]`.
     */
    evaluate(split: string): Float64Array;
    /**
     * `[loss, …∂loss/∂θ]` of one batch, θ in the order of `parameters()`; changes nothing.
     */
    gradients(images: Uint8Array | number[], labels: Uint8Array | number[]): Float32Array;
    load_state(bytes: Uint8Array | number[]): void;
    /**
     * Masses of hidden layer `layer`.
     */
    masses(layer: number): Float32Array;
    /**
     * `config` is JSON: `{ sizes, seed, batch, optimizer: { kind: "sgd", lr, momentum } |
     * { kind: "adam", lr, beta1, beta2, eps }, schedule?: { kind: "constant" } |
     * { kind: "cosine", epochs }, initialMass? }`.
     */
    constructor(config: string);
    /**
     * Per layer W (inputs × outputs, row-major), b, then m for hidden layers.
     */
    parameters(): Float32Array;
    /**
     * Trains up to `max_batches` batches, stopping at the end of an epoch; returns how many ran.
     */
    run(max_batches: number): number;
    /**
     * Copies a byte image set into wasm memory (once): `rows` images of `cols` bytes each.
     */
    set_data(split: string, images: Uint8Array | number[], labels: Uint8Array | number[], rows: number, cols: number): void;
    set_parameters(values: Float32Array | number[]): void;
    state(): Uint8Array;
    state_hash(): string;
    step(): number;
    /**
     * Mean training loss of the batches since the last call (NaN if none).
     */
    take_train_loss(): number;
}

export function bias_add(rows: number, cols: number, x: F32Buffer, bias: F32Buffer): void;

export function column_sums(rows: number, cols: number, x: F32Buffer, out: F32Buffer, accumulate: boolean): void;

/**
 * Which operand a product reads transposed: `"nn"` (A·B), `"tn"` (Aᵀ·B) or `"nt"` (A·Bᵀ).
 */
export function gemm(op: string, m: number, n: number, kdim: number, a: F32Buffer, b: F32Buffer, c: F32Buffer, accumulate: boolean): void;

export function relu(x: F32Buffer): void;

export function relu_backward(activation: F32Buffer, grad: F32Buffer): void;

/**
 * Mean softmax cross-entropy; writes the gradient of the mean loss into `grad`.
 */
export function softmax_cross_entropy(rows: number, classes: number, logits: F32Buffer, labels: Uint8Array | number[], grad: F32Buffer): number;

/**
 * The module's linear memory, for typed-array views over buffers (rebuild them after growth).
 */
export function wasm_memory(): any;
