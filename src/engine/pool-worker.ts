/// <reference lib="webworker" />
// A pool worker of the threaded browser build: instantiates the module it is sent on the shared
// memory it is sent, says ready, then runs the kernels' worker loop, which never returns. If this
// thread traps, it tells the pool first, so the thread waiting for it fails instead of hanging.
import { initSync, thread_pool_abandon, thread_pool_worker } from '../../pkg/threads/web/evoprune_wasm.js';

const scope = self as unknown as DedicatedWorkerGlobalScope;
scope.onmessage = (event: MessageEvent<{ module: WebAssembly.Module; memory: WebAssembly.Memory }>) => {
  initSync({ module: event.data.module, memory: event.data.memory });
  scope.postMessage('ready');
  try {
    thread_pool_worker();
  } catch (error) {
    thread_pool_abandon();
    throw error;
  }
};
