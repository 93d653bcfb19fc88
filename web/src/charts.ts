// The demo's charts: vega-lite specs compiled in the page and rendered by vega as SVG, fed through
// named datasets so they update in place as epochs and telemetry arrive.
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** Epoch axes: whole epochs only (a 3-epoch run must not show 0.5). */
const epochAxis = (epochs: number) => ({
  field: 'epoch',
  type: 'quantitative' as const,
  title: 'epoch',
  scale: { domain: [0, epochs], nice: false },
  axis: { tickMinStep: 1, format: 'd' },
});

const common = { width: 'container' as const, height: 170, autosize: { type: 'fit-x' as const, contains: 'padding' as const, resize: true } };

/** Test and training accuracy per epoch; rows `{ epoch, series, value }`. */
export function accuracySpec(epochs: number): TopLevelSpec {
  return {
    ...common,
    title: 'accuracy by epoch',
    data: { name: 'rows' },
    mark: { type: 'line', point: true },
    encoding: {
      x: epochAxis(epochs),
      y: { field: 'value', type: 'quantitative', title: 'accuracy', scale: { zero: false }, axis: { format: '.0%' } },
      color: {
        field: 'series',
        type: 'nominal',
        title: null,
        scale: { domain: ['test', 'train'], range: ['#1f77b4', '#aec7e8'] },
        legend: { orient: 'bottom-right' },
      },
      tooltip: [
        { field: 'series', title: 'set' },
        { field: 'epoch', title: 'epoch' },
        { field: 'value', title: 'accuracy', format: '.2%' },
      ],
    },
  };
}

/** Training and test loss per epoch; rows `{ epoch, series, value }`. */
export function lossSpec(epochs: number): TopLevelSpec {
  return {
    ...common,
    title: 'cross-entropy loss by epoch',
    data: { name: 'rows' },
    mark: { type: 'line', point: true },
    encoding: {
      x: epochAxis(epochs),
      y: { field: 'value', type: 'quantitative', title: 'loss', scale: { zero: false } },
      color: {
        field: 'series',
        type: 'nominal',
        title: null,
        scale: { domain: ['test', 'train'], range: ['#d62728', '#ff9896'] },
        legend: { orient: 'top-right' },
      },
      tooltip: [
        { field: 'series', title: 'set' },
        { field: 'epoch', title: 'epoch' },
        { field: 'value', title: 'loss', format: '.4f' },
      ],
    },
  };
}

/**
 * Living populations per hidden layer over training (telemetry rows `{ epoch, layer, alive }`),
 * with the target of a run that steers to one as dashed rules (rows `{ layer, target }`).
 */
export function aliveSpec(epochs: number, layers: string[], widest: number): TopLevelSpec {
  const color = { field: 'layer', type: 'nominal' as const, title: null, scale: { domain: layers }, legend: { orient: 'top-right' as const } };
  return {
    ...common,
    title: 'populations alive (extinctions)',
    layer: [
      {
        data: { name: 'alive' },
        mark: { type: 'line', interpolate: 'step-after' },
        encoding: {
          x: epochAxis(epochs),
          y: { field: 'alive', type: 'quantitative', title: 'populations alive', scale: { domain: [0, widest] } },
          color,
          tooltip: [
            { field: 'layer', title: 'layer' },
            { field: 'epoch', title: 'epoch', format: '.2f' },
            { field: 'alive', title: 'alive' },
          ],
        },
      },
      {
        data: { name: 'targets' },
        mark: { type: 'rule', strokeDash: [4, 3], opacity: 0.7 },
        encoding: { y: { field: 'target', type: 'quantitative' }, color, tooltip: [{ field: 'target', title: 'target alive' }] },
      },
    ],
  };
}

/** Histogram of living populations' masses, stacked by layer: rows `{ layer, start, end, count }`. */
export function massSpec(layers: string[]): TopLevelSpec {
  return {
    ...common,
    title: 'mass distribution of living populations',
    data: { name: 'bins' },
    mark: { type: 'bar', binSpacing: 1 },
    encoding: {
      x: { field: 'start', type: 'quantitative', title: 'mass', bin: { binned: true }, axis: { format: '.2~f' } },
      x2: { field: 'end' },
      y: { field: 'count', type: 'quantitative', title: 'populations', stack: true },
      color: { field: 'layer', type: 'nominal', title: null, scale: { domain: layers }, legend: { orient: 'top-left' } },
      tooltip: [
        { field: 'layer', title: 'layer' },
        { field: 'start', title: 'from', format: '.3f' },
        { field: 'end', title: 'to', format: '.3f' },
        { field: 'count', title: 'populations' },
      ],
    },
  };
}

/** The 10 class probabilities of a drawing: rows `{ digit, probability, predicted }`. */
export function probabilitySpec(): TopLevelSpec {
  const x = { field: 'digit', type: 'ordinal' as const, title: 'digit', axis: { labelAngle: 0 } };
  return {
    width: 'container',
    height: 150,
    autosize: { type: 'fit-x', contains: 'padding', resize: true },
    title: 'class probabilities (softmax of the logits)',
    data: { name: 'probabilities' },
    layer: [
      {
        mark: 'bar',
        encoding: {
          x,
          y: { field: 'probability', type: 'quantitative', title: 'probability', scale: { domain: [0, 1] }, axis: { format: '.0%' } },
          color: { field: 'predicted', type: 'nominal', scale: { domain: [false, true], range: ['#9ecae1', '#08519c'] }, legend: null },
          tooltip: [
            { field: 'digit', title: 'digit' },
            { field: 'probability', title: 'probability', format: '.4f' },
          ],
        },
      },
      {
        transform: [{ filter: 'datum.probability >= 0.01' }],
        mark: { type: 'text', dy: -6, fontSize: 10 },
        encoding: { x, y: { field: 'probability', type: 'quantitative' }, text: { field: 'probability', format: '.0%' } },
      },
    ],
  };
}

/** A vega view of a compiled vega-lite spec whose named datasets can be replaced, at most once a frame. */
export class LiveChart {
  private readonly view: vega.View;
  private readonly pending = new Map<string, object[]>();
  private scheduled = false;
  private rendering: Promise<unknown> = Promise.resolve();

  constructor(container: HTMLElement, spec: TopLevelSpec) {
    this.view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'svg', container, hover: true });
    this.rendering = this.view.runAsync();
  }

  /** Replaces dataset `name` with `rows` (rendered on the next animation frame). */
  set(name: string, rows: object[]): void {
    this.pending.set(name, rows);
    if (this.scheduled) return;
    this.scheduled = true;
    requestAnimationFrame(() => {
      this.scheduled = false;
      for (const [dataset, values] of this.pending) this.view.data(dataset, values);
      this.pending.clear();
      this.rendering = this.view.runAsync();
    });
  }

  /** Resolves once everything set so far is drawn. */
  async settled(): Promise<void> {
    while (this.scheduled) await new Promise((resolve) => requestAnimationFrame(resolve));
    await this.rendering;
  }

  finalize(): void {
    this.view.finalize();
  }
}

/**
 * `values` in `bins` equal bins from 0 to the largest value (at least `floor`), so that bars keep
 * their meaning while masses move; rows `{ layer, start, end, count }`.
 */
export function histogram(layers: { layer: string; values: ArrayLike<number> }[], bins: number, floor: number) {
  let top = floor;
  for (const { values } of layers) for (let i = 0; i < values.length; i++) top = Math.max(top, values[i]!);
  const width = top / bins;
  return layers.flatMap(({ layer, values }) => {
    const counts = new Array<number>(bins).fill(0);
    for (let i = 0; i < values.length; i++) counts[Math.min(bins - 1, Math.floor(values[i]! / width))]! += 1;
    return counts.map((count, b) => ({ layer, start: b * width, end: (b + 1) * width, count }));
  });
}
