import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/index.js';
import { toMnist } from '../../web/src/digit.js';

const SIDE = 280;

/** A 280 × 280 drawing with ink (255) where `inked(x, y)`. */
function drawing(inked: (x: number, y: number) => boolean): Uint8Array {
  const ink = new Uint8Array(SIDE * SIDE);
  for (let y = 0; y < SIDE; y++) for (let x = 0; x < SIDE; x++) if (inked(x, y)) ink[y * SIDE + x] = 255;
  return ink;
}

/** Rows and columns of a 28 × 28 image that hold ink. */
function extent(image: Uint8Array) {
  const rows = new Set<number>();
  const cols = new Set<number>();
  image.forEach((v, i) => {
    if (v > 0) {
      rows.add(Math.floor(i / 28));
      cols.add(i % 28);
    }
  });
  return { top: Math.min(...rows), bottom: Math.max(...rows), left: Math.min(...cols), right: Math.max(...cols) };
}

/** In pixel indices, as MNIST's is (its digits' average is (14, 14)). */
function centerOfMass(image: Uint8Array): [number, number] {
  let [m, x, y] = [0, 0, 0];
  image.forEach((v, i) => {
    m += v;
    x += v * (i % 28);
    y += v * Math.floor(i / 28);
  });
  return [x / m, y / m];
}

/** Pearson correlation of two images. */
function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  const mean = (v: ArrayLike<number>) => Array.from(v).reduce((s, x) => s + x, 0) / n;
  const [ma, mb] = [mean(a), mean(b)];
  let [ab, aa, bb] = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    ab += (a[i]! - ma) * (b[i]! - mb);
    aa += (a[i]! - ma) ** 2;
    bb += (b[i]! - mb) ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}

describe('a drawing made into an MNIST image', () => {
  it('is nothing when nothing is drawn', () => {
    expect(toMnist(new Uint8Array(SIDE * SIDE), SIDE, SIDE)).toBeUndefined();
    // Antialiasing haze alone is not a digit.
    expect(toMnist(new Uint8Array(SIDE * SIDE).fill(3), SIDE, SIDE)).toBeUndefined();
  });

  it('scales the digit to 20 pixels on its long side, keeps its aspect, and centers its mass, wherever and however large it was drawn', () => {
    // A vertical bar: tall and narrow, in the top-left corner.
    const bar = toMnist(
      drawing((x, y) => x >= 10 && x < 30 && y >= 5 && y < 205),
      SIDE,
      SIDE,
    )!;
    expect(bar).toHaveLength(784);
    const e = extent(bar);
    expect(e.bottom - e.top + 1).toBe(20);
    expect(e.right - e.left + 1).toBe(2);
    const [cx, cy] = centerOfMass(bar);
    expect(Math.abs(cx - 14)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(cy - 14)).toBeLessThanOrEqual(0.5);
    // Row-major, not transposed: a horizontal bar spans columns.
    const across = extent(
      toMnist(
        drawing((x, y) => y >= 100 && y < 120 && x >= 40 && x < 240),
        SIDE,
        SIDE,
      )!,
    );
    expect([across.right - across.left + 1, across.bottom - across.top + 1]).toEqual([20, 2]);
    // The same shape elsewhere and half the size gives the same image.
    const moved = toMnist(
      drawing((x, y) => x >= 200 && x < 210 && y >= 170 && y < 270),
      SIDE,
      SIDE,
    )!;
    expect(Array.from(moved)).toEqual(Array.from(bar));
  });

  it('keeps full ink at 255 and averages partial coverage', () => {
    const block = toMnist(
      drawing((x, y) => x >= 50 && x < 250 && y >= 50 && y < 250),
      SIDE,
      SIDE,
    )!;
    expect(Math.max(...block)).toBe(255);
    expect(block.filter((v) => v === 255)).toHaveLength(400);
    // A 1-pixel line 200 pixels long covers a tenth of a cell's width: a faint line, not none.
    const line = toMnist(
      drawing((x, y) => x === 140 && y >= 40 && y < 240),
      SIDE,
      SIDE,
    )!;
    expect(Math.max(...line)).toBe(255); // the line is the box: it fills its single column
    const slash = toMnist(
      drawing((x, y) => Math.abs(x - y) < 1 && x >= 40 && x < 240),
      SIDE,
      SIDE,
    )!;
    expect(Math.max(...slash)).toBeGreaterThan(0);
    expect(Math.max(...slash)).toBeLessThan(64);
  });

  it('gives back an MNIST digit drawn ten times larger anywhere on the pad (MNIST digits are made the same way)', () => {
    const mnist = loadDataset('mnist', { trainLimit: 1, testLimit: 20 }).test;
    if (!('images' in mnist)) throw new Error('mnist has byte images');
    const correlations: number[] = [];
    for (let row = 0; row < mnist.rows; row++) {
      const digit = mnist.images.subarray(784 * row, 784 * (row + 1));
      // Nearest-neighbour ×10 of the digit, shifted by (row, 2·row) pixels.
      const big = new Uint8Array(SIDE * SIDE);
      for (let y = 0; y < SIDE; y++) {
        for (let x = 0; x < SIDE; x++) {
          const [sx, sy] = [Math.floor((x - row) / 10), Math.floor((y - 2 * row) / 10)];
          if (sx >= 0 && sy >= 0) big[y * SIDE + x] = digit[sy * 28 + sx]!;
        }
      }
      correlations.push(correlation(toMnist(big, SIDE, SIDE)!, digit));
    }
    // Most come back exactly; the rest are a pixel off where faint edge pixels change the box.
    expect(correlations.filter((c) => c > 0.9999).length).toBeGreaterThanOrEqual(12);
    expect(Math.min(...correlations)).toBeGreaterThan(0.8);
  });

  it('names the sizes when the ink does not fit the drawing', () => {
    expect(() => toMnist(new Uint8Array(10), 4, 4)).toThrow(/10 intensities for a 4×4 drawing \(expected 16\)/);
  });
});
