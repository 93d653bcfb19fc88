import * as vega from 'vega';
import * as vl from 'vega-lite';
import type { ColumnTable } from 'arquero';
import { PAPER, PAPER_PRUNED50 } from '../config/paper.js';
import { datasetName } from './format.js';

type Spec = vl.TopLevelSpec;

/** Renders a vega-lite spec to SVG in Node (no browser, no canvas). */
export async function renderSvg(spec: Spec): Promise<string> {
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

const values = (table: ColumnTable) => table.objects() as Record<string, unknown>[];

/** A plot's title: what it shows, and under it what it was made from (dataset, sizes, epochs, seed). */
const titled = (text: string, subtitle?: string) => ({ title: { text, ...(subtitle ? { subtitle } : {}), anchor: 'start' as const } });

/** An epoch axis with whole-epoch ticks (telemetry falls between them; its ticks do not). */
const EPOCH_AXIS = { title: 'epoch', tickMinStep: 1, format: 'd' };

/** The panels of the training curves: the series each draws (metrics.csv fields) and the split they belong to. */
const CURVES: { panel: string; series: [field: string, split: string][]; scale: number }[] = [
  {
    panel: 'loss',
    series: [
      ['trainLoss', 'train'],
      ['testLoss', 'test'],
      ['validationLoss', 'validation'],
    ],
    scale: 1,
  },
  {
    panel: 'accuracy (%)',
    series: [
      ['trainAccuracy', 'train'],
      ['testAccuracy', 'test'],
      ['validationAccuracy', 'validation'],
    ],
    scale: 100,
  },
  { panel: 'epoch wall time (s)', series: [['seconds', 'train']], scale: 1 },
  { panel: 'living work (% of the full network)', series: [['livingWork', 'train']], scale: 100 },
];

/**
 * Per epoch, one panel each: training and test loss side by side (and validation, when held out),
 * training and test accuracy, the epoch's wall time and its living-work fraction (the living
 * network's share of the full one's multiply-adds; a run written before it was recorded has no
 * such panel): together they show training getting cheaper as populations die.
 */
export function trainingCurves(metrics: ColumnTable, subtitle?: string): Spec {
  const rows = values(metrics).flatMap((r) =>
    CURVES.flatMap(({ panel, series, scale }) =>
      series
        .filter(([field]) => typeof r[field] === 'number' && Number.isFinite(r[field]))
        .map(([field, split]) => ({ epoch: r.epoch, panel, split, value: scale * (r[field] as number) })),
    ),
  );
  const panels = CURVES.map((c) => c.panel).filter((p) => rows.some((r) => r.panel === p));
  return {
    ...titled('Training curves', subtitle),
    data: { values: rows },
    facet: {
      row: {
        field: 'panel',
        type: 'nominal',
        sort: panels,
        title: null,
        header: { labelAngle: 0, labelOrient: 'top', labelAnchor: 'start', labelFontWeight: 'bold' },
      },
    },
    spec: {
      width: 360,
      height: 130,
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'epoch', type: 'quantitative', axis: EPOCH_AXIS },
        y: { field: 'value', type: 'quantitative', title: null, scale: { zero: false } },
        color: { field: 'split', type: 'nominal', title: null, sort: ['train', 'test', 'validation'] },
      },
    },
    resolve: { scale: { y: 'independent' } },
  } as Spec;
}

/**
 * The frontier: mean test accuracy against target sparsity, one line per method, error bars of one
 * standard deviation over seeds, the dense network's mean as a dashed line, one panel per dataset
 * (each with its own accuracy scale).
 */
export function frontierPlot(summary: ColumnTable, subtitle?: string): Spec {
  const rows = values(summary).map((r) => {
    const mean = r.accuracyMean as number;
    const std = Number.isFinite(r.accuracyStd) ? (r.accuracyStd as number) : 0;
    return {
      ...r,
      panel: datasetName(r.dataset as string),
      targetPercent: 100 * (r.target as number),
      accuracy: 100 * mean,
      low: 100 * (mean - std),
      high: 100 * (mean + std),
    };
  });
  const pruned = { filter: "datum.method !== 'dense'" };
  return {
    ...titled('Test accuracy against target sparsity (mean ± std over seeds)', subtitle),
    data: { values: rows },
    facet: { column: { field: 'panel', type: 'nominal', title: null } },
    spec: {
      width: 300,
      height: 240,
      layer: [
        {
          // One filter for both layers (one per layer makes vega-lite's optimizer give up, noisily).
          transform: [pruned],
          layer: [
            {
              mark: { type: 'line', point: true },
              encoding: {
                x: { field: 'targetPercent', type: 'quantitative', title: 'target sparsity (% of populations extinct per layer)', scale: { zero: false } },
                y: { field: 'accuracy', type: 'quantitative', title: 'test accuracy (%)', scale: { zero: false } },
                // Twelve methods and ablations: a scheme with enough distinct colours.
                color: { field: 'method', type: 'nominal', title: 'method', scale: { scheme: 'tableau20' } },
              },
            },
            {
              mark: { type: 'errorbar', ticks: true },
              encoding: {
                x: { field: 'targetPercent', type: 'quantitative' },
                y: { field: 'low', type: 'quantitative', title: 'test accuracy (%)' },
                y2: { field: 'high' },
                color: { field: 'method', type: 'nominal', scale: { scheme: 'tableau20' } },
              },
            },
          ],
        },
        {
          transform: [{ filter: "datum.method === 'dense'" }],
          mark: { type: 'rule', color: 'gray' },
          encoding: {
            y: { field: 'accuracy', type: 'quantitative' },
            strokeDash: { datum: 'dense network (no pruning)', type: 'nominal', title: 'reference', scale: { range: [[6, 4]] }, legend: { labelLimit: 400 } },
          },
        },
      ],
    },
    resolve: { scale: { y: 'independent' } },
  } as Spec;
}

/** Percentage of populations alive vs epoch, one line per layer (and per `series` if present). */
export function survivalPlot(survival: ColumnTable, series = 'layer', subtitle?: string): Spec {
  return {
    ...titled('Populations alive per hidden layer', subtitle),
    width: 360,
    height: 220,
    data: { values: values(survival).map((r) => ({ ...r, percent: 100 * (r.fraction as number) })) },
    mark: 'line',
    encoding: {
      x: { field: 'epoch', type: 'quantitative', axis: EPOCH_AXIS },
      y: { field: 'percent', type: 'quantitative', title: 'alive (% of the layer)', scale: { domain: [0, 100] } },
      color: { field: series, type: 'nominal', title: series === 'layer' ? 'hidden layer' : series, legend: { labelLimit: 400 } },
      strokeDash: { field: 'layer', type: 'nominal', title: 'hidden layer' },
    },
  };
}

const BANDS = { wide: '10–90 % of living masses', middle: '25–75 % of living masses', median: 'median living mass' };

/** Mass trajectories of a sample of populations, over quantile bands (10–90 %, 25–75 %) and the median. */
export function massTrajectories(masses: ColumnTable, sample = 24, subtitle?: string): Spec {
  const rows = values(masses) as { step: number; epoch: number; layer: number; population: number; mass: number }[];
  const first = rows.filter((r) => r.step === rows[0]?.step);
  const stride = Math.max(1, Math.floor(first.length / sample));
  const chosen = new Set(
    first
      .filter((_, i) => i % stride === 0)
      .slice(0, sample)
      .map((r) => `${r.layer}:${r.population}`),
  );
  const bands: Record<string, number>[] = [];
  for (const step of [...new Set(rows.map((r) => r.step))]) {
    const at = rows.filter((r) => r.step === step);
    const living = at
      .filter((r) => r.mass > 0)
      .map((r) => r.mass)
      .sort((a, b) => a - b);
    if (living.length === 0) continue;
    const q = (p: number) => living[Math.min(living.length - 1, Math.floor(p * living.length))]!;
    bands.push({ step, epoch: at[0]!.epoch, q10: q(0.1), q25: q(0.25), q50: q(0.5), q75: q(0.75), q90: q(0.9) });
  }
  const lines = rows.filter((r) => chosen.has(`${r.layer}:${r.population}`)).map((r) => ({ ...r, layer: `layer ${r.layer} (sampled populations)` }));
  const layers = [...new Set(lines.map((r) => r.layer))];
  // One colour scale for the bands, the median and the sampled lines, so each is in the legend.
  const color = {
    title: null,
    scale: {
      domain: [BANDS.wide, BANDS.middle, BANDS.median, ...layers],
      range: ['#d9d9d9', '#a6a6a6', 'black', '#4c78a8', '#f58518', '#54a24b', '#e45756', '#72b7b2'],
    },
    legend: { labelLimit: 400 },
  };
  const x = { field: 'epoch', type: 'quantitative', axis: EPOCH_AXIS };
  return {
    ...titled('Masses over training', subtitle),
    width: 360,
    height: 220,
    layer: [
      {
        data: { values: bands },
        mark: { type: 'area', opacity: 0.6 },
        encoding: { x, y: { field: 'q10', type: 'quantitative', title: 'mass' }, y2: { field: 'q90' }, color: { datum: BANDS.wide, ...color } },
      },
      {
        data: { values: bands },
        mark: { type: 'area', opacity: 0.6 },
        encoding: { x, y: { field: 'q25', type: 'quantitative' }, y2: { field: 'q75' }, color: { datum: BANDS.middle, ...color } },
      },
      {
        data: { values: bands },
        mark: { type: 'line' },
        encoding: { x, y: { field: 'q50', type: 'quantitative' }, color: { datum: BANDS.median, ...color } },
      },
      {
        data: { values: lines },
        mark: { type: 'line', strokeWidth: 0.8, opacity: 0.7 },
        encoding: {
          x,
          y: { field: 'mass', type: 'quantitative' },
          detail: { field: 'population' },
          color: { field: 'layer', type: 'nominal', ...color },
        },
      },
    ],
  } as Spec;
}

/** "epoch 2.1" for a telemetry record between epochs, "epoch 3" on one. */
const epochLabel = (epoch: number) => `epoch ${Number(epoch.toFixed(1))}`;

/** Histogram of living masses at the chosen epochs (the telemetry record nearest each). */
export function massHistograms(masses: ColumnTable, epochs: number[], subtitle?: string): Spec {
  const rows = values(masses) as { step: number; epoch: number; mass: number }[];
  const steps = [...new Set(rows.map((r) => r.step))];
  const picked = epochs.map((e) =>
    steps.reduce(
      (best, s) => (Math.abs(rows.find((r) => r.step === s)!.epoch - e) < Math.abs(rows.find((r) => r.step === best)!.epoch - e) ? s : best),
      steps[0]!,
    ),
  );
  const data = rows.filter((r) => picked.includes(r.step) && r.mass > 0).map((r) => ({ ...r, at: epochLabel(r.epoch) }));
  return {
    ...titled('Masses of the living populations', subtitle),
    width: 180,
    height: 140,
    data: { values: data },
    mark: 'bar',
    encoding: {
      x: { field: 'mass', type: 'quantitative', bin: { maxbins: 30 }, title: 'mass' },
      y: { aggregate: 'count', type: 'quantitative', title: 'populations' },
      column: { field: 'at', type: 'nominal', title: null, sort: { field: 'epoch' } },
    },
  };
}

/** What the paper's points are, in the legend. */
export const PAPER_LEGEND = 'the paper (MNIST, 784-512-256-10)';

/**
 * Accuracy against sparsity for every run or pruning (`how`: trained, hard-pruned), coloured by
 * `color`; with `paper`, the paper's MNIST points as diamonds, named in the legend.
 */
export function accuracySparsity(points: ColumnTable, color = 'dynamic', options: { paper?: boolean; subtitle?: string } = {}): Spec {
  const paper =
    options.paper === false
      ? []
      : [
          { sparsity: 0, accuracy: 100 * PAPER.dense, source: 'dense' },
          { sparsity: 35, accuracy: 100 * PAPER.pruned35, source: 'hard-pruned 35 %' },
          {
            sparsity: 50,
            accuracy: 50 * (PAPER_PRUNED50[0] + PAPER_PRUNED50[1]),
            source: `hard-pruned 50 % (${100 * PAPER_PRUNED50[0]}–${100 * PAPER_PRUNED50[1]} %)`,
          },
        ];
  const rows = values(points).map((r) => ({ ...r, how: r.how ?? 'trained', sparsity: 100 * (r.sparsity as number), accuracy: 100 * (r.accuracy as number) }));
  const hows = [...new Set(rows.map((r) => r.how as string))];
  // One shape scale for the runs and the paper, so the diamonds are in the legend too.
  const shape = {
    title: null,
    scale: {
      domain: [...hows, ...(paper.length > 0 ? [PAPER_LEGEND] : [])],
      range: ['square', 'circle', 'triangle-up', 'cross'].slice(0, hows.length).concat('diamond'),
    },
    legend: { labelLimit: 400 },
  };
  return {
    ...titled('Test accuracy against sparsity', options.subtitle),
    width: 360,
    height: 240,
    layer: [
      {
        data: { values: rows },
        mark: { type: 'point', filled: true, size: 60, opacity: 0.8 },
        encoding: {
          x: { field: 'sparsity', type: 'quantitative', scale: { domain: [0, 100] }, title: 'sparsity (% of populations removed or extinct)' },
          y: { field: 'accuracy', type: 'quantitative', scale: { zero: false }, title: 'test accuracy (%)' },
          color: { field: color, type: 'nominal', legend: { labelLimit: 400 } },
          shape: { field: 'how', type: 'nominal', ...shape },
        },
      },
      ...(paper.length > 0
        ? [
            {
              data: { values: paper },
              mark: { type: 'point', size: 120, color: 'black', strokeWidth: 1.5 },
              encoding: {
                x: { field: 'sparsity', type: 'quantitative' },
                y: { field: 'accuracy', type: 'quantitative' },
                shape: { datum: PAPER_LEGEND, ...shape },
                tooltip: { field: 'source' },
              },
            },
          ]
        : []),
    ],
  } as Spec;
}
