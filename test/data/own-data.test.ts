import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  DATASET_NAMES,
  DataError,
  datasetFromArrays,
  evenlySpreadRows,
  holdOut,
  labelClasses,
  loadDataset,
  resolveTrainConfig,
} from '../../src/index.js';
import { speciesRows, writeCsv } from '../helpers/csv.js';
import { tempDir } from '../helpers/idx.js';

describe('evenly spread held-out rows', () => {
  it('takes rows ⌊j·R/N⌋, distinct and increasing', () => {
    expect(evenlySpreadRows(10, 3)).toEqual([0, 3, 6]);
    expect(evenlySpreadRows(10, 4)).toEqual([0, 2, 5, 7]);
    expect(evenlySpreadRows(7, 7)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(evenlySpreadRows(5, 0)).toEqual([]);
    // Exact where a floating-point division would round up to the next integer.
    const big = 2 ** 26 + 1;
    const rows = evenlySpreadRows(big, 3);
    expect(rows).toEqual([0, Number((BigInt(big) * 1n) / 3n), Number((BigInt(big) * 2n) / 3n)]);
    expect(() => evenlySpreadRows(3, 4)).toThrow(RangeError);
  });

  it('holds out rows of every class of a sorted split, keeping the others in order', () => {
    const labels = Uint8Array.from({ length: 30 }, (_, r) => Math.floor(r / 10));
    const features = Float32Array.from({ length: 60 }, (_, i) => i);
    const { kept, held } = holdOut({ features, labels, rows: 30, cols: 2 }, 6, 'validation');
    expect(Array.from(held.labels)).toEqual([0, 0, 1, 1, 2, 2]);
    expect(Array.from(held.features.subarray(0, 4))).toEqual([0, 1, 10, 11]); // rows 0 and 5
    expect(kept.rows).toBe(24);
    expect(Array.from(kept.features.subarray(0, 4))).toEqual([2, 3, 4, 5]); // rows 1, 2
    expect(() => holdOut({ features, labels, rows: 30, cols: 2 }, 30, 'validation')).toThrow(
      'validation: 30 rows cannot be held out of 30 training rows (must be from 1 to 29)',
    );
  });
});

describe('label classes', () => {
  it('orders integer labels numerically and string labels by code unit', () => {
    expect(labelClasses(['10', '9', '07', '7', ' 10 '], 'x').names).toEqual(['7', '9', '10']);
    const strings = labelClasses(['b', 'B', 'a', '10', '9'], 'x');
    expect(strings.names).toEqual(['10', '9', 'B', 'a', 'b']);
    expect(strings.index('a')).toBe(3);
    expect(strings.index('c')).toBeUndefined();
    expect(labelClasses(['-1', '1'], 'x').index('+1')).toBe(1);
    expect(() => labelClasses(['yes', 'yes'], 'f.csv')).toThrow('f.csv: every label is "yes"; a classifier needs at least 2 classes');
    expect(() =>
      labelClasses(
        Array.from({ length: 300 }, (_, i) => `c${i}`),
        'f.csv',
      ),
    ).toThrow('f.csv: 300 distinct labels; evoprune trains at most 256 classes');
  });
});

describe('datasetFromArrays', () => {
  it('builds f32 features from rows or a flat array, with any number of features and classes', () => {
    const d = datasetFromArrays({
      train: {
        features: [
          [1, 2, 3],
          [4, 5, 6],
          [7, 8, 9.5],
        ],
        labels: [0, 4, 2],
      },
      test: { features: Float32Array.of(1, 1, 1, 2, 2, 2), labels: [1, 0], cols: 3 },
    });
    expect(d.name).toBe('arrays');
    expect(d.classes).toBe(5);
    expect(d.train).toMatchObject({ rows: 3, cols: 3 });
    expect(Array.from(d.train.features)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9.5]);
    expect(Array.from(d.test.labels)).toEqual([1, 0]);
    expect(d.classNames).toBeUndefined();
    const wide = datasetFromArrays({ train: { features: new Float32Array(2 * 1000), labels: [0, 1] }, test: { features: [], labels: [] }, classes: 40 });
    expect([wide.train.cols, wide.classes, wide.test.rows]).toEqual([1000, 40, 0]);
  });

  it('maps string labels to classes in the documented order', () => {
    const d = datasetFromArrays({
      name: 'pets',
      train: { features: [[0], [1], [2]], labels: ['dog', 'cat', 'dog'] },
      test: { features: [[3]], labels: ['cat'] },
      featureNames: ['weight'],
    });
    expect(d.classNames).toEqual(['cat', 'dog']);
    expect(Array.from(d.train.labels)).toEqual([1, 0, 1]);
    expect(d.featureNames).toEqual(['weight']);
    expect(() =>
      datasetFromArrays({ name: 'pets', train: { features: [[0], [1]], labels: ['dog', 'cat'] }, test: { features: [[3]], labels: ['cow'] } }),
    ).toThrow('dataset pets (test): label "cow" of row 0 is not one of the training labels (cat, dog)');
  });

  it('names the split, row and column of what is wrong', () => {
    const bad = (train: Parameters<typeof datasetFromArrays>[0]['train'], message: string) =>
      expect(() => datasetFromArrays({ train, test: { features: [[0, 0]], labels: [0] } })).toThrow(new DataError(message));
    bad(
      {
        features: [
          [0, 1],
          [2, Number.NaN],
        ],
        labels: [0, 1],
      },
      'dataset arrays (train): feature 1 of row 1 is NaN, not a finite number (as f32)',
    );
    bad(
      {
        features: [
          [0, 1],
          [2, 1e39],
        ],
        labels: [0, 1],
      },
      'dataset arrays (train): feature 1 of row 1 is 1e+39, not a finite number (as f32)',
    );
    bad({ features: [[0, 1], [2]], labels: [0, 1] }, 'dataset arrays (train): row 1 has 1 features, row 0 has 2');
    bad({ features: [0, 1, 2], labels: [0, 1] }, 'dataset arrays (train): 3 feature values do not make 2 rows');
    bad(
      {
        features: [
          [0, 1],
          [2, 3],
        ],
        labels: [0, 1.5],
      },
      'dataset arrays (train): label 1.5 of row 1 is not a class index (an integer ≥ 0) or a string',
    );
    expect(() => datasetFromArrays({ train: { features: [[0, 1]], labels: [0] }, test: { features: [[0]], labels: [1] } })).toThrow(
      'dataset arrays: training rows have 2 features, test rows 1',
    );
    expect(() => datasetFromArrays({ train: { features: [[0]], labels: [3] }, test: { features: [[0]], labels: [0] }, classes: 3 })).toThrow(
      'dataset arrays (train): label 3 of row 0 is outside the 3 classes',
    );
  });
});

describe('CSV datasets', () => {
  const dir = tempDir();
  const { header, lines } = speciesRows(60);

  it('reads features in header order and string labels by name, with provenance', () => {
    const train = writeCsv(dir, 'train.csv', header, lines.slice(0, 45));
    // The test file's columns in another order.
    const order = [4, 2, 0, 1, 3];
    const test = writeCsv(
      dir,
      'test.csv',
      order.map((i) => header[i]!),
      lines.slice(45).map((l) => order.map((i) => l[i]!)),
    );
    const d = loadDataset(`csv:${train},${test}`, { label: 'species' });
    expect(d.name).toBe(`csv:${train},${test}`);
    expect(d.classNames).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(d.featureNames).toEqual(['sepal_length', 'sepal_width', 'petal_length', 'petal_width']);
    expect([d.train.rows, d.train.cols, d.test.rows, d.classes]).toEqual([45, 4, 15, 3]);
    const first = lines[45]!;
    expect(Array.from(d.test.features.subarray(0, 4))).toEqual([first[0], first[1], first[3], first[4]].map((v) => Math.fround(Number(v))));
    expect(d.test.labels[0]).toBe(2);
    expect(d.sources!.map((s) => s.file)).toEqual([train, test]);
    expect(d.sources![0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
    const limited = loadDataset(`csv:${train},${test}`, { label: 'species', trainLimit: 5, testLimit: 2 });
    expect([limited.train.rows, limited.test.rows, limited.classes]).toEqual([5, 2, 3]);
  });

  it('maps integer labels in numeric order and uses the column named label by default', () => {
    const file = writeCsv(
      dir,
      'ints.csv',
      ['x', 'label'],
      [
        ['1', '10'],
        ['2', '9'],
        ['3', '10'],
        ['4', '2'],
        ['5', '9'],
      ],
    );
    const other = writeCsv(
      dir,
      'ints-test.csv',
      ['label', 'x'],
      [
        ['2', '0.5'],
        ['09', '7'],
      ],
    );
    const d = loadDataset(`csv:${file},${other}`);
    expect(d.classNames).toEqual(['2', '9', '10']);
    expect(Array.from(d.train.labels)).toEqual([2, 1, 2, 0, 1]);
    expect(Array.from(d.test.labels)).toEqual([0, 1]);
  });

  it('holds out an evenly spread test split of a single file: every class of a sorted file', () => {
    const file = writeCsv(dir, 'all.csv', header, lines);
    const d = loadDataset(`csv:${file}`, { label: 'species', testFraction: 0.2 });
    expect([d.train.rows, d.test.rows]).toEqual([48, 12]);
    expect(new Set(d.test.labels)).toEqual(new Set([0, 1, 2]));
    // Test rows ⌊j·60/12⌋ = 0, 5, 10, …
    expect(d.test.features[0]).toBe(Math.fround(Number(lines[0]![0])));
    expect(d.test.features[4]).toBe(Math.fround(Number(lines[5]![0])));
    expect(d.train.features[0]).toBe(Math.fround(Number(lines[1]![0])));
  });

  it('names the file, row and column of a bad cell', () => {
    const bad = lines.filter((_, r) => r % 6 === 0).map((l) => [...l]);
    bad[6]![3] = '12,5'.replace(',', ';');
    const file = writeCsv(dir, 'bad.csv', header, bad);
    expect(() => loadDataset(`csv:${file}`, { label: 'species', testFraction: 0.2 })).toThrow(
      new DataError(`${file}: row 7 after the header, column "petal_length": "12;5" is not a number`),
    );
    bad[6]![3] = '';
    writeCsv(dir, 'bad.csv', header, bad);
    expect(() => loadDataset(`csv:${file}`, { label: 'species', testFraction: 0.2 })).toThrow(
      `${file}: row 7 after the header, column "petal_length": the cell is empty`,
    );
    bad[6]![3] = '1e39';
    writeCsv(dir, 'bad.csv', header, bad);
    expect(() => loadDataset(`csv:${file}`, { label: 'species', testFraction: 0.2 })).toThrow(
      `${file}: row 7 after the header, column "petal_length": "1e39" is not a number that fits an f32`,
    );
    bad[6]![3] = '0x10';
    writeCsv(dir, 'bad.csv', header, bad);
    expect(() => loadDataset(`csv:${file}`, { label: 'species', testFraction: 0.2 })).toThrow('"0x10" is not a number');
  });

  it('refuses what it cannot read, by name', () => {
    const train = writeCsv(dir, 'ok.csv', header, lines);
    expect(() => loadDataset(`csv:${train}`, { label: 'kind', testFraction: 0.2 })).toThrow(
      new ConfigError(
        `label: column "kind" is not in ${train} (columns: ${header.join(', ')}); name the label column with --label (or label in the configuration)`,
      ),
    );
    expect(() => loadDataset(`csv:${train}`, { label: 'species' })).toThrow(
      /one CSV file needs a test split: name a test file .* or hold out rows with testFraction/,
    );
    expect(() => loadDataset(`csv:${train},${train}`, { label: 'species', testFraction: 0.2 })).toThrow(/testFraction: .* has its own test file/);
    expect(() => loadDataset(`csv:${train}`, { label: 'species', testFraction: 0.001 })).toThrow('testFraction: 0.001 of 60 rows is 0 test rows');
    expect(() => loadDataset(`csv:${train}`, { label: 'species', testFraction: 0.2, classes: 4 })).toThrow(`classes: 4, but ${train} has 3 distinct labels`);
    expect(() => loadDataset('csv:a.csv,b.csv,c.csv')).toThrow('must be csv:<train.csv> or csv:<train.csv>,<test.csv>');
    expect(() => loadDataset(`csv:${join(dir, 'missing.csv')}`, { testFraction: 0.5 })).toThrow(`${join(dir, 'missing.csv')}: cannot read (ENOENT)`);
    const dup = writeCsv(dir, 'dup.csv', ['a', 'a', 'label'], [['1', '2', 'x']]);
    expect(() => loadDataset(`csv:${dup}`, { testFraction: 0.5 })).toThrow(`${dup}: the header names column "a" twice`);
    const onlyLabel = writeCsv(dir, 'only.csv', ['label'], [['x'], ['y']]);
    expect(() => loadDataset(`csv:${onlyLabel}`, { testFraction: 0.5 })).toThrow('no feature columns besides the label column "label"');
    const other = writeCsv(dir, 'other.csv', ['sepal_length', 'species'], [['1', 'setosa']]);
    expect(() => loadDataset(`csv:${train},${other}`, { label: 'species' })).toThrow(
      /its columns differ from .*; missing: sepal_width, petal_length, petal_width/,
    );
    const unseen = writeCsv(dir, 'unseen.csv', header, [['1', '2', 'daisy', '3', '4']]);
    expect(() => loadDataset(`csv:${train},${unseen}`, { label: 'species' })).toThrow(
      `${unseen}: row 1 after the header, column "species": label "daisy" is not one of the training labels (setosa, versicolor, virginica)`,
    );
    const empty = join(dir, 'empty.csv');
    writeFileSync(empty, '\n');
    expect(() => loadDataset(`csv:${empty}`, { testFraction: 0.5 })).toThrow(`${empty}: empty file (a CSV needs a header line)`);
  });

  it('is a dataset spec of the configuration, with its own settings', () => {
    expect(DATASET_NAMES).toContain('csv:<train.csv>[,<test.csv>]');
    const c = resolveTrainConfig({ dataset: 'csv:a.csv', label: 'species', testFraction: 0.25, validation: 10, standardize: false });
    expect(c).toMatchObject({ dataset: 'csv:a.csv', label: 'species', testFraction: 0.25, validation: 10, standardize: false });
    expect(() => resolveTrainConfig({ dataset: 'mnist', label: 'species' })).toThrow('label: "species" is for a csv: dataset, not mnist');
    expect(() => resolveTrainConfig({ dataset: 'csv:a.csv', testFraction: 1 })).toThrow('testFraction: 1 is too big (must be < 1)');
    expect(() => resolveTrainConfig({ validation: -1 })).toThrow('validation: -1 is too small');
    // No validation set: 0 and absent resolve to the same configuration (and so the same run key).
    expect(resolveTrainConfig({ validation: 0 })).toEqual(resolveTrainConfig({}));
    expect('validation' in resolveTrainConfig({ validation: 0 })).toBe(false);
    expect(Object.keys(resolveTrainConfig({}))).not.toContain('standardize');
  });
});
