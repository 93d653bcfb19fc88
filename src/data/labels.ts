// Class indices from label values (a CSV's label column, string labels given in memory).
// Platform-neutral.
import { DataError } from './idx-parse.js';

/** The most classes a dataset may have: labels travel to the kernels as bytes. */
export const MAX_CLASSES = 256;

const INTEGER = /^[+-]?\d+$/;

/**
 * The classes of a set of label values, in the documented order: when every value is an integer
 * (`-?\d+`, after trimming spaces) the classes are the distinct integers in increasing numeric
 * order, named by their decimal form (`"07"` and `"7"` are one class, `"7"`); otherwise the
 * distinct trimmed strings in increasing UTF-16 code-unit order (JavaScript's default sort:
 * `"B" < "a" < "b"`). Class k is `names[k]`. `where` names the data for errors.
 */
export function labelClasses(values: Iterable<string>, where: string): { names: string[]; index: (value: string) => number | undefined } {
  const distinct = new Set<string>();
  for (const v of values) distinct.add(v.trim());
  const all = [...distinct];
  const integers = all.length > 0 && all.every((v) => INTEGER.test(v));
  let names: string[];
  if (integers) {
    const numbers = [...new Set(all.map((v) => BigInt(v)))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    names = numbers.map(String);
  } else {
    names = all.sort();
  }
  if (names.length < 2) {
    throw new DataError(`${where}: ${names.length === 0 ? 'no labels' : `every label is ${JSON.stringify(names[0])}`}; a classifier needs at least 2 classes`);
  }
  if (names.length > MAX_CLASSES) {
    throw new DataError(`${where}: ${names.length} distinct labels; evoprune trains at most ${MAX_CLASSES} classes`);
  }
  const byName = new Map(names.map((n, k) => [n, k]));
  const key = integers ? (v: string) => (INTEGER.test(v.trim()) ? String(BigInt(v.trim())) : undefined) : (v: string) => v.trim();
  return {
    names,
    index: (value: string) => {
      const k = key(value);
      return k === undefined ? undefined : byName.get(k);
    },
  };
}
