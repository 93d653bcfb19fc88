import { readFileSync } from 'node:fs';
import type { Engine } from '../engine/engine.js';
import { WasmModel } from '../engine/model.js';
import { nodeEngine } from '../engine/node.js';
import { writeFileAtomic } from '../util/atomic.js';

/** Saves a model (atomically: a reader never sees half a file). */
export function saveModel(model: WasmModel, path: string): void {
  writeFileAtomic(path, model.toBytes());
}

/** Loads a model saved by `saveModel`; the error names the file and what is wrong. */
export function loadModel(path: string, engine: Engine = nodeEngine()): WasmModel {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new Error(`${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  try {
    return WasmModel.fromBytes(engine.wasm, bytes);
  } catch (error) {
    throw new Error(`${path}: ${(error as Error).message}`);
  }
}
