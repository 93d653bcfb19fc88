import { resolveTrainConfig, type TrainConfig, type TrainConfigInput } from '../config/schema.js';
import { loadRunDataset } from '../data/registry.js';
import { nodeEngineFor } from '../engine/node.js';
import { runTraining, type TrainOptions, type TrainSummary } from './loop.js';

export * from './loop.js';

/**
 * Trains a population-scaled MLP in Node: validates the configuration, loads its dataset (unless
 * `options.dataset` is given) and the Node build of the kernels (threaded with `options.threads` > 1), and runs the training loop.
 */
export async function train(input: TrainConfigInput | TrainConfig, options: TrainOptions = {}): Promise<TrainSummary> {
  const config = resolveTrainConfig(input);
  const dataset = options.dataset ?? loadRunDataset(config);
  return runTraining(config, dataset, options.engine ?? (await nodeEngineFor(options.threads ?? 1)), options);
}
