// Train an evolving network on MNIST and keep it as a run folder (config, checkpoints, metrics,
// model.bin, report.md), as `evoprune train --out` does.
//
//   node examples/node/train.mjs [out-dir]        (default runs/example-target-80)
import { trainRun } from 'evoprune';

const dir = process.argv[2] ?? 'runs/example-target-80';
// The recommended evolving setup (80 % of each hidden layer's populations go extinct during
// training), on a smaller network and for fewer epochs than the preset's, so that it runs in seconds.
const config = { preset: 'target-80', hidden: [256, 128], epochs: 8, seed: 1 };

const { summary, files } = await trainRun(config, {
  dir,
  threads: 2, // same bits as one thread, faster on two cores
  force: true, // replace the previous run of this example (only a folder evoprune wrote)
  onEpoch: (m) => console.log(`epoch ${m.epoch}: test accuracy ${(100 * m.testAccuracy).toFixed(2)} %, alive ${m.alive.join(' + ')}`),
});

console.log(`test accuracy ${(100 * summary.testAccuracy).toFixed(2)} %`);
console.log(`sparsity ${(100 * summary.sparsity).toFixed(1)} % (populations alive ${summary.alive.join(' + ')} of ${config.hidden.join(' + ')})`);
console.log(`wrote ${files.length} files to ${dir}, the model is ${dir}/model.bin`);
