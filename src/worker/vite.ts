// The training worker of the Vite entry (evoprune/vite): the `bundler` build through vite-plugin-wasm,
// or the threaded `web` build when a run asks for threads in a cross-origin-isolated page.
import { browserThreadedEngine } from '../engine/web-threads.js';
import { viteEngine } from '../vite.js';
import { serveTraining } from './serve.js';

serveTraining(
  () => viteEngine(),
  (threads) => browserThreadedEngine(threads),
);
