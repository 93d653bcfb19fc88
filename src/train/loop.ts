// The training loop, free of Node APIs: it runs in Node, in a page and in a Web Worker.
import { ConfigError } from '../config/errors.js';
import type { TrainConfig } from '../config/schema.js';
import { kernelErrorKind } from '../engine/errors.js';
import { holdOut } from '../data/split.js';
import { type Dataset, type DataSplit, isFeatureSet, splitInputs } from '../data/types.js';
import type { Engine } from '../engine/engine.js';
import { WasmTrainer, type EpochProgress, type Evaluation, type WasmTrainerConfig } from '../engine/trainer.js';
import { faultPoint, faultStep } from '../util/fault.js';
import { analyseTrained, type AnalyseOptions, type Analysis } from '../prune/prune.js';

export interface TrainProgress {
  epoch: number;
  epochs: number;
  /** Batches done in the current epoch, and per epoch. */
  batch: number;
  batches: number;
  /** Mean training loss of the batches since the last progress report. */
  loss: number;
  samplesPerSecond: number;
}

export interface EpochMetrics {
  epoch: number;
  trainLoss: number;
  /** Accuracy on the training batches of this epoch, as they were trained (argmax before each update). */
  trainAccuracy: number;
  /** Loss and accuracy on the validation rows at the epoch's end (only with a validation set). */
  validationLoss?: number;
  validationAccuracy?: number;
  testLoss: number;
  testAccuracy: number;
  /** Training throughput of this epoch (evaluation excluded). */
  samplesPerSecond: number;
  seconds: number;
  /**
   * The living network's share of the full one's multiply-adds, averaged over the epoch's steps
   * (1 for a dense run): the work a compacting trainer does, relative to the full network.
   * Absent in runs written before it existed.
   */
  livingWork?: number;
  alive: number[];
}

export interface TrainSummary {
  testAccuracy: number;
  testLoss: number;
  /** The final model on the validation rows (only with a validation set). */
  validationAccuracy?: number;
  validationLoss?: number;
  /** What each class index stands for, when the dataset says (a CSV's label values). */
  classNames?: string[];
  epochs: number;
  samplesPerSecond: number;
  /** SHA-256 of the final training state. */
  stateHash: string;
  /** Living populations per hidden layer, and the fraction extinct over all of them. */
  alive: number[];
  populations: number;
  sparsity: number;
  seconds: number;
  dataset: string;
  sizes: number[];
  confusion: number[][];
  history: EpochMetrics[];
  telemetry: TelemetryRecord[];
  config: TrainConfig;
  /** The after-training step's results, when `analyse` was given. */
  analysis?: Analysis;
  /** The trained model's file bytes, when `keepModel` was given. */
  model?: Uint8Array;
}

/** Sees the trained wasm trainer before it is freed (for inspection; results come from `analyse`). */
export type FinishHook = (trainer: WasmTrainer, dataset: Dataset) => void | Promise<void>;

export interface TrainOptions {
  onProgress?: (progress: TrainProgress) => void;
  onEpoch?: (metrics: EpochMetrics) => void;
  /** An already loaded dataset (else `config.dataset` is loaded). */
  dataset?: Dataset;
  engine?: Engine;
  /** Batches per call into wasm between progress reports. */
  chunk?: number;
  /** Stops the run at the next chunk boundary (the promise rejects with an AbortError). */
  signal?: AbortSignal;
  /** After training: hard pruning, compaction and timing on the test set (`summary.analysis`). */
  analyse?: AnalyseOptions;
  /** Return the trained model's bytes in `summary.model` (what `saveModel` writes). */
  keepModel?: boolean;
  /** Called with the trained wasm trainer before it is freed. */
  onFinish?: FinishHook;
  /** Called with every telemetry record as it is taken. */
  onTelemetry?: (record: TelemetryRecord) => void;
  /** Continue from a snapshot taken by `checkpoint.save` under the same configuration. */
  resume?: TrainingSnapshot;
  /**
   * Snapshots of the whole training state at every epoch end, every `every` steps, and when the
   * run is stopped (before the AbortError), for checkpoints.
   */
  checkpoint?: { every?: number; save: (snapshot: TrainingSnapshot) => void | Promise<void> };
  /** Fail the run when it collapses (see `collapse`); on by default. */
  collapseCheck?: boolean;
  /**
   * Compute on a compacted copy once populations are extinct for good (default true). Off gives
   * the same bits (stateHash, model, metrics) with the full-size work: for A/B checks.
   */
  compaction?: boolean;
  /**
   * Threads to train on (default 1): in Node, `train` and `trainRun` load the threaded kernels with
   * a pool of this many threads unless `engine` is given; in a browser, `trainInWorker` does when the
   * page is cross-origin isolated. Every thread count gives the same bits.
   */
  threads?: number;
}

/** Everything needed to continue a run exactly: the wasm state and what the loop had gathered. */
export interface TrainingSnapshot {
  state: Uint8Array;
  /** The kernels' configuration fingerprint the state was taken under. */
  fingerprint: string;
  step: number;
  epoch: number;
  history: EpochMetrics[];
  telemetry: TelemetryRecord[];
  /** The current epoch's training figures so far (0 at an epoch's end). */
  epochProgress: EpochProgress;
}

/** A run that trained to the end but failed: it collapsed (see `collapse`). */
export class RunFailedError extends Error {
  override name = 'RunFailedError';
}

/**
 * Why a run has collapsed, or undefined: a hidden layer with fewer than max(5, 2 % of its width)
 * living populations (all of them, for a layer narrower than 5), or, once the first epoch is
 * behind it (from epoch 2 on), an accuracy within 2 points of chance (1 / classes). The accuracy
 * is the validation accuracy when there is a validation set, else the training accuracy (`of`
 * says which): test accuracy never decides anything.
 */
export function collapse(
  hidden: readonly number[],
  alive: readonly number[],
  accuracy: number,
  classes: number,
  epoch = 2,
  of: 'training' | 'validation' = 'training',
): string | undefined {
  for (const [l, width] of hidden.entries()) {
    const needed = Math.min(width, Math.max(5, Math.ceil(0.02 * width)));
    if (alive[l]! < needed) return `hidden layer ${l + 1} has ${alive[l]} living populations of ${width} (fewer than ${needed})`;
  }
  const chance = 1 / classes;
  if (epoch >= 2 && accuracy < chance + 0.02)
    return `${of} accuracy ${(100 * accuracy).toFixed(2)} % is within 2 points of chance (${(100 * chance).toFixed(2)} %)`;
  return undefined;
}

/** Whether a run standardizes its inputs: the `standardize` setting, else on for f32 features and off for byte images. */
export function standardizes(config: Pick<TrainConfig, 'standardize'>, dataset: Dataset): boolean {
  return config.standardize ?? isFeatureSet(dataset.train);
}

/**
 * The splits a run trains and evaluates on: with `config.validation` = N, the N validation rows
 * of the training rows ⌊j·R/N⌋ (j = 0…N−1, see `evenlySpreadRows`) are held out and the others
 * train, in their order; without it, the dataset's own splits.
 */
export function runSplits(config: Pick<TrainConfig, 'validation'>, dataset: Dataset): { train: DataSplit; validation?: DataSplit; test: DataSplit } {
  if (!config.validation) return { train: dataset.train, test: dataset.test };
  const { kept, held } = holdOut(dataset.train, config.validation, 'validation');
  return { train: kept, validation: held, test: dataset.test };
}

/** The wasm trainer's configuration for a resolved run configuration and dataset. */
export function wasmTrainerConfig(config: TrainConfig, dataset: Dataset): WasmTrainerConfig {
  const optimizer: WasmTrainerConfig['optimizer'] =
    config.optimizer === 'sgd'
      ? { kind: 'sgd', lr: config.lr, momentum: config.momentum, weightDecay: config.weightDecay }
      : { kind: 'adam', lr: config.lr, beta1: config.beta1, beta2: config.beta2, eps: config.eps, weightDecay: config.weightDecay };
  return {
    sizes: [dataset.train.cols, ...config.hidden, dataset.classes],
    seed: config.seed,
    batch: config.batch,
    optimizer,
    schedule: config.schedule === 'cosine' ? { kind: 'cosine', epochs: config.epochs } : { kind: 'constant' },
    initialMass: config.initialMass,
    evolution: {
      fitness: config.fitness,
      dynamic: config.dynamic,
      eta: config.eta,
      mu: config.mu,
      rho: config.rho,
      epsilon: config.epsilon,
      interval: config.interval,
      warmup: config.warmup,
      anneal: config.anneal,
      // Numerics 2 bounds every dynamic that moves masses; the dense `none` keeps version 1's
      // bits (its masses never move), so a dense run is the same under either version.
      ...(config.numerics === 2 && config.dynamic !== 'none'
        ? {
            stable: {
              ...(config.targetSparsity !== undefined ? { controller: { target: config.targetSparsity, epochs: config.epochs } } : {}),
              ...(config.maxMass !== undefined ? { maxMass: config.maxMass } : {}),
              ...(config.standardizeFitness === false ? { standardiseFitness: false } : {}),
            },
          }
        : {}),
    },
    ...(config.participation ? { participation: PARTICIPATION_DEFAULTS } : {}),
    ...(standardizes(config, dataset) ? { standardize: true } : {}),
    ...(config.gradual ? { gradual: { ...config.gradual, epochs: config.epochs } } : {}),
  };
}

/**
 * Participation-variable hyper-parameters (arXiv 2512.22106 baseline): benefit weight α, norm
 * penalty β, sparsity penalty γ and ascent step. ⟨∇L, θ_i⟩ is O(1e-3) per step and ‖θ_i‖² is
 * O(1) for He-initialised rows, so β and γ are small enough that the benefit term decides.
 */
export const PARTICIPATION_DEFAULTS = { alpha: 1, beta: 1e-4, gamma: 1e-5, lr: 1 } as const;

/**
 * Refuses, before any data enters wasm memory, a configuration the kernels cannot hold (wasm32
 * addresses 4 GiB), as a configuration error naming the field that makes it too big.
 */
function checkMemory(engine: Engine, wasmConfig: WasmTrainerConfig, dataset: Dataset): void {
  const valueBytes = isFeatureSet(dataset.train) ? 4 : 1;
  const fits = (c: WasmTrainerConfig, trainRows: number, testRows: number) => {
    try {
      engine.wasm.trainer_memory_check(JSON.stringify(c), trainRows, testRows, valueBytes);
      return undefined;
    } catch (error) {
      if (kernelErrorKind(error) === 'limit') return error as Error;
      if (kernelErrorKind(error) === 'config') throw new ConfigError((error as Error).message);
      throw error;
    }
  };
  const problem = fits(wasmConfig, dataset.train.rows, dataset.test.rows);
  if (!problem) return;
  const field = fits({ ...wasmConfig, batch: 1 }, 0, 0) ? 'hidden' : fits(wasmConfig, 0, 0) ? 'batch' : 'trainLimit';
  throw new ConfigError(`${field}: ${problem.message}`);
}

/** One telemetry record: the populations of every hidden layer at one optimizer step. */
export interface TelemetryRecord {
  step: number;
  epoch: number;
  alive: number[];
  masses: Float32Array[];
  /** The last standardised fitness F̃ (0 for the extinct). */
  fitness: Float32Array[];
  /** η of each hidden layer's last mass update (numerics 2; empty under numerics 1). */
  eta: number[];
}

function record(trainer: WasmTrainer, layers: number): TelemetryRecord {
  const range = Array.from({ length: layers }, (_, l) => l);
  return {
    step: trainer.step,
    epoch: trainer.epoch + trainer.cursor / Math.max(1, trainer.trainRows),
    alive: trainer.alive(),
    masses: range.map((l) => trainer.masses(l)),
    fitness: range.map((l) => trainer.fitness(l)),
    eta: trainer.eta(),
  };
}

/** Lets progress render and signals arrive between chunks (setImmediate in Node, else a task). */
const yieldToEventLoop = () => new Promise<void>((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));

/**
 * Trains a population-scaled MLP on a loaded dataset with a resolved configuration. The whole
 * step runs in wasm; this loop only moves bytes in once, calls `run` per chunk of batches, and
 * reports. Resolves with the final summary.
 */
export async function runTraining(
  config: TrainConfig,
  dataset: Dataset,
  engine: Engine,
  options: Omit<TrainOptions, 'dataset' | 'engine'> = {},
): Promise<TrainSummary> {
  const wasmConfig = wasmTrainerConfig(config, dataset);
  checkMemory(engine, wasmConfig, dataset);
  if (isFeatureSet(dataset.train) !== isFeatureSet(dataset.test)) {
    throw new ConfigError(`dataset ${dataset.name}: its training and test splits must both be byte images or both f32 features`);
  }
  const splits = runSplits(config, dataset);
  const trainer = new WasmTrainer(engine.wasm, wasmConfig);
  const started = performance.now();
  try {
    if (options.compaction === false) trainer.setCompaction(false);
    for (const [name, set] of [
      ['train', splits.train],
      ['validation', splits.validation],
      ['test', splits.test],
    ] as const) {
      if (set) trainer.setData(name, splitInputs(set), set.labels, set.rows, set.cols);
    }
    const layers = config.hidden.length;
    const history: EpochMetrics[] = [];
    const telemetry: TelemetryRecord[] = [];
    const take = () => {
      const r = record(trainer, layers);
      telemetry.push(r);
      options.onTelemetry?.(r);
    };
    if (options.resume) {
      trainer.loadState(options.resume.state, options.resume.fingerprint);
      trainer.setEpochProgress(options.resume.epochProgress);
      history.push(...options.resume.history);
      telemetry.push(...options.resume.telemetry);
    } else {
      take();
    }
    const snapshot = (): TrainingSnapshot => ({
      state: trainer.state(),
      fingerprint: trainer.configFingerprint(),
      step: trainer.step,
      epoch: trainer.epoch,
      history: [...history],
      telemetry: [...telemetry],
      epochProgress: trainer.epochProgress(),
    });
    const every = options.checkpoint?.every;
    const batches = trainer.batchesPerEpoch;
    const chunk = options.chunk ?? 20;
    let trainSeconds = 0;
    // The last epoch's evaluations are the final model's: nothing changes the trainer after them.
    let last: { validation: Evaluation | undefined; test: Evaluation } | undefined;
    while (trainer.epoch < config.epochs) {
      const epoch = trainer.epoch;
      const epochStart = performance.now();
      while (trainer.epoch === epoch) {
        if (options.signal?.aborted) {
          // Stopped: keep what was done (the figures of the epoch so far are in the snapshot).
          await options.checkpoint?.save(snapshot());
          throw new DOMException('training was stopped', 'AbortError');
        }
        const t0 = performance.now();
        // Chunks end on telemetry and checkpoint steps, so records fall exactly on them. How the
        // batches are chunked changes no figure: the epoch's loss and accuracy are summed in wasm.
        const ends = [config.telemetryEvery, every, faultStep].filter((n): n is number => n !== undefined && n > 0);
        const ran = trainer.run(Math.min(chunk, ...ends.map((n) => n - (trainer.step % n) || n)));
        if (trainer.step % config.telemetryEvery === 0) take();
        const seconds = (performance.now() - t0) / 1000;
        const loss = trainer.takeTrainLoss();
        const batch = trainer.epoch === epoch ? Math.floor(trainer.cursor / config.batch) : batches;
        options.onProgress?.({ epoch: epoch + 1, epochs: config.epochs, batch, batches, loss, samplesPerSecond: (ran * config.batch) / seconds });
        faultPoint(`step:${trainer.step}`);
        if (every && trainer.step % every === 0 && trainer.epoch === epoch) await options.checkpoint?.save(snapshot());
        await yieldToEventLoop();
      }
      const epochTrainSeconds = (performance.now() - epochStart) / 1000;
      trainSeconds += epochTrainSeconds;
      // The figures of the epoch that just ended (the next run() starts a new one).
      const progress = trainer.epochProgress();
      const validation = splits.validation ? trainer.evaluate('validation') : undefined;
      const test = trainer.evaluate('test');
      last = { validation, test };
      const metrics: EpochMetrics = {
        epoch: epoch + 1,
        trainLoss: progress.lossSum / progress.batches,
        trainAccuracy: progress.correct / progress.rows,
        ...(validation ? { validationLoss: validation.loss, validationAccuracy: validation.accuracy } : {}),
        testLoss: test.loss,
        testAccuracy: test.accuracy,
        samplesPerSecond: splits.train.rows / epochTrainSeconds,
        seconds: (performance.now() - epochStart) / 1000,
        livingWork: (progress.livingWork ?? 0) / progress.batches,
        alive: trainer.alive(),
      };
      history.push(metrics);
      options.onEpoch?.(metrics);
      if (trainer.epoch === config.epochs && telemetry[telemetry.length - 1]!.step !== trainer.step) take();
      await options.checkpoint?.save({ ...snapshot(), epochProgress: { lossSum: 0, batches: 0, correct: 0, rows: 0, livingWork: 0 } });
      const collapsed =
        options.collapseCheck === false
          ? undefined
          : validation
            ? collapse(config.hidden, metrics.alive, validation.accuracy, dataset.classes, metrics.epoch, 'validation')
            : collapse(config.hidden, metrics.alive, metrics.trainAccuracy, dataset.classes, metrics.epoch);
      if (collapsed) throw new RunFailedError(`the run collapsed in epoch ${metrics.epoch}: ${collapsed}`);
    }
    await options.onFinish?.(trainer, dataset);
    const analysis = options.analyse ? analyseTrained(trainer, dataset.test, options.analyse) : undefined;
    const model = options.keepModel ? modelBytes(trainer) : undefined;
    // A run resumed from its final checkpoint trains no epoch here.
    const { validation, test } = last ?? { validation: splits.validation ? trainer.evaluate('validation') : undefined, test: trainer.evaluate('test') };
    const alive = trainer.alive();
    const populations = config.hidden.reduce((a, b) => a + b, 0);
    const living = alive.reduce((a, b) => a + b, 0);
    return {
      testAccuracy: test.accuracy,
      testLoss: test.loss,
      ...(validation ? { validationAccuracy: validation.accuracy, validationLoss: validation.loss } : {}),
      ...(dataset.classNames ? { classNames: dataset.classNames } : {}),
      epochs: trainer.epoch,
      samplesPerSecond: trainSeconds > 0 ? (splits.train.rows * history.length) / trainSeconds : 0,
      stateHash: trainer.stateHash(),
      alive,
      populations,
      sparsity: (populations - living) / populations,
      seconds: (performance.now() - started) / 1000,
      dataset: dataset.name,
      sizes: [dataset.train.cols, ...config.hidden, dataset.classes],
      confusion: test.confusion,
      history,
      telemetry,
      config,
      ...(analysis ? { analysis } : {}),
      ...(model ? { model } : {}),
    };
  } finally {
    trainer.free();
  }
}

/** The bytes of a trainer's current model (the copy in wasm is freed afterwards). */
export function modelBytes(trainer: WasmTrainer): Uint8Array {
  const model = trainer.model();
  try {
    return model.toBytes();
  } finally {
    model.free();
  }
}
