import { describe, expect, it } from 'vitest';
import {
  canonical,
  defaultThreads,
  loadDataset,
  nodeEngine,
  nodeEngineFor,
  resolveTrainConfig,
  runTraining,
  train,
  type WasmTrainer,
} from '../../src/index.js';
import { cli } from '../helpers/cli.js';

const mnist = loadDataset('mnist', { trainLimit: 3000, testLimit: 500 });

describe('threads', () => {
  it('every thread count gives the bits of the single-threaded build on an evolving run that compacts, and every thread works', async () => {
    // Wide enough that products, element-wise kernels, the optimizer and the nonzero-term build
    // all split; 80 % of each layer extinct by 75 % of 4 epochs, so compaction runs too.
    const config = resolveTrainConfig({ preset: 'target-80', hidden: [256, 128], epochs: 4, batch: 128, seed: 3 });
    const runs = [];
    for (const threads of [1, 2, 3, 4]) {
      const engine = await nodeEngineFor(threads);
      expect(engine.wasm.threaded_build()).toBe(threads > 1);
      expect(engine.wasm.thread_count()).toBe(threads);
      const before = Array.from(engine.wasm.thread_work());
      let widths: number[] = [];
      const summary = await runTraining(config, mnist, engine, {
        keepModel: true,
        onFinish: (t: WasmTrainer) => {
          widths = t.workingWidths();
        },
      });
      const after = Array.from(engine.wasm.thread_work());
      // Each thread ran parts of regions during this run: no silent single-threaded fallback.
      if (threads > 1) for (let i = 0; i < threads; i++) expect(after[i]!, `thread ${i} of ${threads}`).toBeGreaterThan(before[i]!);
      runs.push({ threads, summary, widths });
    }
    const [one, ...others] = runs;
    const dead = 384 - one!.summary.alive.reduce((a, b) => a + b, 0);
    expect(dead).toBeGreaterThan(0.5 * 384);
    expect(one!.widths.reduce((a, b) => a + b, 0)).toBeLessThan(384);
    for (const other of others) {
      expect(other.summary.stateHash, `${other.threads} threads`).toBe(one!.summary.stateHash);
      expect(Buffer.from(other.summary.model!).equals(Buffer.from(one!.summary.model!)), `${other.threads} threads: model file`).toBe(true);
      expect(canonical(other.summary)).toEqual(canonical(one!.summary));
      expect(other.widths).toEqual(one!.widths);
    }
  });

  it('train() takes threads, and a dense run gives the same bits on 1 and 2 threads', async () => {
    const input = { hidden: [256, 128], epochs: 1, batch: 128, seed: 5 };
    const [a, b] = [await train(input, { dataset: mnist }), await train(input, { dataset: mnist, threads: 2 })];
    expect(b.stateHash).toBe(a.stateHash);
    expect(canonical(b)).toEqual(canonical(a));
  });

  it('the CLI takes --threads (same stateHash as one thread) and refuses a bad count by name', () => {
    const args = ['train', '--train-limit', '1000', '--test-limit', '200', '--hidden', '128,64', '--epochs', '1', '--json', '--quiet'];
    const hashes = ['1', '2'].map((threads) => {
      const r = cli([...args, '--threads', threads]);
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout.trim().split('\n').at(-1)!).stateHash as string;
    });
    expect(hashes[1]).toBe(hashes[0]);
    for (const bad of ['0', '65', '1.5', 'two']) {
      const r = cli([...args, '--threads', bad]);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/--threads expects/);
    }
  });

  it('refuses bad thread counts in the API and in EVOPRUNE_THREADS, naming them', async () => {
    for (const bad of [0, -1, 1.5, 65, Number.NaN]) await expect(nodeEngineFor(bad)).rejects.toThrow(/threads must be an integer from 1 to 64/);
    const saved = process.env.EVOPRUNE_THREADS;
    try {
      process.env.EVOPRUNE_THREADS = 'lots';
      expect(() => defaultThreads()).toThrow(/EVOPRUNE_THREADS must be an integer from 1 to 64, got "lots"/);
      process.env.EVOPRUNE_THREADS = '3';
      expect(defaultThreads(4)).toBe(3);
      delete process.env.EVOPRUNE_THREADS;
      expect(defaultThreads(1_000_000)).toBe(1);
    } finally {
      process.env.EVOPRUNE_THREADS = saved;
    }
    // The engine for one thread is the single-threaded build.
    expect(await nodeEngineFor(1)).toBe(nodeEngine());
  });
});

describe('a pool that lost a thread', () => {
  it('fails the next region clearly instead of hanging, and the next engine for that count works', async () => {
    const engine = await nodeEngineFor(3);
    const config = resolveTrainConfig({ hidden: [256, 128], epochs: 1, batch: 128, seed: 7 });
    const small = loadDataset('mnist', { trainLimit: 512, testLimit: 200 });
    // What a pool worker's wrapper does when its loop traps (see src/engine/node.ts).
    engine.wasm.thread_pool_abandon();
    await expect(runTraining(config, small, engine)).rejects.toThrow(/trapped/);
    const fresh = await nodeEngineFor(3);
    expect(fresh).not.toBe(engine);
    const [a, b] = [await runTraining(config, small, fresh), await runTraining(config, small, nodeEngine())];
    expect(a.stateHash).toBe(b.stateHash);
  });
});
