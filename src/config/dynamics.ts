/**
 * The TypeScript side of the dynamics registry (the Rust side is `DYNAMICS` in
 * crates/kernels/src/evolution.rs): a new dynamic is one function and one entry there, plus one
 * entry here saying which parameters it reads and its initial mass.
 */
export const DYNAMICS = {
  /** Masses fixed at 1: the dense baseline. */
  none: { params: [], initialMass: 1, capacity: 'fixed' },
  /** m ← max(0, m + η m (F̃ − F̄)); mean mass renormalised to 1. */
  replicator: { params: ['eta'], initialMass: 1, capacity: 'mean mass 1' },
  /** m ← m · exp(η F̃); mean mass renormalised to 1. */
  exponential: { params: ['eta'], initialMass: 1, capacity: 'mean mass 1' },
  /** m ← max(0, m + η [m (F̃ − F̄) + μ (m̄ − m)]); mean mass renormalised to 1. */
  mutator: { params: ['eta', 'mu'], initialMass: 1, capacity: 'mean mass 1' },
  /** m ← clamp(m + η m (1 − m)(F̃ − F̄), 0, 1). */
  logistic: { params: ['eta'], initialMass: 0.9, capacity: 'masses in [0, 1]' },
} as const;

export type DynamicName = keyof typeof DYNAMICS;
export const DYNAMIC_NAMES = Object.keys(DYNAMICS) as [DynamicName, ...DynamicName[]];

export const FITNESS_NAMES = ['gradient', 'taylor', 'magnitude'] as const;
export type FitnessName = (typeof FITNESS_NAMES)[number];

export const SCORE_NAMES = ['mass', 'magnitude', 'random', 'participation'] as const;
export type ScoreName = (typeof SCORE_NAMES)[number];
