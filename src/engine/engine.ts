import type { F32Buffer, WasmBindings } from './bindings.js';

/** Which operand a product reads transposed: A·B, Aᵀ·B or A·Bᵀ. */
export type GemmOp = 'nn' | 'tn' | 'nt';

/**
 * An f32 array living in wasm memory. `view()` is a zero-copy Float32Array over it that is
 * rebuilt whenever wasm memory has grown (growth detaches old views). Call `free()` when done.
 */
export class WasmArray {
  #view: Float32Array | undefined;

  constructor(
    private readonly engine: Engine,
    readonly handle: F32Buffer,
  ) {}

  get length(): number {
    return this.handle.len();
  }

  /** A view into wasm memory: valid until the next call that may allocate in wasm. */
  view(): Float32Array {
    const buffer = this.engine.memoryBuffer();
    if (this.#view === undefined || this.#view.buffer !== buffer) {
      this.#view = new Float32Array(buffer, this.handle.ptr(), this.handle.len());
    }
    return this.#view;
  }

  /** Copies `data` in. */
  set(data: ArrayLike<number>): this {
    if (data.length !== this.length) {
      throw new RangeError(`WasmArray.set: got ${data.length} values for an array of ${this.length}`);
    }
    this.view().set(data);
    return this;
  }

  /** An independent copy in JavaScript memory. */
  toArray(): Float32Array {
    return this.view().slice();
  }

  free(): void {
    this.#view = undefined;
    this.handle.free();
  }
}

function checkDims(where: string, dims: Record<string, number>): void {
  for (const [name, value] of Object.entries(dims)) {
    if (!Number.isInteger(value) || value < 0) {
      throw new RangeError(`${where}: ${name} must be a non-negative integer, got ${value}`);
    }
  }
}

function checkLength(where: string, operand: string, actual: number, expected: number, shape: string): void {
  if (actual !== expected) {
    throw new RangeError(`${where}: ${operand} has ${actual} elements, expected ${expected} (${shape})`);
  }
}

/** Shapes of the operands of `op` for C = m×n with inner dimension k. */
function operandShapes(op: GemmOp, m: number, n: number, k: number): { a: [number, number]; b: [number, number] } {
  switch (op) {
    case 'nn':
      return { a: [m, k], b: [k, n] };
    case 'tn':
      return { a: [k, m], b: [k, n] };
    case 'nt':
      return { a: [m, k], b: [n, k] };
    default:
      throw new RangeError(`gemm: op "${String(op)}" is not one of nn, tn, nt`);
  }
}

function checkGemm(op: GemmOp, m: number, n: number, k: number, aLength: number, bLength: number, cLength: number): void {
  checkDims('gemm', { m, n, k });
  const shapes = operandShapes(op, m, n, k);
  checkLength(`gemm(${op})`, 'A', aLength, shapes.a[0] * shapes.a[1], `${shapes.a[0]}×${shapes.a[1]}`);
  checkLength(`gemm(${op})`, 'B', bLength, shapes.b[0] * shapes.b[1], `${shapes.b[0]}×${shapes.b[1]}`);
  checkLength(`gemm(${op})`, 'C', cLength, m * n, `${m}×${n}`);
}

/** Typed facade over the wasm kernels. One instance per loaded module. */
export class Engine {
  constructor(readonly wasm: WasmBindings) {}

  memoryBuffer(): ArrayBuffer {
    return (this.wasm.wasm_memory() as WebAssembly.Memory).buffer as ArrayBuffer;
  }

  /** Allocates an f32 array in wasm memory, zero-filled or copied from `data`. */
  array(lengthOrData: number | ArrayLike<number>): WasmArray {
    const length = typeof lengthOrData === 'number' ? lengthOrData : lengthOrData.length;
    checkDims('array', { length });
    const out = new WasmArray(this, new this.wasm.F32Buffer(length));
    if (typeof lengthOrData !== 'number') out.set(lengthOrData);
    return out;
  }

  /** Runs `body` with arrays copied into wasm memory and frees them afterwards, even on error. */
  withArrays<T>(inputs: readonly (number | ArrayLike<number>)[], body: (...arrays: WasmArray[]) => T): T {
    const arrays: WasmArray[] = [];
    try {
      for (const input of inputs) arrays.push(this.array(input));
      return body(...arrays);
    } finally {
      for (const a of arrays) a.free();
    }
  }

  /** C (m×n) (+)= op(A)·op(B) on arrays already in wasm memory. */
  gemm(op: GemmOp, m: number, n: number, k: number, a: WasmArray, b: WasmArray, c: WasmArray, accumulate = false): void {
    checkGemm(op, m, n, k, a.length, b.length, c.length);
    this.wasm.gemm(op, m, n, k, a.handle, b.handle, c.handle, accumulate);
  }

  /** Convenience with explicit copies: returns op(A)·op(B) (+ `c` when given) as a new array. */
  matmul(op: GemmOp, m: number, n: number, k: number, a: ArrayLike<number>, b: ArrayLike<number>, c?: ArrayLike<number>): Float32Array {
    checkGemm(op, m, n, k, a.length, b.length, c?.length ?? m * n);
    return this.withArrays([a, b, c ?? m * n], (wa, wb, wc) => {
      this.gemm(op, m, n, k, wa!, wb!, wc!, c !== undefined);
      return wc!.toArray();
    });
  }

  /** x + bias broadcast over the rows of a rows×cols matrix. */
  biasAdd(rows: number, cols: number, x: ArrayLike<number>, bias: ArrayLike<number>): Float32Array {
    checkDims('biasAdd', { rows, cols });
    checkLength('biasAdd', 'x', x.length, rows * cols, `${rows}×${cols}`);
    checkLength('biasAdd', 'bias', bias.length, cols, `${cols}`);
    return this.withArrays([x, bias], (wx, wb) => {
      this.wasm.bias_add(rows, cols, wx!.handle, wb!.handle);
      return wx!.toArray();
    });
  }

  relu(x: ArrayLike<number>): Float32Array {
    return this.withArrays([x], (wx) => {
      this.wasm.relu(wx!.handle);
      return wx!.toArray();
    });
  }

  /** The gradient through ReLU, given the activation it produced. */
  reluBackward(activation: ArrayLike<number>, grad: ArrayLike<number>): Float32Array {
    checkLength('reluBackward', 'grad', grad.length, activation.length, 'the activation');
    return this.withArrays([activation, grad], (wa, wg) => {
      this.wasm.relu_backward(wa!.handle, wg!.handle);
      return wg!.toArray();
    });
  }

  columnSums(rows: number, cols: number, x: ArrayLike<number>): Float32Array {
    checkDims('columnSums', { rows, cols });
    checkLength('columnSums', 'x', x.length, rows * cols, `${rows}×${cols}`);
    return this.withArrays([x, cols], (wx, wo) => {
      this.wasm.column_sums(rows, cols, wx!.handle, wo!.handle, false);
      return wo!.toArray();
    });
  }

  /** Mean softmax cross-entropy of rows×classes logits, and the gradient of that mean. */
  softmaxCrossEntropy(rows: number, classes: number, logits: ArrayLike<number>, labels: Uint8Array): { loss: number; grad: Float32Array } {
    checkDims('softmaxCrossEntropy', { rows, classes });
    checkLength('softmaxCrossEntropy', 'logits', logits.length, rows * classes, `${rows}×${classes}`);
    checkLength('softmaxCrossEntropy', 'labels', labels.length, rows, `${rows}`);
    return this.withArrays([logits, rows * classes], (wl, wg) => {
      const loss = this.wasm.softmax_cross_entropy(rows, classes, wl!.handle, labels, wg!.handle);
      return { loss, grad: wg!.toArray() };
    });
  }

  /** `length` values uniform in [lo, hi) from the evoprune PRNG stream (seed, stream). */
  uniform(length: number, seed: number | bigint, stream: number | bigint, lo = 0, hi = 1): Float32Array {
    return this.withArrays([length], (w) => {
      w!.handle.fill_uniform(BigInt(seed), BigInt(stream), lo, hi);
      return w!.toArray();
    });
  }
}
