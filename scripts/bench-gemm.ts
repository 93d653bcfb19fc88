/**
 * GFLOP/s of the wasm matrix products on the shapes one training step of the default
 * 784–512–256–10 MLP at batch 128 uses, next to a plain TypeScript loop doing the same product,
 * interleaved in the same run. Prints median [min–max] and the wasm/TypeScript ratio per shape.
 *
 *   npm run bench:gemm [-- --rounds R]     (--smoke: one short round, for CI)
 */
import { gemmGflops, TRAINING_SHAPES } from '../src/bench/gemm.js';
import { nodeEngine, type GemmOp } from '../src/index.js';
import { bestSecondsPerCall } from '../src/util/timing.js';
import { flag, interleaved, ratios, smoke, spread } from './bench-util.js';

const rounds = flag('rounds', 3, 1);
const seconds = smoke ? 0.05 : 0.6;

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
  const out = new Float32Array(m * n);
  const g = await interleaved(rounds, {
    wasm: () => gemmGflops(op, m, n, k, seconds),
    typescript: () => flop / bestSecondsPerCall(() => typescriptProduct(op, m, n, k, aData, bData, out), seconds) / 1e9,
  });
  rows.push([what, `${op} ${m}×${k}·${k}×${n}`, spread(g.wasm, 1), spread(g.typescript, 2), spread(ratios(g.wasm, g.typescript), 1) + '×']);
}

const header = ['product', 'shape', 'wasm GFLOP/s', 'TypeScript GFLOP/s', 'ratio'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
console.log(line(header));
for (const r of rows) console.log(line(r));
console.log(`(median [min–max] over ${rounds} interleaved rounds, each the best of repeated calls; single thread, Node ${process.version})`);
