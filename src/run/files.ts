import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as aq from 'arquero';
import type { TrainConfig } from '../config/schema.js';
import type { EpochMetrics, TelemetryRecord, TrainSummary } from '../train/loop.js';
import {
  epochMetricsSchema,
  parseRunFile,
  plainTelemetry,
  pruningSchema,
  runSummarySchema,
  telemetrySchema,
  typedTelemetry,
  type RunSummaryFile,
} from './schema.js';
import type { PruneResult } from '../prune/prune.js';

/** Writes one named file of a run and returns its path (atomically, recorded as evoprune's). */
export type WriteFile = (name: string, data: string | Uint8Array) => string;

/** Telemetry as plain arrays (JSON), validated against the schema its readers use. */
function telemetryJson(telemetry: readonly TelemetryRecord[]): string {
  return JSON.stringify(telemetrySchema.parse(plainTelemetry(telemetry))) + '\n';
}

/**
 * Writes a finished run: config.json (resolved), metrics.csv (per epoch), telemetry.json
 * (masses, fitness, alive over time), summary.json (incl. stateHash), summary last. The model
 * file and pruning.json are written by the run service.
 */
export function writeRun(write: WriteFile, config: TrainConfig, summary: Omit<TrainSummary, 'model' | 'analysis'>): string[] {
  return [
    write('config.json', JSON.stringify(config, null, 2) + '\n'),
    write('metrics.csv', aq.from(metricsRows(summary.history)).toCSV()),
    write('telemetry.json', telemetryJson(summary.telemetry)),
    write('summary.json', JSON.stringify(summaryFile(summary), null, 2) + '\n'),
  ];
}

/** What summary.json holds for a run: the summary without its history, telemetry, model and analysis. */
export function summaryFile(summary: Omit<TrainSummary, 'model' | 'analysis'> & Partial<Pick<TrainSummary, 'model' | 'analysis'>>): RunSummaryFile {
  const { telemetry: _t, history, model: _m, analysis: _a, ...rest } = summary;
  return runSummarySchema.parse({ ...rest, epochsRun: history.length });
}

/** metrics.csv rows: one per epoch, alive per layer as `a+b`. */
export function metricsRows(history: TrainSummary['history']): Record<string, unknown>[] {
  return history.map((h) => ({ ...h, alive: h.alive.join('+') }));
}

const read = (dir: string, name: string) => {
  const file = join(dir, name);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`${file}: cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  return { text, file };
};

/** summary.json of a run folder, validated. */
export function readRunSummary(dir: string): RunSummaryFile {
  const { text, file } = read(dir, 'summary.json');
  return parseRunFile(runSummarySchema, text, file);
}

/** pruning.json of a run folder (refused prunings have NaN accuracy, as in memory). */
export function readPruning(dir: string): PruneResult[] {
  const { text, file } = read(dir, 'pruning.json');
  return parseRunFile(pruningSchema, text, file).map((p) => ({
    ...p,
    score: p.score as PruneResult['score'],
    accuracy: p.accuracy ?? Number.NaN,
    loss: p.loss ?? Number.NaN,
  }));
}

/** telemetry.json of a run folder, with typed arrays as in memory. */
export function readTelemetry(dir: string): TelemetryRecord[] {
  const { text, file } = read(dir, 'telemetry.json');
  return typedTelemetry(parseRunFile(telemetrySchema, text, file));
}

/** metrics.csv of a run folder, validated, as the per-epoch history it was written from. */
export function readHistory(dir: string): EpochMetrics[] {
  const { text, file } = read(dir, 'metrics.csv');
  // alive is `a+b`, or a bare count with one hidden layer: read it as text either way.
  const rows = aq.fromCSV(text, { parse: { alive: String } }).objects() as Record<string, unknown>[];
  const parsed = rows.map((row) => ({ ...row, alive: String(row.alive).split('+').map(Number) }));
  return parseRunFile(epochMetricsSchema.array(), JSON.stringify(parsed), file);
}

/** A finished run as training returned it (summary, history, telemetry), read back from its folder. */
export function readFinishedRun(dir: string, config: TrainConfig): TrainSummary {
  const { epochsRun: _e, config: _c, testLoss, validationLoss, ...summary } = readRunSummary(dir);
  return {
    ...summary,
    testLoss: testLoss ?? Number.NaN,
    ...(validationLoss === undefined ? {} : { validationLoss: validationLoss ?? Number.NaN }),
    history: readHistory(dir),
    telemetry: readTelemetry(dir),
    config,
  };
}
