import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { nodeEngine } from '../../src/index.js';

// The same file pins the native result in crates/kernels/tests/golden.rs.
const golden = JSON.parse(readFileSync(new URL('../golden/gemm.json', import.meta.url), 'utf8')) as {
  seed: number; m: number; n: number; k: number; sha256: string;
};

describe('golden product', () => {
  it('wasm gives the bytes the native kernels give', () => {
    const engine = nodeEngine();
    const { seed, m, n, k } = golden;
    const a = engine.uniform(m * k, seed, 1, -1, 1);
    const b = engine.uniform(k * n, seed, 2, -1, 1);
    const nn = engine.matmul('nn', m, n, k, a, b);
    const tn = engine.matmul('tn', m, n, k, a, b);
    const nt = engine.matmul('nt', m, n, k, a, b, tn);
    const hash = createHash('sha256');
    for (const c of [nn, tn, nt]) hash.update(new Uint8Array(c.buffer, c.byteOffset, c.byteLength));
    expect(hash.digest('hex')).toBe(golden.sha256);
  });
});
