import { uniform } from './random.js';

/**
 * A learnable problem whose features are far from zero-centred and of very different scales:
 * class c = which of 4 "signal" features is largest; feature j = 5000 + (j + 1)·300·s_j with
 * s_j ∈ [0, 1), plus a constant feature. A run on it standardizes its inputs (model format 2).
 */
export function signalRows(rows: number, seed: number): { features: number[][]; labels: number[] } {
  const u = uniform(seed);
  const features: number[][] = [];
  const labels: number[] = [];
  for (let r = 0; r < rows; r++) {
    const signal = [u(), u(), u(), u()];
    labels.push(signal.indexOf(Math.max(...signal)));
    features.push([...signal.map((v, j) => 5000 + (j + 1) * 300 * v), 42.5]);
  }
  return { features, labels };
}
