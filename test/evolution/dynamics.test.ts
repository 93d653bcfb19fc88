import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DYNAMIC_NAMES, FITNESS_NAMES, nodeEngine } from '../../src/index.js';

const wasm = nodeEngine().wasm;
const f32 = Math.fround;

interface Params {
  dynamic: string;
  fitness?: string;
  eta: number;
  mu?: number;
  rho?: number;
  epsilon?: number;
}

/** One wasm evolution step of one layer. */
function step(p: Params, masses: number[], grads: number[], smoothed = masses.map(() => 0)) {
  const config = JSON.stringify({
    fitness: p.fitness ?? 'gradient',
    dynamic: p.dynamic,
    eta: p.eta,
    mu: p.mu ?? 0,
    rho: p.rho ?? 0.9,
    epsilon: p.epsilon ?? 1e-3,
    interval: 1,
    warmup: 0,
  });
  const out = wasm.evolution_step(config, 1, Float32Array.from(masses), Float32Array.from(grads), Float32Array.from(smoothed));
  const n = masses.length;
  return { masses: Array.from(out.subarray(0, n)), smoothed: Array.from(out.subarray(n, 2 * n)), standardised: Array.from(out.subarray(2 * n)) };
}

/** DESIGN.md §2 in f64: fitness, smoothing, standardisation, update, extinction, capacity. */
function reference(p: Params, masses: number[], grads: number[], smoothed = masses.map(() => 0)) {
  const rho = p.rho ?? 0.9;
  const eps = p.epsilon ?? 1e-3;
  const alive = masses.map((m) => m > 0);
  const phi = masses.map((m, i) => (p.fitness === 'taylor' ? -m * grads[i]! : p.fitness === 'magnitude' ? Math.abs(grads[i]!) : -grads[i]!));
  const F = masses.map((_, i) => (alive[i] ? rho * smoothed[i]! + (1 - rho) * phi[i]! : 0));
  if (p.dynamic === 'none') return { masses: [...masses], F };
  const idx = masses.map((_, i) => i).filter((i) => alive[i]);
  const mean = idx.reduce((s, i) => s + F[i]!, 0) / idx.length;
  const std = Math.sqrt(idx.reduce((s, i) => s + (F[i]! - mean) ** 2, 0) / idx.length);
  const Ft = masses.map((_, i) => (alive[i] ? (F[i]! - mean) / (std + 1e-12) : 0));
  const total = idx.reduce((s, i) => s + masses[i]!, 0);
  const Fbar = idx.reduce((s, i) => s + masses[i]! * Ft[i]!, 0) / total;
  const mbar = total / idx.length;
  const { eta, mu = 0 } = p;
  let m = masses.map((mi, i) => {
    if (!alive[i]) return 0;
    const f = Ft[i]!;
    switch (p.dynamic) {
      case 'replicator':
        return Math.max(0, mi + eta * mi * (f - Fbar));
      case 'exponential':
        return mi * Math.exp(eta * f);
      case 'mutator':
        return Math.max(0, mi + eta * (mi * (f - Fbar) + mu * (mbar - mi)));
      case 'logistic':
        return Math.min(1, Math.max(0, mi + eta * mi * (1 - mi) * (f - Fbar)));
      default:
        throw new Error(p.dynamic);
    }
  });
  m = m.map((x) => (x < eps ? 0 : x));
  if (p.dynamic !== 'logistic') {
    const sum = m.reduce((a, b) => a + b, 0);
    const living = m.filter((x) => x > 0).length;
    m = m.map((x) => (x * living) / sum);
  }
  return { masses: m, F };
}

function expectClose(got: number[], want: number[], tolerance = 2e-5) {
  expect(got).toHaveLength(want.length);
  for (const [i, g] of got.entries()) expect(Math.abs(g - want[i]!), `[${i}] ${g} vs ${want[i]}`).toBeLessThanOrEqual(tolerance * (1 + Math.abs(want[i]!)));
}

describe('selection dynamics against the DESIGN.md formulas in f64', () => {
  const masses = [1, 0.5, 1.5, 0, 1];
  const grads = [0.02, -0.01, 0.003, 0.5, -0.04];
  const smoothed = [0.01, -0.02, 0.005, 0, 0.03];
  // Every dynamic and fitness mode of the registry: a new one needs its f64 reference above.
  for (const dynamic of DYNAMIC_NAMES) {
    for (const fitness of FITNESS_NAMES) {
      it(`${dynamic} with ${fitness} fitness`, () => {
        const start = dynamic === 'logistic' ? masses.map((m) => Math.min(m, 0.9)) : masses;
        const p = { dynamic, fitness, eta: 0.3, mu: 0.2 };
        const got = step(p, start, grads, smoothed);
        const want = reference(p, start, grads, smoothed);
        expectClose(got.masses, want.masses);
        expectClose(got.smoothed, want.F);
        expect(got.masses[3], 'extinct stays extinct').toBe(0);
      });
    }
  }

  it('extinction below ε is permanent and the survivors renormalise to mean mass 1 among themselves', () => {
    const p = { dynamic: 'replicator', eta: 0.9, epsilon: 0.2 };
    const got = step(p, [1, 0.1, 1.9, 1], [-0.1, 0.3, -0.2, 0.1]);
    expectClose(got.masses, reference(p, [1, 0.1, 1.9, 1], [-0.1, 0.3, -0.2, 0.1]).masses);
    expect(got.masses[1]).toBe(0);
    const living = got.masses.filter((m) => m > 0).length;
    expect(living).toBeLessThan(4);
    expect(got.masses.reduce((a, b) => a + b, 0)).toBeCloseTo(living, 5);
    // However fit it becomes, an extinct population never returns.
    const later = step(p, got.masses, [-5, -5, 0, 0]);
    expect(later.masses[1]).toBe(0);
  });

  it('logistic clamps to [0, 1] and is not renormalised', () => {
    const got = step({ dynamic: 'logistic', eta: 5 }, [0.9, 0.95, 0.5, 0.2], [-1, -1, 1, 1]);
    expect(got.masses.every((m) => m >= 0 && m <= 1)).toBe(true);
    expect(got.masses[0]).toBe(1);
    expect(got.masses[3]).toBe(0);
  });

  it('replicator preserves total mass (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.float({ min: f32(0.5), max: f32(2), noNaN: true }), { minLength: 2, maxLength: 40 }),
        fc.array(fc.float({ min: f32(-1), max: f32(1), noNaN: true }), { minLength: 40, maxLength: 40 }),
        fc.float({ min: f32(0), max: f32(0.2), noNaN: true }),
        (masses, grads, eta) => {
          // Small η: no population hits ε or 0, so the update alone must conserve Σm.
          const got = step({ dynamic: 'replicator', eta }, masses, grads.slice(0, masses.length));
          const before = masses.reduce((a, b) => a + b, 0);
          const after = got.masses.reduce((a, b) => a + b, 0);
          expect(Math.abs(after - masses.length)).toBeLessThan(1e-4 * masses.length);
          expect(before).toBeGreaterThan(0);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('names a bad dynamic or fitness', () => {
    expect(() => step({ dynamic: 'replicatr', eta: 0.1 }, [1], [0])).toThrow(
      'dynamic "replicatr" is not one of none, replicator, exponential, mutator, logistic',
    );
    expect(() => step({ dynamic: 'replicator', fitness: 'fit', eta: 0.1 }, [1], [0])).toThrow('fitness "fit" is not one of gradient, taylor, magnitude');
  });
});
