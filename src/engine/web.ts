// The kernels' `web` build for pages and workers without a bundler (no bare imports here, so a
// module worker, which has no import map, can load it).
import init, * as web from '../../pkg/web/evoprune_wasm.js';
import type { WasmBindings } from './bindings.js';
import { Engine } from './engine.js';
import { guardBindings } from './trap.js';

let loaded: Promise<Engine> | undefined;

/** Loads the kernels once; `wasm` is the .wasm URL, bytes or module (default: beside its glue). */
export function browserEngine(wasm?: string | URL | Response | BufferSource | WebAssembly.Module): Promise<Engine> {
  loaded ??= init(wasm === undefined ? undefined : { module_or_path: wasm }).then(() => new Engine(guardBindings(web as unknown as WasmBindings)));
  return loaded;
}
