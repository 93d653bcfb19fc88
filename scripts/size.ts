/**
 * Gzip sizes of what a page downloads: the browser kernels (.wasm) and their JS glue, single- and
 * multi-threaded, plus the demo's built bundle when present (npm run web:build). Peers for scale, as published: TF.js wasm
 * backend ≈ 141 KB wasm + 35 KB glue; ONNX Runtime web ≈ 3.7 MB.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const root = new URL('..', import.meta.url).pathname;
const gz = (file: string) => gzipSync(readFileSync(file), { level: 9 }).length;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

const wasm = gz(join(root, 'pkg/evoprune_wasm_bg.wasm'));
const glue = gz(join(root, 'pkg/web/evoprune_wasm.js'));
console.log(`browser kernels (pkg/evoprune_wasm_bg.wasm + pkg/web glue): wasm ${kb(wasm)} + JS glue ${kb(glue)} = ${kb(wasm + glue)} gzip (target ≤ 150 KB)`);
const threadedWasm = gz(join(root, 'pkg/threads/evoprune_wasm_bg.wasm'));
const threadedGlue = gz(join(root, 'pkg/threads/web/evoprune_wasm.js')) + gz(join(root, 'dist/engine/pool-worker.js'));
console.log(
  `threaded browser kernels (pkg/threads: wasm + web glue + pool worker): wasm ${kb(threadedWasm)} + JS ${kb(threadedGlue)} = ${kb(threadedWasm + threadedGlue)} gzip (target ≤ 150 KB)`,
);
console.log(`  TF.js wasm backend ≈ 176 KB (141 + 35) → evoprune is ${((wasm + glue) / (176 * 1024)).toFixed(2)}× its size; ONNX Runtime web ≈ 3.7 MB`);
const assets = join(root, 'web/dist/assets');
if (existsSync(assets)) {
  const files = readdirSync(assets).map((f) => [f, gz(join(assets, f))] as const);
  const total = files.reduce((s, [, n]) => s + n, 0);
  console.log(`demo bundle (web/dist/assets): ${files.map(([f, n]) => `${f} ${kb(n)}`).join(', ')} = ${kb(total)} gzip`);
}
