import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import type { DynamicName, ScoreName } from '../config/dynamics.js';
import { PRESETS } from '../config/presets.js';
import { loadDataset, type Dataset } from '../data/registry.js';
import type { CompactionReport, PruneResult } from '../prune/prune.js';
import { trainRun, type RunOptions } from '../run/service.js';
import type { TrainSummary } from '../train/loop.js';

import { PAPER } from '../config/paper.js';

export { PAPER } from '../config/paper.js';

export const REPRODUCE_FRACTIONS = [0.35, 0.4, 0.45, 0.5] as const;

export interface ReproduceOptions {
  dynamics: readonly DynamicName[];
  /** Also train these presets beyond the paper (default: emergent-70). */
  extraPresets?: readonly string[];
  epochs: number;
  seed: number;
  /** Passed to `train` for every run (first N images; for quick checks). */
  trainLimit?: number | undefined;
  testLimit?: number | undefined;
  dataset?: Dataset;
  onRun?: (dynamic: DynamicName, summary: TrainSummary) => void;
  /** Progress callbacks and a stop signal for each run. */
  trainOptions?: (dynamic: DynamicName) => Pick<RunOptions, 'onProgress' | 'onEpoch' | 'signal' | 'threads'>;
}

export interface ReproduceRun {
  preset: string;
  dynamic: DynamicName;
  summary: TrainSummary;
  pruning: PruneResult[];
  /** The compact model (extinct populations removed) against the full-size one, same batch. */
  compaction: CompactionReport;
}

/** Inference batch for the compaction speed comparison. */
export const INFERENCE_BATCH = 128;

/**
 * Trains each dynamic's `paper-<dynamic>` preset with the paper's protocol and hard-prunes the
 * result at 35/40/45/50 % by mass; the dense (`none`) run is also pruned by the baselines
 * (magnitude, random, participation), through the same code path.
 */
export async function reproduce(options: ReproduceOptions): Promise<{ runs: ReproduceRun[]; table: ColumnTable }> {
  const dataset = options.dataset ?? loadDataset('mnist', { trainLimit: options.trainLimit, testLimit: options.testLimit });
  const runs: ReproduceRun[] = [];
  const presets = [...options.dynamics.map((d) => `paper-${d}`), ...(options.extraPresets ?? ['emergent-70'])];
  for (const name of presets) {
    const preset = PRESETS[name];
    if (!preset) throw new Error(`no preset ${name}`);
    const dynamic = (preset.config.dynamic ?? 'none') as DynamicName;
    // Magnitude norms are not comparable across layers of different fan-out (a global ranking
    // empties the last hidden layer first), so that baseline prunes each layer by the fraction.
    const globalScores: ScoreName[] = name === 'paper-none' ? ['mass', 'random', 'participation'] : ['mass'];
    const layerScores: ScoreName[] = name === 'paper-none' ? ['magnitude'] : [];
    const { summary, analysis } = await trainRun(
      { ...preset.config, epochs: options.epochs, seed: options.seed, trainLimit: options.trainLimit, testLimit: options.testLimit },
      {
        ...options.trainOptions?.(dynamic),
        dataset,
        analyse: {
          prune: [
            ...globalScores.map((score) => ({ score, fractions: REPRODUCE_FRACTIONS })),
            ...layerScores.map((score) => ({ score, fractions: REPRODUCE_FRACTIONS, scope: 'layer' as const })),
          ],
          compaction: { batch: INFERENCE_BATCH },
        },
      },
    );
    const { pruning, compaction } = analysis!;
    runs.push({ preset: name, dynamic, summary, pruning, compaction: compaction! });
    options.onRun?.(dynamic, summary);
  }
  return { runs, table: reproduceTable(runs) };
}

const percent = (x: number) => Math.round(x * 10000) / 100;

/** One row per (dynamic, pruning score), accuracies in %, with the paper's columns beside ours. */
export function reproduceTable(runs: readonly ReproduceRun[]): ColumnTable {
  const rows = runs.flatMap(({ preset, dynamic, summary, pruning, compaction }) => {
    const scores = [...new Set(pruning.map((p) => p.score))];
    return scores.map((score) => {
      const at = (f: number) => pruning.find((p) => p.score === score && p.fraction === f)?.accuracy ?? Number.NaN;
      const scope = pruning.find((p) => p.score === score)?.scope;
      return {
        preset,
        dynamic,
        score: score === 'mass' ? score : `${score} (baseline${scope === 'layer' ? ', per layer' : ''})`,
        dense: percent(summary.testAccuracy),
        pruned35: percent(at(0.35)),
        pruned40: percent(at(0.4)),
        pruned45: percent(at(0.45)),
        pruned50: percent(at(0.5)),
        emergentSparsity: percent(summary.sparsity),
        compactSizes: compaction.sizes.join('-'),
        compactSpeedup: Math.round((compaction.speedup ?? Number.NaN) * 100) / 100,
        paperDense: percent(PAPER.dense),
        paperPruned35: percent(PAPER.pruned35),
        paperPruned50: PAPER.pruned50,
        stateHash: summary.stateHash.slice(0, 12),
      };
    });
  });
  return aq.from(rows);
}
