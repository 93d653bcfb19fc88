// The platform-neutral part of the public API, shared by the browser and Vite entries.
import { resolveTrainConfig, type TrainConfig, type TrainConfigInput } from './config/schema.js';
import type { Dataset } from './data/types.js';
import type { Engine } from './engine/engine.js';
import { runTraining, type TrainOptions, type TrainSummary } from './train/loop.js';
import { trainInWorkerWith, type WorkerTrainOptions } from './worker/client.js';

export { Engine, WasmArray, type GemmOp } from './engine/engine.js';
export { WasmTrainer, type Evaluation, type SplitName, type WasmTrainerConfig } from './engine/trainer.js';
export { isKernelUsageError, kernelErrorKind, type KernelErrorKind } from './engine/errors.js';
export { EngineTrapError } from './engine/trap.js';
export { WasmModel } from './engine/model.js';
export { ConfigError, DEFAULT_LR, resolveTrainConfig, trainConfigSchema, type TrainConfig, type TrainConfigInput } from './config/schema.js';
export {
  DYNAMICS,
  DYNAMIC_NAMES,
  FITNESS_NAMES,
  REGISTRY,
  SCOPE_NAMES,
  SCORE_NAMES,
  type DynamicName,
  type FitnessName,
  type ScopeName,
  type ScoreName,
} from './config/dynamics.js';
export { PRESETS, type Preset } from './config/presets.js';
export { DataError, parseIdx, type IdxArray } from './data/idx-parse.js';
export { isFeatureSet, splitInputs, type Dataset, type DataSplit, type FeatureSet, type ImageSet } from './data/types.js';
export { datasetFromArrays, type ArraySplit, type ArraysDatasetInput } from './data/memory.js';
export { labelClasses, MAX_CLASSES } from './data/labels.js';
export { evenlySpreadRows, holdOut, takeRows } from './data/split.js';
export {
  modelBytes,
  runSplits,
  runTraining,
  standardizes,
  wasmTrainerConfig,
  type EpochMetrics,
  type TelemetryRecord,
  type TrainOptions,
  type TrainProgress,
  type TrainSummary,
} from './train/loop.js';
export {
  analyseTrained,
  compactChecked,
  CompactionError,
  inferenceSpeed,
  pruneSweep,
  type AnalyseOptions,
  type Analysis,
  type CompactionReport,
  type PruneResult,
  type PruneSpec,
} from './prune/prune.js';
export { canonical, TIMING_FIELDS } from './run/schema.js';
export { serveTraining } from './worker/serve.js';
export type { WorkerTrainOptions } from './worker/client.js';
export type { FromWorker, ToWorker } from './worker/protocol.js';

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
