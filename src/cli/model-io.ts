import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadDataset, type Dataset } from '../data/registry.js';
import type { WasmModel } from '../engine/model.js';
import { loadModel } from '../prune/files.js';

/** A model file, or a run directory holding model.bin. */
export function openModel(path: string): WasmModel {
  const file = existsSync(path) && statSync(path).isDirectory() ? join(path, 'model.bin') : path;
  return loadModel(file);
}

/** The test split a model is evaluated on, checked against the model's input size. */
export function testSet(dataset: string, model: WasmModel, testLimit?: number): Dataset {
  const data = loadDataset(dataset, { trainLimit: 1, testLimit });
  if (data.test.cols !== model.sizes[0]) {
    throw new Error(`dataset ${dataset} has ${data.test.cols} values per image but the model expects ${model.sizes[0]}`);
  }
  return data;
}

export function percent(x: number): string {
  return `${(100 * x).toFixed(2)} %`;
}
