// The Markdown of a run's and a sweep's tables, formatted with their units (./format.ts): what
// report.md shows and what a sweep writes as results.md, summary.md and frontier.md. The CSV, JSON
// and Arrow beside them keep the raw numbers.
import type { ColumnTable } from 'arquero';
import type { PruneResult } from '../prune/prune.js';
import {
  accuracyText,
  type Cell,
  type Column,
  formatCount,
  formatNumber,
  fractionText,
  markdownTable,
  meanStdCell,
  missing,
  plainCell,
  refusalReason,
  refusedCell,
  shareText,
} from './format.js';
import { sweepDerived } from './tables.js';

type Row = Record<string, unknown>;

const num = (row: Row, field: string) => (typeof row[field] === 'number' ? (row[field] as number) : Number.NaN);

/** The per-epoch table of a run (metrics.csv rows): losses, accuracies, living work, speed, alive. */
export function epochsMarkdown(metrics: readonly Row[]): string {
  const has = (field: string) => metrics.some((m) => m[field] !== undefined && m[field] !== null);
  const loss = (field: string) => (row: Row) => formatNumber(num(row, field), 4);
  const accuracy = (field: string) => (row: Row) => accuracyText(num(row, field));
  const columns: (Column<Row> | false)[] = [
    { title: 'epoch', cell: (r) => num(r, 'epoch'), align: 'right' },
    { title: 'train loss', cell: loss('trainLoss'), align: 'right' },
    { title: 'test loss', cell: loss('testLoss'), align: 'right' },
    has('validationLoss') && { title: 'validation loss', cell: loss('validationLoss'), align: 'right' },
    has('trainAccuracy') && { title: 'train accuracy', cell: accuracy('trainAccuracy'), align: 'right' },
    { title: 'test accuracy', cell: accuracy('testAccuracy'), align: 'right' },
    has('validationAccuracy') && { title: 'validation accuracy', cell: accuracy('validationAccuracy'), align: 'right' },
    has('livingWork') && { title: 'living work', cell: (r) => shareText(num(r, 'livingWork')), align: 'right' },
    { title: 'samples/s', cell: (r) => formatCount(num(r, 'samplesPerSecond')), align: 'right' },
    { title: 'alive', cell: (r) => plainCell(r.alive), align: 'right' },
  ];
  return markdownTable(
    metrics,
    columns.filter((c): c is Column<Row> => c !== false),
  );
}

/** A pruning's accuracy, or why it has none. */
function prunedCell(p: PruneResult | undefined): Cell {
  if (p === undefined) return missing('not pruned at this fraction: the run finished before the sweep asked for it (sweep --fresh trains it again)');
  if (p.refused !== undefined || !Number.isFinite(p.accuracy)) return refusedCell(p.refused);
  return accuracyText(p.accuracy);
}

/** A run's hard prunings (pruning.json): each score and fraction, its accuracy or the refusal, and what stayed alive. */
export function pruningMarkdown(pruning: readonly PruneResult[]): string {
  return markdownTable(pruning, [
    { title: 'score', cell: (p) => p.score },
    { title: 'scope', cell: (p) => (p.scope === 'layer' ? 'per layer' : 'global') },
    { title: 'pruned', cell: (p) => fractionText(p.fraction), align: 'right' },
    { title: 'test accuracy', cell: prunedCell, align: 'right' },
    { title: 'alive', cell: (p) => (p.alive.length > 0 ? p.alive.join('+') : missing('refused: there is no pruned network')), align: 'right' },
  ]);
}

/** The pruned-accuracy columns of a sweep table (`pruned35`, …) with their fractions. */
const prunedColumns = (table: ColumnTable) =>
  table
    .columnNames()
    .filter((c) => /^pruned\d+$/.test(c))
    .map((column) => ({ column, fraction: Number(column.slice(6)) / 100 }));

const prunedTitle = (fraction: number) => `accuracy, ${fractionText(fraction)} pruned`;

/** The pruning of run `key` at `fraction`, from its pruning.json (undefined: not pruned there). */
type PruningOf = (key: string, fraction: number) => PruneResult | undefined;

/**
 * The Markdown of a sweep's tables: every run (results.md), mean ± std over seeds per variant
 * (summary.md; every run when nothing varies) and the accuracy–sparsity Pareto set (frontier.md).
 * `pruning` holds each run's pruning.json by key, so that a refused pruning reads as one.
 */
export function sweepMarkdown(
  results: ColumnTable,
  varied: readonly string[],
  pruning: ReadonlyMap<string, readonly PruneResult[]>,
): { results: string; summary: string; frontier: string } {
  const pruningOf: PruningOf = (key, fraction) => pruning.get(key)?.find((p) => Math.round(p.fraction * 100) === Math.round(fraction * 100));
  const pruned = prunedColumns(results);
  const rows = results.objects() as Row[];
  // Numbers (η, seeds) right-aligned, names left.
  const field = (name: string): Column<Row> => ({
    title: name,
    cell: (r) => plainCell(r[name]),
    align: rows.every((r) => typeof r[name] === 'number') ? 'right' : 'left',
  });
  const runColumns: Column<Row>[] = [
    { title: 'key', cell: (r) => String(r.key) },
    ...[...varied, 'seed'].map(field),
    { title: 'test accuracy', cell: (r) => accuracyText(num(r, 'accuracy')), align: 'right' },
    { title: 'emergent sparsity', cell: (r) => shareText(num(r, 'sparsity')), align: 'right' },
    ...pruned.map(
      ({ column, fraction }): Column<Row> => ({
        title: prunedTitle(fraction),
        cell: (r) => (Number.isFinite(num(r, column)) ? accuracyText(num(r, column)) : prunedCell(pruningOf(String(r.key), fraction))),
        align: 'right',
      }),
    ),
  ];
  const { summary, frontier } = sweepDerived(results, varied);
  const runsTable = (t: ColumnTable) => markdownTable(t.objects() as Row[], runColumns);
  if (varied.length === 0) return { results: runsTable(results), summary: runsTable(results), frontier: runsTable(frontier) };
  // The runs of a summary row: those whose varied fields are its own.
  const runsOf = (group: Row) => rows.filter((r) => varied.every((f) => String(r[f]) === String(group[f])));
  const meanStd = (field: string) => (g: Row) => meanStdCell(num(g, `${field}Mean`), num(g, `${field}Std`));
  const summaryColumns: Column<Row>[] = [
    ...varied.map(field),
    { title: 'runs', cell: (g) => num(g, 'runs'), align: 'right' },
    { title: 'test accuracy', cell: meanStd('accuracy'), align: 'right' },
    { title: 'emergent sparsity', cell: (g) => meanStdCell(num(g, 'sparsityMean'), num(g, 'sparsityStd'), 1), align: 'right' },
    ...pruned.map(
      ({ column, fraction }): Column<Row> => ({
        title: prunedTitle(fraction),
        cell: (g) => {
          const group = runsOf(g);
          const refused = group
            .map((r) => pruningOf(String(r.key), fraction))
            .filter((p) => p !== undefined && (p.refused !== undefined || !Number.isFinite(p.accuracy)));
          const cell = meanStd(column)(g);
          if (refused.length === 0) return cell;
          if (refused.length === group.length) return refusedCell(refused[0]!.refused);
          const text = typeof cell === 'string' ? cell : cell.text;
          const reason = refusalReason(refused[0]!.refused);
          return { text, note: `${refused.length} of ${group.length} runs refused this pruning${reason ? ` (it ${reason})` : ''}: mean ± std over the others` };
        },
        align: 'right',
      }),
    ),
  ];
  return { results: runsTable(results), summary: markdownTable(summary.objects() as Row[], summaryColumns), frontier: runsTable(frontier) };
}
