import type { Command } from 'commander';
import { PRESETS, resolveTrainConfig } from '../index.js';

/** What sets a preset apart, in one short line (the rest is the paper's protocol). */
function settings(name: string): string {
  const c = resolveTrainConfig({ preset: name });
  const parts = [`numerics ${c.numerics}`, `dynamic ${c.dynamic}`];
  if (c.dynamic !== 'none') parts.push(`fitness ${c.fitness}`, `η ${c.eta}`);
  if (c.dynamic === 'mutator') parts.push(`μ ${c.mu}`);
  if (c.targetSparsity !== undefined) parts.push(`target sparsity ${Math.round(100 * c.targetSparsity)} %`);
  parts.push(`hidden ${c.hidden.join(',')}`, `${c.epochs} epochs`);
  return parts.join(', ');
}

export function registerPresets(program: Command): void {
  program
    .command('presets')
    .description('list the named configurations that --preset applies, with what each one is for')
    .option('--json', 'print one JSON object: name → { description, config (resolved) }')
    .addHelpText(
      'after',
      `
Examples:
  $ evoprune presets
  $ evoprune train --preset target-80 --out runs/target-80
  $ evoprune config --print --preset target-80   # every resolved field of one preset`,
    )
    .action((flags: { json?: boolean }) => {
      if (flags.json) {
        const all = Object.fromEntries(
          Object.entries(PRESETS).map(([name, p]) => [name, { description: p.description, config: resolveTrainConfig({ preset: name }) }]),
        );
        process.stdout.write(`${JSON.stringify(all, null, 2)}\n`);
        return;
      }
      const lines = Object.entries(PRESETS).flatMap(([name, p]) => [name, `  ${p.description}`, `  ${settings(name)}`, '']);
      process.stdout.write(`${lines.join('\n')}Apply one with --preset NAME; flags given after it override its fields.\n`);
    });
}
