/**
 * GFLOP/s of the wasm matrix products on the shapes one training step of the default
 * 784–512–256–10 MLP at batch 128 uses, next to a plain TypeScript loop doing the same product
 * in the same run. Prints a table and the wasm/TypeScript ratio for each shape.
 */
import { gemmGflops, TRAINING_SHAPES } from '../src/bench/gemm.js';
import { nodeEngine, type GemmOp } from '../src/index.js';
import { bestSecondsPerCall } from '../src/util/timing.js';

const engine = nodeEngine();

/** The textbook loop a TypeScript user would write: i, p, j with the B row streamed. */
function typescriptProduct(op: GemmOp, m: number, n: number, k: number, a: Float32Array, b: Float32Array, c: Float32Array): void {
  c.fill(0);
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < k; p++) {
      const x = op === 'tn' ? a[p * m + i]! : a[i * k + p]!;
      if (op === 'nt') {
        for (let j = 0; j < n; j++) c[i * n + j]! += x * b[j * k + p]!;
      } else {
        const row = p * n;
        for (let j = 0; j < n; j++) c[i * n + j]! += x * b[row + j]!;
      }
    }
  }
}

const rows: string[][] = [];
for (const { what, op, m, n, k } of TRAINING_SHAPES) {
  const flop = 2 * m * n * k;
  const aData = engine.uniform(m * k, 1, 1, -1, 1);
  const bData = engine.uniform(k * n, 1, 2, -1, 1);
  const wasmGflops = gemmGflops(op, m, n, k);
  const out = new Float32Array(m * n);
  const tsSeconds = bestSecondsPerCall(() => typescriptProduct(op, m, n, k, aData, bData, out), 0.6);
  const tsGflops = flop / tsSeconds / 1e9;
  rows.push([what, `${op} ${m}×${k}·${k}×${n}`, wasmGflops.toFixed(1), tsGflops.toFixed(2), (wasmGflops / tsGflops).toFixed(1) + '×']);
}

const header = ['product', 'shape', 'wasm GFLOP/s', 'TypeScript GFLOP/s', 'ratio'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
console.log(line(header));
for (const r of rows) console.log(line(r));
console.log(`(best of repeated calls, single thread, Node ${process.version}; target ≥ 24 GFLOP/s on the first row)`);
