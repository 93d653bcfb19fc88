// A sweep worker thread: trains the runs the main thread sends, one at a time. With
// `checkpoints`, it says when each checkpoint is on disk and waits until the main thread has
// sent it on (a queue worker puts it in Redis, so another machine can resume the run).
import { parentPort } from 'node:worker_threads';
import { ConfigError } from '../config/errors.js';
import { DataError } from '../data/idx-parse.js';
import { isKernelUsageError } from '../engine/errors.js';
import { RunFailedError } from '../train/loop.js';
import { executeRun } from './execute.js';
import type { PlannedRun } from './plan.js';

/** Errors that training the same configuration on the same data gives again, wherever it runs. */
const deterministic = (error: unknown) =>
  error instanceof ConfigError || error instanceof DataError || error instanceof RunFailedError || isKernelUsageError(error);

let checkpointSent: (() => void) | undefined;

parentPort!.on(
  'message',
  async (message: { type?: 'run' | 'checkpoint-sent'; run: PlannedRun; dir: string; fractions: number[]; threads: number; checkpoints?: boolean }) => {
    if (message.type === 'checkpoint-sent') {
      checkpointSent?.();
      checkpointSent = undefined;
      return;
    }
    try {
      let last = 0;
      const outcome = await executeRun(
        message.run,
        message.dir,
        message.fractions,
        message.threads,
        (p) => {
          const now = Date.now();
          if (now - last > 250) {
            last = now;
            parentPort!.postMessage({ type: 'progress', key: message.run.key, progress: p });
          }
        },
        message.checkpoints
          ? ({ step, epoch }) =>
              new Promise<void>((resolve) => {
                checkpointSent = resolve;
                parentPort!.postMessage({ type: 'checkpoint', key: message.run.key, step, epoch });
              })
          : undefined,
      );
      parentPort!.postMessage({ type: 'done', outcome });
    } catch (error) {
      parentPort!.postMessage({
        type: 'failed',
        key: message.run.key,
        message: error instanceof Error ? error.message : String(error),
        deterministic: deterministic(error),
      });
    }
  },
);
