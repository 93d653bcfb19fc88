/**
 * evoprune in web pages, without a bundler: the same trainer API as Node over the `web` build of
 * the kernels, loaded asynchronously from an explicit URL (or the one beside its glue).
 *
 *   import { trainInWorker } from './dist/browser.js';
 *   const summary = await trainInWorker({ epochs: 3 }, { dataset, onEpoch: (m) => console.log(m) });
 */
import { loadModelWithDefault, trainInWorkerWithDefault, trainWithDefaultEngine } from './browser-api.js';
import { browserEngine } from './engine/web.js';

export * from './browser-api.js';
export { browserEngine } from './engine/web.js';

/** Trains on this thread (the page freezes while a chunk of batches runs: prefer trainInWorker). */
export const train = trainWithDefaultEngine(() => browserEngine());

/** Trains in a module Web Worker (dist/worker/web.js) and resolves with the summary. */
export const trainInWorker = trainInWorkerWithDefault(() => new Worker(new URL('./worker/web.js', import.meta.url), { type: 'module' }));

/** A model from its bytes or a URL (fetched), on this entry's kernels: `(await loadModel(url)).predict(pixels)`. */
export const loadModel = loadModelWithDefault(() => browserEngine());
