import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  canonical,
  compactChecked,
  DYNAMIC_NAMES,
  inferenceSpeed,
  loadDataset,
  readModelFile,
  nodeEngine,
  pruneSweep,
  saveModel,
  train,
  WasmModel,
  type WasmTrainer,
} from '../../src/index.js';
import { tempDir } from '../helpers/idx.js';

const mnist = loadDataset('mnist', { trainLimit: 3000, testLimit: 500 });

/** A short evolving run on an MNIST subset; `inspect` sees the trainer before it is freed. */
async function evolved(inspect: (trainer: WasmTrainer) => void) {
  return train({ hidden: [48, 24], epochs: 3, batch: 50, targetSparsity: 0.5, participation: true }, { dataset: mnist, onFinish: inspect });
}

describe('hard pruning and compaction', () => {
  it('pruning 0 % changes nothing, 100 % is refused, baselines share the code path', async () => {
    await evolved((trainer) => {
      const full = trainer.model();
      const none = trainer.pruned('mass', 0);
      expect(Array.from(none.logits(mnist.test.images, mnist.test.rows))).toEqual(Array.from(full.logits(mnist.test.images, mnist.test.rows)));
      expect(() => trainer.pruned('mass', 1)).toThrow(
        'cannot prune 100% of populations: the fraction must be in [0, 1) so that every layer keeps at least one',
      );
      expect(() => trainer.pruned('masss' as never, 0.1)).toThrow('pruning score "masss" is not one of mass, magnitude, random, participation');
      const results = pruneSweep(trainer, mnist.test, { scores: ['mass', 'magnitude', 'random', 'participation'], fractions: [0, 0.5] });
      expect(results).toHaveLength(8);
      for (const r of results) {
        expect(r.accuracy).toBeGreaterThan(0);
        // Extinct populations are pruned first: 50 % of 72 leaves min(alive, 36).
        const living = full.alive().reduce((a, b) => a + b, 0);
        expect(r.alive.reduce((a, b) => a + b, 0)).toBe(r.fraction === 0 ? living : Math.min(living, 36));
      }
      for (const m of [full, none]) m.free();
    });
  });

  it('the compact model agrees with the masked one, is smaller, and survives save/load', async () => {
    let checked = false;
    const summary = await evolved((trainer) => {
      const masked = trainer.pruned('mass', 0.5);
      const { compact, maxLogitDifference } = compactChecked(masked, mnist.test);
      expect(maxLogitDifference).toBeLessThanOrEqual(1e-4);
      expect(compact.sizes).toEqual([784, ...masked.alive(), 10]);
      expect(compact.parameterCount).toBeLessThan(masked.parameterCount);
      expect(compact.evaluate(mnist.test.images, mnist.test.labels).accuracy).toBeCloseTo(masked.evaluate(mnist.test.images, mnist.test.labels).accuracy, 2);
      const again = WasmModel.fromBytes(nodeEngine().wasm, compact.toBytes());
      const first20 = mnist.test.images.subarray(0, 20 * 784);
      expect(Array.from(again.logits(first20, 20))).toEqual(Array.from(compact.logits(first20, 20)));
      expect(() => WasmModel.fromBytes(nodeEngine().wasm, compact.toBytes().subarray(0, 50))).toThrow(
        /model file holds \d+ bytes after its header but layer sizes .* need \d+/,
      );
      const file = join(tempDir(), 'compact.model');
      saveModel(compact, file);
      const loaded = readModelFile(file);
      expect(loaded.sizes).toEqual(compact.sizes);
      loaded.free();
      writeFileSync(file, 'not a model at all');
      expect(() => readModelFile(file)).toThrow(`${file}: not an evoprune model (bad header or version)`);
      expect(inferenceSpeed(compact, mnist.test, 128, 1)).toBeGreaterThan(0);
      for (const m of [masked, compact, again]) m.free();
      checked = true;
    });
    expect(checked).toBe(true);
    expect(summary.sparsity).toBeGreaterThan(0); // η = 0.15 without annealing drives extinctions
  });
});

describe('every dynamic on an MNIST subset', () => {
  for (const dynamic of DYNAMIC_NAMES) {
    it(`${dynamic} stays finite and is deterministic`, async () => {
      const config = { hidden: [32, 16], epochs: 1, batch: 64, dynamic, eta: 0.05, trainLimit: 1500, testLimit: 300 };
      const a = await train(config, { dataset: mnist });
      const b = await train(config, { dataset: mnist });
      expect(Number.isFinite(a.testLoss)).toBe(true);
      expect(a.testAccuracy).toBeGreaterThan(0.5);
      expect(a.stateHash).toBe(b.stateHash);
      expect(canonical(a)).toEqual(canonical(b));
      expect(canonical(a)).toEqual(canonical(b));
      const last = a.telemetry[a.telemetry.length - 1]!;
      expect(last.step).toBe(47);
      expect(last.masses.every((m) => m.every((x) => Number.isFinite(x) && x >= 0))).toBe(true);
      if (dynamic === 'logistic') expect(last.masses.every((m) => m.every((x) => x <= 1))).toBe(true);
    });
  }
});
