// Sweeps through a queue, with real processes against a real redis-server: two coordinators and
// two workers give the same sweep folder as a local sweep, each run trained once; then the faults
// (a worker killed mid-run, a coordinator killed and restarted, Redis restarted, a job that fails
// for its configuration, forged jobs) and a server with a password or TLS.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as aq from 'arquero';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonical, decodeCheckpoint, planSweep, readSweepSpec, runQueuedSweep, runQueueWorker, runSweep } from '../../src/index.js';
import { decodeBundle, CHECKPOINT_FILES } from '../../src/queue/bundle.js';
import { jobIdOf } from '../../src/queue/protocol.js';
import { tempDir, writeIdxDataset } from '../helpers/idx.js';
import { type CliProcess, eventually, startCli, startsByRun } from './processes.js';
import { type RedisServer, startRedis } from './redis.js';

/** Short locks, so that a dead worker's job is taken over in seconds, not a minute. */
const LOCK = { EVOPRUNE_QUEUE_LOCK_MS: '2000' };

const tiny = tempDir();
writeIdxDataset(tiny, 60, 4, 3);
// 20 steps per epoch: long enough to be killed between two checkpoints.
const longer = tempDir();
writeIdxDataset(longer, 200, 4, 3);

function sweepFile(name: string, fields: Record<string, unknown>): string {
  const file = join(tempDir(), `${name}.json`);
  writeFileSync(file, JSON.stringify({ name, prune: [0.25], ...fields }));
  return file;
}

const tinySweep = sweepFile('tiny', {
  base: { dataset: `idx:${tiny}`, hidden: [8], epochs: 2, batch: 10, lr: 0.1 },
  grid: { dynamic: ['none', 'replicator'] },
  seeds: [0, 1],
});

const read = (dir: string, name: string) => readFileSync(join(dir, name), 'utf8');

/** Everything two sweeps of one file must agree on: the files, every run's canonical view and model, the tables. */
function sweepView(out: string) {
  const keys = readdirSync(out).filter((f) => /^[0-9a-f]{16}$/.test(f));
  return {
    files: readdirSync(out).sort(),
    runs: Object.fromEntries(
      keys.map((key) => {
        const dir = join(out, key);
        return [
          key,
          {
            files: readdirSync(dir).sort(),
            view: canonical({
              summary: JSON.parse(read(dir, 'summary.json')),
              pruning: JSON.parse(read(dir, 'pruning.json')),
              metrics: aq.fromCSV(read(dir, 'metrics.csv')).objects(),
              telemetry: JSON.parse(read(dir, 'telemetry.json')),
              config: JSON.parse(read(dir, 'config.json')),
            }),
            model: createHash('sha256')
              .update(readFileSync(join(dir, 'model.bin')))
              .digest('hex'),
          },
        ];
      }),
    ),
    tables: ['results.csv', 'summary.csv', 'frontier.csv'].map((f) => read(out, f)),
  };
}

/** The same sweep, run locally (one run at a time), for reference. */
const localOuts = new Map<string, string>();
async function local(file: string): Promise<ReturnType<typeof sweepView>> {
  if (!localOuts.has(file)) {
    const out = tempDir();
    const result = await runSweep(readSweepSpec(file), { out, parallel: 1 });
    expect(result.failures).toEqual([]);
    localOuts.set(file, out);
  }
  return sweepView(localOuts.get(file)!);
}

let redis: RedisServer;
let workers: CliProcess[] = [];
/** Two workers on the default queue, shared by the tests that follow the first (started by whichever test needs them first). */
const sharedWorkers = () => {
  if (workers.length === 0) workers = [worker(['--name', 'w1']), worker(['--name', 'w2'])];
  return workers;
};
const started: { stop: () => Promise<unknown> }[] = [];

beforeAll(async () => {
  redis = await startRedis();
  started.push(redis);
});

afterAll(async () => {
  for (const p of [...workers, ...started].reverse()) await p.stop().catch(() => {});
});

const sweep = (file: string, out: string, args: string[] = [], env: Record<string, string> = {}) => {
  const p = startCli(['sweep', file, '--queue', redis.url, '--out', out, ...args], env);
  started.push(p);
  return p;
};
const worker = (args: string[] = [], env: Record<string, string> = {}, url = redis.url) => {
  const p = startCli(['worker', '--queue', url, ...args], { ...LOCK, ...env });
  started.push(p);
  return p;
};

describe('a sweep through a queue', () => {
  it('two coordinators, two workers: each run trained once, and both folders equal the local sweep’s', async () => {
    const [out1, out2] = [join(tempDir(), 'sweep'), join(tempDir(), 'sweep')];
    const c1 = sweep(tinySweep, out1, ['--json']);
    const c2 = sweep(tinySweep, out2);
    // Both have enqueued (the second found the first's jobs) before any worker starts.
    await c1.waitFor(/4 waiting/);
    await c2.waitFor(/4 waiting/);
    sharedWorkers();
    expect(await c1.exited, c1.stderr()).toBe(0);
    expect(await c2.exited, c2.stderr()).toBe(0);
    const starts = startsByRun(...workers.map((w) => w.stderr()));
    expect([...starts.values()], workers.map((w) => w.stderr()).join('\n')).toEqual([1, 1, 1, 1]);
    const reference = await local(tinySweep);
    expect(sweepView(out1)).toEqual(reference);
    expect(sweepView(out2)).toEqual(reference);
    const localTable = JSON.parse(readFileSync(join(localOuts.get(tinySweep)!, 'results.json'), 'utf8'));
    expect(JSON.parse(c1.stdout().trim().split('\n').pop()!)).toEqual(localTable);
    // Nothing is left in Redis: finished jobs are removed, results deleted once both coordinators have them.
    const client = new Redis(redis.port, '127.0.0.1');
    expect(await client.keys('bull:evoprune:evoprune:*')).toEqual([]);
    expect((await client.keys('bull:evoprune:[0-9a-f]*')).filter((k) => /:[0-9a-f]{16}$/.test(k))).toEqual([]);
    client.disconnect();
    // Enqueueing again: every run is finished in the folder, so nothing goes to the queue.
    const again = sweep(tinySweep, out1);
    expect(await again.exited, again.stderr()).toBe(0);
    expect(again.stderr()).toContain('runs 4/4 done (4 already finished)');
    expect([...startsByRun(...workers.map((w) => w.stderr())).values()]).toEqual([1, 1, 1, 1]);
  }, 180_000);

  it('a coordinator killed and restarted attaches to the queued jobs and re-runs nothing', async () => {
    const out = join(tempDir(), 'sweep');
    const marks = sharedWorkers().map((w) => w.stderr().length);
    const since = () => workers.map((w, i) => w.stderr().slice(marks[i]));
    // Killed (SIGKILL) right after it wrote the first run's summary.json, before its pruning.json.
    const killed = sweep(tinySweep, out, [], { EVOPRUNE_TEST_FAULT: 'after-write:summary.json' });
    expect(await killed.exited).toBe('SIGKILL');
    // The workers finish the other runs meanwhile: their results wait in Redis.
    await eventually(
      'every run is trained',
      () =>
        since()
          .join('')
          .match(/^run [0-9a-f]{16} done/gm)?.length === 4,
    );
    const restarted = sweep(tinySweep, out);
    expect(await restarted.exited, restarted.stderr()).toBe(0);
    expect([...startsByRun(...since()).values()]).toEqual([1, 1, 1, 1]);
    expect(sweepView(out)).toEqual(await local(tinySweep));
  }, 180_000);

  it('a run that fails for its configuration fails once, recorded; the other runs finish; once the data is there, the next sweep trains it', async () => {
    const missing = join(tempDir(), 'arrives-later');
    const file = sweepFile('broken', {
      base: { dataset: `idx:${tiny}`, hidden: [8], epochs: 2, batch: 10, lr: 0.1 },
      list: [{}, { dataset: `idx:${missing}` }],
      seeds: [0],
    });
    const plan = planSweep(readSweepSpec(file));
    const broken = plan.runs[1]!.key;
    const marks = sharedWorkers().map((w) => w.stderr().length);
    const out = join(tempDir(), 'sweep');
    const c = sweep(file, out);
    expect(await c.exited).toBe(1);
    expect(c.stderr()).toContain(`run ${broken} (list[1], seed 0) failed: dataset idx:${missing}: folder ${missing} does not exist (after 1 try)`);
    expect(JSON.parse(read(join(out, broken), 'error.json')).message).toContain(`folder ${missing} does not exist`);
    expect(existsSync(join(out, plan.runs[0]!.key, 'summary.json'))).toBe(true);
    const logs = workers.map((w, i) => w.stderr().slice(marks[i])).join('');
    expect(startsByRun(logs).get(broken)).toBe(1);
    expect(logs).not.toContain('will be tried again');
    // The data arrives; the same command tries the failed run again, into the folder holding its error.json.
    cpSync(tiny, missing, { recursive: true });
    const again = sweep(file, out);
    expect(await again.exited, again.stderr()).toBe(0);
    expect(existsSync(join(out, broken, 'summary.json'))).toBe(true);
    expect(existsSync(join(out, broken, 'error.json'))).toBe(false);
  }, 180_000);

  it('a run queued by another sweep that prunes it at other fractions is refused, by name; Ctrl-C leaves the queue as it is', async () => {
    const base = { dataset: `idx:${tiny}`, hidden: [8], epochs: 2, batch: 10, lr: 0.1 };
    const first = sweep(sweepFile('first', { base, seeds: [5], prune: [0.25] }), join(tempDir(), 'sweep'), ['--queue-name', 'conflict']);
    await first.waitFor(/1 waiting/);
    const second = sweep(sweepFile('second', { base, seeds: [5], prune: [0.5] }), join(tempDir(), 'sweep'), ['--queue-name', 'conflict']);
    expect(await second.exited).toBe(1);
    expect(second.stderr()).toContain('is already in queue "conflict" for another sweep that prunes it at [0.25], not [0.5]');
    first.child.kill('SIGINT');
    expect(await first.exited).toBe(130);
    expect(first.stderr()).toContain('stopped following the queue: 1 runs left (the workers go on); run the same command again to collect them');
  }, 60_000);

  it('a worker runs nothing from the queue but a valid configuration whose hash is the job id', async () => {
    const connection = new Redis(redis.port, '127.0.0.1', { maxRetriesPerRequest: null });
    const queue = new Queue('evoprune', { connection });
    const marks = sharedWorkers().map((w) => w.stderr().length);
    const valid = planSweep(readSweepSpec(tinySweep)).runs[0]!;
    const forged = [
      ['run-0123456789abcdef', { config: valid.config, fractions: [], origin: 'forged', sweep: 'x' }],
      // A run key of decimal digits only (about one in 2,000): BullMQ refuses integer-like ids, not this one.
      [jobIdOf('1234567890123456'), { config: valid.config, fractions: [], origin: 'forged', sweep: 'x' }],
      ['run-fedcba9876543210', { config: { ...valid.config, shell: 'touch /tmp/pwned' }, fractions: [], origin: 'forged', sweep: 'x' }],
      ['run-00000000000000ff', { config: valid.config, fractions: [], origin: 'x'.repeat(70_000), sweep: 'x' }],
    ] as const;
    for (const [id, data] of forged) await queue.add('run', data, { jobId: id, attempts: 5 });
    await eventually('the forged jobs have failed', async () => (await Promise.all(forged.map(([id]) => queue.getJobState(id)))).every((s) => s === 'failed'));
    for (const [id] of forged) expect((await queue.getJob(id))!.attemptsMade).toBe(1);
    // A job is failed in Redis a moment before its worker's log line reaches this process.
    const logsNow = () => workers.map((w, i) => w.stderr().slice(marks[i])).join('');
    await eventually('the workers have said why', () => logsNow().includes('over the limit of 65536') && logsNow().includes('unknown field "shell"'));
    const logs = logsNow();
    expect(logs).toContain(`its configuration hashes to ${valid.key}, not to its id; refused`);
    expect(logs).toContain('unknown field "shell"');
    expect(logs).toContain('over the limit of 65536');
    expect(logs).not.toMatch(/started/);
    await queue.close();
    connection.disconnect();
  }, 60_000);
});

describe('a worker killed mid-run (SIGKILL)', () => {
  const run = (seed: number) =>
    sweepFile(`killed-${seed}`, { base: { dataset: `idx:${longer}`, hidden: [8], epochs: 3, batch: 10, lr: 0.1 }, seeds: [seed], prune: [0.25] });

  it.each([
    ['step:27', 'after its checkpoint of step 20 travelled: another worker resumes from it', 20],
    ['step:5', 'before its first checkpoint: another worker starts the run over', undefined],
  ])(
    'killed at %s, %s; the same bits as a local run',
    async (fault, _what, resumedFrom) => {
      const file = run(fault === 'step:27' ? 0 : 1);
      const key = planSweep(readSweepSpec(file)).runs[0]!.key;
      const out = join(tempDir(), 'sweep');
      const name = `faults-${fault.replace(':', '')}`;
      const c = sweep(file, out, ['--queue-name', name]);
      const doomed = worker(['--queue-name', name, '--name', 'doomed'], { EVOPRUNE_TEST_FAULT: fault });
      expect(await doomed.exited, doomed.stderr()).toBe('SIGKILL');
      const client = new Redis(redis.port, '127.0.0.1');
      const travelled = await client.getBuffer(`bull:${name}:evoprune:checkpoint:${key}`);
      client.disconnect();
      if (resumedFrom === undefined) expect(travelled).toBeNull();
      else {
        const bundle = decodeBundle(travelled!, 'checkpoint', { allowed: CHECKPOINT_FILES, maxBytes: 1 << 30 });
        expect(decodeCheckpoint(bundle.files.get('checkpoint.bin')!, 'checkpoint').header.progress.step).toBe(resumedFrom);
      }
      // Another worker takes the job once the dead one's lock has expired.
      const rescuer = worker(['--queue-name', name, '--name', 'rescuer']);
      expect(await c.exited, c.stderr()).toBe(0);
      const line = rescuer.stderr().match(new RegExp(`^run ${key} .*started.*$`, 'm'))?.[0];
      expect(line, rescuer.stderr()).toBeDefined();
      if (resumedFrom === undefined) expect(line).not.toContain('resumed');
      else expect(line).toContain(`resumed from step ${resumedFrom}`);
      expect(sweepView(out)).toEqual(await local(file));
      await rescuer.stop();
    },
    180_000,
  );
});

describe('a worker stopped (SIGTERM, Ctrl-C) mid-run', () => {
  it('puts its run back in the queue at once; another worker resumes it from the checkpoint it left', async () => {
    const images = tempDir();
    writeIdxDataset(images, 1000, 28, 3);
    // 100 steps per epoch, 16 epochs: seconds of training, a checkpoint at every epoch end.
    const file = sweepFile('stopped', { base: { dataset: `idx:${images}`, hidden: [128], epochs: 16, batch: 10, lr: 0.05 }, seeds: [0] });
    const key = planSweep(readSweepSpec(file)).runs[0]!.key;
    const out = join(tempDir(), 'sweep');
    const c = sweep(file, out, ['--queue-name', 'stopped']);
    const first = worker(['--queue-name', 'stopped', '--name', 'first']);
    const client = new Redis(redis.port, '127.0.0.1');
    await eventually('a checkpoint has travelled', async () => (await client.exists(`bull:stopped:evoprune:checkpoint:${key}`)) === 1);
    expect(await first.stop()).toBe(0);
    expect(first.stderr()).toContain(`run ${key} went back to the queue`);
    const queue = new Queue('stopped', { connection: client });
    expect(await queue.getJobState(jobIdOf(key))).toBe('waiting');
    expect((await queue.getJob(jobIdOf(key)))!.attemptsMade).toBe(0);
    await queue.close();
    client.disconnect();
    const second = worker(['--queue-name', 'stopped', '--name', 'second']);
    expect(await c.exited, c.stderr()).toBe(0);
    expect(second.stderr()).toMatch(new RegExp(`^run ${key} .*started, resumed from step [1-9]\\d*00$`, 'm'));
    expect(sweepView(out)).toEqual(await local(file));
    await second.stop();
  }, 180_000);
});

describe('Redis restarted mid-sweep (without persistence: its queue is gone)', () => {
  it('the workers and the coordinator reconnect; lost jobs are enqueued again; the sweep equals the local one', async () => {
    const own = await startRedis();
    started.push(own);
    const file = sweepFile('restart', {
      base: { dataset: `idx:${longer}`, hidden: [8], epochs: 3, batch: 10, lr: 0.1 },
      grid: { dynamic: ['none', 'replicator'] },
      seeds: [0, 1],
    });
    const out = join(tempDir(), 'sweep');
    const w = worker([], {}, own.url);
    const c = startCli(['sweep', file, '--queue', own.url, '--out', out]);
    started.push(c);
    await w.waitFor(/^run [0-9a-f]{16} .*started/m);
    await own.restart();
    expect(await c.exited, c.stderr()).toBe(0);
    expect(c.stderr()).toMatch(/queue: connected to redis:\/\/127\.0\.0\.1:\d+ again/);
    expect(w.stderr()).toMatch(/queue: connected to redis:\/\/127\.0\.0\.1:\d+ again/);
    expect(sweepView(out)).toEqual(await local(file));
    await w.stop();
  }, 180_000);
});

describe('a server with a password, or TLS only', () => {
  const quick = sweepFile('secure', { base: { dataset: `idx:${tiny}`, hidden: [8], epochs: 1, batch: 10, lr: 0.1 }, seeds: [0] });

  async function sweepWith(url: string, ca?: string) {
    const controller = new AbortController();
    const working = runQueueWorker({ queue: { url, ca }, signal: controller.signal, lockMs: 2000 });
    try {
      return await runQueuedSweep(readSweepSpec(quick), { out: join(tempDir(), 'sweep'), queue: { url, ca } });
    } finally {
      controller.abort();
      await working;
    }
  }

  it('works with the password in the URL or in EVOPRUNE_REDIS_PASSWORD; a wrong one is refused without showing it', async () => {
    const secured = await startRedis({ password: 'hunter2' });
    started.push(secured);
    expect((await sweepWith(secured.url)).outcomes).toHaveLength(1);
    const bare = secured.url.replace(':hunter2@', '');
    process.env.EVOPRUNE_REDIS_PASSWORD = 'hunter2';
    try {
      expect((await sweepWith(bare)).outcomes).toHaveLength(1);
    } finally {
      delete process.env.EVOPRUNE_REDIS_PASSWORD;
    }
    const wrong = secured.url.replace('hunter2', 'letmein');
    const error = await runQueuedSweep(readSweepSpec(quick), { out: join(tempDir(), 'sweep'), queue: { url: wrong } }).catch((e: Error) => e);
    expect(String(error)).toMatch(/cannot use redis:\/\/:\*\*\*@127\.0\.0\.1:\d+: WRONGPASS/);
    expect(String(error)).not.toContain('letmein');
    const none = await runQueuedSweep(readSweepSpec(quick), { out: join(tempDir(), 'sweep'), queue: { url: bare } }).catch((e: Error) => e);
    expect(String(error)).toMatch(/WRONGPASS|NOAUTH/);
    expect(String(none)).toMatch(/NOAUTH/);
  }, 120_000);

  it('works over TLS (rediss://) with the server’s CA; without it the certificate is refused', async () => {
    const tls = await startRedis({ tls: true });
    started.push(tls);
    expect((await sweepWith(tls.url, tls.ca)).outcomes).toHaveLength(1);
    const error = await runQueuedSweep(readSweepSpec(quick), { out: join(tempDir(), 'sweep'), queue: { url: tls.url } }).catch((e: Error) => e);
    expect(String(error)).toMatch(/cannot use rediss:\/\/127\.0\.0\.1:\d+: .*certificate/);
  }, 120_000);
});
