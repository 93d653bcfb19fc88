import { performance } from 'node:perf_hooks';
import type { Command } from 'commander';
import { gemmGflops, TRAINING_SHAPES } from '../bench/gemm.js';
import { loadDataset } from '../data/registry.js';
import { nodeEngine } from '../engine/node.js';
import { WasmTrainer } from '../engine/trainer.js';
import { resolveTrainConfig } from '../config/schema.js';
import { wasmTrainerConfig } from '../train/loop.js';
import { integer } from './options.js';

export function registerBench(program: Command): void {
  program
    .command('bench')
    .description('measure this machine: GFLOP/s of the kernels on the training shapes and training samples/s')
    .option('--batches <n>', 'training batches to time', integer('--batches'), 60)
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
      const mnist = loadDataset('mnist');
      const trainer = new WasmTrainer(nodeEngine().wasm, wasmTrainerConfig(resolveTrainConfig({ schedule: 'constant' }), mnist));
      let samplesPerSecond: number;
      try {
        trainer.setData('train', mnist.train.images, mnist.train.labels, mnist.train.rows, mnist.train.cols);
        trainer.run(5);
        const t0 = performance.now();
        let done = 0;
        while (done < flags.batches) done += trainer.run(flags.batches - done);
        samplesPerSecond = (done * 128) / ((performance.now() - t0) / 1000);
      } finally {
        trainer.free();
      }
      if (flags.json) {
        process.stdout.write(JSON.stringify({ gemm, trainingSamplesPerSecond: samplesPerSecond }) + '\n');
        return;
      }
      for (const g of gemm) process.stdout.write(`${g.product.padEnd(26)} ${g.gflops.toFixed(1)} GFLOP/s\n`);
      process.stdout.write(`training 784-512-256-10, batch 128, one thread: ${Math.round(samplesPerSecond)} samples/s\n`);
    });
}
