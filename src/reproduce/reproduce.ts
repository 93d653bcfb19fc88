import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import type { DynamicName, ScoreName } from '../config/dynamics.js';
import { PRESETS } from '../config/presets.js';
import { loadDataset, type Dataset } from '../data/registry.js';
import { pruneSweep, type PruneResult } from '../prune/prune.js';
import { train, type TrainOptions, type TrainSummary } from '../train/train.js';

/** The paper's reported numbers (MNIST, 784–512–256–10; arXiv 2601.10765). */
export const PAPER = { dense: 0.98, pruned35: 0.955, pruned50: '0.883–0.886' } as const;

export const REPRODUCE_FRACTIONS = [0.35, 0.4, 0.45, 0.5] as const;

export interface ReproduceOptions {
  dynamics: readonly DynamicName[];
  epochs: number;
  seed: number;
  /** Passed to `train` for every run (first N images; for quick checks). */
  trainLimit?: number | undefined;
  testLimit?: number | undefined;
  dataset?: Dataset;
  onRun?: (dynamic: DynamicName, summary: TrainSummary) => void;
  trainOptions?: (dynamic: DynamicName) => Omit<TrainOptions, 'dataset' | 'onFinish'>;
}

export interface ReproduceRun {
  dynamic: DynamicName;
  summary: TrainSummary;
  pruning: PruneResult[];
}

/**
 * Trains each dynamic's `paper-<dynamic>` preset with the paper's protocol and hard-prunes the
 * result at 35/40/45/50 % by mass; the dense (`none`) run is also pruned by the baselines
 * (magnitude, random, participation), through the same code path.
 */
export async function reproduce(options: ReproduceOptions): Promise<{ runs: ReproduceRun[]; table: ColumnTable }> {
  const dataset = options.dataset ?? loadDataset('mnist', { trainLimit: options.trainLimit, testLimit: options.testLimit });
  const runs: ReproduceRun[] = [];
  for (const dynamic of options.dynamics) {
    const preset = PRESETS[`paper-${dynamic}`];
    if (!preset) throw new Error(`no preset paper-${dynamic}`);
    const scores: ScoreName[] = dynamic === 'none' ? ['mass', 'magnitude', 'random', 'participation'] : ['mass'];
    let pruning: PruneResult[] = [];
    const summary = await train(
      { ...preset.config, epochs: options.epochs, seed: options.seed, trainLimit: options.trainLimit, testLimit: options.testLimit },
      {
        ...options.trainOptions?.(dynamic),
        dataset,
        onFinish: (trainer) => {
          pruning = pruneSweep(trainer, dataset.test, { scores, fractions: REPRODUCE_FRACTIONS });
        },
      },
    );
    runs.push({ dynamic, summary, pruning });
    options.onRun?.(dynamic, summary);
  }
  return { runs, table: reproduceTable(runs) };
}

const percent = (x: number) => Math.round(x * 10000) / 100;

/** One row per (dynamic, pruning score), accuracies in %, with the paper's columns beside ours. */
export function reproduceTable(runs: readonly ReproduceRun[]): ColumnTable {
  const rows = runs.flatMap(({ dynamic, summary, pruning }) => {
    const scores = [...new Set(pruning.map((p) => p.score))];
    return scores.map((score) => {
      const at = (f: number) => pruning.find((p) => p.score === score && p.fraction === f)?.accuracy ?? Number.NaN;
      return {
        dynamic,
        score: dynamic === 'none' && score !== 'mass' ? `${score} (baseline)` : score,
        dense: percent(summary.testAccuracy),
        pruned35: percent(at(0.35)),
        pruned40: percent(at(0.4)),
        pruned45: percent(at(0.45)),
        pruned50: percent(at(0.5)),
        emergentSparsity: percent(summary.sparsity),
        paperDense: percent(PAPER.dense),
        paperPruned35: percent(PAPER.pruned35),
        paperPruned50: PAPER.pruned50,
        stateHash: summary.stateHash.slice(0, 12),
      };
    });
  });
  return aq.from(rows);
}
