import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { encodeIdx } from '../../src/data/idx.js';

/** Bytes of an unsigned-byte IDX file with the given dimensions and data. */
export const idxBytes = encodeIdx;

export function tempDir(prefix = 'evoprune-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A small IDX dataset folder: `rows` images of `side×side`, labels cycling over `classes`. */
export function writeIdxDataset(folder: string, rows: number, side = 4, classes = 3, gzip = false): void {
  const write = (name: string, bytes: Uint8Array) => writeFileSync(join(folder, gzip ? `${name}.gz` : name), gzip ? gzipSync(bytes) : bytes);
  for (const [prefix, n] of [
    ['train', rows],
    ['t10k', Math.max(1, Math.floor(rows / 2))],
  ] as const) {
    const labels = Uint8Array.from({ length: n }, (_, i) => i % classes);
    const images = new Uint8Array(n * side * side);
    for (let i = 0; i < n; i++) {
      // Class c lights up row c of the image, plus a little deterministic noise.
      for (let x = 0; x < side; x++) images[i * side * side + labels[i]! * side + x] = 200 + ((i * 7 + x) % 50);
      images[i * side * side + ((i * 5) % (side * side))] = (i * 13) % 90;
    }
    write(`${prefix}-images-idx3-ubyte`, idxBytes([n, side, side], images));
    write(`${prefix}-labels-idx1-ubyte`, idxBytes([n], labels));
  }
}
