// The kernels refuse what they cannot do, by name, even when called directly (not through zod).
import { describe, expect, it } from 'vitest';
import { kernelErrorKind, nodeEngine, WasmModel, WasmTrainer, type WasmTrainerConfig } from '../../src/index.js';

const wasm = nodeEngine().wasm;
const base: WasmTrainerConfig = { sizes: [16, 8, 3], seed: 0, batch: 10, optimizer: { kind: 'sgd', lr: 0.1, momentum: 0.9 } };
const evolution = { fitness: 'gradient', dynamic: 'exponential', eta: 0.1, mu: 0, rho: 0.9, epsilon: 1e-3, interval: 1, warmup: 0 };

function refusal(config: WasmTrainerConfig): Error {
  try {
    new WasmTrainer(wasm, config).free();
  } catch (error) {
    return error as Error;
  }
  throw new Error(`accepted ${JSON.stringify(config)}`);
}

describe('hyper-parameter ranges, checked in the kernels', () => {
  it.each([
    [{ ...base, optimizer: { kind: 'sgd', lr: 0, momentum: 0.9 } }, 'optimizer.lr: 0 is out of range (must be > 0)'],
    [{ ...base, optimizer: { kind: 'sgd', lr: 0.1, momentum: 1 } }, 'optimizer.momentum: 1 is out of range'],
    [{ ...base, optimizer: { kind: 'adam', lr: 0.001, beta1: 0.9, beta2: 1, eps: 1e-8 } }, 'optimizer.beta2: 1 is out of range (must be in [0, 1))'],
    [{ ...base, evolution: { ...evolution, rho: 1.5 } }, 'evolution.rho: 1.5 is out of range (must be in [0, 1))'],
    [{ ...base, evolution: { ...evolution, eta: -3 } }, 'evolution.eta: -3 is out of range (must be ≥ 0)'],
    [{ ...base, evolution: { ...evolution, epsilon: -1 } }, 'evolution.epsilon: -1 is out of range (must be > 0)'],
    [{ ...base, evolution: { ...evolution, mu: -0.5 } }, 'evolution.mu: -0.5 is out of range (must be ≥ 0)'],
    [{ ...base, batch: 0 }, 'batch: 0 is out of range'],
  ] as [WasmTrainerConfig, string][])('%# refuses with a named config error', (config, message) => {
    const error = refusal(config);
    expect(error.message).toContain(message);
    expect(kernelErrorKind(error)).toBe('config');
  });

  it('sizes too big for wasm32 are a limit error, not a trap', () => {
    for (const config of [
      { ...base, sizes: [784, 65536, 65536, 10] },
      { ...base, sizes: [784, 100_000, 100_000, 10] },
      { ...base, batch: 100_000_000 },
    ]) {
      const error = refusal(config);
      expect(kernelErrorKind(error), error.message).toBe('limit');
      expect(error.message).toContain('a trainer may use at most 2 GiB');
    }
  });
});

describe('the model loader', () => {
  it('checks a file length against its header before allocating', () => {
    // Magic, three sizes (2^24, 2^24, 10), nothing else: 36 bytes that ask for a 2^48-float model.
    const bytes = new Uint8Array(36);
    bytes.set(new TextEncoder().encode('EVOPRUNE-MODEL\0\x01'));
    const view = new DataView(bytes.buffer);
    view.setBigUint64(16, 3n, true);
    view.setUint32(24, 1 << 24, true);
    view.setUint32(28, 1 << 24, true);
    view.setUint32(32, 10, true);
    const before = nodeEngine().memoryBuffer().byteLength;
    expect(() => WasmModel.fromBytes(wasm, bytes)).toThrow(/model has implausible layer sizes|need/);
    // Not a byte more than the few kilobytes the call itself needs.
    expect(nodeEngine().memoryBuffer().byteLength - before).toBeLessThan(1 << 20);
    // A plausible header that asks for more bytes than the file has.
    view.setUint32(24, 1000, true);
    view.setUint32(28, 1000, true);
    expect(() => WasmModel.fromBytes(wasm, bytes)).toThrow('model file holds 0 bytes after its header but layer sizes [1000, 1000, 10] need');
    expect(nodeEngine().memoryBuffer().byteLength - before).toBeLessThan(1 << 20);
  });
});

describe('error kinds', () => {
  it('a pruning that would empty a layer is a refusal; a fraction outside [0, 1) is a config error; bad model bytes are data', () => {
    const trainer = new WasmTrainer(wasm, base);
    const kindOf = (f: () => unknown): string | undefined => {
      try {
        f();
      } catch (error) {
        return kernelErrorKind(error);
      }
      throw new Error('accepted');
    };
    expect(kindOf(() => trainer.pruned('mass', 0.95, 'layer'))).toBe('refusal');
    expect(kindOf(() => trainer.pruned('mass', 1))).toBe('config');
    expect(kindOf(() => trainer.pruned('mass', 0.1, 'everywhere' as 'global'))).toBe('config');
    expect(kindOf(() => WasmModel.fromBytes(wasm, new Uint8Array(8)))).toBe('data');
    trainer.free();
  });
});
