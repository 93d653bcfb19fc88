// Holding rows out of a split (validation, a CSV's test rows): which rows, and copying them.
// Platform-neutral; integer arithmetic only (this moves bytes, it computes nothing that trains).
import { ConfigError } from '../config/errors.js';
import { type DataSplit, type FeatureSet, type ImageSet, isFeatureSet } from './types.js';

/**
 * The `n` rows of `0..rows` held out, evenly spread: row ⌊j·rows/n⌋ for j = 0, 1, …, n − 1
 * (increasing and distinct, since n ≤ rows). A file sorted by label still gives every class its
 * share. Exact integer arithmetic (`rows · n` must stay below 2⁵³).
 */
export function evenlySpreadRows(rows: number, n: number): number[] {
  if (!Number.isSafeInteger(rows) || !Number.isSafeInteger(n) || n < 0 || n > rows) {
    throw new RangeError(`evenlySpreadRows: cannot take ${n} rows of ${rows}`);
  }
  if (!Number.isSafeInteger(rows * n)) throw new RangeError(`evenlySpreadRows: ${rows} × ${n} exceeds exact integer arithmetic`);
  const out: number[] = [];
  for (let j = 0; j < n; j++) {
    // ⌊j·rows/n⌋, corrected for the rounding of the division.
    const product = j * rows;
    let q = Math.floor(product / n);
    while (q * n > product) q--;
    while ((q + 1) * n <= product) q++;
    out.push(q);
  }
  return out;
}

/** A new split holding rows `rows` of `set`, in that order (the values are copied). */
export function takeRows<S extends DataSplit>(set: S, rows: readonly number[]): S {
  const cols = set.cols;
  const labels = Uint8Array.from(rows, (r) => set.labels[r]!);
  if (isFeatureSet(set)) {
    const features = new Float32Array(rows.length * cols);
    for (const [i, r] of rows.entries()) features.set(set.features.subarray(r * cols, (r + 1) * cols), i * cols);
    return { ...set, features, labels, rows: rows.length } satisfies FeatureSet as S;
  }
  const images = new Uint8Array(rows.length * cols);
  const image = set as ImageSet;
  for (const [i, r] of rows.entries()) images.set(image.images.subarray(r * cols, (r + 1) * cols), i * cols);
  return { ...image, images, labels, rows: rows.length } satisfies ImageSet as S;
}

/** The first `n` rows of `set` (a view, no copy); all of it when `n` is undefined or larger. */
export function firstRows<S extends DataSplit>(set: S, n: number | undefined): S {
  if (n === undefined || n >= set.rows) return set;
  const labels = set.labels.subarray(0, n);
  if (isFeatureSet(set)) return { ...set, features: set.features.subarray(0, n * set.cols), labels, rows: n };
  const image = set as ImageSet;
  return { ...image, images: image.images.subarray(0, n * image.cols), labels, rows: n } as S;
}

/**
 * Splits `set` into the `n` held-out rows of `evenlySpreadRows(set.rows, n)` and the others (in
 * their order). `what` names the setting for the error when `n` leaves no row behind.
 */
export function holdOut<S extends DataSplit>(set: S, n: number, what: string): { kept: S; held: S } {
  if (!Number.isInteger(n) || n < 1 || n >= set.rows) {
    throw new ConfigError(`${what}: ${n} rows cannot be held out of ${set.rows} training rows (must be from 1 to ${set.rows - 1})`);
  }
  const held = evenlySpreadRows(set.rows, n);
  const isHeld = new Uint8Array(set.rows);
  for (const r of held) isHeld[r] = 1;
  const kept: number[] = [];
  for (let r = 0; r < set.rows; r++) if (!isHeld[r]) kept.push(r);
  return { kept: takeRows(set, kept), held: takeRows(set, held) };
}
