// A checkpoint: a header that says what produced the state (outside the hashed state bytes, so
// stateHash is unchanged by it) followed by the trainer's full state. Platform-neutral.
import type { TrainConfig } from '../config/schema.js';
import type { EpochProgress } from '../engine/trainer.js';
import type { EpochMetrics } from '../train/loop.js';
import type { Provenance } from './provenance.js';
import type { PlainTelemetry } from './schema.js';

/** First bytes of a checkpoint file; the last byte is the format version. */
const MAGIC = new TextEncoder().encode('EVOPRUNE-CKPT\0\0\x01');
export const CHECKPOINT_FORMAT = 1;

/** Where training stood when the state was taken, beyond the state itself. */
export interface CheckpointProgress {
  step: number;
  epoch: number;
  /** The kernels' configuration fingerprint (the state loads only into a trainer with the same). */
  fingerprint: string;
  /** The current epoch's training figures so far. */
  epochProgress: EpochProgress;
  /** The epochs finished so far (their metrics), and the telemetry taken so far. */
  history: EpochMetrics[];
  telemetry: PlainTelemetry;
}

export interface CheckpointHeader {
  format: number;
  /** The resolved configuration and its hash (a resume under another configuration is refused). */
  config: TrainConfig;
  configHash: string;
  provenance: Omit<Provenance, 'runtime'> & { runtime?: Provenance['runtime'] };
  progress: CheckpointProgress;
  created: string;
}

export interface Checkpoint {
  header: CheckpointHeader;
  state: Uint8Array;
}

/** A checkpoint that cannot be read, or belongs to another run; the message says which and why. */
export class CheckpointError extends Error {
  override name = 'CheckpointError';
}

/** `MAGIC | u32 header length | header (UTF-8 JSON) | state bytes`. */
export function encodeCheckpoint(header: CheckpointHeader, state: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(MAGIC.length + 4 + json.length + state.length);
  out.set(MAGIC, 0);
  new DataView(out.buffer).setUint32(MAGIC.length, json.length, true);
  out.set(json, MAGIC.length + 4);
  out.set(state, MAGIC.length + 4 + json.length);
  return out;
}

export function decodeCheckpoint(bytes: Uint8Array, file: string): Checkpoint {
  if (bytes.length < MAGIC.length + 4 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new CheckpointError(`${file}: not an evoprune checkpoint (bad magic or format version)`);
  }
  const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(MAGIC.length, true);
  const start = MAGIC.length + 4;
  if (length > bytes.length - start) throw new CheckpointError(`${file}: truncated: its header says ${length} bytes, ${bytes.length - start} follow`);
  let header: CheckpointHeader;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(start, start + length))) as CheckpointHeader;
  } catch (error) {
    throw new CheckpointError(`${file}: its header is not valid JSON (${(error as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || header.format !== CHECKPOINT_FORMAT) {
    throw new CheckpointError(`${file}: checkpoint format ${JSON.stringify((header as { format?: unknown } | null)?.format)} is not ${CHECKPOINT_FORMAT}`);
  }
  for (const field of ['config', 'configHash', 'provenance', 'progress'] as const) {
    if (header[field] === undefined) throw new CheckpointError(`${file}: its header has no ${field}`);
  }
  return { header, state: bytes.slice(start + length) };
}
