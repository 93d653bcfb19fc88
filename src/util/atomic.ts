import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Errors a rename gets while another process holds the target open (Windows readers, virus scanners). */
const BUSY = new Set(['EPERM', 'EBUSY', 'EACCES']);

/** Blocks the thread for `ms` (only between rename retries, which are rare). */
const pause = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** Renames, retrying for about a second while the platform refuses because a reader holds the file. */
export function renameWithRetry(from: string, to: string): void {
  for (let attempt = 0; ; attempt++) {
    try {
      renameSync(from, to);
      return;
    } catch (error) {
      if (!BUSY.has((error as NodeJS.ErrnoException).code ?? '') || attempt >= 10) throw error;
      pause(10 * 2 ** Math.min(attempt, 6));
    }
  }
}

/** fsync a folder so a rename inside it survives a power cut (not possible everywhere: ignored then). */
function syncFolder(folder: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(folder, 'r');
    fsyncSync(fd);
  } catch {
    // Windows cannot open a folder for fsync; its renames are durable once the call returns.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Writes a file so that readers see either the old contents or the new, never half, even after a
 * crash or power cut: the bytes go to a temporary file beside it, are flushed to disk (fsync), and
 * the temporary file is renamed over the target (retrying while a reader holds it).
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = join(dirname(path), `.${process.pid}.${Date.now()}.tmp-${path.split('/').pop()}`);
  try {
    const fd = openSync(temporary, 'w');
    try {
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameWithRetry(temporary, path);
    syncFolder(dirname(path));
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
