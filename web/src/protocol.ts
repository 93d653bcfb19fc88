import type { EpochMetrics, TrainProgress } from '../../src/vite.js';

/** What the page asks the worker. */
export interface StartMessage {
  type: 'start';
  config: { dynamic: string; eta: number; epochs: number; seed: number; trainLimit: number; hidden: number[] };
  testLimit: number;
  dataUrl: string;
}

export interface PruneRow {
  fraction: number;
  accuracy: number;
  sizes: number[];
  parameters: number;
  refused?: string;
}

/** What the worker tells the page. */
export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'progress'; progress: TrainProgress }
  | { type: 'epoch'; metrics: EpochMetrics }
  | { type: 'masses'; step: number; alive: number[]; masses: number[] }
  | { type: 'done'; stateHash: string; testAccuracy: number; sparsity: number; alive: number[]; prune: PruneRow[]; denseParameters: number }
  | { type: 'error'; message: string };
