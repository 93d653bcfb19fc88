/** evoprune's public API. */
export { Engine, WasmArray, type GemmOp } from './engine/engine.js';
export { nodeEngine } from './engine/node.js';
export { WasmTrainer, type Evaluation, type WasmTrainerConfig } from './engine/trainer.js';
export { ConfigError, DEFAULT_LR, resolveTrainConfig, trainConfigSchema, type TrainConfig, type TrainConfigInput } from './config/schema.js';
export { DataError, parseIdx, readIdxFile, type IdxArray } from './data/idx.js';
export { loadDataset, mnistFolder, DATASET_NAMES, type Dataset, type ImageSet, type LoadOptions } from './data/registry.js';
export { train, wasmTrainerConfig, type EpochMetrics, type TrainOptions, type TrainProgress, type TrainSummary } from './train/train.js';
