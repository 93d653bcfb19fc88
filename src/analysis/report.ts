import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { readRunSummary, readTelemetry } from '../run/files.js';
import { parseRunFile, sweepFileSchema } from '../run/schema.js';
import { writeOwned } from '../run/folder.js';
import { writeTable } from './export.js';
import { accuracySparsity, massHistograms, massTrajectories, renderSvg, survivalPlot, trainingCurves } from './plots.js';
import { variantLabel } from '../sweep/plan.js';
import { extinctionTimeline, massTable, survivalCurve } from './tables.js';

async function writeSvg(dir: string, name: string, spec: Parameters<typeof renderSvg>[0]): Promise<string> {
  writeOwned(dir, name, await renderSvg(spec));
  return name;
}

/** A run's report: tables (Markdown and files) and SVG plots, linked from report.md. */
async function runReport(dir: string, out: string): Promise<string> {
  const summary = readRunSummary(dir);
  const metrics = aq.fromCSV(readFileSync(join(dir, 'metrics.csv'), 'utf8'));
  const telemetry = readTelemetry(dir);
  const survival = survivalCurve(telemetry);
  const extinctions = extinctionTimeline(telemetry);
  const masses = massTable(telemetry);
  writeTable(survival, out, 'survival');
  writeTable(extinctions, out, 'extinctions');
  const lastEpoch = Math.max(1, Math.round(telemetry[telemetry.length - 1]?.epoch ?? 1));
  const plots = [
    await writeSvg(out, 'training-curves.svg', trainingCurves(metrics)),
    await writeSvg(out, 'survival.svg', survivalPlot(survival)),
    await writeSvg(out, 'mass-trajectories.svg', massTrajectories(masses)),
    await writeSvg(out, 'mass-histograms.svg', massHistograms(masses, [0, Math.ceil(lastEpoch / 2), lastEpoch])),
  ];
  const perEpoch: ColumnTable =
    extinctions.numRows() > 0
      ? extinctions.derive({ epoch: 'd => op.ceil(d.epoch)' }).groupby('epoch', 'layer').count({ as: 'extinct' }).orderby('epoch', 'layer')
      : aq.table({});
  return [
    `# Run report: ${dir}`,
    '',
    `Test accuracy **${(100 * summary.testAccuracy).toFixed(2)} %** after ${summary.epochs} epochs, ${summary.sizes.join('-')}; alive ${summary.alive.join('+')} (emergent sparsity ${(100 * summary.sparsity).toFixed(1)} %); stateHash \`${summary.stateHash}\`.`,
    '',
    '## Per epoch',
    '',
    metrics.select('epoch', 'trainLoss', 'testLoss', 'testAccuracy', 'samplesPerSecond', 'alive').toMarkdown(),
    '',
    '## Extinctions per epoch and layer',
    '',
    perEpoch.numRows() > 0 ? perEpoch.toMarkdown() : 'No population went extinct.',
    '',
    '## Plots',
    '',
    ...plots.map((p) => `![${p}](${p})`),
    '',
  ].join('\n');
}

/** A sweep's report: results, mean ± std over seeds, the frontier, accuracy–sparsity and survival. */
async function sweepReport(dir: string, out: string): Promise<string> {
  const sweepFile = join(dir, 'sweep.json');
  const sweep = parseRunFile(sweepFileSchema, readFileSync(sweepFile, 'utf8'), sweepFile);
  const results = aq.fromCSV(readFileSync(join(dir, 'results.csv'), 'utf8'));
  const label = (o: Record<string, unknown>) => variantLabel(o, sweep.varied);
  // Every run at its emergent sparsity, and again after each hard pruning (which removes the
  // extinct first, so the sparsity is the larger of the fraction and the emergent sparsity).
  const prunedColumns = results.columnNames().filter((c) => /^pruned\d+$/.test(c));
  const labelled = aq.from(
    (results.objects() as Record<string, number>[]).flatMap((r) => [
      { variant: label(r), how: 'trained', sparsity: r.sparsity!, accuracy: r.accuracy! },
      ...prunedColumns.map((c) => ({ variant: label(r), how: 'hard-pruned', sparsity: Math.max(Number(c.slice(6)) / 100, r.sparsity!), accuracy: r[c]! })),
    ]),
  );
  const survival = aq.from(
    sweep.runs
      .filter((r) => existsSync(join(dir, r.key, 'telemetry.json')))
      .flatMap((r) => survivalCurve(readTelemetry(join(dir, r.key)), { variant: label(r.variant), seed: Number(r.variant.seed ?? 0) }).objects()),
  );
  const meanSurvival =
    survival.numRows() > 0
      ? survival.groupby('variant', 'layer', 'step').rollup({ fraction: 'd => op.mean(d.fraction)' }).orderby('variant', 'layer', 'step')
      : survival;
  const plots = [
    await writeSvg(out, 'accuracy-sparsity.svg', accuracySparsity(labelled, 'variant')),
    ...(meanSurvival.numRows() > 0 ? [await writeSvg(out, 'survival.svg', survivalPlot(meanSurvival, 'variant'))] : []),
  ];
  const section = (title: string, file: string) => (existsSync(join(dir, file)) ? [`## ${title}`, '', readFileSync(join(dir, file), 'utf8').trim(), ''] : []);
  return [
    `# Sweep report: ${sweep.spec.name}`,
    '',
    `${results.numRows()} finished runs of ${sweep.runs.length} (${dir}).`,
    '',
    ...section('Mean ± std over seeds', 'summary.md'),
    ...section('Accuracy–sparsity frontier (Pareto set)', 'frontier.md'),
    ...section('Every run', 'results.md'),
    '## Plots',
    '',
    ...plots.map((p) => `![${p}](${p})`),
    '',
  ].join('\n');
}

/** Writes `<out>/report.md` (+ SVGs and tables) for a run directory or a sweep folder. */
export async function writeReport(dir: string, out = dir): Promise<string> {
  let markdown: string;
  if (existsSync(join(dir, 'sweep.json'))) markdown = await sweepReport(dir, out);
  else if (existsSync(join(dir, 'summary.json')) && existsSync(join(dir, 'telemetry.json'))) markdown = await runReport(dir, out);
  else throw new Error(`${dir}: neither a run directory (summary.json, telemetry.json) nor a sweep folder (sweep.json)`);
  return writeOwned(out, 'report.md', markdown);
}
