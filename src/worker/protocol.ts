// Messages between a page and a training worker (src/worker/serve.ts). Platform-neutral types.
import type { TrainConfig } from '../config/schema.js';
import type { Dataset } from '../data/types.js';
import type { AnalyseOptions } from '../prune/prune.js';
import type { EpochMetrics, TelemetryRecord, TrainProgress, TrainSummary } from '../train/loop.js';

/** Page → worker. */
export type ToWorker =
  | {
      type: 'train';
      /** Resolved in the page (the worker does not load the schema). */
      config: TrainConfig;
      dataset: Dataset;
      analyse?: AnalyseOptions;
      keepModel?: boolean;
      /** Send every telemetry record (masses and fitness of every population). */
      telemetry?: boolean;
      /** The kernels' .wasm URL for the `web` build (default: beside its glue). */
      wasm?: string;
      /** Threads to train on (the threaded build needs a cross-origin-isolated page). */
      threads?: number;
    }
  | { type: 'stop' };

/** Worker → page. Typed arrays travel as transferables. */
export type FromWorker =
  | { type: 'ready' }
  | { type: 'progress'; progress: TrainProgress }
  | { type: 'epoch'; metrics: EpochMetrics }
  | { type: 'telemetry'; record: TelemetryRecord }
  | { type: 'threads'; info: ThreadsInfo }
  | { type: 'done'; summary: TrainSummary }
  | { type: 'error'; name: string; message: string; kind?: string };

/**
 * How a worker trains: the threads asked for and used (1 when the page is not cross-origin isolated,
 * with the reason), and, once training ends, the parts of parallel regions each thread ran.
 */
export interface ThreadsInfo {
  requested: number;
  used: number;
  crossOriginIsolated: boolean;
  /** Why fewer threads are used than asked for. */
  reason?: string;
  /** Per thread (0: the training worker itself), the parts it ran; sent when training ends. */
  work?: number[];
}

/** The buffers of typed arrays in a telemetry record or summary, to transfer instead of copy. */
export function transferables(record: { masses: Float32Array[]; fitness: Float32Array[] }[]): ArrayBuffer[] {
  return record.flatMap((r) => [...r.masses, ...r.fitness].map((a) => a.buffer as ArrayBuffer));
}
