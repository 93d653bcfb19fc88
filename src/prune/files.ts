import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Engine } from '../engine/engine.js';
import { loadModelWith, type ModelSource, WasmModel } from '../engine/model.js';
import { nodeEngine } from '../engine/node.js';
import { writeFileAtomic } from '../util/atomic.js';

/** Saves a model (atomically: a reader never sees half a file). */
export function saveModel(model: WasmModel, path: string): void {
  writeFileAtomic(path, model.toBytes());
}

/** Reads a model file saved by `saveModel`; the error names the file and what is wrong. */
export function readModelFile(path: string, engine: Engine = nodeEngine()): WasmModel {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new Error(`${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  return WasmModel.fromBytes(engine.wasm, bytes, path);
}

/**
 * A model from its bytes, a file path, a `file:` URL or an `http(s):` URL (fetched), ready for
 * `predict`: the same call as in a page (`evoprune/browser`). Free it with `free()` or `using`.
 */
export async function loadModel(source: ModelSource, options: { engine?: Engine } = {}): Promise<WasmModel> {
  // The 0.1 signature was loadModel(path, engine): say so rather than ignore the engine.
  if ((options as unknown) instanceof Engine) throw new TypeError('loadModel(source, { engine }): pass the engine as an option, not as the second argument');
  const engine = options.engine ?? nodeEngine();
  // Node reads paths and file: URLs from disk; bytes and http(s): URLs go the way they go in a page.
  if (typeof source === 'string' && !/^(https?|file):/i.test(source)) return readModelFile(source, engine);
  if ((source instanceof URL || typeof source === 'string') && new URL(source).protocol === 'file:') return readModelFile(fileURLToPath(source), engine);
  return loadModelWith(engine, source);
}
