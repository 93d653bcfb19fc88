import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import type { TrainProgress } from '../train/loop.js';
import { writeTable } from '../analysis/export.js';
import { sweepMarkdown } from '../analysis/markdown.js';
import { sweepDerived } from '../analysis/tables.js';
import { defaultThreads } from '../engine/node.js';
import { recordOwned, RunFolder, writeOwned } from '../run/folder.js';
import { sweepFileSchema } from '../run/schema.js';
import { isDone, readOutcome, type RunOutcome } from './execute.js';
import { planSweep, type PlannedRun, type SweepPlan, type SweepSpec } from './plan.js';
import { spawnWorker } from './thread.js';

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
  const { outcomes, todo: queue } = startSweep(spec, plan, folder, options.fresh === true);
  const failures: SweepResult['failures'] = [];
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
  return finishSweep(spec, plan, options.out, outcomes, failures);
}

/** results.* (every run), summary.* (mean ± std over seeds), frontier.* (accuracy–sparsity); their Markdown with units. */
function writeSweepTables(table: ColumnTable, varied: readonly string[], out: string, outcomes: readonly RunOutcome[]): void {
  const markdown = sweepMarkdown(table, varied, new Map(outcomes.map((o) => [o.key, o.pruning])));
  writeTable(table, out, 'results', markdown.results);
  if (table.numRows() === 0) return;
  const { summary, frontier } = sweepDerived(table, varied);
  writeTable(summary, out, 'summary', markdown.summary);
  writeTable(frontier, out, 'frontier', markdown.frontier);
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

/**
 * What every sweep does first, on threads or through a queue: writes sweep.json and splits the
 * plan into the runs already finished in the folder (read back) and the runs to do.
 */
export function startSweep(spec: SweepSpec, plan: SweepPlan, folder: RunFolder, fresh: boolean): { outcomes: RunOutcome[]; todo: PlannedRun[] } {
  const file = sweepFileSchema.parse({
    spec,
    varied: plan.varied,
    runs: plan.runs.map((r) => ({ key: r.key, overrides: r.overrides, variant: r.variant, origin: r.origin })),
    duplicates: plan.duplicates,
  });
  folder.write('sweep.json', JSON.stringify(file, null, 2) + '\n');
  const outcomes: RunOutcome[] = [];
  const todo: PlannedRun[] = [];
  for (const run of plan.runs) {
    const dir = join(folder.dir, run.key);
    if (!fresh && isDone(dir)) outcomes.push(readOutcome(dir, run));
    else todo.push(run);
  }
  return { outcomes, todo };
}

/** What every sweep does last: outcomes in plan order, the tables written into `out`. */
export function finishSweep(spec: SweepSpec, plan: SweepPlan, out: string, outcomes: RunOutcome[], failures: SweepResult['failures']): SweepResult {
  const order = new Map(plan.runs.map((r, i) => [r.key, i]));
  outcomes.sort((a, b) => order.get(a.key)! - order.get(b.key)!);
  const table = sweepTable(outcomes, spec.prune);
  writeSweepTables(table, plan.varied, out, outcomes);
  return { runs: plan.runs, duplicates: plan.duplicates, outcomes, failures, table };
}
