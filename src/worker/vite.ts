// The training worker of the Vite entry (evoprune/vite): the `bundler` build through vite-plugin-wasm.
import { viteEngine } from '../vite.js';
import { serveTraining } from './serve.js';

serveTraining(() => viteEngine());
