// What people read: reports, the Markdown twins of the tables, plot specs. Percentages carry their
// unit, mean ± std shares a cell, a refused pruning says so in words, nothing reads NaN or
// undefined, and every mark of a plot is in its legend.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as aq from 'arquero';
import { describe, expect, it } from 'vitest';
import { tableMarkdown } from '../../src/analysis/export.js';
import { formatPercent, formatPoints, markdownTable, meanStdCell, missing, refusedCell, runTitle } from '../../src/analysis/format.js';
import { pruningMarkdown, sweepMarkdown } from '../../src/analysis/markdown.js';
import { accuracySparsity, frontierPlot, PAPER_LEGEND, renderSvg, survivalPlot, trainingCurves } from '../../src/analysis/plots.js';
import { survivalCurve } from '../../src/analysis/tables.js';
import { frontierPairedMarkdown, frontierSummaryMarkdown, frontierTables } from '../../src/frontier/frontier.js';
import type { PruneResult } from '../../src/prune/prune.js';
import { reproduceMarkdown, reproduceTable, type ReproduceRun } from '../../src/reproduce/reproduce.js';
import { trainRun, type TelemetryRecord, type TrainSummary } from '../../src/index.js';
import { tempDir, writeIdxDataset } from '../helpers/idx.js';

/** The kernels' words for a pruning that would empty a layer. */
const EMPTIES = 'pruning 90% (Global) would remove every population of hidden layer 0';

const pruned = (fraction: number, accuracy: number, refused?: string): PruneResult => ({
  score: 'mass',
  fraction,
  scope: 'global',
  accuracy: refused ? Number.NaN : accuracy,
  loss: refused ? Number.NaN : 0.5,
  alive: refused ? [] : [4, 2],
  ...(refused ? { refused } : {}),
});

/** The cells of a Markdown table by column header (footnote markers kept). */
function columns(markdown: string): Map<string, string[]> {
  const rows = markdown
    .split('\n')
    .filter((l) => l.startsWith('| '))
    .map((l) =>
      l
        .slice(2, -2)
        .split(' | ')
        .map((c) => c.trim()),
    );
  const [header, ...body] = rows;
  return new Map(header!.map((h, i) => [h, body.map((r) => r[i]!)]));
}

/** Every cell of a percentage column ends in % (a footnote marker may follow), unless it says why it has no value. */
function expectPercentColumns(markdown: string, isPercent: (header: string) => boolean): void {
  const table = columns(markdown);
  const checked = [...table.keys()].filter(isPercent);
  expect(checked.length).toBeGreaterThan(0);
  for (const header of checked) {
    for (const cell of table.get(header)!) {
      if (cell.startsWith('refused') || cell.startsWith('—')) continue;
      expect(cell, `${header}: ${cell}`).toMatch(/ %[⁰¹²³⁴⁵⁶⁷⁸⁹]*$/);
    }
  }
}

const expectReadable = (markdown: string) => {
  expect(markdown).not.toMatch(/NaN|undefined|null|Infinity/);
};

describe('formatting', () => {
  it('percentages with sensible decimals, mean ± std in one cell, differences in points', () => {
    expect(formatPercent(0.98034)).toBe('98.03 %');
    expect(formatPercent(0.80078, 1)).toBe('80.1 %');
    expect(formatPercent(Number.NaN)).toBe('—');
    expect(formatPercent(undefined)).toBe('—');
    expect(meanStdCell(0.97953, 0.00081)).toBe('97.95 ± 0.08 %');
    expect(meanStdCell(0.9795, Number.NaN)).toEqual({ text: '97.95 %', note: 'one run: no standard deviation' });
    expect(formatPoints(-0.0312)).toBe('−3.12 pp');
    expect(refusedCell(EMPTIES)).toBe('refused (would empty a layer)');
    expect(refusedCell('something new')).toEqual({ text: 'refused', note: 'refused by the kernels: something new' });
    expect(runTitle({ dataset: 'mnist', sizes: [784, 512, 256, 10], epochs: 20, seed: 1 })).toBe('MNIST, 784-512-256-10, 20 epochs, seed 1');
  });

  it('a Markdown table writes a missing value as — with a numbered footnote, never NaN or undefined', () => {
    const markdown = markdownTable(
      [
        { name: 'a', x: 0.5, y: Number.NaN },
        { name: 'b|c', x: undefined, y: 2 },
      ],
      [
        { title: 'name', cell: (r) => r.name },
        { title: 'x', cell: (r) => (r.x === undefined ? missing('not measured') : formatPercent(r.x)), align: 'right' },
        { title: 'y', cell: (r) => r.y, align: 'right' },
      ],
    );
    expect(markdown).toBe(
      ['| name | x | y |', '|:--|--:|--:|', '| a | 50.00 % | —¹ |', '| b\\|c | —² | 2 |', '', '¹ no value', '', '² not measured'].join('\n'),
    );
    // The generic Markdown of any table (survival.md, extinctions.md …) follows the same rules.
    const generic = tableMarkdown(aq.from([{ a: 0.123456, b: Number.NaN, c: null, d: 18394.94 }]));
    expectReadable(generic);
    expect(generic).toContain('| 0.1235 | —¹ | —¹ | 18395 |');
  });
});

describe('sweep tables', () => {
  // Two variants × two seeds, pruned at 35 % and 90 %: dense runs refuse 90 % (it would empty a
  // layer), one evolving run refuses it too, one evolving run was finished before 50 % was asked for.
  const results = aq.from([
    { key: 'k1', dynamic: 'none', seed: 0, accuracy: 0.9795, sparsity: 0, pruned35: 0.9, pruned90: Number.NaN },
    { key: 'k2', dynamic: 'none', seed: 1, accuracy: 0.9803, sparsity: 0, pruned35: 0.91, pruned90: Number.NaN },
    { key: 'k3', dynamic: 'exponential', seed: 0, accuracy: 0.97, sparsity: 0.7, pruned35: 0.97, pruned90: 0.5 },
    { key: 'k4', dynamic: 'exponential', seed: 1, accuracy: 0.972, sparsity: 0.72, pruned35: 0.971, pruned90: Number.NaN },
  ]);
  const pruning = new Map<string, PruneResult[]>([
    ['k1', [pruned(0.35, 0.9), pruned(0.9, 0, EMPTIES)]],
    ['k2', [pruned(0.35, 0.91), pruned(0.9, 0, EMPTIES)]],
    ['k3', [pruned(0.35, 0.97), pruned(0.9, 0.5)]],
    ['k4', [pruned(0.35, 0.971), pruned(0.9, 0, EMPTIES)]],
  ]);
  const markdown = sweepMarkdown(results, ['dynamic'], pruning);

  it('every run: accuracies in %, a refused pruning in words', () => {
    expectReadable(markdown.results);
    const table = columns(markdown.results);
    expect(table.get('test accuracy')).toEqual(['97.95 %', '98.03 %', '97.00 %', '97.20 %']);
    expect(table.get('emergent sparsity')).toEqual(['0.0 %', '0.0 %', '70.0 %', '72.0 %']);
    expect(table.get('accuracy, 90 % pruned')).toEqual([
      'refused (would empty a layer)',
      'refused (would empty a layer)',
      '50.00 %',
      'refused (would empty a layer)',
    ]);
    expectPercentColumns(markdown.results, (h) => /accuracy|sparsity/.test(h));
  });

  it('mean ± std over seeds in one cell; refusals counted, not silently averaged away', () => {
    expectReadable(markdown.summary);
    const table = columns(markdown.summary);
    expect(table.get('dynamic')).toEqual(['exponential', 'none']);
    expect(table.get('test accuracy')).toEqual(['97.10 ± 0.14 %', '97.99 ± 0.06 %']);
    // Every dense run refused 90 %; one of the two evolving runs did.
    expect(table.get('accuracy, 90 % pruned')).toEqual(['50.00 %¹', 'refused (would empty a layer)']);
    expect(markdown.summary).toContain('¹ 1 of 2 runs refused this pruning (it would empty a layer): mean ± std over the others');
    expectPercentColumns(markdown.summary, (h) => /accuracy|sparsity/.test(h));
  });

  it('a refusal for a reason the report does not know keeps the reason in a footnote', () => {
    const markdown = pruningMarkdown([pruned(0.5, 0.9), pruned(0.9, 0, 'the kernels had a new reason')]);
    expectReadable(markdown);
    expect(columns(markdown).get('test accuracy')).toEqual(['90.00 %', 'refused¹']);
    expect(markdown).toContain('¹ refused by the kernels: the kernels had a new reason');
  });

  it('a fraction a run was never pruned at is — with the reason, not "refused"', () => {
    const partial = sweepMarkdown(
      results.select('key', 'dynamic', 'seed', 'accuracy', 'sparsity', 'pruned90'),
      ['dynamic'],
      new Map([['k3', [pruned(0.9, 0.5)]]]),
    );
    expect(columns(partial.results).get('accuracy, 90 % pruned')).toEqual(['—¹', '—¹', '50.00 %', '—¹']);
    expect(partial.results).toContain('¹ not pruned at this fraction');
    expectReadable(partial.results);
  });

  it('a run report of a run with a refused pruning names it, with no NaN or undefined anywhere', async () => {
    const data = tempDir();
    writeIdxDataset(data, 60, 4, 3);
    const dir = join(tempDir(), 'run');
    // Dense: every mass is 1, ties go by position, so 90 % of 8+2 populations takes all of layer 1.
    await trainRun(
      { dataset: `idx:${data}`, hidden: [8, 2], epochs: 2, batch: 10, seed: 1 },
      { dir, analyse: { prune: [{ score: 'mass', fractions: [0.25, 0.9] }] } },
    );
    const report = readFileSync(join(dir, 'report.md'), 'utf8');
    expectReadable(report);
    expect(report).toContain('## Hard pruning after training (no retraining)');
    expect(report).toMatch(/\| mass \| global \| 90 % \| refused \(would empty a layer\) \| —¹ \|/);
    expect(report).toContain(`idx:${data}, 16-8-2-3, 2 epochs, seed 1`);
    expectPercentColumns(report.slice(report.indexOf('## Per epoch'), report.indexOf('## Extinctions')), (h) => /accuracy|living work/.test(h));
    for (const file of ['survival.md', 'extinctions.md']) expectReadable(readFileSync(join(dir, file), 'utf8'));
  });
});

describe('the paper table and the frontier', () => {
  const summary = (accuracy: number, sparsity: number) =>
    ({
      testAccuracy: accuracy,
      sparsity,
      dataset: 'mnist',
      sizes: [784, 512, 256, 10],
      epochs: 20,
      stateHash: 'ab'.repeat(32),
      config: { seed: 0 },
    }) as unknown as TrainSummary;
  const runs: ReproduceRun[] = [
    {
      preset: 'paper-none',
      dynamic: 'none',
      summary: summary(0.9803, 0),
      pruning: [pruned(0.35, 0.95), pruned(0.4, 0.93), pruned(0.45, 0.9), pruned(0.5, 0, EMPTIES)],
      compaction: { sizes: [784, 512, 256, 10], parameters: 1, denseParameters: 1, maxLogitDifference: 0 },
    },
  ];

  it('reproduce: every accuracy column in %, the paper’s 50 % range too, a refusal in words', () => {
    const markdown = reproduceMarkdown(runs);
    expectReadable(markdown);
    const table = columns(markdown);
    expect(table.get('dense')).toEqual(['98.03 %']);
    expect(table.get('pruned 50 %')).toEqual(['refused (would empty a layer)']);
    expect(table.get('paper: pruned 50 %')).toEqual(['88.3–88.6 %']);
    expect(table.get('compact speed-up')).toEqual(['—¹']);
    expectPercentColumns(markdown, (h) => /dense|pruned|sparsity/.test(h));
    // The raw table keeps numbers, in percent like its other columns.
    const row = reproduceTable(runs).objects()[0] as Record<string, unknown>;
    expect(row.paperPruned35).toBe(95.5);
    expect(row.paperPruned50).toBe('88.3–88.6');
  });

  it('frontier: mean ± std in one cell, differences in points, a failed run as —', () => {
    const row = (method: string, seed: number, accuracy: number, failed = false) => ({
      dataset: 'mnist',
      target: 0.8,
      method,
      seed,
      failed,
      accuracy,
      populationSparsity: failed ? Number.NaN : 0.8,
      parameterSparsity: failed ? Number.NaN : 0.8,
      flopSparsity: failed ? Number.NaN : 0.8,
      alive: failed ? '' : '102+51',
      key: `${method}${seed}`,
      error: failed ? 'diverged' : '',
    });
    const tables = frontierTables([row('selection', 0, 0.98), row('selection', 1, 0.97), row('gmp', 0, 0.97), row('gmp', 1, 0.1, true)]);
    const summaryMd = frontierSummaryMarkdown(tables.summary);
    expectReadable(summaryMd);
    expect(columns(summaryMd).get('test accuracy')).toEqual(['53.50 ± 61.52 %', '97.50 ± 0.71 %']);
    expect(columns(summaryMd).get('FLOP sparsity')).toEqual(['80.0 %', '80.0 %']);
    const pairedMd = frontierPairedMarkdown(tables.paired);
    expectReadable(pairedMd);
    expect(columns(pairedMd).get('difference [95 % CI]')![0]).toMatch(/^\+44\.00 pp \[−?[\d.]+, \+[\d.]+\]$/);
  });
});

describe('plots', () => {
  const metrics = aq.from([
    { epoch: 1, trainLoss: 0.8, trainAccuracy: 0.76, testLoss: 0.45, testAccuracy: 0.87, seconds: 0.3, livingWork: 1 },
    { epoch: 2, trainLoss: 0.5, trainAccuracy: 0.88, testLoss: 0.49, testAccuracy: 0.86, seconds: 0.2, livingWork: 0.4 },
    { epoch: 3, trainLoss: 0.35, trainAccuracy: 0.9, testLoss: 0.43, testAccuracy: 0.88, seconds: 0.1, livingWork: 0.16 },
  ]);

  it('training curves: whole-epoch ticks, test loss beside training loss, a titled run', async () => {
    const spec = trainingCurves(metrics, 'MNIST, 784-512-256-10, 3 epochs, seed 0') as unknown as {
      title: { subtitle: string };
      data: { values: { panel: string; split: string; value: number }[] };
      spec: { encoding: { x: { axis: { tickMinStep: number; format: string } } } };
    };
    expect(spec.spec.encoding.x.axis).toMatchObject({ tickMinStep: 1, format: 'd' });
    expect(spec.title.subtitle).toBe('MNIST, 784-512-256-10, 3 epochs, seed 0');
    const loss = spec.data.values.filter((v) => v.panel === 'loss');
    expect(new Set(loss.map((v) => v.split))).toEqual(new Set(['train', 'test']));
    const svg = await renderSvg(trainingCurves(metrics));
    // Both splits are in the legend.
    expect(svg).toMatch(/<text[^>]*>train<\/text>/);
    expect(svg).toMatch(/<text[^>]*>test<\/text>/);
  });

  it('survival: over epochs with whole-epoch ticks', () => {
    const record = (step: number, alive: number): TelemetryRecord => ({
      step,
      epoch: step / 10,
      alive: [alive],
      masses: [Float32Array.from({ length: 4 }, (_, i) => (i < alive ? 1 : 0))],
      fitness: [new Float32Array(4)],
      eta: [],
    });
    const spec = survivalPlot(survivalCurve([record(0, 4), record(15, 2)])) as unknown as { encoding: { x: { field: string; axis: object } } };
    expect(spec.encoding.x).toMatchObject({ field: 'epoch', axis: { tickMinStep: 1, format: 'd' } });
  });

  it("accuracy–sparsity: the paper's diamonds are in the legend, and only on MNIST", async () => {
    const points = aq.from([
      { variant: 'x', how: 'trained', sparsity: 0.5, accuracy: 0.97 },
      { variant: 'x', how: 'hard-pruned', sparsity: 0.6, accuracy: 0.95 },
    ]);
    const spec = accuracySparsity(points, 'variant', { paper: true }) as unknown as {
      layer: { encoding: { shape: { scale: { domain: string[]; range: string[] } } } }[];
    };
    const { domain, range } = spec.layer[0]!.encoding.shape.scale;
    expect(range[domain.indexOf(PAPER_LEGEND)]).toBe('diamond');
    const svg = await renderSvg(accuracySparsity(points, 'variant', { paper: true }));
    expect(svg).toContain(PAPER_LEGEND);
    expect(await renderSvg(accuracySparsity(points, 'variant', { paper: false }))).not.toContain(PAPER_LEGEND);
  });

  it('frontier: the dense reference line is in the legend, datasets named as people name them', async () => {
    const summary = aq.from([
      { dataset: 'mnist', target: 0, method: 'dense', accuracyMean: 0.98, accuracyStd: 0.001 },
      { dataset: 'mnist', target: 0.8, method: 'selection', accuracyMean: 0.97, accuracyStd: 0.002 },
      { dataset: 'fashion-mnist', target: 0, method: 'dense', accuracyMean: 0.89, accuracyStd: 0.001 },
      { dataset: 'fashion-mnist', target: 0.8, method: 'selection', accuracyMean: 0.88, accuracyStd: Number.NaN },
    ]);
    const svg = await renderSvg(frontierPlot(summary, 'MNIST and Fashion-MNIST, 784-512-256-10, 20 epochs, seeds 0–2'));
    for (const text of ['dense network (no pruning)', 'Fashion-MNIST', 'test accuracy (%)', 'MNIST and Fashion-MNIST, 784-512-256-10, 20 epochs, seeds 0–2']) {
      expect(svg).toContain(text);
    }
  });
});
