/** The dataset names a run configuration accepts (platform-neutral: no file access here). */
export const DATASET_SPECS = ['mnist', 'fashion-mnist', 'fashion-mnist:<folder>', 'idx:<folder>', 'csv:<train.csv>[,<test.csv>]'] as const;

/** Whether `spec` names a dataset evoprune knows how to load (the folder or files are checked on load). */
export function isDatasetSpec(spec: string): boolean {
  return spec === 'mnist' || spec === 'fashion-mnist' || /^(fashion-mnist|idx|csv):.+/.test(spec);
}

/** Whether `spec` names a CSV dataset (f32 features, a label column). */
export function isCsvSpec(spec: string): boolean {
  return spec.startsWith('csv:');
}
