import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { FRONTIER_DEFAULTS, FRONTIER_METHODS, type FrontierMethod, frontierPairedMarkdown, runDirForName, runFrontier, type SweepStatus } from '../index.js';
import { defined, integerList, nonNegativeInteger, positiveInteger, threadsOption } from './options.js';
import { INTERRUPTED_EXIT, withInterrupt } from './run.js';

/** Comma-separated fractions in [0, 1), e.g. 0.5,0.8. */
function fractions(flag: string) {
  return (value: string): number[] => {
    const parts = value.split(',').map((p) => Number(p.trim()));
    if (parts.some((x) => !Number.isFinite(x) || x < 0 || x >= 1))
      throw new InvalidArgumentError(`${flag} expects fractions in [0, 1) like 0.5,0.8, got "${value}"`);
    return parts;
  };
}

function methodList(value: string): FrontierMethod[] {
  const names = value.split(',').map((p) => p.trim());
  const bad = names.filter((n) => !(FRONTIER_METHODS as readonly string[]).includes(n));
  if (bad.length > 0) throw new InvalidArgumentError(`--methods: ${bad.join(', ')} ${bad.length > 1 ? 'are' : 'is'} not one of ${FRONTIER_METHODS.join(', ')}`);
  if (names.includes('scratch') && !names.includes('selection'))
    throw new InvalidArgumentError('--methods: scratch takes selection’s final shape, so it needs selection too');
  return names as FrontierMethod[];
}

interface FrontierFlags {
  out?: string;
  datasets?: string;
  targets?: number[];
  seeds?: number;
  headline?: number[];
  headlineSeeds?: number;
  epochs?: number;
  methods?: FrontierMethod[];
  ablations?: boolean;
  hidden?: number[];
  batch?: number;
  trainLimit?: number;
  testLimit?: number;
  parallel?: number;
  threads?: number;
  fresh?: boolean;
  quiet?: boolean;
}

export function registerFrontier(program: Command): void {
  threadsOption(program.command('frontier'), 'all cores ÷ --parallel')
    .description('does selection add value? every method and control × target sparsities × datasets × seeds, compared seed by seed (hours: run on purpose)')
    .option('--out <dir>', 'frontier folder (default runs/frontier)')
    .option('--datasets <list>', `datasets (default ${FRONTIER_DEFAULTS.datasets.join(',')})`)
    .option('--targets <list>', `target sparsities (default ${FRONTIER_DEFAULTS.targets.join(',')})`, fractions('--targets'))
    .option('--seeds <n>', `seeds 0…n−1 per target (default ${FRONTIER_DEFAULTS.seeds})`, positiveInteger('--seeds'))
    .option('--headline <target>', `the target that gets more seeds and the ablations (default ${FRONTIER_DEFAULTS.headline?.target})`, fractions('--headline'))
    .option(
      '--headline-seeds <n>',
      `seeds at the headline target (default ${FRONTIER_DEFAULTS.headline?.seeds}; 0: no headline)`,
      nonNegativeInteger('--headline-seeds'),
    )
    .option('--epochs <n>', `training budget of every run (default ${FRONTIER_DEFAULTS.epochs})`, positiveInteger('--epochs'))
    .option('--methods <list>', `methods (default all: ${FRONTIER_METHODS.join(',')})`, methodList)
    .option('--no-ablations', 'skip the ablations of selection at the headline target')
    .option('--hidden <sizes>', 'hidden layer widths of every run (default 512,256)', integerList('--hidden'))
    .option('--batch <n>', 'batch size (default 128)', positiveInteger('--batch'))
    .option('--train-limit <n>', 'use the first n training images (quick frontiers)', positiveInteger('--train-limit'))
    .option('--test-limit <n>', 'use the first n test images', positiveInteger('--test-limit'))
    .option('--parallel <n>', 'runs at once, each on its own worker thread (default: number of cores)', positiveInteger('--parallel'))
    .option('--fresh', 're-run finished runs too')
    .option('--quiet', 'no progress output')
    .addHelpText(
      'after',
      `
Writes <out>/frontier.md (tables and plot), frontier-{runs,summary,paired}.{csv,json,md,arrow},
frontier.svg; the runs live in <out>/runs/<key>/ and <out>/scratch/<key>/ (resumable: run the
same command again after a stop). The full default is ≈ 300 runs of 20 epochs: hours.

Examples:
  $ evoprune frontier --parallel 2
  $ evoprune frontier --datasets mnist --targets 0.8 --seeds 2 --headline-seeds 0 --epochs 5`,
    )
    .action(async (flags: FrontierFlags) => {
      const out = flags.out ?? runDirForName('frontier', 'name');
      const headlineTarget = flags.headline?.[0] ?? FRONTIER_DEFAULTS.headline?.target;
      const headlineSeeds = flags.headlineSeeds ?? FRONTIER_DEFAULTS.headline?.seeds ?? 0;
      let last = 0;
      const onStatus = (phase: string, s: SweepStatus) => {
        if (flags.quiet) return;
        const now = Date.now();
        if (now - last < 2000 && s.running.size > 0) return;
        last = now;
        process.stderr.write(`${phase}: ${s.done}/${s.total} done (${s.skipped} already finished), ${s.failed} failed, ${s.running.size} running\n`);
      };
      const result = await withInterrupt((signal) =>
        runFrontier({
          out,
          ...defined({
            datasets: flags.datasets?.split(',').map((d) => d.trim()),
            targets: flags.targets,
            seeds: flags.seeds,
            epochs: flags.epochs,
            methods: flags.methods,
            parallel: flags.parallel,
            threads: flags.threads,
          }),
          headline: headlineSeeds > 0 && headlineTarget !== undefined ? { target: headlineTarget, seeds: headlineSeeds } : undefined,
          ablations: flags.ablations !== false,
          base: defined({ hidden: flags.hidden, batch: flags.batch, trainLimit: flags.trainLimit, testLimit: flags.testLimit }),
          fresh: flags.fresh,
          signal,
          onStatus,
        }),
      );
      if (process.exitCode === INTERRUPTED_EXIT) return;
      process.stdout.write(frontierPairedMarkdown(result.paired) + '\n');
      process.stderr.write(`wrote ${out}/frontier.md; ${result.failures} failed run${result.failures === 1 ? '' : 's'} (counted at chance accuracy)\n`);
    });
}
