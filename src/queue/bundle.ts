// A run's files as one Redis value: what a worker sends back (the finished run) and what it
// leaves for the next worker (the latest checkpoint). Read with allow-listed names and a size
// cap, so nothing in Redis can make a coordinator or worker write elsewhere or fill its disk.

/** `MAGIC | u32 header length | header (UTF-8 JSON: meta, file names and sizes) | the files' bytes`. */
const MAGIC = new TextEncoder().encode('EVOPRUNE-FILES\0\x01');

/** A finished run's files, in the order a coordinator writes them (the run counts as finished once the last two are on disk). */
export const RESULT_FILES = [
  'config.json',
  'provenance.json',
  'checkpoint.bin',
  'model.bin',
  'metrics.csv',
  'telemetry.json',
  'summary.json',
  'pruning.json',
] as const;

/** What a run in progress needs to be resumed elsewhere. */
export const CHECKPOINT_FILES = ['config.json', 'provenance.json', 'checkpoint.bin'] as const;

/** Default cap on one run's files in Redis: a 20-epoch run of the default 784-512-256-10 network is about 12 MB. */
export const DEFAULT_MAX_RESULT_BYTES = 256 * 1024 * 1024;

/** A bundle that cannot be read, or one that breaks the rules; the message says which. */
export class BundleError extends Error {
  override name = 'BundleError';
}

export interface Bundle {
  meta: Record<string, unknown>;
  files: Map<string, Uint8Array>;
}

export function encodeBundle(meta: Record<string, unknown>, files: ReadonlyMap<string, Uint8Array>): Buffer {
  const entries = [...files];
  const header = Buffer.from(JSON.stringify({ meta, files: entries.map(([name, bytes]) => ({ name, size: bytes.length })) }), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32LE(header.length);
  return Buffer.concat([MAGIC, length, header, ...entries.map(([, bytes]) => bytes)]);
}

/** Reads a bundle whose files may only be `allowed` names, `required` ones present, and at most `maxBytes` long in all. */
export function decodeBundle(bytes: Uint8Array, what: string, rules: { allowed: readonly string[]; required?: readonly string[]; maxBytes: number }): Bundle {
  if (bytes.length > rules.maxBytes) throw new BundleError(`${what}: ${bytes.length} bytes, over the cap of ${rules.maxBytes}`);
  if (bytes.length < MAGIC.length + 4 || MAGIC.some((b, i) => bytes[i] !== b)) throw new BundleError(`${what}: not an evoprune bundle of run files`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = view.getUint32(MAGIC.length, true);
  let at = MAGIC.length + 4;
  if (length > bytes.length - at) throw new BundleError(`${what}: truncated header`);
  let header: { meta?: unknown; files?: unknown };
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(at, at + length)));
  } catch (error) {
    throw new BundleError(`${what}: its header is not valid JSON (${(error as Error).message})`);
  }
  at += length;
  if (typeof header?.meta !== 'object' || header.meta === null || Array.isArray(header.meta) || !Array.isArray(header.files)) {
    throw new BundleError(`${what}: its header has no meta object or file list`);
  }
  const files = new Map<string, Uint8Array>();
  for (const entry of header.files as { name?: unknown; size?: unknown }[]) {
    const { name, size } = entry ?? {};
    if (typeof name !== 'string' || !rules.allowed.includes(name))
      throw new BundleError(`${what}: holds a file ${JSON.stringify(name)}, not one of ${rules.allowed.join(', ')}`);
    if (files.has(name)) throw new BundleError(`${what}: holds ${name} twice`);
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0 || size > bytes.length - at) throw new BundleError(`${what}: ${name} is truncated`);
    files.set(name, bytes.slice(at, at + size));
    at += size;
  }
  if (at !== bytes.length) throw new BundleError(`${what}: ${bytes.length - at} bytes after its last file`);
  const missing = (rules.required ?? []).filter((name) => !files.has(name));
  if (missing.length > 0) throw new BundleError(`${what}: lacks ${missing.join(', ')}`);
  return { meta: header.meta as Record<string, unknown>, files };
}
