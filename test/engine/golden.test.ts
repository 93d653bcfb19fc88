import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type Engine, nodeEngine, nodeEngineFor, WasmTrainer } from '../../src/index.js';

// Every golden result holds for both builds: the single-threaded one and the threaded one (whose
// products and element-wise kernels split over 2 and 3 threads here).
const builds: [string, () => Engine | Promise<Engine>][] = [
  ['single-threaded build', () => nodeEngine()],
  ['threaded build, 2 threads', () => nodeEngineFor(2)],
  ['threaded build, 3 threads', () => nodeEngineFor(3)],
];

// The same file pins the native result in crates/core/tests/golden.rs.
const golden = JSON.parse(readFileSync(new URL('../golden/gemm.json', import.meta.url), 'utf8')) as {
  seed: number;
  m: number;
  n: number;
  k: number;
  sha256: string;
};

describe.each(builds)('golden product (%s)', (_, build) => {
  it('wasm gives the bytes the native kernels give', async () => {
    const engine = await build();
    const { seed, m, n, k } = golden;
    const a = engine.uniform(m * k, seed, 1, -1, 1);
    const b = engine.uniform(k * n, seed, 2, -1, 1);
    const nn = engine.matmul('nn', m, n, k, a, b);
    const tn = engine.matmul('tn', m, n, k, a, b);
    const nt = engine.matmul('nt', m, n, k, a, b, tn);
    const hash = createHash('sha256');
    for (const c of [nn, tn, nt]) hash.update(new Uint8Array(c.buffer, c.byteOffset, c.byteLength));
    expect(hash.digest('hex')).toBe(golden.sha256);
  });
});

const goldenTrain = JSON.parse(readFileSync(new URL('../golden/train.json', import.meta.url), 'utf8')) as {
  rows: number;
  sizes: number[];
  seed: number;
  batch: number;
  epochs: number;
  stateHash: string;
};

describe.each(builds)('golden training run (%s)', (_, build) => {
  it('wasm training ends in the state the native kernels reach (sparse inputs, extinctions, participation)', async () => {
    const engine = await build();
    const { rows, sizes, seed, batch, epochs } = goldenTrain;
    const cols = sizes[0]!;
    const images = Uint8Array.from(engine.uniform(rows * cols, seed, 11), (u) => {
      const t = Math.floor(u * 256);
      return t >= 180 ? t : 0;
    });
    const labels = Uint8Array.from(engine.uniform(rows, seed, 12), (u) => Math.floor(u * 10));
    const trainer = new WasmTrainer(engine.wasm, {
      sizes,
      seed,
      batch,
      optimizer: { kind: 'sgd', lr: 0.1, momentum: 0.9 },
      schedule: { kind: 'cosine', epochs },
      initialMass: 1,
      evolution: { fitness: 'gradient', dynamic: 'exponential', eta: 0.2, mu: 0, rho: 0.9, epsilon: 1e-3, interval: 1, warmup: 0, anneal: true },
      participation: { alpha: 1, beta: 1e-4, gamma: 1e-5, lr: 1 },
    });
    trainer.setData('train', images, labels, rows, cols);
    while (trainer.epoch < epochs) trainer.run(100);
    expect(trainer.alive().reduce((a, b) => a + b, 0)).toBeLessThan(48);
    expect(trainer.stateHash()).toBe(goldenTrain.stateHash);
    trainer.free();
  });
});

const goldenFeatures = JSON.parse(readFileSync(new URL('../golden/features.json', import.meta.url), 'utf8')) as {
  rows: number;
  validationRows: number;
  sizes: number[];
  seed: number;
  batch: number;
  epochs: number;
  stateHash: string;
  modelSha256: string;
  validationLoss: string;
  validationCorrect: number;
};

describe.each(builds)('golden feature run (%s)', (_, build) => {
  it('wasm ends in the state, model file and validation evaluation the native kernels reach (f32 features, standardization)', async () => {
    const engine = await build();
    const { rows, validationRows, sizes, seed, batch, epochs } = goldenFeatures;
    const cols = sizes[0]!;
    const data = (n: number, featuresStream: number, labelsStream: number) => ({
      features: engine.uniform(n * cols, seed, featuresStream, 60, 140),
      labels: Uint8Array.from(engine.uniform(n, seed, labelsStream), (u) => Math.floor(u * 5)),
    });
    const trainer = new WasmTrainer(engine.wasm, {
      sizes,
      seed,
      batch,
      optimizer: { kind: 'sgd', lr: 0.05, momentum: 0.9 },
      schedule: { kind: 'cosine', epochs },
      initialMass: 1,
      evolution: { fitness: 'gradient', dynamic: 'exponential', eta: 0.1, mu: 0, rho: 0.9, epsilon: 1e-3, interval: 1, warmup: 0, anneal: true },
      standardize: true,
    });
    const train = data(rows, 21, 22);
    const validation = data(validationRows, 23, 24);
    trainer.setData('train', train.features, train.labels, rows, cols);
    trainer.setData('validation', validation.features, validation.labels, validationRows, cols);
    while (trainer.epoch < epochs) trainer.run(100);
    expect(trainer.stateHash()).toBe(goldenFeatures.stateHash);
    const model = trainer.model();
    const bytes = model.toBytes();
    expect(bytes[15]).toBe(2);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(goldenFeatures.modelSha256);
    const v = trainer.evaluate('validation');
    const bits = new DataView(new Float64Array([v.loss]).buffer).getBigUint64(0, true).toString(16).padStart(16, '0');
    expect([bits, v.correct]).toEqual([goldenFeatures.validationLoss, goldenFeatures.validationCorrect]);
    // The model on raw validation features gives the trainer's evaluation, bit for bit.
    expect(model.evaluate(validation.features, validation.labels)).toEqual(v);
    model.free();
    trainer.free();
  });
});
