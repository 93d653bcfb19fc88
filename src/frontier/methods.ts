// The methods `evoprune frontier` compares at one target sparsity and training budget: selection
// and the standard ways of reaching the same sparsity, plus the controls that separate schedule,
// signal and dynamics. Every method prunes each hidden layer to the same fraction (per layer, with
// the same floor of living populations), so at equal target the living networks have equal
// shapes, parameters and multiply-adds.

/** Methods trained for every (dataset, target, seed). `scratch` runs after `selection` (it takes its final shape). */
export const FRONTIER_METHODS = ['selection', 'gmp', 'random', 'fitness', 'prune-finetune', 'scratch'] as const;
export type FrontierMethod = (typeof FRONTIER_METHODS)[number];

/** Ablations of this project's own choices (selection variants), trained at the headline target. */
export const FRONTIER_ABLATIONS = ['rho-0.9', 'taylor-fitness', 'magnitude-fitness', 'raw-fitness', 'exponential-capped', 'exponential-uncapped'] as const;
export type FrontierAblation = (typeof FRONTIER_ABLATIONS)[number];

export const METHOD_DESCRIPTIONS: Record<FrontierMethod | FrontierAblation | 'dense', string> = {
  selection: 'pruning as evolution with a target (numerics 2: logistic dynamic, gradient fitness, ρ = 0.99, the controller)',
  gmp: "structured gradual magnitude pruning: Zhu & Gupta's cubic schedule on whole populations, score ‖incoming‖·‖outgoing‖, from epoch 1 to 75 % of the budget every 100 steps",
  random: 'the same schedule as gmp, populations removed in a fixed random order',
  fitness:
    "selection's own signal without masses: the smoothed fitness (gradient, ρ = 0.99) as a pruning score on the controller's reference trajectory (cubic from 5 % to 75 % of the budget, every step)",
  'prune-finetune': 'dense training for half the budget, one-shot magnitude pruning to the target, fine-tuning for the other half',
  scratch: "selection's final shape (its living widths, same seed) trained dense from scratch for the whole budget",
  dense: 'the full network, no pruning (reference)',
  'rho-0.9': 'selection with fitness averaged over ≈ 10 steps (ρ = 0.9) instead of ≈ 100',
  'taylor-fitness': 'selection with Taylor fitness −m·∂L/∂m instead of −∂L/∂m',
  'magnitude-fitness': 'selection with fitness |∂L/∂m|',
  'raw-fitness': 'selection without standardising the fitness over the living (the raw smoothed fitness, still clipped)',
  'exponential-capped': 'selection with the mean-one exponential dynamic (capacity: mean mass 1, capped at 4) instead of the logistic one (masses in (0, 1))',
  'exponential-uncapped': 'as exponential-capped with the cap lifted (maximum mass 10⁶): the capacity rule without water-filling',
};

/**
 * The configuration fields of `method` at `target` over `epochs` epochs. Schedules are pinned to
 * standard values (no per-method tuning): GMP starts after one epoch and ends at 75 % of the budget
 * with Δt = 100 steps (Zhu & Gupta's defaults scaled to this budget); the fitness control uses the
 * controller's own window (5 %–75 %) so that it differs from selection only in the masses.
 */
export function methodFields(method: Exclude<FrontierMethod, 'scratch'> | FrontierAblation | 'dense', target: number, epochs: number): Record<string, unknown> {
  const schedule = (score: string, start: number, end: number, interval: number) => ({
    dynamic: 'none',
    gradual: { score, target, start, end, interval },
  });
  switch (method) {
    case 'selection':
      return { targetSparsity: target };
    case 'gmp':
      return schedule('magnitude', Math.min(1 / epochs, 0.75), 0.75, 100);
    case 'random':
      return schedule('random', Math.min(1 / epochs, 0.75), 0.75, 100);
    case 'fitness':
      return { ...schedule('fitness', 0.05, 0.75, 1), fitness: 'gradient', rho: 0.99 };
    case 'prune-finetune':
      return schedule('magnitude', 0.5, 0.5, 1);
    case 'dense':
      return { dynamic: 'none' };
    case 'rho-0.9':
      return { targetSparsity: target, rho: 0.9 };
    case 'taylor-fitness':
      return { targetSparsity: target, fitness: 'taylor' };
    case 'magnitude-fitness':
      return { targetSparsity: target, fitness: 'magnitude' };
    case 'raw-fitness':
      return { targetSparsity: target, standardizeFitness: false };
    case 'exponential-capped':
      return { targetSparsity: target, dynamic: 'exponential' };
    case 'exponential-uncapped':
      return { targetSparsity: target, dynamic: 'exponential', maxMass: 1e6 };
  }
}
