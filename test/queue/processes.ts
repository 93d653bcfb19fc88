// Real processes for the queue tests: the CLI from source (as test/helpers/cli.ts runs it) with
// its own environment, its output collected, waited for with generous timeouts, killed by pid.
import { type ChildProcess, spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { root } from '../helpers/cli.js';

const tsx = pathToFileURL(`${root}/node_modules/tsx/dist/loader.mjs`).href;

export interface CliProcess {
  child: ChildProcess;
  stderr: () => string;
  stdout: () => string;
  /** Resolves with the exit code (or the signal's name) once the process has exited. */
  exited: Promise<number | string>;
  /** Waits until stderr matches `pattern` (generous timeout: these machines are busy). */
  waitFor: (pattern: RegExp, timeoutMs?: number) => Promise<void>;
  /** SIGTERM (a worker's clean stop) and wait. */
  stop: () => Promise<number | string>;
}

/** Starts `evoprune …args` from source; EVOPRUNE_THREADS=1 like every test process. */
export function startCli(args: string[], env: Record<string, string> = {}): CliProcess {
  const child = spawn(process.execPath, ['--import', tsx, `${root}/src/cli/main.ts`, ...args], {
    cwd: root,
    env: { ...process.env, EVOPRUNE_THREADS: '1', ...env },
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  let exitValue: number | string | undefined;
  void exited.then((v) => (exitValue = v));
  const waitFor = async (pattern: RegExp, timeoutMs = 90_000) => {
    const end = Date.now() + timeoutMs;
    while (!pattern.test(err)) {
      if (exitValue !== undefined) throw new Error(`process exited (${exitValue}) before printing ${pattern}:\n${err}`);
      if (Date.now() > end) throw new Error(`timed out waiting for ${pattern}:\n${err}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return {
    child,
    stderr: () => err,
    stdout: () => out,
    exited,
    waitFor,
    stop: async () => {
      if (exitValue === undefined) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Polls `ok` until it holds (generous timeout), for states outside any process's output. */
export async function eventually(what: string, ok: () => boolean | Promise<boolean>, timeoutMs = 90_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** How many times each run was started by these workers' logs (`run <key> (…) started`). */
export function startsByRun(...logs: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const log of logs) for (const m of log.matchAll(/^run ([0-9a-f]{16}) \(.*\) started/gm)) counts.set(m[1]!, (counts.get(m[1]!) ?? 0) + 1);
  return counts;
}
