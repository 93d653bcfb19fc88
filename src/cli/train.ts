import type { Command } from 'commander';
import { resolveTrainConfig, type TrainConfigInput } from '../config/schema.js';
import { train } from '../train/train.js';
import { defined, integer, integerList, number } from './options.js';
import { trainingReporter } from './progress.js';
import { withInterrupt } from './run.js';

interface TrainFlags {
  dataset?: string;
  epochs?: number;
  batch?: number;
  lr?: number;
  optimizer?: string;
  momentum?: number;
  weightDecay?: number;
  schedule?: string;
  seed?: number;
  hidden?: number[];
  trainLimit?: number;
  testLimit?: number;
  preset?: string;
  dynamic?: string;
  fitness?: string;
  eta?: number;
  mu?: number;
  epsilon?: number;
  anneal?: boolean;
  json?: boolean;
  quiet?: boolean;
}

export function registerTrain(program: Command): void {
  program
    .command('train')
    .description('train a population-scaled MLP and print its test accuracy and stateHash')
    .option('--dataset <name>', 'mnist | fashion-mnist | fashion-mnist:<folder> | idx:<folder>', undefined)
    .option('--epochs <n>', 'epochs to train (default 20)', integer('--epochs'))
    .option('--batch <n>', 'batch size (default 128)', integer('--batch'))
    .option('--lr <rate>', 'learning rate (default 0.05 for sgd, 0.001 for adam)', number('--lr'))
    .option('--optimizer <name>', 'sgd | adam (default sgd)')
    .option('--momentum <m>', 'SGD momentum (default 0.9)', number('--momentum'))
    .option('--weight-decay <λ>', 'L2 weight decay (default 0)', number('--weight-decay'))
    .option('--schedule <name>', 'constant | cosine learning rate (default cosine)')
    .option('--seed <n>', 'random seed (default 0)', integer('--seed'))
    .option('--hidden <sizes>', 'hidden layer widths (default 512,256)', integerList('--hidden'))
    .option('--train-limit <n>', 'use only the first n training images', integer('--train-limit'))
    .option('--test-limit <n>', 'use only the first n test images', integer('--test-limit'))
    .option('--preset <name>', 'a named configuration from src/config/presets.ts (flags override it)')
    .option('--dynamic <name>', 'none | replicator | exponential | mutator | logistic (default none)')
    .option('--fitness <name>', 'gradient | taylor | magnitude (default gradient)')
    .option('--eta <η>', 'selection strength (default 0.05)', number('--eta'))
    .option('--mu <μ>', 'mutation rate of the mutator dynamic (default 0.05)', number('--mu'))
    .option('--epsilon <ε>', 'extinction threshold (default 1e-3)', number('--epsilon'))
    .option('--no-anneal', 'keep η constant instead of following the learning-rate schedule')
    .option('--json', 'print the summary as one JSON object on the last line of stdout')
    .option('--quiet', 'no progress output')
    .addHelpText(
      'after',
      `
Examples:
  $ evoprune train                                  # MNIST, 784-512-256-10, 20 epochs
  $ evoprune train --epochs 5 --hidden 256,128 --json
  $ evoprune train --dataset idx:./my-data --optimizer adam --lr 0.001
  $ evoprune train --dynamic exponential --eta 0.04     # emergent sparsity
  $ evoprune train --preset emergent-70 --json`,
    )
    .action(async (flags: TrainFlags) => {
      const config = resolveTrainConfig(
        defined({
          dataset: flags.dataset,
          epochs: flags.epochs,
          batch: flags.batch,
          lr: flags.lr,
          optimizer: flags.optimizer,
          momentum: flags.momentum,
          weightDecay: flags.weightDecay,
          schedule: flags.schedule,
          seed: flags.seed,
          hidden: flags.hidden,
          trainLimit: flags.trainLimit,
          testLimit: flags.testLimit,
          preset: flags.preset,
          dynamic: flags.dynamic,
          fitness: flags.fitness,
          eta: flags.eta,
          mu: flags.mu,
          epsilon: flags.epsilon,
          anneal: flags.anneal === false ? false : undefined,
        }) as TrainConfigInput,
      );
      const reporter = trainingReporter(flags.quiet === true);
      const summary = await withInterrupt((signal) => train(config, { ...reporter, signal })).finally(() => reporter.stop());
      if (flags.json) {
        // Telemetry holds typed arrays; JSON carries them as plain arrays.
        const { telemetry, ...rest } = summary;
        const plain = telemetry.map((t) => ({ ...t, masses: t.masses.map((m) => Array.from(m)), fitness: t.fitness.map((f) => Array.from(f)) }));
        process.stdout.write(JSON.stringify({ ...rest, telemetry: plain }) + '\n');
      } else {
        const living = summary.alive.join('+');
        process.stdout.write(
          [
            `test accuracy  ${(100 * summary.testAccuracy).toFixed(2)} % after ${summary.epochs} epochs (${summary.dataset}, ${summary.sizes.join('-')})`,
            `throughput     ${Math.round(summary.samplesPerSecond)} samples/s`,
            `alive          ${living} of ${summary.populations} populations (sparsity ${(100 * summary.sparsity).toFixed(1)} %)`,
            `stateHash      ${summary.stateHash}`,
          ].join('\n') + '\n',
        );
      }
    });
}
