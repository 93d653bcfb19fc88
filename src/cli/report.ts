import type { Command } from 'commander';
import { writeReport } from '../index.js';

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('write a Markdown report with tables and SVG plots for a run directory or a sweep folder')
    .argument('<dir>', 'a run directory (train --out) or a sweep folder')
    .option('--out <dir>', 'where to write report.md and the plots (default: <dir>)')
    .addHelpText('after', '\nExamples:\n  $ evoprune report runs/emergent\n  $ evoprune report runs/paper-sweep')
    .action(async (dir: string, flags: { out?: string }) => {
      const path = await writeReport(dir, flags.out ?? dir);
      process.stdout.write(`${path}\n`);
    });
}
