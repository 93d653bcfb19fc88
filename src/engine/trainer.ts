import type { ScopeName, ScoreName } from '../config/dynamics.js';
import type { WasmBindings } from './bindings.js';
import { toEvaluation, WasmModel } from './model.js';

export type WasmTrainerHandle = InstanceType<WasmBindings['Trainer']>;

/** What the wasm trainer is built from (see crates/wasm/src/trainer.rs). */
export interface WasmTrainerConfig {
  sizes: number[];
  seed: number;
  batch: number;
  optimizer:
    | { kind: 'sgd'; lr: number; momentum: number; weightDecay?: number }
    | { kind: 'adam'; lr: number; beta1: number; beta2: number; eps: number; weightDecay?: number };
  schedule?: { kind: 'constant' } | { kind: 'cosine'; epochs: number };
  initialMass?: number;
  evolution?: {
    fitness: string;
    dynamic: string;
    eta: number;
    mu: number;
    rho: number;
    epsilon: number;
    interval: number;
    warmup: number;
    anneal?: boolean;
    /** Numerics version 2: bounded selection (absent fields: the kernels' defaults) and, with `controller`, a target sparsity. */
    stable?: {
      fitnessClip?: number;
      maxStep?: number;
      maxMass?: number;
      minAlive?: number;
      minAliveFrac?: number;
      /** Standardise the smoothed fitness over the living (default true; false: an ablation). */
      standardiseFitness?: boolean;
      controller?: {
        target: number;
        epochs: number;
        etaMax?: number;
        start?: number;
        reach?: number;
        rate?: number;
        span?: number;
        tol?: number;
        pace?: number;
      };
    };
  };
  participation?: { alpha: number; beta: number; gamma: number; lr: number };
  /** Fit a per-feature standardization on the training rows when they are set (default false). */
  standardize?: boolean;
  /** Pruning on a schedule (masses otherwise fixed): see `gradual` in the configuration schema. */
  gradual?: { score: GradualScore; target: number; start: number; end: number; interval: number; epochs: number };
}

/** What pruning on a schedule ranks living populations by (lowest pruned first). */
export type GradualScore = 'magnitude' | 'random' | 'fitness';

/** The data sets a trainer holds: training rows, validation rows held out of them, test rows. */
export type SplitName = 'train' | 'validation' | 'test';

/** One epoch's training figures: the sum of batch losses (in order), batches, correct predictions, rows. */
export interface EpochProgress {
  lossSum: number;
  batches: number;
  correct: number;
  rows: number;
  /**
   * Sum over the epoch's steps of the living network's share of the full one's multiply-adds
   * (divided by `batches`: the epoch's living-work fraction). Absent in checkpoints written
   * before it existed (counted from the resume then).
   */
  livingWork?: number;
}

export interface Evaluation {
  loss: number;
  accuracy: number;
  correct: number;
  rows: number;
  /** classes × classes, row = true label, column = prediction. */
  confusion: number[][];
}

/** Typed wrapper of the wasm `Trainer` handle. Call `free()` when done. */
export class WasmTrainer {
  readonly handle: WasmTrainerHandle;

  constructor(
    wasm: WasmBindings,
    readonly config: WasmTrainerConfig,
  ) {
    this.handle = new wasm.Trainer(JSON.stringify(config));
  }

  get classes(): number {
    return this.config.sizes[this.config.sizes.length - 1]!;
  }

  #trainRows = 0;

  /** Copies a split into wasm memory: byte images or f32 features (`rows × cols`), one label per row. */
  setData(split: SplitName, inputs: Uint8Array | Float32Array, labels: Uint8Array, rows: number, cols: number): void {
    if (inputs instanceof Float32Array) this.handle.set_features(split, inputs, labels, rows, cols);
    else this.handle.set_data(split, inputs, labels, rows, cols);
    if (split === 'train') this.#trainRows = rows;
  }

  get trainRows(): number {
    return this.#trainRows;
  }

  /** Trains up to `maxBatches`, stopping at an epoch's end; returns how many ran. */
  run(maxBatches: number): number {
    return this.handle.run(maxBatches);
  }

  get epoch(): number {
    return this.handle.epoch();
  }
  get step(): number {
    return this.handle.step();
  }
  get cursor(): number {
    return this.handle.cursor();
  }
  get batchesPerEpoch(): number {
    return this.handle.batches_per_epoch();
  }

  takeTrainLoss(): number {
    return this.handle.take_train_loss();
  }

  evaluate(split: SplitName): Evaluation {
    return toEvaluation(this.handle.evaluate(split), this.classes);
  }

  /** `{ loss, gradients }` of one batch in the order of `parameters()`; changes nothing. */
  gradients(images: Uint8Array, labels: Uint8Array): { loss: number; gradients: Float32Array } {
    const out = this.handle.gradients(images, labels);
    return { loss: out[0]!, gradients: out.subarray(1) };
  }

  parameters(): Float32Array {
    return this.handle.parameters();
  }

  setParameters(values: Float32Array): void {
    this.handle.set_parameters(values);
  }

  masses(layer: number): Float32Array {
    return this.handle.masses(layer);
  }

  alive(): number[] {
    return Array.from(this.handle.alive());
  }

  /** η of each hidden layer's last mass update under numerics 2 (the controller's, with a target); empty under numerics 1. */
  eta(): number[] {
    return Array.from(this.handle.eta());
  }

  /** Last standardised fitness F̃ of a hidden layer. */
  fitness(layer: number): Float32Array {
    return this.handle.fitness(layer);
  }

  /** Participation variables of a hidden layer (empty unless tracked). */
  participation(layer: number): Float32Array {
    return this.handle.participation(layer);
  }

  /** A copy of the current model. */
  model(): WasmModel {
    return new WasmModel(this.handle.model());
  }

  /** The current model with `fraction` of its populations pruned (masses set to 0). */
  pruned(score: ScoreName, fraction: number, scope: ScopeName = 'global'): WasmModel {
    return new WasmModel(this.handle.pruned(score, fraction, scope));
  }

  state(): Uint8Array {
    return this.handle.state();
  }

  /** Restores `state()` bytes; with `fingerprint`, refuses a state taken under another configuration. */
  loadState(bytes: Uint8Array, fingerprint?: string): void {
    this.handle.load_state(bytes, fingerprint);
  }

  /** SHA-256 of every setting the kernels were configured with (a checkpoint records it). */
  configFingerprint(): string {
    return this.handle.config_fingerprint();
  }

  /** This epoch's training figures so far, kept in wasm (independent of how batches are chunked). */
  epochProgress(): EpochProgress {
    const [lossSum, batches, correct, rows, livingWork] = this.handle.epoch_progress();
    return { lossSum: lossSum!, batches: batches!, correct: correct!, rows: rows!, livingWork: livingWork! };
  }

  setEpochProgress(p: EpochProgress): void {
    this.handle.set_epoch_progress(p.lossSum, p.batches, p.correct, p.rows, p.livingWork);
  }

  /**
   * Compute on a compacted copy of the model once populations are extinct for good (the
   * default), or always on the full-size model: the state, its hash and the model are the same
   * bits either way; only the work differs.
   */
  setCompaction(on: boolean): void {
    this.handle.set_compaction(on);
  }

  /** Populations per hidden layer the trainer computes on now (every one without compaction). */
  workingWidths(): number[] {
    return [...this.handle.working_widths()];
  }

  stateHash(): string {
    return this.handle.state_hash();
  }

  free(): void {
    this.handle.free();
  }
}
