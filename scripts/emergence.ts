/**
 * Issue 11's targets, measured with the toolkit itself: --target-sparsity s on a dataset, seeds
 * 0..k, next to the dense run of the same seed; every run 20 epochs of the full data, 5,000
 * training images held out for validation (decisions and the epoch-1 comparison use them; test
 * accuracy decides nothing). Prints, per run and as mean and worst: test accuracy, sparsity
 * reached and when, epoch-1 validation accuracy against the dense run's, the largest 100-step
 * training-loss window over the running minimum; and the η trajectory of the first seed.
 *
 *   npm run emergence -- --dataset mnist --target 0.8 --seeds 0,1,2 [--epochs 20] [--json out.json]
 */
import { writeFileSync } from 'node:fs';
import { loadRunDataset, resolveTrainConfig, train, type TrainProgress, type TrainSummary } from '../src/index.js';
import { flag, smoke, textFlag } from './bench-util.js';

const dataset = textFlag('dataset', 'mnist');
const target = Number(textFlag('target', '0.8'));
const seeds = textFlag('seeds', '0').split(',').map(Number);
const epochs = flag('epochs', 20, 2);
const validation = flag('validation', 5000, 500);
const trainLimit = smoke ? 3000 : undefined;

/** The largest mean training loss of a 100-step window over the smallest window mean before it. */
function spikeRatio(progress: { loss: number; batches: number }[]): number {
  const windows: number[] = [];
  let [sum, count] = [0, 0];
  for (const p of progress) {
    sum += p.loss * p.batches;
    count += p.batches;
    if (count >= 100) {
      windows.push(sum / count);
      [sum, count] = [0, 0];
    }
  }
  let [worst, low] = [0, Number.POSITIVE_INFINITY];
  for (const w of windows) {
    if (low < Number.POSITIVE_INFINITY) worst = Math.max(worst, w / low);
    low = Math.min(low, w);
  }
  return worst;
}

const common = { dataset, epochs, validation, ...(trainLimit ? { trainLimit, testLimit: 2000 } : {}) };
/** Every run trains on the same data: loaded (and hashed) once. */
const data = loadRunDataset(resolveTrainConfig(common));

async function run(config: Record<string, unknown>) {
  const resolved = resolveTrainConfig({ ...common, ...config });
  const chunks: { loss: number; batches: number }[] = [];
  let last = { epoch: 0, batch: 0 };
  const summary = await train(resolved, {
    dataset: data,
    onProgress: (p: TrainProgress) => {
      const done = p.epoch === last.epoch ? p.batch - last.batch : p.batch;
      chunks.push({ loss: p.loss, batches: done });
      last = { epoch: p.epoch, batch: p.batch };
    },
  });
  return { summary, spike: spikeRatio(chunks) };
}

const pct = (x: number) => +(100 * x).toFixed(2);
const rows: Record<string, unknown>[] = [];
let trajectory: TrainSummary['telemetry'] | undefined;
for (const seed of seeds) {
  const dense = await run({ seed });
  const evolving = await run({ seed, targetSparsity: target });
  trajectory ??= evolving.summary.telemetry;
  const h = evolving.summary.history;
  const reachedAt = h.findIndex((e) => e.alive.every((a, l) => a <= Math.round((1 - target) * evolving.summary.config.hidden[l]!) + 0));
  const row = {
    dataset,
    seed,
    dense: pct(dense.summary.testAccuracy),
    evolving: pct(evolving.summary.testAccuracy),
    sparsity: +(100 * evolving.summary.sparsity).toFixed(1),
    alive: evolving.summary.alive.join('+'),
    reachedEpoch: reachedAt >= 0 ? reachedAt + 1 : null,
    epoch1Validation: pct(h[0]!.validationAccuracy ?? Number.NaN),
    denseEpoch1Validation: pct(dense.summary.history[0]!.validationAccuracy ?? Number.NaN),
    spike: +evolving.spike.toFixed(2),
    denseSpike: +dense.spike.toFixed(2),
    stateHash: evolving.summary.stateHash.slice(0, 12),
  };
  rows.push(row);
  console.error(JSON.stringify(row));
}
const mean = (k: string) => +(rows.reduce((s, r) => s + (r[k] as number), 0) / rows.length).toFixed(2);
const worst = (k: string) => Math.min(...rows.map((r) => r[k] as number));
console.log(`${dataset}, --target-sparsity ${target}, ${epochs} epochs, ${validation} training images held out for validation, seeds ${seeds.join(', ')}\n`);
console.log(
  '| seed | dense % | target % | sparsity % | alive | reached (epoch) | epoch-1 validation %, target / dense | loss spike, target / dense | stateHash |',
);
console.log('|---|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(
    `| ${r.seed} | ${r.dense} | ${r.evolving} | ${r.sparsity} | ${r.alive} | ${r.reachedEpoch} | ${r.epoch1Validation} / ${r.denseEpoch1Validation} | ${r.spike} / ${r.denseSpike} | ${r.stateHash} |`,
  );
}
console.log(`\nmean ${mean('evolving')} %, worst ${worst('evolving')} % (dense mean ${mean('dense')} %); sparsity mean ${mean('sparsity')} %`);
const eta = (trajectory ?? [])
  .filter((_, i) => i % 10 === 0)
  .map((t) => `step ${t.step}: ${t.eta.map((e) => e.toExponential(2)).join(', ')} (alive ${t.alive.join('+')})`);
console.log(`\nη per layer, seed ${seeds[0]} (every 10th telemetry record):\n${eta.join('\n')}`);
const out = textFlag('json');
if (out) writeFileSync(out, JSON.stringify({ rows, eta: (trajectory ?? []).map((t) => ({ step: t.step, eta: t.eta, alive: t.alive })) }, null, 2) + '\n');
