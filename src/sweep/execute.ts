import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readPruning, readRunSummary } from '../run/files.js';
import { trainRun, type RunOptions } from '../run/service.js';
import type { PruneResult } from '../prune/prune.js';
import type { TrainProgress } from '../train/loop.js';
import type { PlannedRun } from './plan.js';

/** What a finished run leaves for the sweep's tables (also in its summary.json and pruning.json). */
export interface RunOutcome {
  key: string;
  variant: Record<string, unknown>;
  testAccuracy: number;
  sparsity: number;
  stateHash: string;
  pruning: PruneResult[];
}

export function isDone(dir: string): boolean {
  return existsSync(join(dir, 'summary.json')) && existsSync(join(dir, 'pruning.json'));
}

export function readOutcome(dir: string, run: PlannedRun): RunOutcome {
  const summary = readRunSummary(dir);
  return {
    key: run.key,
    variant: run.variant,
    testAccuracy: summary.testAccuracy,
    sparsity: summary.sparsity,
    stateHash: summary.stateHash,
    pruning: readPruning(dir),
  };
}

/**
 * Trains one planned run of a sweep into `dir` through the run service on `threads` threads,
 * hard-pruned by mass at `fractions`. `onCheckpoint` runs after each checkpoint is on disk.
 */
export async function executeRun(
  run: PlannedRun,
  dir: string,
  fractions: number[],
  threads: number,
  onProgress?: (p: TrainProgress) => void,
  onCheckpoint?: RunOptions['onCheckpoint'],
): Promise<RunOutcome> {
  await trainRun(run.config, { dir, inSweep: true, report: false, analyse: { prune: [{ score: 'mass', fractions }] }, onProgress, onCheckpoint, threads });
  return readOutcome(dir, run);
}
