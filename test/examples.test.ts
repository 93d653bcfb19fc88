// Every example file runs: each sweep in examples/ as written (validated, planned, every run
// trained), on a small slice of MNIST so that the suite stays quick.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planSweep, readSweepSpec, runSweep } from '../src/index.js';
import { root } from './helpers/cli.js';
import { tempDir } from './helpers/idx.js';

const examples = readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.json'));

describe.each(examples)('examples/%s', (file) => {
  it('plans and trains every run (1 epoch on 600 images)', async () => {
    const spec = readSweepSpec(join(root, 'examples', file));
    const small = { ...spec, base: { ...spec.base, epochs: 1, trainLimit: 600, testLimit: 200, hidden: [32, 16] } };
    const plan = planSweep(small);
    expect(plan.runs.length).toBeGreaterThan(0);
    const result = await runSweep(small, { out: tempDir(), parallel: 2 }, plan);
    expect(result.failures).toEqual([]);
    expect(result.outcomes).toHaveLength(plan.runs.length);
  }, 180_000);
});
