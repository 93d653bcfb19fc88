import { createRequire } from 'node:module';
import type { WasmBindings } from './bindings.js';
import { Engine } from './engine.js';
import { guardBindings, isPoisoned } from './trap.js';

const require = createRequire(import.meta.url);
/** The same path from src/engine and dist/engine. */
const GLUE = '../../pkg/node/evoprune_wasm.js';

let loaded: { engine: Engine; raw: WasmBindings } | undefined;

/**
 * The engine over the committed Node build of the kernels (`pkg/node`), instantiated
 * synchronously on first use. If those kernels trapped, a fresh instance replaces them.
 */
export function nodeEngine(): Engine {
  if (loaded === undefined || isPoisoned(loaded.raw)) {
    const path = require.resolve(GLUE);
    // A new instance: the glue instantiates the module when it is first required.
    delete require.cache[path];
    const raw = require(path) as WasmBindings;
    loaded = { engine: new Engine(guardBindings(raw, 'create a new trainer or model: it gets a new engine')), raw };
  }
  return loaded.engine;
}
