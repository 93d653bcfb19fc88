import * as aq from 'arquero';
import type { TrainConfig } from '../config/schema.js';
import type { TrainSummary } from '../train/loop.js';

/** Writes one named file of a run and returns its path (atomically, recorded as evoprune's). */
export type WriteFile = (name: string, data: string | Uint8Array) => string;

/**
 * Writes a finished run: config.json (resolved), metrics.csv (per epoch), telemetry.json
 * (masses, fitness, alive over time), summary.json (incl. stateHash). The model file is written
 * by the caller (`model.bin`, from the trainer before it is freed).
 */
export function writeRun(write: WriteFile, config: TrainConfig, summary: TrainSummary): string[] {
  const { telemetry, history, ...rest } = summary;
  return [
    write('config.json', JSON.stringify(config, null, 2) + '\n'),
    write('metrics.csv', aq.from(history.map((h) => ({ ...h, alive: h.alive.join('+') }))).toCSV()),
    write(
      'telemetry.json',
      JSON.stringify(telemetry.map((t) => ({ ...t, masses: t.masses.map((m) => Array.from(m)), fitness: t.fitness.map((f) => Array.from(f)) }))) + '\n',
    ),
    write('summary.json', JSON.stringify({ ...rest, epochsRun: history.length }, null, 2) + '\n'),
  ];
}
