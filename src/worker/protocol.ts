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
    }
  | { type: 'stop' };

/** Worker → page. Typed arrays travel as transferables. */
export type FromWorker =
  | { type: 'ready' }
  | { type: 'progress'; progress: TrainProgress }
  | { type: 'epoch'; metrics: EpochMetrics }
  | { type: 'telemetry'; record: TelemetryRecord }
  | { type: 'done'; summary: TrainSummary }
  | { type: 'error'; name: string; message: string; kind?: string };

/** The buffers of typed arrays in a telemetry record or summary, to transfer instead of copy. */
export function transferables(record: { masses: Float32Array[]; fitness: Float32Array[] }[]): ArrayBuffer[] {
  return record.flatMap((r) => [...r.masses, ...r.fitness].map((a) => a.buffer as ArrayBuffer));
}
