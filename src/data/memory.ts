// Datasets from arrays in memory: any number of f32 features and of classes. Platform-neutral,
// so pages can build a dataset from their own data.
import { DataError } from './idx-parse.js';
import { labelClasses, MAX_CLASSES } from './labels.js';
import type { Dataset, FeatureSet } from './types.js';

/** One split given as arrays. */
export interface ArraySplit {
  /**
   * The features: one array per row (`number[][]`, `Float32Array[]`, all of one length), or all
   * rows flat in row-major order (`Float32Array` or `number[]`, then `cols` says how many per row
   * unless it follows from the labels' count).
   */
  features: Float32Array | readonly number[] | readonly ArrayLike<number>[];
  /** One label per row: class indices (integers from 0), or strings mapped to classes (see `labelClasses`). */
  labels: ArrayLike<number> | readonly string[];
  /** Features per row, for flat features (checked when given). */
  cols?: number;
}

export interface ArraysDatasetInput {
  /** The dataset's name in summaries (default `arrays`). */
  name?: string;
  train: ArraySplit;
  test: ArraySplit;
  /** Classes; default: for numeric labels the largest + 1 (at least 2), for string labels how many distinct ones the training split has. */
  classes?: number;
  /** Names of the features, in column order (kept in `dataset.featureNames`). */
  featureNames?: string[];
}

function features(split: ArraySplit, rows: number, where: string): { values: Float32Array; cols: number } {
  const f = split.features;
  let values: Float32Array;
  let cols: number;
  const nested = !(f instanceof Float32Array) && f.length > 0 && typeof (f as readonly unknown[])[0] !== 'number';
  if (nested) {
    const list = f as readonly ArrayLike<number>[];
    if (list.length !== rows) throw new DataError(`${where}: ${list.length} feature rows for ${rows} labels`);
    cols = list[0]!.length;
    values = new Float32Array(rows * cols);
    list.forEach((row, r) => {
      if (row.length !== cols) throw new DataError(`${where}: row ${r} has ${row.length} features, row 0 has ${cols}`);
      values.set(row, r * cols);
    });
  } else {
    const flat = f as Float32Array | readonly number[];
    // An empty split takes its width from the other split (-1 until then).
    if (rows === 0 && flat.length === 0) return { values: new Float32Array(0), cols: split.cols ?? -1 };
    cols = split.cols ?? flat.length / rows;
    if (!Number.isInteger(cols) || cols < 1 || flat.length !== rows * cols) {
      throw new DataError(`${where}: ${flat.length} feature values do not make ${rows} rows${split.cols === undefined ? '' : ` of ${split.cols}`}`);
    }
    values = flat instanceof Float32Array ? flat : Float32Array.from(flat);
  }
  if (split.cols !== undefined && split.cols !== cols) throw new DataError(`${where}: rows have ${cols} features, not cols = ${split.cols}`);
  if (cols < 1) throw new DataError(`${where}: rows have no features`);
  // Checked before f32 rounding too: a number too large for f32 becomes Infinity there.
  const at = values.findIndex((x) => !Number.isFinite(x));
  if (at >= 0) {
    const r = Math.floor(at / cols);
    const raw = nested ? (f as readonly ArrayLike<number>[])[r]![at % cols] : (f as ArrayLike<number>)[at];
    throw new DataError(`${where}: feature ${at % cols} of row ${r} is ${raw}, not a finite number (as f32)`);
  }
  return { values, cols };
}

function isStrings(labels: ArraySplit['labels']): labels is readonly string[] {
  return Array.isArray(labels) && labels.some((y) => typeof y === 'string');
}

/**
 * A dataset of f32 features from arrays: `datasetFromArrays({ train: { features, labels }, test:
 * { features, labels } })`. Features are one array per row or flat with `cols`; every value must
 * be finite as an f32. Labels are class indices (integers from 0; classes: `classes`, else the
 * largest label + 1) or strings (classes: the training labels' distinct values, ordered as
 * `labelClasses` documents, kept in `classNames`; a test label not among them is an error).
 * Training standardizes these features by default (`standardize`).
 */
export function datasetFromArrays(input: ArraysDatasetInput): Dataset<FeatureSet> {
  const name = input.name ?? 'arrays';
  const splits = { train: input.train, test: input.test };
  for (const [which, split] of Object.entries(splits)) {
    if (!split || typeof split !== 'object') throw new DataError(`dataset ${name}: ${which} must be { features, labels }`);
  }
  const strings = isStrings(input.train.labels);
  if (isStrings(input.test.labels) !== strings) throw new DataError(`dataset ${name}: train and test labels must both be numbers or both strings`);
  let classes: number;
  let classNames: string[] | undefined;
  let toIndex: (value: unknown, where: string, row: number) => number;
  if (strings) {
    const mapping = labelClasses(input.train.labels as readonly string[], `dataset ${name} (train labels)`);
    classNames = mapping.names;
    classes = mapping.names.length;
    if (input.classes !== undefined && input.classes !== classes) {
      throw new DataError(`dataset ${name}: classes is ${input.classes} but the training labels hold ${classes} distinct values`);
    }
    toIndex = (value, where, row) => {
      const k = typeof value === 'string' ? mapping.index(value) : undefined;
      if (k === undefined)
        throw new DataError(`${where}: label ${JSON.stringify(value)} of row ${row} is not one of the training labels (${classNames!.join(', ')})`);
      return k;
    };
  } else {
    let top = -1;
    for (const [which, split] of Object.entries(splits)) {
      for (let r = 0; r < split.labels.length; r++) {
        const y = (split.labels as ArrayLike<unknown>)[r];
        if (typeof y !== 'number' || !Number.isInteger(y) || y < 0) {
          throw new DataError(`dataset ${name} (${which}): label ${JSON.stringify(y)} of row ${r} is not a class index (an integer ≥ 0) or a string`);
        }
        top = Math.max(top, y);
      }
    }
    classes = input.classes ?? Math.max(2, top + 1);
    if (!Number.isInteger(classes) || classes < 2 || classes > MAX_CLASSES) {
      throw new DataError(`dataset ${name}: classes must be an integer from 2 to ${MAX_CLASSES}, got ${classes}`);
    }
    toIndex = (value, where, row) => {
      if ((value as number) >= classes) throw new DataError(`${where}: label ${value} of row ${row} is outside the ${classes} classes`);
      return value as number;
    };
  }
  const build = (which: 'train' | 'test'): FeatureSet => {
    const split = splits[which];
    const where = `dataset ${name} (${which})`;
    const rows = split.labels.length;
    const { values, cols } = features(split, rows, where);
    const labels = new Uint8Array(rows);
    for (let r = 0; r < rows; r++) labels[r] = toIndex((split.labels as ArrayLike<unknown>)[r], where, r);
    return { features: values, labels, rows, cols };
  };
  const train = build('train');
  const test = build('test');
  if (train.rows === 0) throw new DataError(`dataset ${name}: the training split has no rows`);
  if (test.cols === -1) test.cols = train.cols;
  if (train.cols !== test.cols) throw new DataError(`dataset ${name}: training rows have ${train.cols} features, test rows ${test.cols}`);
  if (input.featureNames !== undefined && input.featureNames.length !== train.cols) {
    throw new DataError(`dataset ${name}: ${input.featureNames.length} feature names for ${train.cols} features`);
  }
  return {
    name,
    train,
    test,
    classes,
    ...(classNames ? { classNames } : {}),
    ...(input.featureNames ? { featureNames: [...input.featureNames] } : {}),
  };
}
