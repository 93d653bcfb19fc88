// Platform-neutral: used in Node and in browsers.

/** A bad or unreadable data file; the message names the file and the problem. */
export class DataError extends Error {
  override name = 'DataError';
}

export interface IdxArray {
  /** Dimensions from the header, outermost first (e.g. [60000, 28, 28]). */
  dims: number[];
  data: Uint8Array;
}

const TYPE_NAMES: Record<number, string> = { 8: 'unsigned byte', 9: 'signed byte', 11: 'short', 12: 'int', 13: 'float', 14: 'double' };

/**
 * Parses an IDX file (http://yann.lecun.com/exdb/mnist/ format): two zero bytes, a type byte,
 * the number of dimensions, big-endian u32 dimensions, then the data. evoprune reads unsigned
 * bytes (type 0x08), which is what image and label sets use.
 */
export function parseIdx(bytes: Uint8Array, file: string): IdxArray {
  if (bytes.length < 4) throw new DataError(`${file}: ${bytes.length} bytes is too short for an IDX header`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    const magic = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new DataError(`${file}: not an IDX file (magic number ${magic}; expected 00 00 08 <dims>)`);
  }
  const type = bytes[2]!;
  if (type !== 0x08) {
    const name = TYPE_NAMES[type] ?? 'unknown';
    throw new DataError(`${file}: IDX data type 0x${type.toString(16).padStart(2, '0')} (${name}) is not supported; expected 0x08 (unsigned byte)`);
  }
  const ndims = bytes[3]!;
  if (ndims === 0) throw new DataError(`${file}: IDX header declares 0 dimensions`);
  const headerLength = 4 + 4 * ndims;
  if (bytes.length < headerLength) {
    throw new DataError(`${file}: truncated header: ${ndims} dimensions need ${headerLength} bytes, file has ${bytes.length}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims = Array.from({ length: ndims }, (_, i) => view.getUint32(4 + 4 * i, false));
  const expected = dims.reduce((a, b) => a * b, 1);
  const actual = bytes.length - headerLength;
  if (actual < expected) {
    throw new DataError(`${file}: truncated: dimensions ${dims.join('×')} need ${expected} data bytes, file has ${actual}`);
  }
  if (actual > expected) {
    throw new DataError(`${file}: ${actual - expected} bytes after the data that dimensions ${dims.join('×')} describe`);
  }
  return { dims, data: bytes.subarray(headerLength) };
}

/** Encodes unsigned bytes as an IDX file (the inverse of `parseIdx`). */
export function encodeIdx(dims: readonly number[], data: ArrayLike<number>): Uint8Array {
  const header = 4 + 4 * dims.length;
  const bytes = new Uint8Array(header + data.length);
  bytes[2] = 0x08;
  bytes[3] = dims.length;
  const view = new DataView(bytes.buffer);
  for (const [i, d] of dims.entries()) view.setUint32(4 + 4 * i, d, false);
  bytes.set(data, header);
  return bytes;
}
