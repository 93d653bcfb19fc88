import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadDataset } from '../data/registry.js';
import type { WasmTrainer } from '../engine/trainer.js';
import { saveTrainerModel } from '../prune/files.js';
import { pruneSweep, type PruneResult } from '../prune/prune.js';
import { prepareRunDir, writeRun } from '../train/run-dir.js';
import { train, type TrainProgress } from '../train/train.js';
import { writeFileAtomic } from '../util/atomic.js';
import type { PlannedRun } from './plan.js';

/** What a finished run leaves for the sweep's tables (also in its summary.json and pruning.json). */
export interface RunOutcome {
  key: string;
  overrides: Record<string, unknown>;
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
  return { key: run.key, overrides: run.overrides, testAccuracy: summary.testAccuracy, sparsity: summary.sparsity, stateHash: summary.stateHash, pruning };
}

/**
 * Trains one planned run into `dir` (emptied first): the run files, model.bin and pruning.json
 * (hard pruning by mass at `fractions`). summary.json is written last of the run files and
 * pruning.json after it, so a run counts as done only when everything is on disk.
 */
export async function executeRun(run: PlannedRun, dir: string, fractions: number[], onProgress?: (p: TrainProgress) => void): Promise<RunOutcome> {
  prepareRunDir(dir, true);
  rmSync(join(dir, 'error.json'), { force: true });
  const dataset = loadDataset(run.config.dataset, { trainLimit: run.config.trainLimit, testLimit: run.config.testLimit });
  let pruning: PruneResult[] = [];
  const summary = await train(run.config, {
    dataset,
    onProgress,
    onFinish: (trainer: WasmTrainer) => {
      saveTrainerModel(trainer, join(dir, 'model.bin'));
      pruning = pruneSweep(trainer, dataset.test, { scores: ['mass'], fractions });
    },
  });
  writeRun(dir, run.config, summary);
  writeFileAtomic(join(dir, 'pruning.json'), JSON.stringify(pruning, null, 2) + '\n');
  return readOutcome(dir, run);
}
