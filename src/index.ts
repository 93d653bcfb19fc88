/**
 * evoprune's public API for Node. The CLI (src/cli) is a client of this module only; the browser
 * entries (`evoprune/browser`, `evoprune/vite`) export its platform-neutral part.
 */

// Kernels and the wasm handles.
export { Engine, WasmArray, type GemmOp } from './engine/engine.js';
export { nodeEngine } from './engine/node.js';
export { WasmTrainer, type Evaluation, type SplitName, type WasmTrainerConfig } from './engine/trainer.js';
export { WasmModel } from './engine/model.js';
export { isKernelUsageError, kernelErrorKind, type KernelErrorKind } from './engine/errors.js';
export { EngineTrapError } from './engine/trap.js';

// Configuration.
export { ConfigError, DEFAULT_LR, describeIssues, resolveTrainConfig, trainConfigSchema, type TrainConfig, type TrainConfigInput } from './config/schema.js';
export { readConfigFile } from './config/file.js';
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

// Data.
export { DataError, encodeIdx, parseIdx, readIdxFile, type IdxArray } from './data/idx.js';
export {
  loadDataset,
  loadRunDataset,
  mnistFolder,
  DATASET_NAMES,
  type Dataset,
  type DataSplit,
  type FeatureSet,
  type ImageDatasetSpec,
  type ImageSet,
  type LoadOptions,
} from './data/registry.js';
export { isFeatureSet, splitInputs, type DatasetSource } from './data/types.js';
export { datasetFromArrays, type ArraySplit, type ArraysDatasetInput } from './data/memory.js';
export { csvFiles, DEFAULT_LABEL_COLUMN, loadCsvDataset, type CsvOptions } from './data/csv.js';
export { labelClasses, MAX_CLASSES } from './data/labels.js';
export { evenlySpreadRows, holdOut, takeRows } from './data/split.js';
export { inputVariant, type InputVariant } from './data/variants.js';

// Training, the after-training step, and runs kept in folders.
export {
  collapse,
  modelBytes,
  RunFailedError,
  runSplits,
  standardizes,
  train,
  wasmTrainerConfig,
  PARTICIPATION_DEFAULTS,
  type EpochMetrics,
  type TelemetryRecord,
  type TrainOptions,
  type TrainProgress,
  type TrainingSnapshot,
  type TrainSummary,
} from './train/train.js';
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
export { loadModel, saveModel } from './prune/files.js';
export { CHECKPOINT_FILE, configDifferences, readRunConfig, trainRun, type RunOptions, type RunResult } from './run/service.js';
export { CheckpointError, decodeCheckpoint, encodeCheckpoint, type Checkpoint, type CheckpointHeader } from './run/checkpoint.js';
export { provenanceChanges, runProvenance, type Provenance } from './run/provenance.js';
export { verifyRun, type Verification } from './run/verify.js';
export { RunFolder, RunFolderError, RUNS_ROOT, runDirForName, type Marker } from './run/folder.js';
export { readPruning, readRunSummary, readTelemetry } from './run/files.js';
export { canonical, pruningSchema, runSummarySchema, telemetrySchema, TIMING_FIELDS } from './run/schema.js';

// Studies: sweeps, the paper's table, analysis and reports.
export { configKey, planSweep, readSweepSpec, sweepSpecSchema, variantLabel, type PlannedRun, type SweepPlan, type SweepSpec } from './sweep/plan.js';
export { runSweep, sweepTable, type SweepOptions, type SweepResult, type SweepStatus } from './sweep/sweep.js';
export { PAPER, reproduce, reproduceTable, REPRODUCE_FRACTIONS, type ReproduceOptions, type ReproduceRun } from './reproduce/reproduce.js';
export { writeTable } from './analysis/export.js';
export { writeReport } from './analysis/report.js';

// Measurements of this machine.
export { gemmGflops, TRAINING_SHAPES } from './bench/gemm.js';
export { trainingSamplesPerSecond } from './bench/train.js';
export { writeFileAtomic } from './util/atomic.js';
