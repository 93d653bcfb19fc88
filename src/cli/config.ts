import type { Command } from 'commander';
import { addRunOptions, configFromFlags, type RunFlags } from './run-options.js';

export function registerConfig(program: Command): void {
  addRunOptions(program.command('config').description('show the fully resolved run configuration (preset, then --config file, then flags)'))
    .option('--print', 'print the resolved configuration as JSON (the default action)')
    .addHelpText(
      'after',
      `
Examples:
  $ evoprune config --print --preset emergent-70
  $ evoprune config --config run.json --eta 0.03`,
    )
    .action((flags: RunFlags & { print?: boolean }) => {
      process.stdout.write(JSON.stringify(configFromFlags(flags), null, 2) + '\n');
    });
}
