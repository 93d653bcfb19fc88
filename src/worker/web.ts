// The training worker of the no-bundler browser entry (dist/browser.js): the `web` build of the
// kernels, or their threaded build when a run asks for threads in a cross-origin-isolated page.
import { browserEngine } from '../engine/web.js';
import { browserThreadedEngine } from '../engine/web-threads.js';
import { serveTraining } from './serve.js';

serveTraining(
  (wasm) => browserEngine(wasm),
  (threads) => browserThreadedEngine(threads),
);
