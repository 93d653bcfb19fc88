import { createRequire } from 'node:module';
import type { WasmBindings } from './bindings.js';
import { Engine } from './engine.js';

let loaded: Engine | undefined;

/**
 * The engine over the committed Node build of the kernels (`pkg/node`), instantiated
 * synchronously on first use. The path is the same from `src/engine` and `dist/engine`.
 */
export function nodeEngine(): Engine {
  if (loaded === undefined) {
    const require = createRequire(import.meta.url);
    loaded = new Engine(require('../../pkg/node/evoprune_wasm.js') as WasmBindings);
  }
  return loaded;
}
