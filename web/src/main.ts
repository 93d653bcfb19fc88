import { canShareMemory, DYNAMIC_NAMES, trainInWorker, type PruneResult, type ThreadsInfo, type TrainConfigInput } from '../../src/vite.js';
import { loadMnist } from './data.js';

/** What the demo lets the user choose. */
type DemoConfig = Required<Pick<TrainConfigInput, 'dynamic' | 'eta' | 'epochs' | 'seed' | 'trainLimit' | 'hidden'>> & { threads: number };

const $ = <T extends Element>(selector: string) => document.querySelector(selector) as T;
const form = $<HTMLFormElement>('#controls');
const status = $<HTMLDivElement>('#status');
const slider = $<HTMLInputElement>('#prune');
const select = form.elements.namedItem('dynamic') as HTMLSelectElement;
for (const name of DYNAMIC_NAMES) select.add(new Option(name, name, name === 'exponential', name === 'exponential'));

/** What the end-to-end test reads. */
const result: { done: boolean; stateHash?: string; testAccuracy?: number; error?: string; threads?: ThreadsInfo; crossOriginIsolated?: boolean } = {
  done: false,
  crossOriginIsolated: canShareMemory(),
};
(window as unknown as { evoprune: typeof result }).evoprune = result;

const SVG = 'http://www.w3.org/2000/svg';
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd'];

function draw(svg: SVGSVGElement, series: number[][], yMax: number, labels: string[] = []): void {
  svg.replaceChildren();
  const [w, h, pad] = [300, 160, 24];
  const length = Math.max(2, ...series.map((s) => s.length));
  const axis = document.createElementNS(SVG, 'path');
  axis.setAttribute('d', `M${pad},4 V${h - pad} H${w - 4}`);
  axis.setAttribute('stroke', '#999');
  axis.setAttribute('fill', 'none');
  svg.append(axis);
  series.forEach((values, k) => {
    const line = document.createElementNS(SVG, 'polyline');
    const points = values.map((v, i) => `${pad + (i / (length - 1)) * (w - pad - 4)},${h - pad - (v / yMax) * (h - pad - 4)}`);
    line.setAttribute('points', points.join(' '));
    line.setAttribute('fill', 'none');
    line.setAttribute('stroke', COLORS[k % COLORS.length]!);
    line.setAttribute('stroke-width', '2');
    svg.append(line);
    if (labels[k]) {
      const text = document.createElementNS(SVG, 'text');
      text.setAttribute('x', String(w - 70));
      text.setAttribute('y', String(14 + 12 * k));
      text.setAttribute('font-size', '10');
      text.setAttribute('fill', COLORS[k % COLORS.length]!);
      text.textContent = labels[k]!;
      svg.append(text);
    }
  });
  const top = document.createElementNS(SVG, 'text');
  top.setAttribute('x', '0');
  top.setAttribute('y', '10');
  top.setAttribute('font-size', '9');
  top.textContent = String(yMax);
  svg.append(top);
}

function histogram(svg: SVGSVGElement, masses: number[]): void {
  svg.replaceChildren();
  if (masses.length === 0) return;
  const max = Math.max(...masses);
  const bins = new Array<number>(30).fill(0);
  for (const m of masses) bins[Math.min(29, Math.floor((m / max) * 30))]! += 1;
  const tallest = Math.max(...bins);
  bins.forEach((count, i) => {
    const bar = document.createElementNS(SVG, 'rect');
    const height = (count / tallest) * 130;
    bar.setAttribute('x', String(10 + i * 9.4));
    bar.setAttribute('y', String(140 - height));
    bar.setAttribute('width', '8');
    bar.setAttribute('height', String(height));
    bar.setAttribute('fill', '#1f77b4');
    svg.append(bar);
  });
  const label = document.createElementNS(SVG, 'text');
  label.setAttribute('x', '10');
  label.setAttribute('y', '155');
  label.setAttribute('font-size', '10');
  label.textContent = `0 … ${max.toFixed(2)}  (${masses.length} living)`;
  svg.append(label);
}

let pruneRows: PruneResult[] = [];
let denseParameters = 0;

function showPrune(): void {
  const percent = Number(slider.value);
  $('#prune-value').textContent = `${percent} %`;
  const row = pruneRows.find((r) => Math.round(r.fraction * 100) === percent);
  if (!row) return;
  $('#prune-result').textContent = row.refused
    ? `refused: ${row.refused}`
    : `accuracy ${(100 * row.accuracy).toFixed(2)} % · compact model ${row.compactSizes!.join('-')} · ${row.compactParameters!.toLocaleString()} parameters (${((100 * row.compactParameters!) / denseParameters).toFixed(1)} % of dense)`;
}
slider.addEventListener('input', showPrune);

let running: AbortController | undefined;

async function start(config: DemoConfig): Promise<void> {
  running?.abort();
  const controller = new AbortController();
  running = controller;
  const accuracy: number[] = [];
  const alive: number[][] = config.hidden.map(() => []);
  result.done = false;
  slider.disabled = true;
  status.textContent = 'loading MNIST…';
  try {
    const dataset = await loadMnist(new URL('./mnist/', document.baseURI).href, config.trainLimit, 2000);
    const { threads, ...trainConfig } = config;
    let threadsUsed = 1;
    const summary = await trainInWorker(
      { ...trainConfig, telemetryEvery: 20 },
      {
        dataset,
        threads,
        onThreads: (info) => {
          threadsUsed = info.used;
          result.threads = info;
        },
        worker: new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' }),
        signal: controller.signal,
        analyse: { prune: [{ score: 'mass', fractions: Array.from({ length: 20 }, (_, i) => i / 20) }], compactEach: true },
        onProgress: (p) => {
          status.textContent = `epoch ${p.epoch}/${p.epochs} · batch ${p.batch}/${p.batches} · loss ${p.loss.toFixed(4)} · ${Math.round(p.samplesPerSecond)} samples/s on ${threadsUsed} thread${threadsUsed > 1 ? 's' : ''}`;
        },
        onEpoch: (metrics) => {
          accuracy.push(metrics.testAccuracy);
          draw($('#accuracy'), [accuracy], 1);
        },
        onTelemetry: (record) => {
          for (const [l, n] of record.alive.entries()) alive[l]!.push(n);
          draw(
            $('#alive'),
            alive,
            Math.max(...config.hidden),
            config.hidden.map((n, l) => `layer ${l + 1} (${n})`),
          );
          histogram(
            $('#masses'),
            record.masses.flatMap((m) => Array.from(m).filter((x) => x > 0)),
          );
        },
      },
    );
    pruneRows = summary.analysis?.pruning ?? [];
    denseParameters = summary.sizes.slice(1).reduce((total, n, l) => total + (summary.sizes[l]! + 1) * n, 0);
    slider.disabled = false;
    showPrune();
    status.textContent = `done: test accuracy ${(100 * summary.testAccuracy).toFixed(2)} % · emergent sparsity ${(100 * summary.sparsity).toFixed(1)} % · alive ${summary.alive.join('+')} · stateHash ${summary.stateHash}`;
    Object.assign(result, { done: true, stateHash: summary.stateHash, testAccuracy: summary.testAccuracy });
  } catch (error) {
    if (controller.signal.aborted) return;
    const message = error instanceof Error ? error.message : String(error);
    status.textContent = `error: ${message}`;
    Object.assign(result, { done: true, error: message });
  }
}

function configFrom(get: (name: string) => string | null): DemoConfig {
  const num = (name: string, fallback: number) => {
    const v = get(name);
    return v === null || v === '' ? fallback : Number(v);
  };
  return {
    dynamic: (get('dynamic') ?? 'exponential') as DemoConfig['dynamic'],
    eta: num('eta', 0.04),
    epochs: num('epochs', 3),
    seed: num('seed', 0),
    trainLimit: num('trainLimit', 10000),
    hidden: (get('hidden') ?? '512,256').split(',').map(Number),
    // All the cores when the page can share memory with workers (the demo's servers send the
    // COOP/COEP headers); one thread otherwise, with the same bits.
    threads: num('threads', canShareMemory() ? Math.min(navigator.hardwareConcurrency || 1, 64) : 1),
  };
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const data = new FormData(form);
  void start(configFrom((name) => data.get(name) as string | null));
});

// ?auto&epochs=1&trainLimit=1000… starts at once (the end-to-end test uses this).
const params = new URLSearchParams(location.search);
for (const [name, value] of params) {
  const field = form.elements.namedItem(name);
  if (field instanceof HTMLInputElement || field instanceof HTMLSelectElement) field.value = value;
}
if (params.has('auto')) void start(configFrom((name) => params.get(name)));
