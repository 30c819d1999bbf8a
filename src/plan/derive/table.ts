import { tableRows } from '../data.js';
import { mapArg, stringArg } from './args.js';
import type { Deriver } from './types.js';

// A field of a row as a value: a list's items joined by spaces.
const fieldText = (value: unknown): string => (Array.isArray(value) ? value.join(' ') : String(value));

// table: the `get` field of the row of `file`'s `table` whose fields equal `where`; `default` (when given) stands in for a missing row
// or field.
// With `join`, the `get` field of every such row, in the table's order, joined by that text ('' when no row matches).
export const deriveFromTable: Deriver = (input) => {
  const data = input.data(stringArg(input, 'file'));
  const table = stringArg(input, 'table');
  const where = mapArg(input, 'where');
  const get = stringArg(input, 'get');
  const rows = tableRows(data, table).filter((r) => Object.entries(where).every(([k, v]) => String(r[k]) === v));
  const field = (r: Record<string, unknown>): string => {
    if (r[get] === undefined) throw new Error(`${data.file}: the ${table} row has no field "${get}"`);
    return fieldText(r[get]);
  };
  if (typeof input.args.join === 'string') return { value: rows.map(field).join(input.args.join) };
  const [row] = rows;
  if ((!row || row[get] === undefined) && typeof input.args.default === 'string') return { value: input.args.default };
  if (!row) {
    const [key] = Object.keys(where);
    const known = key ? tableRows(data, table).map((r) => String(r[key])).join(', ') : '';
    throw new Error(`${data.file}: no row of ${table} with ${Object.entries(where).map(([k, v]) => `${k}=${v}`).join(', ')}${known ? `; known ${key}: ${known}` : ''}`);
  }
  return { value: field(row) };
};
