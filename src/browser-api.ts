// The platform-neutral part of the public API, shared by the browser and Vite entries.
import { resolveTrainConfig, type TrainConfig, type TrainConfigInput } from './config/schema.js';
import type { Dataset } from './data/types.js';
import type { Engine } from './engine/engine.js';
import { runTraining, type TrainOptions, type TrainSummary } from './train/loop.js';

export { Engine, WasmArray, type GemmOp } from './engine/engine.js';
export { WasmTrainer, type Evaluation, type WasmTrainerConfig } from './engine/trainer.js';
export { isKernelUsageError, kernelErrorKind, type KernelErrorKind } from './engine/errors.js';
export { WasmModel } from './engine/model.js';
export { ConfigError, DEFAULT_LR, resolveTrainConfig, trainConfigSchema, type TrainConfig, type TrainConfigInput } from './config/schema.js';
export { DYNAMICS, DYNAMIC_NAMES, FITNESS_NAMES, SCORE_NAMES, type DynamicName } from './config/dynamics.js';
export { PRESETS } from './config/presets.js';
export { DataError, parseIdx, type IdxArray } from './data/idx-parse.js';
export type { Dataset, ImageSet } from './data/types.js';
export { runTraining, wasmTrainerConfig, type EpochMetrics, type TelemetryRecord, type TrainOptions, type TrainProgress, type TrainSummary } from './train/loop.js';

/** Trains in the page (or a worker) on a dataset the caller has loaded. */
export function train(
  engine: Engine,
  input: TrainConfigInput | TrainConfig,
  dataset: Dataset,
  options: Omit<TrainOptions, 'dataset' | 'engine'> = {},
): Promise<TrainSummary> {
  return runTraining(resolveTrainConfig(input), dataset, engine, options);
}
