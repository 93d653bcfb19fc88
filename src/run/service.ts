// The run service: one implementation of "train a configuration into a run folder" for
// `train --out`, `train --resume`, sweeps and reproduce (and later remote workers).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeReport } from '../analysis/report.js';
import { ConfigError, resolveTrainConfig, type TrainConfig, type TrainConfigInput } from '../config/schema.js';
import { loadRunDataset } from '../data/registry.js';
import type { Dataset } from '../data/types.js';
import type { Engine } from '../engine/engine.js';
import { nodeEngineFor } from '../engine/node.js';
import type { AnalyseOptions, Analysis } from '../prune/prune.js';
import { configKey } from '../sweep/plan.js';
import { runTraining, type EpochMetrics, type TrainingSnapshot, type TrainProgress, type TrainSummary } from '../train/loop.js';
import { CHECKPOINT_FORMAT, CheckpointError, decodeCheckpoint, encodeCheckpoint, type CheckpointHeader } from './checkpoint.js';
import { plainTelemetry, typedTelemetry } from './schema.js';
import { readFinishedRun, writeRun } from './files.js';
import { RunFolder, readMarker, resetOwnedRunFolder } from './folder.js';
import { runProvenance } from './provenance.js';

export const CHECKPOINT_FILE = 'checkpoint.bin';

export interface RunOptions {
  /** The run folder; without it nothing is written. */
  dir?: string;
  /** Replace an existing run in `dir` (moved aside, only a folder evoprune wrote). */
  force?: boolean;
  /** Continue the interrupted run in `dir` from its last checkpoint (a finished run is left as it is). */
  resume?: boolean;
  /** `dir` is a run inside a sweep's (locked) folder: resumed from its checkpoint if it has one, else started over. */
  inSweep?: boolean;
  /** A checkpoint every N optimizer steps, besides the one at every epoch end and on Ctrl-C. */
  checkpointEvery?: number;
  /**
   * Called once checkpoint.bin is on disk (every epoch end, every `checkpointEvery` steps, on
   * Ctrl-C); training waits for it (a queue worker sends the checkpoint on before going on).
   */
  onCheckpoint?: (checkpoint: { step: number; epoch: number; file: string }) => void | Promise<void>;
  /** The after-training step (hard pruning, compaction, timing); its results go to pruning.json. */
  analyse?: AnalyseOptions;
  /** Write report.md and its plots into `dir` (default true when `dir` is given). */
  report?: boolean;
  /** An already loaded dataset (else the configuration's is loaded). */
  dataset?: Dataset;
  engine?: Engine;
  signal?: AbortSignal;
  onProgress?: (progress: TrainProgress) => void;
  onEpoch?: (metrics: EpochMetrics) => void;
  /** Compute on a compacted copy once populations are extinct for good (default true; same bits off). */
  compaction?: boolean;
  /** Threads to train on (default 1; ignored when `engine` is given). Same bits for every count. */
  threads?: number;
}

export interface RunResult {
  summary: TrainSummary;
  analysis?: Analysis;
  /** Files written, in order (empty without `dir`). */
  files: string[];
  /** Where an old run replaced with `force` was moved. */
  replacedTo?: string;
  /** The step a resumed run continued from (0: from the start). */
  resumedFrom?: number;
  /** `resume` found the run already finished and changed nothing (summary from its summary.json). */
  alreadyFinished?: boolean;
}

/** Fields whose values differ between two resolved configurations, as `field: a → b`. */
export function configDifferences(a: TrainConfig, b: TrainConfig): string[] {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  const av = a as unknown as Record<string, unknown>;
  const bv = b as unknown as Record<string, unknown>;
  return keys.filter((k) => JSON.stringify(av[k]) !== JSON.stringify(bv[k])).map((k) => `${k}: ${JSON.stringify(av[k])} → ${JSON.stringify(bv[k])}`);
}

/** The resolved configuration a run folder was started with (config.json, written first). */
export function readRunConfig(dir: string): TrainConfig {
  const file = join(dir, 'config.json');
  if (!existsSync(file)) {
    throw new ConfigError(
      `${dir} has no config.json: ${existsSync(dir) ? 'the run stopped before it wrote anything; start it again with the same train --out command' : 'there is no such run folder'}`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`${file}: not valid JSON (${(error as Error).message})`);
  }
  return resolveTrainConfig(value);
}

/** `resume` on a finished run: nothing is trained; a report lost to a crash after summary.json is written. */
async function finishedRun(dir: string, config: TrainConfig, options: RunOptions): Promise<RunResult> {
  const files: string[] = [];
  if (options.report !== false && !existsSync(join(dir, 'report.md'))) {
    const folder = await RunFolder.open(dir, { kind: 'run', resume: true });
    try {
      files.push(await writeReport(dir));
    } finally {
      await folder.close();
    }
  }
  return { summary: readFinishedRun(dir, config), files, alreadyFinished: true };
}

/** The checkpoint of a run folder, checked against the configuration and data it resumes with. */
function readCheckpoint(dir: string, config: TrainConfig, dataset: Dataset): CheckpointHeader & { state: Uint8Array } {
  const file = join(dir, CHECKPOINT_FILE);
  const { header, state } = decodeCheckpoint(new Uint8Array(readFileSync(file)), file);
  if (header.configHash !== configKey(config)) {
    const differences = configDifferences(header.config, config);
    throw new CheckpointError(`${file} was saved under another configuration (${differences.join('; ') || `hash ${header.configHash}`})`);
  }
  const now = new Map((dataset.sources ?? []).map((s) => [s.file, s.sha256]));
  for (const source of header.provenance.dataset.files) {
    if (now.has(source.file) && now.get(source.file) !== source.sha256) {
      throw new CheckpointError(
        `${file}: the data changed since the checkpoint (${source.file} had SHA-256 ${source.sha256.slice(0, 12)}…, now ${now.get(source.file)!.slice(0, 12)}…)`,
      );
    }
  }
  return { ...header, state };
}

/**
 * Trains one configuration and, with `dir`, keeps it: the folder is checked and locked before any
 * data is loaded; config.json and provenance.json are written first, checkpoint.bin at every epoch
 * end (every `checkpointEvery` steps, and on Ctrl-C), then model.bin, metrics.csv, telemetry.json,
 * summary.json, pruning.json (with `analyse`) and the report, each atomically. A run counts as
 * finished once summary.json is on disk (a sweep's once pruning.json is too); the report is made
 * from those files, so a resume that finds it missing writes it.
 * With `resume`, an interrupted run continues from its checkpoint and ends with the same bits as
 * a run never stopped.
 */
export async function trainRun(input: TrainConfigInput | TrainConfig, options: RunOptions = {}): Promise<RunResult> {
  let config = resolveTrainConfig(input);
  const dir = options.dir;
  if (options.resume && !dir) throw new ConfigError('resume needs the run folder (dir)');
  if (options.resume && dir) {
    const started = readRunConfig(dir);
    const differences = configDifferences(started, config);
    if (differences.length > 0) throw new ConfigError(`${dir} was started with another configuration; resuming would change ${differences.join('; ')}`);
    config = started;
    if (existsSync(join(dir, 'summary.json'))) return finishedRun(dir, config, options);
  }
  // A sweep sends a run back only when it is unfinished (resumed from its checkpoint) or with
  // --fresh (summary.json present: trained again from the start, not re-read from its last state).
  const inSweepCheckpoint =
    options.inSweep && dir !== undefined && existsSync(join(dir, CHECKPOINT_FILE)) && !existsSync(join(dir, 'summary.json')) && readMarker(dir) !== undefined;
  const lost = new AbortController();
  const folder = dir
    ? await RunFolder.open(dir, {
        kind: 'run',
        force: options.force,
        resume: options.resume || inSweepCheckpoint,
        reset: options.inSweep && !inSweepCheckpoint,
        lock: !options.inSweep,
        onCompromised: (error) => lost.abort(new Error(`lost the lock on ${dir} (${error.message}); stopped so that two runs do not mix`)),
      })
    : undefined;
  try {
    const dataset = options.dataset ?? loadRunDataset(config);
    const provenance = runProvenance(dataset);
    let resume: TrainingSnapshot | undefined;
    if (folder && (options.resume || inSweepCheckpoint) && existsSync(join(folder.dir, CHECKPOINT_FILE))) {
      try {
        const checkpoint = readCheckpoint(folder.dir, config, dataset);
        resume = {
          state: checkpoint.state,
          fingerprint: checkpoint.progress.fingerprint,
          step: checkpoint.progress.step,
          epoch: checkpoint.progress.epoch,
          history: checkpoint.progress.history,
          telemetry: typedTelemetry(checkpoint.progress.telemetry),
          epochProgress: checkpoint.progress.epochProgress,
        };
      } catch (error) {
        // A sweep's run whose checkpoint does not fit starts over; a user's resume is refused.
        if (!inSweepCheckpoint) throw error;
        await folder.close();
        resetOwnedRunFolder(folder.dir);
        return trainRun(config, { ...options, dataset });
      }
    }
    if (folder && !resume) {
      folder.write('config.json', JSON.stringify(config, null, 2) + '\n');
      folder.write('provenance.json', JSON.stringify(provenance, null, 2) + '\n');
    }
    const save = async (snapshot: TrainingSnapshot) => {
      const header: CheckpointHeader = {
        format: CHECKPOINT_FORMAT,
        config,
        configHash: configKey(config),
        provenance,
        progress: {
          step: snapshot.step,
          epoch: snapshot.epoch,
          fingerprint: snapshot.fingerprint,
          history: snapshot.history,
          telemetry: plainTelemetry(snapshot.telemetry),
          epochProgress: snapshot.epochProgress,
        },
        created: new Date().toISOString(),
      };
      const file = folder!.write(CHECKPOINT_FILE, encodeCheckpoint(header, snapshot.state));
      await options.onCheckpoint?.({ step: snapshot.step, epoch: snapshot.epoch, file });
    };
    const signal = options.signal ? AbortSignal.any([options.signal, lost.signal]) : lost.signal;
    const summary = await runTraining(config, dataset, options.engine ?? (await nodeEngineFor(options.threads ?? 1)), {
      signal,
      onProgress: options.onProgress,
      onEpoch: options.onEpoch,
      analyse: options.analyse,
      keepModel: folder !== undefined,
      resume,
      checkpoint: folder ? { every: options.checkpointEvery, save } : undefined,
      compaction: options.compaction,
    }).catch((error: unknown) => {
      throw lost.signal.aborted ? lost.signal.reason : error;
    });
    if (!folder) return { summary, analysis: summary.analysis, files: [] };
    const write = (name: string, data: string | Uint8Array) => folder.write(name, data);
    const files = [write('model.bin', summary.model!)];
    const { model: _bytes, analysis, ...kept } = summary;
    files.push(...writeRun(write, config, kept));
    if (analysis) files.push(write('pruning.json', JSON.stringify(analysis.pruning, null, 2) + '\n'));
    if (options.report !== false) files.push(await writeReport(folder.dir));
    return { summary, analysis, files, replacedTo: folder.replacedTo, resumedFrom: resume?.step ?? 0 };
  } finally {
    await folder?.close();
  }
}
