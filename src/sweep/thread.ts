import { Worker } from 'node:worker_threads';
import type { TrainProgress } from '../train/loop.js';
import type { RunOutcome } from './execute.js';
import type { PlannedRun } from './plan.js';

/**
 * A worker thread running ./worker.js. From source (.ts, under tsx) a worker does not inherit the
 * TypeScript loader, so a small bootstrap registers tsx in the thread before importing worker.ts.
 */
export function spawnWorker(): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./worker.js', import.meta.url));
  const entry = new URL('./worker.ts', import.meta.url).href;
  const bootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { eval: true });
}

/** How a run on a thread ended: its outcome, or why not (`deterministic`: the same configuration fails the same way anywhere). */
export type ThreadResult = { outcome: RunOutcome } | { message: string; deterministic: boolean; crashed?: boolean };

export interface ThreadRunHandlers {
  onProgress?: (progress: TrainProgress) => void;
  /** A checkpoint is on disk in the run's folder; the run waits until this resolves. */
  onCheckpoint?: (checkpoint: { step: number; epoch: number }) => Promise<void>;
}

/**
 * One worker thread that trains runs one at a time (a queue worker has one per run at once). A
 * thread that dies (a trap, `stop()`) is replaced for the next run.
 */
export class RunThread {
  private worker = spawnWorker();
  private closed = false;

  run(run: PlannedRun, dir: string, fractions: number[], threads: number, handlers: ThreadRunHandlers = {}): Promise<ThreadResult> {
    const worker = this.worker;
    if (this.closed) return Promise.resolve({ message: 'the worker thread was stopped', deterministic: false, crashed: true });
    return new Promise<ThreadResult>((resolve) => {
      const finish = (result: ThreadResult) => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        if ('crashed' in result && !this.closed) this.worker = spawnWorker();
        resolve(result);
      };
      const onMessage = (m: {
        type: string;
        outcome?: RunOutcome;
        message?: string;
        deterministic?: boolean;
        progress?: TrainProgress;
        step?: number;
        epoch?: number;
      }) => {
        if (m.type === 'progress') handlers.onProgress?.(m.progress!);
        else if (m.type === 'checkpoint') {
          // Whatever happens to sending it on, the run goes on (it keeps its checkpoint on disk).
          void Promise.resolve(handlers.onCheckpoint?.({ step: m.step!, epoch: m.epoch! }))
            .catch(() => {})
            .finally(() => worker.postMessage({ type: 'checkpoint-sent' }));
        } else if (m.type === 'done') finish({ outcome: m.outcome! });
        else finish({ message: m.message ?? 'unknown failure', deterministic: m.deterministic === true });
      };
      const onError = (error: Error) => finish({ message: `worker thread failed: ${error.message}`, deterministic: false, crashed: true });
      const onExit = (code: number) => finish({ message: `worker thread exited with code ${code}`, deterministic: false, crashed: true });
      worker.on('message', onMessage);
      worker.once('error', onError);
      worker.once('exit', onExit);
      worker.postMessage({ type: 'run', run, dir, fractions, threads, checkpoints: handlers.onCheckpoint !== undefined });
    });
  }

  /** Ends the current run at once (as crashed; its last checkpoint stays on disk); a new thread takes the next. */
  async cancel(): Promise<void> {
    await this.worker.terminate();
  }

  /** Ends the current run, if any, and the thread for good. */
  async stop(): Promise<void> {
    this.closed = true;
    await this.worker.terminate();
  }
}
