import { gunzipSync } from 'node:zlib';
import { DataError, parseIdx, type IdxArray } from './idx-parse.js';
import { readSource } from './source.js';
import type { DatasetSource } from './types.js';

export { DataError, encodeIdx, parseIdx, type IdxArray } from './idx-parse.js';

/**
 * Reads an IDX file, plain or gzip-compressed (recognised by its content, not its name), with the
 * SHA-256 of the file as stored (provenance).
 */
export function readIdxFile(file: string): IdxArray & { source: DatasetSource } {
  const read = readSource(file);
  const source = read.source;
  let bytes: Uint8Array = read.bytes;
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch (error) {
      throw new DataError(`${file}: corrupt gzip data (${(error as Error).message})`);
    }
  }
  return { ...parseIdx(bytes, file), source };
}
