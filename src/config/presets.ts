import type { TrainConfigInput } from './schema.js';

export interface Preset {
  description: string;
  config: Omit<TrainConfigInput, 'preset'>;
}

/**
 * Named configurations. Every preset uses the paper's protocol (784–512–256–10, 20 epochs, batch
 * 128, SGD with momentum) unless it says so. The `paper-*` presets (which `evoprune reproduce`
 * trains) and `emergent-70` are pinned to numerics 1, the arithmetic their published tables were
 * made with, so those tables reproduce bit for bit; the `target-*` presets use numerics 2.
 */
export const PRESETS: Record<string, Preset> = {
  'paper-none': {
    description: 'dense baseline: masses fixed at 1; also tracks participation variables for the companion-paper baseline',
    config: { numerics: 1, dynamic: 'none', participation: true },
  },
  'paper-replicator': {
    description: 'replicator dynamics, gradient fitness, η = 0.02 annealed with the learning rate',
    config: { numerics: 1, dynamic: 'replicator', fitness: 'gradient', eta: 0.02 },
  },
  'paper-exponential': {
    description: 'discrete-time replicator (multiplicative weights), gradient fitness, η = 0.02 annealed',
    config: { numerics: 1, dynamic: 'exponential', fitness: 'gradient', eta: 0.02 },
  },
  'paper-mutator': {
    description:
      'replicator–mutator, gradient fitness, η = 0.02, μ = 0.001: mutation feeds every population, so none goes extinct (μ·m̄ > ε·|F̃ − F̄| keeps the weakest alive); masses still separate for hard pruning',
    config: { numerics: 1, dynamic: 'mutator', fitness: 'gradient', eta: 0.02, mu: 0.001 },
  },
  'paper-logistic': {
    description: 'capacity-bounded replicator, masses in [0, 1] starting at 0.9, η = 0.1 annealed (m(1−m) slows it near 1)',
    config: { numerics: 1, dynamic: 'logistic', fitness: 'gradient', eta: 0.1 },
  },
  'emergent-70': {
    description:
      'beyond the paper: ≥ 70 % of populations extinct during training (no hard pruning, no fine-tuning) at ≥ 97.5 % test accuracy; exponential dynamics, η = 0.04 annealed',
    config: { numerics: 1, dynamic: 'exponential', fitness: 'gradient', eta: 0.04 },
  },
  'target-80': {
    description:
      "the recommended evolving setup: 80 % of each hidden layer's populations extinct by 75 % of the epochs (bounded selection, numerics 2; logistic dynamic, gradient fitness, ρ = 0.99, picked by the target)",
    config: { numerics: 2, targetSparsity: 0.8 },
  },
  'target-50': {
    description: "as target-80, with half of each hidden layer's populations extinct",
    config: { numerics: 2, targetSparsity: 0.5 },
  },
};
