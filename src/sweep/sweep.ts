import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import type { TrainProgress } from '../train/loop.js';
import { writeTable } from '../analysis/export.js';
import { meanStd, paretoFrontier } from '../analysis/tables.js';
import { defaultThreads } from '../engine/node.js';
import { recordOwned, RunFolder, writeOwned } from '../run/folder.js';
import { sweepFileSchema } from '../run/schema.js';
import { isDone, readOutcome, type RunOutcome } from './execute.js';
import { planSweep, type PlannedRun, type SweepPlan, type SweepSpec } from './plan.js';

export interface SweepStatus {
  total: number;
  done: number;
  failed: number;
  skipped: number;
  running: Map<string, TrainProgress | undefined>;
}

export interface SweepOptions {
  out: string;
  /** Worker threads (default: the number of cores). */
  parallel?: number;
  /** Threads per run (default: the cores shared between the runs at once; same bits for any count). */
  threads?: number;
  /** Re-run finished runs too. */
  fresh?: boolean;
  onStatus?: (status: SweepStatus) => void;
  signal?: AbortSignal;
}

export interface SweepResult {
  runs: PlannedRun[];
  /** Variants planned once because an earlier one resolves to the same configuration. */
  duplicates: SweepPlan['duplicates'];
  outcomes: RunOutcome[];
  failures: { key: string; origin: string; message: string }[];
  table: ColumnTable;
}

/**
 * A worker thread running ./worker.js. From source (.ts, under tsx) a worker does not inherit the
 * TypeScript loader, so a small bootstrap registers tsx in the thread before importing worker.ts.
 */
function spawnWorker(): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./worker.js', import.meta.url));
  const entry = new URL('./worker.ts', import.meta.url).href;
  const bootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { eval: true });
}

/**
 * Runs a sweep: every planned run goes to `out/<key>/` where key hashes its resolved
 * configuration, so re-running skips finished runs and re-does missing or failed ones. Runs go
 * to `parallel` worker threads; a failing run is recorded (error.json) and the others go on.
 * The sweep folder is locked while the sweep runs, so two sweeps cannot write into it at once.
 */
export async function runSweep(spec: SweepSpec, options: SweepOptions, plan: SweepPlan = planSweep(spec)): Promise<SweepResult> {
  const folder = await RunFolder.open(options.out, { kind: 'sweep', resume: true });
  try {
    return await runPlanned(spec, plan, folder, options);
  } finally {
    await folder.close();
  }
}

async function runPlanned(spec: SweepSpec, plan: SweepPlan, folder: RunFolder, options: SweepOptions): Promise<SweepResult> {
  const { runs } = plan;
  const dirOf = (run: PlannedRun) => join(options.out, run.key);
  const file = sweepFileSchema.parse({
    spec,
    varied: plan.varied,
    runs: runs.map((r) => ({ key: r.key, overrides: r.overrides, variant: r.variant, origin: r.origin })),
    duplicates: plan.duplicates,
  });
  folder.write('sweep.json', JSON.stringify(file, null, 2) + '\n');
  const outcomes: RunOutcome[] = [];
  const failures: SweepResult['failures'] = [];
  const queue: PlannedRun[] = [];
  for (const run of runs) {
    if (!options.fresh && isDone(dirOf(run))) outcomes.push(readOutcome(dirOf(run), run));
    else queue.push(run);
  }
  const status: SweepStatus = { total: runs.length, done: outcomes.length, failed: 0, skipped: outcomes.length, running: new Map() };
  options.onStatus?.(status);
  const workers = Math.max(1, Math.min(options.parallel ?? availableParallelism(), queue.length));
  const threads = options.threads ?? defaultThreads(options.parallel ?? availableParallelism());
  await Promise.all(
    Array.from({ length: queue.length === 0 ? 0 : workers }, async () => {
      let worker = spawnWorker();
      try {
        for (let run = queue.shift(); run !== undefined; run = queue.shift()) {
          if (options.signal?.aborted) break;
          status.running.set(run.key, undefined);
          options.onStatus?.(status);
          const current = run;
          recordOwned(options.out, current.key);
          // Ctrl-C: stop the thread now; the unfinished run has no summary.json, so the next
          // sweep re-does it (every file is written atomically, so nothing is half-written).
          const stop = () => void worker.terminate();
          options.signal?.addEventListener('abort', stop, { once: true });
          const result = await new Promise<{ outcome?: RunOutcome; message?: string }>((resolve) => {
            const onMessage = (m: { type: string; outcome?: RunOutcome; message?: string; progress?: TrainProgress }) => {
              if (m.type === 'progress') {
                status.running.set(current.key, m.progress);
                options.onStatus?.(status);
                return;
              }
              worker.off('message', onMessage);
              worker.off('error', onError);
              worker.off('exit', onExit);
              resolve(m);
            };
            const onError = (error: Error) => {
              worker.off('message', onMessage);
              worker.off('exit', onExit);
              resolve({ message: `worker thread failed: ${error.message}` });
            };
            const onExit = (code: number) => {
              worker.off('message', onMessage);
              worker.off('error', onError);
              resolve({ message: `worker thread exited with code ${code}` });
            };
            worker.on('message', onMessage);
            worker.once('error', onError);
            worker.once('exit', onExit);
            worker.postMessage({ run: current, dir: dirOf(current), fractions: spec.prune, threads });
          });
          // One listener per run would pile up on a long sweep's signal.
          options.signal?.removeEventListener('abort', stop);
          status.running.delete(current.key);
          if (options.signal?.aborted) {
            status.running.delete(current.key);
            break;
          }
          if (result.message?.startsWith('worker thread')) {
            // The thread is gone: the next run gets a new one.
            await worker.terminate();
            worker = spawnWorker();
          }
          if (result.outcome) {
            outcomes.push(result.outcome);
            status.done += 1;
          } else {
            const message = result.message ?? 'unknown failure';
            failures.push({ key: current.key, origin: current.origin, message });
            writeOwned(dirOf(current), 'error.json', JSON.stringify({ message }, null, 2) + '\n');
            status.failed += 1;
          }
          options.onStatus?.(status);
        }
      } finally {
        await worker.terminate();
      }
    }),
  );
  const order = new Map(runs.map((r, i) => [r.key, i]));
  outcomes.sort((a, b) => order.get(a.key)! - order.get(b.key)!);
  const table = sweepTable(outcomes, spec.prune);
  writeSweepTables(table, plan.varied, options.out);
  return { runs, duplicates: plan.duplicates, outcomes, failures, table };
}

/** results.* (every run), summary.* (mean ± std over seeds), frontier.* (accuracy–sparsity). */
function writeSweepTables(table: ColumnTable, varied: readonly string[], out: string): void {
  writeTable(table, out, 'results');
  if (table.numRows() === 0) return;
  const values = table.columnNames().filter((c) => c === 'accuracy' || c === 'sparsity' || c.startsWith('pruned'));
  writeTable(varied.length > 0 ? meanStd(table, [...varied], values) : table, out, 'summary');
  writeTable(paretoFrontier(table), out, 'frontier');
}

/** A table cell for a configuration value (layer widths as 512-256). */
const cell = (v: unknown) => (Array.isArray(v) ? v.join('-') : v);

/**
 * One row per finished run: the value of every field that varies in the sweep (the union over
 * all variants, resolved, so no two runs look alike), seed, accuracy, emergent sparsity, pruned
 * accuracies.
 */
export function sweepTable(outcomes: readonly RunOutcome[], fractions: readonly number[]): ColumnTable {
  return aq.from(
    outcomes.map((o) => {
      const variant = Object.fromEntries(Object.entries(o.variant).map(([k, v]) => [k, cell(v)]));
      const row: Record<string, unknown> = { key: o.key, ...variant, accuracy: o.testAccuracy, sparsity: o.sparsity };
      for (const f of fractions) row[`pruned${Math.round(f * 100)}`] = o.pruning.find((p) => p.fraction === f)?.accuracy ?? Number.NaN;
      return row;
    }),
  );
}
