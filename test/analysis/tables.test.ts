import * as aq from 'arquero';
import { describe, expect, it } from 'vitest';
import { accuracySparsity, renderSvg, survivalPlot, trainingCurves } from '../../src/analysis/plots.js';
import { extinctionTimeline, meanStd, paretoFrontier, survivalCurve } from '../../src/analysis/tables.js';
import type { TelemetryRecord } from '../../src/index.js';

const record = (step: number, masses: number[][]): TelemetryRecord => ({
  step,
  epoch: step / 10,
  alive: masses.map((m) => m.filter((x) => x > 0).length),
  masses: masses.map((m) => Float32Array.from(m)),
  fitness: masses.map((m) => new Float32Array(m.length)),
  eta: [],
});

const telemetry = [
  record(0, [
    [1, 1, 1, 1],
    [1, 1],
  ]),
  record(10, [
    [2, 0, 1, 1],
    [1, 1],
  ]),
  record(20, [
    [3, 0, 0, 1],
    [0, 2],
  ]),
];

describe('analysis tables', () => {
  it('survival curve: fraction alive per layer and step', () => {
    const rows = survivalCurve(telemetry).objects() as { step: number; layer: number; fraction: number }[];
    expect(rows.map((r) => [r.step, r.layer, r.fraction])).toEqual([
      [0, 1, 1],
      [0, 2, 1],
      [10, 1, 0.75],
      [10, 2, 1],
      [20, 1, 0.5],
      [20, 2, 0.5],
    ]);
  });

  it('extinction timeline: the first step each population is seen extinct', () => {
    expect(extinctionTimeline(telemetry).objects()).toEqual([
      { layer: 1, population: 1, step: 10, epoch: 1 },
      { layer: 1, population: 2, step: 20, epoch: 2 },
      { layer: 2, population: 0, step: 20, epoch: 2 },
    ]);
  });

  it('Pareto set keeps exactly the undominated points', () => {
    const points = aq.from([
      { name: 'a', sparsity: 0, accuracy: 0.98 },
      { name: 'b', sparsity: 0.5, accuracy: 0.97 },
      { name: 'c', sparsity: 0.4, accuracy: 0.96 }, // dominated by b
      { name: 'd', sparsity: 0.8, accuracy: 0.95 },
      { name: 'e', sparsity: 0.8, accuracy: 0.9 }, // dominated by d
      { name: 'f', sparsity: 0, accuracy: 0.97 }, // dominated by a
    ]);
    expect(paretoFrontier(points).array('name')).toEqual(['a', 'b', 'd']);
  });

  it('mean ± std over seeds', () => {
    const t = aq.from([
      { dynamic: 'x', seed: 0, accuracy: 0.9 },
      { dynamic: 'x', seed: 1, accuracy: 0.8 },
      { dynamic: 'y', seed: 0, accuracy: 0.5 },
    ]);
    const rows = meanStd(t, ['dynamic'], ['accuracy']).objects() as Record<string, number>[];
    expect(rows[0]!.runs).toBe(2);
    expect(rows[0]!.accuracyMean).toBeCloseTo(0.85, 10);
    expect(rows[0]!.accuracyStd).toBeCloseTo(Math.sqrt(0.005), 10);
  });
});

describe('plots (vega-lite rendered to SVG in Node)', () => {
  const parse = (svg: string) => new DOMParserLike(svg);
  it('survival, training curves and accuracy–sparsity render with their marks', async () => {
    const survival = await renderSvg(survivalPlot(survivalCurve(telemetry)));
    expect(parse(survival).ok).toBe(true);
    expect(survival).toContain('class="mark-line role-mark');
    const curves = await renderSvg(
      trainingCurves(
        aq.from([
          { epoch: 1, testAccuracy: 0.9, trainLoss: 0.5 },
          { epoch: 2, testAccuracy: 0.95, trainLoss: 0.3 },
        ]),
      ),
    );
    expect(curves).toContain('mark-line');
    const scatter = await renderSvg(accuracySparsity(aq.from([{ dynamic: 'x', sparsity: 0.5, accuracy: 0.97 }])));
    expect(scatter).toContain('mark-symbol');
    // The paper's three points are drawn as diamonds.
    expect((scatter.match(/<path[^>]*transform="translate/g) ?? []).length).toBeGreaterThanOrEqual(4);
  });
});

/** A minimal well-formedness check: balanced tags and one <svg> root. */
class DOMParserLike {
  ok: boolean;
  constructor(svg: string) {
    const stack: string[] = [];
    let ok = svg.trimStart().startsWith('<svg');
    for (const m of svg.matchAll(/<(\/?)([a-zA-Z][\w:-]*)[^>]*?(\/?)>/g)) {
      if (m[3] === '/') continue;
      if (m[1] === '/') ok &&= stack.pop() === m[2];
      else stack.push(m[2]!);
    }
    this.ok = ok && stack.length === 0;
  }
}
