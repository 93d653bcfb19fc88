/// <reference lib="webworker" />
// The training side of trainInWorker: runs inside a (module) Web Worker, so the page never
// freezes and, later, wasm threads may block with Atomics.wait (forbidden on a page's main thread).
// It imports nothing by bare name (no zod: the page resolves the configuration), because a module
// worker has no import map.
import type { Engine } from '../engine/engine.js';
import { runTraining } from '../train/loop.js';
import { transferables, type FromWorker, type ToWorker } from './protocol.js';

/**
 * Answers `train` messages with progress, epochs, telemetry and the summary, and stops at the
 * next chunk of batches on `stop`. `engine(wasm)` loads the kernels once.
 */
export function serveTraining(engine: (wasm?: string) => Engine | Promise<Engine>): void {
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
      const summary = await runTraining(message.config, message.dataset, await engine(message.wasm), {
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
