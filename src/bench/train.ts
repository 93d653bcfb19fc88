import { resolveTrainConfig } from '../config/schema.js';
import { loadDataset } from '../data/registry.js';
import type { Dataset, ImageSet } from '../data/types.js';
import type { Engine } from '../engine/engine.js';
import { nodeEngine } from '../engine/node.js';
import { WasmTrainer } from '../engine/trainer.js';
import { wasmTrainerConfig } from '../train/loop.js';

/**
 * Training samples per second of the default 784–512–256–10 MLP on MNIST at batch 128, constant
 * learning rate: `batches` timed after 10 warm-up batches, on one thread unless `engine` is a
 * threaded one (`nodeEngineFor(threads)`). Pass `mnist` when measuring repeatedly, so that it is
 * loaded once.
 */
export function trainingSamplesPerSecond(batches: number, mnist: Dataset<ImageSet> = loadDataset('mnist'), engine: Engine = nodeEngine()): number {
  const trainer = new WasmTrainer(engine.wasm, wasmTrainerConfig(resolveTrainConfig({ schedule: 'constant' }), mnist));
  try {
    trainer.setData('train', mnist.train.images, mnist.train.labels, mnist.train.rows, mnist.train.cols);
    trainer.run(10); // warm-up
    const t0 = performance.now();
    let done = 0;
    while (done < batches) done += trainer.run(batches - done);
    return (done * 128) / ((performance.now() - t0) / 1000);
  } finally {
    trainer.free();
  }
}
