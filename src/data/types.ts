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

/** A file a dataset was read from, and its SHA-256 (provenance). */
export interface DatasetSource {
  file: string;
  bytes: number;
  sha256: string;
}

export interface Dataset {
  name: string;
  train: ImageSet;
  test: ImageSet;
  classes: number;
  /** The files it was read from, when it came from files. */
  sources?: DatasetSource[];
}
