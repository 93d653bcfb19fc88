import type { Command } from 'commander';
import { number, positiveInteger } from './options.js';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type Dataset, isFeatureSet, loadDataset, readModelFile, readRunConfig, readRunSummary, type WasmModel } from '../index.js';

/** A saved model, and the dataset and test limit of the run that trained it (when known). */
export interface OpenedModel {
  model: WasmModel;
  /** From the run's config.json when `path` is a run folder. */
  dataset?: string;
  testLimit?: number;
  /** A CSV run's label column and single-file test fraction (config.json). */
  label?: string;
  testFraction?: number;
  /** A CSV run's class names (summary.json): the test labels must map to the same classes. */
  classNames?: string[];
}

/** A model file, or a run directory holding model.bin (and config.json, which names its data). */
export function openModel(path: string): OpenedModel {
  if (!(existsSync(path) && statSync(path).isDirectory())) return { model: readModelFile(path) };
  const model = readModelFile(join(path, 'model.bin'));
  const run = existsSync(join(path, 'config.json')) ? readRunConfig(path) : undefined;
  const summary = existsSync(join(path, 'summary.json')) ? readRunSummary(path) : undefined;
  return { model, dataset: run?.dataset, testLimit: run?.testLimit, label: run?.label, testFraction: run?.testFraction, classNames: summary?.classNames };
}

/** Flags that choose the test data of `eval`, `prune` and `compact`. */
export interface TestDataFlags {
  dataset?: string;
  testLimit?: number;
  label?: string;
  testFraction?: number;
}

/**
 * The test split a model is evaluated on: `--dataset`/`--test-limit` (and for CSV `--label`,
 * `--test-fraction`) when given, else the run's own, else all of MNIST; checked against the
 * model's input size and classes (and a CSV run's class names).
 */
export function testSet(opened: OpenedModel, flags: TestDataFlags, model: WasmModel = opened.model): Dataset {
  const own = flags.dataset === undefined;
  const name = flags.dataset ?? opened.dataset ?? 'mnist';
  const testLimit = flags.testLimit ?? (own ? opened.testLimit : undefined);
  const label = flags.label ?? (own ? opened.label : undefined);
  const testFraction = flags.testFraction ?? (own ? opened.testFraction : undefined);
  // Only the test split matters here; an idx: folder's classes are the model's.
  const data = loadDataset(name, {
    trainLimit: 1,
    testLimit,
    classes: name.startsWith('idx:') ? model.classes : undefined,
    ...(name.startsWith('csv:') ? { label, testFraction } : {}),
  });
  if (data.test.cols !== model.sizes[0]) {
    throw new Error(
      `dataset ${name} has ${data.test.cols} ${isFeatureSet(data.test) ? 'features per row' : 'values per image'} but the model expects ${model.sizes[0]}`,
    );
  }
  if (data.classes !== model.classes) {
    throw new Error(`dataset ${name} has ${data.classes} classes but the model has ${model.classes} outputs`);
  }
  if (opened.classNames && data.classNames && opened.classNames.join('\n') !== data.classNames.join('\n')) {
    throw new Error(
      `dataset ${name} has the classes ${data.classNames.join(', ')} but the run was trained on ${opened.classNames.join(', ')} (summary.json): the labels would not map to the same outputs`,
    );
  }
  return data;
}

/** The options that choose the test data of eval, prune and compact (default: the run's own). */
export function addTestDataOptions(command: Command): Command {
  return command
    .option(
      '--dataset <name>',
      "test data: mnist | fashion-mnist | fashion-mnist:<folder> | idx:<folder> | csv:<train.csv>[,<test.csv>] (default: the run's own dataset, else mnist)",
    )
    .option('--label <column>', "a csv: dataset's label column (default: the run's own, else label)")
    .option('--test-fraction <f>', "a single-file csv: dataset's held-out test fraction (default: the run's own)", number('--test-fraction'))
    .option('--test-limit <n>', "use only the first n test images (default: the run's own limit)", positiveInteger('--test-limit'));
}
