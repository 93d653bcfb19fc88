import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type Dataset, loadDataset, loadModel, type WasmModel } from '../index.js';

/** A saved model, and the dataset and test limit of the run that trained it (when known). */
export interface OpenedModel {
  model: WasmModel;
  /** From the run's config.json when `path` is a run folder. */
  dataset?: string;
  testLimit?: number;
}

/** A model file, or a run directory holding model.bin (and config.json, which names its data). */
export function openModel(path: string): OpenedModel {
  if (!(existsSync(path) && statSync(path).isDirectory())) return { model: loadModel(path) };
  let run: { dataset?: unknown; testLimit?: unknown } = {};
  const configFile = join(path, 'config.json');
  if (existsSync(configFile)) {
    try {
      run = JSON.parse(readFileSync(configFile, 'utf8')) as typeof run;
    } catch (error) {
      throw new Error(`${configFile}: not valid JSON (${(error as Error).message})`);
    }
  }
  return {
    model: loadModel(join(path, 'model.bin')),
    dataset: typeof run.dataset === 'string' ? run.dataset : undefined,
    testLimit: typeof run.testLimit === 'number' ? run.testLimit : undefined,
  };
}

/**
 * The test split a model is evaluated on: `--dataset`/`--test-limit` when given, else the run's
 * own, else all of MNIST; checked against the model's input size and classes.
 */
export function testSet(opened: OpenedModel, flags: { dataset?: string; testLimit?: number }, model: WasmModel = opened.model): Dataset {
  const name = flags.dataset ?? opened.dataset ?? 'mnist';
  const testLimit = flags.testLimit ?? (flags.dataset === undefined ? opened.testLimit : undefined);
  // Only the test split matters here; an idx: folder's classes are the model's.
  const data = loadDataset(name, { trainLimit: 1, testLimit, classes: name.startsWith('idx:') ? model.classes : undefined });
  if (data.test.cols !== model.sizes[0]) {
    throw new Error(`dataset ${name} has ${data.test.cols} values per image but the model expects ${model.sizes[0]}`);
  }
  if (data.classes !== model.classes) {
    throw new Error(`dataset ${name} has ${data.classes} classes but the model has ${model.classes} outputs`);
  }
  return data;
}

export function percent(x: number): string {
  return `${(100 * x).toFixed(2)} %`;
}
