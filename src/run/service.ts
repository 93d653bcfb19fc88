// The run service: one implementation of "train a configuration into a run folder" for
// `train --out`, sweeps and reproduce (and later resume and remote workers).
import { writeReport } from '../analysis/report.js';
import { resolveTrainConfig, type TrainConfig, type TrainConfigInput } from '../config/schema.js';
import { loadRunDataset } from '../data/registry.js';
import type { Dataset } from '../data/types.js';
import type { Engine } from '../engine/engine.js';
import { nodeEngine } from '../engine/node.js';
import type { AnalyseOptions, Analysis } from '../prune/prune.js';
import { runTraining, type EpochMetrics, type TrainProgress, type TrainSummary } from '../train/loop.js';
import { writeRun } from './files.js';
import { RunFolder } from './folder.js';

export interface RunOptions {
  /** The run folder; without it nothing is written. */
  dir?: string;
  /** Replace an existing run in `dir` (moved aside, only a folder evoprune wrote). */
  force?: boolean;
  /** `dir` is a run inside a sweep's (locked) folder: empty it if evoprune wrote it, no lock of its own. */
  inSweep?: boolean;
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
}

export interface RunResult {
  summary: TrainSummary;
  analysis?: Analysis;
  /** Files written, in order (empty without `dir`). */
  files: string[];
  /** Where an old run replaced with `force` was moved. */
  replacedTo?: string;
}

/**
 * Trains one configuration and, with `dir`, keeps it: the folder is checked and locked before any
 * data is loaded, then model.bin, config.json, metrics.csv, telemetry.json, summary.json,
 * pruning.json (with `analyse`) and the report are written, each atomically, summary.json and
 * pruning.json last so that a run counts as finished only when everything is on disk.
 */
export async function trainRun(input: TrainConfigInput | TrainConfig, options: RunOptions = {}): Promise<RunResult> {
  const config = resolveTrainConfig(input);
  const lost = new AbortController();
  const folder = options.dir
    ? await RunFolder.open(options.dir, {
        kind: 'run',
        force: options.force,
        reset: options.inSweep,
        onCompromised: (error) => lost.abort(new Error(`lost the lock on ${options.dir} (${error.message}); stopped so that two runs do not mix`)),
      })
    : undefined;
  try {
    const dataset = options.dataset ?? loadRunDataset(config);
    const signal = options.signal ? AbortSignal.any([options.signal, lost.signal]) : lost.signal;
    const summary = await runTraining(config, dataset, options.engine ?? nodeEngine(), {
      signal,
      onProgress: options.onProgress,
      onEpoch: options.onEpoch,
      analyse: options.analyse,
      keepModel: folder !== undefined,
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
    return { summary, analysis, files, replacedTo: folder.replacedTo };
  } finally {
    await folder?.close();
  }
}
