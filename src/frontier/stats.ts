// Paired statistics for the frontier: the same seed gives two methods the same initial weights
// and data order, so their difference per seed is the honest comparison.

/** Two-sided 97.5 % quantiles of Student's t for 1…30 degrees of freedom (then the normal's). */
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069,
  2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/** t_{0.975, df}: the half-width factor of a 95 % confidence interval of a mean. */
export function t975(df: number): number {
  if (!Number.isInteger(df) || df < 1) throw new RangeError(`degrees of freedom must be a positive integer, got ${df}`);
  return T975[df - 1] ?? 1.96;
}

export interface PairedDifference {
  /** Pairs (seeds both sides have). */
  n: number;
  mean: number;
  /** 95 % confidence interval of the mean difference (t, n − 1 degrees of freedom); NaN with fewer than 2 pairs. */
  low: number;
  high: number;
}

/** Mean of `a[i] − b[i]` with its 95 % confidence interval. */
export function pairedDifference(a: readonly number[], b: readonly number[]): PairedDifference {
  if (a.length !== b.length) throw new RangeError(`paired samples need equal lengths, got ${a.length} and ${b.length}`);
  const d = a.map((x, i) => x - b[i]!);
  const n = d.length;
  if (n === 0) return { n, mean: Number.NaN, low: Number.NaN, high: Number.NaN };
  const mean = d.reduce((s, x) => s + x, 0) / n;
  if (n < 2) return { n, mean, low: Number.NaN, high: Number.NaN };
  const sd = Math.sqrt(d.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1));
  const half = (t975(n - 1) * sd) / Math.sqrt(n);
  return { n, mean, low: mean - half, high: mean + half };
}

/** What a paired difference (ours − theirs) says: a win or a loss only when the interval excludes 0. */
export function verdict(d: PairedDifference): 'wins' | 'ties' | 'loses' | 'too few seeds' {
  if (Number.isNaN(d.low)) return 'too few seeds';
  return d.low > 0 ? 'wins' : d.high < 0 ? 'loses' : 'ties';
}
