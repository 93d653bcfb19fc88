// Train an evolving network in a Web Worker (the page stays responsive), then classify test digits
// with the compact model, all through `evoprune/vite`.
import { type ImageSet, loadModel, parseIdx, trainInWorker } from 'evoprune/vite';

const out = document.getElementById('out')!;
const print = (line: string) => {
  out.textContent = out.textContent === 'loading…' ? line : `${out.textContent}\n${line}`;
};

/** One MNIST split from the IDX files in public/mnist. */
async function split(prefix: string, limit: number): Promise<ImageSet> {
  const get = async (kind: string) => parseIdx(new Uint8Array(await (await fetch(`./mnist/${prefix}-${kind}`)).arrayBuffer()), kind);
  const [images, labels] = await Promise.all([get('images-idx3-ubyte'), get('labels-idx1-ubyte')]);
  const shape = images.dims.slice(1);
  const cols = shape[0]! * shape[1]!;
  return { images: images.data.subarray(0, limit * cols) as Uint8Array, labels: labels.data.subarray(0, limit) as Uint8Array, rows: limit, cols, shape };
}

async function main() {
  const test = await split('t10k', 1000);
  const dataset = { name: 'mnist', train: await split('train', 5000), test, classes: 10 };
  const config = { hidden: [64, 32], epochs: 3, batch: 50, targetSparsity: 0.5, seed: 1 };
  const summary = await trainInWorker(config, {
    dataset,
    keepModel: true,
    onEpoch: (m) => print(`epoch ${m.epoch}: test accuracy ${(100 * m.testAccuracy).toFixed(2)} %, alive ${m.alive.join(' + ')}`),
  });
  const saved = await loadModel(summary.model!);
  const model = saved.compact(); // extinct populations removed, masses folded in
  saved.free();
  const { classes } = model.predict(test.images);
  const correct = classes.reduce((n, k, i) => n + Number(k === test.labels[i]), 0);
  print(`compact model ${model.sizes.join('-')}: accuracy on ${test.rows} test images ${((100 * correct) / test.rows).toFixed(2)} %`);
  model.free();
}

main()
  .catch((error: unknown) => print(`error: ${(error as Error)?.message ?? error}`))
  .finally(() => Object.assign(window, { done: true }));
