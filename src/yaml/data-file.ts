import { UserError } from '../errors.js';
import { parseYaml } from './parse-yaml.js';

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
