import { describe, expect, it } from 'vitest';
import { nodeEngine, type GemmOp } from '../../src/index.js';

const engine = nodeEngine();

/** A deterministic pseudo-random matrix in [-1, 1), computed in JavaScript. */
function random(length: number, seed: number): Float32Array {
  let state = seed >>> 0 || 1;
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state / 2 ** 31 - 1;
  }
  return out;
}

/** f64 reference of op(A)·op(B) (+ C) and the Σ|terms| scale that bounds f32 rounding. */
function reference(op: GemmOp, m: number, n: number, k: number, a: Float32Array, b: Float32Array, c?: Float32Array) {
  const exact = new Float64Array(m * n);
  const scale = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = c ? c[i * n + j]! : 0;
      let t = Math.abs(s);
      for (let p = 0; p < k; p++) {
        const x = op === 'tn' ? a[p * m + i]! : a[i * k + p]!;
        const y = op === 'nt' ? b[j * k + p]! : b[p * n + j]!;
        s += x * y;
        t += Math.abs(x * y);
      }
      exact[i * n + j] = s;
      scale[i * n + j] = t;
    }
  }
  return { exact, scale };
}

const sizes: [number, number, number][] = [
  [0, 0, 0],
  [0, 3, 2],
  [2, 0, 3],
  [3, 2, 0],
  [1, 1, 1],
  [3, 5, 7],
  [4, 16, 9],
  [5, 17, 33],
  [13, 37, 21],
  [67, 71, 130],
];

describe('gemm through the wasm facade', () => {
  for (const op of ['nn', 'tn', 'nt'] as const) {
    for (const [m, n, k] of sizes) {
      for (const accumulate of [false, true]) {
        it(`${op} ${m}×${n}×${k}${accumulate ? ' accumulating' : ''} matches the f64 reference`, () => {
          const a = random(m * k, 1 + m);
          const b = random(k * n, 2 + n);
          const c = accumulate ? random(m * n, 3 + k) : undefined;
          const got = engine.matmul(op, m, n, k, a, b, c);
          const { exact, scale } = reference(op, m, n, k, a, b, c);
          expect(got.length).toBe(m * n);
          for (let i = 0; i < m * n; i++) {
            const tolerance = 1e-6 * (k + 2) * scale[i]! + 1e-30;
            expect(Math.abs(got[i]! - exact[i]!), `C[${i}]`).toBeLessThanOrEqual(tolerance);
          }
        });
      }
    }
  }

  it('overwrites NaN outputs when not accumulating', () => {
    const [m, n, k] = [5, 19, 3];
    const a = engine.array(random(m * k, 7));
    const b = engine.array(random(k * n, 8));
    const c = engine.array(m * n);
    c.view().fill(Number.NaN);
    engine.gemm('nn', m, n, k, a, b, c);
    expect(c.toArray().every(Number.isFinite)).toBe(true);
    for (const x of [a, b, c]) x.free();
  });

  it('names the operand and shape on a size mismatch, before calling wasm', () => {
    expect(() => engine.matmul('nn', 2, 3, 4, new Float32Array(7), new Float32Array(12))).toThrow('gemm(nn): A has 7 elements, expected 8 (2×4)');
    expect(() => engine.matmul('nt', 2, 3, 4, new Float32Array(8), new Float32Array(11))).toThrow('gemm(nt): B has 11 elements, expected 12 (3×4)');
    expect(() => engine.matmul('xx' as GemmOp, 1, 1, 1, [1], [1])).toThrow('op "xx" is not one of nn, tn, nt');
    expect(() => engine.matmul('nn', -1, 1, 1, [], [1])).toThrow('m must be a non-negative integer, got -1');
  });

  it('keeps views valid after wasm memory grows', () => {
    const small = engine.array([1, 2, 3]);
    const before = small.view();
    const big = engine.array(16 * 1024 * 1024); // 64 MiB: forces memory.grow
    expect(small.view()[2]).toBe(3);
    expect(before.buffer === small.view().buffer || before.length === 0).toBe(true);
    big.free();
    small.free();
  });
});

describe('element-wise kernels through the facade', () => {
  it('bias, relu and its backward', () => {
    expect(Array.from(engine.biasAdd(2, 2, [1, 2, 3, 4], [10, 20]))).toEqual([11, 22, 13, 24]);
    expect(Array.from(engine.relu([-1, 0, 2.5]))).toEqual([0, 0, 2.5]);
    expect(Array.from(engine.reluBackward([0, 1, 2], [5, 6, 7]))).toEqual([0, 6, 7]);
    expect(Array.from(engine.columnSums(3, 2, [1, 2, 3, 4, 5, 6]))).toEqual([9, 12]);
  });

  it('softmax cross-entropy matches an f64 reference', () => {
    const [rows, classes] = [7, 10];
    const logits = random(rows * classes, 5).map((x) => x * 6);
    const labels = Uint8Array.from({ length: rows }, (_, r) => (r * 3) % classes);
    const { loss, grad } = engine.softmaxCrossEntropy(rows, classes, logits, labels);
    let mean = 0;
    for (let r = 0; r < rows; r++) {
      const z = Array.from(logits.subarray(r * classes, (r + 1) * classes));
      const mu = Math.max(...z);
      const s = z.reduce((acc, v) => acc + Math.exp(v - mu), 0);
      mean += (Math.log(s) - (z[labels[r]!]! - mu)) / rows;
      for (let j = 0; j < classes; j++) {
        const expected = (Math.exp(z[j]! - mu) / s - (j === labels[r] ? 1 : 0)) / rows;
        expect(Math.abs(grad[r * classes + j]! - expected)).toBeLessThan(1e-6);
      }
    }
    expect(Math.abs(loss - mean)).toBeLessThan(1e-5);
  });

  it('a label out of range is a clear error', () => {
    expect(() => engine.softmaxCrossEntropy(1, 2, [0, 0], Uint8Array.of(2))).toThrow('label 2 in row 0 is not in 0..2');
  });
});
