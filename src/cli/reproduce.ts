import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { DYNAMIC_NAMES, defaultThreads, type DynamicName, reproduce, reproduceMarkdown, writeTable } from '../index.js';
import { integer, threadsOption } from './options.js';
import { trainingReporter } from './progress.js';
import { withInterrupt } from './run.js';

function dynamicsList(value: string): DynamicName[] {
  const names = value.split(',').map((s) => s.trim());
  for (const name of names) {
    if (!(DYNAMIC_NAMES as readonly string[]).includes(name)) {
      throw new InvalidArgumentError(`--dynamics: "${name}" is not one of ${DYNAMIC_NAMES.join(', ')}`);
    }
  }
  return names as DynamicName[];
}

interface ReproduceFlags {
  epochs: number;
  dynamics: DynamicName[];
  seed: number;
  out?: string;
  trainLimit?: number;
  testLimit?: number;
  json?: boolean;
  quiet?: boolean;
  threads?: number;
}

export function registerReproduce(program: Command): void {
  threadsOption(program.command('reproduce'))
    .description("rebuild the paper's MNIST table: every dynamic trained, hard-pruned at 35–50 %, next to the paper's numbers")
    .option('--epochs <n>', 'epochs per run (the paper: 20)', integer('--epochs'), 20)
    .option('--dynamics <list>', `comma-separated dynamics (default all: ${DYNAMIC_NAMES.join(',')})`, dynamicsList, [...DYNAMIC_NAMES])
    .option('--seed <n>', 'random seed', integer('--seed'), 0)
    .option('--out <dir>', 'write the table as reproduce.csv, reproduce.json and reproduce.md into this folder')
    .option('--train-limit <n>', 'use only the first n training images (quick checks)', integer('--train-limit'))
    .option('--test-limit <n>', 'use only the first n test images', integer('--test-limit'))
    .option('--json', 'print the table as JSON on the last line of stdout')
    .option('--quiet', 'no progress output')
    .addHelpText(
      'after',
      `
Each dynamic trains its paper-<dynamic> preset (src/config/presets.ts) on 784-512-256-10, batch 128.
The dense run (none) is also pruned by the baselines: magnitude, random, participation.

Examples:
  $ evoprune reproduce --out results/           # all dynamics, 20 epochs (≈15 min)
  $ evoprune reproduce --dynamics replicator,none --epochs 5`,
    )
    .action(async (flags: ReproduceFlags) => {
      const { runs, table } = await withInterrupt((signal) =>
        reproduce({
          dynamics: flags.dynamics,
          epochs: flags.epochs,
          seed: flags.seed,
          trainLimit: flags.trainLimit,
          testLimit: flags.testLimit,
          trainOptions: (dynamic) => {
            const reporter = trainingReporter(flags.quiet === true);
            if (!flags.quiet) process.stderr.write(`== ${dynamic}\n`);
            return { ...reporter, signal, threads: flags.threads ?? defaultThreads() };
          },
        }),
      );
      const markdown = reproduceMarkdown(runs);
      if (flags.out) {
        for (const file of writeTable(table, flags.out, 'reproduce', markdown)) process.stderr.write(`wrote ${file}\n`);
      }
      process.stdout.write(flags.json ? JSON.stringify(table.objects()) + '\n' : markdown);
    });
}
