import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import type { EpochMetrics, TelemetryRecord } from '../train/loop.js';

/** One row per epoch: loss, accuracy, throughput, alive per layer. */
export function metricsTable(history: readonly EpochMetrics[]): ColumnTable {
  return aq.from(history.map(({ alive, ...rest }) => ({ ...rest, alive: alive.reduce((a, b) => a + b, 0), aliveByLayer: alive.join('+') })));
}

/** Fraction of populations alive per hidden layer at each telemetry step (survival curve). */
export function survivalCurve(telemetry: readonly TelemetryRecord[], label: Record<string, string | number> = {}): ColumnTable {
  return aq.from(
    telemetry.flatMap((t) =>
      t.alive.map((alive, layer) => ({
        ...label,
        step: t.step,
        epoch: t.epoch,
        layer: layer + 1,
        alive,
        total: t.masses[layer]!.length,
        fraction: alive / t.masses[layer]!.length,
      })),
    ),
  );
}

/** For every population that went extinct, the first recorded step at which its mass was 0. */
export function extinctionTimeline(telemetry: readonly TelemetryRecord[]): ColumnTable {
  const rows: { layer: number; population: number; step: number; epoch: number }[] = [];
  const seen = new Set<string>();
  for (const t of telemetry) {
    t.masses.forEach((masses, layer) => {
      masses.forEach((m, population) => {
        const key = `${layer}:${population}`;
        if (m === 0 && !seen.has(key)) {
          seen.add(key);
          rows.push({ layer: layer + 1, population, step: t.step, epoch: t.epoch });
        }
      });
    });
  }
  // Named columns even when no population died (every dense run): arquero cannot order a table
  // without them.
  return aq
    .table({ layer: rows.map((r) => r.layer), population: rows.map((r) => r.population), step: rows.map((r) => r.step), epoch: rows.map((r) => r.epoch) })
    .orderby('step', 'layer', 'population');
}

/** Long table of masses over time: one row per (step, layer, population). */
export function massTable(telemetry: readonly TelemetryRecord[]): ColumnTable {
  return aq.from(
    telemetry.flatMap((t) =>
      t.masses.flatMap((masses, layer) => Array.from(masses, (mass, population) => ({ step: t.step, epoch: t.epoch, layer: layer + 1, population, mass }))),
    ),
  );
}

/**
 * The accuracy–sparsity frontier: rows no other row beats on both (higher or equal `x` and `y`,
 * strictly better on one). Sorted by `x`.
 */
export function paretoFrontier(table: ColumnTable, x = 'sparsity', y = 'accuracy'): ColumnTable {
  const rows = table.objects() as Record<string, number>[];
  const kept = rows.filter((r) => !rows.some((o) => o[x]! >= r[x]! && o[y]! >= r[y]! && (o[x]! > r[x]! || o[y]! > r[y]!)));
  return aq.from(kept).orderby(x);
}

/** Mean ± standard deviation (sample, n − 1) of `values` per group of `by` (over seeds). */
export function meanStd(table: ColumnTable, by: string[], values: string[]): ColumnTable {
  const rollups: Record<string, string> = { runs: 'd => op.count()' };
  for (const v of values) {
    rollups[`${v}Mean`] = `d => op.mean(d.${v})`;
    rollups[`${v}Std`] = `d => op.stdev(d.${v})`;
  }
  return table
    .groupby(...by)
    .rollup(rollups)
    .orderby(...by);
}

/**
 * A sweep's derived tables from its results (one row per run): mean ± std over seeds per variant
 * of the accuracy, the emergent sparsity and every pruned accuracy (the results themselves when
 * nothing varies), and the accuracy–sparsity Pareto set.
 */
export function sweepDerived(results: ColumnTable, varied: readonly string[]): { summary: ColumnTable; frontier: ColumnTable } {
  if (results.numRows() === 0) return { summary: results, frontier: results };
  const values = results.columnNames().filter((c) => c === 'accuracy' || c === 'sparsity' || c.startsWith('pruned'));
  return { summary: varied.length > 0 ? meanStd(results, [...varied], values) : results, frontier: paretoFrontier(results) };
}
