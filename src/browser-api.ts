// The page entries' part of the public API (browser.ts, vite.ts): the platform-neutral API and
// the helpers that give `train` and `trainInWorker` an entry's own engine and worker.
import { resolveTrainConfig, type TrainConfig, type TrainConfigInput } from './config/schema.js';
import type { Dataset } from './data/types.js';
import type { Engine } from './engine/engine.js';
import { loadModelWith, type ModelSource, type WasmModel } from './engine/model.js';
import { runTraining, type TrainOptions, type TrainSummary } from './train/loop.js';
import { trainInWorkerWith, type WorkerTrainOptions } from './worker/client.js';

export * from './common.js';
export { serveTraining } from './worker/serve.js';
export type { WorkerTrainOptions } from './worker/client.js';
export type { FromWorker, ThreadsInfo, ToWorker } from './worker/protocol.js';
export { canShareMemory, checkThreads, MAX_THREADS } from './engine/pool.js';
export { browserThreadedEngine } from './engine/web-threads.js';

/** In a page, `train` needs the dataset: there is no file system to load it from. */
export type BrowserTrainOptions = TrainOptions & { dataset: Dataset };

/**
 * `train(config, { engine?, dataset, … })`: the same signature as in Node, with the entry's
 * kernels as the default engine.
 */
export function trainWithDefaultEngine(defaultEngine: () => Engine | Promise<Engine>) {
  return async (input: TrainConfigInput | TrainConfig, options: BrowserTrainOptions): Promise<TrainSummary> => {
    if (!options?.dataset) throw new TypeError('train: in a page, pass options.dataset (e.g. parsed with parseIdx from fetched IDX files)');
    const { engine, dataset, ...rest } = options;
    return runTraining(resolveTrainConfig(input), dataset, engine ?? (await defaultEngine()), rest);
  };
}

/** `trainInWorker(config, { dataset, onEpoch, signal, … })` with the entry's own worker script. */
export function trainInWorkerWithDefault(defaultWorker: () => Worker) {
  return (input: TrainConfigInput | TrainConfig, options: WorkerTrainOptions): Promise<TrainSummary> => trainInWorkerWith(defaultWorker, input, options);
}

/** `loadModel(bytes | url, { engine? })` with the entry's kernels as the default engine. */
export function loadModelWithDefault(defaultEngine: () => Engine | Promise<Engine>) {
  return async (source: ModelSource, options: { engine?: Engine } = {}): Promise<WasmModel> => loadModelWith(options.engine ?? (await defaultEngine()), source);
}
