import { nodeEngine } from '../engine/node.js';
import type { GemmOp } from '../engine/engine.js';
import { bestSecondsPerCall } from '../util/timing.js';

/** The products of one training step of the default 784–512–256–10 MLP at batch 128. */
export const TRAINING_SHAPES: { what: string; op: GemmOp; m: number; n: number; k: number }[] = [
  { what: 'forward layer 1   X·W1', op: 'nn', m: 128, n: 512, k: 784 },
  { what: 'forward layer 2   H1·W2', op: 'nn', m: 128, n: 256, k: 512 },
  { what: 'backward dW1      Xᵀ·δ1', op: 'tn', m: 784, n: 512, k: 128 },
  { what: 'backward dW2      H1ᵀ·δ2', op: 'tn', m: 512, n: 256, k: 128 },
  { what: 'backward dH1      δ2·W2ᵀ', op: 'nt', m: 128, n: 512, k: 256 },
];

/** GFLOP/s of the wasm product on one shape (dense random operands), best over `seconds`. */
export function gemmGflops(op: GemmOp, m: number, n: number, k: number, seconds = 0.6): number {
  const engine = nodeEngine();
  const a = engine.array(engine.uniform(m * k, 1, 1, -1, 1));
  const b = engine.array(engine.uniform(k * n, 1, 2, -1, 1));
  const c = engine.array(m * n);
  try {
    return (2 * m * n * k) / bestSecondsPerCall(() => engine.gemm(op, m, n, k, a, b, c), seconds) / 1e9;
  } finally {
    for (const x of [a, b, c]) x.free();
  }
}
