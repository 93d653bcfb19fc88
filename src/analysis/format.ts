// How numbers read in everything a person reads: Markdown reports and tables, plot titles and the
// CLI's printed lines. CSV, JSON and Arrow keep the raw numbers; only their Markdown twin goes
// through here. Platform-neutral.

/** What a cell shows for a value that does not exist; the table explains it in a footnote. */
export const MISSING = '—';

/** A Markdown cell: text, or text with a footnote that explains it (e.g. why a value is missing). */
export type Cell = string | { text: string; note: string };

/** A missing value, with the footnote that says why. */
export const missing = (note: string): Cell => ({ text: MISSING, note });

/** A fraction as a percentage, e.g. 0.98034 → "98.03 %" ("—" when not a finite number). */
export function formatPercent(fraction: number | null | undefined, digits = 2): string {
  return typeof fraction === 'number' && Number.isFinite(fraction) ? `${(100 * fraction).toFixed(digits)} %` : MISSING;
}

/** Accuracy: a percentage with two decimals. */
export const accuracyText = (fraction: number | null | undefined) => formatPercent(fraction, 2);

/** Sparsity (and other shares of a network): a percentage with one decimal. */
export const shareText = (fraction: number | null | undefined) => formatPercent(fraction, 1);

/** A target or a pruning fraction: a whole percentage unless it needs a decimal (35 %, 12.5 %). */
export const fractionText = (fraction: number) => formatPercent(fraction, Number.isInteger(Math.round(fraction * 1e6) / 1e4) ? 0 : 1);

/** A difference of two fractions in percentage points, signed: −0.0312 → "−3.12 pp" ("−3.12" without `unit`). */
export function formatPoints(difference: number | null | undefined, digits = 2, unit = true): string {
  if (typeof difference !== 'number' || !Number.isFinite(difference)) return MISSING;
  return `${difference >= 0 ? '+' : '−'}${Math.abs(100 * difference).toFixed(digits)}${unit ? ' pp' : ''}`;
}

/** A plain number with fixed decimals ({@link MISSING} when not finite). */
export function formatNumber(x: number | null | undefined, digits: number): string {
  return typeof x === 'number' && Number.isFinite(x) ? x.toFixed(digits) : MISSING;
}

/** A count or rate rounded to a whole number with thin thousands separators: 18394.9 → "18 395". */
export function formatCount(x: number | null | undefined): string {
  if (typeof x !== 'number' || !Number.isFinite(x)) return MISSING;
  return String(Math.round(x)).replace(/\B(?=(\d{3})+(?!\d))/g, '\u2009');
}

/**
 * Mean ± standard deviation of fractions in one cell, e.g. "97.95 ± 0.08 %". A mean of one value
 * has no deviation: the cell says so in a footnote.
 */
export function meanStdCell(mean: number | null | undefined, std: number | null | undefined, digits = 2): Cell {
  if (typeof mean !== 'number' || !Number.isFinite(mean)) return missing('no value to average');
  if (typeof std !== 'number' || !Number.isFinite(std)) return { text: formatPercent(mean, digits), note: 'one run: no standard deviation' };
  return `${(100 * mean).toFixed(digits)} ± ${(100 * std).toFixed(digits)} %`;
}

/** Why the kernels refused a pruning, in a few words ("would empty a layer"); undefined for a reason this does not know. */
export function refusalReason(reason: string | undefined): string | undefined {
  return reason !== undefined && /every population of/.test(reason) ? 'would empty a layer' : undefined;
}

/**
 * A pruning the kernels refused, in words: "refused (would empty a layer)"; a reason
 * {@link refusalReason} does not know is kept whole in a footnote.
 */
export function refusedCell(reason: string | undefined): Cell {
  const short = refusalReason(reason);
  if (short !== undefined) return `refused (${short})`;
  return { text: 'refused', note: `refused by the kernels${reason ? `: ${reason}` : ''}` };
}

const DATASET_NAMES: Record<string, string> = { mnist: 'MNIST', 'fashion-mnist': 'Fashion-MNIST' };

/** A dataset as people name it: mnist → MNIST, fashion-mnist:<folder> → Fashion-MNIST (<folder>); others as given. */
export function datasetName(dataset: string): string {
  const colon = dataset.indexOf(':');
  const [id, where] = colon < 0 ? [dataset, ''] : [dataset.slice(0, colon), dataset.slice(colon + 1)];
  const name = DATASET_NAMES[id];
  if (name === undefined) return dataset;
  return where ? `${name} (${where})` : name;
}

/** "1 epoch", "20 epochs". */
export const epochsText = (epochs: number) => `${epochs} epoch${epochs === 1 ? '' : 's'}`;

/** What a run's title says about its size (all but `dataset` optional: each present one is named). */
export interface RunDescription {
  dataset: string;
  sizes?: readonly number[];
  epochs?: number;
  seed?: number;
  trainLimit?: number | undefined;
  testLimit?: number | undefined;
}

/** A run's title: "MNIST, 784-512-256-10, 20 epochs, seed 1" (and the image limits when set). */
export function runTitle(run: RunDescription): string {
  const limits = [
    run.trainLimit === undefined ? '' : `${formatCount(run.trainLimit)} training`,
    run.testLimit === undefined ? '' : `${formatCount(run.testLimit)} test`,
  ]
    .filter(Boolean)
    .join(' / ');
  return [
    datasetName(run.dataset),
    run.sizes ? run.sizes.join('-') : '',
    run.epochs === undefined ? '' : epochsText(run.epochs),
    run.seed === undefined ? '' : `seed ${run.seed}`,
    limits ? `first ${limits} examples` : '',
  ]
    .filter(Boolean)
    .join(', ');
}

/**
 * The values of one field over several runs in a title: the value when they share it, else all of
 * them ("MNIST and Fashion-MNIST"), so a sweep's title says what its runs have in common.
 */
export function listed(values: readonly string[]): string {
  const unique = [...new Set(values)];
  return unique.length <= 1 ? (unique[0] ?? '') : `${unique.slice(0, -1).join(', ')} and ${unique.at(-1)}`;
}

/** One column of a Markdown table: its header, its cell for a row, right-aligned for numbers. */
export interface Column<Row> {
  title: string;
  cell: (row: Row) => Cell | number;
  align?: 'left' | 'right';
}

const SUPERSCRIPT = '⁰¹²³⁴⁵⁶⁷⁸⁹';
const superscript = (n: number) => [...String(n)].map((d) => SUPERSCRIPT[Number(d)]).join('');

/** Cell text made safe for a Markdown table row (a `|` would end the cell, a newline the row). */
const escapeCell = (text: string) => text.replaceAll('|', '\\|').replace(/\s*\n\s*/g, ' ');

/**
 * A Markdown table of `rows`. Numbers not already formatted are written as they are when whole,
 * else to four significant digits; a value that is not a finite number, null or undefined
 * becomes {@link MISSING} (never "NaN" or "undefined"). Footnotes are numbered in order of first
 * use and listed under the table.
 */
export function markdownTable<Row>(rows: readonly Row[], columns: readonly Column<Row>[]): string {
  const notes: string[] = [];
  const render = (value: Cell | number): string => {
    const cell = typeof value === 'number' ? plainNumber(value) : value;
    if (typeof cell === 'string') return escapeCell(cell);
    let index = notes.indexOf(cell.note);
    if (index < 0) index = notes.push(cell.note) - 1;
    return `${escapeCell(cell.text)}${superscript(index + 1)}`;
  };
  const lines = [
    `| ${columns.map((c) => escapeCell(c.title)).join(' | ')} |`,
    `|${columns.map((c) => (c.align === 'right' ? '--:' : ':--')).join('|')}|`,
    ...rows.map((row) => `| ${columns.map((c) => render(c.cell(row))).join(' | ')} |`),
  ];
  return [lines.join('\n'), ...notes.map((note, i) => `${superscript(i + 1)} ${note}`)].join('\n\n');
}

/** A number with no known unit, readable: whole numbers whole, others to four significant digits. */
function plainNumber(x: number): Cell {
  if (!Number.isFinite(x)) return missing('no value');
  if (Number.isInteger(x) || Math.abs(x) >= 1000) return String(Math.round(x));
  return String(Number(x.toPrecision(4)));
}

/** Any value of a generic table as a cell: numbers as {@link markdownTable} writes them, lists joined with "-". */
export function plainCell(value: unknown): Cell | number {
  if (typeof value === 'number') return value;
  if (value === null || value === undefined || (typeof value === 'string' && value === '')) return missing('no value');
  if (Array.isArray(value)) return value.join('-');
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return String(value);
}
