import type { Command } from 'commander';
import { formatPercent, splitInputs } from '../index.js';
import { addTestDataOptions, openModel, type TestDataFlags, testSet } from './model-io.js';

export function registerEval(program: Command): void {
  addTestDataOptions(program.command('eval'))
    .description('evaluate a saved model (or a run directory) on a test set')
    .argument('<model>', 'a model file or a run directory with model.bin')
    .option('--json', 'print the result as one JSON object')
    .addHelpText('after', '\nExamples:\n  $ evoprune eval runs/emergent/model.bin\n  $ evoprune eval runs/emergent --json')
    .action((path: string, flags: TestDataFlags & { json?: boolean }) => {
      const opened = openModel(path);
      const { model } = opened;
      try {
        const data = testSet(opened, flags);
        const e = model.evaluate(splitInputs(data.test), data.test.labels);
        const result = {
          model: path,
          sizes: model.sizes,
          alive: model.alive(),
          parameters: model.parameterCount,
          accuracy: e.accuracy,
          loss: e.loss,
          rows: e.rows,
          confusion: e.confusion,
          ...(data.classNames ? { classNames: data.classNames } : {}),
        };
        process.stdout.write(
          flags.json
            ? JSON.stringify(result) + '\n'
            : `accuracy ${formatPercent(e.accuracy)} · loss ${e.loss.toFixed(4)} on ${e.rows} rows · ${model.sizes.join('-')} · alive ${result.alive.join('+')}\n`,
        );
      } finally {
        model.free();
      }
    });
}
