import { describe, expect, it } from 'vitest';
import { canonical, loadDataset, nodeEngine, resolveTrainConfig, train, WasmTrainer, wasmTrainerConfig } from '../../src/index.js';

const mnist = loadDataset('mnist', { trainLimit: 6000, testLimit: 1000 });
const small = { hidden: [64, 32], epochs: 4, batch: 64, seed: 0 };

describe('training on an MNIST subset', () => {
  it('a few hundred steps reach the accuracy floor, and the same seed gives the same stateHash', async () => {
    const epochs: number[] = [];
    const a = await train(small, { dataset: mnist, onEpoch: (m) => epochs.push(m.testAccuracy) });
    expect(epochs).toHaveLength(4);
    expect(a.epochs).toBe(4);
    expect(a.testAccuracy).toBeGreaterThan(0.9); // 376 steps of batch 64
    expect(a.stateHash).toMatch(/^[0-9a-f]{64}$/);
    expect(a.alive).toEqual([64, 32]);
    expect(a.sparsity).toBe(0);
    const again = await train(small, { dataset: mnist });
    expect(again.stateHash).toBe(a.stateHash);
    // Everything but the timing fields is equal too.
    expect(canonical(again)).toEqual(canonical(a));
    expect(canonical({ ...a, samplesPerSecond: 1, history: a.history.map((h) => ({ ...h, seconds: 0 })) })).toEqual(canonical(a));
    expect(canonical({ ...a, testAccuracy: a.testAccuracy + 1e-9 })).not.toEqual(canonical(a));
    const other = await train({ ...small, seed: 1 }, { dataset: mnist });
    expect(other.stateHash).not.toBe(a.stateHash);
  });

  it('Adam trains too', async () => {
    const s = await train({ ...small, epochs: 2, optimizer: 'adam' }, { dataset: mnist });
    expect(s.testAccuracy).toBeGreaterThan(0.85);
  });

  it('resuming from a mid-epoch state gives the bits of never stopping', () => {
    const config = wasmTrainerConfig(resolveTrainConfig({ ...small, trainLimit: 2000 }), mnist);
    const make = () => {
      const t = new WasmTrainer(nodeEngine().wasm, config);
      t.setData('train', mnist.train.images.subarray(0, 2000 * 784), mnist.train.labels.subarray(0, 2000), 2000, 784);
      return t;
    };
    const steps = (t: WasmTrainer, n: number) => {
      for (let left = n; left > 0; ) left -= t.run(left);
    };
    const straight = make();
    steps(straight, 70); // crosses two epoch boundaries (32 batches each)
    const first = make();
    steps(first, 41);
    const saved = first.state();
    first.free();
    const resumed = make();
    resumed.loadState(saved);
    expect(resumed.step).toBe(41);
    steps(resumed, 29);
    expect(resumed.stateHash()).toBe(straight.stateHash());
    expect(() => resumed.loadState(saved.subarray(0, 100))).toThrow(/truncated/);
    straight.free();
    resumed.free();
  });

  it('refuses a dataset that does not fit the model', () => {
    const t = new WasmTrainer(nodeEngine().wasm, { sizes: [10, 4, 3], seed: 0, batch: 8, optimizer: { kind: 'sgd', lr: 0.1, momentum: 0 } });
    expect(() => t.setData('train', new Uint8Array(18), new Uint8Array(2), 2, 9)).toThrow(/9 values each but the model's input layer has 10/);
    expect(() => t.setData('train', new Uint8Array(20), Uint8Array.of(0, 3), 2, 10)).toThrow('label 3 in row 1 is not in 0..3');
    t.free();
  });
});
