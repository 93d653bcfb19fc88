/** evoprune's public API. */
export { Engine, WasmArray, type GemmOp } from './engine/engine.js';
export { nodeEngine } from './engine/node.js';
