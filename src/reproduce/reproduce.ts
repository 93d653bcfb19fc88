import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import type { DynamicName, ScoreName } from '../config/dynamics.js';
import { PRESETS } from '../config/presets.js';
import { loadDataset, type Dataset } from '../data/registry.js';
import type { CompactionReport, PruneResult } from '../prune/prune.js';
import { trainRun, type RunOptions } from '../run/service.js';
import type { TrainSummary } from '../train/loop.js';

import { PAPER, PAPER_PRUNED50 } from '../config/paper.js';
import { accuracyText, type Column, formatNumber, fractionText, markdownTable, missing, refusedCell, runTitle, shareText } from '../analysis/format.js';

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

/** The paper's 50 % range in percent, like every other accuracy of the table ("88.3–88.6"). */
const PAPER_PRUNED50_PERCENT = PAPER_PRUNED50.map((x) => Math.round(x * 1000) / 10).join('–');

/** One row per (dynamic, pruning score), accuracies in % (numbers, for analysis), with the paper's columns beside ours. */
export function reproduceTable(runs: readonly ReproduceRun[]): ColumnTable {
  const rows = reproduceRows(runs).map(({ run: { preset, dynamic, summary, compaction }, label, at }) => ({
    preset,
    dynamic,
    score: label,
    dense: percent(summary.testAccuracy),
    pruned35: percent(at(0.35)?.accuracy ?? Number.NaN),
    pruned40: percent(at(0.4)?.accuracy ?? Number.NaN),
    pruned45: percent(at(0.45)?.accuracy ?? Number.NaN),
    pruned50: percent(at(0.5)?.accuracy ?? Number.NaN),
    emergentSparsity: percent(summary.sparsity),
    compactSizes: compaction.sizes.join('-'),
    compactSpeedup: Math.round((compaction.speedup ?? Number.NaN) * 100) / 100,
    paperDense: percent(PAPER.dense),
    paperPruned35: percent(PAPER.pruned35),
    paperPruned50: PAPER_PRUNED50_PERCENT,
    stateHash: summary.stateHash.slice(0, 12),
  }));
  return aq.from(rows);
}

interface ReproduceRow {
  run: ReproduceRun;
  /** The score as the table names it: baselines say so. */
  label: string;
  /** The pruning at fraction `f` (undefined: not pruned there). */
  at: (f: number) => PruneResult | undefined;
}

/** The table's rows: each run once per pruning score. */
function reproduceRows(runs: readonly ReproduceRun[]): ReproduceRow[] {
  return runs.flatMap((run) =>
    [...new Set(run.pruning.map((p) => p.score))].map((score) => {
      const scope = run.pruning.find((p) => p.score === score)?.scope;
      return {
        run,
        label: score === 'mass' ? score : `${score} (baseline${scope === 'layer' ? ', per layer' : ''})`,
        at: (f: number) => run.pruning.find((p) => p.score === score && p.fraction === f),
      };
    }),
  );
}

/**
 * The paper's table as people read it (reproduce.md and what `evoprune reproduce` prints): every
 * accuracy a percentage, refused prunings in words, the paper's numbers beside ours.
 */
export function reproduceMarkdown(runs: readonly ReproduceRun[]): string {
  const first = runs[0]?.summary;
  const pruned = (f: number): Column<ReproduceRow> => ({
    title: `pruned ${fractionText(f)}`,
    cell: (r) => {
      const p = r.at(f);
      if (p === undefined) return missing('not pruned at this fraction');
      return p.refused !== undefined || !Number.isFinite(p.accuracy) ? refusedCell(p.refused) : accuracyText(p.accuracy);
    },
    align: 'right',
  });
  const caption = first
    ? `Test accuracy (${runTitle({ dataset: first.dataset, sizes: first.sizes, epochs: first.epochs, seed: first.config.seed, trainLimit: first.config.trainLimit, testLimit: first.config.testLimit })}); "pruned" columns remove that share of the hidden populations by the row's score, without retraining. The paper: arXiv 2601.10765, 20 epochs.`
    : 'No runs.';
  const table = markdownTable(reproduceRows(runs), [
    { title: 'preset', cell: (r) => r.run.preset },
    { title: 'dynamic', cell: (r) => r.run.dynamic },
    { title: 'score', cell: (r) => r.label },
    { title: 'dense', cell: (r) => accuracyText(r.run.summary.testAccuracy), align: 'right' },
    ...REPRODUCE_FRACTIONS.map(pruned),
    { title: 'emergent sparsity', cell: (r) => shareText(r.run.summary.sparsity), align: 'right' },
    { title: 'compact model', cell: (r) => r.run.compaction.sizes.join('-') },
    {
      title: 'compact speed-up',
      cell: (r) => (Number.isFinite(r.run.compaction.speedup) ? `${formatNumber(r.run.compaction.speedup, 2)}×` : missing('not timed')),
      align: 'right',
    },
    { title: 'paper: dense', cell: () => accuracyText(PAPER.dense), align: 'right' },
    { title: 'paper: pruned 35 %', cell: () => accuracyText(PAPER.pruned35), align: 'right' },
    { title: 'paper: pruned 50 %', cell: () => `${PAPER_PRUNED50_PERCENT} %`, align: 'right' },
    { title: 'stateHash', cell: (r) => `\`${r.run.summary.stateHash.slice(0, 12)}\`` },
  ]);
  return `${caption}\n\n${table}\n`;
}
