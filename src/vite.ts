/**
 * evoprune under Vite with vite-plugin-wasm: the `bundler` build of the kernels is imported as an
 * ES module (the plugin instantiates the .wasm), so the engine is ready once this module is.
 *
 *   import { viteEngine, train } from 'evoprune/vite';
 */
import * as bundler from '../pkg/bundler/evoprune_wasm.js';
import type { WasmBindings } from './engine/bindings.js';
import { Engine } from './engine/engine.js';

export * from './browser-api.js';

let engine: Engine | undefined;

export function viteEngine(): Engine {
  engine ??= new Engine(bundler as unknown as WasmBindings);
  return engine;
}
