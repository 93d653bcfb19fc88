// The TypeScript reader of the model file (docs/model-format.md) against the kernels' own bytes.
import { describe, expect, it } from 'vitest';
import {
  datasetFromArrays,
  loadDataset,
  MODEL_FORMATS,
  type ModelFile,
  ModelFormatError,
  nodeEngine,
  decodeModelFile,
  train,
  WasmModel,
  encodeModelFile,
} from '../../src/index.js';
import { uniform } from '../helpers/random.js';

const engine = nodeEngine();
const fromBytes = (bytes: Uint8Array) => WasmModel.fromBytes(engine.wasm, bytes);

/** Features far from zero with different scales (the model standardizes them: format 2). */
function signals(rows: number, seed: number): { features: number[][]; labels: number[] } {
  const u = uniform(seed);
  const features: number[][] = [];
  const labels: number[] = [];
  for (let r = 0; r < rows; r++) {
    const signal = [u(), u(), u()];
    labels.push(signal.indexOf(Math.max(...signal)));
    features.push(signal.map((v, j) => 200 + (j + 1) * 50 * v));
  }
  return { features, labels };
}

const mnist = loadDataset('mnist', { trainLimit: 1000, testLimit: 200 });
const images = await train({ hidden: [32, 16], epochs: 2, batch: 50, targetSparsity: 0.5 }, { dataset: mnist, keepModel: true });
const features = datasetFromArrays({ name: 'signals', train: signals(300, 1), test: signals(100, 2) });
const standardized = await train({ hidden: [12, 8], epochs: 3, batch: 20 }, { dataset: features, keepModel: true });

/** The forward pass written from the file's tensors: relu(x W + b) ⊙ m per hidden layer, then x W + b. */
function logitsOf(file: ModelFile, inputs: Float32Array, rows: number): Float32Array {
  let x = inputs;
  file.layers.forEach((layer, l) => {
    const out = new Float32Array(rows * layer.outputs);
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < layer.outputs; j++) {
        let sum = layer.bias[j]!;
        for (let i = 0; i < layer.inputs; i++) sum += x[r * layer.inputs + i]! * layer.weights[i * layer.outputs + j]!;
        out[r * layer.outputs + j] = l < file.masses.length ? Math.max(sum, 0) * file.masses[l]![j]! : sum;
      }
    }
    x = out;
  });
  return x;
}

function maxDifference(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
}

/** A copy of `bytes` with byte `at` set to `value`. */
function withByte(bytes: Uint8Array, at: number, value: number): Uint8Array {
  const copy = bytes.slice();
  copy[at] = value;
  return copy;
}

/** Both readers refuse `bytes`: the TypeScript one with exactly `message`, the kernels with `kernel` (default the same). */
function refusedByBoth(bytes: Uint8Array, message: string | RegExp, kernel: string | RegExp = message): void {
  expect(() => decodeModelFile(bytes)).toThrow(ModelFormatError);
  if (typeof message === 'string') expect(() => decodeModelFile(bytes)).toThrow(new ModelFormatError(message));
  else expect(() => decodeModelFile(bytes)).toThrow(message);
  expect(() => fromBytes(bytes)).toThrow(kernel);
}

describe('the model file reader', () => {
  it('reads a format-1 model (byte images) as the kernels wrote it, and writes the same bytes back', () => {
    const bytes = images.model!;
    const file = decodeModelFile(bytes);
    const model = fromBytes(bytes);
    try {
      expect(file.format).toBe(1);
      expect(file.sizes).toEqual(model.sizes);
      expect(file.standardization).toBeUndefined();
      expect(file.layers.map((l) => [l.inputs, l.outputs, l.weights.length, l.bias.length])).toEqual([
        [784, 32, 784 * 32, 32],
        [32, 16, 32 * 16, 16],
        [16, 10, 160, 10],
      ]);
      for (const [l, m] of file.masses.entries()) expect(Array.from(m)).toEqual(Array.from(model.masses(l)));
      expect(file.masses.some((m) => m.some((x) => x === 0))).toBe(true); // an evolving run: some populations died
      // Weights, biases and masses sit where the spec says: the forward pass from them gives the kernels' logits.
      const rows = 50;
      const pixels = mnist.test.images.subarray(0, rows * 784);
      const unit = Float32Array.from(pixels, (b) => Math.fround(b / 255));
      expect(maxDifference(logitsOf(file, unit, rows), model.logits(pixels, rows))).toBeLessThan(1e-4);
      expect(encodeModelFile(file)).toEqual(bytes);
      // The compact model: masses all 1.
      const compact = model.compact();
      const small = decodeModelFile(compact.toBytes());
      compact.free();
      expect(small.sizes).toEqual([784, ...model.alive(), 10]);
      expect(small.masses.every((m) => m.every((x) => x === 1))).toBe(true);
    } finally {
      model.free();
    }
  });

  it('reads a format-2 model with its standardization, applied as (x − shift) / scale', () => {
    const bytes = standardized.model!;
    const file = decodeModelFile(bytes, 'signals.bin');
    const model = fromBytes(bytes);
    try {
      expect(file.format).toBe(2);
      expect(file.sizes).toEqual([3, 12, 8, 3]);
      expect(Array.from(file.standardization!.shift)).toEqual(Array.from(model.standardization!.shift));
      expect(Array.from(file.standardization!.scale)).toEqual(Array.from(model.standardization!.scale));
      const test = features.test as { features: Float32Array; rows: number };
      const { shift, scale } = file.standardization!;
      const input = test.features.map((x, i) => Math.fround(Math.fround(x - shift[i % 3]!) / scale[i % 3]!));
      expect(maxDifference(logitsOf(file, input, test.rows), model.logits(test.features, test.rows))).toBeLessThan(1e-4);
      expect(encodeModelFile(file)).toEqual(bytes);
      // Without its standardization it is a format-1 file the kernels read.
      const plain = encodeModelFile({ ...file, standardization: undefined });
      expect(plain[15]).toBe(1);
      const again = fromBytes(plain);
      expect(again.standardization).toBeUndefined();
      again.free();
    } finally {
      model.free();
    }
  });

  it('matches the examples of docs/model-format.md', () => {
    const sizes = [784, 128, 64, 10];
    const layers = sizes
      .slice(0, -1)
      .map((n, l) => ({ inputs: n, outputs: sizes[l + 1]!, weights: new Float32Array(n * sizes[l + 1]!), bias: new Float32Array(sizes[l + 1]!) }));
    const masses = [new Float32Array(128).fill(1), new Float32Array(64).fill(1)];
    const v1 = encodeModelFile({ sizes, layers, masses });
    const v2 = encodeModelFile({ sizes, layers, masses, standardization: { shift: new Float32Array(784), scale: new Float32Array(784).fill(1) } });
    expect([v1.length, v2.length]).toEqual([438416, 444708]);
    for (const bytes of [v1, v2]) {
      const model = fromBytes(bytes);
      expect(Buffer.from(model.toBytes()).equals(bytes)).toBe(true); // the kernels write the same bytes
      model.free();
    }
    expect(Array.from(v1.subarray(0, 40), (b) => b.toString(16).padStart(2, '0')).join(' ')).toBe(
      '45 56 4f 50 52 55 4e 45 2d 4d 4f 44 45 4c 00 01 04 00 00 00 00 00 00 00 10 03 00 00 80 00 00 00 40 00 00 00 0a 00 00 00',
    );
    refusedByBoth(v1.subarray(0, v1.length - 1), 'model file holds 438375 bytes after its header but layer sizes [784, 128, 64, 10] need 438376');
    refusedByBoth(v1.subarray(0, 20), 'the model file is truncated at byte 16 (reading layer sizes)', 'state is truncated at byte 16 (reading layer sizes)');
  });

  it('refuses what the kernels refuse, naming what is wrong (and the file when given)', () => {
    const v1 = images.model!;
    const v2 = standardized.model!;
    expect(MODEL_FORMATS).toEqual({ oldest: 1, newest: 2 });
    refusedByBoth(new TextEncoder().encode('not a model at all'), 'not an evoprune model (bad header or version)');
    refusedByBoth(v1.subarray(0, 8), 'not an evoprune model (bad header or version)');
    refusedByBoth(withByte(v1, 15, 0), 'not an evoprune model (bad header or version)');
    refusedByBoth(withByte(v1, 15, 3), 'model file format 3 is newer than this evoprune reads (formats 1 to 2): update evoprune to read it');
    refusedByBoth(v1.subarray(0, v1.length - 1), /^model file holds \d+ bytes after its header but layer sizes \[784, 32, 16, 10\] need \d+$/);
    const longer = new Uint8Array(v1.length + 1);
    longer.set(v1);
    refusedByBoth(longer, /^model file holds \d+ bytes after its header but layer sizes \[784, 32, 16, 10\] need \d+$/);
    // A format-1 file that says it is format 2 lacks the standardization block.
    refusedByBoth(withByte(v1, 15, 2), /^model file holds \d+ bytes after its header but layer sizes \[784, 32, 16, 10\] need \d+$/);
    // A 36-byte header that asks for a 2^48-value weight matrix is refused before anything is allocated.
    const crafted = new Uint8Array(36);
    crafted.set(v1.subarray(0, 16));
    new DataView(crafted.buffer).setUint32(16, 3, true);
    for (const [i, s] of [2 ** 24, 2 ** 24, 10].entries()) new DataView(crafted.buffer).setUint32(24 + 4 * i, s, true);
    refusedByBoth(crafted, /^model file holds 0 bytes after its header but layer sizes \[16777216, 16777216, 10\] need \d+$/, /need|implausible/);
    const zeroSize = crafted.slice();
    new DataView(zeroSize.buffer).setUint32(28, 0, true);
    refusedByBoth(zeroSize, 'model has implausible layer sizes [16777216, 0, 10]');
    // Format 2's block: a foreign tag, a zero scale, a NaN shift.
    const file = decodeModelFile(v2);
    const blockAt = v2.length - 4 - 2 * (8 + 4 * 3);
    refusedByBoth(withByte(v2, blockAt, 7), 'model file holds preprocessing block 7; this evoprune knows block 1 (standardization)');
    const zeroScale = encodeModelFile({ ...file, standardization: { shift: file.standardization!.shift, scale: Float32Array.of(1, 0, 1) } });
    refusedByBoth(zeroScale, "the standardization's scale of feature 1 is 0, not a finite number > 0");
    const nanShift = encodeModelFile({ ...file, standardization: { shift: Float32Array.of(0, 0, Number.NaN), scale: file.standardization!.scale } });
    refusedByBoth(nanShift, "the standardization's shift of feature 2 is NaN, not a finite number");
    // The file's name prefixes the message.
    expect(() => decodeModelFile(withByte(v1, 15, 9), 'runs/a/model.bin')).toThrow(
      'runs/a/model.bin: model file format 9 is newer than this evoprune reads (formats 1 to 2): update evoprune to read it',
    );
    expect(() => encodeModelFile({ ...file, sizes: [3, 12, 3] })).toThrow('cannot write a model file: 3 layers and 2 mass vectors for layer sizes [3, 12, 3]');
  });
});
