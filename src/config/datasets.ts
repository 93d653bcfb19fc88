/** The dataset names a run configuration accepts (platform-neutral: no file access here). */
export const DATASET_SPECS = ['mnist', 'fashion-mnist', 'fashion-mnist:<folder>', 'idx:<folder>'] as const;

/** Whether `spec` names a dataset evoprune knows how to load (the folder itself is checked on load). */
export function isDatasetSpec(spec: string): boolean {
  return spec === 'mnist' || spec === 'fashion-mnist' || /^(fashion-mnist|idx):.+/.test(spec);
}
