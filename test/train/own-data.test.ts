import { describe, expect, it } from 'vitest';
import {
  canonical,
  collapse,
  datasetFromArrays,
  type FeatureSet,
  loadDataset,
  nodeEngine,
  resolveTrainConfig,
  RunFailedError,
  runSplits,
  train,
  type TrainingSnapshot,
  WasmModel,
} from '../../src/index.js';
import { metricsRows } from '../../src/run/files.js';
import { runTraining } from '../../src/train/loop.js';
import { signalRows } from '../helpers/signals.js';

const data = datasetFromArrays({ name: 'signals', train: signalRows(600, 1), test: signalRows(300, 2) });
const base = { hidden: [32, 16], epochs: 6, batch: 32, seed: 1 };

/** The documented statistics, in f64 in increasing row order (the kernels' order). */
function reference(set: FeatureSet): { shift: number[]; scale: number[] } {
  const shift: number[] = [];
  const scale: number[] = [];
  for (let j = 0; j < set.cols; j++) {
    let sum = 0;
    let constant = true;
    for (let r = 0; r < set.rows; r++) {
      sum += set.features[r * set.cols + j]!;
      constant &&= set.features[r * set.cols + j] === set.features[j];
    }
    const mean = sum / set.rows;
    let m2 = 0;
    for (let r = 0; r < set.rows; r++) {
      const d = set.features[r * set.cols + j]! - mean;
      m2 += d * d;
    }
    const std = Math.fround(Math.sqrt(m2 / set.rows));
    shift.push(Math.fround(mean));
    scale.push(constant || std < 2 ** -126 ? 1 : std);
  }
  return { shift, scale };
}

describe('training on your own f32 features', () => {
  it('standardizes by default with statistics of the training rows only, kept in the model file', async () => {
    const config = resolveTrainConfig({ ...base, validation: 60 });
    const summary = await train(config, { dataset: data, keepModel: true });
    expect(summary.testAccuracy).toBeGreaterThan(0.9);
    const model = WasmModel.fromBytes(nodeEngine().wasm, summary.model!);
    try {
      expect(summary.model![15]).toBe(2); // model format 2: it carries a preprocessing block
      const { shift, scale } = model.standardization!;
      // Fitted in wasm on the 540 training rows left after the validation hold-out, bit for bit
      // the f64 reference; the constant feature is centred, not divided.
      const trainRows = runSplits(config, data).train as FeatureSet;
      expect(trainRows.rows).toBe(540);
      expect({ shift: Array.from(shift), scale: Array.from(scale) }).toEqual(reference(trainRows));
      expect(scale[4]).toBe(1);
      expect(shift[4]).toBe(42.5);
      expect(Array.from(shift)).not.toEqual(reference(data.train).shift);
      // Predictions on raw features are the run's: the standardization is applied by the model.
      const e = model.evaluate(data.test.features, data.test.labels);
      expect(e.accuracy).toBe(summary.testAccuracy);
      expect(e.confusion).toEqual(summary.confusion);
      const predicted = model.predict(data.test.features).classes;
      expect(predicted.reduce((n, p, i) => n + Number(p === data.test.labels[i]), 0)).toBe(e.correct);
    } finally {
      model.free();
    }
  });

  it('without standardization the same raw features train far worse (why it is on by default)', async () => {
    const plain = await train({ ...base, standardize: false }, { dataset: data, collapseCheck: false });
    const standardized = await train(base, { dataset: data });
    expect(standardized.testAccuracy - plain.testAccuracy).toBeGreaterThan(0.2);
  });

  it('a validation set is evaluated every epoch; without one nothing changes', async () => {
    const none = await train(base, { dataset: data });
    const zero = await train({ ...base, validation: 0 }, { dataset: data });
    expect(zero.stateHash).toBe(none.stateHash);
    expect(canonical(zero)).toEqual(canonical(none));
    expect(Object.keys(none.history[0]!)).toEqual([
      'epoch',
      'trainLoss',
      'trainAccuracy',
      'testLoss',
      'testAccuracy',
      'samplesPerSecond',
      'seconds',
      'livingWork',
      'alive',
    ]);
    expect('validationAccuracy' in none).toBe(false);
    const held = await train({ ...base, validation: 60 }, { dataset: data });
    expect(held.stateHash).not.toBe(none.stateHash);
    expect(held.history).toHaveLength(6);
    for (const h of held.history) {
      expect(h.validationAccuracy).toBeGreaterThanOrEqual(0);
      expect(Number.isFinite(h.validationLoss)).toBe(true);
    }
    expect(Object.keys(held.history[0]!).slice(0, 5)).toEqual(['epoch', 'trainLoss', 'trainAccuracy', 'validationLoss', 'validationAccuracy']);
    expect(held.validationAccuracy).toBe(held.history[5]!.validationAccuracy);
    expect(held.validationAccuracy).toBeGreaterThan(0.85);
    expect(Object.keys(metricsRows(held.history)[0]!)).toContain('validationAccuracy');
    expect(() => runSplits({ validation: 600 }, data)).toThrow('validation: 600 rows cannot be held out of 600 training rows (must be from 1 to 599)');
  });

  it('the collapse check uses validation accuracy when there is a validation set', async () => {
    // Every held-out row (⌊j·600/60⌋ = every tenth) is class 4, which no training row has: the
    // network learns the other rows, and validation accuracy stays at 0.
    const train4 = signalRows(600, 3);
    train4.labels = train4.labels.map((y, r) => (r % 10 === 0 ? 4 : y));
    const skewed = datasetFromArrays({ name: 'skewed', train: train4, test: signalRows(100, 4) });
    const config = { ...base, epochs: 3, validation: 60 };
    const failed = await train(config, { dataset: skewed }).catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(RunFailedError);
    expect((failed as Error).message).toBe('the run collapsed in epoch 2: validation accuracy 0.00 % is within 2 points of chance (20.00 %)');
    // Training accuracy alone, and with the check off, the same run goes on.
    expect((await train({ ...config, validation: undefined }, { dataset: skewed })).testAccuracy).toBeGreaterThan(0.5);
    expect((await train(config, { dataset: skewed, collapseCheck: false })).validationAccuracy).toBe(0);
    expect(collapse([8], [8], 0.26, 4, 2, 'validation')).toBe('validation accuracy 26.00 % is within 2 points of chance (25.00 %)');
    expect(collapse([8], [8], 0.26, 4, 2)).toMatch(/^training accuracy/);
  });

  it('a resumed standardized run recomputes its statistics and ends with the same bits', async () => {
    const config = resolveTrainConfig({ ...base, epochs: 3, validation: 60 });
    const snapshots: TrainingSnapshot[] = [];
    const straight = await runTraining(config, data, nodeEngine(), { keepModel: true, checkpoint: { every: 7, save: (s) => void snapshots.push(s) } });
    const mid = snapshots.find((s) => s.step === 28)!;
    expect(mid.epochProgress.batches).toBeGreaterThan(0); // mid-epoch (17 batches per epoch)
    const resumed = await runTraining(config, data, nodeEngine(), { keepModel: true, resume: mid });
    expect(resumed.stateHash).toBe(straight.stateHash);
    expect(Buffer.from(resumed.model!).equals(Buffer.from(straight.model!))).toBe(true);
    expect(canonical(resumed.history)).toEqual(canonical(straight.history));
  });

  it('byte images stay unstandardized (model format 1) unless asked', async () => {
    const mnist = loadDataset('mnist', { trainLimit: 1000, testLimit: 200 });
    const small = { hidden: [16, 8], epochs: 1, batch: 64 };
    const plain = await train(small, { dataset: mnist, keepModel: true });
    const explicit = await train({ ...small, standardize: false }, { dataset: mnist, keepModel: true });
    expect(explicit.stateHash).toBe(plain.stateHash);
    expect(plain.model![15]).toBe(1);
    const standardized = await train({ ...small, standardize: true }, { dataset: mnist, keepModel: true });
    expect(standardized.model![15]).toBe(2);
    expect(standardized.stateHash).not.toBe(plain.stateHash);
    const model = WasmModel.fromBytes(nodeEngine().wasm, standardized.model!);
    expect(model.evaluate(mnist.test.images, mnist.test.labels).accuracy).toBe(standardized.testAccuracy);
    model.free();
  });
});
