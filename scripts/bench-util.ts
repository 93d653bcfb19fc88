/**
 * What every bench shares: `--smoke` (CI: tiny counts, proves the bench runs), interleaved
 * repeats of ours and the peer's (these hosts are noisy: the same bench gave 11.0× and 14.8×),
 * and median [min–max] summaries.
 */
export const smoke = process.argv.includes('--smoke');

/** A numeric flag `--name N`, else `fallback` (else `smokeValue` under --smoke). */
export function flag(name: string, fallback: number, smokeValue = fallback): number {
  const at = process.argv.indexOf(`--${name}`);
  if (at > 0) {
    const value = Number(process.argv[at + 1]);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} expects a positive number, got "${process.argv[at + 1]}"`);
    return value;
  }
  return smoke ? smokeValue : fallback;
}

/** A text flag `--name value`, else `fallback`. */
export function textFlag(name: string): string | undefined;
export function textFlag(name: string, fallback: string): string;
export function textFlag(name: string, fallback?: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  if (at > 0 && process.argv[at + 1] === undefined) throw new Error(`--${name} expects a value`);
  return at > 0 ? process.argv[at + 1] : fallback;
}

/** Runs each measurement once per round, in turn, for `rounds` rounds; returns the samples per measurement. */
export async function interleaved<K extends string>(rounds: number, measure: Record<K, () => number | Promise<number>>): Promise<Record<K, number[]>> {
  const samples = Object.fromEntries(Object.keys(measure).map((k) => [k, [] as number[]])) as Record<K, number[]>;
  for (let r = 0; r < rounds; r++) {
    for (const key of Object.keys(measure) as K[]) samples[key].push(await measure[key]());
  }
  return samples;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** `median [min–max]` with `digits` decimals. */
export function spread(values: readonly number[], digits = 0): string {
  const f = (x: number) => x.toFixed(digits);
  return `${f(median(values))} [${f(Math.min(...values))}–${f(Math.max(...values))}]`;
}

/** Ratios of paired samples (round by round), so a slow moment hits both sides. */
export function ratios(ours: readonly number[], peer: readonly number[]): number[] {
  return ours.map((x, i) => x / peer[i]!);
}
