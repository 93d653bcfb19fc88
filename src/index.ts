/** evoprune's public API. */
export { Engine, WasmArray, type GemmOp } from './engine/engine.js';
export { nodeEngine } from './engine/node.js';
export { WasmTrainer, type Evaluation, type WasmTrainerConfig } from './engine/trainer.js';
export { isKernelUsageError, kernelErrorKind, type KernelErrorKind } from './engine/errors.js';
export { ConfigError, DEFAULT_LR, resolveTrainConfig, trainConfigSchema, type TrainConfig, type TrainConfigInput } from './config/schema.js';
export { DataError, encodeIdx, parseIdx, readIdxFile, type IdxArray } from './data/idx.js';
export { loadDataset, mnistFolder, DATASET_NAMES, type Dataset, type ImageSet, type LoadOptions } from './data/registry.js';
export { train, wasmTrainerConfig, type EpochMetrics, type TrainOptions, type TrainProgress, type TrainSummary } from './train/train.js';
export { WasmModel } from './engine/model.js';
export { DYNAMICS, DYNAMIC_NAMES, FITNESS_NAMES, SCORE_NAMES, type DynamicName, type FitnessName, type ScoreName } from './config/dynamics.js';
export { PRESETS, type Preset } from './config/presets.js';
export { compactChecked, CompactionError, inferenceSpeed, pruneSweep, type PruneResult } from './prune/prune.js';
export { PAPER, reproduce, reproduceTable, REPRODUCE_FRACTIONS, type ReproduceOptions, type ReproduceRun } from './reproduce/reproduce.js';
export { writeTable } from './analysis/export.js';
export { writeFileAtomic } from './util/atomic.js';
export { PARTICIPATION_DEFAULTS, type TelemetryRecord } from './train/train.js';
export { loadModel, saveModel } from './prune/files.js';
