/**
 * Queue: the same 8 short runs (MNIST, 784-512-256-10, 2 epochs of 20 000 images, 8 seeds) as a
 * local sweep on 2 worker threads (`sweep --parallel 2 --threads 1`), and through a queue on a
 * redis-server started here, with 1 worker process (`worker --concurrency 2 --threads 1`) and with
 * 2 worker processes (`worker --threads 1` each), interleaved round by round (these hosts are
 * noisy). Reports each wall time, queued ÷ local throughput (target ≥ 0.9) and the queue's
 * overhead per run: the time from enqueue to the run's files written in the sweep folder that is
 * not training (dispatch, checks, uploads, polling, atomic writes), on runs no lane was busy for.
 *
 *   npm run bench:queue [-- --rounds R]     (--smoke: 2 tiny runs, 1 round, for CI)
 *
 * Needs redis-server (bash scripts/setup-redis.sh).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeIdx, readSweepSpec, runQueuedSweep, runSweep, type QueuedRunTiming } from '../src/index.js';
import { startRedis } from '../test/queue/redis.js';
import { flag, interleaved, median, ratios, smoke, spread } from './bench-util.js';

const rounds = flag('rounds', 3, 1);
const root = fileURLToPath(new URL('..', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'evoprune-bench-queue-'));

function sweepFile(): string {
  let base: Record<string, unknown> = { hidden: [512, 256], epochs: 2, trainLimit: 20_000, testLimit: 2_000, dynamic: 'exponential', eta: 0.04 };
  let seeds = [0, 1, 2, 3, 4, 5, 6, 7];
  if (smoke) {
    // A tiny dataset of its own: the smoke run proves the bench works, not how fast.
    const data = join(scratch, 'data');
    spawnSync('mkdir', ['-p', data]);
    for (const [prefix, n] of [
      ['train', 60],
      ['t10k', 30],
    ] as const) {
      const labels = Uint8Array.from({ length: n }, (_, i) => i % 3);
      const images = Uint8Array.from({ length: n * 16 }, (_, i) => (labels[Math.floor(i / 16)]! * 4 === i % 16 ? 220 : (i * 37) % 60));
      writeFileSync(join(data, `${prefix}-images-idx3-ubyte`), encodeIdx([n, 4, 4], images));
      writeFileSync(join(data, `${prefix}-labels-idx1-ubyte`), encodeIdx([n], labels));
    }
    base = { dataset: `idx:${data}`, hidden: [8], epochs: 2, batch: 10, lr: 0.1 };
    seeds = [0, 1];
  }
  const file = join(scratch, 'bench.json');
  writeFileSync(file, JSON.stringify({ name: 'bench-queue', base, seeds, prune: [0.5] }));
  return file;
}

async function waitUntil(what: string, ok: () => boolean | Promise<boolean>): Promise<void> {
  const end = Date.now() + 60_000;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`bench:queue: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** `evoprune worker` from source on queue `name`, once it says it is ready. */
async function startWorker(url: string, name: string, args: string[]): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), 'worker', '--queue', url, '--queue-name', name, ...args], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  await waitUntil('a worker', () => {
    if (child.exitCode !== null) throw new Error(`bench:queue: the worker exited: ${err}`);
    return err.includes('taking runs');
  });
  return child;
}

/**
 * The queue's share of a run's time from enqueue to its files written, less its training, on the
 * runs a worker took at once (the first `lanes` of each worker: no wait for a free lane in them).
 */
function overheadPerRun(timings: QueuedRunTiming[], lanes: number): number[] {
  const byWorker = new Map<string, QueuedRunTiming[]>();
  for (const t of timings) byWorker.set(t.worker ?? '?', [...(byWorker.get(t.worker ?? '?') ?? []), t]);
  return [...byWorker.values()].flatMap((runs) =>
    runs
      .sort((a, b) => a.picked! - b.picked!)
      .slice(0, lanes)
      .map((t) => t.written - t.enqueued - (t.trained! - t.trainStart!)),
  );
}

async function main(): Promise<void> {
  const file = sweepFile();
  const spec = readSweepSpec(file);
  // The tests' server: a free loopback port, no persistence, stopped by pid.
  const redis = await startRedis();
  const children: ChildProcess[] = [];
  try {
    const { url } = redis;
    // Each setting on its own queue, so the idle workers of the other take nothing.
    children.push(await startWorker(url, 'one', ['--concurrency', '2', '--threads', '1']));
    children.push(await startWorker(url, 'two', ['--threads', '1']), await startWorker(url, 'two', ['--threads', '1']));
    // Their threads load the kernels once, before the first job (not part of any sweep's time).
    await new Promise((r) => setTimeout(r, 3000));
    const runs = spec.seeds.length;
    console.log(`bench:queue: ${runs} runs (${smoke ? 'tiny idx dataset' : 'MNIST 784-512-256-10, 2 epochs of 20 000 images'}), ${rounds} rounds, interleaved`);
    const overheads: Record<'one' | 'two', number[]> = { one: [], two: [] };
    let n = 0;
    const out = () => join(scratch, `out-${n++}`);
    const queued = async (name: 'one' | 'two') => {
      const t0 = performance.now();
      const result = await runQueuedSweep(spec, { out: out(), queue: { url, name } });
      const seconds = (performance.now() - t0) / 1000;
      if (result.outcomes.length !== runs) throw new Error(`bench:queue: ${result.failures.map((f) => f.message).join('; ')}`);
      overheads[name].push(...overheadPerRun(result.timings, name === 'one' ? 2 : 1));
      return seconds;
    };
    const samples = await interleaved(rounds, {
      local: async () => {
        const t0 = performance.now();
        const result = await runSweep(spec, { out: out(), parallel: 2, threads: 1 });
        if (result.outcomes.length !== runs) throw new Error(`bench:queue: ${result.failures.map((f) => f.message).join('; ')}`);
        return (performance.now() - t0) / 1000;
      },
      one: () => queued('one'),
      two: () => queued('two'),
    });
    console.log('\nwall time of the sweep, s (median [min–max])');
    console.log(`  local, --parallel 2 --threads 1:                  ${spread(samples.local, 2)}`);
    console.log(`  queue, 1 worker --concurrency 2 --threads 1:     ${spread(samples.one, 2)}`);
    console.log(`  queue, 2 worker processes --threads 1:           ${spread(samples.two, 2)}`);
    console.log('\nqueued throughput ÷ local (round by round; target ≥ 0.9)');
    console.log(`  1 worker:    ${spread(ratios(samples.local, samples.one), 3)}`);
    console.log(`  2 workers:   ${spread(ratios(samples.local, samples.two), 3)}`);
    console.log('\nthe queue’s overhead per run, ms: enqueue → files written, less training (runs a worker took at once)');
    console.log(`  1 worker:    ${spread(overheads.one)}`);
    console.log(`  2 workers:   ${spread(overheads.two)}`);
    console.log(
      `\nmedian queued ÷ local: ${median(ratios(samples.local, samples.one)).toFixed(3)} (1 worker), ${median(ratios(samples.local, samples.two)).toFixed(3)} (2 workers)`,
    );
  } finally {
    for (const child of children.reverse()) {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
    }
    await redis.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

await main();
