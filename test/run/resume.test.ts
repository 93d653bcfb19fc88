// Crash and resume: a run killed with SIGKILL at a chosen point (mid-epoch, at an epoch's end,
// between two renames, during the final writes) and then resumed ends with the same stateHash,
// the same model file and the same canonical run view as a run that was never stopped.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as aq from 'arquero';
import { describe, expect, it } from 'vitest';
import { canonical, TIMING_FIELDS } from '../../src/index.js';
import { cli, cliAsync } from '../helpers/cli.js';
import { tempDir, writeIdxDataset } from '../helpers/idx.js';
import { spawnSync } from 'node:child_process';
import { root } from '../helpers/cli.js';
import { pathToFileURL } from 'node:url';

const data = tempDir();
writeIdxDataset(data, 200, 4, 3);
// 20 steps per epoch, 4 epochs; extinctions happen (target sparsity 0.5); a checkpoint every 7 steps.
const settings = ['--dataset', `idx:${data}`, '--hidden', '24,16', '--epochs', '4', '--batch', '10', '--lr', '0.1', '--target-sparsity', '0.5'];
const train = (dir: string, extra: string[] = []) => ['train', ...settings, '--out', dir, '--checkpoint-every', '7', '--quiet', ...extra];

/** What two runs of one configuration must agree on: everything but timing. */
function view(dir: string) {
  const metrics = aq.fromCSV(readFileSync(join(dir, 'metrics.csv'), 'utf8')).objects();
  return canonical({
    summary: JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')),
    metrics,
    telemetry: JSON.parse(readFileSync(join(dir, 'telemetry.json'), 'utf8')),
    config: JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')),
  });
}

/** Runs the CLI with a crash point; it must die by SIGKILL. */
function crash(args: string[], point: string): void {
  const tsx = pathToFileURL(`${root}/node_modules/tsx/dist/loader.mjs`).href;
  const r = spawnSync(process.execPath, ['--import', tsx, `${root}/src/cli/main.ts`, ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, EVOPRUNE_TEST_FAULT: point },
  });
  expect(r.signal, `${point}: ${r.stderr}`).toBe('SIGKILL');
}

describe('crash and resume', () => {
  const straight = join(tempDir(), 'straight');

  it('an uninterrupted run, for reference', () => {
    const r = cli(train(straight));
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(straight, 'summary.json'), 'utf8')).sparsity).toBeGreaterThan(0);
    expect(existsSync(join(straight, 'checkpoint.bin'))).toBe(true);
  });

  it.each([
    ['step:27', 'in the middle of an epoch, between two checkpoints'],
    ['step:40', 'at the end of an epoch'],
    ['after-write:checkpoint.bin', 'right after the first checkpoint was renamed into place'],
    ['after-write:model.bin', 'during the final writes (model.bin written, summary.json not)'],
    ['before-write:summary.json', 'just before the run would count as finished'],
  ])('killed at %s (%s), resumed: the same bits and the same run', (point) => {
    const dir = join(tempDir(), 'run');
    crash(train(dir), point);
    expect(existsSync(join(dir, 'summary.json'))).toBe(false);
    const resumed = cli(['train', '--resume', dir, '--quiet']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(readFileSync(join(dir, 'model.bin'))).toEqual(readFileSync(join(straight, 'model.bin')));
    expect(view(dir)).toEqual(view(straight));
  });

  it('killed before anything was written: resume says to start again, and the same train --out does', () => {
    const dir = join(tempDir(), 'run');
    crash(train(dir), 'before-write:config.json');
    const resumed = cli(['train', '--resume', dir]);
    expect(resumed.code).toBe(2);
    expect(resumed.stderr).toContain('the run stopped before it wrote anything; start it again with the same train --out command');
    const again = cli(train(dir));
    expect(again.code, again.stderr).toBe(0);
    expect(view(dir)).toEqual(view(straight));
  });

  it('Ctrl-C keeps a checkpoint (exit 130); the resumed run equals the uninterrupted one', async () => {
    const dir = join(tempDir(), 'run');
    const { done } = cliAsync(
      train(dir, ['--epochs', '4']).filter((a) => a !== '--quiet'),
      {
        onStderr: (text, child) => {
          if (/epoch 1: train loss/.test(text) && !child.killed) child.kill('SIGINT');
        },
      },
    );
    expect((await done).code).toBe(130);
    expect(existsSync(join(dir, 'checkpoint.bin'))).toBe(true);
    const resumed = cli(['train', '--resume', dir, '--quiet']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(view(dir)).toEqual(view(straight));
  }, 60_000);

  it('resuming a finished run says so and changes nothing', () => {
    const before = statSync(join(straight, 'summary.json')).mtimeMs;
    const r = cli(['train', '--resume', straight]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('holds a finished run: nothing to resume, nothing changed');
    expect(statSync(join(straight, 'summary.json')).mtimeMs).toBe(before);
  });

  it('killed after summary.json, before its report: resume writes the report and trains nothing', () => {
    const dir = join(tempDir(), 'run');
    crash(train(dir), 'after-write:summary.json');
    expect(existsSync(join(dir, 'report.md'))).toBe(false);
    const summaryTime = statSync(join(dir, 'summary.json')).mtimeMs;
    const resumed = cli(['train', '--resume', dir]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain('holds a finished run: nothing to resume; wrote its missing report.md');
    expect(existsSync(join(dir, 'report.md'))).toBe(true);
    expect(statSync(join(dir, 'summary.json')).mtimeMs).toBe(summaryTime);
    expect(view(dir)).toEqual(view(straight));
  });

  it('--resume --json on a finished run prints the run as train --json did', () => {
    const r = cli(['train', '--resume', straight, '--json', '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    const printed = JSON.parse(r.stdout.trim().split('\n').pop()!);
    const summary = JSON.parse(readFileSync(join(straight, 'summary.json'), 'utf8'));
    expect(printed.stateHash).toBe(summary.stateHash);
    expect(printed.history).toHaveLength(4);
    expect(printed.history[3].alive).toEqual(summary.alive);
    expect(printed.telemetry).toEqual(JSON.parse(readFileSync(join(straight, 'telemetry.json'), 'utf8')));
    expect(printed.config).toEqual(JSON.parse(readFileSync(join(straight, 'config.json'), 'utf8')));
  });

  it('a resume whose flags would change the configuration is refused, naming the fields', () => {
    const dir = join(tempDir(), 'run');
    crash(train(dir), 'step:27');
    const r = cli(['train', '--resume', dir, '--lr', '0.2', '--target-sparsity', '0.3']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('resuming would change');
    expect(r.stderr).toContain('targetSparsity: 0.5 → 0.3');
    expect(r.stderr).toContain('lr: 0.1 → 0.2');
    // Restating the run's own settings is fine.
    expect(cli(['train', '--resume', dir, '--lr', '0.1', '--quiet']).code).toBe(0);
  });

  it('the timing fields are the only ones left out of the run view', () => {
    expect([...TIMING_FIELDS]).toEqual(['samplesPerSecond', 'seconds', 'speedup', 'runId', 'created']);
  });
});
