/**
 * Training throughput of the full step (forward, backward, SGD with momentum) of the default
 * 784–512–256–10 MLP at batch 128 on MNIST, one thread: evoprune's wasm trainer next to TF.js's
 * wasm backend training the same dense MLP with the same optimizer, interleaved in the same run.
 *
 *   npm run bench:train [-- --batches N --rounds R]     (--smoke: a few batches, for CI)
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { loadDataset, trainingSamplesPerSecond } from '../src/index.js';
import { flag, interleaved, ratios, spread } from './bench-util.js';

const measured = flag('batches', 100, 3);
const rounds = flag('rounds', 5, 1);
const batch = 128;
const mnist = loadDataset('mnist');

async function tfjsTrainer(): Promise<() => number> {
  const require = createRequire(import.meta.url);
  setWasmPaths(join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/');
  setThreadsCount(1);
  await tf.setBackend('wasm');
  await tf.ready();
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [784], units: 512, activation: 'relu', kernelInitializer: 'heUniform' }),
      tf.layers.dense({ units: 256, activation: 'relu', kernelInitializer: 'heUniform' }),
      tf.layers.dense({ units: 10, kernelInitializer: 'heUniform' }),
    ],
  });
  const optimizer = tf.train.momentum(0.05, 0.9);
  const rows = mnist.train.rows;
  const step = (b: number) => {
    const start = (b * batch) % (rows - batch);
    tf.tidy(() => {
      const x = tf
        .tensor2d(mnist.train.images.subarray(start * 784, (start + batch) * 784), [batch, 784], 'int32')
        .toFloat()
        .div(255);
      const y = tf.oneHot(tf.tensor1d(mnist.train.labels.subarray(start, start + batch), 'int32'), 10);
      optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, model.predict(x) as tf.Tensor) as tf.Scalar);
    });
  };
  for (let b = 0; b < 5; b++) step(b); // warm-up
  let next = 5;
  return () => {
    const t0 = performance.now();
    for (let b = 0; b < measured; b++) step(next++);
    return (measured * batch) / ((performance.now() - t0) / 1000);
  };
}

const tfjs = await tfjsTrainer();
const samples = await interleaved(rounds, { evoprune: () => trainingSamplesPerSecond(measured, mnist), tfjs });
console.log(`training 784-512-256-10, batch ${batch}, SGD momentum 0.9, ${measured} batches × ${rounds} interleaved rounds, 1 thread, Node ${process.version}`);
console.log(`  evoprune (wasm SIMD128)       ${spread(samples.evoprune)} samples/s   (median [min–max])`);
console.log(`  TF.js ${tf.version.tfjs} wasm backend    ${spread(samples.tfjs)} samples/s (${tf.getBackend()})`);
console.log(`  ratio, round by round         ${spread(ratios(samples.evoprune, samples.tfjs), 1)}×   (target ≥ 8,000 samples/s, ≥ 12× TF.js wasm)`);
