/// <reference lib="webworker" />
// The training side of trainInWorker: runs inside a (module) Web Worker, so the page never
// freezes and, later, wasm threads may block with Atomics.wait (forbidden on a page's main thread).
// It imports nothing by bare name (no zod: the page resolves the configuration), because a module
// worker has no import map.
import type { Engine } from '../engine/engine.js';
import { canShareMemory } from '../engine/pool.js';
import { runTraining } from '../train/loop.js';
import { type ThreadsInfo, transferables, type FromWorker, type ToWorker } from './protocol.js';

/**
 * Answers `train` messages with progress, epochs, telemetry and the summary, and stops at the
 * next chunk of batches on `stop`. `engine(wasm)` loads the single-threaded kernels once;
 * `threaded(threads)`, when given, the threaded ones, used when a message asks for more than one
 * thread and this context is cross-origin isolated (otherwise the run uses one thread, same bits,
 * and the `threads` message says why).
 */
export function serveTraining(engine: (wasm?: string) => Engine | Promise<Engine>, threaded?: (threads: number) => Promise<Engine>): void {
  const scope = self as unknown as DedicatedWorkerGlobalScope;
  const post = (message: FromWorker, transfer: Transferable[] = []) => scope.postMessage(message, transfer);
  let controller: AbortController | undefined;
  scope.onmessage = async (event: MessageEvent<ToWorker>) => {
    const message = event.data;
    if (message.type === 'stop') {
      controller?.abort();
      return;
    }
    controller = new AbortController();
    try {
      const { kernels, info } = await chooseKernels(message.threads ?? 1, () => engine(message.wasm), threaded);
      post({ type: 'threads', info });
      const summary = await runTraining(message.config, message.dataset, kernels, {
        signal: controller.signal,
        analyse: message.analyse,
        keepModel: message.keepModel,
        onProgress: (progress) => post({ type: 'progress', progress }),
        onEpoch: (metrics) => post({ type: 'epoch', metrics }),
        onTelemetry: message.telemetry
          ? (record) => {
              // The summary keeps its own copy of every record; the page gets one it may keep.
              const copy = { ...record, masses: record.masses.map((m) => m.slice()), fitness: record.fitness.map((f) => f.slice()) };
              post({ type: 'telemetry', record: copy }, transferables([copy]));
            }
          : undefined,
      });
      post({ type: 'threads', info: { ...info, work: Array.from(kernels.wasm.thread_work()) } });
      post({ type: 'done', summary }, [...transferables(summary.telemetry), ...(summary.model ? [summary.model.buffer as ArrayBuffer] : [])]);
    } catch (error) {
      const e = error instanceof Error ? error : new Error(String(error));
      post({ type: 'error', name: e.name, message: e.message, kind: (e as Error & { kind?: string }).kind });
    }
  };
  // A message sent before this module finished loading (the kernels load with top-level await
  // in some builds) would find no handler: the page waits for `ready`.
  post({ type: 'ready' });
}

/** The kernels for `requested` threads, falling back to one thread (same bits) and saying why. */
async function chooseKernels(
  requested: number,
  single: () => Engine | Promise<Engine>,
  threaded: ((threads: number) => Promise<Engine>) | undefined,
): Promise<{ kernels: Engine; info: ThreadsInfo }> {
  const crossOriginIsolated = canShareMemory();
  let reason: string | undefined;
  if (requested > 1) {
    if (threaded === undefined) reason = 'this entry has no threaded build';
    else if (!crossOriginIsolated)
      reason =
        'the page is not cross-origin isolated (send Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp or credentialless)';
    else {
      try {
        return { kernels: await threaded(requested), info: { requested, used: requested, crossOriginIsolated } };
      } catch (error) {
        reason = `the threaded kernels did not start: ${error instanceof Error ? error.message : String(error)}`;
      }
    }
  }
  return { kernels: await single(), info: { requested, used: 1, crossOriginIsolated, ...(reason ? { reason } : {}) } };
}
