// Your own data from the command line: a CSV run through train --out, then eval, prune, compact
// and verify on the run folder, and predictions on raw features from model.bin.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as aq from 'arquero';
import { describe, expect, it } from 'vitest';
import { loadDataset, loadModel } from '../../src/index.js';
import { cli } from '../helpers/cli.js';
import { speciesRows, writeCsv } from '../helpers/csv.js';
import { tempDir } from '../helpers/idx.js';

const dir = tempDir();
const { header, lines } = speciesRows(240);
const file = writeCsv(dir, 'flowers.csv', header, lines);
const spec = `csv:${file}` as const;
const run = join(dir, 'run');

describe('a CSV run through the CLI', () => {
  it('train --out with a label column, a test fraction and a validation set', () => {
    const trained = cli(
      [
        'train',
        '--dataset',
        spec,
        '--label',
        'species',
        '--test-fraction',
        '0.25',
        '--validation',
        '30',
        '--hidden',
        '16,8',
        '--epochs',
        '8',
        '--batch',
        '16',
      ].concat(['--out', run, '--quiet', '--json']),
    );
    expect(trained.code, trained.stderr).toBe(0);
    const summary = JSON.parse(trained.stdout.trim().split('\n').pop()!);
    expect(summary.sizes).toEqual([4, 16, 8, 3]);
    expect(summary.classNames).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(summary.testAccuracy).toBeGreaterThan(0.9);
    expect(summary.validationAccuracy).toBeGreaterThan(0.9);
    const config = JSON.parse(readFileSync(join(run, 'config.json'), 'utf8'));
    expect(config).toMatchObject({ dataset: spec, label: 'species', testFraction: 0.25, validation: 30 });
    expect(JSON.parse(readFileSync(join(run, 'summary.json'), 'utf8')).classNames).toEqual(summary.classNames);
    const metrics = aq.fromCSV(readFileSync(join(run, 'metrics.csv'), 'utf8')).objects() as Record<string, number>[];
    expect(metrics).toHaveLength(8);
    expect(Object.keys(metrics[0]!)).toEqual([
      'epoch',
      'trainLoss',
      'trainAccuracy',
      'validationLoss',
      'validationAccuracy',
      'testLoss',
      'testAccuracy',
      'samplesPerSecond',
      'seconds',
      'livingWork',
      'alive',
    ]);
    expect(metrics[7]!.validationAccuracy).toBe(summary.validationAccuracy);
    const provenance = JSON.parse(readFileSync(join(run, 'provenance.json'), 'utf8'));
    expect(provenance.dataset.files.map((f: { file: string }) => f.file)).toEqual([file]);
  });

  it("eval, prune, compact and verify on the run folder use the run's own CSV, label and split", () => {
    const summary = JSON.parse(readFileSync(join(run, 'summary.json'), 'utf8'));
    const evaluated = cli(['eval', run, '--json']);
    expect(evaluated.code, evaluated.stderr).toBe(0);
    const result = JSON.parse(evaluated.stdout);
    expect([result.accuracy, result.rows]).toEqual([summary.testAccuracy, 60]);
    expect(result.classNames).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(cli(['prune', run, '--fraction', '20%', '--json']).code).toBe(0);
    const compacted = cli(['compact', run, '--out', join(dir, 'compact.bin'), '--json']);
    expect(compacted.code, compacted.stderr).toBe(0);
    expect(JSON.parse(compacted.stdout).maxLogitDifference).toBeLessThanOrEqual(1e-4);
    // The compact model keeps the standardization (format 2) and still predicts raw features right.
    expect(readFileSync(join(dir, 'compact.bin'))[15]).toBe(2);
    expect(JSON.parse(compacted.stdout).accuracy).toBe(summary.testAccuracy);
    const verified = cli(['verify', run, '--json']);
    expect(verified.code, verified.stdout + verified.stderr).toBe(0);
    // The model file on its own, given the CSV by flags.
    const direct = cli(['eval', join(run, 'model.bin'), '--dataset', spec, '--label', 'species', '--test-fraction', '0.25', '--json']);
    expect(direct.code, direct.stderr).toBe(0);
    expect(JSON.parse(direct.stdout).accuracy).toBe(summary.testAccuracy);
    // A run whose recorded classes differ from what the CSV now gives is refused, not mis-mapped.
    const moved = join(dir, 'run-renamed');
    cpSync(run, moved, { recursive: true });
    writeFileSync(join(moved, 'summary.json'), JSON.stringify({ ...summary, classNames: ['iris', 'rose', 'tulip'] }));
    const mismatch = cli(['eval', moved]);
    expect(mismatch.code).toBe(1);
    expect(mismatch.stderr).toContain('has the classes setosa, versicolor, virginica but the run was trained on iris, rose, tulip (summary.json)');
  });

  it('model.bin predicts raw CSV features, mapping back to the label names', async () => {
    const summary = JSON.parse(readFileSync(join(run, 'summary.json'), 'utf8'));
    const data = loadDataset(spec, { label: 'species', testFraction: 0.25 });
    const model = await loadModel(join(run, 'model.bin'));
    try {
      expect(model.standardization!.shift).toHaveLength(4);
      const predicted = Array.from(model.predict(data.test.features).classes, (k) => summary.classNames[k]);
      const truth = Array.from(data.test.labels, (k) => data.classNames![k]);
      const correct = predicted.filter((p, i) => p === truth[i]).length;
      expect(correct / data.test.rows).toBe(summary.testAccuracy);
    } finally {
      model.free();
    }
  });

  it('a bad cell, a missing label column and a single file without a test split are named', () => {
    const bad = lines.map((l) => [...l]);
    bad[17]![1] = 'n/a';
    const badFile = writeCsv(dir, 'bad.csv', header, bad);
    const failed = cli(['train', '--dataset', `csv:${badFile}`, '--label', 'species', '--test-fraction', '0.25', '--epochs', '1', '--quiet']);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain(`${badFile}: row 18 after the header, column "sepal_width": "n/a" is not a number`);
    const noLabel = cli(['train', '--dataset', spec, '--test-fraction', '0.25', '--epochs', '1', '--quiet']);
    expect(noLabel.code).toBe(2);
    expect(noLabel.stderr).toContain(`label: column "label" is not in ${file} (columns: sepal_length, sepal_width, species, petal_length, petal_width)`);
    const noTest = cli(['train', '--dataset', spec, '--label', 'species', '--epochs', '1', '--quiet']);
    expect(noTest.code).toBe(2);
    expect(noTest.stderr).toContain('one CSV file needs a test split');
    const help = cli(['train', '--help']);
    expect(help.stdout).toContain('csv:<train.csv>[,<test.csv>]');
    expect(help.stdout).toContain('--validation <n>');
  });
});
