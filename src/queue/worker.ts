// A queue worker (`evoprune worker --queue URL`): takes jobs from the queue, checks each one
// (validateJob), trains it through the run service on a worker thread (the same code as a local
// sweep), sends each checkpoint to Redis so that another worker can resume the run if this one
// dies, and puts the finished run's files in Redis for the coordinator.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Job, Worker } from 'bullmq';
import { defaultThreads } from '../engine/node.js';
import { decodeCheckpoint } from '../run/checkpoint.js';
import { MARKER, type Marker, readMarker, resetOwnedRunFolder } from '../run/folder.js';
import { writeFileAtomic } from '../util/atomic.js';
import type { PlannedRun } from '../sweep/plan.js';
import { RunThread } from '../sweep/thread.js';
import { BundleError, CHECKPOINT_FILES, DEFAULT_MAX_RESULT_BYTES, decodeBundle, encodeBundle, RESULT_FILES } from './bundle.js';
import {
  connectRedis,
  disconnectRedis,
  KEY_PREFIX,
  loadBullmq,
  NOTIFY_WAITERS,
  queueKeys,
  queueName,
  redactedUrl,
  type QueueConnection,
} from './connection.js';
import { DEFAULT_KEEP_SECONDS, DEFAULT_LOCK_MS, validateJob, type ValidJob } from './protocol.js';

export interface QueueWorkerOptions {
  queue: QueueConnection;
  /** Runs at once, each on its own worker thread (default 1). */
  concurrency?: number;
  /** Threads per run (default: the cores shared between the runs at once; the same bits for any count). */
  threads?: number;
  /** How this worker is shown to coordinators (default host:pid). */
  name?: string;
  /** Train only on data inside these folders (mnist and fashion-mnist are always allowed). Default: anywhere. */
  dataRoots?: string[];
  /** Cap on a run's files (and checkpoint) sent to Redis (default 256 MiB). */
  maxResultBytes?: number;
  /** How long results and checkpoints stay in Redis if nobody collects them (seconds, default 7 days). */
  keepSeconds?: number;
  /** The lock on a job lasts this long unless renewed (ms, default 30 000); a dead worker's job is taken over after it. */
  lockMs?: number;
  /** Where runs are trained before they are sent (default the system's temporary folder). */
  workDir?: string;
  /** Stops the worker: runs in progress go back to the queue (their last checkpoint is in Redis). */
  signal?: AbortSignal;
  onEvent?: (event: QueueWorkerEvent) => void;
}

export type QueueWorkerEvent =
  | { type: 'ready'; url: string; queue: string; name: string; concurrency: number; threads: number }
  | { type: 'started'; key: string; origin: string; attempt: number; resumedFrom?: number }
  | { type: 'done'; key: string; seconds: number; stateHash: string }
  | { type: 'skipped'; key: string }
  | { type: 'failed'; key: string; message: string; final: boolean }
  | { type: 'returned'; key: string }
  | { type: 'notice'; message: string };

export interface QueueWorkerSummary {
  done: number;
  failed: number;
}

/** Refused without retrying: BullMQ's UnrecoverableError, which fails a job at its first try. */
type Unrecoverable = new (message: string) => Error;

/** `promise`, or undefined once `ms` have passed (it goes on in the background). */
async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  const controller = new AbortController();
  const timeout = new Promise<undefined>((done) => {
    const timer = setTimeout(done, ms);
    controller.signal.addEventListener('abort', () => clearTimeout(timer));
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    controller.abort();
  }
}

/**
 * Runs a worker until `signal` fires. Every job is checked before anything runs; a job that
 * fails for a reason of its configuration or data fails once, for good; any other failure is
 * tried again (three tries in all). If the worker dies, its lock expires and another worker
 * takes the job, resuming it from the checkpoint this one left in Redis.
 */
export async function runQueueWorker(options: QueueWorkerOptions): Promise<QueueWorkerSummary> {
  const { Worker: BullWorker, UnrecoverableError, WaitingError } = await loadBullmq();
  const name = options.name ?? `${hostname()}:${process.pid}`;
  const queue = queueName(options.queue);
  const concurrency = options.concurrency ?? 1;
  const threads = options.threads ?? defaultThreads(concurrency);
  const keys = queueKeys(queue);
  const keep = options.keepSeconds ?? DEFAULT_KEEP_SECONDS;
  const maxBytes = options.maxResultBytes ?? DEFAULT_MAX_RESULT_BYTES;
  const emit = (event: QueueWorkerEvent) => options.onEvent?.(event);
  const notice = (message: string) => emit({ type: 'notice', message });
  if (options.signal?.aborted) return { done: 0, failed: 0 };
  const workDir = options.workDir ?? tmpdir();
  mkdirSync(workDir, { recursive: true });
  const client = await connectRedis(options.queue, notice);
  const idle = Array.from({ length: concurrency }, () => new RunThread());
  const all = [...idle];
  const summary: QueueWorkerSummary = { done: 0, failed: 0 };
  let stopping = false;

  const processor = async (job: Job, token?: string) => {
    const picked = Date.now();
    let valid: ValidJob;
    try {
      valid = validateJob(job.id, job.data, { dataRoots: options.dataRoots });
    } catch (error) {
      throw new (UnrecoverableError as Unrecoverable)((error as Error).message);
    }
    if (stopping) return putBack(job, token, valid.key);
    if ((await client.exists(keys.result(valid.key))) === 1) {
      // Trained already (a stalled job whose worker finished, or a second enqueue after the first finished).
      emit({ type: 'skipped', key: valid.key });
      return { skipped: true };
    }
    const thread = idle.pop()!;
    const dir = mkdtempSync(join(workDir, `evoprune-${valid.key}-`));
    try {
      const resumedFrom = await restore(valid, dir);
      emit({ type: 'started', key: valid.key, origin: valid.origin, attempt: job.attemptsMade + 1, resumedFrom });
      const run: PlannedRun = { key: valid.key, config: valid.config, overrides: {}, variant: {}, origin: valid.origin };
      let lastProgress = 0;
      let tooBig: string | undefined;
      const trainStart = Date.now();
      const result = await thread.run(run, dir, valid.fractions, threads, {
        onProgress: (progress) => {
          if (Date.now() - lastProgress < 1000) return;
          lastProgress = Date.now();
          job.updateProgress({ ...progress }).catch(() => {});
        },
        onCheckpoint: async () => {
          const bytes = encodeBundle(runMeta(dir), readFiles(dir, CHECKPOINT_FILES));
          if (bytes.length > maxBytes) {
            tooBig = `run ${valid.key}: its checkpoint is ${bytes.length} bytes, over the queue's cap of ${maxBytes} (--max-result-mb); refused`;
            await thread.cancel();
            return;
          }
          // Redis away: the run goes on (this checkpoint may not travel; a later one will).
          await withTimeout(client.set(keys.checkpoint(valid.key), bytes, 'EX', keep), 10_000);
        },
      });
      const trained = Date.now();
      // Stopped mid-run: back to the queue. A run that finished meanwhile is delivered instead (it takes a moment).
      if (stopping && !('outcome' in result)) return putBack(job, token, valid.key);
      if (tooBig) throw new (UnrecoverableError as Unrecoverable)(tooBig);
      if (!('outcome' in result)) {
        throw result.deterministic ? new (UnrecoverableError as Unrecoverable)(result.message) : new Error(result.message);
      }
      const files = readFiles(dir, RESULT_FILES);
      const meta = { ...runMeta(dir), worker: name, picked, trainStart, trained, stored: Date.now(), ...(resumedFrom !== undefined ? { resumedFrom } : {}) };
      const bytes = encodeBundle(meta, files);
      if (bytes.length > maxBytes) {
        throw new (UnrecoverableError as Unrecoverable)(
          `run ${valid.key}: its files are ${bytes.length} bytes, over the queue's cap of ${maxBytes} (--max-result-mb)`,
        );
      }
      // The result first, then the job completes: a job that is gone with no result was lost.
      await client.set(keys.result(valid.key), bytes, 'EX', keep);
      await client.eval(NOTIFY_WAITERS, 1, keys.waiters(valid.key), keys.notify(''), valid.key, keep);
      await client.del(keys.checkpoint(valid.key));
      summary.done += 1;
      emit({ type: 'done', key: valid.key, seconds: (trained - trainStart) / 1000, stateHash: result.outcome.stateHash });
      return { stateHash: result.outcome.stateHash, worker: name };
    } finally {
      idle.push(thread);
      rmSync(dir, { recursive: true, force: true });
    }
  };

  /** Stopping: the job goes back to the queue at once (not as a failure), for another worker to resume. */
  const putBack = async (job: Job, token: string | undefined, key: string): Promise<never> => {
    await job.moveToWait(token);
    emit({ type: 'returned', key });
    throw new WaitingError();
  };

  /** A checkpoint another worker left in Redis, written into `dir` so the run service resumes from it; the step, or undefined. */
  const restore = async (job: ValidJob, dir: string): Promise<number | undefined> => {
    resetOwnedRunFolder(dir);
    const bytes = await client.getBuffer(keys.checkpoint(job.key));
    if (bytes === null) return undefined;
    try {
      const bundle = decodeBundle(bytes, `the checkpoint of run ${job.key} in Redis`, { allowed: CHECKPOINT_FILES, required: CHECKPOINT_FILES, maxBytes });
      const { header } = decodeCheckpoint(bundle.files.get('checkpoint.bin')!, `the checkpoint of run ${job.key} in Redis`);
      if (header.configHash !== job.key) throw new BundleError(`the checkpoint of run ${job.key} in Redis belongs to run ${header.configHash}`);
      const runId = typeof bundle.meta.runId === 'string' && /^[\w-]{1,100}$/.test(bundle.meta.runId) ? bundle.meta.runId : readMarker(dir)!.runId;
      const created = typeof bundle.meta.created === 'string' && bundle.meta.created.length < 40 ? bundle.meta.created : new Date().toISOString();
      const marker: Marker = { evoprune: true, kind: 'run', runId, created, files: [...CHECKPOINT_FILES] };
      writeFileAtomic(join(dir, MARKER), JSON.stringify(marker, null, 2) + '\n');
      for (const file of CHECKPOINT_FILES) writeFileAtomic(join(dir, file), bundle.files.get(file)!);
      return header.progress.step;
    } catch (error) {
      // The run service would refuse it too: start over rather than fail.
      notice(`${(error as Error).message}; run ${job.key} starts over`);
      resetOwnedRunFolder(dir);
      return undefined;
    }
  };

  const lockMs = options.lockMs ?? DEFAULT_LOCK_MS;
  const worker: Worker = new BullWorker(queue, processor, {
    connection: client,
    prefix: KEY_PREFIX,
    name,
    concurrency,
    lockDuration: lockMs,
    stalledInterval: lockMs,
    // BullMQ fails a job once it has stalled more than this: a run whose worker died three times
    // fails rather than going round for ever.
    maxStalledCount: 2,
    autorun: false,
  });
  worker.on('error', (error: Error) => {
    if (!/Connection is closed|ECONNREFUSED|ECONNRESET|connection closed/i.test(error.message)) notice(error.message);
  });
  worker.on('failed', (job: Job | undefined, error: Error) => {
    if (!job || error.name === 'WaitingError') return;
    const final = error.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1);
    if (final) summary.failed += 1;
    emit({ type: 'failed', key: String(job.id).replace(/^run-/, ''), message: error.message, final });
  });
  emit({ type: 'ready', url: redactedUrl(options.queue.url), queue, name, concurrency, threads });
  const running = worker.run();
  try {
    await new Promise<void>((done) => {
      if (options.signal?.aborted) done();
      options.signal?.addEventListener('abort', () => done(), { once: true });
    });
    stopping = true;
    const closing = worker.close();
    // Runs in progress end now; their processors put the jobs back in the queue.
    await Promise.all(all.map((t) => t.stop()));
    await closing;
    await running;
  } finally {
    await Promise.all(all.map((t) => t.stop()));
    disconnectRedis(client);
  }
  return summary;
}

/** The run's id and start time, from its folder's marker. */
function runMeta(dir: string): { runId?: string; created?: string } {
  const marker = readMarker(dir);
  return marker ? { runId: marker.runId, created: marker.created } : {};
}

/** The named files of a run folder that exist, in order. */
function readFiles(dir: string, names: readonly string[]): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  for (const name of names) {
    try {
      files.set(name, readFileSync(join(dir, name)));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return files;
}
