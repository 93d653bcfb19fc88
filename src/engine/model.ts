import type { ScopeName, ScoreName } from '../config/dynamics.js';
import type { WasmBindings } from './bindings.js';
import type { Engine } from './engine.js';
import type { Evaluation } from './trainer.js';

export type WasmModelHandle = WasmBindings['Model']['prototype'];

/** `[loss, correct, rows, …confusion]` from wasm into an Evaluation. */
export function toEvaluation(out: Float64Array, classes: number): Evaluation {
  const [loss, correct, rows] = [out[0]!, out[1]!, out[2]!];
  const confusion = Array.from({ length: classes }, (_, r) => Array.from(out.subarray(3 + r * classes, 3 + (r + 1) * classes)));
  return { loss, correct, rows, accuracy: rows === 0 ? Number.NaN : correct / rows, confusion };
}

/** Where `loadModel` finds a model: its bytes, or a URL (in Node also a file path). */
export type ModelSource = Uint8Array | ArrayBuffer | URL | string;

/** A model's bytes as a Uint8Array (a view, not a copy). */
function modelBytesOf(source: Uint8Array | ArrayBuffer): Uint8Array {
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  throw new TypeError('loadModel: expected the model as a Uint8Array, an ArrayBuffer, a URL or a path');
}

/** The bytes at `url`; the error names the URL and the HTTP status. */
async function fetchModelBytes(url: URL): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new Error(`${url.href}: cannot fetch (${(error as Error).message})`);
  }
  if (!response.ok) throw new Error(`${url.href}: HTTP ${response.status} ${response.statusText}`.trimEnd());
  return new Uint8Array(await response.arrayBuffer());
}

/** `loadModel` for an engine's kernels: bytes as they are, strings and URLs fetched. */
export async function loadModelWith(engine: Engine, source: ModelSource): Promise<WasmModel> {
  if (source instanceof URL || typeof source === 'string') {
    const url = new URL(source, typeof location === 'undefined' ? undefined : location.href);
    return WasmModel.fromBytes(engine.wasm, await fetchModelBytes(url), url.href);
  }
  return WasmModel.fromBytes(engine.wasm, modelBytesOf(source));
}

/** What `predict` accepts: byte images (0–255) or float features, one row or many. */
export type PredictInput =
  | Uint8Array
  | Uint8ClampedArray
  | Float32Array
  | Float64Array
  | readonly number[]
  | readonly (Uint8Array | Uint8ClampedArray | Float32Array | readonly number[])[];

/** The result of `predict`: one class and one probability row per input row. */
export interface Prediction {
  rows: number;
  /** The predicted class of each row (the argmax of its logits, the first on ties). */
  classes: Uint32Array;
  /** Softmax probabilities, `rows × classCount`, row-major. */
  probabilities: Float32Array;
  /** The model's number of classes (the width of a probability row). */
  classCount: number;
}

/**
 * Each row of `logits` (`classCount` wide) into its class (the argmax, the first on ties, as the
 * kernels pick it) and its softmax, computed in f64 after subtracting the row's maximum (no exp
 * overflows; the rows sum to 1 within the precision of `probabilities`).
 */
export function softmaxRows(logits: ArrayLike<number>, classCount: number, classes: Uint32Array, probabilities: Float32Array | Float64Array): void {
  for (let r = 0; r < classes.length; r++) {
    const at = r * classCount;
    let best = 0;
    for (let c = 1; c < classCount; c++) if (logits[at + c]! > logits[at + best]!) best = c;
    classes[r] = best;
    const top = logits[at + best]!;
    let sum = 0;
    for (let c = 0; c < classCount; c++) sum += Math.exp(logits[at + c]! - top);
    for (let c = 0; c < classCount; c++) probabilities[at + c] = Math.exp(logits[at + c]! - top) / sum;
  }
}

// `Symbol.dispose` exists in Node ≥ 20 and recent browsers; older pages get the well-known
// registry symbol, which `using` polyfills also use.
const dispose: typeof Symbol.dispose = (Symbol as { dispose?: typeof Symbol.dispose }).dispose ?? (Symbol.for('Symbol.dispose') as typeof Symbol.dispose);

/** A trained, pruned or compact MLP held in wasm. Call `free()` (or `using`) when done. */
export class WasmModel {
  constructor(readonly handle: WasmModelHandle) {}

  /** `origin` (a path or URL) prefixes the error when the bytes are not a model this version reads. */
  static fromBytes(wasm: WasmBindings, bytes: Uint8Array, origin?: string): WasmModel {
    try {
      return new WasmModel(wasm.Model.from_bytes(bytes));
    } catch (error) {
      if (origin === undefined) throw error;
      throw new Error(`${origin}: ${(error as Error).message}`);
    }
  }

  /** The number of values in one input row (784 for MNIST images). */
  get inputs(): number {
    return this.sizes[0]!;
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

  /**
   * Classes and probabilities of one row or a batch: byte images (`Uint8Array`, 0–255, as the
   * model was trained on) or float features (`Float32Array`, `Float64Array` or numbers). A flat
   * input holds whole rows back to back; an array of rows is a batch.
   */
  predict(input: PredictInput): Prediction {
    const [flat, rows] = this.rowsOf(input);
    const logits = this.logits(flat, rows);
    const classCount = this.classes;
    const classes = new Uint32Array(rows);
    const probabilities = new Float32Array(rows * classCount);
    softmaxRows(logits, classCount, classes, probabilities);
    return { rows, classes, probabilities, classCount };
  }

  /** One flat typed array and its row count, checked against the model's input size. */
  private rowsOf(input: PredictInput): [Uint8Array | Float32Array, number] {
    const inputs = this.inputs;
    const isRow = (x: unknown): x is Uint8Array | Uint8ClampedArray | Float32Array | readonly number[] =>
      ArrayBuffer.isView(x) || (Array.isArray(x) && x.every((v) => typeof v === 'number'));
    let flat: Uint8Array | Float32Array;
    if (input instanceof Uint8Array || input instanceof Uint8ClampedArray) flat = new Uint8Array(input.buffer, input.byteOffset, input.length);
    else if (input instanceof Float32Array) flat = input;
    else if (input instanceof Float64Array || (Array.isArray(input) && input.every((v) => typeof v === 'number')))
      flat = Float32Array.from(input as ArrayLike<number>);
    else if (Array.isArray(input) && input.every(isRow)) {
      const rows = input as readonly (Uint8Array | Uint8ClampedArray | Float32Array | readonly number[])[];
      // Canvas pixels (ImageData) are Uint8ClampedArray: bytes, as Uint8Array.
      const isBytes = (row: unknown) => row instanceof Uint8Array || row instanceof Uint8ClampedArray;
      const bytes = rows.every(isBytes);
      if (!bytes && rows.some(isBytes)) throw new TypeError('predict: a batch mixes byte images (Uint8Array) and float rows; pass one kind');
      rows.forEach((row, i) => {
        if (row.length !== inputs) throw new RangeError(`predict: row ${i} has ${row.length} values but the model expects ${inputs}`);
      });
      flat = bytes ? new Uint8Array(rows.length * inputs) : new Float32Array(rows.length * inputs);
      for (const [i, row] of rows.entries()) flat.set(row, i * inputs);
    } else {
      throw new TypeError('predict: expected byte images (Uint8Array), float features (Float32Array, Float64Array, number[]) or an array of such rows');
    }
    if (flat.length === 0 || flat.length % inputs !== 0) {
      throw new RangeError(`predict: got ${flat.length} values, which is not a whole number of rows of ${inputs} (the model's input size)`);
    }
    if (flat instanceof Float32Array) {
      const bad = flat.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0) throw new RangeError(`predict: value ${bad} (row ${Math.floor(bad / inputs)}) is ${flat[bad]}; features must be finite`);
    }
    return [flat, flat.length / inputs];
  }

  /** The predicted class of each row as the kernels compute it (argmax of the logits, the first on ties). */
  predictClasses(inputs: Uint8Array | Float32Array, rows: number): Uint32Array {
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

  /** Releases the model's wasm memory; calling it again does nothing. */
  free(): void {
    if (this.freed) return;
    this.freed = true;
    this.handle.free();
  }

  private freed = false;

  /** `using model = await loadModel(…)` frees the model at the end of the block. */
  [dispose](): void {
    this.free();
  }
}
