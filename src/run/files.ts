import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as aq from 'arquero';
import type { TrainConfig } from '../config/schema.js';
import { writeFileAtomic } from '../util/atomic.js';
import type { TrainSummary } from './loop.js';

/** Thrown when a run would overwrite another run's directory without --force. */
export class RunExistsError extends Error {
  override name = 'RunExistsError';
}

/** Makes `dir` ready for a new run: refuses a non-empty folder unless `force` (which empties it). */
export function prepareRunDir(dir: string, force: boolean): void {
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    if (!force) throw new RunExistsError(`${dir} already holds a run; choose another --out or pass --force to replace it`);
    rmSync(dir, { recursive: true, force: true });
  }
  mkdirSync(dir, { recursive: true });
}

/**
 * Writes a finished run: config.json (resolved), metrics.csv (per epoch), telemetry.json
 * (masses, fitness, alive over time), summary.json (incl. stateHash). Each file atomically.
 * The model file is written by the caller (`model.bin`, from the trainer before it is freed).
 */
export function writeRun(dir: string, config: TrainConfig, summary: TrainSummary): string[] {
  const { telemetry, history, ...rest } = summary;
  const files: [string, string][] = [
    ['config.json', JSON.stringify(config, null, 2) + '\n'],
    ['metrics.csv', aq.from(history.map((h) => ({ ...h, alive: h.alive.join('+') }))).toCSV()],
    [
      'telemetry.json',
      JSON.stringify(telemetry.map((t) => ({ ...t, masses: t.masses.map((m) => Array.from(m)), fitness: t.fitness.map((f) => Array.from(f)) }))) + '\n',
    ],
    ['summary.json', JSON.stringify({ ...rest, epochsRun: history.length }, null, 2) + '\n'],
  ];
  return files.map(([name, text]) => {
    writeFileAtomic(join(dir, name), text);
    return join(dir, name);
  });
}
