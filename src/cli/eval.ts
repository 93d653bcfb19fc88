import type { Command } from 'commander';
import { positiveInteger } from './options.js';
import { openModel, percent, testSet } from './model-io.js';

export function registerEval(program: Command): void {
  program
    .command('eval')
    .description('evaluate a saved model (or a run directory) on a test set')
    .argument('<model>', 'a model file or a run directory with model.bin')
    .option('--dataset <name>', "test data: mnist | fashion-mnist | fashion-mnist:<folder> | idx:<folder> (default: the run's own dataset, else mnist)")
    .option('--test-limit <n>', "use only the first n test images (default: the run's own limit)", positiveInteger('--test-limit'))
    .option('--json', 'print the result as one JSON object')
    .addHelpText('after', '\nExamples:\n  $ evoprune eval runs/emergent/model.bin\n  $ evoprune eval runs/emergent --json')
    .action((path: string, flags: { dataset?: string; testLimit?: number; json?: boolean }) => {
      const opened = openModel(path);
      const { model } = opened;
      try {
        const data = testSet(opened, flags);
        const e = model.evaluate(data.test.images, data.test.labels);
        const result = {
          model: path,
          sizes: model.sizes,
          alive: model.alive(),
          parameters: model.parameterCount,
          accuracy: e.accuracy,
          loss: e.loss,
          rows: e.rows,
          confusion: e.confusion,
        };
        process.stdout.write(
          flags.json
            ? JSON.stringify(result) + '\n'
            : `accuracy ${percent(e.accuracy)} · loss ${e.loss.toFixed(4)} on ${e.rows} images · ${model.sizes.join('-')} · alive ${result.alive.join('+')}\n`,
        );
      } finally {
        model.free();
      }
    });
}
