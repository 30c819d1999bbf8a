import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { parseYaml } from '../recipe/parse-yaml.js';

// A data file: where its facts come from, and named tables of rows.
export interface DataFile {
  file: string;
  source: string;
  // The day its facts were last checked against their sources (YYYY-MM-DD), when it says.
  refreshed?: string;
  tables: Record<string, Record<string, unknown>[]>;
}

// Reads a data file by name (recipes/data/<name>.yaml, or a user recipe directory's data/).
export type DataLookup = (name: string) => DataFile;

// Parse a data file: a mapping with `source` (required) and tables (lists of mappings).
export function parseDataFile(text: string, file: string): DataFile {
  const { data, positions } = parseYaml(text, file);
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new UserError('a data file is a mapping of tables', positions.at([]));
  const { source, refreshed, ...rest } = data as Record<string, unknown>;
  if (typeof source !== 'string' || !source.trim()) throw new UserError('a data file must say where its facts come from: source: …', positions.at([]));
  if (refreshed !== undefined && !(typeof refreshed === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(refreshed))) {
    throw new UserError('refreshed: the day the data was last checked, as "YYYY-MM-DD"', positions.at(['refreshed']));
  }
  const tables: DataFile['tables'] = {};
  for (const [name, rows] of Object.entries(rest)) {
    if (!Array.isArray(rows) || rows.some((r) => !r || typeof r !== 'object' || Array.isArray(r))) {
      throw new UserError(`${name}: a table is a list of mappings`, positions.at([name]));
    }
    tables[name] = rows as Record<string, unknown>[];
  }
  return refreshed ? { file, source, refreshed, tables } : { file, source, tables };
}

// A cached data lookup over recipe directories (later ones win), each with its data/ folder.
export function dataLookup(recipeDirs: readonly string[]): DataLookup {
  const cache = new Map<string, DataFile>();
  return (name) => {
    const hit = cache.get(name);
    if (hit) return hit;
    if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) throw new UserError(`data file name "${name}" is not a plain name`);
    const file = [...recipeDirs].reverse().map((d) => join(d, 'data', `${name}.yaml`)).find((f) => existsSync(f));
    if (!file) throw new UserError(`no data file "${name}.yaml" in ${recipeDirs.map((d) => join(d, 'data')).join(', ')}`);
    const parsed = parseDataFile(readFileSync(file, 'utf8'), file);
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
