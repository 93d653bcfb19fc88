// What the Node and browser thread pools share (no platform imports: pages and workers load it).

/** At most this many threads per engine (the kernels' pool limit, caller included). */
export const MAX_THREADS = 64;

/** Refuses a thread count that is not an integer in 1..MAX_THREADS, naming it. */
export function checkThreads(threads: number): void {
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS) {
    throw new RangeError(`threads must be an integer from 1 to ${MAX_THREADS}, got ${threads}`);
  }
}

/** Whether this context can share wasm memory with workers: cross-origin isolated, with SharedArrayBuffer. */
export function canShareMemory(): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
}

/**
 * Waits until `threads` threads are in the kernels' pool (`threadCount()` counts them): each
 * worker registers as it enters its loop, just after it said it was ready.
 */
export async function joinPool(threadCount: () => number, threads: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (threadCount() < threads) {
    if (Date.now() > deadline) throw new Error(`evoprune: only ${threadCount()} of ${threads} threads joined the pool within 10 s`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}
