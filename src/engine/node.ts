import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { isMainThread, Worker } from 'node:worker_threads';
import type { WasmBindings } from './bindings.js';
import { Engine } from './engine.js';
import { checkThreads, joinPool, MAX_THREADS } from './pool.js';
import { guardBindings, isPoisoned } from './trap.js';

const require = createRequire(import.meta.url);
/** The same paths from src/engine and dist/engine. */
const GLUE = '../../pkg/node/evoprune_wasm.js';
const THREADED_GLUE = '../../pkg/threads/node/evoprune_wasm.js';

let loaded: { engine: Engine; raw: WasmBindings } | undefined;

/** A fresh instance of a glue module: the glue instantiates its module when first required. */
function freshGlue(glue: string): WasmBindings {
  const path = require.resolve(glue);
  delete require.cache[path];
  return require(path) as WasmBindings;
}

/**
 * The engine over the committed Node build of the kernels (`pkg/node`, single-threaded),
 * instantiated synchronously on first use. If those kernels trapped, a fresh instance replaces them.
 */
export function nodeEngine(): Engine {
  if (loaded === undefined || isPoisoned(loaded.raw)) {
    const raw = freshGlue(GLUE);
    loaded = { engine: new Engine(guardBindings(raw, 'create a new trainer or model: it gets a new engine')), raw };
  }
  return loaded.engine;
}

/** The threaded build's extra exports (pkg/threads/node). */
interface ThreadedGlue {
  initSync(options?: { module?: WebAssembly.Module; memory?: WebAssembly.Memory }): unknown;
  __wbg_wasm_module: WebAssembly.Module;
  __wbg_memory: WebAssembly.Memory;
}

// A pool worker: the same module on the same shared memory, then the kernels' worker loop, which
// never returns. If that thread traps, it tells the pool (so the calling thread stops waiting for it
// and fails clearly) before the worker dies.
const POOL_WORKER = `const { workerData, parentPort } = require('node:worker_threads');
const glue = require(workerData.glue);
glue.initSync({ module: workerData.module, memory: workerData.memory });
parentPort.postMessage('ready');
try { glue.thread_pool_worker(); } catch (error) { glue.thread_pool_abandon(); throw error; }`;

/** Per thread count: the started pool (its engine and glue) and its workers. */
const pools = new Map<number, { started: Promise<{ engine: Engine; raw: WasmBindings }>; workers: Worker[] }>();

/**
 * The engine for `threads` threads: `nodeEngine()` for 1; otherwise one instance of the threaded
 * build (`pkg/threads`) per thread count, whose pool of `threads − 1` worker_threads shares its
 * memory, started once and kept for the process (the workers do not keep it alive). Every thread
 * count gives the same bits.
 */
export async function nodeEngineFor(threads = 1): Promise<Engine> {
  checkThreads(threads);
  if (threads === 1) return nodeEngine();
  const cached = pools.get(threads);
  if (cached !== undefined) {
    const { engine, raw } = await cached.started;
    if (!isPoisoned(raw)) return engine;
    // These kernels trapped: a new instance and pool replace them.
    for (const w of cached.workers) void w.terminate();
  }
  const workers: Worker[] = [];
  const pool = { workers, started: startPool(threads, workers) };
  pools.set(threads, pool);
  try {
    return (await pool.started).engine;
  } catch (error) {
    pools.delete(threads);
    for (const w of workers) void w.terminate();
    throw error;
  }
}

async function startPool(threads: number, workers: Worker[]): Promise<{ engine: Engine; raw: WasmBindings }> {
  const raw = freshGlue(THREADED_GLUE);
  const glue = raw as unknown as ThreadedGlue;
  // The glue instantiates itself only on the main thread; inside a worker (a --parallel sweep's)
  // this instance makes its own memory.
  if (!isMainThread) glue.initSync();
  const workerData = { glue: require.resolve(THREADED_GLUE), module: glue.__wbg_wasm_module, memory: glue.__wbg_memory };
  await Promise.all(
    Array.from({ length: threads - 1 }, () => {
      const worker = new Worker(POOL_WORKER, { eval: true, workerData });
      workers.push(worker);
      return new Promise<void>((resolve, reject) => {
        worker.once('message', () => resolve());
        worker.once('error', reject);
        worker.once('exit', (code) => reject(new Error(`an evoprune pool worker exited with code ${code} before starting`)));
      });
    }),
  );
  for (const worker of workers) worker.unref();
  await joinPool(() => raw.thread_count(), threads);
  return { engine: new Engine(guardBindings(raw, 'create a new trainer or model: it gets a new engine and thread pool')), raw };
}

/**
 * The default thread count: all the cores split between the runs that share them
 * (`max(1, floor(cores / concurrentRuns))`), so a `--parallel` sweep does not oversubscribe; or
 * `EVOPRUNE_THREADS` when set (the test runner sets 1: its files already run side by side).
 */
export function defaultThreads(concurrentRuns = 1): number {
  const fromEnv = process.env.EVOPRUNE_THREADS;
  if (fromEnv !== undefined && fromEnv !== '') {
    const n = Number(fromEnv);
    if (!Number.isInteger(n) || n < 1 || n > MAX_THREADS)
      throw new RangeError(`EVOPRUNE_THREADS must be an integer from 1 to ${MAX_THREADS}, got "${fromEnv}"`);
    return n;
  }
  return Math.max(1, Math.min(MAX_THREADS, Math.floor(availableParallelism() / Math.max(1, concurrentRuns))));
}
