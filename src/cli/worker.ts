import type { Command } from 'commander';
import { ConfigError, runQueueWorker, type QueueWorkerEvent } from '../index.js';
import { positiveInteger, threadsOption } from './options.js';
import { addQueueOptions, queueConnection, type QueueFlags } from './queue-options.js';
import { INTERRUPTED_EXIT } from './run.js';

interface WorkerFlags extends QueueFlags {
  queue?: string;
  concurrency?: number;
  threads?: number;
  name?: string;
  dataRoot: string[];
  quiet?: boolean;
}

function describe(event: QueueWorkerEvent): string | undefined {
  switch (event.type) {
    case 'ready':
      return `worker ${event.name}: taking runs from queue "${event.queue}" at ${event.url} (${event.concurrency} at once, ${event.threads} thread${event.threads === 1 ? '' : 's'} each); Ctrl-C stops`;
    case 'started':
      return `run ${event.key} (${event.origin}) started${event.attempt > 1 ? ` (try ${event.attempt})` : ''}${event.resumedFrom !== undefined ? `, resumed from step ${event.resumedFrom}` : ''}`;
    case 'done':
      return `run ${event.key} done in ${event.seconds.toFixed(1)} s (stateHash ${event.stateHash.slice(0, 16)}…)`;
    case 'skipped':
      return `run ${event.key} is finished already: nothing to train`;
    case 'failed':
      return `run ${event.key} failed${event.final ? '' : ' (will be tried again)'}: ${event.message}`;
    case 'returned':
      return `run ${event.key} went back to the queue`;
    case 'notice':
      return `queue: ${event.message}`;
  }
}

/** EVOPRUNE_QUEUE_LOCK_MS: how long a job stays locked to a worker that stopped answering (ms). */
function lockMs(): number | undefined {
  const value = process.env.EVOPRUNE_QUEUE_LOCK_MS;
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1000) throw new ConfigError(`EVOPRUNE_QUEUE_LOCK_MS must be an integer of at least 1000 (ms), got "${value}"`);
  return n;
}

export function registerWorker(program: Command): void {
  addQueueOptions(
    threadsOption(program.command('worker'), 'all cores ÷ --concurrency')
      .description('train the runs of queued sweeps (sweep --queue) until stopped; start any number, on any machine')
      .option('--queue <url>', 'the Redis server: redis://[[user]:password@]host[:port][/db], rediss:// for TLS')
      .option('--concurrency <n>', 'runs at once, each on its own worker thread (default 1)', positiveInteger('--concurrency'))
      .option('--name <name>', 'how coordinators show this worker (default host:pid)')
      .option(
        '--data-root <dir>',
        'train only on data inside this folder (repeatable; mnist and fashion-mnist always); default: any path a job names',
        (dir: string, dirs: string[]) => [...dirs, dir],
        [] as string[],
      )
      .option('--quiet', 'print only failures')
      .addHelpText(
        'after',
        `
Each job is a run of a sweep started with "evoprune sweep FILE --queue URL". The worker checks it
(the configuration schema, its hash against the job id, its size, --data-root), trains it, sends a
checkpoint to Redis at every epoch end (a worker that dies is taken over by another, which resumes
from it) and sends the finished run's files back. Ctrl-C or SIGTERM: runs in progress go back to
the queue and the worker exits.

The password may be left out of the URL and given as EVOPRUNE_REDIS_PASSWORD (it then stays out of
the process list).

Examples:
  $ evoprune worker --queue redis://queue.lab:6379
  $ evoprune worker --queue rediss://:secret@queue.lab:6380/0 --queue-ca lab-ca.pem --concurrency 2 --threads 4`,
      ),
  ).action(async (flags: WorkerFlags) => {
    if (flags.queue === undefined) throw new ConfigError('worker needs --queue redis://host:port (the Redis server of the sweep)');
    const controller = new AbortController();
    const onSignal = () => {
      if (controller.signal.aborted) process.exit(INTERRUPTED_EXIT);
      process.stderr.write('\nstopping: runs in progress go back to the queue (Ctrl-C again to exit now)\n');
      controller.abort();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
      const summary = await runQueueWorker({
        ...queueConnection(flags.queue, flags),
        concurrency: flags.concurrency,
        threads: flags.threads,
        name: flags.name,
        dataRoots: flags.dataRoot,
        lockMs: lockMs(),
        signal: controller.signal,
        onEvent: (event) => {
          if (flags.quiet && event.type !== 'failed') return;
          const line = describe(event);
          if (line) process.stderr.write(line + '\n');
        },
      });
      if (!flags.quiet) process.stderr.write(`worker stopped: ${summary.done} runs trained, ${summary.failed} failed\n`);
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  });
}
