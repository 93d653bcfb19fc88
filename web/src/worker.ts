// The demo's training worker: evoprune's own worker protocol over the Vite build of the kernels.
import { serveTraining, viteEngine } from '../../src/vite.js';

serveTraining(() => viteEngine());
