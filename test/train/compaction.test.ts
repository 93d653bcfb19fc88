import { describe, expect, it } from 'vitest';
import { canonical, loadDataset, nodeEngine, resolveTrainConfig, runTraining, trainRun, type WasmTrainer, writeReport } from '../../src/index.js';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../helpers/cli.js';

const mnist = loadDataset('mnist', { trainLimit: 3000, testLimit: 500 });

describe('compaction during training', () => {
  it('changes no bit (stateHash, model file, canonical run view) on runs with many extinctions, and computes on the living', async () => {
    for (const input of [
      // Numerics 2, the recommended setup: 80 % of each layer extinct by 75 % of 4 epochs.
      { preset: 'target-80', hidden: [128, 64], epochs: 4, batch: 64, seed: 1 },
      // Numerics 1 with Adam and participation tracking (its variables keep moving for the dead).
      { preset: 'paper-logistic', hidden: [96, 48], epochs: 3, batch: 64, eta: 0.5, optimizer: 'adam', participation: true, seed: 2 },
    ]) {
      const config = resolveTrainConfig(input);
      const widths: number[][] = [];
      const run = (compaction: boolean) =>
        runTraining(config, mnist, nodeEngine(), {
          compaction,
          keepModel: true,
          onFinish: (t: WasmTrainer) => void widths.push(t.workingWidths()),
        });
      const off = await run(false);
      const on = await run(true);
      const dead = config.hidden.reduce((a, b) => a + b, 0) - on.alive.reduce((a, b) => a + b, 0);
      expect(dead, JSON.stringify(input)).toBeGreaterThan(0.4 * config.hidden.reduce((a, b) => a + b, 0));
      expect(on.stateHash).toBe(off.stateHash);
      expect(Buffer.from(on.model!).equals(Buffer.from(off.model!))).toBe(true);
      expect(canonical(on)).toEqual(canonical(off));
      // Off computes on every population; on, on the living (plus the dead of the last cadence).
      expect(widths[0]).toEqual(config.hidden);
      expect(widths[1]!.reduce((a, b) => a + b, 0)).toBeLessThan(on.alive.reduce((a, b) => a + b, 0) + 0.15 * config.hidden.reduce((a, b) => a + b, 0));
      // The living-work fraction: 1 while nothing died, then falling to the living network's share.
      const [inputs, classes] = [784, 10];
      const sizes = [inputs, ...on.alive, classes];
      const full = [inputs, ...config.hidden, classes];
      const work = (s: number[]) => s.slice(1).reduce((a, n, i) => a + s[i]! * n, 0);
      expect(on.history[0]!.livingWork).toBeLessThanOrEqual(1);
      const last = on.history.at(-1)!.livingWork!;
      expect(last).toBeGreaterThanOrEqual(work(sizes) / work(full) - 1e-12);
      expect(last).toBeLessThan(on.history[0]!.livingWork!);
    }
  });

  it('a dense run does all the work (living work 1 every epoch)', async () => {
    const summary = await runTraining(resolveTrainConfig({ hidden: [32], epochs: 2, batch: 100 }), mnist, nodeEngine());
    expect(summary.history.map((h) => h.livingWork)).toEqual([1, 1]);
  });

  it('the report plots wall time and living work per epoch', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'evoprune-compaction-'));
    try {
      const run = join(dir, 'run');
      await trainRun(resolveTrainConfig({ preset: 'target-80', hidden: [64, 32], epochs: 2, batch: 64, trainLimit: 3000, testLimit: 500 }), {
        dir: run,
        dataset: mnist,
      });
      await writeReport(run);
      const svg = readFileSync(join(run, 'training-curves.svg'), 'utf8');
      for (const title of ['loss', 'accuracy (%)', 'epoch wall time (s)', 'living work (% of the full network)']) expect(svg).toContain(title);
      expect(readFileSync(join(run, 'metrics.csv'), 'utf8').split('\n')[0]).toContain('livingWork');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('evoprune train --no-compaction gives the stateHash of the default', () => {
    const hashes = [[], ['--no-compaction']].map((extra) => {
      const r = cli([
        'train',
        '--preset',
        'target-80',
        '--hidden',
        '64,32',
        '--epochs',
        '2',
        '--batch',
        '64',
        '--train-limit',
        '2000',
        '--test-limit',
        '300',
        '--json',
        '--quiet',
        ...extra,
      ]);
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout.trim().split('\n').at(-1)!).stateHash as string;
    });
    expect(hashes[1]).toBe(hashes[0]);
  });
});
