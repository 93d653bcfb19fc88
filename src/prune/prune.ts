import { bestSecondsPerCall } from '../util/timing.js';
import type { ScoreName } from '../config/dynamics.js';
import type { ImageSet } from '../data/registry.js';
import { WasmModel } from '../engine/model.js';
import type { WasmTrainer } from '../engine/trainer.js';

export interface PruneResult {
  score: ScoreName;
  fraction: number;
  scope: 'global' | 'layer';
  accuracy: number;
  loss: number;
  alive: number[];
  /** Why this pruning was refused (e.g. it would empty a layer); accuracy is then NaN. */
  refused?: string;
}

/**
 * Hard-prunes the trainer's model at each fraction with each score and evaluates each pruned
 * model on `test` without retraining. Fraction 0 is the unpruned model. A refused pruning (one
 * that would empty a layer) is recorded with NaN accuracy and the reason, not thrown.
 */
export function pruneSweep(
  trainer: WasmTrainer,
  test: ImageSet,
  options: { scores: readonly ScoreName[]; fractions: readonly number[]; scope?: 'global' | 'layer' },
): PruneResult[] {
  const scope = options.scope ?? 'global';
  const results: PruneResult[] = [];
  for (const score of options.scores) {
    for (const fraction of options.fractions) {
      let model: WasmModel;
      try {
        model = trainer.pruned(score, fraction, scope);
      } catch (error) {
        const refused = error instanceof Error ? error.message : String(error);
        results.push({ score, fraction, scope, accuracy: Number.NaN, loss: Number.NaN, alive: [], refused });
        continue;
      }
      try {
        const e = model.evaluate(test.images, test.labels);
        results.push({ score, fraction, scope, accuracy: e.accuracy, loss: e.loss, alive: model.alive() });
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
 * Compacts `model` and checks the result against it on `check` images: the largest absolute
 * logit difference must be ≤ `tolerance` (default 1e-4), else CompactionError.
 */
export function compactChecked(model: WasmModel, check: ImageSet, tolerance = 1e-4): { compact: WasmModel; maxLogitDifference: number } {
  const compact = model.compact();
  const a = model.logits(check.images, check.rows);
  const b = compact.logits(check.images, check.rows);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  if (!(worst <= tolerance)) {
    compact.free();
    throw new CompactionError(`the compact model differs from the masked one by ${worst} in a logit (allowed ${tolerance})`);
  }
  return { compact, maxLogitDifference: worst };
}

/** Samples per second of inference over `set` in batches of `batch` (best batch of calls over `seconds`). */
export function inferenceSpeed(model: WasmModel, set: ImageSet, batch: number, seconds = 0.5): number {
  return set.rows / bestSecondsPerCall(() => model.infer(set.images, set.rows, batch), seconds);
}
