import { z } from 'zod';
import { DYNAMIC_NAMES, DYNAMICS, FITNESS_NAMES, paramMinimum, REGISTRY } from './dynamics.js';
import { DATASET_SPECS, isCsvSpec, isDatasetSpec } from './datasets.js';
import { ConfigError } from './errors.js';
import { PRESETS } from './presets.js';

export { ConfigError } from './errors.js';

/** Defaults per optimizer when `lr` is not given. */
export const DEFAULT_LR = { sgd: 0.05, adam: 0.001 } as const;

export const trainConfigSchema = z
  .object({
    /** `mnist`, `fashion-mnist`, `fashion-mnist:<folder>`, `idx:<folder>` or `csv:<train.csv>[,<test.csv>]`. */
    dataset: z
      .string()
      .refine(isDatasetSpec, { message: `is not one of ${DATASET_SPECS.join(', ')}` })
      .default('mnist'),
    /** Classes of an `idx:` dataset (default: its labels' largest value + 1); mnist and fashion-mnist have 10; a `csv:` dataset's are its distinct labels (checked when given). */
    classes: z.number().int().min(2).max(256).optional(),
    /** Hidden layer widths; input and output sizes come from the dataset. */
    hidden: z.array(z.number().int().positive()).min(1).default([512, 256]),
    epochs: z.number().int().positive().default(20),
    batch: z.number().int().positive().default(128),
    seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0),
    optimizer: z.enum(['sgd', 'adam']).default('sgd'),
    /** Learning rate; default 0.05 for SGD, 0.001 for Adam. */
    lr: z.number().positive().optional(),
    momentum: z.number().min(0).lt(1).default(0.9),
    beta1: z.number().min(0).lt(1).default(0.9),
    beta2: z.number().min(0).lt(1).default(0.999),
    eps: z.number().positive().default(1e-8),
    weightDecay: z.number().min(0).default(0),
    /** `cosine` decays the learning rate to 0 over `epochs`; `constant` keeps it. */
    schedule: z.enum(['constant', 'cosine']).default('cosine'),
    /** Train on the first N training images only (quick runs and tests). */
    trainLimit: z.number().int().positive().optional(),
    /** Evaluate on the first N test images only. */
    testLimit: z.number().int().positive().optional(),
    /** A named preset from src/config/presets.ts; explicit fields override it. */
    preset: z.string().optional(),
    /**
     * Numerics version (CHANGELOG.md): 2, the default, bounds selection (clipped fitness, a
     * bounded step per update, a cap on mass, a floor of living populations) and can steer to a
     * target sparsity; 1 is the arithmetic of evoprune 0.1.0, kept so published runs reproduce.
     */
    numerics: z.union([z.literal(1), z.literal(2)]).default(2),
    /**
     * Steer selection to this fraction of extinct populations per hidden layer, reached by 75 % of
     * the epochs (numerics 2). Alone it picks the registry's recommended dynamic, fitness and ρ.
     */
    targetSparsity: z.number().min(0).lt(1).optional(),
    /**
     * Numerics 2: standardise the smoothed fitness over the living populations before clipping
     * (default). `false` is an ablation: the dynamic sees the raw smoothed fitness.
     */
    standardizeFitness: z.boolean().optional(),
    /** Numerics 2: the largest mass of a mean-one dynamic (default 4; a large value lifts the cap, an ablation). */
    maxMass: z.number().min(1).optional(),
    /** Selection dynamics of the masses (`none`: dense baseline). */
    dynamic: z.enum(DYNAMIC_NAMES).default('none'),
    /** How fitness is read from ∂L/∂m. */
    fitness: z.enum(FITNESS_NAMES).default('gradient'),
    /** Selection strength η per mass update. */
    eta: z.number().min(paramMinimum('eta')).default(0.05),
    /** Mutation rate μ (mutator). */
    mu: z.number().min(paramMinimum('mu')).default(0.05),
    /** Fitness smoothing ρ. */
    rho: z.number().min(0).lt(1).default(0.9),
    /** Extinction threshold ε: a mass below it becomes 0 for good. */
    epsilon: z.number().positive().default(1e-3),
    /** Optimizer steps between mass updates. */
    interval: z.number().int().positive().default(1),
    /** Steps before the first mass update. */
    warmup: z.number().int().min(0).default(0),
    /** Scale η by the learning-rate schedule, so selection cools as learning does. */
    anneal: z.boolean().default(true),
    /** Initial mass (default: the dynamic's, from the registry: 1, or 0.9 for logistic). */
    initialMass: z.number().positive().optional(),
    /** Track the companion paper's participation variables (a pruning baseline score). */
    participation: z.boolean().default(false),
    /** Record masses, fitness and alive counts every N optimizer steps. */
    telemetryEvery: z.number().int().positive().default(100),
    /** The label column of a `csv:` dataset (default `label`); every other column is a feature. */
    label: z.string().min(1).optional(),
    /** A `csv:` dataset of one file: the fraction of its rows held out as the test split (evenly spread). */
    testFraction: z.number().gt(0).lt(1).optional(),
    /**
     * Rows held out of the training set for validation, evenly spread: rows ⌊j·R/N⌋ of the R
     * training rows (after `trainLimit`), j = 0…N−1. Evaluated every epoch; the collapse check
     * then uses validation accuracy. 0 or absent: no validation set.
     */
    validation: z.number().int().min(0).optional(),
    /**
     * Standardize every input feature with the training rows' mean and standard deviation
     * (computed in wasm, kept in the model file). Default: on for f32 features (csv:, arrays),
     * off for byte images.
     */
    standardize: z.boolean().optional(),
    /**
     * Pruning on a schedule instead of selection (the baselines of `evoprune frontier`; masses
     * stay fixed, so `dynamic` must be `none`): each hidden layer is brought to
     * `target · (1 − (1 − (t − t0)/(t1 − t0))³)` extinct populations at steps t0, t0 + interval, …,
     * t1 (Zhu & Gupta's cubic schedule, per population), where t0 = start · T and t1 = end · T of the
     * T training steps; start = end is one-shot pruning then fine-tuning. `score`: `magnitude`
     * (‖incoming‖·‖outgoing‖ weights), `random` (a fixed random order from the seed) or `fitness`
     * (the smoothed fitness selection uses, without masses).
     */
    gradual: z
      .object({
        score: z.enum(['magnitude', 'random', 'fitness']),
        target: z.number().min(0).lt(1),
        start: z.number().min(0).max(1),
        end: z.number().min(0).max(1),
        interval: z.number().int().positive().default(100),
      })
      .strict()
      .refine((g) => g.start <= g.end, { message: 'needs start ≤ end' })
      .optional(),
  })
  .strict();

export type TrainConfigInput = z.input<typeof trainConfigSchema>;
export type TrainConfig = z.output<typeof trainConfigSchema> & { lr: number; initialMass: number };

function valueAt(input: unknown, path: PropertyKey[]): unknown {
  let at: unknown = input;
  for (const key of path) at = at !== null && typeof at === 'object' ? (at as Record<PropertyKey, unknown>)[key] : undefined;
  return at;
}

/** The field names an object schema allows at `path` (for "unknown field" messages). */
function allowedKeys(schema: z.ZodType | undefined, path: PropertyKey[]): string[] {
  let at: unknown = schema;
  for (const key of path) {
    const shape = (at as { shape?: Record<string, unknown> } | undefined)?.shape;
    at = shape?.[key as string];
    while (at && typeof at === 'object' && 'unwrap' in at && typeof (at as { unwrap: unknown }).unwrap === 'function' && !('shape' in at))
      at = (at as { unwrap: () => unknown }).unwrap();
  }
  const shape = (at as { shape?: Record<string, unknown> } | undefined)?.shape;
  return shape ? Object.keys(shape) : [];
}

/**
 * One line per problem: `field: value is …` in words a user understands. With `schema`, an
 * unknown field's message lists the allowed ones.
 */
export function describeIssues(error: z.ZodError, input: unknown, schema?: z.ZodType): string {
  return error.issues
    .map((issue) => {
      const field = issue.path.length > 0 ? issue.path.map(String).join('.') : 'config';
      const value = JSON.stringify(valueAt(input, issue.path));
      switch (issue.code) {
        case 'invalid_value':
          return `${field}: ${value} is not one of ${issue.values.map(String).join(', ')}`;
        case 'unrecognized_keys': {
          const allowed = allowedKeys(schema, issue.path);
          return `${field}: unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}${allowed.length > 0 ? ` (allowed: ${allowed.join(', ')})` : ''}`;
        }
        case 'too_small':
          return `${field}: ${value} is too small (must be ${issue.inclusive === false ? '>' : '≥'} ${String(issue.minimum)}${issue.origin === 'array' ? ' entries' : ''})`;
        case 'too_big':
          return `${field}: ${value} is too big (must be ${issue.inclusive === false ? '<' : '≤'} ${String(issue.maximum)})`;
        case 'invalid_type': {
          const expected =
            { int: 'an integer', record: 'an object (field: value)', object: 'an object', array: 'an array' }[issue.expected as string] ??
            `a ${issue.expected}`;
          return `${field}: ${value ?? 'missing'} is not ${expected}`;
        }
        default:
          return `${field}: ${value} ${issue.message}`;
      }
    })
    .join('\n');
}

/**
 * Validates and fills in defaults; throws ConfigError naming every bad field. A `preset` is
 * applied first and the input's own fields override it.
 */
export function resolveTrainConfig(input: unknown): TrainConfig {
  let merged = (input ?? {}) as Record<string, unknown>;
  const presetName = merged.preset;
  if (presetName !== undefined) {
    // Own keys only: `constructor`, `__proto__` or `toString` are not presets.
    const preset = typeof presetName === 'string' && Object.hasOwn(PRESETS, presetName) ? PRESETS[presetName] : undefined;
    if (!preset) {
      throw new ConfigError(`preset: ${JSON.stringify(presetName)} is not one of ${Object.keys(PRESETS).join(', ')}`);
    }
    merged = { ...preset.config, ...merged };
  }
  if (merged.targetSparsity !== undefined && merged.targetSparsity !== null) {
    // Alone, a target sparsity picks the recommended dynamic, fitness and smoothing (registry).
    const recommended = REGISTRY.stable.targetSparsity;
    merged = { dynamic: recommended.dynamic, fitness: recommended.fitness, rho: recommended.rho, ...merged };
  }
  const parsed = trainConfigSchema.safeParse(merged);
  if (!parsed.success) throw new ConfigError(describeIssues(parsed.error, merged, trainConfigSchema));
  const { validation, ...c } = parsed.data;
  if (c.targetSparsity !== undefined && c.numerics === 1) {
    throw new ConfigError('targetSparsity: a target sparsity needs numerics 2 (numerics 1 is the arithmetic of 0.1.0, which cannot steer)');
  }
  for (const field of ['standardizeFitness', 'maxMass'] as const) {
    if (c[field] !== undefined && (c.numerics === 1 || c.dynamic === 'none')) {
      throw new ConfigError(`${field}: ${JSON.stringify(c[field])} is a setting of numerics 2's selection; it needs numerics 2 and a dynamic other than none`);
    }
  }
  if (c.targetSparsity !== undefined && c.dynamic === 'none') {
    throw new ConfigError('targetSparsity: the dense dynamic none keeps every population; name a dynamic or leave dynamic out to get the recommended one');
  }
  if (c.gradual !== undefined && (c.dynamic !== 'none' || c.targetSparsity !== undefined)) {
    throw new ConfigError(
      `gradual: pruning on a schedule keeps the masses fixed; it needs dynamic none and no targetSparsity (got dynamic ${c.dynamic}${c.targetSparsity !== undefined ? `, targetSparsity ${c.targetSparsity}` : ''})`,
    );
  }
  if (!isCsvSpec(c.dataset)) {
    for (const field of ['label', 'testFraction'] as const) {
      if (c[field] !== undefined) throw new ConfigError(`${field}: ${JSON.stringify(c[field])} is for a csv: dataset, not ${c.dataset}`);
    }
  }
  const dynamic = DYNAMICS[c.dynamic];
  const initialMass = c.initialMass ?? dynamic.initialMass;
  if (dynamic.capacity === 'unit-interval' && initialMass >= 1) {
    // At m = 1 the capacity-bounded update m(1 − m)(…) is zero forever: a dense network in disguise.
    throw new ConfigError(`initialMass: ${initialMass} must be < 1 for ${c.dynamic} (masses live in [0, 1] and do not move from 1)`);
  }
  // No validation set is written as none (0 and absent are the same run, with the same hash).
  return { ...c, ...(validation ? { validation } : {}), lr: c.lr ?? DEFAULT_LR[c.optimizer], initialMass };
}
