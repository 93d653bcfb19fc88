/** The paper's reported numbers (MNIST, 784–512–256–10; arXiv 2601.10765). */
export const PAPER = { dense: 0.98, pruned35: 0.955, pruned50: '0.883–0.886' } as const;

/** The paper's 50 % range as two fractions (low, high), read from {@link PAPER} so there is one source. */
export const PAPER_PRUNED50 = PAPER.pruned50.split('–').map(Number) as [number, number];
