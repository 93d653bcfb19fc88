// `evoprune verify RUN`: retrain a run from its config.json and say whether the same bits come
// out, and if not, what differs and which part of the provenance changed.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as aq from 'arquero';
import { loadRunDataset } from '../data/registry.js';
import { nodeEngine } from '../engine/node.js';
import { runTraining, type TrainProgress } from '../train/loop.js';
import { metricsRows, readRunSummary, summaryFile } from './files.js';
import { type Provenance, provenanceChanges, runProvenance } from './provenance.js';
import { canonical } from './schema.js';
import { readRunConfig } from './service.js';

export interface Verification {
  identical: boolean;
  stateHash: { recorded: string; now: string };
  /** Whether model.bin (when the run has one) equals the retrained model's bytes. */
  modelIdentical?: boolean;
  /** Fields of the run's canonical view (summary and per-epoch metrics) that differ, as `path: recorded → now`. */
  differences: string[];
  /** What changed in the provenance since the run was recorded (software, kernels, machine, data). */
  provenance: string[];
}

/** Paths where two canonical views differ (depth-first, at most `limit`). */
function diff(a: unknown, b: unknown, path = '', out: string[] = [], limit = 20): string[] {
  if (out.length >= limit) return out;
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      diff((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], path ? `${path}.${key}` : key, out, limit);
    }
  } else if (JSON.stringify(a) !== JSON.stringify(b)) {
    out.push(`${path}: ${JSON.stringify(a)} → ${JSON.stringify(b)}`);
  }
  return out;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Retrains the run in `dir` from its config.json (nothing is written) and compares. */
export async function verifyRun(dir: string, options: { signal?: AbortSignal; onProgress?: (p: TrainProgress) => void } = {}): Promise<Verification> {
  const config = readRunConfig(dir);
  const recorded = readRunSummary(dir);
  const dataset = loadRunDataset(config);
  const summary = await runTraining(config, dataset, nodeEngine(), { keepModel: true, collapseCheck: false, ...options });
  const now = summaryFile(summary);
  const csv = (rows: Record<string, unknown>[]) => aq.from(rows).toCSV();
  const recordedMetrics = aq.fromCSV(readFileSync(join(dir, 'metrics.csv'), 'utf8')).objects();
  // A run written before the living-work column existed is compared on the columns it has.
  const hasLivingWork = recordedMetrics.every((row) => 'livingWork' in row);
  const history = hasLivingWork ? summary.history : summary.history.map(({ livingWork: _, ...rest }) => rest);
  const nowMetrics = aq.fromCSV(csv(metricsRows(history))).objects();
  const differences = [...diff(canonical(recorded), canonical(now), 'summary'), ...diff(canonical(recordedMetrics), canonical(nowMetrics), 'metrics')];
  const modelFile = join(dir, 'model.bin');
  const modelIdentical = existsSync(modelFile) ? sha256(readFileSync(modelFile)) === sha256(summary.model!) : undefined;
  const provenanceFile = join(dir, 'provenance.json');
  const provenance = existsSync(provenanceFile)
    ? provenanceChanges(JSON.parse(readFileSync(provenanceFile, 'utf8')) as Provenance, runProvenance(dataset))
    : ['the run has no provenance.json (written before evoprune recorded it)'];
  return {
    identical: recorded.stateHash === summary.stateHash && differences.length === 0 && modelIdentical !== false,
    stateHash: { recorded: recorded.stateHash, now: summary.stateHash },
    ...(modelIdentical === undefined ? {} : { modelIdentical }),
    differences,
    provenance,
  };
}
