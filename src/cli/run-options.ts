import { type Command, Option } from 'commander';
import { DYNAMIC_NAMES, FITNESS_NAMES, readConfigFile, resolveTrainConfig, type TrainConfig, type TrainConfigInput } from '../index.js';
import { defined, integer, integerList, nonNegativeInteger, number } from './options.js';

/** The flags every command that builds a run configuration accepts (train, config). */
export interface RunFlags {
  config?: string;
  dataset?: string;
  epochs?: number;
  batch?: number;
  lr?: number;
  optimizer?: string;
  momentum?: number;
  weightDecay?: number;
  schedule?: string;
  seed?: number;
  hidden?: number[];
  classes?: number;
  label?: string;
  testFraction?: number;
  validation?: number;
  standardize?: boolean;
  trainLimit?: number;
  testLimit?: number;
  preset?: string;
  dynamic?: string;
  fitness?: string;
  eta?: number;
  mu?: number;
  epsilon?: number;
  rho?: number;
  targetSparsity?: number;
  numerics?: number;
  anneal?: boolean;
  participation?: boolean;
}

export function addRunOptions(command: Command): Command {
  return command
    .option('--config <file>', 'a JSON run configuration; flags override its fields')
    .option('--preset <name>', 'a named configuration from src/config/presets.ts; the file and flags override it')
    .option('--dataset <name>', 'mnist | fashion-mnist | fashion-mnist:<folder> | idx:<folder> | csv:<train.csv>[,<test.csv>]')
    .option('--epochs <n>', 'epochs to train (default 20)', integer('--epochs'))
    .option('--batch <n>', 'batch size (default 128)', integer('--batch'))
    .option('--lr <rate>', 'learning rate (default 0.05 for sgd, 0.001 for adam)', number('--lr'))
    .option('--optimizer <name>', 'sgd | adam (default sgd)')
    .option('--momentum <m>', 'SGD momentum (default 0.9)', number('--momentum'))
    .option('--weight-decay <λ>', 'L2 weight decay (default 0)', number('--weight-decay'))
    .option('--schedule <name>', 'constant | cosine learning rate (default cosine)')
    .option('--seed <n>', 'random seed (default 0)', integer('--seed'))
    .option('--hidden <sizes>', 'hidden layer widths (default 512,256)', integerList('--hidden'))
    .option('--train-limit <n>', 'use only the first n training images', integer('--train-limit'))
    .option('--test-limit <n>', 'use only the first n test images', integer('--test-limit'))
    .option('--classes <n>', 'classes of an idx: dataset (default: from dataset.json in its folder, else its labels)', integer('--classes'))
    .option('--label <column>', 'the label column of a csv: dataset (default label); every other column is a numeric feature')
    .option(
      '--test-fraction <f>',
      'a csv: dataset of one file: hold out this fraction of its rows (evenly spread) as the test split',
      number('--test-fraction'),
    )
    .option(
      '--validation <n>',
      'hold out n training rows (evenly spread) as a validation set, evaluated every epoch (default 0: none)',
      nonNegativeInteger('--validation'),
    )
    .option('--standardize', "standardize every input feature by the training rows' mean and std (default: on for csv: features, off for images)")
    .option('--no-standardize', 'feed the inputs as they are')
    .addOption(new Option('--dynamic <name>', 'selection dynamics of the masses (default none)').choices(DYNAMIC_NAMES))
    .addOption(new Option('--fitness <name>', 'how fitness is read from ∂L/∂m (default gradient)').choices(FITNESS_NAMES))
    .option('--eta <η>', 'selection strength (default 0.05)', number('--eta'))
    .option('--mu <μ>', 'mutation rate of the mutator dynamic (default 0.05)', number('--mu'))
    .option('--epsilon <ε>', 'extinction threshold (default 1e-3)', number('--epsilon'))
    .option('--rho <ρ>', 'fitness smoothing F ← ρF + (1−ρ)φ (default 0.9; 0.99 with --target-sparsity)', number('--rho'))
    .option(
      '--target-sparsity <s>',
      'steer to this fraction of extinct populations per layer by 75 % of the epochs (numerics 2; alone it picks the recommended dynamic)',
      number('--target-sparsity'),
    )
    .option('--numerics <version>', '2 (default: bounded selection) or 1 (the arithmetic of 0.1.0, for published runs)', integer('--numerics'))
    .option('--no-anneal', 'keep η constant instead of following the learning-rate schedule')
    .option('--participation', 'track participation variables (a pruning baseline score)');
}

/** Preset, then config file, then flags; validated with every bad field named. */
export function configFromFlags(flags: RunFlags, base: Record<string, unknown> = {}): TrainConfig {
  return resolveTrainConfig({ ...base, ...givenSettings(flags) } as TrainConfigInput);
}

/** The settings the user gave, through --config and flags (flags win), unresolved. */
function givenSettings(flags: RunFlags): Record<string, unknown> {
  const file = flags.config ? readConfigFile(flags.config) : {};
  const fromFlags = defined({
    preset: flags.preset,
    dataset: flags.dataset,
    epochs: flags.epochs,
    batch: flags.batch,
    lr: flags.lr,
    optimizer: flags.optimizer,
    momentum: flags.momentum,
    weightDecay: flags.weightDecay,
    schedule: flags.schedule,
    seed: flags.seed,
    hidden: flags.hidden,
    classes: flags.classes,
    label: flags.label,
    testFraction: flags.testFraction,
    validation: flags.validation,
    standardize: flags.standardize,
    trainLimit: flags.trainLimit,
    testLimit: flags.testLimit,
    dynamic: flags.dynamic,
    fitness: flags.fitness,
    eta: flags.eta,
    mu: flags.mu,
    epsilon: flags.epsilon,
    rho: flags.rho,
    targetSparsity: flags.targetSparsity,
    numerics: flags.numerics,
    anneal: flags.anneal === false ? false : undefined,
    participation: flags.participation,
  });
  return { ...file, ...fromFlags };
}
