import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { uniform } from './random.js';

/**
 * A learnable CSV problem with features far from zero-centred: 3 species, 4 features, `rows` rows
 * sorted by label (so a split that takes the last rows would miss classes). Feature j of a row of
 * class c is 1000 + 40·[j = c] + j·100 + noise(±6), written with 3 decimals.
 */
export function speciesRows(rows: number, seed = 1): { header: string[]; lines: string[][] } {
  const names = ['setosa', 'versicolor', 'virginica'];
  const lines: string[][] = [];
  const u = uniform(seed);
  const noise = () => u() * 12 - 6;
  for (let r = 0; r < rows; r++) {
    const c = Math.floor((r * 3) / rows);
    const features = Array.from({ length: 4 }, (_, j) => (1000 + (j === c ? 40 : 0) + j * 100 + noise()).toFixed(3));
    // The label column sits in the middle, as in a file nobody arranged for us.
    lines.push([features[0]!, features[1]!, names[c]!, features[2]!, features[3]!]);
  }
  return { header: ['sepal_length', 'sepal_width', 'species', 'petal_length', 'petal_width'], lines };
}

export function writeCsv(dir: string, name: string, header: string[], lines: string[][]): string {
  const file = join(dir, name);
  writeFileSync(file, [header, ...lines].map((l) => l.join(',')).join('\n') + '\n');
  return file;
}
