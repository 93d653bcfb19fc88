import type { Command } from 'commander';
import { gemmGflops, TRAINING_SHAPES, trainingSamplesPerSecond } from '../index.js';
import { positiveInteger } from './options.js';

export function registerBench(program: Command): void {
  program
    .command('bench')
    .description('measure this machine: GFLOP/s of the kernels on the training shapes and training samples/s')
    .option('--batches <n>', 'training batches to time', positiveInteger('--batches'), 60)
    .option('--json', 'print the figures as one JSON object')
    .addHelpText(
      'after',
      `
Peers measured in the same run live in the npm scripts (they need the dev dependencies):
  npm run bench:gemm    (vs a TypeScript loop)   npm run bench:train   (vs TF.js wasm)

Examples:
  $ evoprune bench
  $ evoprune bench --batches 200 --json`,
    )
    .action((flags: { batches: number; json?: boolean }) => {
      const gemm = TRAINING_SHAPES.map((s) => ({ product: s.what.replace(/\s+/g, ' '), gflops: gemmGflops(s.op, s.m, s.n, s.k, 0.4) }));
      const samplesPerSecond = trainingSamplesPerSecond(flags.batches);
      if (flags.json) {
        process.stdout.write(JSON.stringify({ gemm, trainingSamplesPerSecond: samplesPerSecond }) + '\n');
        return;
      }
      for (const g of gemm) process.stdout.write(`${g.product.padEnd(26)} ${g.gflops.toFixed(1)} GFLOP/s\n`);
      process.stdout.write(`training 784-512-256-10, batch 128, one thread: ${Math.round(samplesPerSecond)} samples/s\n`);
    });
}
