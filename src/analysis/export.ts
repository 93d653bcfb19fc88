import type { ColumnTable } from 'arquero';
import { writeOwned } from '../run/folder.js';
import { type Column, markdownTable, plainCell } from './format.js';

/**
 * Writes `table` as `<name>.csv`, `<name>.json`, `<name>.md` and `<name>.arrow` (Apache Arrow IPC)
 * in `dir`, each atomically (and recorded as evoprune's when `dir` is a run or sweep folder). CSV,
 * JSON and Arrow hold the raw numbers; the Markdown is for reading: `markdown` when given (a table
 * formatted with its units), else every column as it is, missing values as "—".
 */
export function writeTable(table: ColumnTable, dir: string, name: string, markdown: string = tableMarkdown(table)): string[] {
  const files = [
    [`${name}.csv`, table.toCSV()],
    [`${name}.json`, JSON.stringify(table.objects(), null, 2) + '\n'],
    [`${name}.md`, markdown.trimEnd() + '\n'],
    [`${name}.arrow`, table.toArrowIPC()],
  ] as const;
  return files.map(([file, text]) => writeOwned(dir, file, text));
}

/** Every column of `table` as a Markdown table, numbers right-aligned, no "NaN" or "undefined". */
export function tableMarkdown(table: ColumnTable): string {
  const rows = table.objects() as Record<string, unknown>[];
  const columns: Column<Record<string, unknown>>[] = table.columnNames().map((name) => ({
    title: name,
    cell: (row) => plainCell(row[name]),
    align: rows.some((r) => typeof r[name] === 'number') ? 'right' : 'left',
  }));
  return markdownTable(rows, columns);
}
