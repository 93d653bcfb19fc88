import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configKey, planSweep, readSweepSpec } from '../../src/sweep/plan.js';
import { runSweep } from '../../src/sweep/sweep.js';
import { canonical, readRunSummary, resolveTrainConfig } from '../../src/index.js';
import { writeReport } from '../../src/analysis/report.js';
import { tempDir, writeIdxDataset } from '../helpers/idx.js';

const data = tempDir();
writeIdxDataset(data, 60, 4, 3);

function specFile(extra: Record<string, unknown> = {}) {
  const file = join(tempDir(), 'grid.json');
  writeFileSync(
    file,
    JSON.stringify({
      name: 'tiny',
      base: { dataset: `idx:${data}`, hidden: [8], epochs: 2, batch: 10, lr: 0.1 },
      grid: { dynamic: ['none', 'replicator'] },
      seeds: [0, 1],
      prune: [0.25],
      ...extra,
    }),
  );
  return file;
}

describe('sweeps', () => {
  it('plans the cartesian product × seeds, keyed by the hash of the resolved config', () => {
    const { runs } = planSweep(readSweepSpec(specFile()));
    expect(runs.map((r) => r.overrides)).toEqual([
      { dynamic: 'none', seed: 0 },
      { dynamic: 'none', seed: 1 },
      { dynamic: 'replicator', seed: 0 },
      { dynamic: 'replicator', seed: 1 },
    ]);
    expect(new Set(runs.map((r) => r.key)).size).toBe(4);
    // The key depends on the resolved values, not on how they were written.
    expect(configKey(resolveTrainConfig({ hidden: [8], seed: 1 }))).toBe(configKey(resolveTrainConfig({ seed: 1, hidden: [8], epochs: 20 })));
    expect(() => planSweep(readSweepSpec(specFile({ grid: { dynamic: ['replicatr'] } })))).toThrow('dynamic: "replicatr" is not one of');
    expect(() => readSweepSpec(specFile({ seeds: [-1] }))).toThrow('grid.json: seeds.0: -1 is too small (must be ≥ 0)');
  });

  it('resumes: finished runs are skipped, missing or failed ones re-done; one failure does not stop the rest', async () => {
    const spec = readSweepSpec(specFile());
    const out = tempDir();
    const first = await runSweep(spec, { out, parallel: 2 });
    expect(first.outcomes).toHaveLength(4);
    expect(first.failures).toEqual([]);
    expect(first.table.numRows()).toBe(4);

    // "Kill after k runs": drop two finished runs, as if the sweep had stopped after two.
    const [a, b] = first.runs;
    const firstSummaries = [a!, b!].map((r) => canonical(readRunSummary(join(out, r.key))));
    rmSync(join(out, a!.key), { recursive: true });
    rmSync(join(out, b!.key, 'summary.json'));
    const statuses: number[] = [];
    const second = await runSweep(spec, { out, parallel: 1, onStatus: (s) => statuses.push(s.skipped) });
    expect(statuses[0]).toBe(2); // two already finished
    expect(second.outcomes.map((o) => o.stateHash)).toEqual(first.outcomes.map((o) => o.stateHash));
    // The re-done runs equal the first ones in everything but timing.
    expect(canonical(readRunSummary(join(out, a!.key)))).toEqual(firstSummaries[0]);
    expect(canonical(readRunSummary(join(out, b!.key)))).toEqual(firstSummaries[1]);

    // A failing run (its dataset folder vanished) is recorded; the others still finish.
    const broken = readSweepSpec(specFile({ list: [{ dataset: 'idx:/nonexistent' }], grid: undefined, seeds: [0] }));
    const third = await runSweep({ ...broken, grid: { dynamic: ['none'] } }, { out: tempDir(), parallel: 1 });
    expect(third.failures).toHaveLength(1);
    expect(third.failures[0]!.message).toContain('folder /nonexistent does not exist');
    expect(third.outcomes).toHaveLength(1);

    const report = await writeReport(out);
    expect(existsSync(report)).toBe(true);
    expect(readdirSync(out)).toEqual(expect.arrayContaining(['accuracy-sparsity.svg', 'survival.svg', 'report.md']));
  });

  it('--fresh trains finished runs again from the start (the same bits), not from their final checkpoint', async () => {
    const spec = readSweepSpec(specFile({ grid: { dynamic: ['replicator'] }, seeds: [0] }));
    const out = tempDir();
    const first = await runSweep(spec, { out, parallel: 1 });
    const dir = join(out, first.runs[0]!.key);
    const statuses: number[] = [];
    const again = await runSweep(spec, { out, parallel: 1, fresh: true, onStatus: (s) => statuses.push(s.skipped) });
    expect(statuses[0]).toBe(0);
    expect(again.outcomes.map((o) => o.stateHash)).toEqual(first.outcomes.map((o) => o.stateHash));
    // Trained, not re-read: every epoch ran again, so the run has a throughput.
    expect(readRunSummary(dir).samplesPerSecond).toBeGreaterThan(0);
  });
});

describe('sweep files', () => {
  it('a misspelled top-level key is refused, naming it and the allowed ones', () => {
    expect(() => readSweepSpec(specFile({ gird: { eta: [0.1] }, seed: [0], prunes: [0.5] }))).toThrow(
      'unknown fields "gird", "seed", "prunes" (allowed: name, base, grid, list, seeds, prune)',
    );
  });

  it('variants that resolve to one configuration are trained once, and said so', async () => {
    const spec = readSweepSpec(specFile({ grid: undefined, list: [{ dynamic: 'none' }, {}, { dynamic: 'none', eta: 0.05 }, { eta: 0.2 }], seeds: [0] }));
    const plan = planSweep(spec);
    // {}, {dynamic: none} and {dynamic: none, eta: 0.05} are the same resolved configuration.
    expect(plan.runs.map((r) => r.origin)).toEqual(['list[0], seed 0', 'list[3], seed 0']);
    expect(plan.duplicates.map((d) => [d.origin, d.sameAs])).toEqual([
      ['list[1], seed 0', 'list[0], seed 0'],
      ['list[2], seed 0', 'list[0], seed 0'],
    ]);
    const result = await runSweep(spec, { out: tempDir(), parallel: 1 }, plan);
    expect(result.outcomes).toHaveLength(2);
  });

  it("tables take the union of varied fields, with each run's resolved value", async () => {
    const spec = readSweepSpec(specFile({ grid: undefined, list: [{ dynamic: 'none' }, { eta: 0.2, dynamic: 'exponential' }, { hidden: [6] }], seeds: [0] }));
    const plan = planSweep(spec);
    expect(plan.varied).toEqual(['dynamic', 'eta', 'hidden']);
    const result = await runSweep(spec, { out: tempDir(), parallel: 2 }, plan);
    const rows = result.table.objects() as Record<string, unknown>[];
    expect(rows.map((r) => [r.dynamic, r.eta, r.hidden, r.seed])).toEqual([
      ['none', 0.05, '8', 0],
      ['exponential', 0.2, '8', 0],
      ['none', 0.05, '6', 0],
    ]);
  });
});

describe('Ctrl-C', () => {
  it('stops a sweep at once, leaves no temporary files, and the next run resumes', async () => {
    const { spawn } = await import('node:child_process');
    const { fileURLToPath } = await import('node:url');
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const grid = join(tempDir(), 'grid.json');
    writeFileSync(grid, JSON.stringify({ name: 'stop', base: { trainLimit: 20000, testLimit: 200, hidden: [64], epochs: 50 }, seeds: [0, 1], prune: [] }));
    const out = tempDir();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'sweep', grid, '--out', out, '--parallel', '1'], { cwd: root });
    let stderr = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      // The first progress line of the first run (status lines are throttled, so any epoch).
      if (/epoch \d+\/50/.test(stderr) && !child.killed) child.kill('SIGINT');
    });
    const code = await exited;
    expect(code).toBe(130);
    expect(stderr).toContain('run the same command again to resume');
    const everything = readdirSync(out, { recursive: true }) as string[];
    expect(everything.filter((f) => f.includes('.tmp-'))).toEqual([]);
    expect(everything.filter((f) => f.endsWith('summary.json'))).toEqual([]);
  }, 120_000);
});

describe('a sweep killed mid-run', () => {
  it('resumes the unfinished run from its checkpoint (same run id, same bits as a sweep never stopped)', async () => {
    const { spawnSync } = await import('node:child_process');
    const { pathToFileURL } = await import('node:url');
    const { root } = await import('../helpers/cli.js');
    const { readFileSync } = await import('node:fs');
    const more = tempDir();
    writeIdxDataset(more, 200, 4, 3);
    const grid = join(tempDir(), 'grid.json');
    writeFileSync(
      grid,
      JSON.stringify({ name: 'killed', base: { dataset: `idx:${more}`, hidden: [8], epochs: 3, batch: 10, lr: 0.1 }, seeds: [0], prune: [0.25] }),
    );
    const tsx = pathToFileURL(`${root}/node_modules/tsx/dist/loader.mjs`).href;
    const out = tempDir();
    const killed = spawnSync(process.execPath, ['--import', tsx, `${root}/src/cli/main.ts`, 'sweep', grid, '--out', out, '--parallel', '1', '--quiet'], {
      cwd: root,
      env: { ...process.env, EVOPRUNE_TEST_FAULT: 'step:27' },
    });
    expect(killed.signal).toBe('SIGKILL');
    const plan = planSweep(readSweepSpec(grid));
    const runDir = join(out, plan.runs[0]!.key);
    const runId = JSON.parse(readFileSync(join(runDir, '.evoprune-run.json'), 'utf8')).runId;
    expect(existsSync(join(runDir, 'checkpoint.bin'))).toBe(true);
    const resumed = await runSweep(readSweepSpec(grid), { out, parallel: 1 });
    expect(JSON.parse(readFileSync(join(runDir, '.evoprune-run.json'), 'utf8')).runId).toBe(runId);
    const straight = await runSweep(readSweepSpec(grid), { out: tempDir(), parallel: 1 });
    expect(resumed.outcomes.map((o) => o.stateHash)).toEqual(straight.outcomes.map((o) => o.stateHash));
    expect(canonical(resumed.outcomes)).toEqual(canonical(straight.outcomes));
  }, 120_000);
});
