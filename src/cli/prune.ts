import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import { formatPercent, REGISTRY, saveModel, SCOPE_NAMES, type ScoreName, splitInputs } from '../index.js';
import { nonNegativeInteger } from './options.js';
import { addTestDataOptions, openModel, testSet } from './model-io.js';

function fraction(value: string): number {
  const n = Number(value.endsWith('%') ? Number(value.slice(0, -1)) / 100 : value);
  if (!Number.isFinite(n) || n < 0 || n >= 1) throw new InvalidArgumentError(`--fraction expects a number in [0, 1) or a percentage like 50%, got "${value}"`);
  return n;
}

export function registerPrune(program: Command): void {
  addTestDataOptions(program.command('prune'))
    .description('hard-prune a saved model to a target sparsity and evaluate it without retraining')
    .argument('<model>', 'a model file or a run directory with model.bin')
    .requiredOption('--fraction <f>', 'fraction of hidden populations to remove, e.g. 0.5 or 50%', fraction)
    .addOption(
      new Option('--score <name>', 'what ranks populations (scores that need the training run, like participation: see reproduce)')
        .choices(REGISTRY.scores.filter((s) => !s.needsTrainer).map((s) => s.name))
        .default('mass'),
    )
    .addOption(new Option('--scope <scope>', REGISTRY.scopes.map((s) => `${s.name}: ${s.description}`).join('; ')).choices(SCOPE_NAMES).default('global'))
    .option('--seed <n>', 'seed of the random score', nonNegativeInteger('--seed'), 0)
    .option('--out <file>', 'save the pruned (masked) model')
    .option('--json', 'print the result as one JSON object')
    .addHelpText(
      'after',
      '\nExamples:\n  $ evoprune prune runs/dense --fraction 35% --score magnitude --scope layer\n  $ evoprune prune runs/emergent --fraction 0.5 --out pruned.bin',
    )
    .action(
      (
        path: string,
        flags: {
          fraction: number;
          score: ScoreName;
          scope: 'global' | 'layer';
          seed: number;
          dataset?: string;
          testLimit?: number;
          label?: string;
          testFraction?: number;
          out?: string;
          json?: boolean;
        },
      ) => {
        const opened = openModel(path);
        const { model } = opened;
        let pruned: ReturnType<typeof model.pruned> | undefined;
        try {
          pruned = model.pruned(flags.score, flags.fraction, flags.scope, flags.seed);
          const data = testSet(opened, flags, pruned);
          const e = pruned.evaluate(splitInputs(data.test), data.test.labels);
          if (flags.out) saveModel(pruned, flags.out);
          const result = { fraction: flags.fraction, score: flags.score, scope: flags.scope, alive: pruned.alive(), accuracy: e.accuracy, loss: e.loss };
          process.stdout.write(
            flags.json
              ? JSON.stringify(result) + '\n'
              : `pruned ${formatPercent(flags.fraction, 1)} by ${flags.score} (${flags.scope}): accuracy ${formatPercent(e.accuracy)} · alive ${result.alive.join('+')}\n`,
          );
        } finally {
          model.free();
          pruned?.free();
        }
      },
    );
}
