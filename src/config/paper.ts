/** The paper's reported numbers (MNIST, 784–512–256–10; arXiv 2601.10765). */
export const PAPER = { dense: 0.98, pruned35: 0.955, pruned50: '0.883–0.886' } as const;
