// Load a trained model and classify MNIST test images with it.
//
//   node examples/node/load-and-predict.mjs [model.bin | run-folder]   (default runs/example-target-80)
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { loadDataset, loadModel } from 'evoprune';

const given = process.argv[2] ?? 'runs/example-target-80';
const path = statSync(given).isDirectory() ? join(given, 'model.bin') : given;

// The model lives in wasm memory: free() releases it (in TypeScript, `using model = …` does).
const saved = await loadModel(path); // also takes bytes, or a URL
// A run's model.bin keeps extinct populations (masked); compact() removes them and folds the masses
// in: a plain, smaller MLP with the same predictions.
const model = saved.compact();
console.log(`model ${path}: layers ${saved.sizes.join('-')}, compact ${model.sizes.join('-')}, ${saved.parameterCount} → ${model.parameterCount} parameters`);
saved.free();

const { test } = loadDataset('mnist', { trainLimit: 1, testLimit: 10000 });
// One image: 784 bytes (0–255), as MNIST stores it.
const first = model.predict(test.images.subarray(0, 784));
const probability = first.probabilities[first.classes[0]];
console.log(`first test image: predicted ${first.classes[0]} (probability ${(100 * probability).toFixed(1)} %), label ${test.labels[0]}`);

// A batch: every test image at once.
const all = model.predict(test.images);
let correct = 0;
for (let i = 0; i < all.rows; i++) if (all.classes[i] === test.labels[i]) correct++;
console.log(`predicted ${all.rows} test images: accuracy ${((100 * correct) / all.rows).toFixed(2)} %`);
model.free();
