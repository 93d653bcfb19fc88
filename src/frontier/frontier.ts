// `evoprune frontier`: does selection add value? Every method of ./methods.ts at every target
// sparsity, dataset and seed, trained through sweeps (resumable, one folder per run, keyed by the
// configuration's hash), then compared seed by seed with 95 % confidence intervals.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { writeTable } from '../analysis/export.js';
import { frontierPlot, renderSvg } from '../analysis/plots.js';
import {
  accuracyText,
  type Cell,
  type Column,
  datasetName,
  epochsText,
  formatPoints,
  fractionText,
  listed,
  markdownTable,
  meanStdCell,
  missing,
  shareText,
} from '../analysis/format.js';
import { resolveTrainConfig, type TrainConfig } from '../config/schema.js';
import { readRunSummary } from '../run/files.js';
import { RunFolder } from '../run/folder.js';
import { isDone } from '../sweep/execute.js';
import { configKey, type PlannedRun, type SweepPlan } from '../sweep/plan.js';
import { runSweep, type SweepStatus } from '../sweep/sweep.js';
import { FRONTIER_ABLATIONS, FRONTIER_METHODS, type FrontierAblation, type FrontierMethod, methodFields, METHOD_DESCRIPTIONS } from './methods.js';
import { pairedDifference, verdict } from './stats.js';

export interface FrontierOptions {
  /** The frontier's folder: runs/ and scratch/ (sweep folders) and the tables and plot. */
  out: string;
  datasets?: readonly string[];
  /** Target fractions of extinct populations per hidden layer. */
  targets?: readonly number[];
  /** Seeds 0…seeds−1 at every target. */
  seeds?: number;
  /** The headline target gets more seeds (and the ablations); `undefined` target: none. */
  headline?: { target: number; seeds: number } | undefined;
  epochs?: number;
  methods?: readonly FrontierMethod[];
  /** Train the ablations of selection's own choices at the headline target. */
  ablations?: boolean;
  /** Fields every run shares (e.g. hidden, trainLimit for a small frontier). */
  base?: Record<string, unknown>;
  parallel?: number;
  /** Threads per run (default: the cores shared between the runs at once). */
  threads?: number;
  fresh?: boolean;
  signal?: AbortSignal;
  onStatus?: (phase: string, status: SweepStatus) => void;
}

export const FRONTIER_DEFAULTS: Required<Pick<FrontierOptions, 'datasets' | 'targets' | 'seeds' | 'epochs'>> & Pick<FrontierOptions, 'headline'> = {
  datasets: ['mnist', 'fashion-mnist'],
  targets: [0.5, 0.7, 0.8, 0.9],
  seeds: 3,
  headline: { target: 0.8, seeds: 5 },
  epochs: 20,
};

type Method = FrontierMethod | FrontierAblation | 'dense';

interface FrontierRun {
  run: PlannedRun;
  dataset: string;
  method: Method;
  target: number;
  seed: number;
}

export interface FrontierResult {
  runs: ColumnTable;
  summary: ColumnTable;
  paired: ColumnTable;
  failures: number;
  files: string[];
}

function planned(
  dataset: string,
  method: Method,
  target: number,
  seed: number,
  fields: Record<string, unknown>,
  base: Record<string, unknown>,
  epochs: number,
): FrontierRun {
  const overrides = { ...base, dataset, epochs, seed, ...fields };
  let config: TrainConfig;
  try {
    config = resolveTrainConfig(overrides);
  } catch (error) {
    throw new Error(`frontier: ${method} at ${target} on ${dataset}, seed ${seed}: ${(error as Error).message}`);
  }
  const variant = { dataset, method, target, seed };
  return { run: { key: configKey(config), config, overrides, variant, origin: `${dataset} ${method} ${target} seed ${seed}` }, dataset, method, target, seed };
}

/** Seeds at `target`: the headline gets more. */
function seedsAt(options: Required<Pick<FrontierOptions, 'seeds'>> & FrontierOptions, target: number): number[] {
  const n = options.headline && options.headline.target === target ? Math.max(options.seeds, options.headline.seeds) : options.seeds;
  return Array.from({ length: n }, (_, i) => i);
}

/** Every run but the from-scratch control (which takes selection's final shape): methods × targets × datasets × seeds, dense references and ablations. */
export function planFrontier(input: FrontierOptions): FrontierRun[] {
  const options = { ...FRONTIER_DEFAULTS, ...input };
  const base = options.base ?? {};
  const methods = (options.methods ?? FRONTIER_METHODS).filter((m) => m !== 'scratch');
  const runs: FrontierRun[] = [];
  const maxSeeds = Math.max(options.seeds, options.headline?.seeds ?? 0);
  for (const dataset of options.datasets) {
    for (let seed = 0; seed < maxSeeds; seed++) runs.push(planned(dataset, 'dense', 0, seed, methodFields('dense', 0, options.epochs), base, options.epochs));
    for (const target of options.targets) {
      for (const seed of seedsAt(options, target)) {
        for (const method of methods) runs.push(planned(dataset, method, target, seed, methodFields(method, target, options.epochs), base, options.epochs));
      }
    }
    if (options.ablations && options.headline) {
      for (const seed of Array.from({ length: options.seeds }, (_, i) => i)) {
        for (const ablation of FRONTIER_ABLATIONS) {
          runs.push(
            planned(dataset, ablation, options.headline.target, seed, methodFields(ablation, options.headline.target, options.epochs), base, options.epochs),
          );
        }
      }
    }
  }
  return runs;
}

const plan = (runs: FrontierRun[]): SweepPlan => ({ runs: runs.map((r) => r.run), varied: ['dataset', 'method', 'target'], duplicates: [] });

/** Multiply-adds (one row) and parameters of an MLP with these layer sizes. */
const work = (sizes: readonly number[]) => sizes.slice(1).reduce((a, n, i) => a + sizes[i]! * n, 0);
const parameters = (sizes: readonly number[]) => sizes.slice(1).reduce((a, n, i) => a + sizes[i]! * n + n, 0);

interface Row {
  dataset: string;
  target: number;
  method: string;
  seed: number;
  failed: boolean;
  /** Failed runs count at chance accuracy, so they weigh on the means instead of vanishing. */
  accuracy: number;
  populationSparsity: number;
  parameterSparsity: number;
  flopSparsity: number;
  alive: string;
  key: string;
  error: string;
}

function rowOf(r: FrontierRun, dir: string, fullHidden: readonly number[], chanceClasses: number): Row {
  const common = { dataset: r.dataset, target: r.target, method: r.method, seed: r.seed, key: r.run.key };
  if (!isDone(dir)) {
    const errorFile = join(dir, 'error.json');
    const error = existsSync(errorFile) ? String((JSON.parse(readFileSync(errorFile, 'utf8')) as { message?: unknown }).message) : 'did not finish';
    // Chance accuracy; no pruning happened that we can count on.
    return {
      ...common,
      failed: true,
      accuracy: 1 / chanceClasses,
      populationSparsity: Number.NaN,
      parameterSparsity: Number.NaN,
      flopSparsity: Number.NaN,
      alive: '',
      error,
    };
  }
  const s = readRunSummary(dir);
  const [inputs, classes] = [s.sizes[0]!, s.sizes[s.sizes.length - 1]!];
  const living = [inputs, ...s.alive, classes];
  const full = [inputs, ...fullHidden, classes];
  const populations = fullHidden.reduce((a, b) => a + b, 0);
  return {
    ...common,
    failed: false,
    accuracy: s.testAccuracy,
    populationSparsity: 1 - s.alive.reduce((a, b) => a + b, 0) / populations,
    parameterSparsity: 1 - parameters(living) / parameters(full),
    flopSparsity: 1 - work(living) / work(full),
    alive: s.alive.join('+'),
    error: '',
  };
}

/** Runs the frontier (resumable: finished runs are kept) and writes its tables and plot into `out`. */
export async function runFrontier(input: FrontierOptions): Promise<FrontierResult> {
  const options = { ...FRONTIER_DEFAULTS, ...input };
  const first = planFrontier(options);
  // Locked while it works (a second frontier into the same folder is refused); re-running resumes.
  const folder = await RunFolder.open(options.out, { kind: 'sweep', resume: true });
  try {
    return await frontierIn(folder, first, options);
  } finally {
    await folder.close();
  }
}

async function frontierIn(folder: RunFolder, first: FrontierRun[], options: FrontierOptions & typeof FRONTIER_DEFAULTS): Promise<FrontierResult> {
  const runsDir = join(options.out, 'runs');
  const spec = (name: string) => ({ name, base: options.base ?? {}, seeds: [0], prune: [] });
  const status = (phase: string) => (s: SweepStatus) => options.onStatus?.(phase, s);
  await runSweep(
    spec('frontier-runs'),
    { out: runsDir, parallel: options.parallel, threads: options.threads, fresh: options.fresh, signal: options.signal, onStatus: status('methods') },
    plan(first),
  );
  const methods = options.methods ?? FRONTIER_METHODS;
  // The from-scratch control: selection's final living widths, same seed, trained dense.
  const scratch: FrontierRun[] = [];
  if (methods.includes('scratch') && !options.signal?.aborted) {
    for (const r of first.filter((r) => r.method === 'selection')) {
      const dir = join(runsDir, r.run.key);
      if (!isDone(dir)) continue;
      const alive = readRunSummary(dir).alive;
      scratch.push(
        planned(r.dataset, 'scratch', r.target, r.seed, { ...methodFields('dense', 0, options.epochs), hidden: alive }, options.base ?? {}, options.epochs),
      );
    }
  }
  const scratchDir = join(options.out, 'scratch');
  if (scratch.length > 0) {
    await runSweep(
      spec('frontier-scratch'),
      { out: scratchDir, parallel: options.parallel, threads: options.threads, fresh: options.fresh, signal: options.signal, onStatus: status('scratch') },
      plan(scratch),
    );
  }
  if (options.signal?.aborted) throw new DOMException('the frontier was stopped; run the same command again to resume', 'AbortError');
  const fullHidden = first[0]!.run.config.hidden;
  // Chance accuracy per dataset, from its finished runs' output layer.
  const classes = new Map<string, number>();
  for (const r of first) {
    const dir = join(runsDir, r.run.key);
    if (!classes.has(r.dataset) && isDone(dir)) classes.set(r.dataset, readRunSummary(dir).sizes.at(-1)!);
  }
  const rowAt = (r: FrontierRun, dir: string) => rowOf(r, join(dir, r.run.key), fullHidden, classes.get(r.dataset) ?? 10);
  const rows = [...first.map((r) => rowAt(r, runsDir)), ...scratch.map((r) => rowAt(r, scratchDir))];
  const tables = frontierTables(rows);
  const files = [
    ...writeTable(tables.runs, options.out, 'frontier-runs', frontierRunsMarkdown(tables.runs)),
    ...writeTable(tables.summary, options.out, 'frontier-summary', frontierSummaryMarkdown(tables.summary)),
    ...writeTable(tables.paired, options.out, 'frontier-paired', frontierPairedMarkdown(tables.paired)),
  ];
  const finished = first.find((r) => isDone(join(runsDir, r.run.key)));
  const sizes = finished ? readRunSummary(join(runsDir, finished.run.key)).sizes : undefined;
  files.push(folder.write('frontier.svg', await renderSvg(frontierPlot(tables.summary, frontierSubtitle(options, sizes)))));
  files.push(folder.write('frontier.md', frontierMarkdown(tables, options)));
  return { ...tables, failures: rows.filter((r) => r.failed).length, files };
}

/** The per-run table, the per-(dataset, target, method) summary and selection's paired differences. */
export function frontierTables(rows: readonly Row[]): { runs: ColumnTable; summary: ColumnTable; paired: ColumnTable } {
  const runs = aq.from(rows);
  const summary = runs
    .groupby('dataset', 'target', 'method')
    .rollup({
      runs: aq.op.count(),
      failures: aq.op.sum('failed'),
      accuracyMean: aq.op.mean('accuracy'),
      accuracyStd: aq.op.stdev('accuracy'),
      populationSparsity: aq.op.mean('populationSparsity'),
      parameterSparsity: aq.op.mean('parameterSparsity'),
      flopSparsity: aq.op.mean('flopSparsity'),
    })
    .orderby('dataset', 'target', 'method');
  const paired: Record<string, unknown>[] = [];
  const groups = new Map<string, Row[]>();
  for (const r of rows) {
    const k = `${r.dataset}\u0000${r.target}`;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  for (const group of groups.values()) {
    const selection = new Map(group.filter((r) => r.method === 'selection').map((r) => [r.seed, r]));
    if (selection.size === 0) continue;
    for (const method of [...new Set(group.map((r) => r.method))].filter((m) => m !== 'selection')) {
      const pairs = group.filter((r) => r.method === method && selection.has(r.seed));
      const d = pairedDifference(
        pairs.map((r) => selection.get(r.seed)!.accuracy),
        pairs.map((r) => r.accuracy),
      );
      const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      // FLOP-matched: the method's accuracy at selection's FLOP sparsity, interpolated between its
      // own runs of the same seed at neighbouring targets (never extrapolated).
      const matched = [...selection.values()]
        .map((sel) => ({
          sel,
          at: interpolate(
            rows.filter((r) => r.dataset === sel.dataset && r.method === method && r.seed === sel.seed),
            sel.flopSparsity,
          ),
        }))
        .filter((m) => Number.isFinite(m.at));
      const f = pairedDifference(
        matched.map((m) => m.sel.accuracy),
        matched.map((m) => m.at),
      );
      paired.push({
        dataset: group[0]!.dataset,
        target: group[0]!.target,
        method,
        pairs: d.n,
        difference: d.mean,
        ci95Low: d.low,
        ci95High: d.high,
        selection: verdict(d),
        flopSparsitySelection: mean(pairs.map((r) => selection.get(r.seed)!.flopSparsity)),
        flopSparsityMethod: mean(pairs.map((r) => r.flopSparsity)),
        flopMatchedPairs: f.n,
        flopMatchedDifference: f.mean,
        flopMatchedLow: f.low,
        flopMatchedHigh: f.high,
        flopMatchedSelection: verdict(f),
      });
    }
  }
  return { runs, summary, paired: aq.from(paired) };
}

/** Accuracy at FLOP sparsity `x` by linear interpolation between the finished runs around it (NaN outside them). */
function interpolate(runs: readonly Row[], x: number): number {
  const points = runs
    .filter((r) => !r.failed && Number.isFinite(r.flopSparsity))
    .map((r) => [r.flopSparsity, r.accuracy] as const)
    .sort((a, b) => a[0] - b[0]);
  for (let i = 0; i < points.length; i++) {
    const [x1, y1] = points[i]!;
    if (Math.abs(x1 - x) < 1e-9) return y1;
    const next = points[i + 1];
    if (next && x1 < x && x < next[0]) return y1 + ((next[1] - y1) * (x - x1)) / (next[0] - x1);
  }
  return Number.NaN;
}

type SummaryRow = { dataset: string; target: number; method: string; runs: number; failures: number; accuracyMean: number; accuracyStd: number } & Record<
  'populationSparsity' | 'parameterSparsity' | 'flopSparsity',
  number
>;
type PairedRow = { dataset: string; target: number; method: string; pairs: number; selection: string; flopMatchedSelection: string } & Record<
  | 'difference'
  | 'ci95Low'
  | 'ci95High'
  | 'flopSparsitySelection'
  | 'flopSparsityMethod'
  | 'flopMatchedPairs'
  | 'flopMatchedDifference'
  | 'flopMatchedLow'
  | 'flopMatchedHigh',
  number
>;

/** The columns every frontier table starts with. */
const where = <R extends { dataset: string; target: number; method: string }>(): Column<R>[] => [
  { title: 'dataset', cell: (r) => r.dataset },
  { title: 'target', cell: (r) => fractionText(r.target), align: 'right' },
  { title: 'method', cell: (r) => r.method },
];

/** A sparsity of a run that may have failed (a failed run's network was never measured). */
const sparsityCell = (x: number): Cell => (Number.isFinite(x) ? shareText(x) : missing('failed run: its network was never measured'));

/** A paired difference in percentage points with its 95 % interval: "+1.23 pp [+0.40, +2.06]". */
function differenceCell(pairs: number, mean: number, low: number, high: number, none: string): Cell {
  if (pairs === 0 || !Number.isFinite(mean)) return missing(none);
  if (!Number.isFinite(low)) return { text: formatPoints(mean), note: 'one pair of seeds: no confidence interval' };
  return `${formatPoints(mean)} [${formatPoints(low, 2, false)}, ${formatPoints(high, 2, false)}]`;
}

/** Every run of the frontier: its accuracy and sparsities, or why it failed. */
export function frontierRunsMarkdown(runs: ColumnTable): string {
  return markdownTable(runs.objects() as unknown as Row[], [
    ...where<Row>(),
    { title: 'seed', cell: (r) => r.seed, align: 'right' },
    {
      title: 'test accuracy',
      cell: (r) => (r.failed ? { text: accuracyText(r.accuracy), note: 'failed run: counted at chance accuracy' } : accuracyText(r.accuracy)),
      align: 'right',
    },
    { title: 'population sparsity', cell: (r) => sparsityCell(r.populationSparsity), align: 'right' },
    { title: 'parameter sparsity', cell: (r) => sparsityCell(r.parameterSparsity), align: 'right' },
    { title: 'FLOP sparsity', cell: (r) => sparsityCell(r.flopSparsity), align: 'right' },
    { title: 'alive', cell: (r) => (r.failed ? missing('failed run: its network was never measured') : r.alive), align: 'right' },
    { title: 'outcome', cell: (r) => (r.failed ? `failed: ${r.error}` : 'finished') },
    { title: 'key', cell: (r) => r.key },
  ]);
}

/** Mean ± std over seeds per (dataset, target, method). */
export function frontierSummaryMarkdown(summary: ColumnTable): string {
  return markdownTable(summary.objects() as unknown as SummaryRow[], [
    ...where<SummaryRow>(),
    { title: 'runs', cell: (r) => r.runs, align: 'right' },
    { title: 'failed', cell: (r) => r.failures, align: 'right' },
    { title: 'test accuracy', cell: (r) => meanStdCell(r.accuracyMean, r.accuracyStd), align: 'right' },
    { title: 'population sparsity', cell: (r) => sparsityCell(r.populationSparsity), align: 'right' },
    { title: 'parameter sparsity', cell: (r) => sparsityCell(r.parameterSparsity), align: 'right' },
    { title: 'FLOP sparsity', cell: (r) => sparsityCell(r.flopSparsity), align: 'right' },
  ]);
}

/** Selection against each method, seed by seed, at equal target and FLOP-matched. */
export function frontierPairedMarkdown(paired: ColumnTable): string {
  return markdownTable(paired.objects() as unknown as PairedRow[], [
    ...where<PairedRow>(),
    { title: 'pairs', cell: (r) => r.pairs, align: 'right' },
    {
      title: 'difference [95 % CI]',
      cell: (r) => differenceCell(r.pairs, r.difference, r.ci95Low, r.ci95High, 'no seed finished for both selection and this method'),
      align: 'right',
    },
    { title: 'selection', cell: (r) => r.selection },
    { title: 'FLOP sparsity (selection / method)', cell: (r) => `${shareText(r.flopSparsitySelection)} / ${shareText(r.flopSparsityMethod)}`, align: 'right' },
    {
      title: 'FLOP-matched difference [95 % CI]',
      cell: (r) =>
        differenceCell(
          r.flopMatchedPairs,
          r.flopMatchedDifference,
          r.flopMatchedLow,
          r.flopMatchedHigh,
          "no runs of this method on both sides of selection's FLOP sparsity to interpolate between",
        ),
      align: 'right',
    },
    {
      title: 'selection, FLOP-matched',
      cell: (r) =>
        r.flopMatchedPairs > 0 ? r.flopMatchedSelection : missing("no runs of this method on both sides of selection's FLOP sparsity to interpolate between"),
    },
  ]);
}

/** The seeds of a frontier in words: "seeds 0–2 (0–4 at 80 %)". */
function seedsText(options: typeof FRONTIER_DEFAULTS): string {
  const range = (n: number) => (n === 1 ? 'seed 0' : `seeds 0–${n - 1}`);
  return `${range(options.seeds)}${options.headline && options.headline.seeds > options.seeds ? ` (0–${options.headline.seeds - 1} at ${fractionText(options.headline.target)})` : ''}`;
}

/** What the frontier was run on, for the plot's title: "MNIST and Fashion-MNIST, 784-512-256-10, 20 epochs, seeds 0–2". */
function frontierSubtitle(options: typeof FRONTIER_DEFAULTS, sizes: readonly number[] | undefined): string {
  return [listed(options.datasets.map(datasetName)), sizes?.join('-') ?? '', epochsText(options.epochs), seedsText(options)].filter(Boolean).join(', ');
}

function frontierMarkdown(tables: { runs: ColumnTable; summary: ColumnTable; paired: ColumnTable }, options: typeof FRONTIER_DEFAULTS): string {
  const failed = tables.runs.filter((d: { failed: boolean }) => d.failed);
  const lines = [
    '# Does selection add value?',
    '',
    `Datasets ${options.datasets.join(', ')}; targets ${options.targets.map(fractionText).join(', ')}; ${options.epochs} epochs; ${seedsText(options)}. Failed runs (diverged or collapsed) count at chance accuracy (1 / classes) in the means and are listed below.`,
    '',
    '## Methods',
    '',
    ...Object.entries(METHOD_DESCRIPTIONS).map(([m, d]) => `- **${m}**: ${d}`),
    '',
    '## Accuracy and sparsity (mean ± std over seeds)',
    '',
    frontierSummaryMarkdown(tables.summary),
    '',
    '## Selection against each method, seed by seed',
    '',
    'Difference = selection − method in test-accuracy percentage points (pp), mean over paired seeds with its 95 % confidence interval (t). "wins"/"loses" only when the interval excludes 0. Every method prunes each layer to the same fraction, so at equal target the living networks cost the same when selection reaches its target; where it does not (short budgets), the FLOP-matched columns compare at selection\'s own FLOP sparsity, the method\'s accuracy interpolated between its runs (same seed) at the neighbouring targets.',
    '',
    frontierPairedMarkdown(tables.paired),
    '',
    ...(failed.numRows() > 0 ? ['## Failed runs', '', frontierRunsMarkdown(failed), ''] : []),
    '![accuracy against target sparsity](frontier.svg)',
    '',
  ];
  return lines.join('\n');
}
