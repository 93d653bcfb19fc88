/** Images as bytes (row-major, one row per image) and one label byte per image. */
export interface ImageSet {
  images: Uint8Array;
  labels: Uint8Array;
  rows: number;
  /** Values per image (28·28 = 784 for MNIST). */
  cols: number;
  /** Shape of one image, e.g. [28, 28]. */
  shape: number[];
}

export interface Dataset {
  name: string;
  train: ImageSet;
  test: ImageSet;
  classes: number;
}
