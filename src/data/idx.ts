import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { DataError, parseIdx, type IdxArray } from './idx-parse.js';

export { DataError, encodeIdx, parseIdx, type IdxArray } from './idx-parse.js';

/** Reads an IDX file, plain or gzip-compressed (recognised by its content, not its name). */
export function readIdxFile(file: string): IdxArray {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new DataError(`${file}: cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch (error) {
      throw new DataError(`${file}: corrupt gzip data (${(error as Error).message})`);
    }
  }
  return parseIdx(bytes, file);
}
