import type { Command } from 'commander';
import { compactChecked, formatPercent, inferenceSpeed, saveModel, splitInputs } from '../index.js';
import { positiveInteger } from './options.js';
import { addTestDataOptions, openModel, type TestDataFlags, testSet } from './model-io.js';

export function registerCompact(program: Command): void {
  addTestDataOptions(program.command('compact'))
    .description('build the physically smaller plain MLP (dead populations removed, masses folded in), check it and time it')
    .argument('<model>', 'a model file or a run directory with model.bin')
    .requiredOption('--out <file>', 'where to save the compact model')
    .option('--batch <n>', 'inference batch for the timing', positiveInteger('--batch'), 128)
    .option('--json', 'print the result as one JSON object')
    .addHelpText('after', '\nExamples:\n  $ evoprune compact runs/emergent --out emergent-compact.bin')
    .action((path: string, flags: TestDataFlags & { out: string; batch: number; json?: boolean }) => {
      const opened = openModel(path);
      const { model } = opened;
      try {
        const data = testSet(opened, flags);
        const { compact, maxLogitDifference } = compactChecked(model, data.test);
        try {
          const speedup = inferenceSpeed(compact, data.test, flags.batch) / inferenceSpeed(model, data.test, flags.batch);
          const accuracy = compact.evaluate(splitInputs(data.test), data.test.labels).accuracy;
          saveModel(compact, flags.out);
          const result = {
            sizes: compact.sizes,
            parameters: compact.parameterCount,
            denseParameters: model.parameterCount,
            maxLogitDifference,
            speedup,
            accuracy,
          };
          process.stdout.write(
            flags.json
              ? JSON.stringify(result) + '\n'
              : `compact ${compact.sizes.join('-')} (${compact.parameterCount} of ${model.parameterCount} parameters) · max |Δlogit| ${maxLogitDifference.toExponential(2)} · ${speedup.toFixed(2)}× faster at batch ${flags.batch} · accuracy ${formatPercent(accuracy)} · saved ${flags.out}\n`,
          );
        } finally {
          compact.free();
        }
      } finally {
        model.free();
      }
    });
}
