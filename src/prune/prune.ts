// The after-training step, platform-neutral (Node, pages, workers): hard pruning at chosen
// fractions by chosen scores, compaction with its equivalence check, and inference timing.
import { bestSecondsPerCall } from '../util/timing.js';
import type { ScoreName } from '../config/dynamics.js';
import { type DataSplit, splitInputs } from '../data/types.js';
import { kernelErrorKind } from '../engine/errors.js';
import type { WasmModel } from '../engine/model.js';
import type { WasmTrainer } from '../engine/trainer.js';

export type PruneScope = 'global' | 'layer';

export interface PruneResult {
  score: ScoreName;
  fraction: number;
  scope: PruneScope;
  accuracy: number;
  loss: number;
  alive: number[];
  /** Why the kernels refused this pruning (it would empty a layer); accuracy is then NaN. */
  refused?: string;
  /** The compact model of this pruning (with `compactEach`). */
  compactSizes?: number[];
  compactParameters?: number;
}

/** Hard pruning by one score at several fractions (fraction 0 is the unpruned model). */
export interface PruneSpec {
  score: ScoreName;
  fractions: readonly number[];
  scope?: PruneScope;
}

/**
 * Hard-prunes the trainer's model at each fraction with each score and evaluates each pruned
 * model on `test` without retraining. A pruning the kernels refuse (one that would empty a layer)
 * is recorded with NaN accuracy and the reason; any other error is thrown.
 */
export function pruneSweep(
  trainer: WasmTrainer,
  test: DataSplit,
  options: { scores: readonly ScoreName[]; fractions: readonly number[]; scope?: PruneScope; compactEach?: boolean },
): PruneResult[] {
  const scope = options.scope ?? 'global';
  const results: PruneResult[] = [];
  for (const score of options.scores) {
    for (const fraction of options.fractions) {
      let model: WasmModel;
      try {
        model = trainer.pruned(score, fraction, scope);
      } catch (error) {
        if (kernelErrorKind(error) !== 'refusal') throw error;
        results.push({ score, fraction, scope, accuracy: Number.NaN, loss: Number.NaN, alive: [], refused: (error as Error).message });
        continue;
      }
      try {
        const e = model.evaluate(splitInputs(test), test.labels);
        const result: PruneResult = { score, fraction, scope, accuracy: e.accuracy, loss: e.loss, alive: model.alive() };
        if (options.compactEach) {
          const compact = model.compact();
          result.compactSizes = compact.sizes;
          result.compactParameters = compact.parameterCount;
          compact.free();
        }
        results.push(result);
      } finally {
        model.free();
      }
    }
  }
  return results;
}

/** Thrown when a compact model does not reproduce its masked model. */
export class CompactionError extends Error {
  override name = 'CompactionError';
}

/**
 * Compacts `model` and checks the result against it on the `check` rows: the largest absolute
 * logit difference must be ≤ `tolerance` (default 1e-4), else CompactionError.
 */
export function compactChecked(model: WasmModel, check: DataSplit, tolerance = 1e-4): { compact: WasmModel; maxLogitDifference: number } {
  const compact = model.compact();
  const a = model.logits(splitInputs(check), check.rows);
  const b = compact.logits(splitInputs(check), check.rows);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  if (!(worst <= tolerance)) {
    compact.free();
    throw new CompactionError(`the compact model differs from the masked one by ${worst} in a logit (allowed ${tolerance})`);
  }
  return { compact, maxLogitDifference: worst };
}

/** Samples per second of inference over `set` in batches of `batch` (best batch of calls over `seconds`). */
export function inferenceSpeed(model: WasmModel, set: DataSplit, batch: number, seconds = 0.5): number {
  return set.rows / bestSecondsPerCall(() => model.infer(splitInputs(set), set.rows, batch), seconds);
}

/** The compact model of a trained one against the full-size model. */
export interface CompactionReport {
  sizes: number[];
  parameters: number;
  denseParameters: number;
  maxLogitDifference: number;
  /** Inference speed of the compact model over the full-size one (when timed). */
  speedup?: number;
}

export interface AnalyseOptions {
  prune?: readonly PruneSpec[];
  /** Also compact every pruned model and record its size. */
  compactEach?: boolean;
  /** Compact the trained model, check it against the full one and (with `batch`) time both. */
  compaction?: boolean | { batch: number; seconds?: number };
}

export interface Analysis {
  pruning: PruneResult[];
  compaction?: CompactionReport;
}

/**
 * The one after-training step every caller shares (the CLI, sweeps, reproduce, the browser
 * worker): pruning sweeps, then compaction checked against the masked model, then timing.
 */
export function analyseTrained(trainer: WasmTrainer, test: DataSplit, options: AnalyseOptions = {}): Analysis {
  const pruning = (options.prune ?? []).flatMap((spec) =>
    pruneSweep(trainer, test, { scores: [spec.score], fractions: spec.fractions, scope: spec.scope, compactEach: options.compactEach }),
  );
  if (!options.compaction) return { pruning };
  const full = trainer.model();
  try {
    const { compact, maxLogitDifference } = compactChecked(full, test);
    try {
      const report: CompactionReport = { sizes: compact.sizes, parameters: compact.parameterCount, denseParameters: full.parameterCount, maxLogitDifference };
      if (typeof options.compaction === 'object') {
        const { batch, seconds } = options.compaction;
        report.speedup = inferenceSpeed(compact, test, batch, seconds) / inferenceSpeed(full, test, batch, seconds);
      }
      return { pruning, compaction: report };
    } finally {
      compact.free();
    }
  } finally {
    full.free();
  }
}
