// The training worker of the no-bundler browser entry (dist/browser.js): the `web` build of the kernels.
import { browserEngine } from '../engine/web.js';
import { serveTraining } from './serve.js';

serveTraining((wasm) => browserEngine(wasm));
