// Platform-neutral: reads evoprune's model file (docs/model-format.md) in Node and in browsers,
// for tools that want the tensors without the wasm kernels (the ONNX export reads it too).

/** The first 15 bytes of every model file; the 16th is the format version. */
export const MODEL_MAGIC = 'EVOPRUNE-MODEL\u0000';

/** The oldest and newest model file formats this reader knows (1: layers and masses; 2: adds the input standardization). */
export const MODEL_FORMATS = { oldest: 1, newest: 2 } as const;

/** The one preprocessing block format 2 knows: a per-input shift and scale. */
const BLOCK_STANDARDIZATION = 1;

/** Layer sizes above this are refused as implausible (as the kernels refuse them). */
const MAX_LAYER_SIZE = 2 ** 24;

/** A file that is not a model file this reader can read; the message names the file (when known) and what is wrong. */
export class ModelFormatError extends Error {
  override name = 'ModelFormatError';
}

/** One dense layer: `outputs = inputs · weights + bias`. */
export interface ModelLayer {
  inputs: number;
  outputs: number;
  /** `inputs × outputs`, row-major: row `i` holds input `i`'s weights to every output. */
  weights: Float32Array;
  bias: Float32Array;
}

/** What a model file holds. */
export interface ModelFile {
  /** The file's format version (1 or 2). */
  format: number;
  /** `[inputs, hidden…, classes]`. */
  sizes: number[];
  /** One per pair of adjacent sizes: the hidden layers, then the output layer. */
  layers: ModelLayer[];
  /** One mass per population of each hidden layer (0 = extinct); a compact model's are all 1. */
  masses: Float32Array[];
  /** Format 2 only: every input value x of feature j becomes `(x − shift[j]) / scale[j]` before the first layer. */
  standardization?: { shift: Float32Array; scale: Float32Array };
}

/** Little-endian reads that name what they were reading when the bytes run out. */
class Reader {
  private readonly view: DataView;

  /** Reads `bytes` from offset `at` (offsets in messages count from the file's start). */
  constructor(
    private readonly bytes: Uint8Array,
    private at: number,
    private readonly fail: (message: string) => never,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get remaining(): number {
    return this.bytes.length - this.at;
  }

  private need(n: number, what: string): void {
    if (this.remaining < n) this.fail(`the model file is truncated at byte ${this.at} (reading ${what})`);
  }

  u32(what: string): number {
    this.need(4, what);
    const v = this.view.getUint32(this.at, true);
    this.at += 4;
    return v;
  }

  /** A u64 length; one beyond 2^53 cannot be a length of anything in this file. */
  length(what: string): number {
    this.need(8, what);
    const low = this.view.getUint32(this.at, true);
    const high = this.view.getUint32(this.at + 4, true);
    this.at += 8;
    if (high >= 2 ** 21) this.fail(`the model file's length of ${what} is implausible (${high} · 2^32 + ${low})`);
    return high * 2 ** 32 + low;
  }

  u32s(what: string): number[] {
    const n = this.length(what);
    if (n > this.remaining / 4) this.fail(`the model file is truncated in ${what} (${n} values announced, ${this.remaining} bytes left)`);
    return Array.from({ length: n }, () => this.u32(what));
  }

  /** A length-prefixed f32 array of exactly `expected` values. */
  f32s(expected: number, what: string): Float32Array {
    const n = this.length(what);
    if (n !== expected) this.fail(`the model file has ${n} values for ${what}, expected ${expected}`);
    this.need(4 * n, what);
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = this.view.getFloat32(this.at + 4 * i, true);
    this.at += 4 * n;
    return out;
  }
}

/**
 * Reads a model file written by evoprune (`WasmModel.toBytes()`, `saveModel`): formats 1 and 2,
 * checked as strictly as the kernels check them. `file` (a path or name) prefixes every error.
 * A newer format is refused by number: update evoprune to read it.
 */
export function decodeModelFile(bytes: Uint8Array, file?: string): ModelFile {
  const fail = (message: string): never => {
    throw new ModelFormatError(file === undefined ? message : `${file}: ${message}`);
  };
  const notAModel = () => fail('not an evoprune model (bad header or version)');
  if (bytes.length < MODEL_MAGIC.length + 1) notAModel();
  for (let i = 0; i < MODEL_MAGIC.length; i++) if (bytes[i] !== MODEL_MAGIC.charCodeAt(i)) notAModel();
  const format = bytes[MODEL_MAGIC.length]!;
  if (format === 0) notAModel();
  if (format > MODEL_FORMATS.newest) {
    fail(
      `model file format ${format} is newer than this evoprune reads (formats ${MODEL_FORMATS.oldest} to ${MODEL_FORMATS.newest}): update evoprune to read it`,
    );
  }
  const r = new Reader(bytes, MODEL_MAGIC.length + 1, fail);
  const sizes = r.u32s('layer sizes');
  if (sizes.length < 2 || sizes.some((s) => s === 0 || s > MAX_LAYER_SIZE)) fail(`model has implausible layer sizes [${sizes.join(', ')}]`);
  // Check the byte count the sizes imply before allocating anything: a crafted header could ask for gigabytes.
  const hidden = sizes.slice(1, -1);
  let floats = 0;
  for (let l = 0; l + 1 < sizes.length; l++) floats += sizes[l]! * sizes[l + 1]! + sizes[l + 1]!;
  for (const width of hidden) floats += width;
  const tensors = 3 * (sizes.length - 1) - 1;
  const block = format === 2 ? 4 + 16 + 8 * sizes[0]! : 0;
  const expected = 4 * floats + 8 * tensors + block;
  if (r.remaining !== expected) {
    fail(`model file holds ${r.remaining} bytes after its header but layer sizes [${sizes.join(', ')}] need ${expected}`);
  }
  const layers: ModelLayer[] = [];
  const masses: Float32Array[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const [inputs, outputs] = [sizes[l]!, sizes[l + 1]!];
    const weights = r.f32s(inputs * outputs, `the weights of layer ${l}`);
    const bias = r.f32s(outputs, `the bias of layer ${l}`);
    layers.push({ inputs, outputs, weights, bias });
    if (l < hidden.length) masses.push(r.f32s(outputs, `the masses of hidden layer ${l}`));
  }
  const model: ModelFile = { format, sizes, layers, masses };
  if (format === 2) {
    const tag = r.u32('preprocessing block');
    if (tag !== BLOCK_STANDARDIZATION) {
      fail(`model file holds preprocessing block ${tag}; this evoprune knows block ${BLOCK_STANDARDIZATION} (standardization)`);
    }
    const shift = r.f32s(sizes[0]!, 'the standardization shift');
    const scale = r.f32s(sizes[0]!, 'the standardization scale');
    const badShift = shift.findIndex((s) => !Number.isFinite(s));
    if (badShift >= 0) fail(`the standardization's shift of feature ${badShift} is ${shift[badShift]}, not a finite number`);
    const badScale = scale.findIndex((s) => !(Number.isFinite(s) && s > 0));
    if (badScale >= 0) fail(`the standardization's scale of feature ${badScale} is ${scale[badScale]}, not a finite number > 0`);
    model.standardization = { shift, scale };
  }
  return model;
}

/**
 * The model file of `model` (the inverse of `decodeModelFile`): format 1, or format 2 when it
 * carries a standardization, byte for byte what the kernels write. Shapes are checked first.
 */
export function encodeModelFile(model: Omit<ModelFile, 'format'>): Uint8Array {
  const { sizes, layers, masses, standardization } = model;
  const fail = (message: string): never => {
    throw new ModelFormatError(`cannot write a model file: ${message}`);
  };
  if (sizes.length < 2 || sizes.some((s) => !Number.isInteger(s) || s < 1 || s > MAX_LAYER_SIZE)) fail(`implausible layer sizes [${sizes.join(', ')}]`);
  if (layers.length !== sizes.length - 1 || masses.length !== sizes.length - 2) {
    fail(`${layers.length} layers and ${masses.length} mass vectors for layer sizes [${sizes.join(', ')}]`);
  }
  const tensors: Float32Array[] = [];
  layers.forEach((layer, l) => {
    const [inputs, outputs] = [sizes[l]!, sizes[l + 1]!];
    if (layer.inputs !== inputs || layer.outputs !== outputs || layer.weights.length !== inputs * outputs || layer.bias.length !== outputs) {
      fail(`layer ${l} is not ${inputs} × ${outputs} (${layer.weights.length} weights, ${layer.bias.length} biases)`);
    }
    tensors.push(layer.weights, layer.bias);
    if (l < masses.length) {
      if (masses[l]!.length !== outputs) fail(`hidden layer ${l} has ${masses[l]!.length} masses for ${outputs} populations`);
      tensors.push(masses[l]!);
    }
  });
  if (standardization) {
    if (standardization.shift.length !== sizes[0] || standardization.scale.length !== sizes[0]) {
      fail(`the standardization holds ${standardization.shift.length} shifts and ${standardization.scale.length} scales for ${sizes[0]} inputs`);
    }
    tensors.push(standardization.shift, standardization.scale);
  }
  const floats = tensors.reduce((n, t) => n + t.length, 0);
  const out = new Uint8Array(MODEL_MAGIC.length + 1 + 8 + 4 * sizes.length + 8 * tensors.length + 4 * floats + (standardization ? 4 : 0));
  const view = new DataView(out.buffer);
  let at = 0;
  for (let i = 0; i < MODEL_MAGIC.length; i++) out[at++] = MODEL_MAGIC.charCodeAt(i);
  out[at++] = standardization ? 2 : 1;
  const length = (n: number) => {
    view.setUint32(at, n % 2 ** 32, true);
    view.setUint32(at + 4, Math.floor(n / 2 ** 32), true);
    at += 8;
  };
  const f32s = (values: Float32Array) => {
    length(values.length);
    for (const v of values) {
      view.setFloat32(at, v, true);
      at += 4;
    }
  };
  length(sizes.length);
  for (const s of sizes) {
    view.setUint32(at, s, true);
    at += 4;
  }
  const trainable = standardization ? tensors.slice(0, -2) : tensors;
  for (const t of trainable) f32s(t);
  if (standardization) {
    view.setUint32(at, BLOCK_STANDARDIZATION, true);
    at += 4;
    f32s(standardization.shift);
    f32s(standardization.scale);
  }
  return out;
}
