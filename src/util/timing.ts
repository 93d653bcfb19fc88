// Platform-neutral: the global `performance` exists in Node and in browsers.

/**
 * Seconds per call of `body`: calls it in batches for at least `minSeconds` in total after a
 * warm-up, and returns the fastest batch's mean (the least disturbed by the rest of the machine).
 */
export function bestSecondsPerCall(body: () => void, minSeconds: number): number {
  body(); // warm-up: JIT tiers, page faults
  let callsPerBatch = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < callsPerBatch; i++) body();
    if (performance.now() - t0 > 50) break;
    callsPerBatch *= 2;
  }
  let best = Infinity;
  const start = performance.now();
  while ((performance.now() - start) / 1000 < minSeconds) {
    const t0 = performance.now();
    for (let i = 0; i < callsPerBatch; i++) body();
    best = Math.min(best, (performance.now() - t0) / 1000 / callsPerBatch);
  }
  return best;
}
