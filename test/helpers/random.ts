/** A seeded uniform generator in [0, 1) (a 31-bit linear congruential one): test data that is the same on every run. */
export function uniform(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}
