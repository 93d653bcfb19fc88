// Every example runs: each sweep in examples/ as written (validated, planned, every run trained, on a
// small slice of MNIST so that the suite stays quick), and each Node script as a user runs it.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
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

/** Runs an example as a user would (`node examples/…`); it imports the built package by name. */
function runExample(file: string, args: string[] = []): string {
  if (!existsSync(join(root, 'dist', 'index.js'))) throw new Error('dist/ is missing: the examples import the built package (npm run build)');
  const r = spawnSync(process.execPath, [join(root, 'examples', file), ...args], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`examples/${file} exited with ${r.status}:\n${r.stderr}`);
  return r.stdout;
}

/** The number printed after `label` at the start of a line (e.g. "test accuracy 96.76 %" → 96.76). */
function printed(output: string, label: string): number {
  const match = new RegExp(`^${label} ([0-9.]+) %`, 'm').exec(output);
  if (!match) throw new Error(`expected "${label} N %" in:\n${output}`);
  return Number(match[1]);
}

describe('examples/node: train, then load and predict', () => {
  it('trains the evolving run, and the saved model predicts the test set as training measured it', () => {
    const dir = join(tempDir(), 'run');
    const trained = runExample('node/train.mjs', [dir]);
    expect(trained).toMatch(/^epoch 1: test accuracy/m);
    expect(printed(trained, 'test accuracy')).toBeGreaterThan(95);
    expect(printed(trained, 'sparsity')).toBeGreaterThan(75);
    expect(existsSync(join(dir, 'model.bin'))).toBe(true);
    const predicted = runExample('node/load-and-predict.mjs', [dir]);
    expect(predicted).toMatch(/layers 784-256-128-10, compact 784-\d+-\d+-10, 235146 → \d+ parameters/);
    expect(predicted).toMatch(/first test image: predicted 7 \(probability [0-9.]+ %\), label 7/);
    // The compact model's accuracy on all 10,000 test images is the run's own test accuracy.
    expect(printed(predicted, 'predicted 10000 test images: accuracy')).toBe(printed(trained, 'test accuracy'));
  }, 240_000);
});

describe('examples/csv: your own tabular data', () => {
  it('trains on the CSV files and classifies a new reading by its class name', () => {
    const output = runExample('csv/train-csv.mjs');
    expect(output).toContain('classes normal, overheating, worn-bearing');
    expect(printed(output, 'test accuracy')).toBeGreaterThan(90);
    expect(output).toMatch(/reading 83, 2.4, 14, 1445, 1: overheating \(probability [0-9.]+ %\)/);
  }, 120_000);
});
