// The kernels' threaded `web` build for pages and workers: one instance on a shared memory, and a
// pool of module workers (./pool-worker.js) that instantiate the same module on that memory. Shared
// memory needs a cross-origin-isolated context (COOP/COEP headers); `canShareMemory()` says whether
// this one is. No bare imports (a module worker has no import map).
import init, * as glue from '../../pkg/threads/web/evoprune_wasm.js';
import type { WasmBindings } from './bindings.js';
import { Engine } from './engine.js';
import { canShareMemory, checkThreads, joinPool } from './pool.js';
import { guardBindings } from './trap.js';

let started: { threads: number; engine: Promise<Engine> } | undefined;

/**
 * The threaded kernels with a pool of `threads` threads (this one and `threads − 1` module
 * workers), started once per context: a second call must ask for the same count. Rejects, saying
 * why, when this context is not cross-origin isolated. `wasm` is the threaded build's .wasm
 * (default: pkg/threads/evoprune_wasm_bg.wasm beside the glue).
 */
export function browserThreadedEngine(threads: number, wasm?: string | URL): Promise<Engine> {
  try {
    checkThreads(threads);
  } catch (error) {
    return Promise.reject(error);
  }
  if (threads < 2) return Promise.reject(new RangeError('the threaded kernels need at least 2 threads; one thread is the single-threaded build'));
  if (!canShareMemory()) {
    return Promise.reject(
      new Error(
        'this page is not cross-origin isolated (it needs the headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp or credentialless), so wasm memory cannot be shared between threads',
      ),
    );
  }
  if (started !== undefined) {
    if (started.threads !== threads)
      return Promise.reject(new Error(`the threaded kernels of this context already run ${started.threads} threads; they cannot change to ${threads}`));
    return started.engine;
  }
  started = { threads, engine: startPool(threads, wasm ?? new URL('../../pkg/threads/evoprune_wasm_bg.wasm', import.meta.url)) };
  started.engine.catch(() => (started = undefined));
  return started.engine;
}

async function compile(url: string | URL): Promise<WebAssembly.Module> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`could not fetch the threaded kernels ${String(url)}: ${response.status} ${response.statusText}`);
  // A server that does not send application/wasm still works, a little slower.
  return response.headers.get('content-type') === 'application/wasm'
    ? WebAssembly.compileStreaming(response)
    : WebAssembly.compile(await response.arrayBuffer());
}

async function startPool(threads: number, url: string | URL): Promise<Engine> {
  const module = await compile(url);
  await init({ module_or_path: module });
  const memory = glue.wasm_memory() as WebAssembly.Memory;
  await Promise.all(
    Array.from({ length: threads - 1 }, () => {
      const worker = new Worker(new URL('./pool-worker.js', import.meta.url), { type: 'module' });
      return new Promise<void>((resolve, reject) => {
        worker.onmessage = () => resolve();
        worker.onerror = (event) => reject(new Error(`a pool worker failed to start: ${event.message || 'it could not load'}`));
        worker.postMessage({ module, memory });
      });
    }),
  );
  await joinPool(() => glue.thread_count(), threads);
  return new Engine(guardBindings(glue as unknown as WasmBindings));
}
