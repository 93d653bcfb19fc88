import type { Command } from 'commander';
import { verifyRun } from '../index.js';
import { trainingReporter } from './progress.js';
import { withInterrupt } from './run.js';

export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description('retrain a run from its config.json and check it gives the same bits (stateHash, model.bin, every result but timing)')
    .argument('<run>', 'a run folder (train --out)')
    .option('--json', 'print the verification as one JSON object')
    .option('--quiet', 'no progress output')
    .addHelpText(
      'after',
      '\nExit code 0 when the run reproduces, 1 when it does not (what differs is listed, with what changed in its provenance).\n\nExamples:\n  $ evoprune verify runs/emergent\n  $ evoprune verify runs/paper-sweep/2c1f0e9a7b3d4c5e --json',
    )
    .action(async (dir: string, flags: { json?: boolean; quiet?: boolean }) => {
      const reporter = trainingReporter(flags.quiet === true || flags.json === true);
      const result = await withInterrupt(
        (signal) => verifyRun(dir, { signal, onProgress: reporter.onProgress }),
        () => reporter.stop(),
      ).finally(() => reporter.stop());
      if (flags.json) {
        process.stdout.write(JSON.stringify(result) + '\n');
      } else if (result.identical) {
        process.stdout.write(`${dir} reproduces: stateHash ${result.stateHash.now}, model.bin and every result but timing are identical\n`);
        if (result.provenance.length > 0) process.stdout.write(`  (although its provenance changed: ${result.provenance.join('; ')})\n`);
      } else {
        process.stdout.write(`${dir} does NOT reproduce\n  stateHash recorded ${result.stateHash.recorded}\n            now      ${result.stateHash.now}\n`);
        if (result.modelIdentical === false) process.stdout.write('  model.bin differs\n');
        for (const d of result.differences) process.stdout.write(`  ${d}\n`);
        process.stdout.write(
          result.provenance.length > 0
            ? `  provenance changed since the run:\n${result.provenance.map((p) => `    ${p}`).join('\n')}\n`
            : '  provenance: nothing recorded changed (same evoprune, kernels, machine and data)\n',
        );
      }
      if (!result.identical) process.exitCode = 1;
    });
}
