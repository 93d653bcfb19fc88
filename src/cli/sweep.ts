import type { Command } from 'commander';
import { planSweep, readSweepSpec, runDirForName, runSweep, type SweepStatus } from '../index.js';
import { positiveInteger, threadsOption } from './options.js';
import { INTERRUPTED_EXIT, withInterrupt } from './run.js';

function statusLine(s: SweepStatus): string {
  const current = [...s.running.entries()]
    .map(([key, p]) => (p ? `${key} epoch ${p.epoch}/${p.epochs} batch ${p.batch}/${p.batches}` : `${key} starting`))
    .join(' · ');
  return `runs ${s.done}/${s.total} done (${s.skipped} already finished), ${s.failed} failed, ${s.total - s.done - s.failed} remaining${current ? ` · ${current}` : ''}`;
}

export function registerSweep(program: Command): void {
  threadsOption(program.command('sweep'), 'all cores ÷ --parallel')
    .description('run a grid or list of configurations × seeds, resumable, on worker threads')
    .argument('<file>', 'sweep JSON: { name, base, grid | list, seeds, prune }')
    .option('--out <dir>', 'sweep folder (default runs/<name>)')
    .option('--parallel <n>', 'runs at once, each on its own worker thread (default: number of cores)', positiveInteger('--parallel'))
    .option('--fresh', 're-run finished runs too (default: skip them, redo missing or failed ones)')
    .option('--json', 'print the results table as JSON on the last line of stdout')
    .option('--quiet', 'no progress output')
    .addHelpText(
      'after',
      `
Each run lives in <out>/<key>/, key = hash of its resolved configuration. Afterwards <out> holds
results.{csv,json,md,arrow}, summary.* (mean ± std over seeds) and frontier.* (accuracy–sparsity).

Examples:
  $ evoprune sweep examples/paper-sweep.json
  $ evoprune sweep examples/quick-sweep.json --parallel 1 --fresh
  $ evoprune sweep examples/paper-sweep.json --parallel 1 --threads 2   # one run at a time on 2 cores`,
    )
    .action(async (file: string, flags: { out?: string; parallel?: number; threads?: number; fresh?: boolean; json?: boolean; quiet?: boolean }) => {
      const spec = readSweepSpec(file);
      const out = flags.out ?? runDirForName(spec.name, 'name');
      const plan = planSweep(spec);
      for (const d of plan.duplicates) {
        process.stderr.write(`note: ${d.origin} is the same configuration as ${d.sameAs} (run ${d.key}): trained once\n`);
      }
      let last = 0;
      const result = await withInterrupt((signal) =>
        runSweep(
          spec,
          {
            out,
            parallel: flags.parallel,
            threads: flags.threads,
            fresh: flags.fresh,
            signal,
            onStatus: (s) => {
              if (flags.quiet) return;
              const now = Date.now();
              if (now - last < 1000 && s.running.size > 0) return;
              last = now;
              process.stderr.write(statusLine(s) + '\n');
            },
          },
          plan,
        ),
      );
      for (const f of result.failures) process.stderr.write(`run ${f.key} (${f.origin}) failed: ${f.message}\n`);
      if (process.exitCode === undefined && result.outcomes.length + result.failures.length < result.runs.length) {
        process.stderr.write(`stopped: ${result.runs.length - result.outcomes.length} runs left; run the same command again to resume\n`);
        process.exitCode = INTERRUPTED_EXIT;
      }
      process.stdout.write(flags.json ? JSON.stringify(result.table.objects()) + '\n' : result.table.toMarkdown() + '\n');
      if (result.failures.length > 0) process.exitCode = 1;
    });
}
