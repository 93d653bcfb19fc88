// What produced a run, recorded beside it (provenance.json) and in its checkpoints, so that
// `evoprune verify` can say which of these changed when bits differ.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DatasetSource } from '../data/types.js';

/** The package root (the same from src/run and dist/run). */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface Provenance {
  evoprune: string;
  /** `git rev-parse HEAD` of the package's checkout, when it is one. */
  gitCommit?: string;
  /** SHA-256 of the kernels' .wasm, and the toolchain that built it (pkg/BUILD-INFO.json). */
  kernels: { sha256: string; build: Record<string, unknown> };
  runtime: { node: string; v8: string; platform: string; arch: string; cpu: string };
  dataset: { name: string; files: DatasetSource[] };
}

let cached: Omit<Provenance, 'dataset'> | undefined;

/** The kernels' .wasm the Node engine loads. */
export const KERNELS_WASM = join(ROOT, 'pkg/evoprune_wasm_bg.wasm');

function gitCommit(): string | undefined {
  if (!existsSync(join(ROOT, '.git'))) return undefined;
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

/** The machine-and-build part of a run's provenance (computed once per process). */
export function buildProvenance(): Omit<Provenance, 'dataset'> {
  if (!cached) {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const infoFile = join(ROOT, 'pkg/BUILD-INFO.json');
    const commit = gitCommit();
    cached = {
      evoprune: pkg.version,
      ...(commit ? { gitCommit: commit } : {}),
      kernels: {
        sha256: createHash('sha256').update(readFileSync(KERNELS_WASM)).digest('hex'),
        build: existsSync(infoFile) ? (JSON.parse(readFileSync(infoFile, 'utf8')) as Record<string, unknown>) : {},
      },
      runtime: { node: process.versions.node, v8: process.versions.v8, platform: process.platform, arch: process.arch, cpu: cpus()[0]?.model ?? 'unknown' },
    };
  }
  return cached;
}

/** Provenance of a run on `dataset` (its numerics version is in its configuration). */
export function runProvenance(dataset: { name: string; sources?: DatasetSource[] }): Provenance {
  return { ...buildProvenance(), dataset: { name: dataset.name, files: dataset.sources ?? [] } };
}

/** Named differences between two provenance records (for `verify`). */
export function provenanceChanges(before: Provenance, now: Provenance): string[] {
  const changes: string[] = [];
  const flat = (p: Provenance): Record<string, string> => ({
    evoprune: p.evoprune,
    gitCommit: p.gitCommit ?? '-',
    'kernels.sha256': p.kernels.sha256,
    'runtime.node': p.runtime.node,
    'runtime.v8': p.runtime.v8,
    'runtime.platform': `${p.runtime.platform}/${p.runtime.arch}`,
    'runtime.cpu': p.runtime.cpu,
    'dataset.name': p.dataset.name,
    ...Object.fromEntries(p.dataset.files.map((f) => [`dataset ${f.file.split('/').pop()}`, f.sha256])),
  });
  const [a, b] = [flat(before), flat(now)];
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (a[key] !== b[key]) changes.push(`${key}: ${a[key] ?? '(none)'} → ${b[key] ?? '(none)'}`);
  }
  return changes;
}
