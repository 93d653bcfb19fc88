// Train on your own tabular data: a CSV file per split, a label column with class names, features
// on any scale (standardized inside the model, so predict() takes raw values).
//
//   node examples/csv/train-csv.mjs
// The same run from the command line:
//   npx evoprune train --dataset csv:examples/csv/machines-train.csv,examples/csv/machines-test.csv \
//     --label state --hidden 32,16 --epochs 30 --batch 16 --target-sparsity 0.5
import { fileURLToPath } from 'node:url';
import { loadModel, train } from 'evoprune';

const here = (name) => fileURLToPath(new URL(name, import.meta.url));
const dataset = `csv:${here('machines-train.csv')},${here('machines-test.csv')}`;

// Half of each hidden layer's populations go extinct during training (numerics 2's target).
const summary = await train({ dataset, label: 'state', hidden: [32, 16], epochs: 30, batch: 16, targetSparsity: 0.5, seed: 1 }, { keepModel: true });
console.log(`classes ${summary.classNames.join(', ')}`);
console.log(`test accuracy ${(100 * summary.testAccuracy).toFixed(1)} %, populations alive ${summary.alive.join(' + ')} of 32 + 16`);

// Predict one new reading, in the CSV's units (temperature, vibration, current, rpm, acoustic dB).
const model = await loadModel(summary.model);
const reading = [83.0, 2.4, 14.0, 1445, 1.0];
const { classes, probabilities } = model.predict(reading);
console.log(`reading ${reading.join(', ')}: ${summary.classNames[classes[0]]} (probability ${(100 * probabilities[classes[0]]).toFixed(1)} %)`);
model.free();
