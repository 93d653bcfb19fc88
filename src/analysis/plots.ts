import * as vega from 'vega';
import * as vl from 'vega-lite';
import type { ColumnTable } from 'arquero';
import { PAPER } from '../config/paper.js';

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

/** The per-epoch series of the training-curve plot, with the title each panel gets. */
const CURVES: Record<string, string> = {
  testAccuracy: 'test accuracy',
  trainLoss: 'training loss',
  seconds: 'epoch wall time (s)',
  livingWork: 'living-work fraction',
};

/**
 * Per epoch, one panel each: test accuracy, training loss, the epoch's wall time and its
 * living-work fraction (the living network's share of the full one's multiply-adds; a run written
 * before it was recorded has no such panel): together they show training getting cheaper as
 * populations die.
 */
export function trainingCurves(metrics: ColumnTable): Spec {
  const fields = Object.keys(CURVES).filter((f) => metrics.columnNames().includes(f));
  const rows = values(metrics.fold(fields, { as: ['series', 'value'] })).map((r) => ({ ...r, series: CURVES[r.series as string] }));
  return {
    width: 320,
    height: 140,
    data: { values: rows },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', axis: { tickMinStep: 1, format: 'd' } },
      y: { field: 'value', type: 'quantitative', title: null },
      color: { field: 'series', type: 'nominal', legend: null },
      row: { field: 'series', type: 'nominal', title: null, sort: fields.map((f) => CURVES[f]) },
    },
    resolve: { scale: { y: 'independent' } },
  } as Spec;
}

/**
 * The frontier: mean test accuracy against target sparsity, one line per method, error bars of one
 * standard deviation over seeds, one panel per dataset (each with its own accuracy scale).
 */
export function frontierPlot(summary: ColumnTable): Spec {
  const rows = values(summary).map((r) => {
    const mean = r.accuracyMean as number;
    const std = Number.isFinite(r.accuracyStd) ? (r.accuracyStd as number) : 0;
    return { ...r, targetPercent: 100 * (r.target as number), accuracy: 100 * mean, low: 100 * (mean - std), high: 100 * (mean + std) };
  });
  return {
    data: { values: rows.filter((r) => (r as Record<string, unknown>).method !== 'dense') },
    facet: { column: { field: 'dataset', type: 'nominal', title: null } },
    spec: {
      width: 300,
      height: 240,
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
    resolve: { scale: { y: 'independent' } },
  } as Spec;
}

/** Fraction of populations alive vs step, one line per layer (and per `series` if present). */
export function survivalPlot(survival: ColumnTable, series = 'layer'): Spec {
  return {
    width: 360,
    height: 220,
    data: { values: values(survival) },
    mark: 'line',
    encoding: {
      x: { field: 'step', type: 'quantitative', title: 'optimizer step' },
      y: { field: 'fraction', type: 'quantitative', title: 'fraction alive', scale: { domain: [0, 1] } },
      color: { field: series, type: 'nominal', legend: { labelLimit: 400 } },
      strokeDash: { field: 'layer', type: 'nominal' },
    },
  };
}

/** Mass trajectories of a sample of populations, over quantile bands (10–90 %, 25–75 %) and the median. */
export function massTrajectories(masses: ColumnTable, sample = 24): Spec {
  const rows = values(masses) as { step: number; layer: number; population: number; mass: number }[];
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
    const living = rows
      .filter((r) => r.step === step && r.mass > 0)
      .map((r) => r.mass)
      .sort((a, b) => a - b);
    if (living.length === 0) continue;
    const q = (p: number) => living[Math.min(living.length - 1, Math.floor(p * living.length))]!;
    bands.push({ step, q10: q(0.1), q25: q(0.25), q50: q(0.5), q75: q(0.75), q90: q(0.9) });
  }
  const lines = rows.filter((r) => chosen.has(`${r.layer}:${r.population}`));
  return {
    width: 360,
    height: 220,
    layer: [
      {
        data: { values: bands },
        mark: { type: 'area', opacity: 0.2 },
        encoding: { x: { field: 'step', type: 'quantitative' }, y: { field: 'q10', type: 'quantitative', title: 'mass' }, y2: { field: 'q90' } },
      },
      {
        data: { values: bands },
        mark: { type: 'area', opacity: 0.3 },
        encoding: { x: { field: 'step', type: 'quantitative' }, y: { field: 'q25', type: 'quantitative' }, y2: { field: 'q75' } },
      },
      {
        data: { values: bands },
        mark: { type: 'line', color: 'black' },
        encoding: { x: { field: 'step', type: 'quantitative' }, y: { field: 'q50', type: 'quantitative' } },
      },
      {
        data: { values: lines },
        mark: { type: 'line', strokeWidth: 0.8, opacity: 0.7 },
        encoding: {
          x: { field: 'step', type: 'quantitative', title: 'optimizer step' },
          y: { field: 'mass', type: 'quantitative' },
          detail: { field: 'population' },
          color: { field: 'layer', type: 'nominal' },
        },
      },
    ],
  } as Spec;
}

/** Histogram of living masses at the chosen epochs (the telemetry record nearest each). */
export function massHistograms(masses: ColumnTable, epochs: number[]): Spec {
  const rows = values(masses) as { step: number; epoch: number; mass: number }[];
  const steps = [...new Set(rows.map((r) => r.step))];
  const picked = epochs.map((e) =>
    steps.reduce(
      (best, s) => (Math.abs(rows.find((r) => r.step === s)!.epoch - e) < Math.abs(rows.find((r) => r.step === best)!.epoch - e) ? s : best),
      steps[0]!,
    ),
  );
  const data = rows.filter((r) => picked.includes(r.step) && r.mass > 0).map((r) => ({ ...r, at: `epoch ${r.epoch.toFixed(1)}` }));
  return {
    width: 180,
    height: 140,
    data: { values: data },
    mark: 'bar',
    encoding: {
      x: { field: 'mass', type: 'quantitative', bin: { maxbins: 30 } },
      y: { aggregate: 'count', type: 'quantitative' },
      column: { field: 'at', type: 'nominal', title: null },
    },
  };
}

/** Accuracy against sparsity for every run or pruning, the paper's points marked in black. */
export function accuracySparsity(points: ColumnTable, color = 'dynamic'): Spec {
  const paper = [
    { sparsity: 0, accuracy: PAPER.dense, source: 'paper' },
    { sparsity: 0.35, accuracy: PAPER.pruned35, source: 'paper' },
    { sparsity: 0.5, accuracy: 0.8845, source: 'paper' },
  ];
  return {
    width: 360,
    height: 240,
    layer: [
      {
        data: { values: values(points) },
        mark: { type: 'point', filled: true, size: 60, opacity: 0.8 },
        encoding: {
          x: { field: 'sparsity', type: 'quantitative', scale: { domain: [0, 1] }, title: 'sparsity (fraction of populations removed or extinct)' },
          y: { field: 'accuracy', type: 'quantitative', scale: { zero: false } },
          color: { field: color, type: 'nominal', legend: { labelLimit: 400 } },
          ...(values(points)[0] && 'how' in values(points)[0]! ? { shape: { field: 'how', type: 'nominal' } } : {}),
        },
      },
      {
        data: { values: paper },
        mark: { type: 'point', shape: 'diamond', size: 120, color: 'black' },
        encoding: { x: { field: 'sparsity', type: 'quantitative' }, y: { field: 'accuracy', type: 'quantitative' }, tooltip: { field: 'source' } },
      },
    ],
  } as Spec;
}
