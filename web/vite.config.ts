import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import wasmModule from 'vite-plugin-wasm';

// vite-plugin-wasm ships CommonJS types: under NodeNext its default export arrives as the module.
const wasm = ((wasmModule as unknown as { default?: () => Plugin }).default ?? wasmModule) as unknown as () => Plugin;

const isolation = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

// The demo: trains in a Web Worker through the Vite entry of evoprune (src/vite.ts), whose
// kernels vite-plugin-wasm instantiates. MNIST comes from public/mnist (npm run web:data).
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  plugins: [wasm()],
  worker: { format: 'es', plugins: () => [wasm()] },
  // vega and vega-lite (the charts, compiled in the page) make the page's chunk ≈ 1.1 MB (≈ 340 KB gzip).
  build: { target: 'esnext', outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1500 },
  // Cross-origin isolation, so the training worker can share wasm memory with its thread pool.
  server: { fs: { allow: ['..'] }, headers: isolation },
  preview: { headers: isolation },
});
