/**
 * evoprune in web pages, without a bundler: the same trainer API as Node over the `web` build of
 * the kernels, loaded asynchronously from an explicit URL (or the one beside this module).
 *
 *   import { browserEngine, train } from './dist/browser.js';
 *   const engine = await browserEngine('/pkg/web/evoprune_wasm_bg.wasm');
 */
import init, * as web from '../pkg/web/evoprune_wasm.js';
import type { WasmBindings } from './engine/bindings.js';
import { Engine } from './engine/engine.js';

export * from './browser-api.js';

let loaded: Promise<Engine> | undefined;

/** Loads the kernels once; `wasm` is the .wasm URL, bytes or module (default: beside this file). */
export function browserEngine(wasm?: string | URL | Response | BufferSource | WebAssembly.Module): Promise<Engine> {
  loaded ??= init(wasm === undefined ? undefined : { module_or_path: wasm }).then(() => new Engine(web as unknown as WasmBindings));
  return loaded;
}
