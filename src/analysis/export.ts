import type { ColumnTable } from 'arquero';
import { writeOwned } from '../run/folder.js';

/**
 * Writes `table` as `<name>.csv`, `<name>.json`, `<name>.md` and `<name>.arrow` (Apache Arrow IPC)
 * in `dir`, each atomically (and recorded as evoprune's when `dir` is a run or sweep folder).
 */
export function writeTable(table: ColumnTable, dir: string, name: string): string[] {
  const files = [
    [`${name}.csv`, table.toCSV()],
    [`${name}.json`, JSON.stringify(table.objects(), null, 2) + '\n'],
    [`${name}.md`, table.toMarkdown() + '\n'],
    [`${name}.arrow`, table.toArrowIPC()],
  ] as const;
  return files.map(([file, text]) => writeOwned(dir, file, text));
}
