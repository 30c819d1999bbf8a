import { tableRows } from '../data.js';
import { mapArg, stringArg } from './args.js';
import type { Deriver } from './types.js';

// table: the `get` field of the row of `file`'s `table` whose fields equal `where`; `default` (when given) stands in for a missing row.
export const deriveFromTable: Deriver = (input) => {
  const data = input.data(stringArg(input, 'file'));
  const table = stringArg(input, 'table');
  const where = mapArg(input, 'where');
  const get = stringArg(input, 'get');
  const row = tableRows(data, table).find((r) => Object.entries(where).every(([k, v]) => String(r[k]) === v));
  if (!row && typeof input.args.default === 'string') return { value: input.args.default };
  if (!row) {
    const [key] = Object.keys(where);
    const known = key ? tableRows(data, table).map((r) => String(r[key])).join(', ') : '';
    throw new Error(`${data.file}: no row of ${table} with ${Object.entries(where).map(([k, v]) => `${k}=${v}`).join(', ')}${known ? `; known ${key}: ${known}` : ''}`);
  }
  if (row[get] === undefined) throw new Error(`${data.file}: the ${table} row has no field "${get}"`);
  return { value: Array.isArray(row[get]) ? (row[get] as unknown[]).join(' ') : String(row[get]) };
};
