// The page side of trainInWorker: one call, the same options and summary as `train`.
import { resolveTrainConfig, type TrainConfig, type TrainConfigInput } from '../config/schema.js';
import { type Dataset, type DataSplit, isFeatureSet } from '../data/types.js';
import type { AnalyseOptions } from '../prune/prune.js';
import type { EpochMetrics, TelemetryRecord, TrainProgress, TrainSummary } from '../train/loop.js';
import { checkThreads } from '../engine/pool.js';
import type { FromWorker, ThreadsInfo, ToWorker } from './protocol.js';

export interface WorkerTrainOptions {
  dataset: Dataset;
  /** A worker running `serveTraining` (default: the entry's own worker script). */
  worker?: Worker;
  /** The kernels' .wasm URL for the `web` build. */
  wasm?: string;
  analyse?: AnalyseOptions;
  keepModel?: boolean;
  onProgress?: (progress: TrainProgress) => void;
  onEpoch?: (metrics: EpochMetrics) => void;
  /** Every telemetry record as it is taken (masses and fitness of every population). */
  onTelemetry?: (record: TelemetryRecord) => void;
  /** Stops training at the next chunk of batches (the promise rejects with an AbortError). */
  signal?: AbortSignal;
  /**
   * Threads to train on (default 1). More than one needs a cross-origin-isolated page (COOP/COEP
   * headers); elsewhere the worker trains on one thread with the same bits, and says why on the
   * console and in `onThreads`.
   */
  threads?: number;
  /** How the worker trains (threads asked for and used), then, at the end, each thread's work. */
  onThreads?: (info: ThreadsInfo) => void;
}

/**
 * The dataset as it goes to the worker: each split's arrays copied into buffers of their own, to be
 * transferred. A structured clone of a view (a `trainLimit` of a file) would copy its whole buffer.
 */
function forTransfer(dataset: Dataset): { dataset: Dataset; buffers: ArrayBuffer[] } {
  const buffers: ArrayBuffer[] = [];
  const own = <A extends Uint8Array | Float32Array>(array: A): A => {
    const copy = array.slice() as A;
    buffers.push(copy.buffer as ArrayBuffer);
    return copy;
  };
  const split = (set: DataSplit): DataSplit =>
    isFeatureSet(set) ? { ...set, features: own(set.features), labels: own(set.labels) } : { ...set, images: own(set.images), labels: own(set.labels) };
  return { dataset: { ...dataset, train: split(dataset.train), test: split(dataset.test) }, buffers };
}

/** An error raised inside the worker, with its name and (for kernel errors) kind. */
function fromWorker(message: Extract<FromWorker, { type: 'error' }>): Error {
  const error = message.name === 'AbortError' ? new DOMException(message.message, 'AbortError') : new Error(message.message);
  if (!(error instanceof DOMException)) {
    error.name = message.name;
    if (message.kind) Object.assign(error, { kind: message.kind });
  }
  return error;
}

/**
 * Trains in a Web Worker and resolves with the same summary `train` gives; the worker is
 * terminated afterwards (a worker passed in `options.worker` too).
 */
export function trainInWorkerWith(makeWorker: () => Worker, config: TrainConfigInput | TrainConfig, options: WorkerTrainOptions): Promise<TrainSummary> {
  // Resolved here: a bad configuration fails before a worker starts.
  const resolved = resolveTrainConfig(config);
  checkThreads(options.threads ?? 1);
  const worker = options.worker ?? makeWorker();
  return new Promise<TrainSummary>((resolve, reject) => {
    const finish = (settle: () => void) => {
      options.signal?.removeEventListener('abort', stop);
      worker.terminate();
      settle();
    };
    const stop = () => worker.postMessage({ type: 'stop' } satisfies ToWorker);
    if (options.signal?.aborted) {
      finish(() => reject(new DOMException('training was stopped', 'AbortError')));
      return;
    }
    options.signal?.addEventListener('abort', stop, { once: true });
    worker.onerror = (event) => finish(() => reject(new Error(`the training worker failed: ${event.message || 'it could not load'}`)));
    worker.onmessage = (event: MessageEvent<FromWorker>) => {
      const message = event.data;
      switch (message.type) {
        case 'ready': {
          const { dataset, buffers } = forTransfer(options.dataset);
          const start: ToWorker = {
            type: 'train',
            config: resolved,
            dataset,
            analyse: options.analyse,
            keepModel: options.keepModel,
            telemetry: options.onTelemetry !== undefined,
            wasm: options.wasm,
            threads: options.threads,
          };
          worker.postMessage(start, buffers);
          break;
        }
        case 'progress':
          options.onProgress?.(message.progress);
          break;
        case 'epoch':
          options.onEpoch?.(message.metrics);
          break;
        case 'telemetry':
          options.onTelemetry?.(message.record);
          break;
        case 'threads':
          if (message.info.reason !== undefined && message.info.work === undefined) {
            console.warn(`evoprune: training on ${message.info.used} thread instead of ${message.info.requested}: ${message.info.reason}`);
          }
          options.onThreads?.(message.info);
          break;
        case 'done':
          finish(() => resolve(message.summary));
          break;
        case 'error':
          finish(() => reject(fromWorker(message)));
          break;
      }
    };
  });
}
