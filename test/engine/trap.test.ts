import { describe, expect, it } from 'vitest';
import { EngineTrapError, nodeEngine, WasmTrainer, type WasmTrainerConfig } from '../../src/index.js';

const config: WasmTrainerConfig = { sizes: [16, 8, 3], seed: 4, batch: 10, optimizer: { kind: 'sgd', lr: 0.1, momentum: 0.9 } };
const data = { images: Uint8Array.from({ length: 40 * 16 }, (_, i) => (i * 37) % 256), labels: Uint8Array.from({ length: 40 }, (_, i) => i % 3) };

function hashAfterTwoBatches(engine = nodeEngine()): string {
  const trainer = new WasmTrainer(engine.wasm, config);
  try {
    trainer.setData('train', data.images, data.labels, 40, 16);
    trainer.run(2);
    return trainer.stateHash();
  } finally {
    trainer.free();
  }
}

describe('a trapped engine', () => {
  it('is dropped: its objects fail clearly, and the next engine is a fresh instance with the same bits', () => {
    const before = hashAfterTwoBatches();
    const engine = nodeEngine();
    const survivor = new WasmTrainer(engine.wasm, config);
    // An allocation of 2^31 floats (8 GiB) cannot succeed in wasm32: the kernels abort, i.e. trap.
    expect(() => new engine.wasm.F32Buffer(2 ** 31)).toThrow(EngineTrapError);
    expect(() => survivor.setData('train', data.images, data.labels, 40, 16)).toThrow(
      'these kernels trapped earlier and were dropped; create a new trainer or model: it gets a new engine',
    );
    const fresh = nodeEngine();
    expect(fresh).not.toBe(engine);
    expect(hashAfterTwoBatches(fresh)).toBe(before);
  });
});
