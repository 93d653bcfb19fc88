// Platform-neutral: builds an ONNX model of a trained network in Node and in browsers. The
// protobuf messages are onnx-proto's (protobufjs static code generated from ONNX's onnx.proto).
import onnxProto from 'onnx-proto';
import type { onnx as Onnx } from 'onnx-proto';
import type { WasmModel } from '../engine/model.js';
import { type ModelFile, decodeModelFile } from './model-format.js';

// onnx-proto is CommonJS (`module.exports = $root`): Node's ESM loader gives it as the default export only.
const { onnx } = onnxProto;

/** evoprune's version, written into exported models (a test keeps it equal to package.json's). */
export const EVOPRUNE_VERSION = '0.1.0';

/** The ONNX default-domain opset the exported graphs use (Gemm, Relu, Softmax with axis 1, Cast, Sub, Div, Mul). */
export const ONNX_OPSET = 13;

/** ONNX IR version 7 (ONNX 1.8, the first with opset 13): every runtime that runs opset 13 reads it. */
const ONNX_IR_VERSION = 7;

/** What the exported graph reads: byte images (uint8, fed as b / 255 as in training) or f32 features. */
export type OnnxInput = 'images' | 'features';

export interface OnnxExportOptions {
  /**
   * Default: `features` when the model carries a standardization, else `images`. A model file does
   * not record its input kind: a feature model trained without standardization needs `features` here.
   */
  input?: OnnxInput;
  /** Where the model came from (a file or run folder), kept in the ONNX metadata as `source`. */
  source?: string;
  /** The class of each output, in order, kept in the ONNX metadata as `class_names` (a JSON array). */
  classNames?: readonly string[];
}

/** An exported ONNX model and what a caller needs to feed it. */
export interface OnnxExport {
  /** The ONNX ModelProto, serialized. */
  bytes: Uint8Array;
  /** `[inputs, hidden…, classes]` of the compact network in the graph. */
  sizes: number[];
  /** `[inputs, hidden…, classes]` of the model given (before compaction). */
  sourceSizes: number[];
  input: { kind: OnnxInput; name: 'pixels' | 'features'; type: 'uint8' | 'float32'; shape: ['batch', number] };
  /** `logits` `[batch, classes]` (float32), `probabilities` (their softmax over axis 1). */
  outputs: ['logits', 'probabilities'];
}

const FLOAT = onnx.TensorProto.DataType.FLOAT;
const UINT8 = onnx.TensorProto.DataType.UINT8;

/** A float32 initializer, its values little-endian in raw_data (as ONNX defines raw_data). */
function floatTensor(name: string, dims: number[], values: Float32Array): Onnx.ITensorProto {
  const raw = new Uint8Array(4 * values.length);
  const view = new DataView(raw.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(4 * i, values[i]!, true);
  return { name, dims, dataType: FLOAT, rawData: raw };
}

function tensorValue(name: string, elemType: number, dims: (number | string)[]): Onnx.IValueInfoProto {
  const dim = dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d }));
  return { name, type: { tensorType: { elemType, shape: { dim } } } };
}

function node(opType: string, input: string[], output: string, attribute: Onnx.IAttributeProto[] = []): Onnx.INodeProto {
  return { opType, input, output: [output], name: output, attribute };
}

/** The graph of a model file's network: preprocessing, then Gemm + Relu per hidden layer, then Gemm, then Softmax. */
function graphOf(file: ModelFile, kind: OnnxInput): { graph: Onnx.IGraphProto; inputName: 'pixels' | 'features' } {
  const inputs = file.sizes[0]!;
  const classes = file.sizes[file.sizes.length - 1]!;
  const nodes: Onnx.INodeProto[] = [];
  const initializer: Onnx.ITensorProto[] = [];
  const inputName = kind === 'images' ? 'pixels' : 'features';
  let x: string = inputName;
  if (kind === 'images') {
    // The kernels compute b as f32 / 255 (a division, not a multiplication by 1/255): the same bits here.
    nodes.push(node('Cast', [x], 'pixels_float', [{ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: FLOAT }]));
    initializer.push(floatTensor('byte_scale', [], Float32Array.of(255)));
    nodes.push(node('Div', ['pixels_float', 'byte_scale'], 'pixels_unit'));
    x = 'pixels_unit';
  }
  if (file.standardization) {
    // (x − shift[j]) / scale[j], two f32 operations in that order, as the kernels apply it.
    initializer.push(floatTensor('standardization_shift', [inputs], file.standardization.shift));
    initializer.push(floatTensor('standardization_scale', [inputs], file.standardization.scale));
    nodes.push(node('Sub', [x, 'standardization_shift'], 'centred'));
    nodes.push(node('Div', ['centred', 'standardization_scale'], 'standardized'));
    x = 'standardized';
  }
  file.layers.forEach((layer, l) => {
    const last = l === file.layers.length - 1;
    initializer.push(floatTensor(`layer${l}_weights`, [layer.inputs, layer.outputs], layer.weights));
    initializer.push(floatTensor(`layer${l}_bias`, [layer.outputs], layer.bias));
    const out = last ? 'logits' : `hidden${l}_linear`;
    nodes.push(node('Gemm', [x, `layer${l}_weights`, `layer${l}_bias`], out));
    if (last) return;
    nodes.push(node('Relu', [out], `hidden${l}`));
    x = `hidden${l}`;
    // A compact model's masses are all 1 (folded into the next layer's weights); any other mass scales its population's output.
    const masses = file.masses[l]!;
    if (masses.some((m) => m !== 1)) {
      initializer.push(floatTensor(`hidden${l}_masses`, [layer.outputs], masses));
      nodes.push(node('Mul', [x, `hidden${l}_masses`], `hidden${l}_weighted`));
      x = `hidden${l}_weighted`;
    }
  });
  nodes.push(node('Softmax', ['logits'], 'probabilities', [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 1 }]));
  const graph: Onnx.IGraphProto = {
    name: 'evoprune_mlp',
    node: nodes,
    initializer,
    input: [tensorValue(inputName, kind === 'images' ? UINT8 : FLOAT, ['batch', inputs])],
    output: [tensorValue('logits', FLOAT, ['batch', classes]), tensorValue('probabilities', FLOAT, ['batch', classes])],
  };
  return { graph, inputName };
}

/**
 * Exports `model` as ONNX (opset 13): its compact network (dead populations removed, masses
 * folded in; `model` itself is unchanged), with the input preprocessing of training in the graph.
 * Input `pixels` (uint8 `[batch, inputs]`, each byte b fed as b / 255) or `features` (float32
 * `[batch, inputs]`, standardized in the graph when the model carries a standardization); outputs
 * `logits` and `probabilities` (`[batch, classes]`). Throws when a hidden layer has no living
 * population (there is no network to export).
 */
export function exportOnnx(model: WasmModel, options: OnnxExportOptions = {}): OnnxExport {
  const kind = options.input ?? (model.standardization ? 'features' : 'images');
  if (kind !== 'images' && kind !== 'features') throw new Error(`ONNX export: input "${String(kind)}" is not one of images, features`);
  if (options.classNames && options.classNames.length !== model.classes) {
    throw new Error(`ONNX export: ${options.classNames.length} class names for a model of ${model.classes} classes`);
  }
  const sourceSizes = model.sizes;
  const compact = model.compact();
  let file: ModelFile;
  try {
    file = decodeModelFile(compact.toBytes());
  } finally {
    compact.free();
  }
  const { graph, inputName } = graphOf(file, kind);
  const metadata: Record<string, string> = {
    evoprune_version: EVOPRUNE_VERSION,
    evoprune_sizes: file.sizes.join('-'),
    evoprune_source_sizes: sourceSizes.join('-'),
    evoprune_input: kind,
    evoprune_standardized: file.standardization ? 'true' : 'false',
    ...(options.source === undefined ? {} : { source: options.source }),
    ...(options.classNames ? { class_names: JSON.stringify(options.classNames) } : {}),
  };
  const proto = onnx.ModelProto.create({
    irVersion: ONNX_IR_VERSION,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    producerName: 'evoprune',
    producerVersion: EVOPRUNE_VERSION,
    docString: `evoprune MLP ${file.sizes.join('-')} (compacted from ${sourceSizes.join('-')}): ${inputName} [batch, ${file.sizes[0]}] → logits, probabilities [batch, ${file.sizes[file.sizes.length - 1]}]`,
    graph,
    metadataProps: Object.entries(metadata).map(([key, value]) => ({ key, value })),
  });
  const encoded = onnx.ModelProto.encode(proto).finish();
  // protobufjs hands out a Node Buffer in Node: give every caller a plain Uint8Array.
  const bytes = encoded.constructor === Uint8Array ? encoded : new Uint8Array(encoded);
  return {
    bytes,
    sizes: file.sizes,
    sourceSizes,
    input: { kind, name: inputName, type: kind === 'images' ? 'uint8' : 'float32', shape: ['batch', file.sizes[0]!] },
    outputs: ['logits', 'probabilities'],
  };
}

/** The ONNX bytes of `model` (see `exportOnnx`): for a file to save or a download. */
export function modelToOnnx(model: WasmModel, options: OnnxExportOptions = {}): Uint8Array {
  return exportOnnx(model, options).bytes;
}
