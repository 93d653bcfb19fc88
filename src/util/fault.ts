// Crash points for the crash-and-resume tests: with EVOPRUNE_TEST_FAULT=<point> the process
// kills itself (SIGKILL, no clean-up) when it reaches that point, e.g. `step:37` (after the
// optimizer step 37), `before-write:summary.json`, `after-write:checkpoint.bin`. Unset, nothing
// happens. Platform-neutral: in a page there is no process and no fault.

const target = typeof process !== 'undefined' ? process.env?.EVOPRUNE_TEST_FAULT : undefined;

/** The step a `step:N` fault kills at (chunks of batches end there), else undefined. */
export const faultStep: number | undefined = target?.startsWith('step:') ? Number(target.slice(5)) : undefined;

export function faultPoint(point: string): void {
  if (target !== undefined && point === target) process.kill(process.pid, 'SIGKILL');
}
