import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDataset, methodFields, nodeEngine, pairedDifference, planFrontier, resolveTrainConfig, runTraining, t975, verdict } from '../../src/index.js';
import { cli } from '../helpers/cli.js';

const mnist = loadDataset('mnist', { trainLimit: 2000, testLimit: 300 });

/** Zhu & Gupta's cubic with s_i = 0, and the count a layer of n keeps (the floor of numerics 2). */
const cubic = (target: number, t: number, t0: number, t1: number) => target * (1 - (1 - (t1 === t0 ? 1 : (t - t0) / (t1 - t0))) ** 3);
const extinct = (s: number, n: number) => Math.min(Math.round(s * n), n - Math.min(n, Math.max(5, Math.ceil(0.02 * n))));

describe('pruning on a schedule (the frontier’s baselines)', () => {
  it('gradual magnitude pruning follows the cubic schedule step by step, and one-shot pruning happens once', async () => {
    const hidden = [40, 20];
    const epochs = 4; // 2000 rows / batch 50 = 40 steps per epoch, T = 160
    for (const [method, every] of [
      ['gmp', 10],
      ['prune-finetune', 10],
      ['random', 10],
      ['fitness', 10],
    ] as const) {
      const fields = methodFields(method, 0.7, epochs) as { gradual: { start: number; end: number; interval: number } };
      const config = resolveTrainConfig({ ...fields, gradual: { ...fields.gradual, interval: every }, hidden, epochs, batch: 50, telemetryEvery: 10, seed: 3 });
      const summary = await runTraining(config, mnist, nodeEngine());
      const [t0, t1] = [Math.round(config.gradual!.start * 160), Math.round(config.gradual!.end * 160)];
      for (const record of summary.telemetry) {
        // The last pruning step at or before this record.
        const t = record.step;
        const last = t < t0 || t === 0 ? undefined : t >= t1 ? t1 : t0 + Math.floor((t - t0) / every) * every;
        const s = last === undefined ? 0 : cubic(Math.fround(0.7), last, t0, t1);
        expect(record.alive, `${method} at step ${t}`).toEqual(hidden.map((n) => n - extinct(s, n)));
      }
      expect(summary.alive).toEqual([12, 6]);
    }
  });

  it('the schedules are pinned: GMP from epoch 1 to 75 % every 100 steps, the fitness control on the controller’s window, prune-finetune at half', () => {
    expect(methodFields('gmp', 0.8, 20)).toEqual({ dynamic: 'none', gradual: { score: 'magnitude', target: 0.8, start: 0.05, end: 0.75, interval: 100 } });
    expect(methodFields('random', 0.8, 20)).toMatchObject({ gradual: { score: 'random' } });
    expect(methodFields('fitness', 0.8, 20)).toEqual({
      dynamic: 'none',
      gradual: { score: 'fitness', target: 0.8, start: 0.05, end: 0.75, interval: 1 },
      fitness: 'gradient',
      rho: 0.99,
    });
    expect(methodFields('prune-finetune', 0.8, 20)).toMatchObject({ gradual: { start: 0.5, end: 0.5 } });
    expect(() => resolveTrainConfig({ dynamic: 'exponential', gradual: { score: 'magnitude', target: 0.5, start: 0, end: 0.5 } })).toThrow(
      /gradual: pruning on a schedule keeps the masses fixed; it needs dynamic none/,
    );
    expect(() => resolveTrainConfig({ gradual: { score: 'magnitude', target: 0.5, start: 0.6, end: 0.5 } })).toThrow(/gradual: .*start ≤ end/);
    // The ablations' settings are numerics 2 selection settings, refused elsewhere by name.
    expect(() => resolveTrainConfig({ standardizeFitness: false })).toThrow(/standardizeFitness: false is a setting of numerics 2's selection/);
    expect(() => resolveTrainConfig({ numerics: 1, dynamic: 'exponential', maxMass: 8 })).toThrow(/maxMass: 8 is a setting of numerics 2/);
    // Absent, they leave the resolved configuration (and so every run key) as it was.
    expect('standardizeFitness' in resolveTrainConfig({ targetSparsity: 0.8 })).toBe(false);
  });

  it('paired differences carry a t interval, and only an interval that excludes 0 is a win or a loss', () => {
    expect(t975(1)).toBe(12.706);
    expect(t975(4)).toBe(2.776);
    const d = pairedDifference([0.9, 0.92, 0.91], [0.88, 0.9, 0.9]);
    expect(d.n).toBe(3);
    expect(d.mean).toBeCloseTo(0.01666667, 6);
    // sd of (0.02, 0.02, 0.01) = 0.005774; half width = 4.303 · sd / √3
    expect(d.high - d.mean).toBeCloseTo((4.303 * 0.0057735) / Math.sqrt(3), 5);
    expect(verdict(d)).toBe('wins');
    expect(verdict(pairedDifference([0.9, 0.8], [0.85, 0.86]))).toBe('ties');
    expect(verdict(pairedDifference([0.8, 0.81, 0.8], [0.9, 0.92, 0.91]))).toBe('loses');
    expect(verdict(pairedDifference([0.9], [0.8]))).toBe('too few seeds');
  });

  it('plans every method × target × seed with more seeds at the headline, dense references and ablations', () => {
    const runs = planFrontier({
      out: 'x',
      datasets: ['mnist'],
      targets: [0.5, 0.8],
      seeds: 2,
      headline: { target: 0.8, seeds: 3 },
      epochs: 4,
      ablations: true,
    });
    const count = (method: string, target?: number) => runs.filter((r) => r.method === method && (target === undefined || r.target === target)).length;
    expect(count('selection', 0.5)).toBe(2);
    expect(count('selection', 0.8)).toBe(3);
    expect(count('gmp')).toBe(5);
    expect(count('dense')).toBe(3);
    expect(count('scratch')).toBe(0); // planned after selection, from its shape
    expect(count('rho-0.9', 0.8)).toBe(2);
    expect(new Set(runs.map((r) => r.run.key)).size).toBe(runs.length);
  });
});

describe('evoprune frontier, a small configuration end to end', () => {
  it('trains every method and control, pairs them with selection and writes the tables and the plot', { timeout: 300_000 }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'evoprune-frontier-'));
    try {
      const out = join(dir, 'frontier');
      const args = [
        'frontier',
        '--out',
        out,
        '--datasets',
        'mnist',
        '--targets',
        '0.5,0.8',
        '--seeds',
        '2',
        '--headline',
        '0.8',
        '--headline-seeds',
        '2',
        '--epochs',
        '2',
      ];
      const small = ['--hidden', '32,16', '--batch', '50', '--train-limit', '1000', '--test-limit', '200', '--parallel', '2', '--quiet'];
      const r = cli([...args, ...small]);
      expect(r.code, r.stderr).toBe(0);
      const summary = JSON.parse(readFileSync(join(out, 'frontier-summary.json'), 'utf8')) as {
        method: string;
        target: number;
        runs: number;
        flopSparsity: number;
      }[];
      const methods = new Set(summary.map((s) => s.method));
      for (const m of [
        'selection',
        'gmp',
        'random',
        'fitness',
        'prune-finetune',
        'scratch',
        'dense',
        'rho-0.9',
        'taylor-fitness',
        'magnitude-fitness',
        'raw-fitness',
        'exponential-capped',
        'exponential-uncapped',
      ])
        expect(methods, m).toContain(m);
      // The schedules prune each layer to exactly the same fraction: at 80 % their living networks
      // cost the same; scratch has selection's shape (which, on a 2-epoch budget, may stop short
      // of the target: the FLOP-matched columns are for that).
      const flops = (method: string) => summary.find((s) => s.target === 0.8 && s.method === method)!.flopSparsity;
      for (const m of ['random', 'fitness', 'prune-finetune']) expect(flops(m), m).toBeCloseTo(flops('gmp'), 12);
      expect(flops('scratch')).toBeCloseTo(flops('selection'), 12);
      expect(flops('gmp')).toBeGreaterThan(0.75);
      const paired = JSON.parse(readFileSync(join(out, 'frontier-paired.json'), 'utf8')) as { method: string; pairs: number; selection: string }[];
      expect(paired.find((p) => p.method === 'gmp')!.pairs).toBe(2);
      expect(['wins', 'ties', 'loses']).toContain(paired.find((p) => p.method === 'scratch')!.selection);
      const md = readFileSync(join(out, 'frontier.md'), 'utf8');
      expect(md).toContain('| mnist | 80 % | gmp |');
      expect(readFileSync(join(out, 'frontier.svg'), 'utf8')).toContain('test accuracy (%)');
      // Resumable: the same command again trains nothing and writes the same tables.
      const again = cli([...args, ...small]);
      expect(again.code, again.stderr).toBe(0);
      expect(readFileSync(join(out, 'frontier-summary.json'), 'utf8')).toBe(JSON.stringify(summary, null, 2) + '\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
