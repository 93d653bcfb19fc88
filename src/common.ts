// The platform-neutral part of the public API: what the Node entry (index.ts) and the page
// entries (browser.ts, vite.ts, through browser-api.ts) all export.

// Kernels and the wasm handles.
export { Engine, WasmArray, type GemmOp } from './engine/engine.js';
export { WasmTrainer, type EpochProgress, type Evaluation, type GradualScore, type SplitName, type WasmTrainerConfig } from './engine/trainer.js';
export { WasmModel, type ModelSource, type Prediction, type PredictInput } from './engine/model.js';
export { isKernelUsageError, kernelErrorKind, type KernelErrorKind } from './engine/errors.js';
export { EngineTrapError } from './engine/trap.js';

// Configuration.
export { ConfigError, DEFAULT_LR, describeIssues, resolveTrainConfig, trainConfigSchema, type TrainConfig, type TrainConfigInput } from './config/schema.js';
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

// Data that needs no file system.
export { DataError, parseIdx, type IdxArray } from './data/idx-parse.js';
export { isFeatureSet, splitInputs, type Dataset, type DataSplit, type DatasetSource, type FeatureSet, type ImageSet } from './data/types.js';
export { datasetFromArrays, type ArraySplit, type ArraysDatasetInput } from './data/memory.js';
export { labelClasses, MAX_CLASSES } from './data/labels.js';
export { evenlySpreadRows, holdOut, takeRows } from './data/split.js';
export { inputVariant, type InputVariant } from './data/variants.js';

// Training and the after-training step.
export {
  collapse,
  modelBytes,
  PARTICIPATION_DEFAULTS,
  RunFailedError,
  runSplits,
  runTraining,
  standardizes,
  wasmTrainerConfig,
  type EpochMetrics,
  type FinishHook,
  type TelemetryRecord,
  type TrainingSnapshot,
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
  type PruneScope,
  type PruneSpec,
} from './prune/prune.js';
export { canonical, plainTelemetry, TIMING_FIELDS, typedTelemetry, type PlainTelemetry } from './run/schema.js';

// Export to other formats.
export { MODEL_FORMATS, MODEL_MAGIC, ModelFormatError, decodeModelFile, encodeModelFile, type ModelFile, type ModelLayer } from './export/model-format.js';
