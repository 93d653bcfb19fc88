import { createHash } from 'node:crypto';
import { z } from 'zod';
import { readConfigFile } from '../config/file.js';
import { ConfigError, describeIssues, resolveTrainConfig, type TrainConfig } from '../config/schema.js';
import { runDirForName } from '../run/folder.js';

const overridesSchema = z.record(z.string(), z.unknown());

/** A sweep file: a base configuration, a grid (cartesian product) or a list of overrides, seeds. */
export const sweepSpecSchema = z
  .object({
    /** The sweep's name; its default folder is runs/<name>. */
    name: z.string().optional(),
    /** Fields every run shares. */
    base: overridesSchema.default({}),
    /** Each field maps to the values to try; runs are the cartesian product. */
    grid: z.record(z.string(), z.array(z.unknown()).min(1)).optional(),
    /** Variants one by one (added after the grid's). */
    list: z.array(overridesSchema).optional(),
    /** Every variant runs once per seed. */
    seeds: z.array(z.number().int().min(0).max(Number.MAX_SAFE_INTEGER)).min(1).default([0]),
    /** Hard-pruning fractions evaluated on every finished run (by mass). */
    prune: z.array(z.number().min(0).lt(1)).default([]),
  })
  .strict();

export type SweepSpec = z.output<typeof sweepSpecSchema> & { name: string };

export interface PlannedRun {
  key: string;
  config: TrainConfig;
  /** The fields this run sets beyond the base, as written in the sweep file. */
  overrides: Record<string, unknown>;
  /** The run's resolved value of every field that varies in the sweep, and its seed. */
  variant: Record<string, unknown>;
  /** Where it comes from in the sweep file, for messages: `grid {…}` or `list[2]`, and the seed. */
  origin: string;
}

export interface SweepPlan {
  runs: PlannedRun[];
  /** Fields that vary across runs (seed aside), in first-seen order. */
  varied: string[];
  /** Variants that resolve to a configuration already planned: trained once. */
  duplicates: { origin: string; sameAs: string; key: string }[];
}

function cartesian(grid: Record<string, unknown[]>): Record<string, unknown>[] {
  return Object.entries(grid).reduce<Record<string, unknown>[]>(
    (combos, [field, values]) => combos.flatMap((c) => values.map((v) => ({ ...c, [field]: v }))),
    [{}],
  );
}

/** Canonical JSON (sorted keys), so equal configurations hash equally. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The run key: the first 16 hex digits of SHA-256 of the resolved configuration. */
export function configKey(config: TrainConfig): string {
  return createHash('sha256').update(canonical(config)).digest('hex').slice(0, 16);
}

/** Reads and validates a sweep file; every problem names the file and the field. */
export function readSweepSpec(path: string): SweepSpec {
  const raw = readConfigFile(path);
  const parsed = sweepSpecSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(describeIssues(parsed.error, raw, sweepSpecSchema).replace(/^(config: )?/gm, `${path}: `));
  const name = parsed.data.name ?? path.replace(/^.*[\\/]/, '').replace(/\.json$/, '');
  try {
    runDirForName(name, 'name');
  } catch (error) {
    throw new ConfigError(`${path}: ${(error as Error).message}`);
  }
  return { ...parsed.data, name };
}

const describe = (o: Record<string, unknown>) =>
  Object.entries(o)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('-') : String(v)}`)
    .join(' ');

/**
 * Every run of a sweep, validated up front (a bad value fails the sweep before any training).
 * Variants that resolve to the same configuration are planned once and reported as duplicates.
 */
export function planSweep(spec: SweepSpec): SweepPlan {
  const variants: { overrides: Record<string, unknown>; origin: string }[] = [
    ...(spec.grid ? cartesian(spec.grid).map((o) => ({ overrides: o, origin: `grid ${describe(o)}` })) : []),
    ...(spec.list ?? []).map((o, i) => ({ overrides: o, origin: `list[${i}]` })),
  ];
  const withSeeds = (variants.length > 0 ? variants : [{ overrides: {}, origin: 'base' }]).flatMap((v) =>
    spec.seeds.map((seed) => ({ overrides: { ...v.overrides, seed }, origin: `${v.origin}, seed ${seed}` })),
  );
  const varied = [...new Set(withSeeds.flatMap((v) => Object.keys(v.overrides)))].filter((k) => k !== 'seed');
  const runs: PlannedRun[] = [];
  const duplicates: SweepPlan['duplicates'] = [];
  const byKey = new Map<string, PlannedRun>();
  for (const { overrides, origin } of withSeeds as { overrides: Record<string, unknown>; origin: string }[]) {
    let config: TrainConfig;
    try {
      config = resolveTrainConfig({ ...spec.base, ...overrides });
    } catch (error) {
      throw new ConfigError(`sweep ${spec.name}, ${origin}:\n${(error as Error).message}`);
    }
    const key = configKey(config);
    const earlier = byKey.get(key);
    if (earlier) {
      duplicates.push({ origin, sameAs: earlier.origin, key });
      continue;
    }
    const resolved = config as unknown as Record<string, unknown>;
    const variant = Object.fromEntries([...varied, 'seed'].map((k) => [k, k in resolved ? resolved[k] : overrides[k]]));
    const run = { key, config, overrides, variant, origin };
    byKey.set(key, run);
    runs.push(run);
  }
  return { runs, varied, duplicates };
}

/** A run's varied fields as one label, e.g. `dynamic=exponential eta=0.04`. */
export function variantLabel(variant: Record<string, unknown>, varied: readonly string[]): string {
  return describe(Object.fromEntries(varied.map((k) => [k, variant[k]]))) || 'run';
}
