import { createHash } from 'node:crypto';
import { readConfigFile } from '../config/file.js';
import { ConfigError, resolveTrainConfig, type TrainConfig } from '../config/schema.js';

/** A sweep file: a base configuration, a grid (cartesian product) or a list of overrides, seeds. */
export interface SweepSpec {
  name: string;
  base: Record<string, unknown>;
  grid?: Record<string, unknown[]>;
  list?: Record<string, unknown>[];
  seeds: number[];
  /** Hard-pruning fractions evaluated on every finished run (by mass). */
  prune: number[];
}

export interface PlannedRun {
  key: string;
  config: TrainConfig;
  /** The fields this run sets beyond the base (what distinguishes it in tables). */
  overrides: Record<string, unknown>;
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
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The run key: the first 16 hex digits of SHA-256 of the resolved configuration. */
export function configKey(config: TrainConfig): string {
  return createHash('sha256').update(canonical(config)).digest('hex').slice(0, 16);
}

export function readSweepSpec(path: string): SweepSpec {
  const raw = readConfigFile(path);
  const fail = (what: string) => new ConfigError(`${path}: ${what}`);
  if (raw.grid !== undefined && (typeof raw.grid !== 'object' || Array.isArray(raw.grid) || Object.values(raw.grid as object).some((v) => !Array.isArray(v) || v.length === 0))) {
    throw fail('grid must map each field to a non-empty array of values');
  }
  if (raw.list !== undefined && (!Array.isArray(raw.list) || raw.list.some((v) => typeof v !== 'object' || v === null))) throw fail('list must be an array of objects');
  const seeds = raw.seeds ?? [0];
  if (!Array.isArray(seeds) || seeds.length === 0 || seeds.some((s) => !Number.isInteger(s) || s < 0)) throw fail('seeds must be a non-empty array of non-negative integers');
  const prune = raw.prune ?? [];
  if (!Array.isArray(prune) || prune.some((f) => typeof f !== 'number' || f < 0 || f >= 1)) throw fail('prune must be an array of fractions in [0, 1)');
  return {
    name: typeof raw.name === 'string' ? raw.name : path.replace(/^.*\//, '').replace(/\.json$/, ''),
    base: (raw.base as Record<string, unknown>) ?? {},
    grid: raw.grid as Record<string, unknown[]> | undefined,
    list: raw.list as Record<string, unknown>[] | undefined,
    seeds: seeds as number[],
    prune: prune as number[],
  };
}

/** Every run of a sweep, validated up front (a bad value fails the sweep before any training). */
export function planSweep(spec: SweepSpec): PlannedRun[] {
  const variants = [...(spec.grid ? cartesian(spec.grid) : []), ...(spec.list ?? [])];
  const overrides = (variants.length > 0 ? variants : [{}]).flatMap((v) => spec.seeds.map((seed) => ({ ...v, seed })));
  return overrides.map((o) => {
    let config: TrainConfig;
    try {
      config = resolveTrainConfig({ ...spec.base, ...o });
    } catch (error) {
      throw new ConfigError(`sweep ${spec.name}, run ${JSON.stringify(o)}:\n${(error as Error).message}`);
    }
    return { key: configKey(config), config, overrides: o };
  });
}
