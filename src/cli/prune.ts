import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { saveModel } from '../prune/files.js';
import { integer } from './options.js';
import { openModel, percent, testSet } from './model-io.js';

function fraction(value: string): number {
  const n = Number(value.endsWith('%') ? Number(value.slice(0, -1)) / 100 : value);
  if (!Number.isFinite(n) || n < 0 || n >= 1) throw new InvalidArgumentError(`--fraction expects a number in [0, 1) or a percentage like 50%, got "${value}"`);
  return n;
}

export function registerPrune(program: Command): void {
  program
    .command('prune')
    .description('hard-prune a saved model to a target sparsity and evaluate it without retraining')
    .argument('<model>', 'a model file or a run directory with model.bin')
    .requiredOption('--fraction <f>', 'fraction of hidden populations to remove, e.g. 0.5 or 50%', fraction)
    .option('--score <name>', 'mass | magnitude | random (participation needs the training run: see reproduce)', 'mass')
    .option('--scope <scope>', 'global | layer', 'global')
    .option('--seed <n>', 'seed of the random score', integer('--seed'), 0)
    .option('--dataset <name>', 'test set to evaluate on', 'mnist')
    .option('--test-limit <n>', 'use only the first n test images', integer('--test-limit'))
    .option('--out <file>', 'save the pruned (masked) model')
    .option('--json', 'print the result as one JSON object')
    .addHelpText('after', '\nExamples:\n  $ evoprune prune runs/dense --fraction 35% --score magnitude --scope layer\n  $ evoprune prune runs/emergent --fraction 0.5 --out pruned.bin')
    .action((path: string, flags: { fraction: number; score: 'mass' | 'magnitude' | 'random'; scope: 'global' | 'layer'; seed: number; dataset: string; testLimit?: number; out?: string; json?: boolean }) => {
      const model = openModel(path);
      const pruned = model.pruned(flags.score, flags.fraction, flags.scope, flags.seed);
      try {
        const data = testSet(flags.dataset, pruned, flags.testLimit);
        const e = pruned.evaluate(data.test.images, data.test.labels);
        if (flags.out) saveModel(pruned, flags.out);
        const result = { fraction: flags.fraction, score: flags.score, scope: flags.scope, alive: pruned.alive(), accuracy: e.accuracy, loss: e.loss };
        process.stdout.write(flags.json ? JSON.stringify(result) + '\n' : `pruned ${percent(flags.fraction)} by ${flags.score} (${flags.scope}): accuracy ${percent(e.accuracy)} · alive ${result.alive.join('+')}\n`);
      } finally {
        model.free();
        pruned.free();
      }
    });
}
