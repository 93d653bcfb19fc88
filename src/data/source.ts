import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { DataError } from './idx-parse.js';
import type { DatasetSource } from './types.js';

/** Reads a data file whole, with its size and SHA-256 as stored (provenance, and MNIST's integrity check). */
export function readSource(file: string): { bytes: Buffer; source: DatasetSource } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new DataError(`${file}: cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  return { bytes, source: { file, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') } };
}
