// The README's own workflow, as a new user runs it, on a small configuration: a dense run and an
// evolving run each go through train --out, report, eval, prune and compact.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, smallTrainArgs } from '../helpers/cli.js';
import { tempDir, writeIdxDataset } from '../helpers/idx.js';

const data = tempDir();
writeIdxDataset(data, 120, 4, 3);
const dataset = `idx:${data}`;

const variants = {
  // Every dense run keeps all populations: its extinction table is empty.
  dense: [] as string[],
  evolving: ['--target-sparsity', '0.5'],
};

describe.each(Object.entries(variants))('a %s run through the README workflow', (kind, flags) => {
  const runs = tempDir();
  const run = join(runs, kind);

  it('train --out, then report', () => {
    const trained = cli([...smallTrainArgs(dataset), ...flags, '--out', run, '--quiet', '--json']);
    expect(trained.code, trained.stderr).toBe(0);
    const summary = JSON.parse(trained.stdout.trim().split('\n').pop()!);
    if (kind === 'dense') expect(summary.sparsity).toBe(0);
    else expect(summary.sparsity).toBeGreaterThan(0);
    for (const file of ['config.json', 'metrics.csv', 'telemetry.json', 'summary.json', 'model.bin', 'report.md', 'extinctions.csv', 'survival.svg']) {
      expect(existsSync(join(run, file)), file).toBe(true);
    }
    const report = cli(['report', run]);
    expect(report.code, report.stderr).toBe(0);
    const markdown = readFileSync(join(run, 'report.md'), 'utf8');
    if (kind === 'dense') expect(markdown).toContain('No population went extinct.');
    else expect(markdown).toContain('| epoch | layer | extinct |');
  });

  it("eval, prune and compact on the run folder use the run's own dataset", () => {
    // No --dataset: the run's config.json says idx:<folder>, whose images have 16 values (MNIST
    // has 784, so evaluating on MNIST would fail).
    const evaluated = cli(['eval', run, '--json']);
    expect(evaluated.code, evaluated.stderr).toBe(0);
    const summary = JSON.parse(readFileSync(join(run, 'summary.json'), 'utf8'));
    expect(JSON.parse(evaluated.stdout).accuracy).toBe(summary.testAccuracy);
    const pruned = cli(['prune', run, '--fraction', '25%', '--json']);
    expect(pruned.code, pruned.stderr).toBe(0);
    expect(JSON.parse(pruned.stdout).alive.reduce((a: number, b: number) => a + b, 0)).toBeLessThanOrEqual(30);
    const compacted = cli(['compact', run, '--out', join(runs, `${kind}-compact.bin`), '--json']);
    expect(compacted.code, compacted.stderr).toBe(0);
    expect(JSON.parse(compacted.stdout).maxLogitDifference).toBeLessThanOrEqual(1e-4);
    // An explicit --dataset still wins (here: MNIST, which does not fit the model).
    const other = cli(['eval', run, '--dataset', 'mnist']);
    expect(other.code).toBe(1);
    expect(other.stderr).toContain('dataset mnist has 784 values per image but the model expects 16');
  });
});

describe('the README quick start and sweep example, small', () => {
  it('train with the CLI example flags, config --print, and the quick sweep on a subset', () => {
    const trained = cli(['train', '--epochs', '1', '--hidden', '16,8', '--seed', '1', '--train-limit', '600', '--test-limit', '200', '--json', '--quiet']);
    expect(trained.code, trained.stderr).toBe(0);
    expect(JSON.parse(trained.stdout.trim().split('\n').pop()!).sizes).toEqual([784, 16, 8, 10]);
    const printed = cli(['config', '--print', '--preset', 'emergent-70', '--eta', '0.03']);
    expect(printed.code, printed.stderr).toBe(0);
    expect(JSON.parse(printed.stdout).eta).toBe(0.03);
    // examples/quick-sweep.json as written (2 epochs on 6,000 images).
    const out = tempDir();
    const sweep = cli(['sweep', 'examples/quick-sweep.json', '--out', out, '--parallel', '2', '--quiet', '--json']);
    expect(sweep.code, sweep.stderr).toBe(0);
    const rows = JSON.parse(sweep.stdout.trim().split('\n').pop()!) as Record<string, unknown>[];
    // 2 dynamics × 2 values of η × 2 seeds.
    expect(rows).toHaveLength(8);
    expect(Object.keys(rows[0]!)).toEqual(expect.arrayContaining(['dynamic', 'eta', 'seed', 'accuracy', 'sparsity', 'pruned35', 'pruned50']));
    const report = cli(['report', out]);
    expect(report.code, report.stderr).toBe(0);
    expect(readdirSync(out)).toEqual(expect.arrayContaining(['results.csv', 'summary.md', 'frontier.md', 'report.md', 'accuracy-sparsity.svg']));
  }, 240_000);
});
