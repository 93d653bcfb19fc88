import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadDataset, loadModel, nodeEngine, train, WasmModel } from '../../src/index.js';
import { softmaxRows } from '../../src/engine/model.js';
import { tempDir } from '../helpers/idx.js';

const mnist = loadDataset('mnist', { trainLimit: 2000, testLimit: 300 });
const summary = await train({ hidden: [32], epochs: 2, batch: 50 }, { dataset: mnist, keepModel: true });
const bytes = summary.model!;
const image = (row: number) => mnist.test.images.subarray(row * 784, (row + 1) * 784);

describe('loadModel and predict: one shape for bytes, paths and URLs', () => {
  it('loads from bytes, an ArrayBuffer, a path and a file: URL, with the same predictions', async () => {
    const file = join(tempDir(), 'model.bin');
    writeFileSync(file, bytes);
    const sources = [bytes, bytes.slice().buffer, file, pathToFileURL(file), pathToFileURL(file).href];
    const expected = WasmModel.fromBytes(nodeEngine().wasm, bytes).predictClasses(mnist.test.images, mnist.test.rows);
    for (const source of sources) {
      using model = await loadModel(source);
      expect(model.sizes).toEqual([784, 32, 10]);
      expect(model.predict(mnist.test.images).classes).toEqual(expected);
    }
  });

  it('fetches an http: URL and names the URL when the server says no', async () => {
    const server = createServer((request, response) => {
      if (request.url === '/model.bin') response.end(bytes);
      else response.writeHead(404, 'Not Found').end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      using model = await loadModel(`${base}/model.bin`);
      expect(model.classes).toBe(10);
      await expect(loadModel(`${base}/missing.bin`)).rejects.toThrow(`${base}/missing.bin: HTTP 404 Not Found`);
    } finally {
      server.close();
    }
  });

  it('predicts one image or a batch, as flat bytes or as rows, with probabilities that sum to 1', async () => {
    using model = await loadModel(bytes);
    const batch = model.predict(mnist.test.images.subarray(0, 5 * 784));
    expect(batch.rows).toBe(5);
    expect(batch.classCount).toBe(10);
    expect(batch.probabilities).toHaveLength(50);
    for (let r = 0; r < 5; r++) {
      const p = batch.probabilities.subarray(r * 10, r * 10 + 10);
      expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      // The predicted class is the most probable one.
      expect(p.indexOf(Math.max(...p))).toBe(batch.classes[r]);
      const one = model.predict(image(r));
      expect(one.rows).toBe(1);
      expect(one.classes[0]).toBe(batch.classes[r]);
      expect(Array.from(one.probabilities)).toEqual(Array.from(p));
    }
    const asRows = model.predict([image(0), image(1), image(2)]);
    expect(Array.from(asRows.classes)).toEqual(Array.from(batch.classes.subarray(0, 3)));
    // Canvas pixels (Uint8ClampedArray) are bytes too, alone or as rows.
    const clamped = (r: number) => new Uint8ClampedArray(image(r));
    expect(Array.from(model.predict([clamped(0), clamped(1)]).probabilities)).toEqual(Array.from(batch.probabilities.subarray(0, 20)));
    expect(Array.from(model.predict(clamped(2)).probabilities)).toEqual(Array.from(batch.probabilities.subarray(20, 30)));
    // Accuracy of predict equals the kernels' own evaluation.
    const all = model.predict(mnist.test.images);
    const correct = all.classes.reduce((n, k, i) => n + Number(k === mnist.test.labels[i]), 0);
    expect(correct).toBe(model.evaluate(mnist.test.images, mnist.test.labels).correct);
  });

  it('refuses inputs that are not whole rows, mixed batches and non-finite features, by value', async () => {
    using model = await loadModel(bytes);
    expect(() => model.predict(new Uint8Array(783))).toThrow("predict: got 783 values, which is not a whole number of rows of 784 (the model's input size)");
    expect(() => model.predict(new Uint8Array(0))).toThrow('predict: got 0 values');
    expect(() => model.predict([image(0), new Uint8Array(10)])).toThrow('predict: row 1 has 10 values but the model expects 784');
    expect(() => model.predict([image(0), new Float32Array(784)])).toThrow('predict: a batch mixes byte images (Uint8Array) and float rows');
    const features = new Float32Array(784);
    features[790 - 784] = Number.NaN;
    expect(() => model.predict(features)).toThrow('predict: value 6 (row 0) is NaN; features must be finite');
    expect(() => model.predict('pixels' as never)).toThrow('predict: expected byte images (Uint8Array)');
    await expect(loadModel(bytes, nodeEngine() as never)).rejects.toThrow(
      'loadModel(source, { engine }): pass the engine as an option, not as the second argument',
    );
  });

  it('refuses a newer model format and a file that is not a model, naming the source', async () => {
    const newer = bytes.slice();
    newer[15] = 99; // the version byte, after the 15-byte magic
    await expect(loadModel(newer)).rejects.toThrow('model file format 99 is newer than this evoprune reads (formats 1 to 2): update evoprune to read it');
    const file = join(tempDir(), 'notes.txt');
    writeFileSync(file, 'not a model');
    await expect(loadModel(file)).rejects.toThrow(`${file}: not an evoprune model`);
    await expect(loadModel(join(tempDir(), 'missing.bin'))).rejects.toThrow('missing.bin: cannot read (ENOENT)');
  });

  it('free() is idempotent and `using` frees at the end of the block', async () => {
    const model = await loadModel(bytes);
    model.free();
    model.free();
    let inner: WasmModel;
    {
      using scoped = await loadModel(bytes);
      inner = scoped;
      expect(scoped.predict(image(0)).rows).toBe(1);
    }
    // Freed: the handle no longer answers (wasm-bindgen's null-pointer error).
    expect(() => inner.predict(image(0))).toThrow();
  });
});

/** One row through the library's softmax (what predict uses), in f64. */
function softmax(logits: ArrayLike<number>): Float64Array {
  const p = new Float64Array(logits.length);
  softmaxRows(logits, logits.length, new Uint32Array(1), p);
  return p;
}

function argmax(values: ArrayLike<number>): number {
  const classes = new Uint32Array(1);
  softmaxRows(values, values.length, classes, new Float64Array(values.length));
  return classes[0]!;
}

describe('probabilities from logits', () => {
  it('sum to 1, follow the logits, and survive huge logits', () => {
    const p = softmax([1, 2, 3]);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(p[2]! / p[1]!).toBeCloseTo(Math.E, 10);
    const huge = softmax(Float32Array.of(1000, 999, -1000));
    expect(huge.every(Number.isFinite)).toBe(true);
    expect(huge[0]! / huge[1]!).toBeCloseTo(Math.E, 10);
  });

  it('argmax takes the first of equal values', () => {
    expect(argmax([0.1, 0.4, 0.4, 0.1])).toBe(1);
  });
});
