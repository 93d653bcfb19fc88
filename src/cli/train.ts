import type { Command } from 'commander';
import type { WasmTrainer } from '../engine/trainer.js';
import { writeReport } from '../analysis/report.js';
import { trainerModelBytes } from '../prune/files.js';
import { writeRun } from '../run/files.js';
import { RunFolder, runDirForName } from '../run/folder.js';
import { train, type TrainSummary } from '../train/train.js';
import { addRunOptions, configFromFlags, type RunFlags } from './run-options.js';
import { trainingReporter } from './progress.js';
import { withInterrupt } from './run.js';

interface TrainFlags extends RunFlags {
  out?: string;
  name?: string;
  force?: boolean;
  json?: boolean;
  quiet?: boolean;
}

export function registerTrain(program: Command): void {
  addRunOptions(program.command('train').description('train a population-scaled MLP and print its test accuracy and stateHash'))
    .option('--out <dir>', 'write the run (config.json, metrics.csv, telemetry.json, summary.json, model.bin, report.md + plots) into this folder')
    .option('--name <name>', 'shorthand for --out runs/<name> (a plain name: it stays inside runs/)')
    .option('--force', 'replace the run already in --out: only a folder evoprune wrote, moved aside to <dir>.replaced-<time>')
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
  $ evoprune train --preset emergent-70 --json
  $ evoprune train --config run.json --seed 3 --out runs/seed3`,
    )
    .action(async (flags: TrainFlags) => {
      const config = configFromFlags(flags);
      const out = flags.out ?? (flags.name !== undefined ? runDirForName(flags.name) : undefined);
      const reporter = trainingReporter(flags.quiet === true);
      // The folder is checked and locked before any data is loaded; an old run is moved aside
      // only when this one writes its first file.
      const lost = new AbortController();
      const folder = out
        ? await RunFolder.open(out, {
            kind: 'run',
            force: flags.force === true,
            onCompromised: (error) => lost.abort(new Error(`lost the lock on ${out} (${error.message}); stopped so that two runs do not mix`)),
          })
        : undefined;
      let summary: TrainSummary;
      try {
        const onFinish = folder ? (trainer: WasmTrainer) => void folder.write('model.bin', trainerModelBytes(trainer)) : undefined;
        summary = await withInterrupt(
          (signal) => train(config, { ...reporter, signal: AbortSignal.any([signal, lost.signal]), onFinish }),
          () => reporter.stop(),
        )
          .catch((error: unknown) => {
            throw lost.signal.aborted ? lost.signal.reason : error;
          })
          .finally(() => reporter.stop());
        if (folder) {
          writeRun((name, data) => folder.write(name, data), config, summary);
          await writeReport(folder.dir);
          if (!flags.quiet) {
            if (folder.replacedTo) process.stderr.write(`moved the run it replaced to ${folder.replacedTo}\n`);
            process.stderr.write(`wrote the run to ${folder.dir}\n`);
          }
        }
      } finally {
        await folder?.close();
      }
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
