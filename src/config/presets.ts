import type { TrainConfigInput } from './schema.js';

export interface Preset {
  description: string;
  config: Omit<TrainConfigInput, 'preset'>;
}

/**
 * Named configurations, one per dynamic plus the emergent-sparsity preset. Every preset uses the
 * paper's protocol (784–512–256–10, 20 epochs, batch 128, SGD with momentum) unless it says so.
 * `evoprune reproduce` trains the `paper-*` presets.
 */
export const PRESETS: Record<string, Preset> = {
  'paper-none': {
    description: 'dense baseline: masses fixed at 1; also tracks participation variables for the companion-paper baseline',
    config: { dynamic: 'none', participation: true },
  },
  'paper-replicator': {
    description: 'replicator dynamics, gradient fitness, η = 0.02 annealed with the learning rate',
    config: { dynamic: 'replicator', fitness: 'gradient', eta: 0.02 },
  },
  'paper-exponential': {
    description: 'discrete-time replicator (multiplicative weights), gradient fitness, η = 0.02 annealed',
    config: { dynamic: 'exponential', fitness: 'gradient', eta: 0.02 },
  },
  'paper-mutator': {
    description:
      'replicator–mutator, gradient fitness, η = 0.02, μ = 0.001: mutation feeds every population, so none goes extinct (μ·m̄ > ε·|F̃ − F̄| keeps the weakest alive); masses still separate for hard pruning',
    config: { dynamic: 'mutator', fitness: 'gradient', eta: 0.02, mu: 0.001 },
  },
  'paper-logistic': {
    description: 'capacity-bounded replicator, masses in [0, 1] starting at 0.9, η = 0.1 annealed (m(1−m) slows it near 1)',
    config: { dynamic: 'logistic', fitness: 'gradient', eta: 0.1 },
  },
  'emergent-70': {
    description:
      'beyond the paper: ≥ 70 % of populations extinct during training (no hard pruning, no fine-tuning) at ≥ 97.5 % test accuracy; exponential dynamics, η = 0.04 annealed',
    config: { dynamic: 'exponential', fitness: 'gradient', eta: 0.04 },
  },
};
