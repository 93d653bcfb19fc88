import type { Command } from 'commander';
import { defaultThreads, gemmGflops, nodeEngineFor, TRAINING_SHAPES, trainingSamplesPerSecond } from '../index.js';
import { positiveInteger, threadsOption } from './options.js';

export function registerBench(program: Command): void {
  threadsOption(program.command('bench'))
    .description('measure this machine: GFLOP/s of the kernels on the training shapes and training samples/s')
    .option('--batches <n>', 'training batches to time', positiveInteger('--batches'), 60)
    .option('--json', 'print the figures as one JSON object')
    .addHelpText(
      'after',
      `
Peers measured in the same run live in the npm scripts (they need the dev dependencies):
  npm run bench:gemm    (vs a TypeScript loop)   npm run bench:train   (vs TF.js wasm)
  npm run bench:threads (vs as many single-thread processes as cores)

Examples:
  $ evoprune bench
  $ evoprune bench --batches 200 --json
  $ evoprune bench --threads 1`,
    )
    .action(async (flags: { batches: number; json?: boolean; threads?: number }) => {
      const threads = flags.threads ?? defaultThreads();
      const gemm = TRAINING_SHAPES.map((s) => ({ product: s.what.replace(/\s+/g, ' '), gflops: gemmGflops(s.op, s.m, s.n, s.k, 0.4) }));
      const samplesPerSecond = trainingSamplesPerSecond(flags.batches);
      const threaded = threads > 1 ? trainingSamplesPerSecond(flags.batches, undefined, await nodeEngineFor(threads)) : undefined;
      if (flags.json) {
        process.stdout.write(JSON.stringify({ gemm, trainingSamplesPerSecond: samplesPerSecond, threads, threadedSamplesPerSecond: threaded }) + '\n');
        return;
      }
      for (const g of gemm) process.stdout.write(`${g.product.padEnd(26)} ${g.gflops.toFixed(1)} GFLOP/s (one thread)\n`);
      process.stdout.write(`training 784-512-256-10, batch 128, one thread: ${Math.round(samplesPerSecond)} samples/s\n`);
      if (threaded !== undefined) {
        process.stdout.write(`training on ${threads} threads: ${Math.round(threaded)} samples/s (${(threaded / samplesPerSecond).toFixed(2)}× one thread)\n`);
      }
    });
}
