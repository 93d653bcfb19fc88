import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { readPruning, readRunSummary, readTelemetry } from '../run/files.js';
import { parseRunFile, sweepFileSchema, type RunSummaryFile } from '../run/schema.js';
import { writeOwned } from '../run/folder.js';
import type { PruneResult } from '../prune/prune.js';
import { writeTable } from './export.js';
import { accuracyText, datasetName, epochsText, formatCount, listed, markdownTable, runTitle, shareText } from './format.js';
import { epochsMarkdown, pruningMarkdown, sweepMarkdown } from './markdown.js';
import { accuracySparsity, massHistograms, massTrajectories, renderSvg, survivalPlot, trainingCurves } from './plots.js';
import { variantLabel } from '../sweep/plan.js';
import { extinctionTimeline, massTable, survivalCurve } from './tables.js';

async function writeSvg(dir: string, name: string, spec: Parameters<typeof renderSvg>[0]): Promise<string> {
  writeOwned(dir, name, await renderSvg(spec));
  return name;
}

/** A run's title from its summary.json (its configuration names the seed and the image limits). */
function summaryTitle(summary: RunSummaryFile): string {
  const config = summary.config as { seed?: number; trainLimit?: number; testLimit?: number };
  return runTitle({
    dataset: summary.dataset,
    sizes: summary.sizes,
    epochs: summary.epochs,
    seed: config.seed,
    trainLimit: config.trainLimit,
    testLimit: config.testLimit,
  });
}

/** A run's report: tables (Markdown and files) and SVG plots, linked from report.md. */
async function runReport(dir: string, out: string): Promise<string> {
  const summary = readRunSummary(dir);
  const title = summaryTitle(summary);
  const metrics = aq.fromCSV(readFileSync(join(dir, 'metrics.csv'), 'utf8'), { parse: { alive: String } });
  const telemetry = readTelemetry(dir);
  const survival = survivalCurve(telemetry);
  const extinctions = extinctionTimeline(telemetry);
  const masses = massTable(telemetry);
  const pruning = existsSync(join(dir, 'pruning.json')) ? readPruning(dir) : [];
  writeTable(survival, out, 'survival');
  writeTable(extinctions, out, 'extinctions');
  const lastEpoch = Math.max(1, Math.round(telemetry[telemetry.length - 1]?.epoch ?? 1));
  const plots = [
    await writeSvg(out, 'training-curves.svg', trainingCurves(metrics, title)),
    await writeSvg(out, 'survival.svg', survivalPlot(survival, 'layer', title)),
    await writeSvg(out, 'mass-trajectories.svg', massTrajectories(masses, 24, title)),
    await writeSvg(out, 'mass-histograms.svg', massHistograms(masses, [0, Math.ceil(lastEpoch / 2), lastEpoch], title)),
  ];
  const perEpoch = (
    extinctions.numRows() > 0
      ? extinctions.derive({ epoch: 'd => op.ceil(d.epoch)' }).groupby('epoch', 'layer').count({ as: 'extinct' }).orderby('epoch', 'layer').objects()
      : []
  ) as { epoch: number; layer: number; extinct: number }[];
  return [
    `# Run report: ${dir}`,
    '',
    `${title}.`,
    '',
    `Test accuracy **${accuracyText(summary.testAccuracy)}** after ${epochsText(summary.epochs)}; alive ${summary.alive.join('+')} of ${formatCount(summary.populations)} populations (emergent sparsity ${shareText(summary.sparsity)}); stateHash \`${summary.stateHash}\`.`,
    '',
    '## Per epoch',
    '',
    epochsMarkdown(metrics.objects() as Record<string, unknown>[]),
    '',
    '## Extinctions per epoch and layer',
    '',
    perEpoch.length > 0
      ? markdownTable(perEpoch, [
          { title: 'epoch', cell: (r) => r.epoch, align: 'right' },
          { title: 'layer', cell: (r) => r.layer, align: 'right' },
          { title: 'extinct', cell: (r) => r.extinct, align: 'right' },
        ])
      : 'No population went extinct.',
    '',
    ...(pruning.length > 0 ? ['## Hard pruning after training (no retraining)', '', pruningMarkdown(pruning), ''] : []),
    '## Plots',
    '',
    ...plots.map((p) => `![${p}](${p})`),
    '',
  ].join('\n');
}

/** Each finished run's pruning.json by key (a refused pruning reads as one in the tables). */
function sweepPruning(dir: string, keys: readonly string[]): Map<string, PruneResult[]> {
  return new Map(keys.filter((key) => existsSync(join(dir, key, 'pruning.json'))).map((key) => [key, readPruning(join(dir, key))]));
}

/** A sweep's report: mean ± std over seeds, the frontier, every run, accuracy–sparsity and survival. */
async function sweepReport(dir: string, out: string): Promise<string> {
  const sweepFile = join(dir, 'sweep.json');
  const sweep = parseRunFile(sweepFileSchema, readFileSync(sweepFile, 'utf8'), sweepFile);
  const results = aq.fromCSV(readFileSync(join(dir, 'results.csv'), 'utf8'));
  const label = (o: Record<string, unknown>) => variantLabel(o, sweep.varied);
  const finished = sweep.runs.filter((r) => existsSync(join(dir, r.key, 'summary.json')));
  const summaries = finished.map((r) => readRunSummary(join(dir, r.key)));
  // What the runs have in common (or every value they take), for the plots' titles.
  const subtitle = [
    listed(summaries.map((s) => datasetName(s.dataset))),
    listed(summaries.map((s) => s.sizes.join('-'))),
    listed(summaries.map((s) => epochsText(s.epochs))),
    `${results.numRows()} runs`,
  ]
    .filter(Boolean)
    .join(', ');
  // Every run at its emergent sparsity, and again after each hard pruning (which removes the
  // extinct first, so the sparsity is the larger of the fraction and the emergent sparsity).
  const prunedColumns = results.columnNames().filter((c) => /^pruned\d+$/.test(c));
  const labelled = aq.from(
    (results.objects() as Record<string, number>[]).flatMap((r) => [
      { variant: label(r), how: 'trained', sparsity: r.sparsity!, accuracy: r.accuracy! },
      ...prunedColumns
        .filter((c) => Number.isFinite(r[c]))
        .map((c) => ({ variant: label(r), how: 'hard-pruned', sparsity: Math.max(Number(c.slice(6)) / 100, r.sparsity!), accuracy: r[c]! })),
    ]),
  );
  const survival = aq.from(
    finished
      .filter((r) => existsSync(join(dir, r.key, 'telemetry.json')))
      .flatMap((r) => survivalCurve(readTelemetry(join(dir, r.key)), { variant: label(r.variant), seed: Number(r.variant.seed ?? 0) }).objects()),
  );
  const meanSurvival: ColumnTable =
    survival.numRows() > 0
      ? survival
          .groupby('variant', 'layer', 'step')
          .rollup({ fraction: 'd => op.mean(d.fraction)', epoch: 'd => op.mean(d.epoch)' })
          .orderby('variant', 'layer', 'step')
      : survival;
  // The paper's points belong on an MNIST plot only.
  const mnist = summaries.length > 0 && summaries.every((s) => s.dataset === 'mnist');
  const plots = [
    await writeSvg(out, 'accuracy-sparsity.svg', accuracySparsity(labelled, 'variant', { paper: mnist, subtitle: `${sweep.spec.name}: ${subtitle}` })),
    ...(meanSurvival.numRows() > 0
      ? [await writeSvg(out, 'survival.svg', survivalPlot(meanSurvival, 'variant', `${sweep.spec.name}: ${subtitle}, mean over seeds`))]
      : []),
  ];
  const markdown = sweepMarkdown(
    results,
    sweep.varied,
    sweepPruning(
      dir,
      finished.map((r) => r.key),
    ),
  );
  // Refused prunings (and fractions a run was not pruned at) have no accuracy to plot.
  const unplotted = (results.objects() as Record<string, number>[]).reduce((n, r) => n + prunedColumns.filter((c) => !Number.isFinite(r[c])).length, 0);
  const section = (title: string, table: string) => (results.numRows() > 0 ? [`## ${title}`, '', table, ''] : []);
  return [
    `# Sweep report: ${sweep.spec.name}`,
    '',
    `${results.numRows()} finished runs of ${sweep.runs.length} (${dir})${subtitle ? `: ${subtitle}` : ''}. Accuracies are on the test set; "pruned" columns hard-prune the trained network by mass without retraining.`,
    '',
    ...section('Mean ± std over seeds', markdown.summary),
    ...section('Accuracy–sparsity frontier (Pareto set)', markdown.frontier),
    ...section('Every run', markdown.results),
    '## Plots',
    '',
    ...plots.map((p) => `![${p}](${p})`),
    ...(unplotted > 0
      ? [
          '',
          `${unplotted} pruning${unplotted === 1 ? '' : 's'} without an accuracy (refused, or not pruned at that fraction) ${unplotted === 1 ? 'is' : 'are'} not plotted.`,
        ]
      : []),
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
