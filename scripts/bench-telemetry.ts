/**
 * What telemetry costs: one record (masses, fitness and alive counts of every hidden layer copied
 * out of wasm) against one training step of the default model, measured in the same run, and the
 * overhead that follows for recording every epoch and every 100 steps.
 */
import { loadDataset, nodeEngine, resolveTrainConfig, WasmTrainer, wasmTrainerConfig } from '../src/index.js';
import { bestSecondsPerCall } from '../src/util/timing.js';
import { smoke } from './bench-util.js';

const mnist = loadDataset('mnist', { trainLimit: 10000, testLimit: 100 });
const config = resolveTrainConfig({ dynamic: 'exponential', eta: 0.04, trainLimit: 10000 });
const trainer = new WasmTrainer(nodeEngine().wasm, wasmTrainerConfig(config, mnist));
trainer.setData('train', mnist.train.images, mnist.train.labels, mnist.train.rows, mnist.train.cols);
const layers = config.hidden.length;

const step = bestSecondsPerCall(() => trainer.run(1), smoke ? 0.05 : 1);
const record = bestSecondsPerCall(
  () => {
    for (let l = 0; l < layers; l++) {
      trainer.masses(l);
      trainer.fitness(l);
    }
    trainer.alive();
  },
  smoke ? 0.05 : 0.5,
);
const stepsPerEpoch = Math.ceil(60000 / config.batch);
console.log(`one training step (784-512-256-10, batch ${config.batch}): ${(step * 1e3).toFixed(2)} ms`);
console.log(`one telemetry record (${layers} layers of masses + fitness + alive): ${(record * 1e6).toFixed(1)} µs`);
console.log(`overhead recording every epoch (${stepsPerEpoch} steps): ${((100 * record) / (step * stepsPerEpoch)).toFixed(4)} %  (target < 2 %)`);
console.log(`overhead recording every 100 steps (the default): ${((100 * record) / (step * 100)).toFixed(3)} %`);
trainer.free();
