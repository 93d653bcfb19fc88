/** Whether this context can share wasm memory with workers: cross-origin isolated, with SharedArrayBuffer. */
export function canShareMemory(): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
}
