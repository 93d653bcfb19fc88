// A drawing made into an MNIST image (the model gives the probabilities: WasmModel.predict). Pure functions (no DOM), so
// the unit tests run them in Node.

/** MNIST's side, the box its digits are scaled into, and where their center of mass goes. */
export const MNIST_SIDE = 28;
const DIGIT_BOX = 20;
/** In pixel indices: MNIST's training digits have their center of mass at (14.0, 14.0) on average. */
const CENTER = 14;

/** Intensities below this (of 255) are not ink: antialiasing haze must not widen the box. */
const INK = 8;

/**
 * For each of `to` cells covering `from` source cells, the source cells it overlaps and by how
 * much (weights sum to 1): an area average, so thin strokes survive a 10× reduction.
 */
function areaWeights(from: number, to: number): { index: number; weight: number }[][] {
  const ratio = from / to;
  return Array.from({ length: to }, (_, cell) => {
    const [start, end] = [cell * ratio, (cell + 1) * ratio];
    const parts: { index: number; weight: number }[] = [];
    for (let index = Math.floor(start); index < Math.min(from, Math.ceil(end)); index++) {
      const overlap = Math.min(end, index + 1) - Math.max(start, index);
      if (overlap > 0) parts.push({ index, weight: overlap / ratio });
    }
    return parts;
  });
}

/**
 * The MNIST image of a drawing: `ink` holds `width × height` intensities (0 background … 255 ink,
 * row-major). Like MNIST's own preparation, the drawing's bounding box is scaled (aspect kept) to
 * fit 20 × 20 by area averaging, then placed in the 28 × 28 image with its center of mass at the
 * center. Returns 784 bytes, white on black, or undefined when nothing is drawn.
 */
export function toMnist(ink: ArrayLike<number>, width: number, height: number): Uint8Array | undefined {
  if (ink.length !== width * height) throw new RangeError(`toMnist: ${ink.length} intensities for a ${width}×${height} drawing (expected ${width * height})`);
  let [left, top, right, bottom] = [width, height, -1, -1];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (ink[y * width + x]! < INK) continue;
      left = Math.min(left, x);
      right = Math.max(right, x);
      top = Math.min(top, y);
      bottom = Math.max(bottom, y);
    }
  }
  if (right < 0) return undefined;
  const [boxWidth, boxHeight] = [right - left + 1, bottom - top + 1];
  const scale = DIGIT_BOX / Math.max(boxWidth, boxHeight);
  const [cols, rows] = [Math.max(1, Math.round(boxWidth * scale)), Math.max(1, Math.round(boxHeight * scale))];

  // Separable area average of the box: across, then down.
  const across = areaWeights(boxWidth, cols);
  const down = areaWeights(boxHeight, rows);
  const wide = new Float64Array(boxHeight * cols);
  for (let y = 0; y < boxHeight; y++) {
    for (let x = 0; x < cols; x++) {
      let sum = 0;
      for (const { index, weight } of across[x]!) sum += weight * ink[(top + y) * width + left + index]!;
      wide[y * cols + x] = sum;
    }
  }
  const small = new Float64Array(rows * cols);
  let [mass, massX, massY] = [0, 0, 0];
  for (let y = 0; y < rows; y++) {
    for (let x = 0; x < cols; x++) {
      let sum = 0;
      for (const { index, weight } of down[y]!) sum += weight * wide[index * cols + x]!;
      small[y * cols + x] = sum;
      mass += sum;
      massX += sum * x;
      massY += sum * y;
    }
  }

  // Center of mass to the image's center, as far as the image's edges allow.
  const place = (center: number, size: number) => Math.min(MNIST_SIDE - size, Math.max(0, Math.round(CENTER - center)));
  const [offsetX, offsetY] = [place(massX / mass, cols), place(massY / mass, rows)];
  const image = new Uint8Array(MNIST_SIDE * MNIST_SIDE);
  for (let y = 0; y < rows; y++) {
    for (let x = 0; x < cols; x++) image[(offsetY + y) * MNIST_SIDE + offsetX + x] = Math.min(255, Math.round(small[y * cols + x]!));
  }
  return image;
}
