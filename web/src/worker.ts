/// <reference lib="webworker" />
// Training runs here, so the page never freezes.
import { train, viteEngine, type TrainConfigInput } from '../../src/vite.js';
import { loadMnist } from './data.js';
import type { PruneRow, StartMessage, WorkerMessage } from './protocol.js';

const post = (message: WorkerMessage) => (self as unknown as DedicatedWorkerGlobalScope).postMessage(message);

self.onmessage = async (event: MessageEvent<StartMessage>) => {
  const { config, testLimit, dataUrl } = event.data;
  try {
    const dataset = await loadMnist(dataUrl, config.trainLimit, testLimit);
    let prune: PruneRow[] = [];
    let denseParameters = 0;
    const summary = await train(viteEngine(), { ...config, telemetryEvery: 20 } as TrainConfigInput, dataset, {
      onProgress: (progress) => post({ type: 'progress', progress }),
      onEpoch: (metrics) => post({ type: 'epoch', metrics }),
      onTelemetry: (r) => post({ type: 'masses', step: r.step, alive: r.alive, masses: r.masses.flatMap((m) => Array.from(m).filter((x) => x > 0)) }),
      onFinish: (trainer) => {
        const full = trainer.model();
        denseParameters = full.parameterCount;
        full.free();
        for (let percent = 0; percent <= 95; percent += 5) {
          try {
            const pruned = trainer.pruned('mass', percent / 100);
            const compact = pruned.compact();
            const accuracy = pruned.evaluate(dataset.test.images, dataset.test.labels).accuracy;
            prune.push({ fraction: percent / 100, accuracy, sizes: compact.sizes, parameters: compact.parameterCount });
            pruned.free();
            compact.free();
          } catch (error) {
            prune.push({ fraction: percent / 100, accuracy: Number.NaN, sizes: [], parameters: 0, refused: (error as Error).message });
          }
        }
      },
    });
    post({ type: 'done', stateHash: summary.stateHash, testAccuracy: summary.testAccuracy, sparsity: summary.sparsity, alive: summary.alive, prune, denseParameters });
    prune = [];
  } catch (error) {
    post({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  }
};

// The kernels load with a top-level await; a message sent before this module finished evaluating
// would find no handler, so the page waits for this before it sends `start`.
post({ type: 'ready' });
