import { z } from 'zod';

/** A configuration value that is not allowed; the message names the field, value and rule. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Defaults per optimizer when `lr` is not given. */
export const DEFAULT_LR = { sgd: 0.05, adam: 0.001 } as const;

export const trainConfigSchema = z
  .object({
    /** `mnist`, `fashion-mnist`, `fashion-mnist:<folder>` or `idx:<folder>`. */
    dataset: z.string().min(1).default('mnist'),
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
  })
  .strict();

export type TrainConfigInput = z.input<typeof trainConfigSchema>;
export type TrainConfig = z.output<typeof trainConfigSchema> & { lr: number };

function valueAt(input: unknown, path: PropertyKey[]): unknown {
  let at: unknown = input;
  for (const key of path) at = at !== null && typeof at === 'object' ? (at as Record<PropertyKey, unknown>)[key] : undefined;
  return at;
}

/** One line per problem: `field: value is …` in words a user understands. */
export function describeIssues(error: z.ZodError, input: unknown): string {
  return error.issues
    .map((issue) => {
      const field = issue.path.length > 0 ? issue.path.map(String).join('.') : 'config';
      const value = JSON.stringify(valueAt(input, issue.path));
      switch (issue.code) {
        case 'invalid_value':
          return `${field}: ${value} is not one of ${issue.values.map(String).join(', ')}`;
        case 'unrecognized_keys':
          return `${field}: unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`;
        case 'too_small':
          return `${field}: ${value} is too small (must be ${issue.inclusive === false ? '>' : '≥'} ${String(issue.minimum)}${issue.origin === 'array' ? ' entries' : ''})`;
        case 'too_big':
          return `${field}: ${value} is too big (must be ${issue.inclusive === false ? '<' : '≤'} ${String(issue.maximum)})`;
        case 'invalid_type':
          return `${field}: ${value ?? 'missing'} is not ${issue.expected === 'int' ? 'an integer' : `a ${issue.expected}`}`;
        default:
          return `${field}: ${value} ${issue.message}`;
      }
    })
    .join('\n');
}

/** Validates and fills in defaults; throws ConfigError naming every bad field. */
export function resolveTrainConfig(input: unknown): TrainConfig {
  const parsed = trainConfigSchema.safeParse(input ?? {});
  if (!parsed.success) throw new ConfigError(describeIssues(parsed.error, input));
  return { ...parsed.data, lr: parsed.data.lr ?? DEFAULT_LR[parsed.data.optimizer] };
}
