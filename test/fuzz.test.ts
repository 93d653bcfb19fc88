// Property tests over hostile inputs (fast-check, seeded): arbitrary bytes or JSON given to the
// IDX reader, the model loader, the trainer's state loader, the checkpoint reader and the sweep
// file reader never trap or hang; each gives its named error, and wasm memory grows by no more
// than 4 × the input's size + 64 MB.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CheckpointError,
  ConfigError,
  DataError,
  decodeCheckpoint,
  kernelErrorKind,
  nodeEngine,
  parseIdx,
  readSweepSpec,
  WasmModel,
  WasmTrainer,
  type WasmTrainerConfig,
} from '../src/index.js';
import { tempDir } from './helpers/idx.js';

const SEED = 20261128;
const runs = { seed: SEED, numRuns: 300 };
const engine = nodeEngine();
const memory = () => engine.memoryBuffer().byteLength;

/** Bytes that start with `prefix` (so the parsers get past their magic) and go on arbitrarily. */
const after = (prefix: Uint8Array) => fc.uint8Array({ maxLength: 4096 }).map((tail) => Uint8Array.from([...prefix, ...tail]));
/** Arbitrary bytes, or bytes with a valid-looking prefix, or the prefix with little-endian sizes/lengths. */
const hostile = (prefix: Uint8Array) =>
  fc.oneof(
    fc.uint8Array({ maxLength: 4096 }),
    after(prefix),
    fc.tuple(fc.array(fc.integer({ min: 0, max: 2 ** 32 - 1 }), { maxLength: 12 }), fc.uint8Array({ maxLength: 512 })).map(([words, tail]) => {
      const body = new Uint8Array(words.length * 4);
      const view = new DataView(body.buffer);
      for (const [i, w] of words.entries()) view.setUint32(i * 4, w, true);
      return Uint8Array.from([...prefix, ...body, ...tail]);
    }),
  );

function boundedMemory(bytes: Uint8Array, body: () => void): void {
  const before = memory();
  body();
  expect(memory() - before).toBeLessThanOrEqual(4 * bytes.length + 64 * 2 ** 20);
}

describe('hostile inputs', () => {
  it('the IDX reader names the file and the problem, whatever the bytes', () => {
    const idx = Uint8Array.of(0, 0, 8, 3);
    fc.assert(
      fc.property(hostile(idx), (bytes) => {
        try {
          const parsed = parseIdx(bytes, 'fuzz.idx');
          expect(parsed.data.length).toBe(parsed.dims.reduce((a, b) => a * b, 1));
        } catch (error) {
          expect(error).toBeInstanceOf(DataError);
          expect((error as Error).message.startsWith('fuzz.idx: ')).toBe(true);
        }
      }),
      runs,
    );
  });

  it('the model loader refuses with a data or limit error, within bounded memory', () => {
    const magic = new TextEncoder().encode('EVOPRUNE-MODEL\0\x01');
    fc.assert(
      fc.property(hostile(magic), (bytes) => {
        boundedMemory(bytes, () => {
          try {
            WasmModel.fromBytes(engine.wasm, bytes).free();
          } catch (error) {
            expect(['data', 'limit', 'config']).toContain(kernelErrorKind(error));
          }
        });
      }),
      runs,
    );
  });

  it('the model loader reads a damaged format-2 file (standardization block) or refuses it with a data error', () => {
    const trainer = new WasmTrainer(engine.wasm, {
      sizes: [6, 5, 3],
      seed: 2,
      batch: 4,
      optimizer: { kind: 'sgd', lr: 0.1, momentum: 0.9 },
      standardize: true,
    });
    trainer.setData(
      'train',
      Float32Array.from({ length: 24 }, (_, i) => 100 + ((i * 7) % 13)),
      Uint8Array.of(0, 1, 2, 0),
      4,
      6,
    );
    const model = trainer.model();
    const good = model.toBytes();
    model.free();
    trainer.free();
    expect(good[15]).toBe(2);
    fc.assert(
      fc.property(
        fc.oneof(
          fc.integer({ min: 0, max: good.length - 1 }).map((n) => good.slice(0, n)),
          fc.tuple(fc.integer({ min: 0, max: good.length - 1 }), fc.integer({ min: 0, max: 255 })).map(([at, byte]) => {
            const bytes = good.slice();
            bytes[at] = byte;
            return bytes;
          }),
        ),
        (bytes) => {
          boundedMemory(bytes, () => {
            try {
              const loaded = WasmModel.fromBytes(engine.wasm, bytes);
              const s = loaded.standardization;
              if (s) expect(Array.from(s.scale).every((x) => Number.isFinite(x) && x > 0) && Array.from(s.shift).every(Number.isFinite)).toBe(true);
              loaded.free();
            } catch (error) {
              expect(['data', 'limit']).toContain(kernelErrorKind(error));
            }
          });
        },
      ),
      runs,
    );
  });

  it("the trainer's state loader refuses with a data error, within bounded memory, and the trainer still works", () => {
    const config: WasmTrainerConfig = { sizes: [16, 8, 3], seed: 1, batch: 10, optimizer: { kind: 'sgd', lr: 0.1, momentum: 0.9 } };
    const trainer = new WasmTrainer(engine.wasm, config);
    const good = trainer.state();
    const magic = good.subarray(0, 16);
    try {
      fc.assert(
        fc.property(
          fc.oneof(
            hostile(magic),
            fc.integer({ min: 0, max: good.length - 1 }).map((n) => good.slice(0, n)),
          ),
          (bytes) => {
            boundedMemory(bytes, () => {
              expect(() => trainer.loadState(bytes)).toThrow();
            });
          },
        ),
        runs,
      );
      trainer.loadState(good);
      expect(trainer.state()).toEqual(good);
    } finally {
      trainer.free();
    }
  });

  it('the checkpoint reader names the file and the problem', () => {
    const magic = new TextEncoder().encode('EVOPRUNE-CKPT\0\0\x01');
    fc.assert(
      fc.property(hostile(magic), (bytes) => {
        try {
          decodeCheckpoint(bytes, 'fuzz.ckpt');
        } catch (error) {
          expect(error).toBeInstanceOf(CheckpointError);
          expect((error as Error).message.startsWith('fuzz.ckpt')).toBe(true);
        }
      }),
      runs,
    );
  });

  it('the sweep reader gives a configuration error naming the file, whatever the JSON', () => {
    const dir = tempDir();
    const file = join(dir, 'sweep.json');
    const field = fc.constantFrom('name', 'base', 'grid', 'list', 'seeds', 'prune', 'gird', '__proto__', 'constructor');
    const json = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.dictionary(field, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 }));
    fc.assert(
      fc.property(json, (value) => {
        writeFileSync(file, JSON.stringify(value));
        try {
          readSweepSpec(file);
        } catch (error) {
          expect(error).toBeInstanceOf(ConfigError);
          expect((error as Error).message).toContain(file);
        }
      }),
      { ...runs, numRuns: 200 },
    );
  });
});
