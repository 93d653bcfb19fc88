import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as aq from 'arquero';
import type { TrainConfig } from '../config/schema.js';
import type { TelemetryRecord, TrainSummary } from '../train/loop.js';
import { parseRunFile, pruningSchema, runSummarySchema, telemetrySchema, type RunSummaryFile } from './schema.js';
import type { PruneResult } from '../prune/prune.js';

/** Writes one named file of a run and returns its path (atomically, recorded as evoprune's). */
export type WriteFile = (name: string, data: string | Uint8Array) => string;

/** Telemetry as plain arrays (JSON), validated against the schema its readers use. */
function telemetryJson(telemetry: readonly TelemetryRecord[]): string {
  const plain = telemetry.map((t) => ({ ...t, masses: t.masses.map((m) => Array.from(m)), fitness: t.fitness.map((f) => Array.from(f)) }));
  return JSON.stringify(telemetrySchema.parse(plain)) + '\n';
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
  return parseRunFile(telemetrySchema, text, file).map((t) => ({
    ...t,
    masses: t.masses.map((m) => Float32Array.from(m)),
    fitness: t.fitness.map((f) => Float32Array.from(f)),
  }));
}
