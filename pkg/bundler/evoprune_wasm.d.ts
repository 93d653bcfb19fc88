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
