/**
 * The shape of the generated wasm-bindgen module. The Node (`pkg/node`), bundler (`pkg/bundler`)
 * and web (`pkg/web`) builds export the same functions over the same .wasm bytes.
 */
import type * as Glue from '../../pkg/node/evoprune_wasm.js';

export type WasmBindings = typeof Glue;
export type F32Buffer = InstanceType<WasmBindings['F32Buffer']>;
