/**
 * evoprune's public API for Node. The CLI (src/cli) is a client of this module only; the browser
 * entries (`evoprune/browser`, `evoprune/vite`) export its platform-neutral part.
 */

export * from './common.js';

// Kernels in Node.
export { defaultThreads, nodeEngine, nodeEngineFor } from './engine/node.js';
export { checkThreads, MAX_THREADS } from './engine/pool.js';

// ONNX export (also `evoprune/onnx` for pages: onnx-proto is CommonJS, which a page without a bundler cannot import).
export { EVOPRUNE_VERSION, exportOnnx, modelToOnnx, ONNX_OPSET, type OnnxExport, type OnnxExportOptions, type OnnxInput } from './export/onnx.js';

// Configuration files.
export { readConfigFile } from './config/file.js';

// Data from files.
export { encodeIdx, readIdxFile } from './data/idx.js';
export { loadDataset, loadRunDataset, mnistFolder, DATASET_NAMES, type ImageDatasetSpec, type LoadOptions } from './data/registry.js';
export { csvFiles, DEFAULT_LABEL_COLUMN, loadCsvDataset, type CsvOptions } from './data/csv.js';

// Training in Node, and runs kept in folders.
export { train } from './train/train.js';
export { loadModel, readModelFile, saveModel } from './prune/files.js';
export { CHECKPOINT_FILE, configDifferences, readRunConfig, trainRun, type RunOptions, type RunResult } from './run/service.js';
export { CheckpointError, decodeCheckpoint, encodeCheckpoint, type Checkpoint, type CheckpointHeader, type CheckpointProgress } from './run/checkpoint.js';
export { provenanceChanges, runProvenance, type Provenance } from './run/provenance.js';
export { verifyRun, type Verification } from './run/verify.js';
export { RunFolder, RunFolderError, RUNS_ROOT, runDirForName, type Marker, type OpenOptions as RunFolderOpenOptions } from './run/folder.js';
export { readPruning, readRunSummary, readTelemetry } from './run/files.js';
export { pruningSchema, runSummarySchema, telemetrySchema } from './run/schema.js';

// Studies: sweeps, the paper's table, analysis and reports.
export { configKey, planSweep, readSweepSpec, sweepSpecSchema, variantLabel, type PlannedRun, type SweepPlan, type SweepSpec } from './sweep/plan.js';
export { runSweep, sweepTable, type SweepOptions, type SweepResult, type SweepStatus } from './sweep/sweep.js';
export type { RunOutcome } from './sweep/execute.js';
export { runQueuedSweep, type QueuedRunTiming, type QueuedSweepOptions, type QueuedSweepResult, type QueuedSweepStatus } from './queue/coordinator.js';
export { runQueueWorker, type QueueWorkerEvent, type QueueWorkerOptions, type QueueWorkerSummary } from './queue/worker.js';
export { DEFAULT_QUEUE_NAME, type QueueConnection, type QueueNotice } from './queue/connection.js';
export { MAX_JOB_BYTES, validateJob, type ValidJob } from './queue/protocol.js';
export { PAPER, reproduce, reproduceMarkdown, reproduceTable, REPRODUCE_FRACTIONS, type ReproduceOptions, type ReproduceRun } from './reproduce/reproduce.js';
export {
  FRONTIER_DEFAULTS,
  frontierPairedMarkdown,
  frontierTables,
  planFrontier,
  runFrontier,
  type FrontierOptions,
  type FrontierResult,
} from './frontier/frontier.js';
export { FRONTIER_ABLATIONS, FRONTIER_METHODS, METHOD_DESCRIPTIONS, methodFields, type FrontierAblation, type FrontierMethod } from './frontier/methods.js';
export { pairedDifference, t975, verdict, type PairedDifference } from './frontier/stats.js';
export { writeTable } from './analysis/export.js';
export { sweepMarkdown } from './analysis/markdown.js';
export { formatPercent } from './analysis/format.js';
export { writeReport } from './analysis/report.js';

// Measurements of this machine.
export { gemmGflops, TRAINING_SHAPES } from './bench/gemm.js';
export { trainingSamplesPerSecond } from './bench/train.js';
export { writeFileAtomic } from './util/atomic.js';
