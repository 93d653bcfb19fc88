// Every bad input gets the exit code the README promises and a message that names what is wrong.
import { PassThrough } from 'node:stream';
import { join } from 'node:path';
import { existsSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { trainingReporter } from '../../src/cli/progress.js';
import { cli, cliAsync, smallTrainArgs } from '../helpers/cli.js';
import { tempDir, writeIdxDataset } from '../helpers/idx.js';

const data = tempDir();
writeIdxDataset(data, 60, 4, 3);
const run = join(tempDir(), 'run');

describe('exit codes and messages', () => {
  it('an unknown dataset is a usage error (2), in train and in eval', () => {
    const r = cli(['train', '--dataset', 'cifar']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('dataset: "cifar" is not one of mnist, fashion-mnist, fashion-mnist:<folder>, idx:<folder>');
    expect(cli(['train', '--dataset', `idx:${data}`, '--hidden', '4', '--epochs', '1', '--out', run, '--quiet']).code).toBe(0);
    expect(cli(['eval', run, '--dataset', 'cifar']).code).toBe(2);
  });

  it('a test limit that is not a positive integer is a usage error', () => {
    for (const limit of ['-5', '0', '2.5']) {
      const r = cli(['eval', run, '--test-limit', limit]);
      expect(r.code, limit).toBe(2);
      expect(r.stderr).toContain('--test-limit expects');
    }
  });

  it('presets are looked up by own name only', () => {
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      const r = cli(['config', '--preset', name]);
      expect(r.code, name).toBe(2);
      expect(r.stderr).toContain(`preset: "${name}" is not one of paper-none,`);
    }
  });

  it('configuration sizes that wasm32 cannot hold are usage errors naming the field and the memory', () => {
    const hidden = cli(['train', '--hidden', '65536,65536', '--train-limit', '100', '--test-limit', '10']);
    expect(hidden.code).toBe(2);
    expect(hidden.stderr).toMatch(
      /hidden: layer sizes \[784, 65536, 65536, 10\] with batch 128 need [\d.]+ GiB of wasm memory; a trainer may use at most 2 GiB/,
    );
    const wide = cli(['train', '--hidden', '100000,100000', '--train-limit', '100', '--test-limit', '10']);
    expect(wide.code).toBe(2);
    expect(wide.stderr).toContain('hidden: layer sizes [784, 100000, 100000, 10]');
    const batch = cli(['train', '--batch', '100000000', '--train-limit', '100', '--test-limit', '10']);
    expect(batch.code).toBe(2);
    expect(batch.stderr).toMatch(/batch: layer sizes \[784, 512, 256, 10\] with batch 100000000 need [\d.]+ GiB/);
    expect(`${hidden.stderr}${wide.stderr}${batch.stderr}`).not.toContain('unreachable');
  });

  it('a malformed sweep file names the file and the field instead of throwing a TypeError', () => {
    const dir = tempDir();
    const cases: [unknown, string][] = [
      [{ grid: null }, 'grid: null is not an object'],
      [{ base: 5 }, 'base: 5 is not an object'],
      [{ list: [{ eta: 'x' }] }, 'list[0], seed 0:\n  eta: "x" is not a number'],
      [[1], 'a run configuration is a JSON object, got an array'],
    ];
    for (const [content, message] of cases) {
      const file = join(dir, 'sweep.json');
      writeFileSync(file, JSON.stringify(content));
      const r = cli(['sweep', file, '--out', join(dir, 'out')]);
      expect(r.code, JSON.stringify(content)).toBe(2);
      expect(r.stderr).toContain(message);
      expect(r.stderr).not.toContain('TypeError');
    }
  });

  it('a diverging run fails (exit 1) naming the step and a likely cause, and never counts as finished', () => {
    const dir = join(tempDir(), 'run');
    const r = cli(['train', '--dataset', `idx:${data}`, '--hidden', '8', '--epochs', '3', '--batch', '10', '--lr', '1e30', '--out', dir, '--quiet']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/training diverged: the loss became NaN at step \d+ \(a learning rate or selection strength too high/);
    expect(existsSync(join(dir, 'summary.json'))).toBe(false);
  });

  it('a collapsed run fails (exit 1) with the reason; bounded selection (numerics 2) does not collapse on the same settings', () => {
    const more = tempDir();
    writeIdxDataset(more, 200, 4, 3);
    const args = (numerics: string) => [
      ...smallTrainArgs(`idx:${more}`),
      '--dynamic',
      'exponential',
      '--eta',
      '0.3',
      '--no-anneal',
      '--numerics',
      numerics,
      '--quiet',
    ];
    const r = cli(args('1'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/the run collapsed in epoch \d: hidden layer \d has \d living populations of \d+ \(fewer than 5\)/);
    const bounded = cli(args('2'));
    expect(bounded.code, bounded.stderr).toBe(0);
  });

  it('Ctrl-C during training exits 130 with its message', async () => {
    const { child, done } = cliAsync(['train', '--dataset', `idx:${data}`, '--hidden', '4', '--batch', '10', '--epochs', '100000'], {
      onStderr: (text, c) => {
        if (/epoch 1: train loss/.test(text) && !c.killed) c.kill('SIGINT');
      },
    });
    const { code, stderr } = await done;
    expect(child.killed).toBe(true);
    expect(code).toBe(130);
    expect(stderr).toContain('stopping at the next safe point');
    expect(stderr).toContain('evoprune: stopped by Ctrl-C');
  }, 60_000);

  it('the progress bar stops for good before the Ctrl-C message, so it cannot draw over it', () => {
    const stream = Object.assign(new PassThrough(), { isTTY: true, columns: 100 }) as unknown as NodeJS.WriteStream;
    let written = '';
    (stream as unknown as PassThrough).on('data', (d: Buffer) => (written += d.toString()));
    const reporter = trainingReporter(false, stream);
    const progress = { epoch: 1, epochs: 2, batch: 1, batches: 10, loss: 1, samplesPerSecond: 100 };
    reporter.onProgress(progress);
    expect(written).toContain('epoch 1/2');
    reporter.stop();
    const before = written.length;
    reporter.onProgress({ ...progress, batch: 2 });
    reporter.onProgress({ ...progress, batch: 3 });
    expect(written.length).toBe(before);
  });
});
