import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, writeIdxDataset } from '../helpers/idx.js';
import { cli, smallTrainArgs } from '../helpers/cli.js';

describe('run directories and the model commands', () => {
  const data = tempDir();
  writeIdxDataset(data, 80, 4, 3);
  const dataset = `idx:${data}`;
  const runs = tempDir();
  const run = join(runs, 'evolving');

  it('train --out writes the run; a second run there needs --force', () => {
    const args = [...smallTrainArgs(dataset), '--target-sparsity', '0.5', '--out', run, '--quiet'];
    const r = cli(args);
    expect(r.code, r.stderr).toBe(0);
    for (const file of ['config.json', 'metrics.csv', 'telemetry.json', 'summary.json', 'model.bin', 'report.md', 'survival.svg'])
      expect(existsSync(join(run, file)), file).toBe(true);
    const summary = JSON.parse(readFileSync(join(run, 'summary.json'), 'utf8'));
    expect(summary.stateHash).toMatch(/^[0-9a-f]{64}$/);
    expect(readFileSync(join(run, 'metrics.csv'), 'utf8').split('\n')[0]).toContain('testAccuracy');
    const again = cli(args);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(`${run} already holds a run; choose another folder or pass --force to replace it`);
    expect(readFileSync(join(run, 'summary.json'), 'utf8')).toContain(summary.stateHash);
    expect(cli([...args, '--force']).code).toBe(0);
  });

  it('eval, prune and compact work on the saved run', () => {
    const evaluated = cli(['eval', run, '--dataset', dataset, '--json']);
    expect(evaluated.code, evaluated.stderr).toBe(0);
    expect(JSON.parse(evaluated.stdout).accuracy).toBeGreaterThan(0);
    const pruned = cli(['prune', run, '--dataset', dataset, '--fraction', '25%', '--json']);
    expect(pruned.code, pruned.stderr).toBe(0);
    expect(JSON.parse(pruned.stdout).fraction).toBe(0.25);
    expect(cli(['prune', run, '--dataset', dataset, '--fraction', '1']).stderr).toContain('--fraction expects a number in [0, 1)');
    const out = join(runs, 'compact.bin');
    const compacted = cli(['compact', run, '--dataset', dataset, '--out', out, '--json']);
    expect(compacted.code, compacted.stderr).toBe(0);
    const result = JSON.parse(compacted.stdout);
    expect(result.maxLogitDifference).toBeLessThanOrEqual(1e-4);
    expect(result.parameters).toBeLessThanOrEqual(result.denseParameters);
    expect(cli(['eval', out, '--dataset', dataset]).code).toBe(0);
    expect(cli(['eval', join(runs, 'missing.bin')]).stderr).toContain('missing.bin: cannot read (ENOENT)');
  });

  it('config --print resolves preset, file and flags in that order, and names bad fields', () => {
    const file = join(runs, 'run.json');
    writeFileSync(file, JSON.stringify({ preset: 'emergent-70', eta: 0.03, seed: 4 }));
    const r = cli(['config', '--print', '--config', file, '--seed', '9']);
    expect(r.code, r.stderr).toBe(0);
    const config = JSON.parse(r.stdout);
    expect([config.dynamic, config.eta, config.seed]).toEqual(['exponential', 0.03, 9]);
    writeFileSync(file, JSON.stringify({ dynamic: 'replicatr', epochs: -1, colour: 'red' }));
    const bad = cli(['config', '--config', file]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('dynamic: "replicatr" is not one of none, replicator, exponential, mutator, logistic');
    expect(bad.stderr).toContain('epochs: -1 is too small');
    expect(bad.stderr).toContain('config: unknown field "colour" (allowed: dataset, classes, hidden,');
    writeFileSync(file, '{ "eta": ');
    expect(cli(['config', '--config', file]).stderr).toContain(`${file}: not valid JSON`);
  });
});

describe('every command', () => {
  for (const command of ['train', 'eval', 'prune', 'compact', 'export', 'reproduce', 'sweep', 'worker', 'report', 'bench', 'config', 'presets', 'verify']) {
    it(`${command} --help shows examples`, () => {
      const r = cli([command, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('Examples:');
    });
  }

  it('an unknown command or flag is a usage error (exit 2)', () => {
    expect(cli(['trian']).code).toBe(2);
    expect(cli(['train', '--epoch', '3']).code).toBe(2);
  });

  it('sweep runs a tiny grid on worker threads, then report writes tables and plots', () => {
    const data = tempDir();
    writeIdxDataset(data, 40, 4, 3);
    const grid = join(tempDir(), 'grid.json');
    writeFileSync(
      grid,
      JSON.stringify({
        name: 'smoke',
        base: { dataset: `idx:${data}`, hidden: [6], epochs: 1, batch: 10 },
        grid: { dynamic: ['none', 'exponential'] },
        seeds: [0],
        prune: [0.5],
      }),
    );
    const out = tempDir();
    const r = cli(['sweep', grid, '--out', out, '--parallel', '2', '--json', '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout.trim().split('\n').pop()!)).toHaveLength(2);
    const again = cli(['sweep', grid, '--out', out]);
    expect(again.stderr).toContain('runs 2/2 done (2 already finished)');
    const report = cli(['report', out]);
    expect(report.code, report.stderr).toBe(0);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toContain('## Accuracy–sparsity frontier (Pareto set)');
  });

  it('bench measures kernels and training on this machine', () => {
    const r = cli(['bench', '--batches', '2', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const figures = JSON.parse(r.stdout);
    expect(figures.gemm).toHaveLength(5);
    expect(figures.trainingSamplesPerSecond).toBeGreaterThan(0);
  });
});
