import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { ConfigError, isKernelUsageError, RunFolderError } from '../index.js';
import { registerBench } from './bench.js';
import { registerCompact } from './compact.js';
import { registerConfig } from './config.js';
import { registerEval } from './eval.js';
import { registerExport } from './export.js';
import { registerFrontier } from './frontier.js';
import { registerPresets } from './presets.js';
import { registerPrune } from './prune.js';
import { registerReproduce } from './reproduce.js';
import { registerReport } from './report.js';
import { registerSweep } from './sweep.js';
import { INTERRUPTED_EXIT } from './run.js';
import { registerTrain } from './train.js';
import { registerVerify } from './verify.js';
import { registerWorker } from './worker.js';

/** Exit codes: 0 ok, 1 the run failed, 2 usage error (bad flag, bad config value), 130 Ctrl-C. */
export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: INTERRUPTED_EXIT } as const;

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export function buildProgram(): Command {
  const program = new Command('evoprune')
    .description('pruning as evolution: train, prune and study population-scaled neural networks (Rust/wasm kernels)')
    .version(version())
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerTrain(program);
  registerEval(program);
  registerPrune(program);
  registerCompact(program);
  registerExport(program);
  registerReproduce(program);
  registerSweep(program);
  registerWorker(program);
  registerFrontier(program);
  registerReport(program);
  registerBench(program);
  registerConfig(program);
  registerPresets(program);
  registerVerify(program);
  for (const command of program.commands) command.exitOverride();
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    // A command that finished but failed in part (a sweep with failed runs) sets exitCode itself.
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version "errors" are normal exits; commander has already printed the message.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (error instanceof RunFolderError) {
      process.stderr.write(`evoprune: ${error.message}\n`);
      return EXIT.usage;
    }
    if (error instanceof Error && error.name === 'AbortError') {
      process.stderr.write('evoprune: stopped by Ctrl-C\n');
      return EXIT.interrupted;
    }
    if (error instanceof ConfigError || isKernelUsageError(error)) {
      process.stderr.write(`evoprune: invalid configuration:\n${(error as Error).message.replace(/^/gm, '  ')}\n`);
      return EXIT.usage;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`evoprune: ${message}\n`);
    return EXIT.failed;
  }
}
