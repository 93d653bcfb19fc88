// What travels through the queue, and how a worker checks a job before it trains anything:
// the job's data is a resolved run configuration (whose hash must be the job's id), the
// hard-pruning fractions and two labels, within a size limit; nothing else is accepted.
import { existsSync, realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError, describeIssues, resolveTrainConfig, type TrainConfig } from '../config/schema.js';
import { configKey } from '../sweep/plan.js';

/** A job's data, as JSON, is at most this long (a run configuration is about 1 KB). */
export const MAX_JOB_BYTES = 64 * 1024;

/** How long a result or checkpoint nobody collects stays in Redis (seconds): 7 days. */
export const DEFAULT_KEEP_SECONDS = 7 * 24 * 3600;

/** A worker's lock on its job lasts this long unless renewed (ms); a killed worker's job is taken over after it. */
export const DEFAULT_LOCK_MS = 30_000;

/**
 * A run's job id: its key (the config hash) behind `run-`. BullMQ refuses ids that read as
 * integers, and 16 hex digits are all decimal ones for about one run key in 2,000.
 */
export function jobIdOf(key: string): string {
  return `run-${key}`;
}

/** The job name every evoprune job carries. */
export const JOB_NAME = 'run';

export const jobDataSchema = z
  .object({
    /** The run's resolved configuration: its hash is the job's id. */
    config: z.record(z.string(), z.unknown()),
    /** Hard-pruning fractions evaluated on the trained run (pruning.json). */
    fractions: z.array(z.number().min(0).lt(1)).max(64),
    /** Where the run comes from in its sweep file, for messages. */
    origin: z.string().max(1000),
    /** The sweep's name, for messages. */
    sweep: z.string().max(200),
  })
  .strict();

export type JobData = z.output<typeof jobDataSchema>;

/** A job a worker may run. */
export interface ValidJob {
  key: string;
  config: TrainConfig;
  fractions: number[];
  origin: string;
  sweep: string;
}

/** Text from Redis made safe to print: control characters (terminal escapes) become `?`. */
export function printable(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: they are what is removed.
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '?');
}

/** The folders and files a dataset spec reads (none for mnist and fashion-mnist, which the worker provides). */
export function datasetPaths(spec: string): string[] {
  if (spec.startsWith('idx:')) return [spec.slice('idx:'.length)];
  if (spec.startsWith('fashion-mnist:')) return [spec.slice('fashion-mnist:'.length)];
  if (spec.startsWith('csv:')) return spec.slice('csv:'.length).split(',');
  return [];
}

const within = (root: string, path: string) => {
  const r = relative(root, path);
  return r === '' || (!r.startsWith('..') && !isAbsolute(r));
};

/** The real path (symbolic links resolved) of what exists, else the absolute path. */
const real = (path: string) => (existsSync(path) ? realpathSync(path) : resolve(path));

/**
 * Checks a job from the queue before anything runs: its size, its fields, its configuration
 * (the CLI's schema and rules), that its id is the configuration's hash, and, with `dataRoots`,
 * that every data path it names lies inside one of them. Throws ConfigError naming the job.
 */
export function validateJob(id: string | undefined, data: unknown, options: { dataRoots?: readonly string[] } = {}): ValidJob {
  const name = `job ${JSON.stringify(id)}`;
  if (typeof id !== 'string' || !/^run-[0-9a-f]{16}$/.test(id)) throw new ConfigError(`${name}: a job id is run- and a run key (16 hex digits), refused`);
  let size: number;
  try {
    size = Buffer.byteLength(JSON.stringify(data) ?? '');
  } catch {
    throw new ConfigError(`${name}: its data cannot be read as JSON`);
  }
  if (size > MAX_JOB_BYTES) throw new ConfigError(`${name}: its data is ${size} bytes, over the limit of ${MAX_JOB_BYTES}`);
  const parsed = jobDataSchema.safeParse(data);
  if (!parsed.success) throw new ConfigError(`${name}:\n${printable(describeIssues(parsed.error, data, jobDataSchema))}`);
  let config: TrainConfig;
  try {
    config = resolveTrainConfig(parsed.data.config);
  } catch (error) {
    throw new ConfigError(`${name} (${printable(parsed.data.origin)}):\n${printable((error as Error).message)}`);
  }
  const key = configKey(config);
  if (jobIdOf(key) !== id) throw new ConfigError(`${name}: its configuration hashes to ${key}, not to its id; refused`);
  if (options.dataRoots && options.dataRoots.length > 0) {
    const roots = options.dataRoots.map(real);
    for (const path of datasetPaths(config.dataset)) {
      if (!roots.some((root) => within(root, real(path)))) {
        throw new ConfigError(`${name}: dataset ${config.dataset} reads ${path}, outside the worker's --data-root ${options.dataRoots.join(', ')}; refused`);
      }
    }
  }
  return { key, config, fractions: parsed.data.fractions, origin: printable(parsed.data.origin), sweep: printable(parsed.data.sweep) };
}
