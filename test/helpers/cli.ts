import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const root = fileURLToPath(new URL('../..', import.meta.url));
/** tsx's loader by absolute URL, so the CLI also runs from another working directory. */
const tsx = pathToFileURL(`${root}/node_modules/tsx/dist/loader.mjs`).href;

/** Runs the CLI from source (tsx), as a user would run `npx evoprune …`. */
export function cli(args: string[], options: { cwd?: string } = {}) {
  const r = spawnSync(process.execPath, ['--import', tsx, `${root}/src/cli/main.ts`, ...args], { cwd: options.cwd ?? root, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Starts the CLI from source without waiting; resolves with its exit code and output. */
export function cliAsync(args: string[], options: { cwd?: string; onStderr?: (text: string, child: ReturnType<typeof spawn>) => void } = {}) {
  const child = spawn(process.execPath, ['--import', tsx, `${root}/src/cli/main.ts`, ...args], { cwd: options.cwd ?? root });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    options.onStderr?.(stderr, child);
  });
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
  return { child, done };
}

/** The CLI tests' small training run (a 24-16 network, 3 epochs of batch 10): seconds, yet long enough for extinctions. */
export function smallTrainArgs(dataset: string): string[] {
  return ['train', '--dataset', dataset, '--hidden', '24,16', '--epochs', '3', '--batch', '10', '--lr', '0.1'];
}
