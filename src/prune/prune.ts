import { performance } from 'node:perf_hooks';
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
}

/**
 * Hard-prunes the trainer's model at each fraction with each score and evaluates each pruned
 * model on `test` without retraining. Fraction 0 is the unpruned model.
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
      const model = trainer.pruned(score, fraction, scope);
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

/** Samples per second of inference over `set` in batches of `batch`: the best of `repeats`. */
export function inferenceSpeed(model: WasmModel, set: ImageSet, batch: number, repeats = 5): number {
  model.infer(set.images, set.rows, batch); // warm-up
  let best = Infinity;
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    model.infer(set.images, set.rows, batch);
    best = Math.min(best, (performance.now() - t0) / 1000);
  }
  return set.rows / best;
}
