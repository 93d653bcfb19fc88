import { randomUUID } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import lockfile from 'proper-lockfile';
import { writeFileAtomic } from '../util/atomic.js';
import { faultPoint } from '../util/fault.js';

/** Where `--name N` puts a run (runs/N) and a sweep without `--out` (runs/<name>). */
export const RUNS_ROOT = 'runs';

/** The file that marks a folder as evoprune's own: its run id and every file evoprune wrote there. */
export const MARKER = '.evoprune-run.json';

/**
 * A run folder that cannot be used as asked (it holds another run, it is not evoprune's, another
 * process owns it, a name leaves runs/). A usage error: the folder is left untouched.
 */
export class RunFolderError extends Error {
  override name = 'RunFolderError';
}

export interface Marker {
  evoprune: true;
  kind: 'run' | 'sweep';
  runId: string;
  created: string;
  /** Names of the files and folders evoprune wrote here (the marker itself aside). */
  files: string[];
}

/**
 * `runs/<name>` for a user-given run or sweep name, which must stay inside runs/: not empty, not
 * absolute, no `..` segment.
 */
export function runDirForName(name: string, field = '--name'): string {
  const parts = name.split(/[\\/]+/);
  if (name.trim() === '' || isAbsolute(name) || /^[A-Za-z]:/.test(name) || parts.includes('..') || parts.every((p) => p === '' || p === '.')) {
    throw new RunFolderError(`${field} "${name}" must be a plain name inside ${RUNS_ROOT}/ (not empty, not absolute, no "..")`);
  }
  return join(RUNS_ROOT, name);
}

/** Temporary files that writeFileAtomic leaves if a process dies between write and rename. */
const isTemporary = (name: string) => /^\.\d+\.\d+\.tmp-/.test(name);

export function readMarker(dir: string): Marker | undefined {
  const path = join(dir, MARKER);
  if (!existsSync(path)) return undefined;
  try {
    const marker = JSON.parse(readFileSync(path, 'utf8')) as Partial<Marker>;
    if (marker.evoprune !== true || typeof marker.runId !== 'string' || marker.runId === '' || !Array.isArray(marker.files)) return undefined;
    return marker as Marker;
  } catch {
    return undefined;
  }
}

/**
 * Why `dir` may not be replaced, or undefined when it may: it must hold evoprune's marker with a
 * run id, and nothing but what the marker lists (sub-folders of a sweep are checked the same way).
 */
export function whyNotReplaceable(dir: string): string | undefined {
  const stat = lstatSync(dir);
  if (stat.isSymbolicLink()) return `${dir} is a symbolic link`;
  if (!stat.isDirectory()) return `${dir} is not a folder`;
  const marker = readMarker(dir);
  if (!marker) return `${dir} has no evoprune run marker (${MARKER}), so it is not a run evoprune wrote`;
  const owned = new Set(marker.files);
  for (const entry of readdirSync(dir)) {
    if (entry === MARKER || isTemporary(entry)) continue;
    if (!owned.has(entry)) return `${join(dir, entry)} was not written by evoprune`;
    const path = join(dir, entry);
    if (lstatSync(path).isDirectory()) {
      const inner = whyNotReplaceable(path);
      if (inner) return inner;
    }
  }
  return undefined;
}

/** Adds `names` to the marker's file list, if `dir` has a marker (a no-op elsewhere). */
export function recordOwned(dir: string, ...names: string[]): void {
  const marker = readMarker(dir);
  if (!marker) return;
  const missing = names.filter((n) => !marker.files.includes(n));
  if (missing.length === 0) return;
  writeFileAtomic(join(dir, MARKER), JSON.stringify({ ...marker, files: [...marker.files, ...missing] }, null, 2) + '\n');
}

/** Writes `name` in `dir` atomically and records it in the folder's marker (when it has one). */
export function writeOwned(dir: string, name: string, data: string | Uint8Array): string {
  const path = join(dir, name);
  // The marker lists the file before it exists: a crash in between leaves a listed file missing
  // (harmless), never an unlisted one (which would make the folder look foreign to --force).
  recordOwned(dir, name);
  faultPoint(`before-write:${name}`);
  writeFileAtomic(path, data);
  faultPoint(`after-write:${name}`);
  return path;
}

const stamp = () => new Date().toISOString().replace(/[:.]/g, '-');

export interface OpenOptions {
  /** Replace an existing run (renamed aside to `DIR.replaced-<time>`, never deleted); undefined where the command has no --force. */
  force?: boolean;
  kind: 'run' | 'sweep';
  /** Re-use a folder that already holds this kind of evoprune folder (sweeps resume into theirs). */
  resume?: boolean;
  /** Empty a folder evoprune wrote at once and start over (a run inside its sweep's folder). */
  reset?: boolean;
  /** Lock the folder (default). A run inside a sweep is covered by the sweep's lock. */
  lock?: boolean;
  /** Called if the lock is lost (its heartbeat failed, another process took it). */
  onCompromised?: (error: Error) => void;
}

/**
 * A folder a run or sweep owns while it works: locked against other evoprune processes with a
 * heartbeat lock (proper-lockfile: `DIR.lock`, refreshed every few seconds, taken over once stale,
 * so a crashed process does not leave it stuck), marked as evoprune's own, and replaced only when
 * that is safe and only once the new run writes its first file.
 */
export class RunFolder {
  private constructor(
    readonly dir: string,
    readonly kind: 'run' | 'sweep',
    readonly runId: string,
    private release: (() => Promise<void>) | undefined,
    private replaceOld: boolean,
  ) {}

  /** Seconds after which a lock whose heartbeat stopped is considered abandoned. */
  static readonly STALE_MS = 20_000;

  static async open(dir: string, options: OpenOptions): Promise<RunFolder> {
    mkdirSync(dirname(resolve(dir)), { recursive: true });
    if (options.reset) {
      resetOwnedRunFolder(dir);
      return new RunFolder(dir, options.kind, readMarker(dir)!.runId, undefined, false);
    }
    let release: (() => Promise<void>) | undefined;
    if (options.lock !== false) release = await RunFolder.lock(dir, options);
    try {
      let replaceOld = false;
      // A folder holding nothing but evoprune's marker (a run stopped before its first file) is empty.
      const holdsSomething = () => readdirSync(dir).some((entry) => entry !== MARKER && !isTemporary(entry));
      if (existsSync(dir) && (!lstatSync(dir).isDirectory() || holdsSomething())) {
        const marker = lstatSync(dir).isDirectory() ? readMarker(dir) : undefined;
        if (options.resume && marker?.kind === options.kind) {
          // A sweep resuming into its own folder: keep it.
        } else if (!options.force) {
          const hint = options.force === undefined ? 'choose another folder' : 'choose another folder or pass --force to replace it';
          throw new RunFolderError(`${dir} already holds ${marker ? `a ${marker.kind}` : 'files that are not an evoprune run'}; ${hint}`);
        } else {
          const why = whyNotReplaceable(dir);
          if (why) throw new RunFolderError(`--force replaces only a folder evoprune wrote, and ${why}; ${dir} was left untouched`);
          replaceOld = true;
        }
      }
      const existing = !replaceOld && existsSync(dir) ? readMarker(dir) : undefined;
      return new RunFolder(dir, options.kind, existing?.runId ?? randomUUID(), release, replaceOld);
    } catch (error) {
      await release?.().catch(() => {});
      throw error;
    }
  }

  /**
   * Takes the heartbeat lock `DIR.lock`, or says which process holds it. Beside it,
   * `DIR.lock.owner` names the holder (pid and host): a lock whose holder died on this machine
   * (a crash, SIGKILL) is taken over at once instead of after the heartbeat goes stale.
   */
  private static async lock(dir: string, options: OpenOptions): Promise<() => Promise<void>> {
    const lockPath = `${resolve(dir)}.lock`;
    const ownerPath = `${lockPath}.owner`;
    const take = () =>
      lockfile.lock(dir, {
        realpath: false,
        lockfilePath: lockPath,
        stale: RunFolder.STALE_MS,
        update: 5_000,
        retries: 0,
        onCompromised: (error) => options.onCompromised?.(error),
      });
    let release: () => Promise<void>;
    try {
      release = await take();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
      if (!holderDied(ownerPath)) {
        throw new RunFolderError(
          `${dir} is in use by another evoprune process${holderText(ownerPath)} (lock ${lockPath}); wait for it to finish or choose another folder (a lock whose process died expires ${RunFolder.STALE_MS / 1000} s after its last heartbeat)`,
        );
      }
      // Its holder is gone: let proper-lockfile take the lock over as stale (it re-checks).
      const past = new Date(0);
      utimesSync(lockPath, past, past);
      release = await take();
    }
    writeFileSync(ownerPath, JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() }) + '\n');
    return async () => {
      rmSync(ownerPath, { force: true });
      await release();
    };
  }

  /** Moves an old run aside (if replacing one) and creates the folder with its marker. */
  private prepare(): void {
    if (this.replaceOld) {
      const aside = `${this.dir}.replaced-${stamp()}`;
      renameSync(this.dir, aside);
      this.replaceOld = false;
      this.replacedTo = aside;
    }
    if (!readMarker(this.dir)) {
      mkdirSync(this.dir, { recursive: true });
      const marker: Marker = { evoprune: true, kind: this.kind, runId: this.runId, created: new Date().toISOString(), files: [] };
      writeFileAtomic(join(this.dir, MARKER), JSON.stringify(marker, null, 2) + '\n');
    }
  }

  /** Where the replaced run went, once it has been moved aside. */
  replacedTo: string | undefined;

  /** Writes one file of the run (atomically) and records it as evoprune's. */
  write(name: string, data: string | Uint8Array): string {
    this.prepare();
    return writeOwned(this.dir, name, data);
  }

  /** Releases the lock (idempotent). */
  async close(): Promise<void> {
    const release = this.release;
    this.release = undefined;
    await release?.().catch(() => {});
  }
}

/** The holder a lock's owner file names: dead when it is this machine's and its pid is gone. */
function holderDied(ownerPath: string): boolean {
  try {
    const owner = JSON.parse(readFileSync(ownerPath, 'utf8')) as { pid?: number; host?: string };
    if (owner.host !== hostname() || typeof owner.pid !== 'number') return false;
    try {
      process.kill(owner.pid, 0);
      return false;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'ESRCH';
    }
  } catch {
    return false;
  }
}

function holderText(ownerPath: string): string {
  try {
    const owner = JSON.parse(readFileSync(ownerPath, 'utf8')) as { pid?: number; host?: string };
    return ` (pid ${owner.pid} on ${owner.host})`;
  } catch {
    return '';
  }
}

/**
 * Empties a run folder inside a sweep so the run can start over. Only folders evoprune wrote (or
 * empty or missing ones) are touched; anything else is an error.
 */
export function resetOwnedRunFolder(dir: string): void {
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    const why = whyNotReplaceable(dir);
    if (why) throw new RunFolderError(`cannot re-run into ${dir}: ${why}`);
    rmSync(dir, { recursive: true, force: true });
  }
  mkdirSync(dir, { recursive: true });
  const marker: Marker = { evoprune: true, kind: 'run', runId: randomUUID(), created: new Date().toISOString(), files: [] };
  writeFileAtomic(join(dir, MARKER), JSON.stringify(marker, null, 2) + '\n');
}
