// Variants of a byte-image dataset, built in memory: the robustness battery of numerics 2 trains
// on inputs that are far from zero-centred, dense rather than mostly zero, and so on.
import type { Dataset, ImageSet } from './types.js';

/** How a variant maps each byte: `shift` x → ½ + ½x (in [0, 1] units), `invert` x → 1 − x. */
export type InputVariant = 'plain' | 'shift' | 'invert';

const MAPS: Record<InputVariant, (b: number) => number> = {
  plain: (b) => b,
  shift: (b) => 128 + (b >> 1),
  invert: (b) => 255 - b,
};

function mapped(set: ImageSet, map: (b: number) => number): ImageSet {
  const lookup = Uint8Array.from({ length: 256 }, (_, b) => map(b));
  return { ...set, images: set.images.map((b) => lookup[b]!) };
}

/** `dataset` with every image byte mapped by the variant (labels unchanged); named after it. */
export function inputVariant(dataset: Dataset<ImageSet>, variant: InputVariant): Dataset<ImageSet> {
  if (variant === 'plain') return dataset;
  return { ...dataset, name: `${dataset.name}:${variant}`, train: mapped(dataset.train, MAPS[variant]), test: mapped(dataset.test, MAPS[variant]) };
}
