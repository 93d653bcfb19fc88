import { existsSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MARKER, RunFolder, RunFolderError, runDirForName } from '../../src/run/folder.js';
import { cli, cliAsync } from '../helpers/cli.js';
import { tempDir, writeIdxDataset } from '../helpers/idx.js';

const data = tempDir();
writeIdxDataset(data, 60, 4, 3);
const small = ['--dataset', `idx:${data}`, '--hidden', '6', '--batch', '10', '--quiet'];

describe('--name stays inside runs/', () => {
  it('refuses "..", absolute paths and empty names', () => {
    for (const name of ['..', '../../somewhere', 'a/../../b', '/tmp/x', '', '.', 'C:\\x']) {
      expect(() => runDirForName(name), name).toThrow(RunFolderError);
    }
    expect(runDirForName('emergent')).toBe(join('runs', 'emergent'));
    expect(runDirForName('study/seed-3')).toBe(join('runs', 'study', 'seed-3'));
  });

  it('train --name .. --force is a usage error that touches nothing', () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'precious.txt'), 'keep me');
    const r = cli(['train', ...small, '--epochs', '1', '--name', '..', '--force'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--name ".." must be a plain name inside runs/');
    expect(readFileSync(join(cwd, 'precious.txt'), 'utf8')).toBe('keep me');
  });
});

describe('--force', () => {
  it('replaces only a folder evoprune wrote, moving the old run aside once the new one writes', () => {
    const parent = tempDir();
    const run = join(parent, 'run');
    expect(cli(['train', ...small, '--epochs', '1', '--out', run]).code).toBe(0);
    const first = JSON.parse(readFileSync(join(run, MARKER), 'utf8')).runId;
    const again = cli(['train', ...small, '--epochs', '2', '--out', run, '--force']);
    expect(again.code, again.stderr).toBe(0);
    const aside = readdirSync(parent).filter((n) => n.startsWith('run.replaced-'));
    expect(aside).toHaveLength(1);
    expect(JSON.parse(readFileSync(join(parent, aside[0]!, MARKER), 'utf8')).runId).toBe(first);
    expect(JSON.parse(readFileSync(join(run, 'summary.json'), 'utf8')).epochs).toBe(2);
    expect(JSON.parse(readFileSync(join(run, MARKER), 'utf8')).runId).not.toBe(first);
  });

  it('refuses a folder without the marker, or with a file evoprune did not write, and leaves it untouched', () => {
    const foreign = tempDir();
    writeFileSync(join(foreign, 'notes.txt'), 'mine');
    const r = cli(['train', ...small, '--epochs', '1', '--out', foreign, '--force']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('has no evoprune run marker');
    expect(readdirSync(foreign)).toEqual(['notes.txt']);

    const run = join(tempDir(), 'run');
    expect(cli(['train', ...small, '--epochs', '1', '--out', run]).code).toBe(0);
    writeFileSync(join(run, 'my-analysis.ipynb'), '{}');
    const before = readdirSync(run).sort();
    const refused = cli(['train', ...small, '--epochs', '1', '--out', run, '--force']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('my-analysis.ipynb was not written by evoprune');
    expect(readdirSync(run).sort()).toEqual(before);
  });

  it('a bad configuration with --force leaves the old run where it was', () => {
    const run = join(tempDir(), 'run');
    expect(cli(['train', ...small, '--epochs', '1', '--out', run]).code).toBe(0);
    const failed = cli(['train', '--dataset', 'idx:/no/such/folder', '--out', run, '--force']);
    expect(failed.code).toBe(1);
    expect(existsSync(join(run, 'summary.json'))).toBe(true);
    expect(readdirSync(join(run, '..')).filter((n) => n.includes('replaced'))).toEqual([]);
  });
});

describe('locks', () => {
  it('a second train --out into a folder in use is refused (exit 2); the first keeps it until it stops', async () => {
    const run = join(tempDir(), 'run');
    const first = cliAsync(['train', ...small, '--epochs', '100000', '--out', run, '--quiet'], {
      onStderr: () => {},
    });
    // The lock exists as soon as the first process has opened its folder.
    for (let i = 0; i < 200 && !existsSync(`${run}.lock`); i++) await new Promise((r) => setTimeout(r, 50));
    expect(existsSync(`${run}.lock`)).toBe(true);
    const second = cli(['train', ...small, '--epochs', '1', '--out', run]);
    expect(second.code).toBe(2);
    expect(second.stderr).toContain('is in use by another evoprune process');
    first.child.kill('SIGINT');
    const { code } = await first.done;
    expect(code).toBe(130);
    expect(existsSync(`${run}.lock`)).toBe(false);
  }, 60_000);

  it('a lock whose process died (no heartbeat) is taken over once stale', async () => {
    const dir = join(tempDir(), 'run');
    mkdirSync(`${dir}.lock`);
    const old = new Date(Date.now() - 2 * RunFolder.STALE_MS);
    utimesSync(`${dir}.lock`, old, old);
    const folder = await RunFolder.open(dir, { kind: 'run', force: false });
    folder.write('a.txt', 'x');
    await folder.close();
    expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('x');
    // A fresh lock is respected.
    mkdirSync(`${dir}.lock`);
    await expect(RunFolder.open(dir, { kind: 'run', force: true })).rejects.toThrow('is in use by another evoprune process');
  });

  it('two sweeps into one folder: the second is refused while the first runs', async () => {
    const spec = join(tempDir(), 'sweep.json');
    writeFileSync(spec, JSON.stringify({ name: 'locked', base: { dataset: `idx:${data}`, hidden: [4], epochs: 100000, batch: 10 }, seeds: [0] }));
    const out = tempDir();
    const first = cliAsync(['sweep', spec, '--out', out, '--parallel', '1']);
    for (let i = 0; i < 200 && !existsSync(`${out}.lock`); i++) await new Promise((r) => setTimeout(r, 50));
    const second = cli(['sweep', spec, '--out', out]);
    expect(second.code).toBe(2);
    expect(second.stderr).toContain('is in use by another evoprune process');
    first.child.kill('SIGINT');
    expect((await first.done).code).toBe(130);
  }, 60_000);
});
