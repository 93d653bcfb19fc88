// The files of a run folder, as zod schemas shared by the writers and every reader, so that a
// field renamed in one place cannot silently disappear in another. Platform-neutral.
import { z } from 'zod';
import type { TelemetryRecord } from '../train/loop.js';

/** One metrics.csv row, as read back (alive as per-layer counts). */
export const epochMetricsSchema = z.object({
  epoch: z.number().int(),
  trainLoss: z.number(),
  trainAccuracy: z.number(),
  /** Only with a validation set. */
  validationLoss: z.number().optional(),
  validationAccuracy: z.number().optional(),
  testLoss: z.number(),
  testAccuracy: z.number(),
  samplesPerSecond: z.number(),
  seconds: z.number(),
  /** Runs written before it existed lack it. */
  livingWork: z.number().optional(),
  alive: z.array(z.number().int()),
});

/** summary.json: the run's result (everything in TrainSummary but telemetry and history). */
export const runSummarySchema = z
  .object({
    testAccuracy: z.number(),
    testLoss: z.number().nullable(),
    /** Only with a validation set. */
    validationAccuracy: z.number().optional(),
    validationLoss: z.number().nullable().optional(),
    /** A CSV dataset's label values: class k is classNames[k]. */
    classNames: z.array(z.string()).optional(),
    epochs: z.number().int(),
    samplesPerSecond: z.number(),
    stateHash: z.string().regex(/^[0-9a-f]{64}$/),
    alive: z.array(z.number().int()),
    populations: z.number().int(),
    sparsity: z.number(),
    seconds: z.number(),
    dataset: z.string(),
    sizes: z.array(z.number().int()),
    confusion: z.array(z.array(z.number())),
    config: z.record(z.string(), z.unknown()),
    epochsRun: z.number().int(),
  })
  .passthrough();
export type RunSummaryFile = z.infer<typeof runSummarySchema>;

/** One hard pruning of the trained model, evaluated without retraining. */
export const pruneResultSchema = z.object({
  score: z.string(),
  fraction: z.number(),
  scope: z.enum(['global', 'layer']),
  /** null (NaN in memory) when refused. */
  accuracy: z.number().nullable(),
  loss: z.number().nullable(),
  alive: z.array(z.number().int()),
  /** Why the kernels refused this pruning (it would empty a layer). */
  refused: z.string().optional(),
  /** The compact model's layer sizes and parameters, when analysed. */
  compactSizes: z.array(z.number().int()).optional(),
  compactParameters: z.number().int().optional(),
});
/** pruning.json */
export const pruningSchema = z.array(pruneResultSchema);

/** telemetry.json: the populations of every hidden layer every `telemetryEvery` steps. */
export const telemetrySchema = z.array(
  z.object({
    step: z.number().int(),
    epoch: z.number(),
    alive: z.array(z.number().int()),
    masses: z.array(z.array(z.number())),
    fitness: z.array(z.array(z.number())),
    /** η per layer (numerics 2); absent in runs written before it was recorded. */
    eta: z.array(z.number()).default([]),
  }),
);

/** Telemetry as JSON and checkpoints hold it: plain arrays. */
export type PlainTelemetry = z.input<typeof telemetrySchema>;

/** Telemetry as JSON holds it (typed arrays become plain ones). */
export function plainTelemetry(records: readonly TelemetryRecord[]): PlainTelemetry {
  return records.map((t) => ({ ...t, masses: t.masses.map((m) => Array.from(m)), fitness: t.fitness.map((f) => Array.from(f)) }));
}

/** Telemetry as training keeps it in memory (Float32Array masses and fitness; η [] where not recorded). */
export function typedTelemetry(records: PlainTelemetry): TelemetryRecord[] {
  return records.map((t) => ({
    ...t,
    eta: t.eta ?? [],
    masses: t.masses.map((m) => Float32Array.from(m)),
    fitness: t.fitness.map((f) => Float32Array.from(f)),
  }));
}

/** sweep.json: the sweep file as read, the fields that vary, and every planned run. */
export const sweepFileSchema = z.object({
  spec: z.object({ name: z.string() }).passthrough(),
  varied: z.array(z.string()),
  runs: z.array(z.object({ key: z.string(), overrides: z.record(z.string(), z.unknown()), variant: z.record(z.string(), z.unknown()), origin: z.string() })),
  duplicates: z.array(z.object({ origin: z.string(), sameAs: z.string(), key: z.string() })),
});

/** Reads and validates a JSON file of a run; the error names the file and the field. */
export function parseRunFile<T>(schema: z.ZodType<T>, text: string, file: string): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file}: not valid JSON (${(error as Error).message})`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${file}: ${issue.path.map(String).join('.') || 'file'}: ${issue.message}`);
  }
  return parsed.data;
}

/**
 * Fields that measure time or identify a process rather than describe the result: two runs of the
 * same configuration differ only in these. `canonical()` leaves them out.
 */
export const TIMING_FIELDS = ['samplesPerSecond', 'seconds', 'speedup', 'runId', 'created'] as const;

/**
 * A run's result with every timing field removed (recursively), keys sorted: what equality of
 * runs is judged on, beside stateHash and the model bytes (DESIGN.md §5.7).
 */
export function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value instanceof Float32Array || value instanceof Float64Array) return Array.from(value);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .filter((k) => !(TIMING_FIELDS as readonly string[]).includes(k))
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}
