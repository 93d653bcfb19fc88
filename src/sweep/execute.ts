import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadRunDataset } from '../data/registry.js';
import type { WasmTrainer } from '../engine/trainer.js';
import { trainerModelBytes } from '../prune/files.js';
import { pruneSweep, type PruneResult } from '../prune/prune.js';
import { writeRun } from '../run/files.js';
import { resetOwnedRunFolder, writeOwned } from '../run/folder.js';
import { train, type TrainProgress } from '../train/train.js';
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
  const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as { testAccuracy: number; sparsity: number; stateHash: string };
  const pruning = JSON.parse(readFileSync(join(dir, 'pruning.json'), 'utf8')) as PruneResult[];
  return { key: run.key, variant: run.variant, testAccuracy: summary.testAccuracy, sparsity: summary.sparsity, stateHash: summary.stateHash, pruning };
}

/**
 * Trains one planned run into `dir` (emptied first, if evoprune wrote it): the run files,
 * model.bin and pruning.json (hard pruning by mass at `fractions`). summary.json is written last
 * of the run files and pruning.json after it, so a run counts as done only when everything is on disk.
 */
export async function executeRun(run: PlannedRun, dir: string, fractions: number[], onProgress?: (p: TrainProgress) => void): Promise<RunOutcome> {
  resetOwnedRunFolder(dir);
  const write = (name: string, data: string | Uint8Array) => writeOwned(dir, name, data);
  const dataset = loadRunDataset(run.config);
  let pruning: PruneResult[] = [];
  const summary = await train(run.config, {
    dataset,
    onProgress,
    onFinish: (trainer: WasmTrainer) => {
      write('model.bin', trainerModelBytes(trainer));
      pruning = pruneSweep(trainer, dataset.test, { scores: ['mass'], fractions });
    },
  });
  writeRun(write, run.config, summary);
  write('pruning.json', JSON.stringify(pruning, null, 2) + '\n');
  return readOutcome(dir, run);
}
