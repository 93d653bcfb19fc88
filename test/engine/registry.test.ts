// The registry is owned by Rust and exported as JSON; the trainer takes its defaults from it.
import { describe, expect, it } from 'vitest';
import { kernelErrorKind, nodeEngine, WasmTrainer, type WasmTrainerConfig } from '../../src/index.js';

const wasm = nodeEngine().wasm;

interface Registry {
  dynamics: { name: string; description: string; capacity: string; initialMass: number; params: { name: string; min: number; description: string }[] }[];
  fitness: { name: string; description: string }[];
  scores: { name: string; description: string; needsTrainer: boolean }[];
  scopes: { name: string; description: string }[];
}

describe('registry()', () => {
  const registry = JSON.parse(wasm.registry()) as Registry;

  it('lists every dynamic, fitness mode, pruning score and scope with what a config needs', () => {
    expect(registry.dynamics.map((d) => d.name)).toEqual(['none', 'replicator', 'exponential', 'mutator', 'logistic']);
    expect(registry.dynamics.find((d) => d.name === 'logistic')).toMatchObject({ capacity: 'unit-interval', initialMass: 0.9 });
    expect(registry.dynamics.find((d) => d.name === 'mutator')!.params.map((p) => [p.name, p.min])).toEqual([
      ['eta', 0],
      ['mu', 0],
    ]);
    expect(registry.fitness.map((f) => f.name)).toEqual(['gradient', 'taylor', 'magnitude']);
    expect(registry.scores.filter((s) => s.needsTrainer).map((s) => s.name)).toEqual(['participation']);
    expect(registry.scopes.map((s) => s.name)).toEqual(['global', 'layer']);
    for (const entry of [...registry.dynamics, ...registry.fitness, ...registry.scores, ...registry.scopes]) {
      expect(entry.description.length, entry.name).toBeGreaterThan(10);
    }
  });

  it("a trainer without initialMass starts at its dynamic's default; logistic refuses to start at 1", () => {
    const config: WasmTrainerConfig = {
      sizes: [4, 3, 2],
      seed: 0,
      batch: 2,
      optimizer: { kind: 'sgd', lr: 0.1, momentum: 0.9 },
      evolution: { fitness: 'gradient', dynamic: 'logistic', eta: 0.1, mu: 0, rho: 0.9, epsilon: 1e-3, interval: 1, warmup: 0 },
    };
    const logistic = new WasmTrainer(wasm, config);
    expect(Array.from(logistic.masses(0))).toEqual([0.9, 0.9, 0.9].map(Math.fround));
    logistic.free();
    const dense = new WasmTrainer(wasm, { ...config, evolution: undefined });
    expect(Array.from(dense.masses(0))).toEqual([1, 1, 1]);
    dense.free();
    try {
      new WasmTrainer(wasm, { ...config, initialMass: 1 }).free();
      expect.unreachable('accepted initialMass 1 for logistic');
    } catch (error) {
      expect(kernelErrorKind(error)).toBe('config');
      expect((error as Error).message).toContain('initialMass: 1 is out of range (must be < 1');
    }
  });
});
