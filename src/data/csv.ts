// CSV datasets: `csv:<train.csv>[,<test.csv>]`, parsed by arquero. Node (reads files).
import * as aq from 'arquero';
import { ConfigError } from '../config/errors.js';
import { DataError } from './idx-parse.js';
import { labelClasses } from './labels.js';
import { readSource } from './source.js';
import { firstRows, holdOut } from './split.js';
import type { Dataset, DatasetSource, FeatureSet } from './types.js';

/** The label column when none is named. */
export const DEFAULT_LABEL_COLUMN = 'label';

export interface CsvOptions {
  /** The label column's name (default `label`). */
  label?: string | undefined;
  /** With a single file: the fraction of its rows held out as the test split. */
  testFraction?: number | undefined;
  trainLimit?: number | undefined;
  testLimit?: number | undefined;
  /** When given, must equal the number of distinct training labels. */
  classes?: number | undefined;
}

/** A decimal number: digits with an optional sign, point and exponent (no hex, no Infinity, no NaN). */
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

interface CsvFile {
  file: string;
  header: string[];
  /** Cells of the data rows by column (null: empty or missing). */
  columns: (string | null | undefined)[][];
  rows: number;
  source: DatasetSource;
}

function readCsv(file: string): CsvFile {
  const { bytes, source } = readSource(file);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new DataError(`${file}: not UTF-8 text`);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === '') throw new DataError(`${file}: empty file (a CSV needs a header line)`);
  // The header is read as a data row, so every name is seen as written (duplicates included).
  const table = aq.fromCSV(text, { header: false, autoType: false });
  const names = table.columnNames();
  const columns = names.map((n) => table.array(n) as unknown as (string | null | undefined)[]);
  const header = columns.map((c, i) => (c[0] ?? '').trim() || `(column ${i + 1})`);
  const empty = columns.findIndex((c) => (c[0] ?? '').trim() === '');
  if (empty >= 0) throw new DataError(`${file}: column ${empty + 1} of the header has no name`);
  const seen = new Set<string>();
  for (const name of header) {
    if (seen.has(name)) throw new DataError(`${file}: the header names column "${name}" twice`);
    seen.add(name);
  }
  return { file, header, columns: columns.map((c) => c.slice(1)), rows: table.numRows() - 1, source };
}

/** Rows `rows` of a file as features (every column but the label) and class indices. */
function featureSet(csv: CsvFile, featureNames: string[], label: string, index: (value: string) => number | undefined, classNames: string[]): FeatureSet {
  const cols = featureNames.length;
  const features = new Float32Array(csv.rows * cols);
  const labels = new Uint8Array(csv.rows);
  const at = (name: string) => csv.columns[csv.header.indexOf(name)]!;
  const cell = (name: string, r: number, value: string | null | undefined): string => {
    if (value == null || value.trim() === '') throw new DataError(`${csv.file}: row ${r + 1} after the header, column "${name}": the cell is empty`);
    return value;
  };
  const labelCells = at(label);
  for (let r = 0; r < csv.rows; r++) {
    const value = cell(label, r, labelCells[r]);
    const k = index(value);
    if (k === undefined) {
      throw new DataError(
        `${csv.file}: row ${r + 1} after the header, column "${label}": label ${JSON.stringify(value.trim())} is not one of the training labels (${classNames.join(', ')})`,
      );
    }
    labels[r] = k;
  }
  featureNames.forEach((name, j) => {
    const cells = at(name);
    for (let r = 0; r < csv.rows; r++) {
      const text = cell(name, r, cells[r]).trim();
      const x = NUMBER.test(text) ? Math.fround(Number(text)) : Number.NaN;
      if (!Number.isFinite(x)) {
        throw new DataError(
          `${csv.file}: row ${r + 1} after the header, column "${name}": ${JSON.stringify(text)} is not a number${NUMBER.test(text) ? ' that fits an f32' : ''}`,
        );
      }
      features[r * cols + j] = x;
    }
  });
  return { features, labels, rows: csv.rows, cols };
}

/** The file names of a `csv:` spec: one or two, comma-separated. */
export function csvFiles(spec: string): string[] {
  const files = spec.slice('csv:'.length).split(',');
  if (files.length > 2 || files.some((f) => f.trim() === '')) {
    throw new ConfigError(`dataset: ${JSON.stringify(spec)} must be csv:<train.csv> or csv:<train.csv>,<test.csv>`);
  }
  return files;
}

/**
 * Loads `csv:<train.csv>[,<test.csv>]`: a header line, one row per example; the label column is
 * `options.label` (default `label`) and every other column is a numeric feature, read as a double
 * and rounded to f32 (a cell that is empty or not a decimal number is an error naming the file,
 * row and column). Classes come from the training file's distinct labels (the whole file, before
 * any limit or split), ordered as `labelClasses` documents, and are kept in `classNames`. A test
 * file must have the same columns (in any order). With one file, `testFraction` f holds out
 * n = round(f·R) of its R rows as the test split, evenly spread (`evenlySpreadRows`), and the
 * other rows train. `trainLimit`/`testLimit` then keep the first rows of each split.
 */
export function loadCsvDataset(spec: string, options: CsvOptions = {}): Dataset<FeatureSet> {
  const files = csvFiles(spec);
  const label = options.label ?? DEFAULT_LABEL_COLUMN;
  if (files.length === 2 && options.testFraction !== undefined) {
    throw new ConfigError(`testFraction: dataset ${spec} has its own test file; testFraction is only for a single CSV file`);
  }
  if (files.length === 1 && options.testFraction === undefined) {
    throw new ConfigError(
      `dataset ${spec}: one CSV file needs a test split: name a test file (csv:train.csv,test.csv) or hold out rows with testFraction (--test-fraction 0.2)`,
    );
  }
  const train = readCsv(files[0]!);
  if (!train.header.includes(label)) {
    throw new ConfigError(
      `label: column "${label}" is not in ${train.file} (columns: ${train.header.join(', ')}); name the label column with --label (or label in the configuration)`,
    );
  }
  const featureNames = train.header.filter((n) => n !== label);
  if (featureNames.length === 0) throw new DataError(`${train.file}: no feature columns besides the label column "${label}"`);
  if (train.rows < 1) throw new DataError(`${train.file}: no rows after the header`);
  const labelCells = train.columns[train.header.indexOf(label)]!;
  const emptyLabel = labelCells.findIndex((v) => v == null || v.trim() === '');
  if (emptyLabel >= 0) throw new DataError(`${train.file}: row ${emptyLabel + 1} after the header, column "${label}": the cell is empty`);
  const mapping = labelClasses(labelCells as string[], `${train.file} (column "${label}")`);
  if (options.classes !== undefined && options.classes !== mapping.names.length) {
    throw new ConfigError(`classes: ${options.classes}, but ${train.file} has ${mapping.names.length} distinct labels in column "${label}"`);
  }
  let trainSet = featureSet(train, featureNames, label, mapping.index, mapping.names);
  let testSet: FeatureSet;
  const sources = [train.source];
  if (files.length === 2) {
    const test = readCsv(files[1]!);
    const missing = train.header.filter((n) => !test.header.includes(n));
    const extra = test.header.filter((n) => !train.header.includes(n));
    if (missing.length > 0 || extra.length > 0) {
      throw new DataError(
        `${test.file}: its columns differ from ${train.file}'s${missing.length ? `; missing: ${missing.join(', ')}` : ''}${extra.length ? `; extra: ${extra.join(', ')}` : ''}`,
      );
    }
    testSet = featureSet(test, featureNames, label, mapping.index, mapping.names);
    sources.push(test.source);
  } else {
    const f = options.testFraction!;
    const n = Math.round(f * trainSet.rows);
    if (!(f > 0 && f < 1) || n < 1 || n >= trainSet.rows) {
      throw new ConfigError(`testFraction: ${f} of ${trainSet.rows} rows is ${n} test rows; it must leave at least 1 test row and 1 training row`);
    }
    ({ kept: trainSet, held: testSet } = holdOut(trainSet, n, 'testFraction'));
  }
  return {
    name: spec,
    train: firstRows(trainSet, options.trainLimit),
    test: firstRows(testSet, options.testLimit),
    classes: mapping.names.length,
    classNames: mapping.names,
    featureNames,
    sources,
  };
}
