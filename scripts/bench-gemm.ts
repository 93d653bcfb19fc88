/**
 * GFLOP/s of the wasm matrix products on the shapes one training step of the default
 * 784–512–256–10 MLP at batch 128 uses, next to a plain TypeScript loop doing the same product
 * in the same run. Prints a table and the wasm/TypeScript ratio for each shape.
 */
import { nodeEngine, type GemmOp } from '../src/index.js';
import { bestSecondsPerCall } from '../src/util/timing.js';

const engine = nodeEngine();

const shapes: { what: string; op: GemmOp; m: number; n: number; k: number }[] = [
  { what: 'forward layer 1   X·W1', op: 'nn', m: 128, n: 512, k: 784 },
  { what: 'forward layer 2   H1·W2', op: 'nn', m: 128, n: 256, k: 512 },
  { what: 'backward dW1      Xᵀ·δ1', op: 'tn', m: 784, n: 512, k: 128 },
  { what: 'backward dW2      H1ᵀ·δ2', op: 'tn', m: 512, n: 256, k: 128 },
  { what: 'backward dH1      δ2·W2ᵀ', op: 'nt', m: 128, n: 512, k: 256 },
];

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
for (const { what, op, m, n, k } of shapes) {
  const flop = 2 * m * n * k;
  const aData = engine.uniform(m * k, 1, 1, -1, 1);
  const bData = engine.uniform(k * n, 1, 2, -1, 1);
  const a = engine.array(aData);
  const b = engine.array(bData);
  const c = engine.array(m * n);
  const wasmSeconds = bestSecondsPerCall(() => engine.gemm(op, m, n, k, a, b, c), 0.6);
  const out = new Float32Array(m * n);
  const tsSeconds = bestSecondsPerCall(() => typescriptProduct(op, m, n, k, aData, bData, out), 0.6);
  for (const x of [a, b, c]) x.free();
  const wasmGflops = flop / wasmSeconds / 1e9;
  const tsGflops = flop / tsSeconds / 1e9;
  rows.push([what, `${op} ${m}×${k}·${k}×${n}`, wasmGflops.toFixed(1), tsGflops.toFixed(2), (wasmGflops / tsGflops).toFixed(1) + '×']);
}

const header = ['product', 'shape', 'wasm GFLOP/s', 'TypeScript GFLOP/s', 'ratio'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
console.log(line(header));
for (const r of rows) console.log(line(r));
console.log(`(best of repeated calls, single thread, Node ${process.version}; target ≥ 24 GFLOP/s on the first row)`);
