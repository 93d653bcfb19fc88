// The coordinator of a queued sweep (`evoprune sweep FILE --queue URL`): enqueues each
// unfinished run as a BullMQ job whose id is the run's key (the hash of its configuration),
// follows the jobs, and writes each run's files, sent back through Redis, into the same sweep
// folder a local sweep writes. Killed and started again, it attaches to the jobs already queued.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { ConfigError, resolveTrainConfig } from '../config/schema.js';
import { MARKER, type Marker, recordOwned, resetOwnedRunFolder, RunFolder, RunFolderError, writeOwned } from '../run/folder.js';
import type { TrainProgress } from '../train/loop.js';
import { writeFileAtomic } from '../util/atomic.js';
import { readOutcome, type RunOutcome } from '../sweep/execute.js';
import { configKey, planSweep, type PlannedRun, type SweepPlan, type SweepSpec } from '../sweep/plan.js';
import { finishSweep, startSweep, type SweepResult, type SweepStatus } from '../sweep/sweep.js';
import { BundleError, DEFAULT_MAX_RESULT_BYTES, decodeBundle, RESULT_FILES, type Bundle } from './bundle.js';
import { connectRedis, disconnectRedis, KEY_PREFIX, loadBullmq, queueKeys, queueName, type QueueConnection, type QueueNotice } from './connection.js';
import { DEFAULT_KEEP_SECONDS, JOB_NAME, jobIdOf, type JobData, printable } from './protocol.js';

export interface QueuedSweepStatus extends SweepStatus {
  /** Runs in the queue that no worker has taken yet. */
  waiting: number;
  /** The worker training each running run (by run key). */
  workers: Map<string, string>;
}

export interface QueuedSweepOptions {
  /** The sweep folder (the same as a local sweep's). */
  out: string;
  queue: QueueConnection;
  /** Train finished runs again too. */
  fresh?: boolean;
  onStatus?: (status: QueuedSweepStatus) => void;
  /** Lost and regained connections, runs enqueued again. */
  onNotice?: QueueNotice;
  /** Stops following the queue (the queued runs go on on the workers; the same command later collects them). */
  signal?: AbortSignal;
  /** Cap on one run's files read back from Redis (default 256 MiB). */
  maxResultBytes?: number;
  /** How long a result stays in Redis if its coordinator never collects it (seconds, default 7 days). */
  keepSeconds?: number;
  /** Longest wait between two looks at the queue, in ms (default 1000; a finished run is noticed at once). */
  lookMs?: number;
}

/** When one run went through the queue (ms since the epoch; the worker's times by its clock). */
export interface QueuedRunTiming {
  key: string;
  /** Enqueued, or found already queued, by this coordinator. */
  enqueued: number;
  /** Its files written into the sweep folder. */
  written: number;
  worker?: string;
  /** Taken by the worker. */
  picked?: number;
  /** Training started and ended on the worker's thread. */
  trainStart?: number;
  trained?: number;
  /** The files put into Redis. */
  stored?: number;
  /** The step a worker resumed it from (a checkpoint another worker left). */
  resumedFrom?: number;
}

export interface QueuedSweepResult extends SweepResult {
  timings: QueuedRunTiming[];
}

/** How each job is queued: no more than three tries for a run that fails for no reason of its own; finished jobs leave Redis at once. */
export function jobOptions(keepSeconds: number) {
  return {
    attempts: 3,
    backoff: { type: 'exponential', delay: 5_000 },
    removeOnComplete: true,
    removeOnFail: { age: keepSeconds },
  };
}

/** Removes this coordinator from a result's waiters and deletes the result once nobody waits for it. */
const RELEASE = `redis.call('SREM', KEYS[1], ARGV[1])
if redis.call('SCARD', KEYS[1]) == 0 then redis.call('DEL', KEYS[1], KEYS[2]) end
return 1`;

const sameFractions = (a: unknown, b: readonly number[]) => Array.isArray(a) && a.length === b.length && a.every((x, i) => x === b[i]);

/** Whether an error came from talking to Redis (waited out: the connection comes back) rather than from our own disk or data. */
const isConnectionError = (error: unknown) =>
  error instanceof Error &&
  (/Connection is closed|ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|LOADING|MISCONF|Stream isn't writeable|connection closed/i.test(error.message) ||
    error.name === 'MaxRetriesPerRequestError');

/**
 * Runs a sweep through a queue. Every unfinished run is enqueued once, as a job whose id is its
 * key: enqueueing again (a second coordinator, a restarted one) attaches to the job already
 * there. A run's files come back through Redis and are written into `out/<key>/` (each file
 * atomically, summary.json and pruning.json last, so a run counts as finished only once all of
 * it is on disk); then the sweep's tables, exactly as a local sweep writes them.
 */
export async function runQueuedSweep(spec: SweepSpec, options: QueuedSweepOptions, plan: SweepPlan = planSweep(spec)): Promise<QueuedSweepResult> {
  const { Queue } = await loadBullmq();
  const name = queueName(options.queue);
  const folder = await RunFolder.open(options.out, { kind: 'sweep', resume: true });
  let client: Redis | undefined;
  let listener: Redis | undefined;
  let queue: Queue | undefined;
  const stop = () => listener && disconnectRedis(listener);
  try {
    client = await connectRedis(options.queue, options.onNotice);
    // A second connection blocks until a worker says a result has arrived.
    listener = client.duplicate();
    listener.on('error', () => {});
    options.signal?.addEventListener('abort', stop, { once: true });
    queue = new Queue(name, { connection: client, prefix: KEY_PREFIX });
    // Connection trouble is reported once by the client's notice; BullMQ repeats it as events.
    queue.on('error', () => {});
    return await new Coordinator(spec, plan, folder, options, client, listener, queue, name).run();
  } finally {
    options.signal?.removeEventListener('abort', stop);
    await queue?.close().catch(() => {});
    if (listener) disconnectRedis(listener);
    if (client) disconnectRedis(client);
    await folder.close();
  }
}

class Coordinator {
  private readonly keys;
  private readonly waiter: string;
  private readonly pending = new Map<string, PlannedRun>();
  private readonly outcomes: RunOutcome[] = [];
  private readonly failures: SweepResult['failures'] = [];
  private readonly timings: QueuedRunTiming[] = [];
  private readonly enqueued = new Map<string, number>();
  /** Results written into the folder whose release in Redis failed (a lost connection): released later. */
  private readonly unreleased = new Set<string>();
  private readonly status: QueuedSweepStatus;
  private readonly keep: number;
  private readonly maxBytes: number;

  constructor(
    private readonly spec: SweepSpec,
    private readonly plan: SweepPlan,
    private readonly folder: RunFolder,
    private readonly options: QueuedSweepOptions,
    private readonly client: Redis,
    private readonly listener: Redis,
    private readonly queue: Queue,
    queueName: string,
  ) {
    this.keys = queueKeys(queueName);
    // The same sweep folder is the same waiter, restarted or not, on this machine or another (its
    // marker's id: a new container's hostname or another mount path would leave results unreleased).
    this.waiter = createHash('sha256').update(`evoprune-sweep\0${folder.runId}`).digest('hex').slice(0, 16);
    this.keep = options.keepSeconds ?? DEFAULT_KEEP_SECONDS;
    this.maxBytes = options.maxResultBytes ?? DEFAULT_MAX_RESULT_BYTES;
    this.status = { total: plan.runs.length, done: 0, failed: 0, skipped: 0, running: new Map(), waiting: 0, workers: new Map() };
  }

  private notice(message: string): void {
    this.options.onNotice?.(message);
  }

  private report(): void {
    this.status.waiting = this.pending.size - this.status.running.size;
    this.options.onStatus?.(this.status);
  }

  async run(): Promise<QueuedSweepResult> {
    const { outcomes, todo } = startSweep(this.spec, this.plan, this.folder, this.options.fresh === true);
    this.outcomes.push(...outcomes);
    // Written before a crash but perhaps not yet released in Redis: release them now (a no-op when they were).
    for (const outcome of outcomes) this.unreleased.add(outcome.key);
    this.status.done = this.status.skipped = outcomes.length;
    for (const run of todo) this.pending.set(run.key, run);
    recordOwned(this.options.out, ...todo.map((r) => r.key));
    // A few at a time: each is a handful of round trips.
    for (let i = 0; i < todo.length; i += 32) await Promise.all(todo.slice(i, i + 32).map((run) => this.enqueue(run, this.options.fresh === true)));
    this.report();
    const signal = this.options.signal;
    const lookMs = this.options.lookMs ?? 1000;
    let lastLook = 0;
    while (this.pending.size > 0 && !signal?.aborted) {
      try {
        for (const key of this.unreleased) await this.release(key);
        await this.collectFinished();
        if (Date.now() - lastLook >= lookMs && this.pending.size > 0) {
          lastLook = Date.now();
          await this.look();
        }
        // Until a worker says a result is there, or the next look is due.
        if (this.pending.size > 0 && !signal?.aborted) await this.listener.blpop(this.keys.notify(this.waiter), Math.max(1, Math.round(lookMs / 1000)));
      } catch (error) {
        // Redis went away: the client reconnects (and has said so); look again then.
        if (!isConnectionError(error)) throw error;
        if (!signal?.aborted) await new Promise((r) => setTimeout(r, 200));
      }
    }
    // Best effort, and never a hang on the way out if Redis is away: the releases still owed,
    // and the wake-ups nobody will read (the list is this folder's own).
    const tidy = async () => {
      for (const key of this.unreleased) await this.release(key);
      await this.client.del(this.keys.notify(this.waiter));
    };
    await Promise.race([tidy().catch(() => {}), new Promise((r) => setTimeout(r, 2000))]);
    const result = finishSweep(this.spec, this.plan, this.options.out, this.outcomes, this.failures);
    const order = new Map(this.plan.runs.map((r, i) => [r.key, i]));
    this.timings.sort((a, b) => order.get(a.key)! - order.get(b.key)!);
    return { ...result, timings: this.timings };
  }

  private jobData(run: PlannedRun): JobData {
    return { config: run.config as unknown as Record<string, unknown>, fractions: this.spec.prune, origin: run.origin, sweep: this.spec.name };
  }

  /**
   * Puts one run in the queue, unless its result is already in Redis or its job is already
   * queued (by us before a restart, or by another coordinator): then it is followed as it is.
   */
  private async enqueue(run: PlannedRun, fresh: boolean): Promise<void> {
    const { key } = run;
    await this.client.multi().sadd(this.keys.waiters(key), this.waiter).expire(this.keys.waiters(key), this.keep).exec();
    if (fresh) await this.client.del(this.keys.result(key));
    if (!this.enqueued.has(key)) this.enqueued.set(key, Date.now());
    if ((await this.client.exists(this.keys.result(key))) === 1) return;
    const existing = await this.queue.getJob(jobIdOf(key));
    if (existing) {
      const state = await existing.getState();
      if (state === 'failed' || state === 'completed') {
        // Failed before (tried again, as a local sweep re-does failed runs), or finished but its result is gone.
        await existing.remove().catch(() => {});
      } else if (!sameFractions((existing.data as Partial<JobData> | undefined)?.fractions, this.spec.prune)) {
        this.fail(
          run,
          `run ${key} is already in queue "${this.queue.name}" for another sweep that prunes it at ${JSON.stringify((existing.data as Partial<JobData>)?.fractions)}, not ${JSON.stringify(this.spec.prune)}; run this sweep again once that one has finished, or use another --queue-name`,
        );
        return;
      } else return;
    }
    await this.queue.add(JOB_NAME, this.jobData(run), { jobId: jobIdOf(key), ...jobOptions(this.keep) });
  }

  /** Collects every run whose result is in Redis. */
  private async collectFinished(): Promise<void> {
    const keys = [...this.pending.keys()];
    if (keys.length === 0) return;
    const pipeline = this.client.pipeline();
    for (const key of keys) pipeline.exists(this.keys.result(key));
    const replies = (await pipeline.exec()) ?? [];
    for (const [i, key] of keys.entries()) {
      const [error, exists] = replies[i] ?? [];
      if (error) throw error;
      if (exists === 1) await this.collect(this.pending.get(key)!);
    }
  }

  /** Reads one run's files from Redis, checks them and writes them into the sweep folder; then lets Redis forget them. */
  private async collect(run: PlannedRun): Promise<void> {
    const { key } = run;
    const resultKey = this.keys.result(key);
    const size = await this.client.strlen(resultKey);
    let bundle: Bundle;
    try {
      if (size > this.maxBytes) throw new BundleError(`the result of run ${key} in Redis is ${size} bytes, over the cap of ${this.maxBytes} (--max-result-mb)`);
      const bytes = await this.client.getBuffer(resultKey);
      if (bytes === null) return;
      bundle = decodeBundle(bytes, `the result of run ${key} in Redis`, {
        allowed: RESULT_FILES,
        required: RESULT_FILES.filter((f) => f !== 'checkpoint.bin'),
        maxBytes: this.maxBytes,
      });
      checkResult(run, bundle);
      const pruned = prunedAt(bundle, key);
      if (!sameFractions(pruned, this.spec.prune)) {
        // Another sweep's run (same configuration, other fractions): its result is not ours to delete.
        this.fail(
          run,
          `the result of run ${key} in Redis was pruned at ${JSON.stringify(pruned)} for another sweep, not at ${JSON.stringify(this.spec.prune)}; run this sweep again once that one has collected it, or use another --queue-name`,
        );
        await this.client.eval(RELEASE, 2, this.keys.waiters(key), resultKey, this.waiter);
        return;
      }
    } catch (error) {
      if (!(error instanceof BundleError || error instanceof ConfigError)) throw error;
      // Nothing usable: forget it, so that the next sweep trains the run again.
      this.fail(run, error.message);
      await this.client.del(resultKey);
      return;
    }
    const dir = join(this.options.out, key);
    try {
      writeRunFiles(dir, bundle);
    } catch (error) {
      // A folder this sweep may not replace (files evoprune did not write): the run fails, the sweep goes on.
      if (!(error instanceof RunFolderError)) throw error;
      this.fail(run, error.message);
      return;
    }
    let outcome: RunOutcome;
    try {
      outcome = readOutcome(dir, run);
    } catch (error) {
      this.fail(run, `the result of run ${key} in Redis: ${(error as Error).message}`);
      await this.client.del(resultKey);
      return;
    }
    this.pending.delete(key);
    this.status.running.delete(key);
    this.status.workers.delete(key);
    this.outcomes.push(outcome);
    this.status.done += 1;
    const meta = bundle.meta;
    const time = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
    this.timings.push({
      key,
      enqueued: this.enqueued.get(key) ?? Date.now(),
      written: Date.now(),
      worker: typeof meta.worker === 'string' ? printable(meta.worker) : undefined,
      picked: time(meta.picked),
      trainStart: time(meta.trainStart),
      trained: time(meta.trained),
      stored: time(meta.stored),
      resumedFrom: time(meta.resumedFrom),
    });
    this.unreleased.add(key);
    this.report();
    await this.release(key);
  }

  /** Lets Redis forget a result once every coordinator waiting for it has it. */
  private async release(key: string): Promise<void> {
    await this.client.eval(RELEASE, 2, this.keys.waiters(key), this.keys.result(key), this.waiter);
    this.unreleased.delete(key);
  }

  /** A run that failed: recorded in the result and in error.json, as a local sweep does. */
  private fail(run: PlannedRun, message: string): void {
    if (!this.pending.delete(run.key)) return;
    this.status.running.delete(run.key);
    this.status.workers.delete(run.key);
    this.failures.push({ key: run.key, origin: run.origin, message });
    const dir = join(this.options.out, run.key);
    try {
      // The folder gets the sweep's marker first, as a local run's has, so that the next sweep may replace it.
      if (!existsSync(join(dir, MARKER))) resetOwnedRunFolder(dir);
      writeOwned(dir, 'error.json', JSON.stringify({ message }, null, 2) + '\n');
    } catch (error) {
      if (!(error instanceof RunFolderError)) throw error;
      this.notice(`run ${run.key}: error.json not written: ${error.message}`);
    }
    this.status.failed += 1;
    this.report();
  }

  /**
   * Which runs are being trained and by whom, which failed for good, and which are no longer in
   * the queue at all (a Redis restarted without persistence): those are enqueued again.
   */
  private async look(): Promise<void> {
    const active = (await this.queue.getActive()) as Job[];
    this.status.running.clear();
    this.status.workers.clear();
    for (const job of active) {
      const key = job.id?.replace(/^run-/, '');
      if (key === undefined || !this.pending.has(key)) continue;
      const progress = typeof job.progress === 'object' && job.progress !== null ? (job.progress as unknown as TrainProgress) : undefined;
      this.status.running.set(key, progress);
      if (job.processedBy) this.status.workers.set(key, printable(job.processedBy));
    }
    const others = [...this.pending.keys()].filter((key) => !this.status.running.has(key));
    const states = await Promise.all(others.map((key) => this.queue.getJobState(jobIdOf(key))));
    for (const [i, key] of others.entries()) {
      const state = states[i];
      const run = this.pending.get(key);
      if (!run || (state !== 'failed' && state !== 'unknown' && state !== 'completed')) continue;
      // A worker puts the result in Redis before it completes the job: a job gone with no result is lost.
      if ((await this.client.exists(this.keys.result(key))) === 1) continue;
      if (state === 'failed') {
        const job = await this.queue.getJob(jobIdOf(key));
        const tries = job ? ` (after ${job.attemptsMade} ${job.attemptsMade === 1 ? 'try' : 'tries'})` : '';
        this.fail(run, `${printable(job?.failedReason ?? 'failed in the queue')}${tries}`);
        continue;
      }
      this.notice(`run ${key} was no longer in the queue (Redis restarted without its data?): enqueued it again`);
      if (state === 'completed') await (await this.queue.getJob(jobIdOf(key)))?.remove().catch(() => {});
      await this.enqueue(run, false);
    }
    this.report();
  }
}

/** A result's configuration must be the run's own (its hash is the run key). */
function checkResult(run: PlannedRun, bundle: Bundle): void {
  const text = new TextDecoder().decode(bundle.files.get('config.json')!);
  let key: string;
  try {
    key = configKey(resolveTrainConfig(JSON.parse(text)));
  } catch (error) {
    throw new BundleError(`the result of run ${run.key} in Redis: its config.json is not a valid configuration (${(error as Error).message})`);
  }
  if (key !== run.key) throw new BundleError(`the result of run ${run.key} in Redis holds the configuration of run ${key}`);
}

/** The hard-pruning fractions a result's pruning.json holds. */
function prunedAt(bundle: Bundle, key: string): unknown[] {
  try {
    const pruning = JSON.parse(new TextDecoder().decode(bundle.files.get('pruning.json')!)) as { fraction?: unknown }[];
    return Array.isArray(pruning) ? pruning.map((p) => p?.fraction) : [];
  } catch {
    throw new BundleError(`the result of run ${key} in Redis: its pruning.json is not valid JSON`);
  }
}

/**
 * Writes a run's files into `dir`, replacing whatever an interrupted local run left there: the
 * marker with the run's id first, then each file atomically in the order the run service writes
 * them, summary.json and pruning.json last.
 */
function writeRunFiles(dir: string, bundle: Bundle): void {
  resetOwnedRunFolder(dir);
  const runId = typeof bundle.meta.runId === 'string' && /^[\w-]{1,100}$/.test(bundle.meta.runId) ? bundle.meta.runId : undefined;
  if (runId !== undefined) {
    const created = typeof bundle.meta.created === 'string' && bundle.meta.created.length < 40 ? bundle.meta.created : new Date().toISOString();
    const marker: Marker = { evoprune: true, kind: 'run', runId, created, files: [] };
    writeFileAtomic(join(dir, MARKER), JSON.stringify(marker, null, 2) + '\n');
  }
  for (const name of RESULT_FILES) {
    const bytes = bundle.files.get(name);
    if (bytes) writeOwned(dir, name, bytes);
  }
}
