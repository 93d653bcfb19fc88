import { describe, expect, it } from 'vitest';
import { loadDataset, PRESETS, REGISTRY, resolveTrainConfig, train } from '../../src/index.js';

describe('numerics versions and --target-sparsity', () => {
  it('new runs use numerics 2; the published presets pin numerics 1', () => {
    expect(resolveTrainConfig({}).numerics).toBe(2);
    for (const name of Object.keys(PRESETS).filter((n) => n.startsWith('paper-') || n === 'emergent-70')) {
      expect(resolveTrainConfig({ preset: name }).numerics, name).toBe(1);
    }
    expect(resolveTrainConfig({ preset: 'target-80' })).toMatchObject({ numerics: 2, targetSparsity: 0.8 });
  });

  it("a target alone picks the registry's recommended dynamic, fitness and smoothing; named settings win", () => {
    const recommended = REGISTRY.stable.targetSparsity;
    expect(resolveTrainConfig({ targetSparsity: 0.8 })).toMatchObject({
      dynamic: recommended.dynamic,
      fitness: recommended.fitness,
      rho: recommended.rho,
      initialMass: recommended.initialMass,
    });
    expect(resolveTrainConfig({ targetSparsity: 0.8, dynamic: 'exponential', rho: 0.95 })).toMatchObject({ dynamic: 'exponential', rho: 0.95, initialMass: 1 });
  });

  it('a target needs numerics 2 and a dynamic that moves masses', () => {
    expect(() => resolveTrainConfig({ targetSparsity: 0.8, numerics: 1 })).toThrow('targetSparsity: a target sparsity needs numerics 2');
    expect(() => resolveTrainConfig({ targetSparsity: 0.8, dynamic: 'none' })).toThrow('the dense dynamic none keeps every population');
    expect(() => resolveTrainConfig({ targetSparsity: 1 })).toThrow('targetSparsity: 1 is too big');
    expect(() => resolveTrainConfig({ numerics: 3 })).toThrow('numerics');
  });

  it('the controller reaches the target by 75 % of the epochs, then holds η at 0 (its trajectory is in the telemetry)', async () => {
    const dataset = loadDataset('mnist', { trainLimit: 3000, testLimit: 500 });
    const summary = await train({ targetSparsity: 0.5, epochs: 8, hidden: [64, 32], telemetryEvery: 10 }, { dataset });
    expect(summary.alive).toEqual([32, 16]);
    const reached = summary.history.findIndex((h) => h.alive[0]! <= 32 && h.alive[1]! <= 16);
    expect(reached + 1).toBeLessThanOrEqual(6);
    const etas = summary.telemetry.map((t) => Math.max(...t.eta));
    expect(Math.max(...etas)).toBeGreaterThan(0);
    expect(etas[etas.length - 1]).toBe(0);
    // Sparsity approaches the target from below: never above it.
    for (const h of summary.history) expect(h.alive[0]! + h.alive[1]!).toBeGreaterThanOrEqual(48);
  });
});
