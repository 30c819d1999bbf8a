import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { readRegularFile } from '../read-file.js';
import { parseDataFile, type DataFile, type DataLookup } from '../yaml/data-file.js';

// A cached data lookup over recipe directories (later ones win), each with its data/ folder.
export function dataLookup(recipeDirs: readonly string[]): DataLookup {
  const cache = new Map<string, DataFile>();
  return (name) => {
    const hit = cache.get(name);
    if (hit) return hit;
    if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) throw new UserError(`data file name "${name}" is not a plain name`);
    const file = [...recipeDirs].reverse().map((d) => join(d, 'data', `${name}.yaml`)).find((f) => existsSync(f));
    if (!file) throw new UserError(`no data file "${name}.yaml" in ${recipeDirs.map((d) => join(d, 'data')).join(', ')}`);
    let text: string;
    try {
      text = readRegularFile(file);
    } catch (err) {
      throw new UserError(`${file}: cannot read data file: ${(err as Error).message}`);
    }
    const parsed = parseDataFile(text, file);
    cache.set(name, parsed);
    return parsed;
  };
}

// The rows of a named table; an unknown table is a UserError.
export function tableRows(data: DataFile, table: string): Record<string, unknown>[] {
  const rows = data.tables[table];
  if (!rows) throw new UserError(`${data.file} has no table "${table}"; it has ${Object.keys(data.tables).join(', ')}`);
  return rows;
}

const SIX_MONTHS_MS = 183 * 24 * 3600 * 1000;

// A note for the plan when a data file was last refreshed over six months before `now`.
export function staleNote(data: DataFile, now: Date): string | undefined {
  if (!data.refreshed || now.getTime() - Date.parse(data.refreshed) <= SIX_MONTHS_MS) return undefined;
  return `${data.file.replace(/^.*\/(data\/[^/]+)$/, '$1')} was last refreshed on ${data.refreshed}, over six months ago: newer releases may be missing`;
}
