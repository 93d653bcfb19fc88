/**
 * The robustness battery of numerics 2 (issue 11): MNIST variants built in memory — inputs far
 * from zero-centred (½ + ½x), dense inputs (1 − x), other widths and depths, Adam — each trained
 * dense and with --target-sparsity 0.7 on the same seed. A variant passes when the evolving run
 * reaches 70 % ± 2 points without collapsing and its test accuracy is within 1.5 points of the
 * dense run's. No constant depends on the variant or the dataset.
 *
 *   npm run battery [-- --train-limit 20000 --epochs 10 --seeds 0,1 --json out.json]
 */
import { writeFileSync } from 'node:fs';
import { type Dataset, type ImageSet, inputVariant, loadDataset, train, type InputVariant, type TrainConfigInput } from '../src/index.js';
import { flag, textFlag } from './bench-util.js';

const trainLimit = flag('train-limit', 20000, 2000);
const epochs = flag('epochs', 10, 2);
const seeds = (textFlag('seeds') ?? '0').split(',').map(Number);
const TARGET = 0.7;
/** Only these variants (by index or name prefix), e.g. --only plain,shifted. */
const only = textFlag('only')?.split(',');
/** Extra settings of the evolving runs (a study of this design's choices, e.g. --fitness centered). */
const fitness = textFlag('fitness');

const VARIANTS: { name: string; input?: InputVariant; config?: TrainConfigInput }[] = [
  { name: 'plain' },
  { name: 'shifted inputs ½ + ½x', input: 'shift' },
  { name: 'dense inputs 1 − x', input: 'invert' },
  { name: 'one hidden layer [256]', config: { hidden: [256] } },
  { name: 'deeper [256, 128, 64]', config: { hidden: [256, 128, 64] } },
  { name: 'Adam (lr 0.001)', config: { optimizer: 'adam' } },
];

const mnist = loadDataset('mnist', { trainLimit, testLimit: 10000 }) as Dataset<ImageSet>;
const rows: Record<string, unknown>[] = [];
for (const variant of VARIANTS.filter((v) => !only || only.some((o) => v.name.startsWith(o)))) {
  const dataset = inputVariant(mnist, variant.input ?? 'plain');
  for (const seed of seeds) {
    const base = { epochs, seed, trainLimit, ...variant.config };
    const dense = await train(base, { dataset });
    let evolving: Awaited<ReturnType<typeof train>> | undefined;
    let failure: string | undefined;
    try {
      evolving = await train({ ...base, targetSparsity: TARGET, ...(fitness ? { fitness } : {}) } as TrainConfigInput, { dataset });
    } catch (error) {
      failure = (error as Error).message;
    }
    const gap = evolving ? 100 * (dense.testAccuracy - evolving.testAccuracy) : Number.NaN;
    const reached = evolving ? Math.abs(evolving.sparsity - TARGET) <= 0.02 : false;
    rows.push({
      variant: variant.name,
      seed,
      dense: +(100 * dense.testAccuracy).toFixed(2),
      evolving: evolving ? +(100 * evolving.testAccuracy).toFixed(2) : null,
      sparsity: evolving ? +(100 * evolving.sparsity).toFixed(1) : null,
      alive: evolving?.alive.join('+') ?? null,
      gap: +gap.toFixed(2),
      pass: reached && gap <= 1.5,
      ...(failure ? { failure } : {}),
    });
    console.error(JSON.stringify(rows[rows.length - 1]));
  }
}
const header = `| variant | seed | dense % | target 70 % % | sparsity % | alive | gap (points) | pass |\n|---|---|---|---|---|---|---|---|`;
const lines = rows.map(
  (r) =>
    `| ${r.variant} | ${r.seed} | ${r.dense} | ${r.evolving ?? r.failure} | ${r.sparsity ?? '—'} | ${r.alive ?? '—'} | ${r.gap} | ${r.pass ? 'yes' : 'no'} |`,
);
console.log(`MNIST, first ${trainLimit} training images, full test set, ${epochs} epochs, 784-512-256-10 unless named; target sparsity ${TARGET}\n`);
console.log([header, ...lines].join('\n'));
const out = textFlag('json');
if (out) writeFileSync(out, JSON.stringify(rows, null, 2) + '\n');
