/**
 * evoprune under Vite with vite-plugin-wasm: the `bundler` build of the kernels is imported as an
 * ES module (the plugin instantiates the .wasm), so the engine is ready once this module is.
 *
 *   import { trainInWorker } from 'evoprune/vite';
 */
import * as bundler from '../pkg/bundler/evoprune_wasm.js';
import type { WasmBindings } from './engine/bindings.js';
import { Engine } from './engine/engine.js';
import { guardBindings } from './engine/trap.js';
import { loadModelWithDefault, trainInWorkerWithDefault, trainWithDefaultEngine } from './browser-api.js';

export * from './browser-api.js';

let engine: Engine | undefined;

export function viteEngine(): Engine {
  engine ??= new Engine(guardBindings(bundler as unknown as WasmBindings));
  return engine;
}

/** Trains on this thread (the page freezes while a chunk of batches runs: prefer trainInWorker). */
export const train = trainWithDefaultEngine(() => viteEngine());

/**
 * Trains in a module Web Worker and resolves with the summary. From the published package the
 * worker is dist/worker/vite.js; an app that imports evoprune's sources passes its own
 * `options.worker` running `serveTraining(() => viteEngine(), (threads) => browserThreadedEngine(threads))`.
 */
export const trainInWorker = trainInWorkerWithDefault(() => new Worker(new URL('./worker/vite.js', import.meta.url), { type: 'module' }));

/** A model from its bytes or a URL (fetched), on the bundled kernels: `(await loadModel(url)).predict(pixels)`. */
export const loadModel = loadModelWithDefault(() => viteEngine());
