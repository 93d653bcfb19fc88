// ONNX export: the exported graph, run by ONNX Runtime (onnxruntime-web's wasm backend in Node),
// gives evoprune's own logits and predictions; and `evoprune export` from the command line.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import {
  datasetFromArrays,
  decodeModelFile,
  EVOPRUNE_VERSION,
  encodeModelFile,
  exportOnnx,
  type FeatureSet,
  type ImageSet,
  loadDataset,
  modelToOnnx,
  nodeEngine,
  ONNX_OPSET,
  train,
  WasmModel,
} from '../../src/index.js';
import { cli, root, smallTrainArgs } from '../helpers/cli.js';
import { speciesRows, writeCsv } from '../helpers/csv.js';
import { tempDir, writeIdxDataset } from '../helpers/idx.js';
import { signalRows } from '../helpers/signals.js';

const { onnx } = onnxProto;
ort.env.wasm.numThreads = 1;

const engine = nodeEngine();
const fromBytes = (bytes: Uint8Array) => WasmModel.fromBytes(engine.wasm, bytes);

/** The tolerance on a logit: 1e-4 absolute up to |logit| = 1, 1e-4 relative above. */
const TOLERANCE = 1e-4;
const within = (onnxValue: number, ours: number) => Math.abs(onnxValue - ours) <= TOLERANCE * Math.max(1, Math.abs(ours));

function argmax(logits: Float32Array, rows: number, classes: number): Uint32Array {
  const out = new Uint32Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (logits[r * classes + c]! > logits[r * classes + best]!) best = c;
    out[r] = best;
  }
  return out;
}

/** Runs exported ONNX bytes on `rows` rows; returns its logits and probabilities. */
async function runOnnx(bytes: Uint8Array, input: Uint8Array | Float32Array, rows: number, cols: number) {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const tensor = input instanceof Uint8Array ? new ort.Tensor('uint8', input, [rows, cols]) : new ort.Tensor('float32', input, [rows, cols]);
    const out = await session.run({ [session.inputNames[0]!]: tensor });
    return {
      inputNames: session.inputNames,
      outputNames: session.outputNames,
      logits: out.logits!.data as Float32Array,
      probabilities: out.probabilities!.data as Float32Array,
      dims: out.logits!.dims,
    };
  } finally {
    await session.release();
  }
}

/** Checks ONNX logits against the model's on every row: within TOLERANCE, and the same argmax on every row. */
function expectAgreement(onnxLogits: Float32Array, model: WasmModel, input: Uint8Array | Float32Array, rows: number): number {
  const ours = model.logits(input, rows);
  expect(onnxLogits.length).toBe(ours.length);
  let worst = 0;
  let bad = 0;
  for (let i = 0; i < ours.length; i++) {
    worst = Math.max(worst, Math.abs(onnxLogits[i]! - ours[i]!));
    if (!within(onnxLogits[i]!, ours[i]!)) bad++;
  }
  expect(bad, `logits off by more than ${TOLERANCE} (worst ${worst})`).toBe(0);
  const predicted = model.predictClasses(input, rows);
  expect(Array.from(argmax(onnxLogits, rows, model.classes))).toEqual(Array.from(predicted));
  return worst;
}

const decode = (bytes: Uint8Array) =>
  onnx.ModelProto.toObject(onnx.ModelProto.decode(bytes), { longs: Number }) as Record<string, unknown> & {
    irVersion: number;
    opsetImport: { domain?: string; version: number }[];
    producerName: string;
    producerVersion: string;
    metadataProps: { key: string; value: string }[];
    graph: {
      node: { opType: string }[];
      input: { name: string; type: { tensorType: { elemType: number; shape: { dim: { dimParam?: string; dimValue?: number }[] } } } }[];
      output: { name: string }[];
    };
  };
const metadata = (bytes: Uint8Array) => Object.fromEntries(decode(bytes).metadataProps.map((p) => [p.key, p.value]));

const TEST_ROWS = 2000;
const mnist = loadDataset('mnist', { trainLimit: 3000, testLimit: TEST_ROWS });
// A short evolving run: η drives extinctions, so the compact network is smaller than the trained one.
const evolved = await train({ hidden: [64, 32], epochs: 3, batch: 50, targetSparsity: 0.5 }, { dataset: mnist, keepModel: true });

describe('ONNX export of an image model', () => {
  it('gives evoprune’s logits and predictions on 2000 MNIST test images, through the compact network', async () => {
    const model = fromBytes(evolved.model!);
    try {
      const alive = model.alive();
      expect(alive.reduce((a, b) => a + b, 0)).toBeLessThan(96);
      const exported = exportOnnx(model);
      expect(exported.sizes).toEqual([784, ...alive, 10]);
      expect(exported.sourceSizes).toEqual([784, 64, 32, 10]);
      expect(exported.input).toEqual({ kind: 'images', name: 'pixels', type: 'uint8', shape: ['batch', 784] });
      expect(model.sizes).toEqual([784, 64, 32, 10]); // the model given is unchanged
      expect(exported.bytes.constructor).toBe(Uint8Array);
      expect(modelToOnnx(model)).toEqual(exported.bytes); // deterministic
      const images = mnist.test.images;
      const run = await runOnnx(exported.bytes, images, TEST_ROWS, 784);
      expect(run.inputNames).toEqual(['pixels']);
      expect(run.outputNames).toEqual(['logits', 'probabilities']);
      expect(run.dims).toEqual([TEST_ROWS, 10]);
      const worst = expectAgreement(run.logits, model, images, TEST_ROWS);
      expect(worst).toBeLessThan(TOLERANCE);
      // probabilities = softmax(logits) per row.
      const ours = model.predict(images.subarray(0, 20 * 784));
      for (let i = 0; i < 200; i++) expect(run.probabilities[i]!).toBeCloseTo(ours.probabilities[i]!, 5);
      // The batch dimension is dynamic: one row alone gives the same logits.
      const one = await runOnnx(exported.bytes, images.subarray(784, 2 * 784), 1, 784);
      expect(Array.from(one.logits)).toEqual(Array.from(run.logits.subarray(10, 20)));
    } finally {
      model.free();
    }
  });

  it('is a well-formed ONNX model: opset 13, named typed input with a batch dimension, producer and metadata', () => {
    const model = fromBytes(evolved.model!);
    try {
      const bytes = modelToOnnx(model, { source: 'runs/evolved', classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] });
      const proto = decode(bytes);
      expect(proto.irVersion).toBe(7);
      expect(proto.opsetImport).toEqual([{ domain: '', version: ONNX_OPSET }]);
      expect(ONNX_OPSET).toBe(13);
      expect([proto.producerName, proto.producerVersion]).toEqual(['evoprune', EVOPRUNE_VERSION]);
      const input = proto.graph.input[0]!;
      expect(input.name).toBe('pixels');
      expect(input.type.tensorType.elemType).toBe(onnx.TensorProto.DataType.UINT8);
      expect(input.type.tensorType.shape.dim).toEqual([{ dimParam: 'batch' }, { dimValue: 784 }]);
      expect(proto.graph.output.map((o) => o.name)).toEqual(['logits', 'probabilities']);
      expect(proto.graph.node.map((n) => n.opType)).toEqual(['Cast', 'Div', 'Gemm', 'Relu', 'Gemm', 'Relu', 'Gemm', 'Softmax']);
      expect(metadata(bytes)).toEqual({
        evoprune_version: EVOPRUNE_VERSION,
        evoprune_sizes: [784, ...model.alive(), 10].join('-'),
        evoprune_source_sizes: '784-64-32-10',
        evoprune_input: 'images',
        evoprune_standardized: 'false',
        source: 'runs/evolved',
        class_names: '["0","1","2","3","4","5","6","7","8","9"]',
      });
      // The version written into models is the package's.
      expect(EVOPRUNE_VERSION).toBe(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version);
    } finally {
      model.free();
    }
  });

  it('refuses what it cannot export, by name', () => {
    const model = fromBytes(evolved.model!);
    try {
      expect(() => modelToOnnx(model, { input: 'audio' as never })).toThrow('ONNX export: input "audio" is not one of images, features');
      expect(() => modelToOnnx(model, { classNames: ['a', 'b'] })).toThrow('ONNX export: 2 class names for a model of 10 classes');
      // A hidden layer with no living population leaves no network to export.
      const file = decodeModelFile(evolved.model!);
      const dead = fromBytes(encodeModelFile({ ...file, masses: [new Float32Array(64), file.masses[1]!] }));
      expect(() => modelToOnnx(dead)).toThrow('hidden layer 0 has no living population; nothing to compact');
      dead.free();
    } finally {
      model.free();
    }
  });
});

describe('ONNX export of masses that are not folded', () => {
  it('scales each population by its mass when the network given to the graph still has masses', async () => {
    // compact() always folds the masses; a stand-in whose compact() returns the model unfolded checks the graph's Mul path.
    const model = fromBytes(evolved.model!);
    try {
      const file = decodeModelFile(evolved.model!);
      const unfolded = {
        sizes: model.sizes,
        classes: model.classes,
        standardization: undefined,
        compact: () => ({ toBytes: () => encodeModelFile(file), free: () => {} }),
      } as unknown as WasmModel;
      const bytes = modelToOnnx(unfolded);
      expect(decode(bytes).graph.node.map((n) => n.opType)).toEqual(['Cast', 'Div', 'Gemm', 'Relu', 'Mul', 'Gemm', 'Relu', 'Mul', 'Gemm', 'Softmax']);
      const rows = 500;
      const pixels = mnist.test.images.subarray(0, rows * 784);
      expectAgreement((await runOnnx(bytes, pixels, rows, 784)).logits, model, pixels, rows);
    } finally {
      model.free();
    }
  });
});

describe('ONNX export of a feature model', () => {
  it('standardizes raw float32 features in the graph and gives evoprune’s logits on every test row', async () => {
    const data = datasetFromArrays({ name: 'signals', train: signalRows(800, 1), test: signalRows(1000, 2) });
    const summary = await train({ hidden: [32, 16], epochs: 6, batch: 32, seed: 1, targetSparsity: 0.3 }, { dataset: data, keepModel: true });
    expect(summary.testAccuracy).toBeGreaterThan(0.8);
    const model = fromBytes(summary.model!);
    try {
      expect(model.standardization).toBeDefined();
      const exported = exportOnnx(model);
      expect(exported.input).toEqual({ kind: 'features', name: 'features', type: 'float32', shape: ['batch', 5] });
      expect(
        decode(exported.bytes)
          .graph.node.map((n) => n.opType)
          .slice(0, 2),
      ).toEqual(['Sub', 'Div']);
      expect(metadata(exported.bytes).evoprune_standardized).toBe('true');
      const test = data.test as FeatureSet;
      const run = await runOnnx(exported.bytes, test.features, test.rows, 5);
      expect(run.inputNames).toEqual(['features']);
      expectAgreement(run.logits, model, test.features, test.rows);
      // Without its standardization (standardize: false), the graph feeds the features as they are.
      const plain = fromBytes(encodeModelFile({ ...decodeModelFile(summary.model!), standardization: undefined }));
      const bytes = modelToOnnx(plain, { input: 'features' });
      expect(decode(bytes).graph.node[0]!.opType).toBe('Gemm');
      expectAgreement((await runOnnx(bytes, test.features, test.rows, 5)).logits, plain, test.features, test.rows);
      plain.free();
    } finally {
      model.free();
    }
  });

  it('an image model exported for features reads b / 255 as floats; one with a standardization reads pixels when asked', async () => {
    const model = fromBytes(evolved.model!);
    const rows = 500;
    const pixels = mnist.test.images.subarray(0, rows * 784);
    const unit = Float32Array.from(pixels, (b) => Math.fround(b / 255));
    try {
      const asFeatures = await runOnnx(modelToOnnx(model, { input: 'features' }), unit, rows, 784);
      expect(asFeatures.inputNames).toEqual(['features']);
      expectAgreement(asFeatures.logits, model, pixels, rows);
      // A model trained on images with standardize: on carries a standardization but reads pixels: Cast, Div by 255, Sub, Div.
      const file = decodeModelFile(evolved.model!);
      const shift = new Float32Array(784).fill(0.13);
      const scale = new Float32Array(784).fill(0.31);
      const standardized = fromBytes(encodeModelFile({ ...file, standardization: { shift, scale } }));
      expect(exportOnnx(standardized).input.name).toBe('features'); // the default for a standardized model
      const bytes = modelToOnnx(standardized, { input: 'images' });
      expect(
        decode(bytes)
          .graph.node.map((n) => n.opType)
          .slice(0, 4),
      ).toEqual(['Cast', 'Div', 'Sub', 'Div']);
      expectAgreement((await runOnnx(bytes, pixels, rows, 784)).logits, standardized, pixels, rows);
      standardized.free();
    } finally {
      model.free();
    }
  });
});

describe('evoprune export', () => {
  const dir = tempDir();
  const idx = join(dir, 'idx');
  mkdirSync(idx);
  writeIdxDataset(idx, 120, 4, 3);
  const imageRun = join(dir, 'images-run');
  // Features near [0, 1] (a run without standardization learns them): feature j of class c is [j = c] + noise.
  const lines = speciesRows(240).lines.map((line, r) => {
    const c = Math.floor((r * 3) / 240);
    const noise = (j: number) => (((r * 7 + j * 13) % 10) / 10 - 0.5) * 0.6;
    const features = [0, 1, 2, 3].map((j) => ((j === c ? 1 : 0) + noise(j)).toFixed(3));
    return [features[0]!, features[1]!, line[2]!, features[2]!, features[3]!];
  });
  const csv = writeCsv(dir, 'flowers.csv', speciesRows(1).header, lines);
  const csvRun = join(dir, 'csv-run');

  it('exports a run folder: an image run (standardized) reads pixels, a CSV run (not standardized) reads features', async () => {
    const trained = cli([...smallTrainArgs(`idx:${idx}`), '--standardize', '--target-sparsity', '0.5', '--out', imageRun, '--quiet']);
    expect(trained.code, trained.stderr).toBe(0);
    const out = join(dir, 'images.onnx');
    const exported = cli(['export', imageRun, '--format', 'onnx', '--out', out]);
    expect(exported.code, exported.stderr).toBe(0);
    const model = fromBytes(readFileSync(join(imageRun, 'model.bin')));
    try {
      expect(model.standardization).toBeDefined();
      const sizes = [16, ...model.alive(), 3].join('-');
      expect(exported.stdout).toMatch(
        new RegExp(
          `^wrote ${out} \\(\\d+\\.\\d KB, ONNX opset 13\\): compact MLP ${sizes} \\(from 16-24-16-3\\) · input pixels uint8 \\[batch, 16\\] → logits, probabilities \\[batch, 3\\]\\n$`,
        ),
      );
      const bytes = readFileSync(out);
      expect(metadata(bytes)).toMatchObject({ source: imageRun, evoprune_input: 'images', evoprune_standardized: 'true', evoprune_sizes: sizes });
      const test = loadDataset(`idx:${idx}`).test as ImageSet;
      expectAgreement((await runOnnx(bytes, test.images, test.rows, 16)).logits, model, test.images, test.rows);
      // The bare model file has no config.json: a standardized model defaults to features; --input chooses.
      const bare = cli(['export', join(imageRun, 'model.bin'), '--format', 'onnx', '--out', join(dir, 'bare.onnx'), '--json']);
      expect(bare.code, bare.stderr).toBe(0);
      expect(JSON.parse(bare.stdout)).toMatchObject({ format: 'onnx', input: { name: 'features', type: 'float32' }, sourceSizes: [16, 24, 16, 3] });
      const chosen = cli(['export', join(imageRun, 'model.bin'), '--format', 'onnx', '--out', join(dir, 'bare.onnx'), '--input', 'images', '--json']);
      expect(chosen.code, chosen.stderr).toBe(0);
      expect(JSON.parse(chosen.stdout).input.name).toBe('pixels');
    } finally {
      model.free();
    }

    const csvArgs = ['train', '--dataset', `csv:${csv}`, '--label', 'species', '--test-fraction', '0.25', '--hidden', '16,8', '--epochs', '6', '--batch', '16'];
    const csvTrained = cli([...csvArgs, '--no-standardize', '--out', csvRun, '--quiet']);
    expect(csvTrained.code, csvTrained.stderr).toBe(0);
    const csvOut = join(dir, 'flowers.onnx');
    const csvExported = cli(['export', csvRun, '--format', 'onnx', '--out', csvOut, '--json']);
    expect(csvExported.code, csvExported.stderr).toBe(0);
    expect(JSON.parse(csvExported.stdout).input).toEqual({ kind: 'features', name: 'features', type: 'float32', shape: ['batch', 4] });
    const csvBytes = readFileSync(csvOut);
    expect(JSON.parse(metadata(csvBytes).class_names!)).toEqual(['setosa', 'versicolor', 'virginica']);
    const csvModel = fromBytes(readFileSync(join(csvRun, 'model.bin')));
    try {
      expect(csvModel.standardization).toBeUndefined();
      const test = loadDataset(`csv:${csv}`, { label: 'species', testFraction: 0.25 }).test as FeatureSet;
      expectAgreement((await runOnnx(csvBytes, test.features, test.rows, 4)).logits, csvModel, test.features, test.rows);
    } finally {
      csvModel.free();
    }
  });

  it('refuses a missing or unknown format, an --out that is a directory, and files that are not models, writing nothing', () => {
    const out = join(dir, 'refused.onnx');
    const model = join(imageRun, 'model.bin');
    const missing = cli(['export', imageRun, '--out', out]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--format is required: one of onnx');
    const unknown = cli(['export', imageRun, '--format', 'tflite', '--out', out]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--format "tflite" is not supported: one of onnx');
    const ontoDir = cli(['export', imageRun, '--format', 'onnx', '--out', dir]);
    expect(ontoDir.code).toBe(2);
    expect(ontoDir.stderr).toContain(`--out ${dir} is a directory: give the file to write, e.g. ${dir}/model.onnx`);
    const ontoModel = cli(['export', imageRun, '--format', 'onnx', '--out', model]);
    expect(ontoModel.code).toBe(2);
    expect(ontoModel.stderr).toContain(`--out ${model} is the model being exported: choose another file`);
    const badInput = cli(['export', imageRun, '--format', 'onnx', '--out', out, '--input', 'audio']);
    expect(badInput.code).toBe(2);
    expect(badInput.stderr).toContain("argument 'audio' is invalid. Allowed choices are images, features.");
    const notModel = join(dir, 'notes.bin');
    writeFileSync(notModel, 'not a model at all');
    const refused = cli(['export', notModel, '--format', 'onnx', '--out', out]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`${notModel}: not an evoprune model (bad header or version)`);
    const bytes = readFileSync(model);
    const truncated = join(dir, 'truncated.bin');
    writeFileSync(truncated, bytes.subarray(0, bytes.length - 10));
    const short = cli(['export', truncated, '--format', 'onnx', '--out', out]);
    expect(short.code).toBe(1);
    expect(short.stderr).toMatch(new RegExp(`${truncated}: model file holds \\d+ bytes after its header but layer sizes \\[16, 24, 16, 3\\] need \\d+`));
    const newer = join(dir, 'newer.bin');
    const future = bytes.slice();
    future[15] = 3;
    writeFileSync(newer, future);
    expect(cli(['export', newer, '--format', 'onnx', '--out', out]).stderr).toContain(
      `${newer}: model file format 3 is newer than this evoprune reads (formats 1 to 2): update evoprune to read it`,
    );
    expect(cli(['export', join(dir, 'absent.bin'), '--format', 'onnx', '--out', out]).stderr).toContain('absent.bin: cannot read (ENOENT)');
    expect(existsSync(out)).toBe(false);
  });
});
