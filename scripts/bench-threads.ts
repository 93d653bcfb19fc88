/**
 * Threads: training samples/s of the default 784–512–256–10 MLP (batch 128, MNIST) with 1 thread
 * and with all cores, next to the ceiling a threaded run is measured against: the aggregate of as
 * many concurrent single-thread *processes* as there are cores, measured in the same run. Then
 * evaluation and inference throughput with 1 and N threads, and what one parallel region costs.
 * Rounds are interleaved (these hosts are noisy); each figure is a median [min–max].
 *
 *   npm run bench:threads [-- --batches N --rounds R --threads N]     (--smoke: tiny, for CI)
 *   npm run bench:threads -- --full    also a 20-epoch run of the recommended evolving preset
 *                                      (target-80) on all cores next to a dense single-thread run
 */
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { loadDataset, trainingSamplesPerSecond } from '../src/index.js';
import { nodeEngineFor } from '../src/engine/node.js';
import { WasmModel } from '../src/engine/model.js';
import { WasmTrainer } from '../src/engine/trainer.js';
import { resolveTrainConfig } from '../src/config/schema.js';
import { train } from '../src/train/train.js';
import { modelBytes, wasmTrainerConfig } from '../src/train/loop.js';
import { flag, interleaved, median, ratios, smoke, spread } from './bench-util.js';

const batches = flag('batches', 200, 3);
const rounds = flag('rounds', 5, 1);
const threads = flag('threads', availableParallelism());
const mnist = loadDataset('mnist');

// A child process: waits for "go" on stdin (so all children time the same window), trains
// `batches` batches on one thread and prints its samples/s.
if (process.argv.includes('--child')) {
  process.stdout.write('ready\n');
  process.stdin.once('data', () => {
    process.stdout.write(`${trainingSamplesPerSecond(batches, mnist)}\n`);
    process.exit(0);
  });
} else {
  await main();
}

/** Samples/s summed over `count` concurrent single-thread processes started on one signal. */
async function processAggregate(count: number): Promise<number> {
  const script = fileURLToPath(import.meta.url);
  const children = Array.from({ length: count }, () =>
    spawn(process.execPath, ['--import', 'tsx', script, '--child', '--batches', String(batches)], { stdio: ['pipe', 'pipe', 'inherit'] }),
  );
  const lines = children.map((child) => {
    const out: string[] = [];
    let buffered = '';
    const ready = new Promise<void>((resolve) =>
      child.stdout.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        const parts = buffered.split('\n');
        buffered = parts.pop()!;
        for (const line of parts) line === 'ready' ? resolve() : out.push(line);
      }),
    );
    const done = new Promise<number>((resolve, reject) =>
      child.on('exit', (code) => (code === 0 ? resolve(Number(out[0])) : reject(new Error(`bench child exited with ${code}`)))),
    );
    return { child, ready, done };
  });
  await Promise.all(lines.map((l) => l.ready));
  for (const { child } of lines) child.stdin.write('go\n');
  const rates = await Promise.all(lines.map((l) => l.done));
  return rates.reduce((a, b) => a + b, 0);
}

async function main(): Promise<void> {
  const one = await nodeEngineFor(1);
  const all = await nodeEngineFor(threads);
  console.log(`bench:threads: ${threads} threads (${availableParallelism()} cores), ${batches} batches × ${rounds} rounds, interleaved`);

  // What a region costs: publish, wake the spinning workers, join.
  const regions = smoke ? 100 : 100_000;
  const t0 = performance.now();
  all.wasm.thread_pool_empty_regions(regions);
  console.log(`one parallel region on ${threads} threads (workers spinning): ${(((performance.now() - t0) * 1000) / regions).toFixed(2)} µs`);

  const training = await interleaved(rounds, {
    one: () => trainingSamplesPerSecond(batches, mnist, one),
    all: () => trainingSamplesPerSecond(batches, mnist, all),
    processes: () => processAggregate(threads),
  });
  console.log('\ntraining samples/s (forward, backward, SGD with momentum; batch 128)');
  console.log(`  1 thread:                        ${spread(training.one)}`);
  console.log(`  ${threads} threads:                       ${spread(training.all)}`);
  console.log(`  ${threads} single-thread processes (sum): ${spread(training.processes)}`);
  const speedup = ratios(training.all, training.one);
  const ofAggregate = ratios(training.all, training.processes);
  console.log(`  ${threads} threads ÷ 1 thread:              ${spread(speedup, 2)}×`);
  console.log(`  ${threads} processes ÷ 1 thread (ceiling):  ${spread(ratios(training.processes, training.one), 2)}×`);
  console.log(`  ${threads} threads ÷ ${threads} processes:            ${spread(ofAggregate, 2)} (target ≥ 0.9)`);

  // Evaluation (the trainer's test pass) and inference (a model's logits, 256 rows per call).
  const config = wasmTrainerConfig(resolveTrainConfig({ schedule: 'constant' }), mnist);
  const trainers = [one, all].map((engine) => {
    const t = new WasmTrainer(engine.wasm, config);
    t.setData('train', mnist.train.images, mnist.train.labels, mnist.train.rows, mnist.train.cols);
    t.setData('test', mnist.test.images, mnist.test.labels, mnist.test.rows, mnist.test.cols);
    t.run(smoke ? 1 : 50);
    return t;
  });
  const models = trainers.map((t, i) => WasmModel.fromBytes([one, all][i]!.wasm, modelBytes(t)));
  const rows = smoke ? 512 : mnist.test.rows;
  const images = mnist.test.images.subarray(0, rows * 784);
  const timed = (body: () => void) => {
    const t = performance.now();
    body();
    return rows / ((performance.now() - t) / 1000);
  };
  const inference = await interleaved(rounds, {
    evalOne: () => timed(() => trainers[0]!.evaluate('test')),
    evalAll: () => timed(() => trainers[1]!.evaluate('test')),
    inferOne: () => timed(() => models[0]!.logits(images, rows)),
    inferAll: () => timed(() => models[1]!.logits(images, rows)),
  });
  console.log(
    `\nevaluation rows/s (the test set):  1 thread ${spread(inference.evalOne)}, ${threads} threads ${spread(inference.evalAll)}: ${spread(ratios(inference.evalAll, inference.evalOne), 2)}×`,
  );
  console.log(
    `inference rows/s (logits, 256 rows a call): 1 thread ${spread(inference.inferOne)}, ${threads} threads ${spread(inference.inferAll)}: ${spread(ratios(inference.inferAll, inference.inferOne), 2)}×`,
  );
  for (const t of trainers) t.free();
  for (const m of models) m.free();

  if (process.argv.includes('--full') && !smoke) {
    // The recommended evolving run on every core (compaction on) next to a dense run on one.
    const epochs = flag('epochs', 20);
    const wall = async (input: object, threadCount: number) => {
      const t = performance.now();
      const summary = await train(input as never, { dataset: mnist, threads: threadCount });
      return { seconds: (performance.now() - t) / 1000, summary };
    };
    const evolving = await wall({ preset: 'target-80', epochs }, threads);
    const dense = await wall({ preset: 'paper-none', participation: false, epochs }, 1);
    const sparsity = evolving.summary.sparsity;
    console.log(`\n${epochs} epochs, full MNIST, wall time of train() in this process:`);
    console.log(
      `  target-80 on ${threads} threads: ${evolving.seconds.toFixed(1)} s, test accuracy ${(evolving.summary.testAccuracy * 100).toFixed(2)} %, sparsity ${(sparsity * 100).toFixed(1)} %`,
    );
    console.log(`  dense on 1 thread:      ${dense.seconds.toFixed(1)} s, test accuracy ${(dense.summary.testAccuracy * 100).toFixed(2)} %`);
    console.log(`  evolving on all cores ÷ dense on one: ${(evolving.seconds / dense.seconds).toFixed(3)}`);
  }
  console.log(`\nmedian speedup ${median(speedup).toFixed(2)}×, ${median(ofAggregate).toFixed(2)} of the ${threads}-process aggregate`);
}
