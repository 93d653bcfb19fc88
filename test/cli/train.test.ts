import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, root } from '../helpers/cli.js';
import { tempDir, writeIdxDataset } from '../helpers/idx.js';

describe('evoprune reproduce', () => {
  it('trains the chosen dynamics and writes the table as CSV, JSON, Markdown and Arrow', () => {
    const out = tempDir();
    const r = cli([
      'reproduce',
      '--dynamics',
      'none,replicator',
      '--epochs',
      '1',
      '--train-limit',
      '600',
      '--test-limit',
      '200',
      '--out',
      out,
      '--json',
      '--quiet',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const rows = JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, unknown>[];
    // none: mass + 3 baselines; replicator: mass; emergent-70: mass.
    expect(rows.map((row) => `${row.preset}/${row.score}`)).toEqual([
      'paper-none/mass',
      'paper-none/random (baseline)',
      'paper-none/participation (baseline)',
      'paper-none/magnitude (baseline, per layer)',
      'paper-replicator/mass',
      'emergent-70/mass',
    ]);
    for (const row of rows) {
      for (const key of ['dense', 'pruned35', 'emergentSparsity', 'compactSpeedup']) {
        expect(Number.isFinite(row[key]), `${key} of ${row.preset}`).toBe(true);
      }
      expect(row.paperPruned35).toBe(95.5);
    }
    const files = readdirSync(out).sort();
    expect(files).toEqual(['reproduce.arrow', 'reproduce.csv', 'reproduce.json', 'reproduce.md']);
    expect(readFileSync(join(out, 'reproduce.md'), 'utf8')).toContain('| preset | dynamic | score | dense | pruned 35 % |');
  });

  it('names a bad dynamic', () => {
    const r = cli(['reproduce', '--dynamics', 'none,replicatr']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--dynamics: "replicatr" is not one of none, replicator, exponential, mutator, logistic');
  });
});

describe('the installed command', () => {
  it.skipIf(!existsSync(join(root, 'dist/cli/main.js')))('npx evoprune runs the built CLI (npm ci builds dist/)', () => {
    const r = spawnSync('npx', ['evoprune', '--version'], { cwd: root, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

describe('evoprune train', () => {
  it('trains on an IDX folder and prints one JSON object as the last line', () => {
    const dir = tempDir();
    writeIdxDataset(dir, 60);
    const r = cli(['train', '--dataset', `idx:${dir}`, '--hidden', '8', '--epochs', '2', '--batch', '16', '--lr', '0.1', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const last = r.stdout.trim().split('\n').pop()!;
    const summary = JSON.parse(last);
    expect(summary.epochs).toBe(2);
    expect(summary.stateHash).toMatch(/^[0-9a-f]{64}$/);
    expect(summary.alive).toEqual([8]);
    expect(summary.sparsity).toBe(0);
    for (const key of ['testAccuracy', 'samplesPerSecond', 'sizes', 'history']) expect(summary).toHaveProperty(key);
    expect(r.stderr).toMatch(/epoch 2: train loss/);
  });

  it('exits 2 with the field, value and allowed values on bad input', () => {
    const r = cli(['train', '--optimizer', 'sgdd', '--hidden', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('optimizer: "sgdd" is not one of sgd, adam');
    expect(r.stderr).toContain('hidden.0: 0 is too small');
    const bad = cli(['train', '--lr', 'fast']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--lr expects a number, got "fast"');
  });

  it('exits 1 naming the problem when the data cannot be read', () => {
    const r = cli(['train', '--dataset', 'idx:/no/such/folder']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('folder /no/such/folder does not exist');
  });
});
