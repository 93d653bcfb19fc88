import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { tempDir, writeIdxDataset } from '../helpers/idx.js';

describe('evoprune verify', () => {
  const data = tempDir();
  writeIdxDataset(data, 80, 4, 3);
  const run = join(tempDir(), 'run');

  it('a run reproduces from its config.json: same stateHash, model and results (exit 0)', () => {
    expect(cli(['train', '--dataset', `idx:${data}`, '--hidden', '12', '--epochs', '2', '--batch', '10', '--out', run, '--quiet']).code).toBe(0);
    const provenance = JSON.parse(readFileSync(join(run, 'provenance.json'), 'utf8'));
    expect(provenance.kernels.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(provenance.dataset.files).toHaveLength(4);
    expect(provenance.runtime.node).toBe(process.versions.node);
    const r = cli(['verify', run, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result).toMatchObject({ identical: true, modelIdentical: true, differences: [], provenance: [] });
  });

  it('when the data changed it says the run does not reproduce, what differs, and which provenance field changed (exit 1)', () => {
    const images = join(data, 'train-images-idx3-ubyte');
    const bytes = readFileSync(images);
    bytes[bytes.length - 1] = (bytes[bytes.length - 1]! + 77) % 256;
    writeFileSync(images, bytes);
    const r = cli(['verify', run]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('does NOT reproduce');
    expect(r.stdout).toMatch(/summary\.stateHash: "[0-9a-f]{64}" → "[0-9a-f]{64}"/);
    expect(r.stdout).toContain('dataset train-images-idx3-ubyte:');
  });
});
