/* tslint:disable */
/* eslint-disable */
export const memory: WebAssembly.Memory;
export const __wbg_f32buffer_free: (a: number, b: number) => void;
export const bias_add: (a: number, b: number, c: number, d: number) => [number, number];
export const column_sums: (a: number, b: number, c: number, d: number, e: number) => [number, number];
export const f32buffer_fill_uniform: (a: number, b: bigint, c: bigint, d: number, e: number) => void;
export const f32buffer_is_empty: (a: number) => number;
export const f32buffer_len: (a: number) => number;
export const f32buffer_new: (a: number) => number;
export const f32buffer_ptr: (a: number) => number;
export const gemm: (a: number, b: number, c: number, d: number, e: number, f: number, g: number, h: number, i: number) => [number, number];
export const relu: (a: number) => void;
export const relu_backward: (a: number, b: number) => [number, number];
export const softmax_cross_entropy: (a: number, b: number, c: number, d: number, e: number, f: number) => [number, number, number];
export const wasm_memory: () => any;
export const __wbindgen_externrefs: WebAssembly.Table;
export const __externref_table_dealloc: (a: number) => void;
export const __wbindgen_malloc: (a: number, b: number) => number;
export const __wbindgen_realloc: (a: number, b: number, c: number, d: number) => number;
export const __wbindgen_free: (a: number, b: number, c: number) => void;
export const __wbindgen_start: () => void;
