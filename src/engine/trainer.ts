import type { WasmBindings } from './bindings.js';

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

  setData(split: 'train' | 'test', images: Uint8Array, labels: Uint8Array, rows: number, cols: number): void {
    this.handle.set_data(split, images, labels, rows, cols);
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

  evaluate(split: 'train' | 'test'): Evaluation {
    const out = this.handle.evaluate(split);
    const [loss, correct, rows] = [out[0]!, out[1]!, out[2]!];
    const k = this.classes;
    const confusion = Array.from({ length: k }, (_, r) => Array.from(out.subarray(3 + r * k, 3 + (r + 1) * k)));
    return { loss, correct, rows, accuracy: rows === 0 ? Number.NaN : correct / rows, confusion };
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

  state(): Uint8Array {
    return this.handle.state();
  }

  loadState(bytes: Uint8Array): void {
    this.handle.load_state(bytes);
  }

  stateHash(): string {
    return this.handle.state_hash();
  }

  free(): void {
    this.handle.free();
  }
}
