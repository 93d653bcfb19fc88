// Platform-neutral: used in Node and in browsers.

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

/** Rows of f32 features (row-major, `rows × cols`) and one label (a class index) per row. */
export interface FeatureSet {
  features: Float32Array;
  labels: Uint8Array;
  rows: number;
  /** Features per row. */
  cols: number;
}

/** One split of a dataset: byte images or f32 features. */
export type DataSplit = ImageSet | FeatureSet;

/** A file a dataset was read from, and its SHA-256 (provenance). */
export interface DatasetSource {
  file: string;
  bytes: number;
  sha256: string;
}

export interface Dataset<Split extends DataSplit = DataSplit> {
  name: string;
  train: Split;
  test: Split;
  classes: number;
  /**
   * What each class index stands for, when the labels were not class indices to begin with
   * (a CSV's label values, strings given to `datasetFromArrays`): `classNames[k]` is class k.
   */
  classNames?: string[];
  /** Names of the features, in column order (a CSV's header without the label column). */
  featureNames?: string[];
  /** The files it was read from, when it came from files. */
  sources?: DatasetSource[];
}

/** Whether a split holds f32 features (else byte images). */
export function isFeatureSet(set: DataSplit): set is FeatureSet {
  return 'features' in set;
}

/** A split's values as the kernels take them: bytes for images, f32 for features. */
export function splitInputs(set: DataSplit): Uint8Array | Float32Array {
  return isFeatureSet(set) ? set.features : set.images;
}
