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
    description: 'replicator dynamics, gradient fitness',
    config: { dynamic: 'replicator', fitness: 'gradient', eta: 0.01 },
  },
  'paper-exponential': {
    description: 'discrete-time replicator (multiplicative weights), gradient fitness',
    config: { dynamic: 'exponential', fitness: 'gradient', eta: 0.01 },
  },
  'paper-mutator': {
    description: 'replicator–mutator, gradient fitness, mutation pulls masses toward the mean',
    config: { dynamic: 'mutator', fitness: 'gradient', eta: 0.01, mu: 0.05 },
  },
  'paper-logistic': {
    description: 'capacity-bounded replicator, masses in [0, 1] starting at 0.9',
    config: { dynamic: 'logistic', fitness: 'gradient', eta: 0.05 },
  },
  'emergent-70': {
    description: 'strong selection for ≥ 70 % emergent sparsity (extinct during training, no hard pruning)',
    config: { dynamic: 'exponential', fitness: 'gradient', eta: 0.02 },
  },
};
