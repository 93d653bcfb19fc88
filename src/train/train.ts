import { performance } from 'node:perf_hooks';
import { resolveTrainConfig, type TrainConfig, type TrainConfigInput } from '../config/schema.js';
import { loadDataset, type Dataset } from '../data/registry.js';
import type { Engine } from '../engine/engine.js';
import { nodeEngine } from '../engine/node.js';
import { WasmTrainer, type WasmTrainerConfig } from '../engine/trainer.js';

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
  testLoss: number;
  testAccuracy: number;
  /** Training throughput of this epoch (evaluation excluded). */
  samplesPerSecond: number;
  seconds: number;
  alive: number[];
}

export interface TrainSummary {
  testAccuracy: number;
  testLoss: number;
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
  config: TrainConfig;
}

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
  };
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Trains a population-scaled MLP. The whole step runs in wasm; this loop only moves bytes in
 * once, calls `run` per chunk of batches, and reports. Resolves with the final summary.
 */
export async function train(input: TrainConfigInput | TrainConfig, options: TrainOptions = {}): Promise<TrainSummary> {
  const config = resolveTrainConfig(input);
  const dataset = options.dataset ?? loadDataset(config.dataset, { trainLimit: config.trainLimit, testLimit: config.testLimit });
  const engine = options.engine ?? nodeEngine();
  const trainer = new WasmTrainer(engine.wasm, wasmTrainerConfig(config, dataset));
  const started = performance.now();
  try {
    trainer.setData('train', dataset.train.images, dataset.train.labels, dataset.train.rows, dataset.train.cols);
    trainer.setData('test', dataset.test.images, dataset.test.labels, dataset.test.rows, dataset.test.cols);
    const history: EpochMetrics[] = [];
    const batches = trainer.batchesPerEpoch;
    const chunk = options.chunk ?? 20;
    let trainSeconds = 0;
    while (trainer.epoch < config.epochs) {
      const epoch = trainer.epoch;
      const epochStart = performance.now();
      let lossSum = 0;
      let lossCount = 0;
      while (trainer.epoch === epoch) {
        if (options.signal?.aborted) throw new DOMException('training was stopped', 'AbortError');
        const t0 = performance.now();
        const ran = trainer.run(chunk);
        const seconds = (performance.now() - t0) / 1000;
        const loss = trainer.takeTrainLoss();
        lossSum += loss * ran;
        lossCount += ran;
        const batch = trainer.epoch === epoch ? Math.floor(trainer.cursor / config.batch) : batches;
        options.onProgress?.({
          epoch: epoch + 1,
          epochs: config.epochs,
          batch,
          batches,
          loss,
          samplesPerSecond: (ran * config.batch) / seconds,
        });
        await yieldToEventLoop();
      }
      const epochTrainSeconds = (performance.now() - epochStart) / 1000;
      trainSeconds += epochTrainSeconds;
      const test = trainer.evaluate('test');
      const metrics: EpochMetrics = {
        epoch: epoch + 1,
        trainLoss: lossSum / lossCount,
        testLoss: test.loss,
        testAccuracy: test.accuracy,
        samplesPerSecond: dataset.train.rows / epochTrainSeconds,
        seconds: (performance.now() - epochStart) / 1000,
        alive: trainer.alive(),
      };
      history.push(metrics);
      options.onEpoch?.(metrics);
    }
    const test = trainer.evaluate('test');
    const alive = trainer.alive();
    const populations = config.hidden.reduce((a, b) => a + b, 0);
    const living = alive.reduce((a, b) => a + b, 0);
    return {
      testAccuracy: test.accuracy,
      testLoss: test.loss,
      epochs: trainer.epoch,
      samplesPerSecond: trainSeconds > 0 ? (dataset.train.rows * history.length) / trainSeconds : 0,
      stateHash: trainer.stateHash(),
      alive,
      populations,
      sparsity: (populations - living) / populations,
      seconds: (performance.now() - started) / 1000,
      dataset: dataset.name,
      sizes: [dataset.train.cols, ...config.hidden, dataset.classes],
      confusion: test.confusion,
      history,
      config,
    };
  } finally {
    trainer.free();
  }
}
