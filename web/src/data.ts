import { parseIdx, type Dataset, type ImageSet } from '../../src/vite.js';

async function fetchIdx(url: string) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status} (run npm run web:data to put MNIST under web/public/mnist)`);
  return parseIdx(new Uint8Array(await response.arrayBuffer()), url);
}

async function split(base: string, prefix: string, limit: number): Promise<ImageSet> {
  const [images, labels] = await Promise.all([fetchIdx(`${base}${prefix}-images-idx3-ubyte`), fetchIdx(`${base}${prefix}-labels-idx1-ubyte`)]);
  const shape = images.dims.slice(1);
  const cols = shape.reduce((a, b) => a * b, 1);
  const rows = Math.min(limit, images.dims[0]!, labels.dims[0]!);
  return { images: images.data.subarray(0, rows * cols), labels: labels.data.subarray(0, rows), rows, cols, shape };
}

/** MNIST from the static files beside the page: the first `trainLimit` / `testLimit` images. */
export async function loadMnist(base: string, trainLimit: number, testLimit: number): Promise<Dataset> {
  const [train, test] = await Promise.all([split(base, 'train', trainLimit), split(base, 't10k', testLimit)]);
  return { name: 'mnist', train, test, classes: 10 };
}
