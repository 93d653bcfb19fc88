// A sweep worker thread: trains the runs the main thread sends, one at a time.
import { parentPort } from 'node:worker_threads';
import { executeRun } from './execute.js';
import type { PlannedRun } from './plan.js';

parentPort!.on('message', async (message: { run: PlannedRun; dir: string; fractions: number[]; threads: number }) => {
  try {
    let last = 0;
    const outcome = await executeRun(message.run, message.dir, message.fractions, message.threads, (p) => {
      const now = Date.now();
      if (now - last > 250) {
        last = now;
        parentPort!.postMessage({ type: 'progress', key: message.run.key, progress: p });
      }
    });
    parentPort!.postMessage({ type: 'done', outcome });
  } catch (error) {
    parentPort!.postMessage({ type: 'failed', key: message.run.key, message: error instanceof Error ? error.message : String(error) });
  }
});
