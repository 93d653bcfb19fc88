import {
  canShareMemory,
  DYNAMIC_NAMES,
  PRESETS,
  type PruneResult,
  resolveTrainConfig,
  type TelemetryRecord,
  type ThreadsInfo,
  type TrainConfig,
  type TrainConfigInput,
  trainInWorker,
  viteEngine,
  WasmModel,
} from '../../src/vite.js';
// ONNX export has its own entry (evoprune/onnx): onnx-proto is CommonJS, for bundlers only.
import { modelToOnnx } from '../../src/export/onnx.js';
import { accuracySpec, aliveSpec, histogram, LiveChart, lossSpec, massSpec, probabilitySpec } from './charts.js';
import { loadMnist } from './data.js';
import { MNIST_SIDE, toMnist } from './digit.js';
import { DrawingPad } from './pad.js';

/** The demo's default: the recommended evolving setup (README, Presets), on the served MNIST subset. */
const DEFAULT_PRESET = 'target-80';
const TEST_IMAGES = 2000;
/** Telemetry every 20 steps: a 10,000-image epoch gives 4 points of the extinction curve. */
const TELEMETRY_EVERY = 20;

const $ = <T extends Element>(selector: string) => document.querySelector(selector) as T;
const form = $<HTMLFormElement>('#controls');
const status = $<HTMLDivElement>('#status');
const slider = $<HTMLInputElement>('#prune');
const field = (name: string) => form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement;

const presetSelect = field('preset') as HTMLSelectElement;
presetSelect.add(new Option('none (fields below)', ''));
for (const [name, preset] of Object.entries(PRESETS)) {
  const option = new Option(name, name, name === DEFAULT_PRESET, name === DEFAULT_PRESET);
  option.title = preset.description;
  presetSelect.add(option);
}
const dynamicSelect = field('dynamic') as HTMLSelectElement;
dynamicSelect.add(new Option("preset's", ''));
for (const name of DYNAMIC_NAMES) dynamicSelect.add(new Option(name, name));
const describePreset = () => {
  $('#preset-description').textContent = presetSelect.value ? `${presetSelect.value}: ${PRESETS[presetSelect.value]?.description}` : '';
};
presetSelect.addEventListener('change', describePreset);

/** The page's state for the end-to-end test and the screenshot script. */
interface DemoState {
  done: boolean;
  crossOriginIsolated: boolean;
  error?: string;
  /** The resolved configuration the run trained with (what Node must reproduce). */
  config?: TrainConfig;
  threads?: ThreadsInfo;
  stateHash?: string;
  testAccuracy?: number;
  sparsity?: number;
  /** Hidden widths, and the living populations per layer at every telemetry record. */
  widths?: number[];
  aliveHistory?: number[][];
  /** Seconds from pressing Train (data loading included) to the summary, and training alone. */
  wallSeconds?: number;
  trainSeconds?: number;
  /** Each epoch's wall time and training throughput. */
  epochs?: { seconds: number; samplesPerSecond: number }[];
  compactSizes?: number[];
  /** The last drawing: what the model saw, its prediction and class probabilities. */
  drawing?: { pixels: number[]; digit: number; probabilities: number[] };
}
const state: DemoState = { done: false, crossOriginIsolated: canShareMemory() };
(window as unknown as { evoprune: DemoState }).evoprune = state;

// ---- Charts --------------------------------------------------------------------------------

let charts: { accuracy: LiveChart; loss: LiveChart; alive: LiveChart; masses: LiveChart } | undefined;

function layerNames(widths: number[]): string[] {
  return widths.map((n, l) => `layer ${l + 1} (${n})`);
}

function newCharts(epochs: number, widths: number[]) {
  for (const chart of Object.values(charts ?? {})) chart.finalize();
  const layers = layerNames(widths);
  charts = {
    accuracy: new LiveChart($('#accuracy'), accuracySpec(epochs)),
    loss: new LiveChart($('#loss'), lossSpec(epochs)),
    alive: new LiveChart($('#alive'), aliveSpec(epochs, layers, Math.max(...widths))),
    masses: new LiveChart($('#masses'), massSpec(layers)),
  };
  return charts;
}

const probabilities = new LiveChart($('#probabilities'), probabilitySpec());

/** Resolves once every chart has drawn what it was given (the end-to-end test waits on it). */
(window as unknown as { evopruneSettled: () => Promise<void> }).evopruneSettled = async () => {
  await Promise.all([...Object.values(charts ?? {}), probabilities].map((chart) => chart.settled()));
};

// ---- The trained model: drawing, pruning, downloads ------------------------------------------

let trained: { bytes: Uint8Array; compact: WasmModel } | undefined;
let pruneRows: PruneResult[] = [];
let denseParameters = 0;
/** The run's own sparsity, in the slider's 5 % steps. */
let emergent = 0;

const inputCanvas = $<HTMLCanvasElement>('#input');
const pad = new DrawingPad($<HTMLCanvasElement>('#pad'), (ink, width, height) => {
  const pixels = toMnist(ink, width, height);
  const preview = inputCanvas.getContext('2d')!;
  const image = preview.createImageData(MNIST_SIDE, MNIST_SIDE);
  for (let i = 0; i < MNIST_SIDE * MNIST_SIDE; i++) {
    const v = pixels?.[i] ?? 0;
    image.data.set([v, v, v, 255], 4 * i);
  }
  preview.putImageData(image, 0, 0);
  if (!pixels || !trained) {
    $('#predicted').textContent = '–';
    $('#prediction-note').textContent = trained ? 'draw a digit (0–9) on the black square' : 'train a model, then draw';
    probabilities.set('probabilities', []);
    state.drawing = undefined;
    return;
  }
  const prediction = trained.compact.predict(pixels);
  const digit = prediction.classes[0]!;
  const p = Array.from(prediction.probabilities);
  $('#predicted').textContent = String(digit);
  $('#prediction-note').textContent = `${(100 * p[digit]!).toFixed(1)} % sure · compact model ${trained.compact.sizes.join('-')}`;
  probabilities.set(
    'probabilities',
    p.map((probability, d) => ({ digit: d, probability, predicted: d === digit })),
  );
  state.drawing = { pixels: Array.from(pixels), digit, probabilities: p };
});
$('#clear').addEventListener('click', () => pad.clear());

function showPrune(): void {
  const percent = Number(slider.value);
  $('#prune-value').textContent = `${percent} %`;
  const row = pruneRows.find((r) => Math.round(r.fraction * 100) === percent);
  if (!row) return;
  $('#prune-result').textContent = row.refused
    ? `refused: ${row.refused}`
    : `accuracy ${(100 * row.accuracy).toFixed(2)} % · compact model ${row.compactSizes!.join('-')} · ${row.compactParameters!.toLocaleString()} parameters (${((100 * row.compactParameters!) / denseParameters).toFixed(1)} % of dense)` +
      (percent <= emergent ? ' · selection already made this many extinct: the model as trained' : '');
}
slider.addEventListener('input', showPrune);

/** Offers `bytes` as a file named `name` (a click on a temporary download link). */
function download(bytes: Uint8Array, name: string, type: string): void {
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type }));
  const link = Object.assign(document.createElement('a'), { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

$('#download-model').addEventListener('click', () => {
  if (trained) download(trained.bytes, 'model.bin', 'application/octet-stream');
});
$('#download-onnx').addEventListener('click', () => {
  if (!trained) return;
  try {
    download(modelToOnnx(trained.compact), 'model.onnx', 'application/octet-stream');
    $('#download-note').textContent = '';
  } catch (error) {
    $('#download-note').textContent = `ONNX export failed: ${error instanceof Error ? error.message : String(error)}`;
  }
});

function keepModel(bytes: Uint8Array): WasmModel {
  const model = WasmModel.fromBytes(viteEngine().wasm, bytes);
  try {
    const compact = model.compact();
    trained?.compact.free();
    trained = { bytes, compact };
    return compact;
  } finally {
    model.free();
  }
}

// ---- Training ------------------------------------------------------------------------------

/** What the form (or the URL) asks for: a training configuration and the threads to train on. */
interface DemoRun {
  input: TrainConfigInput;
  threads: number;
}

let running: AbortController | undefined;

async function start(run: DemoRun): Promise<void> {
  running?.abort();
  const controller = new AbortController();
  running = controller;
  const began = performance.now();
  Object.assign(state, { done: false, error: undefined, stateHash: undefined });
  slider.disabled = true;
  $<HTMLButtonElement>('#stop').disabled = false;
  try {
    const config = resolveTrainConfig(run.input);
    const widths = config.hidden;
    const layers = layerNames(widths);
    Object.assign(state, { config, widths, aliveHistory: [], epochs: [] });
    const view = newCharts(config.epochs, widths);
    const accuracy: object[] = [];
    const loss: object[] = [];
    const alive: object[] = layers.map((layer, l) => ({ epoch: 0, layer, alive: widths[l] }));
    view.alive.set('alive', alive);
    if (config.targetSparsity !== undefined) {
      const target = config.targetSparsity;
      view.alive.set(
        'targets',
        widths.map((n, l) => ({ layer: layers[l], target: n - Math.round(target * n) })),
      );
    }
    $('#alive-note').textContent =
      config.targetSparsity !== undefined ? `dashed: the target, ${Math.round(100 * config.targetSparsity)} % extinct per layer` : '';
    $('#masses-note').textContent = '';
    status.textContent = 'loading MNIST…';
    const dataset = await loadMnist(new URL('./mnist/', document.baseURI).href, config.trainLimit ?? Number.POSITIVE_INFINITY, TEST_IMAGES);
    let threadsUsed = 1;
    const onTelemetry = (record: TelemetryRecord) => {
      state.aliveHistory!.push(record.alive);
      for (const [l, n] of record.alive.entries()) alive.push({ epoch: record.epoch, layer: layers[l], alive: n });
      view.alive.set('alive', [...alive]);
      const living = record.masses.map((m, l) => ({ layer: layers[l]!, values: m.filter((x) => x > 0) }));
      view.masses.set('bins', histogram(living, 25, 1));
      const total = record.alive.reduce((a, b) => a + b, 0);
      const populations = widths.reduce((a, b) => a + b, 0);
      $('#masses-note').textContent = `epoch ${record.epoch.toFixed(2)} · step ${record.step} · ${total} of ${populations} alive`;
      $('#alive-note').textContent =
        `${record.alive.map((n, l) => `layer ${l + 1}: ${n}/${widths[l]}`).join(' · ')} · ${(100 * (1 - total / populations)).toFixed(1)} % extinct` +
        (config.targetSparsity !== undefined ? ` (dashed: target ${Math.round(100 * config.targetSparsity)} %)` : '');
    };
    const summary = await trainInWorker(config, {
      dataset,
      threads: run.threads,
      keepModel: true,
      onThreads: (info) => {
        threadsUsed = info.used;
        state.threads = info;
      },
      worker: new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' }),
      signal: controller.signal,
      analyse: { prune: [{ score: 'mass', fractions: Array.from({ length: 20 }, (_, i) => i / 20) }], compactEach: true },
      onProgress: (p) => {
        status.textContent = `epoch ${p.epoch}/${p.epochs} · batch ${p.batch}/${p.batches} · loss ${p.loss.toFixed(4)} · ${Math.round(p.samplesPerSecond)} samples/s on ${threadsUsed} thread${threadsUsed > 1 ? 's' : ''}`;
      },
      onEpoch: (m) => {
        state.epochs!.push({ seconds: m.seconds, samplesPerSecond: m.samplesPerSecond });
        accuracy.push({ epoch: m.epoch, series: 'test', value: m.testAccuracy }, { epoch: m.epoch, series: 'train', value: m.trainAccuracy });
        loss.push({ epoch: m.epoch, series: 'test', value: m.testLoss }, { epoch: m.epoch, series: 'train', value: m.trainLoss });
        view.accuracy.set('rows', [...accuracy]);
        view.loss.set('rows', [...loss]);
      },
      onTelemetry,
    });
    const wallSeconds = (performance.now() - began) / 1000;
    const compact = keepModel(summary.model!);
    pruneRows = summary.analysis?.pruning ?? [];
    denseParameters = summary.sizes.slice(1).reduce((total, n, l) => total + (summary.sizes[l]! + 1) * n, 0);
    // Below the run's own sparsity, hard pruning removes nothing selection has not: start there.
    emergent = Math.min(95, 5 * Math.floor(20 * summary.sparsity + 1e-9));
    Object.assign(slider, { value: String(emergent), disabled: false });
    showPrune();
    $('#model-summary').textContent =
      `trained ${summary.sizes.join('-')} · ${(100 * summary.testAccuracy).toFixed(2)} % on ${dataset.test.rows} test images · ` +
      `${(100 * summary.sparsity).toFixed(1)} % of populations extinct (alive ${summary.alive.join('+')}) · ` +
      `compact ${compact.sizes.join('-')}: ${compact.parameterCount.toLocaleString()} parameters (${((100 * compact.parameterCount) / denseParameters).toFixed(1)} % of dense)`;
    for (const id of ['#download-model', '#download-onnx']) $<HTMLButtonElement>(id).disabled = false;
    pad.changed(); // a drawing made before the model existed gets its prediction
    status.textContent = `done in ${wallSeconds.toFixed(1)} s (training ${summary.seconds.toFixed(1)} s on ${threadsUsed} thread${threadsUsed > 1 ? 's' : ''}): test accuracy ${(100 * summary.testAccuracy).toFixed(2)} % · ${(100 * summary.sparsity).toFixed(1)} % extinct · stateHash ${summary.stateHash.slice(0, 16)}…`;
    Object.assign(state, {
      stateHash: summary.stateHash,
      testAccuracy: summary.testAccuracy,
      sparsity: summary.sparsity,
      wallSeconds,
      trainSeconds: summary.seconds,
      compactSizes: compact.sizes,
    });
    await Promise.all([...Object.values(view), probabilities].map((chart) => chart.settled()));
    state.done = true;
  } catch (error) {
    if (controller.signal.aborted) {
      if (running === controller) status.textContent = 'stopped';
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    status.textContent = `error: ${message}`;
    Object.assign(state, { done: true, error: message });
  } finally {
    if (running === controller) $<HTMLButtonElement>('#stop').disabled = true;
  }
}

/** The run a form or URL asks for; an empty field takes the preset's (or the default's) value. */
function runFrom(get: (name: string) => string | null): DemoRun {
  const text = (name: string) => {
    const v = get(name)?.trim();
    return v === undefined || v === '' ? undefined : v;
  };
  const num = (name: string) => (text(name) === undefined ? undefined : Number(text(name)));
  const preset = get('preset') ?? DEFAULT_PRESET;
  const input: TrainConfigInput = {
    ...(preset ? { preset } : {}),
    ...(text('dynamic') ? { dynamic: text('dynamic') as TrainConfigInput['dynamic'] } : {}),
    ...(num('eta') !== undefined ? { eta: num('eta') } : {}),
    epochs: num('epochs') ?? 20,
    seed: num('seed') ?? 0,
    trainLimit: num('trainLimit') ?? 10000,
    hidden: (text('hidden') ?? '512,256').split(',').map(Number),
    telemetryEvery: TELEMETRY_EVERY,
  };
  // When the page can share memory with workers (the demo's servers send the COOP/COEP headers),
  // every core but one: the page itself draws the charts while the pool trains, and a pool that
  // shares its cores waits at every barrier (on 2 busy cores, 2 threads took 10–40 s where 1 took
  // 6–9 s). One thread otherwise, with the same bits.
  const cores = navigator.hardwareConcurrency || 1;
  const threads = num('threads') ?? (canShareMemory() ? Math.min(Math.max(1, cores - 1), 64) : 1);
  return { input, threads };
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const data = new FormData(form);
  void start(runFrom((name) => data.get(name) as string | null));
});
$('#stop').addEventListener('click', () => {
  running?.abort();
});

// The URL fills the form (?preset=target-50&epochs=5…); with ?auto training starts at once (the
// end-to-end test and the screenshot script use this).
const params = new URLSearchParams(location.search);
for (const [name, value] of params) {
  const input = form.elements.namedItem(name);
  if (input instanceof HTMLInputElement || input instanceof HTMLSelectElement) input.value = value;
}
describePreset();
if (params.has('auto')) void start(runFrom((name) => (form.elements.namedItem(name) ? (field(name).value ?? null) : params.get(name))));
