import { resolveTrainConfig } from '../config/schema.js';
import { loadDataset } from '../data/registry.js';
import { nodeEngine } from '../engine/node.js';
import { WasmTrainer } from '../engine/trainer.js';
import { wasmTrainerConfig } from '../train/loop.js';

/**
 * Training samples per second of the default 784–512–256–10 MLP on MNIST at batch 128, one
 * thread, constant learning rate: `batches` timed after 5 warm-up batches.
 */
export function trainingSamplesPerSecond(batches: number): number {
  const mnist = loadDataset('mnist');
  const trainer = new WasmTrainer(nodeEngine().wasm, wasmTrainerConfig(resolveTrainConfig({ schedule: 'constant' }), mnist));
  try {
    trainer.setData('train', mnist.train.images, mnist.train.labels, mnist.train.rows, mnist.train.cols);
    trainer.run(5);
    const t0 = performance.now();
    let done = 0;
    while (done < batches) done += trainer.run(batches - done);
    return (done * 128) / ((performance.now() - t0) / 1000);
  } finally {
    trainer.free();
  }
}
