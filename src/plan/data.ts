import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { parseYaml } from '../recipe/parse-yaml.js';

// A data file: where its facts come from, and named tables of rows.
export interface DataFile {
  file: string;
  source: string;
  tables: Record<string, Record<string, unknown>[]>;
}

// Reads a data file by name (recipes/data/<name>.yaml, or a user recipe directory's data/).
export type DataLookup = (name: string) => DataFile;

// Parse a data file: a mapping with `source` (required) and tables (lists of mappings).
export function parseDataFile(text: string, file: string): DataFile {
  const { data, positions } = parseYaml(text, file);
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new UserError('a data file is a mapping of tables', positions.at([]));
  const { source, ...rest } = data as Record<string, unknown>;
  if (typeof source !== 'string' || !source.trim()) throw new UserError('a data file must say where its facts come from: source: …', positions.at([]));
  const tables: DataFile['tables'] = {};
  for (const [name, rows] of Object.entries(rest)) {
    if (!Array.isArray(rows) || rows.some((r) => !r || typeof r !== 'object' || Array.isArray(r))) {
      throw new UserError(`${name}: a table is a list of mappings`, positions.at([name]));
    }
    tables[name] = rows as Record<string, unknown>[];
  }
  return { file, source, tables };
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
