import type { ScopeName, ScoreName } from '../config/dynamics.js';
import type { WasmBindings } from './bindings.js';
import type { Evaluation } from './trainer.js';

export type WasmModelHandle = WasmBindings['Model']['prototype'];

/** `[loss, correct, rows, …confusion]` from wasm into an Evaluation. */
export function toEvaluation(out: Float64Array, classes: number): Evaluation {
  const [loss, correct, rows] = [out[0]!, out[1]!, out[2]!];
  const confusion = Array.from({ length: classes }, (_, r) => Array.from(out.subarray(3 + r * classes, 3 + (r + 1) * classes)));
  return { loss, correct, rows, accuracy: rows === 0 ? Number.NaN : correct / rows, confusion };
}

/** A trained, pruned or compact MLP held in wasm. Call `free()` when done. */
export class WasmModel {
  constructor(readonly handle: WasmModelHandle) {}

  static fromBytes(wasm: WasmBindings, bytes: Uint8Array): WasmModel {
    return new WasmModel(wasm.Model.from_bytes(bytes));
  }

  /** `[inputs, hidden…, classes]`. */
  get sizes(): number[] {
    return Array.from(this.handle.sizes());
  }

  get classes(): number {
    const s = this.sizes;
    return s[s.length - 1]!;
  }

  get parameterCount(): number {
    return this.handle.parameter_count();
  }

  alive(): number[] {
    return Array.from(this.handle.alive());
  }

  masses(layer: number): Float32Array {
    return this.handle.masses(layer);
  }

  /**
   * The input standardization the model carries (`x ↦ (x − shift[j]) / scale[j]`, applied in
   * wasm to every row it reads), or undefined. Models trained with `standardize` carry one; their
   * file is model format 2.
   */
  get standardization(): { shift: Float32Array; scale: Float32Array } | undefined {
    const both = this.handle.standardization();
    if (both.length === 0) return undefined;
    const inputs = both.length / 2;
    return { shift: both.slice(0, inputs), scale: both.slice(inputs) };
  }

  /** Loss, accuracy and confusion on byte images or raw f32 features (one row per label). */
  evaluate(inputs: Uint8Array | Float32Array, labels: Uint8Array): Evaluation {
    const out = inputs instanceof Float32Array ? this.handle.evaluate_features(inputs, labels) : this.handle.evaluate(inputs, labels);
    return toEvaluation(out, this.classes);
  }

  /** Logits (`rows × classes`) of byte images or raw f32 features. */
  logits(inputs: Uint8Array | Float32Array, rows: number): Float32Array {
    return inputs instanceof Float32Array ? this.handle.logits_features(inputs, rows) : this.handle.logits(inputs, rows);
  }

  /** The predicted class of each row (argmax of its logits, the first on ties). */
  predict(inputs: Uint8Array | Float32Array, rows: number): Uint32Array {
    return inputs instanceof Float32Array ? this.handle.predict_features(inputs, rows) : this.handle.predict(inputs, rows);
  }

  /** Forward passes over `rows` rows in batches; returns a checksum (for timing). */
  infer(inputs: Uint8Array | Float32Array, rows: number, batch: number): number {
    return inputs instanceof Float32Array ? this.handle.infer_features(inputs, rows, batch) : this.handle.infer(inputs, rows, batch);
  }

  /** This model with `fraction` of its populations pruned (by mass, magnitude or random order). */
  /** `score` is any registry score that does not need the trainer (participation does: the kernels refuse it here). */
  pruned(score: ScoreName, fraction: number, scope: ScopeName = 'global', seed = 0): WasmModel {
    return new WasmModel(this.handle.pruned(score, fraction, scope, seed));
  }

  /** The physically smaller plain MLP: dead populations removed, masses folded in. */
  compact(): WasmModel {
    return new WasmModel(this.handle.compact());
  }

  toBytes(): Uint8Array {
    return this.handle.to_bytes();
  }

  free(): void {
    this.handle.free();
  }
}
