// Numerics version 1 stays reachable: runs through the public train() with numerics 1 (the
// paper presets and emergent-70 pin it) end with the stateHash evoprune 0.1.0 gave them.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadDataset, resolveTrainConfig, train, type TrainConfigInput } from '../../src/index.js';

const golden = JSON.parse(readFileSync(new URL('./numerics1.json', import.meta.url), 'utf8')) as {
  trainLimit: number;
  testLimit: number;
  runs: { config: TrainConfigInput; stateHash: string; testAccuracy: number; alive: number[] }[];
};
const dataset = loadDataset('mnist', { trainLimit: golden.trainLimit, testLimit: golden.testLimit });

describe('numerics 1 reproduces evoprune 0.1.0 bit for bit', () => {
  it.each(golden.runs.map((r) => [JSON.stringify(r.config), r] as const))('%s', async (_, run) => {
    expect(resolveTrainConfig(run.config).numerics).toBe(1);
    const summary = await train(run.config, { dataset });
    expect(summary.stateHash).toBe(run.stateHash);
    expect([summary.testAccuracy, summary.alive]).toEqual([run.testAccuracy, run.alive]);
  });

  it('new runs default to numerics 2, which moves the bits of an evolving run but not of a dense one', async () => {
    const evolving = { preset: 'emergent-70', hidden: [64, 32], epochs: 3, eta: 0.15 };
    expect(resolveTrainConfig({ dynamic: 'exponential' }).numerics).toBe(2);
    const v2 = await train({ ...evolving, numerics: 2 }, { dataset });
    expect(v2.stateHash).not.toBe(golden.runs[0]!.stateHash);
    const dense = { hidden: [32], epochs: 1 };
    const [d1, d2] = [await train({ ...dense, numerics: 1 }, { dataset }), await train({ ...dense, numerics: 2 }, { dataset })];
    expect(d2.stateHash).toBe(d1.stateHash);
  });
});
