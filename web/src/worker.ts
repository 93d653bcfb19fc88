// The demo's training worker: evoprune's own worker protocol over the Vite build of the kernels,
// threaded when the demo asks for threads (its servers send the cross-origin-isolation headers).
import { browserThreadedEngine, serveTraining, viteEngine } from '../../src/vite.js';

serveTraining(
  () => viteEngine(),
  (threads) => browserThreadedEngine(threads),
);
