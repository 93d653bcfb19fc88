import { describe, expect, it } from 'vitest';
import { nodeEngine, WasmTrainer } from '../../src/index.js';

/** f64 forward of the population-scaled MLP from flat parameters (order: W, b, m per layer). */
function loss64(sizes: number[], params: Float64Array, images: Uint8Array, labels: Uint8Array): number {
  const rows = labels.length;
  let h = Array.from(images, (b) => Math.fround(b / 255));
  let at = 0;
  for (let l = 0; l + 1 < sizes.length; l++) {
    const [inp, out] = [sizes[l]!, sizes[l + 1]!];
    const hidden = l + 2 < sizes.length;
    const w = params.subarray(at, at + inp * out);
    at += inp * out;
    const b = params.subarray(at, at + out);
    at += out;
    const m = hidden ? params.subarray(at, at + out) : undefined;
    if (hidden) at += out;
    const next = new Array<number>(rows * out);
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < out; j++) {
        let s = b[j]!;
        for (let i = 0; i < inp; i++) s += h[r * inp + i]! * w[i * out + j]!;
        next[r * out + j] = m ? Math.max(s, 0) * m[j]! : s;
      }
    }
    h = next;
  }
  const classes = sizes[sizes.length - 1]!;
  let total = 0;
  for (let r = 0; r < rows; r++) {
    const z = h.slice(r * classes, (r + 1) * classes);
    const mu = Math.max(...z);
    total += Math.log(z.reduce((s, v) => s + Math.exp(v - mu), 0)) - (z[labels[r]!]! - mu);
  }
  return total / rows;
}

describe('gradient of the full step', () => {
  it('matches central finite differences in f64 for every W, b and m of a tiny network', () => {
    const sizes = [6, 5, 4, 3];
    const trainer = new WasmTrainer(nodeEngine().wasm, { sizes, seed: 11, batch: 4, optimizer: { kind: 'sgd', lr: 0.1, momentum: 0.9 } });
    // Non-trivial masses and biases, so every term of the chain rule matters.
    const params = trainer.parameters();
    for (let i = 0; i < params.length; i++) if (Math.abs(params[i]!) === 0) params[i] = 0.1 + ((i * 37) % 11) / 10;
    trainer.setParameters(params);
    const images = Uint8Array.from({ length: 4 * 6 }, (_, i) => (i * 53) % 256);
    const labels = Uint8Array.of(0, 2, 1, 2);
    const { loss, gradients } = trainer.gradients(images, labels);
    const theta = Float64Array.from(trainer.parameters());
    expect(Math.abs(loss - loss64(sizes, theta, images, labels))).toBeLessThan(1e-5);
    const h = 1e-5;
    for (let i = 0; i < theta.length; i++) {
      const orig = theta[i]!;
      theta[i] = orig + h;
      const up = loss64(sizes, theta, images, labels);
      theta[i] = orig - h;
      const down = loss64(sizes, theta, images, labels);
      theta[i] = orig;
      const numeric = (up - down) / (2 * h);
      expect(Math.abs(gradients[i]! - numeric), `parameter ${i}: ${gradients[i]} vs ${numeric}`).toBeLessThan(1e-4 + 1e-3 * Math.abs(numeric));
    }
    trainer.free();
  });
});
