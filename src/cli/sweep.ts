import type { Command } from 'commander';
import {
  ConfigError,
  planSweep,
  readSweepSpec,
  runDirForName,
  runQueuedSweep,
  runSweep,
  sweepMarkdown,
  type QueuedSweepResult,
  type QueuedSweepStatus,
  type SweepResult,
  type SweepStatus,
} from '../index.js';
import { positiveInteger, threadsOption } from './options.js';
import { addQueueOptions, queueConnection, queueStatusLine, type QueueFlags } from './queue-options.js';
import { INTERRUPTED_EXIT, withInterrupt } from './run.js';

function statusLine(s: SweepStatus): string {
  const current = [...s.running.entries()]
    .map(([key, p]) => (p ? `${key} epoch ${p.epoch}/${p.epochs} batch ${p.batch}/${p.batches}` : `${key} starting`))
    .join(' · ');
  return `runs ${s.done}/${s.total} done (${s.skipped} already finished), ${s.failed} failed, ${s.total - s.done - s.failed} remaining${current ? ` · ${current}` : ''}`;
}

interface SweepFlags extends QueueFlags {
  out?: string;
  parallel?: number;
  threads?: number;
  fresh?: boolean;
  json?: boolean;
  quiet?: boolean;
  queue?: string;
}

export function registerSweep(program: Command): void {
  addQueueOptions(threadsOption(program.command('sweep'), 'all cores ÷ --parallel'))
    .description('run a grid or list of configurations × seeds, resumable, on worker threads')
    .argument('<file>', 'sweep JSON: { name, base, grid | list, seeds, prune }')
    .option('--out <dir>', 'sweep folder (default runs/<name>)')
    .option('--parallel <n>', 'runs at once, each on its own worker thread (default: number of cores)', positiveInteger('--parallel'))
    .option('--fresh', 're-run finished runs too (default: skip them, redo missing or failed ones)')
    .option('--json', 'print the results table as JSON on the last line of stdout')
    .option('--quiet', 'no progress output')
    .option('--queue <url>', 'run through a queue in Redis (redis://[[user]:password@]host[:port][/db], rediss:// for TLS), trained by `evoprune worker`s')
    .addHelpText(
      'after',
      `
Each run lives in <out>/<key>/, key = hash of its resolved configuration. Afterwards <out> holds
results.{csv,json,md,arrow}, summary.* (mean ± std over seeds) and frontier.* (accuracy–sparsity).

Examples:
  $ evoprune sweep examples/paper-sweep.json
  $ evoprune sweep examples/quick-sweep.json --parallel 1 --fresh
  $ evoprune sweep examples/paper-sweep.json --parallel 1 --threads 2   # one run at a time on 2 cores
  $ evoprune sweep examples/paper-sweep.json --queue redis://queue.lab:6379   # on many machines: evoprune worker`,
    )
    .action(async (file: string, flags: SweepFlags) => {
      if (flags.queue !== undefined && (flags.parallel !== undefined || flags.threads !== undefined)) {
        throw new ConfigError('--parallel and --threads are set on the workers of a queue: evoprune worker --concurrency N --threads N');
      }
      if (flags.queue === undefined && (flags.queueName !== undefined || flags.queueCa !== undefined || flags.maxResultMb !== undefined)) {
        throw new ConfigError('--queue-name, --queue-ca and --max-result-mb go with --queue');
      }
      const spec = readSweepSpec(file);
      const out = flags.out ?? runDirForName(spec.name, 'name');
      const plan = planSweep(spec);
      for (const d of plan.duplicates) {
        process.stderr.write(`note: ${d.origin} is the same configuration as ${d.sameAs} (run ${d.key}): trained once\n`);
      }
      let last = 0;
      const onStatus = (s: SweepStatus | QueuedSweepStatus) => {
        if (flags.quiet) return;
        const now = Date.now();
        if (now - last < 1000 && s.running.size > 0) return;
        last = now;
        process.stderr.write(('waiting' in s ? queueStatusLine(s) : statusLine(s)) + '\n');
      };
      const result = await withInterrupt<SweepResult | QueuedSweepResult>((signal) =>
        flags.queue !== undefined
          ? runQueuedSweep(
              spec,
              {
                out,
                ...queueConnection(flags.queue, flags),
                fresh: flags.fresh,
                signal,
                onStatus,
                onNotice: (message) => process.stderr.write(`queue: ${message}\n`),
              },
              plan,
            )
          : runSweep(spec, { out, parallel: flags.parallel, threads: flags.threads, fresh: flags.fresh, signal, onStatus }, plan),
      );
      for (const f of result.failures) process.stderr.write(`run ${f.key} (${f.origin}) failed: ${f.message}\n`);
      if ('timings' in result && result.timings.length > 0 && !flags.quiet) {
        const byWorker = new Map<string, number>();
        for (const t of result.timings) byWorker.set(t.worker ?? 'an unknown worker', (byWorker.get(t.worker ?? 'an unknown worker') ?? 0) + 1);
        process.stderr.write(`runs trained by ${[...byWorker].map(([worker, n]) => `${worker} (${n})`).join(', ')}\n`);
      }
      if (process.exitCode === undefined && result.outcomes.length + result.failures.length < result.runs.length) {
        const left = result.runs.length - result.outcomes.length;
        process.stderr.write(
          flags.queue !== undefined
            ? `stopped following the queue: ${left} runs left (the workers go on); run the same command again to collect them\n`
            : `stopped: ${left} runs left; run the same command again to resume\n`,
        );
        process.exitCode = INTERRUPTED_EXIT;
      }
      process.stdout.write(
        flags.json
          ? JSON.stringify(result.table.objects()) + '\n'
          : sweepMarkdown(result.table, plan.varied, new Map(result.outcomes.map((o) => [o.key, o.pruning]))).results + '\n',
      );
      if (result.failures.length > 0) process.exitCode = 1;
    });
}
