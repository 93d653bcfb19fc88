// What each entry point of the package pulls in: a page or bundler that imports the browser or
// Vite entry must get no `node:` module and none of the Node-side (optional peer) dependencies.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { root } from '../helpers/cli.js';

// Type-only imports are erased by the compiler and do not count.
const SPECIFIER =
  /(?:^|[\s;])(?:import|export)\s(?!type\s)[^'"`]*?from\s*['"]([^'"]+)['"]|(?:^|[\s;(])import\s*\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s+['"]([^'"]+)['"]/gm;

/** Every module reachable from `entry` (sources: `./x.js` is `./x.ts`), and every bare or `node:` import. */
function graph(entry: string): { files: string[]; external: Set<string> } {
  const seen = new Set<string>();
  const external = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
    for (const match of text.matchAll(SPECIFIER)) {
      const spec = match[1] ?? match[2] ?? match[3]!;
      if (!spec.startsWith('.')) {
        external.add(spec);
        continue;
      }
      let target = join(dirname(file), spec);
      if (!existsSync(target) && target.endsWith('.js')) target = target.replace(/\.js$/, '.ts');
      if (!existsSync(target)) throw new Error(`${relative(root, file)} imports ${spec}, which does not exist`);
      visit(target);
    }
  };
  visit(join(root, entry));
  return { files: [...seen].map((f) => relative(root, f)), external };
}

describe('the package shape', () => {
  it.each([
    ['src/browser.ts', ['zod']],
    ['src/vite.ts', ['zod']],
    ['src/worker/web.ts', []],
    ['src/worker/vite.ts', ['zod']],
    // evoprune/onnx: for bundled pages (onnx-proto is CommonJS).
    ['src/export/onnx.ts', ['onnx-proto']],
  ])('%s imports no node: module and, by name, only %j', (entry, allowed) => {
    const { files, external } = graph(entry);
    expect([...external].filter((s) => s.startsWith('node:'))).toEqual([]);
    expect([...external].sort()).toEqual(allowed);
    expect(files.some((f) => f.startsWith('src/cli/'))).toBe(false);
  });

  it('the Node entry needs only zod and the optional peers, each declared in package.json', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      peerDependencies: Record<string, string>;
      peerDependenciesMeta: Record<string, { optional?: boolean }>;
    };
    const { external } = graph('src/cli/main.ts');
    const packages = new Set(
      [...external]
        .filter((s) => !s.startsWith('node:'))
        .map((s) =>
          s
            .split('/')
            .slice(0, s.startsWith('@') ? 2 : 1)
            .join('/'),
        ),
    );
    const declared = new Set([...Object.keys(pkg.dependencies), ...Object.keys(pkg.peerDependencies)]);
    expect([...packages].filter((p) => !declared.has(p))).toEqual([]);
    expect(Object.keys(pkg.dependencies)).toEqual(['zod']);
    for (const peer of Object.keys(pkg.peerDependencies)) expect(pkg.peerDependenciesMeta[peer]?.optional, peer).toBe(true);
  });
});
