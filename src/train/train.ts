import { resolveTrainConfig, type TrainConfig, type TrainConfigInput } from '../config/schema.js';
import { loadRunDataset } from '../data/registry.js';
import { nodeEngine } from '../engine/node.js';
import { runTraining, type TrainOptions, type TrainSummary } from './loop.js';

export * from './loop.js';

/**
 * Trains a population-scaled MLP in Node: validates the configuration, loads its dataset (unless
 * `options.dataset` is given) and the Node build of the kernels, and runs the training loop.
 */
export async function train(input: TrainConfigInput | TrainConfig, options: TrainOptions = {}): Promise<TrainSummary> {
  const config = resolveTrainConfig(input);
  const dataset = options.dataset ?? loadRunDataset(config);
  return runTraining(config, dataset, options.engine ?? nodeEngine(), options);
}
