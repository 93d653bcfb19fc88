// A minimal Vite app on evoprune: `npx vite --config examples/vite-app/vite.config.ts` (dev) or
// `npx vite build --config examples/vite-app/vite.config.ts` (static site in examples/vite-app/dist).
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import wasmModule from 'vite-plugin-wasm';

// vite-plugin-wasm ships CommonJS types: under NodeNext its default export arrives as the module.
const wasm = ((wasmModule as unknown as { default?: () => Plugin }).default ?? wasmModule) as unknown as () => Plugin;

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  // The kernels are a .wasm module: vite-plugin-wasm instantiates them, in the page and in workers.
  plugins: [wasm()],
  worker: { format: 'es', plugins: () => [wasm()] },
  build: { target: 'esnext', outDir: 'dist', emptyOutDir: true },
  // Only inside this repository: the package itself is not in node_modules, so its built entry is
  // aliased. An app that ran `npm install evoprune` leaves this out.
  resolve: { alias: { 'evoprune/vite': fileURLToPath(new URL('../../dist/vite.js', import.meta.url)) } },
  // MNIST from `npm run web:data` (web/public/mnist), served as this app's public folder.
  publicDir: fileURLToPath(new URL('../../web/public', import.meta.url)),
});
