import { basename } from 'node:path';
import type { Command } from 'commander';
import { ConfigError, defaultThreads, formatPercent, plainTelemetry, readRunConfig, runDirForName, trainRun } from '../index.js';
import { positiveInteger, threadsOption } from './options.js';
import { addRunOptions, configFromFlags, type RunFlags } from './run-options.js';
import { trainingReporter } from './progress.js';
import { withInterrupt } from './run.js';

interface TrainFlags extends RunFlags {
  out?: string;
  name?: string;
  force?: boolean;
  resume?: string;
  checkpointEvery?: number;
  json?: boolean;
  quiet?: boolean;
  compaction?: boolean;
  threads?: number;
}

export function registerTrain(program: Command): void {
  threadsOption(addRunOptions(program.command('train').description('train a population-scaled MLP and print its test accuracy and stateHash')))
    .option('--out <dir>', 'write the run (config.json, metrics.csv, telemetry.json, summary.json, model.bin, report.md + plots) into this folder')
    .option('--name <name>', 'shorthand for --out runs/<name> (a plain name: it stays inside runs/)')
    .option('--force', 'replace the run already in --out: only a folder evoprune wrote, moved aside to <dir>.replaced-<time>')
    .option('--resume <dir>', 'continue the interrupted run in <dir> from its last checkpoint (a finished run is left as it is)')
    .option(
      '--checkpoint-every <n>',
      'also keep a checkpoint every n optimizer steps (always: at every epoch end and on Ctrl-C)',
      positiveInteger('--checkpoint-every'),
    )
    .option('--json', 'print the summary as one JSON object on the last line of stdout')
    .option('--quiet', 'no progress output')
    .option('--no-compaction', 'keep computing on the full-size network after populations die (same bits, more work: for A/B checks)')
    .addHelpText(
      'after',
      `
Examples:
  $ evoprune train                                  # MNIST, 784-512-256-10, 20 epochs
  $ evoprune train --epochs 5 --hidden 256,128 --json
  $ evoprune train --dataset idx:./my-data --optimizer adam --lr 0.001
  $ evoprune train --dynamic exponential --eta 0.04     # emergent sparsity
  $ evoprune train --preset emergent-70 --json
  $ evoprune train --config run.json --seed 3 --out runs/seed3
  $ evoprune train --resume runs/seed3                # after Ctrl-C or a crash: same bits as never stopping
  $ evoprune train --threads 1                        # one core (the default uses all: same bits)`,
    )
    .action(async (flags: TrainFlags) => {
      if (flags.resume !== undefined && (flags.out !== undefined || flags.name !== undefined || flags.force)) {
        throw new ConfigError('--resume DIR continues the run in DIR: it takes no --out, --name or --force');
      }
      // A resume continues the run's own configuration; flags may only restate it (checked).
      const config =
        flags.resume !== undefined ? configFromFlags(flags, readRunConfig(flags.resume) as unknown as Record<string, unknown>) : configFromFlags(flags);
      const dir = flags.resume ?? flags.out ?? (flags.name !== undefined ? runDirForName(flags.name) : undefined);
      const reporter = trainingReporter(flags.quiet === true);
      const result = await withInterrupt(
        (signal) =>
          trainRun(config, {
            dir,
            force: flags.force === true,
            resume: flags.resume !== undefined,
            checkpointEvery: flags.checkpointEvery,
            compaction: flags.compaction,
            threads: flags.threads ?? defaultThreads(),
            signal,
            onProgress: reporter.onProgress,
            onEpoch: reporter.onEpoch,
          }),
        () => reporter.stop(),
      ).finally(() => reporter.stop());
      const { summary, replacedTo, resumedFrom, alreadyFinished, files } = result;
      if (dir && !flags.quiet) {
        if (alreadyFinished && files.length > 0)
          process.stderr.write(`${dir} holds a finished run: nothing to resume; wrote its missing ${files.map((f) => basename(f)).join(', ')}\n`);
        else if (alreadyFinished) process.stderr.write(`${dir} holds a finished run: nothing to resume, nothing changed\n`);
        else if (flags.resume !== undefined) process.stderr.write(`resumed from step ${resumedFrom}; `);
        if (replacedTo) process.stderr.write(`moved the run it replaced to ${replacedTo}\n`);
        if (!alreadyFinished) process.stderr.write(`wrote the run to ${dir}\n`);
      }
      if (flags.json) {
        const { telemetry, model: _bytes, ...rest } = summary;
        process.stdout.write(JSON.stringify({ ...rest, telemetry: plainTelemetry(telemetry) }) + '\n');
      } else {
        const living = summary.alive.join('+');
        process.stdout.write(
          [
            `test accuracy  ${formatPercent(summary.testAccuracy)} after ${summary.epochs} epochs (${summary.dataset}, ${summary.sizes.join('-')})`,
            `throughput     ${Math.round(summary.samplesPerSecond)} samples/s`,
            `alive          ${living} of ${summary.populations} populations (sparsity ${formatPercent(summary.sparsity, 1)})`,
            `stateHash      ${summary.stateHash}`,
          ].join('\n') + '\n',
        );
      }
    });
}
