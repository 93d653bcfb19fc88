/**
 * Training cost that falls as populations die (compaction during training), one thread:
 *
 * 1. Per epoch, in process: the recommended evolving run (`target-80`) next to a dense reference
 *    (`--dynamic none`, no participation tracking), interleaved round by round on the same
 *    MNIST; each evolving epoch's wall time over the same epoch of the dense run of its round,
 *    against the bound living-work fraction + 0.08. The same evolving run with compaction off
 *    (the A/B) is timed too and must give the same stateHash.
 * 2. Whole processes, timed from outside (`evoprune train` spawned, wall clock to exit), so no
 *    work can hide outside the timed window: evolving vs dense vs evolving without compaction.
 * 3. Inference of the trained evolving model after compaction against the full-size model,
 *    batch 128 (target ≥ 3×).
 *
 *   npm run bench:compaction [-- --epochs N --rounds R --processes P]   (--smoke: tiny, for CI)
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compactChecked, inferenceSpeed, loadDataset, nodeEngine, resolveTrainConfig, runTraining, type TrainSummary, WasmModel } from '../src/index.js';
import { flag, interleaved, median, ratios, smoke, spread } from './bench-util.js';

const epochs = flag('epochs', 20, 2);
const rounds = flag('rounds', 3, 1);
const processes = flag('processes', 2, 1);
const trainLimit = smoke ? 2000 : undefined;
const mnist = loadDataset('mnist', trainLimit ? { trainLimit, testLimit: 500 } : {});
const engine = nodeEngine();

const evolving = resolveTrainConfig({ preset: 'target-80', epochs });
const dense = resolveTrainConfig({ dynamic: 'none', epochs });

const runs: Record<'dense' | 'evolving' | 'off', TrainSummary[]> = { dense: [], evolving: [], off: [] };
let model: Uint8Array | undefined;
const train = async (key: keyof typeof runs) => {
  const summary = await runTraining(key === 'dense' ? dense : evolving, mnist, engine, {
    compaction: key !== 'off',
    keepModel: key === 'evolving',
  });
  runs[key].push(summary);
  if (key === 'evolving') model = summary.model;
  process.stderr.write(`  ${key}: ${summary.seconds.toFixed(1)} s, alive ${summary.alive.join('+')}\n`);
  return summary.seconds;
};
console.log(
  `MNIST ${mnist.train.rows} training rows, 784-512-256-10, batch 128, ${epochs} epochs, ${rounds} interleaved rounds, 1 thread, Node ${process.version}`,
);
const seconds = await interleaved(rounds, { dense: () => train('dense'), evolving: () => train('evolving'), off: () => train('off') });

const hashes = new Set([...runs.evolving, ...runs.off].map((s) => s.stateHash));
console.log(`\nstateHash with compaction on and off: ${hashes.size === 1 ? 'identical' : 'DIFFERENT'} (${[...hashes].map((h) => h.slice(0, 16)).join(', ')})`);
console.log('\nper epoch: evolving epoch ÷ the same epoch of the dense run of its round (median [min–max] over rounds)');
console.log('epoch  living work  bound   with compaction      without compaction   within bound');
let within = 0;
for (let e = 0; e < epochs; e++) {
  const living = runs.evolving[0]!.history[e]!.livingWork ?? 1;
  const on = runs.evolving.map((s, r) => s.history[e]!.seconds / runs.dense[r]!.history[e]!.seconds);
  const off = runs.off.map((s, r) => s.history[e]!.seconds / runs.dense[r]!.history[e]!.seconds);
  const ok = median(on) <= living + 0.08;
  within += ok ? 1 : 0;
  console.log(
    `${String(e + 1).padStart(5)}  ${living.toFixed(3).padStart(11)}  ${(living + 0.08).toFixed(3)}   ${spread(on, 3).padEnd(19)}  ${spread(off, 3).padEnd(19)}  ${ok ? 'yes' : 'NO'}`,
  );
}
const meanLiving = runs.evolving[0]!.history.reduce((a, h) => a + (h.livingWork ?? 1), 0) / epochs;
console.log(`${within} of ${epochs} epochs within living work + 0.08; mean living work ${meanLiving.toFixed(3)}`);
console.log(
  `whole run in process: evolving ÷ dense ${spread(ratios(seconds.evolving, seconds.dense), 3)}, without compaction ÷ dense ${spread(ratios(seconds.off, seconds.dense), 3)}`,
);
console.log(`dense throughput: ${spread(runs.dense.map((s) => s.samplesPerSecond))} samples/s (training only)`);

// Whole processes, from outside.
const cli = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cli', 'main.js');
if (!existsSync(cli)) throw new Error(`${cli} is missing: run npm run build first`);
const limits = trainLimit ? ['--train-limit', String(trainLimit), '--test-limit', '500'] : [];
const spawnTimed = (args: string[]) => () => {
  const t0 = performance.now();
  const result = spawnSync(process.execPath, [cli, 'train', '--epochs', String(epochs), '--quiet', ...limits, ...args], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`evoprune train ${args.join(' ')} failed: ${result.stderr}`);
  return (performance.now() - t0) / 1000;
};
const outside = await interleaved(processes, {
  dense: spawnTimed(['--dynamic', 'none']),
  evolving: spawnTimed(['--preset', 'target-80']),
  off: spawnTimed(['--preset', 'target-80', '--no-compaction']),
});
console.log(`\nwhole processes (spawned, wall clock to exit, ${processes} interleaved rounds):`);
console.log(`  dense ${spread(outside.dense, 1)} s · evolving ${spread(outside.evolving, 1)} s · evolving without compaction ${spread(outside.off, 1)} s`);
console.log(
  `  evolving ÷ dense ${spread(ratios(outside.evolving, outside.dense), 3)} (mean living work ${meanLiving.toFixed(3)}; bound ${(meanLiving + 0.08).toFixed(3)}), without compaction ÷ dense ${spread(ratios(outside.off, outside.dense), 3)}`,
);

// Inference of the compact model.
const full = WasmModel.fromBytes(engine.wasm, model!);
const { compact } = compactChecked(full, mnist.test);
const speeds = await interleaved(smoke ? 1 : 7, { full: () => inferenceSpeed(full, mnist.test, 128), compact: () => inferenceSpeed(compact, mnist.test, 128) });
console.log(`\ninference at batch 128 (${full.sizes.join('-')} → ${compact.sizes.join('-')}, ${smoke ? 1 : 7} interleaved rounds):`);
console.log(
  `  full ${spread(speeds.full)} · compact ${spread(speeds.compact)} samples/s · compact ÷ full ${spread(ratios(speeds.compact, speeds.full), 2)}× (target ≥ 3×)`,
);
full.free();
compact.free();
